/* authz_params.h — the parameters of an authorization request (OpenID Connect Core
 * §3.1.2.1) checked against the client that sent them. Pure code: no HTTP, no store. */
#ifndef PORTIER_OIDC_AUTHZ_PARAMS_H
#define PORTIER_OIDC_AUTHZ_PARAMS_H

#include <stdbool.h>

#include "oidc/clients.h"
#include "oidc/grants.h"

#define OIDC_SCOPE_PARAM_MAX 1024   /* bytes of the scope parameter */
#define OIDC_CLAIMS_PARAM_MAX 4096  /* bytes of the claims parameter (JSON) */

/* The parameters as received (query string, or form for POST); NULL when absent. */
struct oidc_authz_params {
	const char *state, *request, *request_uri, *response_type, *response_mode, *scope,
	    *nonce, *code_challenge, *code_challenge_method, *prompt, *max_age, *acr_values,
	    *claims;
};

/* Why a request goes back to the client with an error (RFC 6749 §4.1.2.1). */
struct oidc_authz_refusal {
	const char *error;           /* the OAuth error code */
	const char *desc;            /* error_description */
};

/* Checks p for client c (known) and redirect_uri (registered for c) and fills req with
 * what is kept of the request (all but created_at and the stale session), its texts
 * copied into a; *none tells prompt=none. Returns 0, 1 with the reason in *why, or -1
 * when a is full; on refusal req->has_state tells whether the state may go back with the
 * error (not when it is too long). */
int oidc_authz_params_check(struct arena *a, const struct oidc_client *c,
    const char *redirect_uri, const struct oidc_authz_params *p, struct oidc_request *req,
    bool *none, struct oidc_authz_refusal *why);

#endif
