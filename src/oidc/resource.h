/* resource.h — resource servers (APIs) registered with the provider: they authenticate
 * with an id and a secret (only its hash is kept) to introspect access tokens (RFC 7662),
 * name the audience (a URI) the tokens meant for them carry, and may ask for access
 * tokens as JWT (RFC 9068). */
#ifndef PORTIER_OIDC_RESOURCE_H
#define PORTIER_OIDC_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "store/store.h"

#define OIDC_RS_SECRET_MIN 16
#define OIDC_RS_SECRET_MAX 256

/* A resource server as read; texts in the arena given to the reader. */
struct oidc_rs {
	const char *id;
	unsigned char secret_hash[32];
	const char *audience;
	bool jwt_access_tokens;
	const char *created_at;
};

/* Registers a resource server with its secret (16-256 printable ASCII characters),
 * audience (an absolute https URI, http on loopback; NULL: "urn:portier:rs:ID") and
 * whether its access tokens are JWT; audited as done by actor. Returns 0, -2 when the id
 * or the audience is taken, -1 with a reason in err. */
int oidc_rs_add(struct store *s, const char *id, const char *secret, const char *audience,
    bool jwt, const char *actor, char *err, size_t errlen);
/* Removes a resource server, audited. 0, 1 (unknown) or -1. */
int oidc_rs_remove(struct store *s, const char *id, const char *actor);
/* The resource server id if secret is its secret (constant-time comparison): 0, 1 (an
 * unknown id or a wrong secret: the same answer) or -1. */
int oidc_rs_auth(struct store *s, struct arena *a, const char *id, const char *secret,
    struct oidc_rs *out);
/* oidc_rs_auth inside tx (for a service that reads more in the same transaction). */
int oidc_rs_auth_tx(struct store_tx *tx, struct arena *a, const char *id, const char *secret,
    struct oidc_rs *out);
/* Resource servers authenticated lately, kept OIDC_RS_KEEP_SECONDS in this process (the
 * introspection endpoint's): found by the id and the hash of the secret presented
 * (constant-time), never by the id alone; failures are not kept. A resource server
 * removed, or registered again with another secret, is accepted with its old secret at
 * most that long after (on another node; oidc_rs_remove forgets it here at once).
 * oidc_rs_auth_kept: 0 (out filled, texts in a), 1 (not kept: read the store), 2 (no
 * resource server's credentials at all: refuse without reading), -1.
 * oidc_rs_keep keeps rs, which oidc_rs_auth(_tx) just accepted. oidc_rs_forget drops
 * id's entries (NULL: all). */
#define OIDC_RS_KEEP_SECONDS 5
int oidc_rs_auth_kept(struct arena *a, const char *id, const char *secret,
    struct oidc_rs *out);
void oidc_rs_keep(const struct oidc_rs *rs);
void oidc_rs_forget(const char *id);
/* The resource server of an audience, inside tx: 0, 1 (none) or -1. */
int oidc_rs_by_audience(struct store_tx *tx, struct arena *a, const char *audience,
    struct oidc_rs *out);
/* Whether the access tokens for audience are JWT (its resource server was registered
 * with --jwt-access-tokens): 1, 0 (opaque; also when no resource server has it) or -1. */
int oidc_rs_jwt_for(struct store *s, const char *audience);
/* Calls fn for each resource server, by id. 0 or -1. */
int oidc_rs_list(struct store *s, int (*fn)(void *arg, const struct oidc_rs *rs), void *arg);

#endif
