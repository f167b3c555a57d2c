/* par.c — the pushed authorization request endpoint (RFC 9126): an authenticated client
 * posts the parameters of an authorization request, checked as /oidc/authorize checks
 * them, and receives a request_uri to send the browser with instead (60 s, once). */
#include "apps/oidc/oidc.h"

#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/pct.h"
#include "oidc/authz_params.h"
#include "oidc/par.h"

/* The parameters of an authorization request that a push carries (client credentials
 * never are kept). */
static const char *const pushed_names[] = { "client_id", "redirect_uri", "response_type",
    "response_mode", "scope", "state", "nonce", "code_challenge", "code_challenge_method",
    "prompt", "max_age", "acr_values", "ui_locales", "id_token_hint", "login_hint", "claims",
    NULL };

/* The pushed parameters of the form, form-encoded, into out. 0 or -1. */
static int
pushed_params(struct web_req *r, struct buf *out)
{
	for (size_t i = 0; pushed_names[i] != NULL; i++) {
		const char *v = web_form(r, pushed_names[i]);
		char *e;

		if (v == NULL)
			continue;
		e = pct_encode(web_arena(r), v, "");
		if (e == NULL || buf_printf(out, "%s%s=%s", out->len ? "&" : "", pushed_names[i],
		    e) != 0)
			return -1;
	}
	return 0;
}

static int
par(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *ct = web_header(r, "Content-Type"), *redirect_uri;
	struct oidc_authz_params p;
	struct oidc_authz_refusal why;
	struct oidc_request req;
	struct oidc_client c;
	char id[OIDC_TOKEN_LEN + 1];
	struct buf params;
	bool none;
	int rc;

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return oidc_oauth_error(r, 400, "invalid_request",
		    "the body must be application/x-www-form-urlencoded");
	if (web_repeated_param(r, true) != NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "a parameter is repeated");
	rc = oidc_client_auth(r, &c);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	/* RFC 9126 §2.1: no request_uri inside a push. */
	if (web_form(r, "request_uri") != NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "request_uri is not allowed here");
	redirect_uri = web_form(r, "redirect_uri");
	if (!oidc_client_redirect_ok(&c, redirect_uri))
		return oidc_oauth_error(r, 400, "invalid_request",
		    "redirect_uri is not registered for this client");
	p = (struct oidc_authz_params){
		.state = web_form(r, "state"), .request = web_form(r, "request"),
		.response_type = web_form(r, "response_type"),
		.response_mode = web_form(r, "response_mode"), .scope = web_form(r, "scope"),
		.nonce = web_form(r, "nonce"), .code_challenge = web_form(r, "code_challenge"),
		.code_challenge_method = web_form(r, "code_challenge_method"),
		.prompt = web_form(r, "prompt"), .max_age = web_form(r, "max_age"),
		.acr_values = web_form(r, "acr_values"), .claims = web_form(r, "claims"),
	};
	rc = oidc_authz_params_check(web_arena(r), &c, redirect_uri, &p, &req, &none, &why);
	if (rc < 0)
		return -1;
	if (rc != 0)
		return oidc_oauth_error(r, 400, why.error, why.desc);
	buf_init(&params, OIDC_PAR_PARAMS_MAX);
	if (pushed_params(r, &params) != 0 || params.data == NULL) {
		buf_free(&params);
		return oidc_oauth_error(r, 400, "invalid_request", "the request is too large");
	}
	rc = oidc_par_save(app->store, c.id, params.data, id);
	buf_free(&params);
	if (rc != 0)
		return oidc_oauth_error(r, 503, "temporarily_unavailable", "try again");
	web_add_header(r, "Pragma", "no-cache");
	return oidc_json(r, 201, json_pack("{s:s, s:i}", "request_uri",
	    arena_printf(web_arena(r), "%s%s", OIDC_PAR_PREFIX, id), "expires_in",
	    OIDC_PAR_TTL));
}

int
oidc_par_routes(struct web_server *s)
{
	/* Clients authenticate themselves: no CSRF token here. */
	return web_route(s, "POST", "/oidc/par", par, WEB_NO_CSRF);
}
