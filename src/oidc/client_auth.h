/* client_auth.h — client authentication at the token endpoint beyond secrets: signed
 * client assertions (private_key_jwt, RFC 7523) checked with the client's registered JWKS,
 * and machines (system certificates) found by the client certificate they present
 * (tls_client_auth, RFC 8705) or by their client_id. */
#ifndef PORTIER_OIDC_CLIENT_AUTH_H
#define PORTIER_OIDC_CLIENT_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "store/store.h"

#define OIDC_ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define OIDC_ASSERTION_MAX 8192        /* bytes of a compact assertion */
#define OIDC_JWKS_MAX 16384            /* bytes of a registered JWKS */
#define OIDC_JWKS_KEYS_MAX 8
#define OIDC_ASSERTION_LIFE_MAX 300    /* exp at most this many seconds ahead */
#define OIDC_ASSERTION_LEEWAY 30       /* clock skew allowed on exp, iat, nbf */
#define OIDC_X5T_LEN 43                /* x5t#S256: base64url SHA-256 */
#define OIDC_MACHINE_APPS_MAX 64

enum oidc_assertion_error {
	OIDC_ASSERTION_OK = 0,
	OIDC_ASSERTION_MALFORMED,      /* not a compact JWS with JSON header and claims */
	OIDC_ASSERTION_ALG,            /* alg other than ES256, RS256, PS256 (none, HS256 …) */
	OIDC_ASSERTION_KEY,            /* no registered key of that kid and type */
	OIDC_ASSERTION_SIGNATURE,      /* no registered key verifies it */
	OIDC_ASSERTION_ISSUER,         /* iss or sub is not the client */
	OIDC_ASSERTION_AUDIENCE,       /* aud names neither the token endpoint nor the issuer */
	OIDC_ASSERTION_EXPIRED,        /* exp passed */
	OIDC_ASSERTION_LIFETIME,       /* exp missing or too far ahead */
	OIDC_ASSERTION_EARLY,          /* iat or nbf ahead of the clock */
	OIDC_ASSERTION_JTI,            /* jti missing or too long */
	OIDC_ASSERTION_REPLAY,         /* jti already used by this client */
};

/* A short reason for the audit trail and the error_description. */
const char *oidc_assertion_reason(enum oidc_assertion_error e);
/* Frees the keys and JWKS kept from registered JWKs (at exit: after the last request). */
void oidc_assertion_keys_clear(void);

/* The iss of an assertion, not yet verified (to find the client and its keys), copied
 * into a. 0, or -1 when it is malformed or has no string iss. */
int oidc_assertion_issuer(struct arena *a, const char *jwt, const char **iss);

/* An assertion split and decoded once (its issuer read, then verified from the same
 * parts): NULL when malformed or out of memory. It points into jwt, which must outlive
 * it; oidc_assertion_free frees it (NULL accepted). */
struct oidc_assertion;
struct oidc_assertion *oidc_assertion_parse(const char *jwt);
void oidc_assertion_free(struct oidc_assertion *as);
/* The iss claim of a parsed assertion, not yet verified (NULL when none or not a string);
 * owned by as. */
const char *oidc_assertion_iss(const struct oidc_assertion *as);

/* Verifies an assertion of client_id with the keys of jwks (a JWKS text) at time now:
 * header alg ES256, RS256 or PS256 with a key of that type (by kid when the header names
 * one), iss = sub = client_id, aud (string or array) holding one of the NULL-terminated
 * audiences, exp present, not passed and at most OIDC_ASSERTION_LIFE_MAX ahead, iat and
 * nbf not ahead, jti of 1-256 characters. On OK sets *jti (in a) and *exp. Pure. */
enum oidc_assertion_error oidc_assertion_verify(const char *jwks, const char *jwt,
    const char *client_id, const char *const *audiences, int64_t now, struct arena *a,
    const char **jti, int64_t *exp);
/* oidc_assertion_verify of an assertion already parsed (as NULL: MALFORMED). */
enum oidc_assertion_error oidc_assertion_check(const char *jwks,
    const struct oidc_assertion *as, const char *client_id, const char *const *audiences,
    int64_t now, struct arena *a, const char **jti, int64_t *exp);

/* Checks a JWKS for registration: JSON {"keys":[…]} of 1-8 public keys, EC P-256 or RSA of
 * 2048-4096 bits, no private member ("d"). 0, or -1 with a reason in err. */
int oidc_jwks_check(const char *jwks, char *err, size_t errlen);
/* Registers (or replaces) the JWKS of a client id, checked first. 0, or -1 with err. */
int oidc_client_jwks_set(struct store *s, const char *client_id, const char *jwks,
    char *err, size_t errlen);
/* Forgets the keys of a client id (its client was removed): a client registered later
 * under the same id does not inherit them. 0 or -1. */
