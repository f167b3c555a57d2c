/* userinfo.c — the UserInfo endpoint (GET and POST): the claims of the grant behind a
 * Bearer access token (RFC 6750: Authorization header, or access_token in a POST form).
 * The profile is read as it stands now: a suspended account ends it. A public client's
 * own origin may read the answer (CORS). */
#include "apps/oidc/oidc.h"

#include <string.h>
#include <strings.h>

#include "oidc/claims.h"

/* A 401 with the Bearer challenge (RFC 6750 §3); error NULL when no token was sent. */
static int
bearer_refused(struct web_req *r, const char *error, const char *desc,
    const struct oidc_grant *g)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	const char *challenge;

	oidc_audit_refusal(app->store, "userinfo", g ? g->client_id : NULL, g ? g->person_id : 0,
	    error ? desc : "no token", &ctx);
	challenge = error ? arena_printf(web_arena(r),
	    "Bearer realm=\"portier\", error=\"%s\", error_description=\"%s\"", error, desc) :
	    "Bearer realm=\"portier\"";
	if (challenge == NULL || web_add_header(r, "WWW-Authenticate", challenge) != 0)
		return -1;
	if (error == NULL)
		return web_send(r, 401, "text/plain; charset=utf-8", "", 0);
	return oidc_oauth_error(r, 401, error, desc);
}

/* The access token of the request, or NULL; *twice when it came two ways (refused). */
static const char *
access_token(struct web_req *r, bool *twice)
{
	const char *h = web_header(r, "Authorization"), *form = NULL;

	if (strcmp(web_method(r), "POST") == 0)
		form = web_form(r, "access_token");
	*twice = false;
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		*twice = form != NULL;
		return h;
	}
	return form;
}

static int
userinfo(struct web_req *r)
{
	struct app *app = web_app(r);
	struct oidc_grant *g = arena_alloc(web_arena(r), sizeof(*g));
	struct oidc_client *c = arena_alloc(web_arena(r), sizeof(*c));
	struct fed_profile_data *d = arena_alloc(web_arena(r), sizeof(*d));
	enum oidc_refusal why;
	const char *token;
	bool twice;
	json_t *o;
	int rc;

	if (g == NULL || c == NULL || d == NULL)
		return -1;
	token = access_token(r, &twice);
	if (twice || web_repeated_param(r, true) != NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "send the token one way only");
	if (token == NULL)
		return bearer_refused(r, NULL, NULL, NULL);
	rc = oidc_bearer_grant(r, token, g, c, d, &why);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return bearer_refused(r, "invalid_token", oidc_refusal_text(why),
		    why == OIDC_REFUSED_UNKNOWN ? NULL : g);
	if (oidc_cors(r, c) != 0)
		return -1;
	o = json_object();
	/* Claims that cannot be built whole are an error, never an answer without them. */
	if (o == NULL || oidc_claims(app->oidc, c, g, d, o) != 0) {
		json_decref(o);
		return oidc_oauth_error(r, 500, "server_error", "the claims could not be made");
	}
	return oidc_json(r, 200, o);
}

static int
userinfo_preflight(struct web_req *r)
{
	return oidc_cors_preflight(r, "GET, POST");
}

int
oidc_userinfo_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/oidc/userinfo", userinfo, 0) != 0 ||
	    web_route(s, "POST", "/oidc/userinfo", userinfo, WEB_NO_CSRF) != 0 ||
	    web_route(s, "OPTIONS", "/oidc/userinfo", userinfo_preflight, 0) != 0)
		return -1;
	return 0;
}
