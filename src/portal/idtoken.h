/* idtoken.h — the relying party's check of an OpenID Connect ID token: a JWKS of ES256
 * (and RS256) keys, the compact JWS signature (OpenSSL EVP), then iss, aud/azp, exp, iat,
 * nbf, nonce and sub. Pure code: no HTTP, no store; the portal's, and the upstream
 * providers' of the broker (auth/upstream_rp.c). */
#ifndef PORTIER_PORTAL_IDTOKEN_H
#define PORTIER_PORTAL_IDTOKEN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDTOKEN_MAX 16384        /* bytes: a longer token is refused unread */
#define JWKS_MAX (64 * 1024)     /* bytes of a JWKS document */
#define JWKS_KEYS_MAX 16         /* signing keys kept from one document */

struct portal_jwks;              /* the ES256 and RS256 signing keys of a provider, by kid */

/* Parses a JWKS document ({"keys":[…]}); keeps the P-256 keys usable for ES256 signatures
 * (kty EC, crv P-256, use absent or "sig", alg absent or "ES256") and the RSA keys of 2048
 * to 4096 bits usable for RS256 (kty RSA, use absent or "sig", alg absent or "RS256"; a
 * smaller or unreadable RSA key is skipped), ignores other keys.
 * Returns 0 with *out (free with portal_jwks_free), or -1 when the text is not a JWKS,
 * a P-256 key is invalid (point not on the curve) or no usable key is left. */
int portal_jwks_parse(const char *json, size_t len, struct portal_jwks **out);
void portal_jwks_free(struct portal_jwks *k);
/* Number of usable keys. */
size_t portal_jwks_count(const struct portal_jwks *k);
/* True when the set holds a key of that kid. */
bool portal_jwks_has(const struct portal_jwks *k, const char *kid);

/* What the token must say. */
struct idtoken_expect {
	const char *issuer;          /* exactly the discovery document's issuer */
	const char *client_id;       /* must be the audience (and azp when given) */
	const char *nonce;           /* the nonce sent in the authorization request */
	int64_t now;                 /* unix seconds */
	int leeway;                  /* seconds of clock skew allowed (exp, iat, nbf) */
	int max_age;                 /* iat may be at most this many seconds old */
	unsigned algs;               /* IDT_ALG_* accepted; 0: ES256 only */
};

#define IDT_ALG_ES256 1u
#define IDT_ALG_RS256 2u

enum idtoken_error {
	IDT_OK = 0,
	IDT_MALFORMED,               /* not three base64url parts of JSON, too long … */
	IDT_ALG,                     /* alg not accepted (none, HS256 …) or crit is set */
	IDT_KID,                     /* no key of that kid in the JWKS */
	IDT_SIGNATURE,
	IDT_ISS,
	IDT_AUD,                     /* audience or authorized party */
	IDT_EXP,                     /* expired (or no exp) */
	IDT_IAT,                     /* issued in the future, too long ago, or no iat */
	IDT_NBF,                     /* not valid yet */
	IDT_NONCE,
	IDT_SUB,
};

/* A short English reason for logs. */
const char *idtoken_error_text(enum idtoken_error e);

/* Reads the kid of the token's header into kid (at most kidlen bytes with the NUL);
 * "" when the header has none. Returns 0, or -1 when the header is unreadable. */
int idtoken_peek_kid(const char *token, char *kid, size_t kidlen);

/* The payload of token, unchecked: only for a token verified at login and kept on the
 * server since (the session's), to show what it said. Returns 0 with *out (json_decref
 * it), or -1 when it is unreadable. */
int idtoken_kept_payload(const char *token, json_t **out);

/* Verifies token with the keys and the expectations. On IDT_OK, *claims (when not NULL)
 * receives the payload (json_decref it); on any error *claims is NULL. */
enum idtoken_error idtoken_verify(const struct portal_jwks *keys, const char *token,
    const struct idtoken_expect *e, json_t **claims);

/* Decodes unpadded base64url (strict: no padding, no other alphabet, canonical trailing
 * bits). Returns the byte count, or -1. */
int portal_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outlen);
/* Encodes n bytes as unpadded base64url into out (NUL-terminated). Returns the length,
 * or -1 when outlen is too small. */
int portal_b64url_encode(const void *in, size_t n, char *out, size_t outlen);

#endif
