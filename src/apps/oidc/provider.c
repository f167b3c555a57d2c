/* provider.c — the OpenID Connect provider's shared parts: its issuer, its key cache,
 * JSON and OAuth error replies, the way back to a client, and the registration of every
 * endpoint (one file each). */
#include "apps/oidc/oidc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "oidc/profile.h"
#include "web/i18n.h"

#define KEYS_RELOAD 30   /* seconds between reloads of the keys from the store */

static char issuer[OIDC_ISSUER_MAX];
static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct oidc_keycache *keys;

const char *
oidc_issuer(void)
{
	return issuer;
}

const struct oidc_keyring *
oidc_keys_get(struct web_req *r)
{
	struct app *app = web_app(r);
	struct oidc_keycache *c;

	pthread_mutex_lock(&keys_lock);
	if (keys == NULL)
		keys = oidc_keycache_new(app->store, KEYS_RELOAD);
	c = keys;
	pthread_mutex_unlock(&keys_lock);
	return c ? oidc_keyring_get(c) : NULL;
}

void
oidc_keys_put(const struct oidc_keyring *k)
{
	if (k != NULL)
		oidc_keyring_put(keys, k);
}

struct oidc_ctx
oidc_ctx_of(struct web_req *r)
{
	struct oidc_ctx c = { web_client(r), web_rid(r) };

	return c;
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
	c = web_page(r, N_("Retour vers le service"));
	if (c == NULL)
		return -1;
	tmpl_set(c, "url", url);
	tmpl_set(c, "app_name", app_name ? app_name : "");
	return web_render(r, "oidc/redirect", c);
}

int
oidc_error_page(struct web_req *r, int status, const char *msgid)
{
	struct tmpl_ctx *c = web_page(r, N_("Connexion impossible"));

	if (c == NULL || tmpl_set(c, "message", web_t(r, msgid)) != 0 ||
	    web_render_status(r, status, "oidc/error", c) != 0)
		return web_error(r, status);
	return 0;
}

const char *
oidc_app_name(struct web_req *r, const char *application)
{
	struct app *app = web_app(r);
	struct oidc_app a;

	if (oidc_app_get(app->store, application, &a) != 0)
		return application;
	return arena_strdup(web_arena(r), a.name[oidc_lang_index(web_lang(r))]);
}

/* The configured issuer (setting "issuer", $PORTIER_ISSUER or --issuer) or the listen
 * address: an http(s) URL without query, fragment or trailing slash. */
static int
issuer_set(const char *configured, const char *listen)
{
	size_t n;

	if (configured != NULL && configured[0] != '\0')
		snprintf(issuer, sizeof(issuer), "%s", configured);
	else
		snprintf(issuer, sizeof(issuer), "http://%s", listen);
	n = strlen(issuer);
	while (n > 0 && issuer[n - 1] == '/')
		issuer[--n] = '\0';
	if ((strncmp(issuer, "https://", 8) != 0 && strncmp(issuer, "http://", 7) != 0) ||
	    strpbrk(issuer, "?#\"\\ ") != NULL || n + 1 >= sizeof(issuer)) {
		log_err(NULL, "oidc: issuer '%s' is not an http(s) URL without query or fragment",
		    issuer);
		return -1;
	}
	return 0;
}

int
oidc_routes(struct web_server *s, const char *configured_issuer, const char *listen)
{
	if (issuer_set(configured_issuer, listen) != 0 ||
	    oidc_discovery_routes(s) != 0 ||
	    oidc_authorize_routes(s) != 0 ||
	    oidc_profile_routes(s) != 0 ||
	    oidc_token_routes(s) != 0 ||
	    oidc_userinfo_routes(s) != 0 ||
	    oidc_logout_routes(s) != 0)
		return -1;
	log_info(NULL, "oidc: issuer %s", issuer);
	return 0;
}
