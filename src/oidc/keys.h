/* keys.h — the provider's signing keys, one active key per alg (ES256 and RS256), kept in
 * the store so that every node signs with the same ones: creation, rotation (a retired key
 * stays published until the tokens it signed have expired), listing, and a per-process
 * cache that serves the JWKS. */
#ifndef PORTIER_OIDC_KEYS_H
#define PORTIER_OIDC_KEYS_H

#include <stdint.h>

#include "fed/jws.h"
#include "store/store.h"

#define OIDC_ID_TOKEN_TTL 600    /* seconds an ID token is valid */
#define OIDC_KEY_GRACE 300       /* a retired key stays published this much longer */
#define OIDC_KEYRING_MAX 16      /* keys loaded at once (active + still published) */

/* A stored key as listed; its texts are valid during the call that gives it. */
struct oidc_key_info {
	const char *kid;
	const char *alg;
	int64_t created_at;
	int64_t retired_at;          /* 0 while active */
	int64_t publish_until;       /* 0 while active */
};

/* Creates the first signing key of each alg that has no active one. Returns 0 or -1. */
int oidc_keys_ensure(struct store *s);
/* Retires the active keys (published OIDC_ID_TOKEN_TTL + OIDC_KEY_GRACE seconds more),
 * makes a new active key of each alg, removes keys past publication, audits the rotation
 * as done by actor. Writes the new kids into kid, indexed by enum jws_alg (a kid is a
 * SHA-256 thumbprint in base64url, 43 characters: hence the arrays). 0 or -1. */
int oidc_keys_rotate(struct store *s, const char *actor, char kid[JWS_ALGS][JWS_KID_MAX]);
/* Calls fn for every stored key, newest first; stops when fn returns non-zero.
 * Returns 0 or -1. */
int oidc_keys_list(struct store *s, int (*fn)(void *arg, const struct oidc_key_info *k),
    void *arg);

struct oidc_keycache;            /* shared by a server's threads */
struct oidc_keyring;             /* one loaded set of keys: immutable, reference-counted */

/* A cache that reloads the keys from s at most every ttl seconds. NULL on error. */
struct oidc_keycache *oidc_keycache_new(struct store *s, int ttl);
/* Frees the cache; rings still held are freed when put back. */
void oidc_keycache_free(struct oidc_keycache *c);
/* The current keys (creating the first key if the store has none); the caller gives
 * them back with oidc_keyring_put. NULL on error. */
const struct oidc_keyring *oidc_keyring_get(struct oidc_keycache *c);
void oidc_keyring_put(struct oidc_keycache *c, const struct oidc_keyring *k);
/* Makes the next oidc_keyring_get reload the keys from the store (they changed on
 * another node: oidc/coherence.h). Rings in use stay valid until put back. */
void oidc_keycache_invalidate(struct oidc_keycache *c);
/* The ES256 key that signs now (never NULL in a ring returned by oidc_keyring_get). */
const struct jws_key *oidc_keyring_signer(const struct oidc_keyring *k);
/* The key that signs now for alg (never NULL in a ring returned by oidc_keyring_get). */
const struct jws_key *oidc_keyring_signer_alg(const struct oidc_keyring *k, enum jws_alg alg);
/* The published key with this kid, or NULL. */
const struct jws_key *oidc_keyring_find(const struct oidc_keyring *k, const char *kid);
/* The JWKS document ({"keys":[…]}) of the published keys. Owned by k. */
const char *oidc_keyring_jwks(const struct oidc_keyring *k);

/* Keys at rest: inside tx (STORE_WRITE), re-encodes every private key from old to new
 * (base/envelope.h secret_rewrap; NULL: plaintext). *changed: rows written. 0; 1 when a key
 * does not open with old (roll tx back); -1. */
struct kek;
int oidc_keys_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed);

#endif