int oidc_client_jwks_delete(struct store *s, const char *client_id);
/* The JWKS of a client id in a: 0, 1 (none registered) or -1. */
int oidc_client_jwks_get(struct store *s, struct arena *a, const char *client_id,
    const char **jwks);
/* The public signing keys of a fetched JWKS (doc, len bytes) as a JWKS text (malloc'd)
 * of at most OIDC_JWKS_KEYS_MAX keys: keys for another use or of another type are
 * skipped; a private member refuses the whole document. 0, or -1 with err. */
int oidc_jwks_usable(const char *doc, size_t len, char **out, char *err, size_t errlen);
/* The kid of an assertion's header (NULL when none), not verified, in a. 0 or -1. */
int oidc_assertion_kid(struct arena *a, const char *jwt, const char **kid);
/* Registers (or replaces) the JWKS URL of a client id (https, http only on loopback),
 * which replaces a JWKS registered as text. 0, or -1 with err. */
int oidc_client_jwks_uri_set(struct store *s, const char *client_id, const char *uri,
    char *err, size_t errlen);
/* The JWKS to check an assertion jwt of client_id with: the registered text, or the
 * document of the registered URL (oidc/jwks_uri.h; the assertion's kid may refetch it).
 * 0 with *jwks in a, 1 none registered, 2 the URL's document cannot be had (logged), -1. */
int oidc_client_jwks_for(struct store *s, struct arena *a, const char *client_id,
    const char *jwt, const char **jwks);
/* The second half of oidc_client_jwks_for: the keys of a registered value stored (a JWKS
 * text, given back as is, or a URL, whose document is fetched or kept). 0, 2, -1 as it. */
int oidc_client_jwks_resolve(struct arena *a, const char *client_id, const char *stored,
    const char *jwt, const char **jwks);
/* oidc_client_jwks_get through a cache of a few seconds (the token endpoint's machines,
 * whose issue checks the registered value again in its transaction); *kept tells it came from the cache (a refusal
 * must then be decided again on the row's: oidc_client_jwks_forget and get). */
int oidc_client_jwks_get_kept(struct store *s, struct arena *a, const char *client_id,
    const char **jwks, bool *kept);
void oidc_client_jwks_forget(const char *client_id);
/* Records the jti of a verified assertion until exp, in the group commit b of the
 * provider's store (oidc/batch.h): 0 (first use), 1 (a replay) or -1. */
struct oidc_batch;
struct store_tx;
int oidc_assertion_jti_use(struct oidc_batch *b, const char *client_id, const char *jti,
    int64_t exp);

/* The same inside a write transaction of the caller's: 0, 1 or -1 (a replay leaves tx
 * usable). */
int oidc_assertion_jti_record(struct store_tx *tx, const char *client_id, const char *jti,
    int64_t exp);

/* A system certificate as the token side sees it (migration 029; texts in the arena). */
struct oidc_machine {
	int64_t cert_id;
	const char *client_id;         /* system_cert.public_id */
	const char *status;            /* active, revoked, replaced */
	const char *not_before, *not_after;   /* "2026-01-31T12:00:00Z" */
	const char *quality;
	const char *enterprise;        /* the organisation's enterprise number ("" if none) */
	const char *thumbprint;        /* x5t#S256 */
	size_t n_apps;
	const char *apps[OIDC_MACHINE_APPS_MAX];
};
enum oidc_machine_state {
	OIDC_MACHINE_USABLE = 0, OIDC_MACHINE_REVOKED, OIDC_MACHINE_REPLACED,
	OIDC_MACHINE_EXPIRED, OIDC_MACHINE_NOT_YET,
};
/* Reads the certificate of a client id (thumbprint NULL) or of a thumbprint (client_id
 * NULL) with its applications. 0, 1 (none) or -1. */
int oidc_machine_get(struct store *s, struct arena *a, const char *client_id,
    const char *thumbprint, struct oidc_machine *out);
/* The same through a cache of a few seconds kept per client id or thumbprint (for the
 * token endpoint, whose issue reads the certificate's status again in its transaction:
 * oidc_machine_token_issue). Its status may be stale: never decide a revocation on it
 * alone. */
int oidc_machine_get_kept(struct store *s, struct arena *a, const char *client_id,
    const char *thumbprint, struct oidc_machine *out);
/* Drops what the cache keeps of a certificate (found unusable at an issue). */
void oidc_machine_forget(int64_t cert_id);
/* Whether the certificate may be used at now: active and within its validity. */
enum oidc_machine_state oidc_machine_state(const struct oidc_machine *m, int64_t now);
const char *oidc_machine_state_reason(enum oidc_machine_state st);

/* x5t#S256 of a DER certificate into out. 0 or -1. */
int oidc_x5t_der(const unsigned char *der, size_t len, char out[OIDC_X5T_LEN + 1]);
/* x5t#S256 of one PEM certificate (a trusted proxy's header). 0 or -1. */
int oidc_x5t_pem(const char *pem, size_t len, char out[OIDC_X5T_LEN + 1]);

#endif
