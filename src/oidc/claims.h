/* claims.h — what tokens and userinfo say about a person: a pairwise subject per client
 * sector, names and locale (scope profile), e-mail (scope email), the national number
 * (scope national_number, for clients allowed to have it), and always the chosen
 * organisation, the quality, the role and the granted applications (docs/oidc.md).
 * Also the ID token itself, and the reading of an ID token given back as a hint. */
#ifndef PORTIER_OIDC_CLAIMS_H
#define PORTIER_OIDC_CLAIMS_H

#include <jansson.h>
#include <stdint.h>

#include "base/buf.h"
#include "fed/attrs.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "oidc/keys.h"
#include "fed/profiles.h"
#include "store/store.h"

#define OIDC_SUB_LEN FED_SUB_LEN  /* HMAC-SHA256 in base64url (fed_pairwise_sub) */

/* The installation's pairwise secret, read from the store, created there on first use
 * (the provider keeps it: oidc_provider_secret). 0 or -1. */
int oidc_pairwise_secret(struct store *s, unsigned char out[32]);
/* Keys at rest: inside tx (STORE_WRITE), re-encodes the pairwise secret from old to new
 * (base/envelope.h secret_rewrap; NULL: plaintext). 0; 1 when old does not open it; -1. */
struct kek;
int oidc_pairwise_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed);
struct oidc_provider;
/* The subject of person_id for client c of provider p. Returns 0 or -1. */
int oidc_subject(struct oidc_provider *p, const struct oidc_client *c, int64_t person_id,
    char out[OIDC_SUB_LEN + 1]);

/* Adds the claims of grant g for client c, made of d (fed_profile_read), to obj
 * (sub included): the attribute set fed_attributes releases to the client's sector,
 * scopes and registration, named as OpenID Connect names them. Returns 0 or -1. */
int oidc_claims(struct oidc_provider *p, const struct oidc_client *c, const struct oidc_grant *g,
    const struct fed_profile_data *d, json_t *obj);
/* Builds and signs the ID token of grant g for client c (nonce only when with_nonce),
 * issued by provider p, appending it to out. Returns 0 or -1. */
int oidc_id_token(struct oidc_provider *p, const struct oidc_keyring *kr,
    const struct oidc_client *c, const struct oidc_grant *g,
    const struct fed_profile_data *d, bool with_nonce, struct buf *out);
/* Reads an ID token given back as id_token_hint: signed by a published key, issued by
 * issuer (expiry not checked, as RP-initiated logout allows). Writes its audience (a
 * client id, copied into a) and subject. Returns 0 or -1. */
int oidc_id_token_hint(const struct oidc_keyring *kr, const char *issuer, const char *token,
    struct arena *a, const char **client_id, char sub[OIDC_SUB_LEN + 1]);

#endif
