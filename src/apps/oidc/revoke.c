/* revoke.c — token revocation (RFC 7009): a client revokes its own access or refresh
 * token (a refresh token takes its whole grant with it), a machine (system certificate)
 * its own client_credentials token. Unknown tokens and other clients' or machines' tokens
 * are answered 200 as well, and left alone. */
#include "apps/oidc/oidc.h"

#include <string.h>
#include <strings.h>

#include "oidc/client_auth.h"
#include "oidc/machine_token.h"

/* Whether the request is a machine's rather than a registered OpenID client's: no secret,
 * and the client it names (client_id, or the assertion's iss) is no registered client, or
 * it names none (a machine presenting its certificate alone). 1, 0 or -1. */
static int
machine_request(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *id = web_form(r, "client_id"), *jwt = web_form(r, "client_assertion");
	struct oidc_client c;
	int rc;

	if (web_header(r, "Authorization") != NULL || web_form(r, "client_secret") != NULL)
		return 0;
	/* A malformed assertion is refused by the clients' path, as before. */
	if (jwt != NULL && oidc_assertion_issuer(web_arena(r), jwt, &id) != 0)
		return 0;
	if (id == NULL)
		return 1;
	rc = oidc_provider_client(app->oidc, web_arena(r), id, &c);
	return rc < 0 ? -1 : rc > 0;
}

/* A machine's revocation: its own token only (another's, or a people's token, is left
 * alone with the same 200). */
static int
machine_revoke(struct web_req *r)
{
	struct app *app = web_app(r);
	struct oidc_machine *m = arena_alloc(web_arena(r), sizeof(*m));
	struct actor ctx = app_actor(r);
	const char *token;
	int rc;

	if (m == NULL)
		return -1;
	rc = oidc_machine_auth(r, m);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	token = web_form(r, "token");
	if (token == NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "token is missing");
	rc = oidc_machine_token_revoke(app->store, token, m->client_id, &ctx);
	if (rc < 0)
		return oidc_oauth_error(r, 503, "temporarily_unavailable",
		    "the token could not be revoked; try again");
	web_add_header(r, "Cache-Control", "no-store");
	return web_send(r, 200, "application/json", "{}", 2);
}

static int
revoke(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *ct = web_header(r, "Content-Type"), *token, *hint, *jti;
	struct oidc_client c;
	struct actor ctx;
	int rc;

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return oidc_oauth_error(r, 400, "invalid_request",
		    "the body must be application/x-www-form-urlencoded");
	if (web_repeated_param(r, true) != NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "a parameter is repeated");
	rc = machine_request(r);
	if (rc != 0)
		return rc < 0 ? -1 : machine_revoke(r);
	rc = oidc_client_auth(r, &c);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (oidc_cors(r, &c) != 0)
		return -1;
	token = web_form(r, "token");
	if (token == NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "token is missing");
	hint = web_form(r, "token_type_hint");
	ctx = app_actor(r);
	jti = oidc_bearer_jti(r, token);
	rc = jti != NULL ? oidc_token_revoke_jti(app->store, c.id, jti, &ctx) :
	    oidc_token_revoke(app->store, c.id, token, hint, &ctx);
	if (rc < 0)
		return oidc_oauth_error(r, 503, "temporarily_unavailable",
		    "the token could not be revoked; try again");
	web_add_header(r, "Cache-Control", "no-store");
	return web_send(r, 200, "application/json", "{}", 2);
}

static int
revoke_preflight(struct web_req *r)
{
	return oidc_cors_preflight(r, "POST");
}

int
oidc_revoke_routes(struct web_server *s)
{
	/* Clients authenticate themselves: no CSRF token here. */
	if (web_route(s, "POST", "/oidc/revoke", revoke, WEB_NO_CSRF) != 0 ||
	    web_route(s, "OPTIONS", "/oidc/revoke", revoke_preflight, 0) != 0)
		return -1;
	return 0;
}
