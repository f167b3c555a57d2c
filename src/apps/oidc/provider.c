/* provider.c — the OpenID Connect provider's shared parts: its issuer and keys (from the
 * application's struct oidc_provider), JSON and OAuth error replies, the way back to a client, and the registration of every
 * endpoint (one file each). */
#include "apps/oidc/oidc.h"

#include "oidc/access_jwt.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "fed/profiles.h"
#include "web/i18n.h"

#define FLOW_COOKIE "portier_flow"   /* binds pending authorizations to their browser */
#define CORS_MAX_AGE "600"           /* seconds a browser may keep a preflight's answer */

const char *
oidc_issuer(struct web_req *r)
{
	struct app *app = web_app(r);

	return oidc_provider_issuer(app->oidc);
}

const struct oidc_keyring *
oidc_keys_get(struct web_req *r)
{
	struct app *app = web_app(r);

	return oidc_provider_keys_get(app->oidc);
}

void
oidc_keys_put(struct web_req *r, const struct oidc_keyring *k)
{
	struct app *app = web_app(r);

	oidc_provider_keys_put(app->oidc, k);
}

const char *
oidc_param(struct web_req *r, const char *name)
{
	const char *v = web_query(r, name);

	if (v == NULL && strcmp(web_method(r), "POST") == 0)
		v = web_form(r, name);
	return v;
}

int
oidc_json(struct web_req *r, int status, json_t *obj)
{
	char *text;
	int rc;

	if (obj == NULL)
		return -1;
	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text == NULL)
		return -1;
	rc = web_send(r, status, "application/json", text, strlen(text));
	free(text);
	return rc;
}

int
oidc_oauth_error(struct web_req *r, int status, const char *error, const char *desc)
{
	json_t *o = desc != NULL ? json_pack("{s:s, s:s}", "error", error, "error_description",
	    desc) : json_pack("{s:s}", "error", error);

	return oidc_json(r, status, o);
}

char *
oidc_url_with(struct arena *a, const char *uri, const char *const *kv)
{
	char sep = strchr(uri, '?') != NULL ? '&' : '?';
	char *url = arena_strdup(a, uri);

	for (size_t i = 0; url != NULL && kv[i] != NULL; i += 2) {
		const char *enc;

		if (kv[i + 1] == NULL)
			continue;
		enc = web_url_encode(a, kv[i + 1]);
		url = enc ? arena_printf(a, "%s%c%s=%s", url, sep, kv[i], enc) : NULL;
		sep = '&';
	}
	return url;
}

int
oidc_to_client(struct web_req *r, const char *url, bool after_form, const char *app_name)
{
	struct tmpl_ctx *c;

	if (url == NULL)
		return -1;
	if (!after_form) {
		if (web_add_header(r, "Location", url) != 0)
			return -1;
		return web_send(r, 303, "text/plain; charset=utf-8", "", 0);
	}
	/* A page of its own rather than one in the layout: the browser leaves it at once
	 * (the refresh), and the layout's menus and the person's name (a read of the store)
	 * would be built for nobody to see. */
	c = web_page_bare(r, N_("Retour vers le service"));
	if (c == NULL || tmpl_set(c, "url", url) != 0 ||
	    tmpl_set(c, "app_name", app_name ? app_name : "") != 0)
		return -1;
	return web_render_bare(r, "oidc/redirect", c);
}

int
oidc_form_post(struct web_req *r, const char *uri, const char *const *kv, const char *app_name)
{
	char origin[OIDC_URI_MAX + 1];
	struct tmpl_ctx *c, *f;
	const char *csp;

	/* The redirect URI is registered (oidc_uri_valid): its origin is plain ASCII without
	 * spaces, quotes or semicolons, safe in the header. */
	if (uri == NULL || oidc_uri_origin(uri, origin, sizeof(origin)) != 0)
		return -1;
	csp = arena_printf(web_arena(r), "default-src 'none'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; form-action %s; frame-ancestors 'none'; "
	    "base-uri 'none'", origin);
	c = web_page_bare(r, N_("Retour vers le service"));
	if (csp == NULL || c == NULL || web_add_header(r, "Content-Security-Policy", csp) != 0 ||
	    tmpl_set(c, "action", uri) != 0 ||
	    tmpl_set(c, "app_name", app_name ? app_name : "") != 0)
		return -1;
	for (size_t i = 0; kv[i] != NULL; i += 2) {
		if (kv[i + 1] == NULL)
			continue;
		f = tmpl_list_add(c, "fields");
		if (f == NULL || tmpl_set(f, "name", kv[i]) != 0 ||
		    tmpl_set(f, "value", kv[i + 1]) != 0)
			return -1;
	}
	return web_render_bare(r, "oidc/form_post", c);
}

const char *
oidc_bearer_jti(struct web_req *r, const char *token)
{
	const struct oidc_keyring *k;
	const char *jti = NULL;
	int rc;

	if (!oidc_access_jwt_shaped(token))
		return NULL;
	k = oidc_keys_get(r);
	if (k == NULL)
		return NULL;
	rc = oidc_access_jwt_jti(k, oidc_issuer(r), token, web_arena(r), &jti);
	oidc_keys_put(r, k);
	return rc == 0 ? jti : NULL;
}

