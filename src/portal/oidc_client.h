/* oidc_client.h — the portal as an OpenID Connect relying party of portier: discovery,
 * the authorization request (code flow, PKCE S256, state, nonce), the code exchange with
 * client_secret_basic, full ID-token validation against the JWKS, userinfo, and
 * RP-initiated logout. Talks to the provider only over HTTP; thread-safe. */
#ifndef PORTIER_PORTAL_OIDC_CLIENT_H
#define PORTIER_PORTAL_OIDC_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "portal/data.h"

#define POIDC_URL_MAX 512

struct portal_oidc_config {
	const char *issuer;          /* http(s)://host:port, exactly as the provider says */
	const char *client_id;
	const char *client_secret;
	const char *redirect_uri;    /* <base>/callback */
	const char *post_logout_uri; /* <base>/ */
	const char *scope;           /* "openid profile" */
};

struct portal_oidc;

/* Copies the configuration. NULL when out of memory. */
struct portal_oidc *portal_oidc_new(const struct portal_oidc_config *c);
void portal_oidc_free(struct portal_oidc *o);

/* Fetches the discovery document and the JWKS now (they are fetched lazily otherwise).
 * Returns 0, or -1 with a reason in err. */
int portal_oidc_discover(struct portal_oidc *o, char *err, size_t errlen);

/* Starts a login: fills l with a fresh state, nonce and PKCE verifier (next is left to
 * the caller) and returns the authorization URL (in a), ui_locales = lang. NULL when the
 * provider cannot be reached (reason in err). */
char *portal_oidc_authorize_url(struct portal_oidc *o, struct arena *a, const char *lang,
    struct portal_login *l, char *err, size_t errlen);

enum poidc_result {
	POIDC_OK = 0,
	POIDC_UNAVAILABLE,           /* the provider did not answer usefully */
	POIDC_REFUSED,               /* the token endpoint refused the code */
	POIDC_INVALID,               /* the ID token or userinfo failed a check */
};

/* Finishes a login: exchanges code (with l's verifier), validates the ID token (JWKS
 * signature, iss, aud, exp, iat, nonce), reads userinfo and checks its sub. On POIDC_OK,
 * *claims holds the ID token's claims completed by userinfo (json_decref it) and
 * *id_token the raw token (in a). On failure a reason for the log is in err. */
enum poidc_result portal_oidc_finish(struct portal_oidc *o, struct arena *a, const char *code,
    const struct portal_login *l, json_t **claims, const char **id_token, char *err,
    size_t errlen);

/* The provider's end-session URL with id_token_hint, post_logout_redirect_uri and
 * client_id (in a); NULL when the provider has no end-session endpoint or is unreachable. */
char *portal_oidc_logout_url(struct portal_oidc *o, struct arena *a, const char *id_token);

/* The issuer the portal trusts (its configuration). */
const char *portal_oidc_issuer(const struct portal_oidc *o);

#endif
