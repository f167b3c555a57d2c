/* upstream.h — upstream identity providers (brokering, docs/upstream-idp.md): the
 * providers portier is a relying party of (itsme, MyGov.be …), the logins under way
 * through them, and the OpenID code flow with PKCE against them (upstream_rp.c). */
#ifndef PORTIER_AUTH_UPSTREAM_H
#define PORTIER_AUTH_UPSTREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/envelope.h"
#include "policy/actor.h"
#include "store/store.h"

#define UPSTREAM_ID_MAX 32           /* a provider's id: a-z 0-9 - _ */
#define UPSTREAM_URL_MAX 512
#define UPSTREAM_SECRET_MAX 8192     /* a client secret, or a private key in DER */
#define UPSTREAM_LOGIN_TTL 600       /* seconds a login may stay at the provider */
#define UPSTREAM_STATE_LEN 43        /* 32 random bytes in base64url */

/* One provider. Texts belong to the arena it was read into. */
struct upstream_idp {
	const char *id, *name, *issuer, *client_id, *auth_method, *scope, *nn_claim;
	const char *logo;            /* NULL: none */
	const char *created_at;
	int level_max;               /* the ceiling: enum loa */
	unsigned char *secret;       /* upstream_idp_get only: opened (wipe after use) */
	size_t secret_len;
};

/* What `idp add` gives: secret is the client secret (client_secret_basic) or the private
 * key's DER (private_key_jwt, auth_method names which). */
struct upstream_idp_new {
	const char *id, *name, *issuer, *client_id, *auth_method, *scope, *nn_claim, *logo;
	int level_max;
	const void *secret;
	size_t secret_len;
};

/* Checks and stores a provider (secret sealed under the KEK when one is installed),
 * audited as done by `by`. 0; -2 an id taken already; -1 with the reason in err (a value
 * refused, or the database). */
int upstream_idp_add(struct store *s, const struct upstream_idp_new *n, const char *by,
    char *err, size_t errlen);
/* Every provider, ordered by name, into *out (n of them, in a; secrets not read). 0/-1. */
int upstream_idp_list(struct store *s, struct arena *a, struct upstream_idp **out, size_t *n);
/* The provider id with its secret opened, in a. 0, 1 (no such provider), -1. */
int upstream_idp_get(struct store *s, struct arena *a, const char *id,
    struct upstream_idp *out);
/* Removes a provider and its logins under way, audited. 0, 1 (no such provider), -1. */
int upstream_idp_remove(struct store *s, const char *id, const char *by);
/* Re-encodes the stored secrets from old to new (keys rewrap). 0, 1 (old opens not one of
 * them), -1; *changed: rows written. */
int upstream_secrets_rewrap(struct store_tx *tx, const struct kek *old,
    const struct kek *new_k, int *changed);
/* True when id is a well-formed provider id (a-z 0-9 - _, 1 to UPSTREAM_ID_MAX). */
bool upstream_id_ok(const char *id);

/* A login sent to a provider and not back yet. */
struct upstream_pending {
	const char *idp, *nonce, *verifier;
	const char *next;            /* the local page it continues */
	int level;                   /* the level that page asked */
};
/* Records a login under state (only its hash is stored), expiring after
 * UPSTREAM_LOGIN_TTL seconds; old ones are purged. 0 or -1. */
int upstream_pending_add(struct store *s, const char *state, const struct upstream_pending *p);
/* Takes the login of state once (it is deleted): 0 with *out (texts in a), 1 when there is
 * none (never made, already taken, or expired), -1. */
int upstream_pending_take(struct store *s, struct arena *a, const char *state,
    struct upstream_pending *out);

/* The person of a national number an upstream provider vouched for: found, or created
 * from the persons register; the login audited (door idp:<id>, never the NISS). 0 with
 * *person; 1 when neither portier nor the register knows the number; -1. */
int upstream_login_person(struct store *s, const char *idp, const char *niss, int level,
    const struct actor *by, int64_t *person, bool *created);
/* Audits a refused login through idp with a reason (a constant; never the NISS). */
int upstream_login_refused(struct store *s, const char *idp, const char *reason,
    const struct actor *by);

/* ---- the relying party (upstream_rp.c) ---- */

struct upstream_rp;              /* discovery documents and JWKS cached per provider */

/* ca_file: "" or NULL for the system's CAs (portal/http.h phttp_init, once per process).
 * NULL when out of memory. */
struct upstream_rp *upstream_rp_new(void);
void upstream_rp_free(struct upstream_rp *rp);

/* The authorization URL for idp (in a): code flow, PKCE S256 of verifier, state, nonce,
 * ui_locales = lang. NULL when the provider cannot be reached (reason in err). */
char *upstream_rp_authorize_url(struct upstream_rp *rp, struct arena *a,
    const struct upstream_idp *idp, const char *redirect_uri, const char *lang,
    const char *state, const char *nonce, const char *verifier, char *err, size_t errlen);

enum upstream_result {
	UP_OK = 0,
	UP_UNAVAILABLE,              /* the provider did not answer usefully */
	UP_REFUSED,                  /* the token endpoint refused the code */
	UP_TOKEN,                    /* the ID token failed a check (idt says which) */
	UP_NO_NN,                    /* no national number claim */
	UP_BAD_NN,                   /* the claim is not a valid national number */
};

/* What an accepted ID token says. */
struct upstream_identity {
	char niss[12];               /* 11 digits */
	int level;                   /* min(level of acr, the provider's ceiling) */
	int idt;                     /* enum idtoken_error when UP_TOKEN */
};

/* Exchanges code (with verifier) at idp's token endpoint, client_secret_basic or
 * private_key_jwt, and checks the ID token (upstream_check_token). On UP_OK, *id is
 * filled; a reason for the log is in err otherwise. */
enum upstream_result upstream_rp_finish(struct upstream_rp *rp, struct arena *a,
    const struct upstream_idp *idp, const char *redirect_uri, const char *code,
    const char *verifier, const char *nonce, struct upstream_identity *id, char *err,
    size_t errlen);

/* The pure check of an ID token against a JWKS document: signature (ES256 or RS256), iss = the
 * provider's issuer, aud/azp = its client_id, exp/iat with UPSTREAM_LEEWAY, nonce; then
 * the national number claim (a valid NISS) and the level. 0 or as above. */
#define UPSTREAM_LEEWAY 60
struct portal_jwks;
enum upstream_result upstream_check_token(const struct portal_jwks *keys, const char *token,
    const struct upstream_idp *idp, const char *nonce, int64_t now,
    struct upstream_identity *id);
/* The level an upstream acr value is worth (eIDAS, itsme, portier's own; absent or
 * unknown: low). */
int upstream_acr_level(const char *acr);

#endif