int
oidc_bearer_grant(struct web_req *r, const char *token, struct oidc_grant *g,
    struct oidc_client *c, struct fed_profile_data *d, enum oidc_refusal *why)
{
	struct app *app = web_app(r);
	const char *jti;

	if (!oidc_access_jwt_shaped(token))
		return oidc_access_grant(app->store, web_arena(r), token, g, c, d, why);
	jti = oidc_bearer_jti(r, token);
	if (jti == NULL) {
		memset(g, 0, sizeof(*g));
		*why = OIDC_REFUSED_UNKNOWN;
		return 1;
	}
	return oidc_access_grant_jti(app->store, web_arena(r), jti, g, c, d, why);
}

static int
error_page(struct web_req *r, int status, const char *title_msgid, const char *msgid)
{
	struct tmpl_ctx *c = web_page(r, title_msgid);

	if (c == NULL || tmpl_set(c, "message", web_t(r, msgid)) != 0 ||
	    web_render_status(r, status, "oidc/error", c) != 0)
		return web_error(r, status);
	return 0;
}

int
oidc_error_page(struct web_req *r, int status, const char *msgid)
{
	return error_page(r, status, N_("Connexion impossible"), msgid);
}

int
oidc_logout_error_page(struct web_req *r, int status, const char *msgid)
{
	return error_page(r, status, N_("Déconnexion impossible"), msgid);
}

/* True for a value oidc_random_token can have made: 43 base64url characters. */
static bool
flow_cookie_ok(const char *v)
{
	unsigned char raw[32];

	return v != NULL && strlen(v) == OIDC_TOKEN_LEN &&
	    jws_b64url_decode(v, OIDC_TOKEN_LEN, raw, sizeof(raw)) == (int)sizeof(raw);
}

int
oidc_browser_bind(struct web_req *r, unsigned char out[32])
{
	const char *v = web_cookie(r, FLOW_COOKIE);
	char fresh[OIDC_TOKEN_LEN + 1];

	/* One value per browser, kept for its session: flows in several tabs share it. */
	if (!flow_cookie_ok(v)) {
		oidc_random_token(fresh);
		if (web_set_cookie(r, FLOW_COOKIE, fresh, -1) != 0)
			return -1;
		v = fresh;
	}
	oidc_token_hash(v, out);
	sodium_memzero(fresh, sizeof(fresh));
	return 0;
}

bool
oidc_browser_ok(struct web_req *r, const struct oidc_request *req)
{
	const char *v = web_cookie(r, FLOW_COOKIE);
	unsigned char h[32];

	if (!req->has_browser || !flow_cookie_ok(v))
		return false;
	oidc_token_hash(v, h);
	return sodium_memcmp(h, req->browser, sizeof(h)) == 0;
}

int
oidc_cors(struct web_req *r, const struct oidc_client *c)
{
	const char *origin = web_header(r, "Origin");

	if (web_add_header(r, "Vary", "Origin") != 0)
		return -1;
	/* Never "*": only the exact origin of a public client's own redirect URI. */
	if (c == NULL || c->confidential || !oidc_client_origin_ok(c, origin))
		return 0;
	return web_add_header(r, "Access-Control-Allow-Origin", origin);
}

int
oidc_cors_preflight(struct web_req *r, const char *methods)
{
	struct app *app = web_app(r);
	const char *origin = web_header(r, "Origin");
	int known;

	if (web_add_header(r, "Vary", "Origin") != 0)
		return -1;
	/* The preflight names no client: any public client's origin may go on; the answer
	 * itself then carries permission only for that client's own origins. */
	known = origin != NULL ? oidc_public_origin_known(app->store, origin) : 0;
	if (known < 0)
		return -1;
	if (known == 1 && (web_add_header(r, "Access-Control-Allow-Origin", origin) != 0 ||
	    web_add_header(r, "Access-Control-Allow-Methods", methods) != 0 ||
	    web_add_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type") != 0 ||
	    web_add_header(r, "Access-Control-Max-Age", CORS_MAX_AGE) != 0))
		return -1;
	return web_send(r, 204, "text/plain; charset=utf-8", "", 0);
}

const char *
oidc_app_name(struct web_req *r, const char *application)
{
	struct app *app = web_app(r);
	struct access_app a;

	if (fed_app_get(app->store, web_arena(r), application, &a) != 0)
		return application;
	return a.name[fed_lang_index(web_lang(r))];
}

int
oidc_routes(struct web_server *s, const struct oidc_provider *p)
{
	if (oidc_discovery_routes(s) != 0 ||
	    oidc_authorize_routes(s) != 0 ||
	    oidc_profile_routes(s) != 0 ||
	    oidc_token_routes(s) != 0 ||
	    oidc_userinfo_routes(s) != 0 ||
	    oidc_logout_routes(s) != 0 ||
	    oidc_introspect_routes(s) != 0 ||
	    oidc_revoke_routes(s) != 0 ||
	    oidc_par_routes(s) != 0)
		return -1;
	log_info(NULL, "oidc: issuer %s", oidc_provider_issuer(p));
	return 0;
}
