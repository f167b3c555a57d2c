/* authorize.c — the authorization endpoint (code flow). An unknown client or a redirect
 * URI not registered exactly (or given twice) gets an error page; every other error goes
 * back to the client (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). A valid request
 * is stored, bound to the browser that sent it, and continues at /oidc/continue/ID: login
 * or step-up, then the profile choice. */
#include "apps/oidc/oidc.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oidc/claims.h"
#include "oidc/profile.h"
#include "policy/loa.h"
#include "web/i18n.h"

/* A request being checked: what goes back to the client with an error. */
struct authz_in {
	const struct oidc_client *client;
	const char *redirect_uri;
	const char *state;
};

int
oidc_answer(struct web_req *r, const struct oidc_request *req, const char *code,
    const char *error, const char *desc, bool after_form, const char *app_name)
{
	const char *kv[] = {
		"code", error ? NULL : code,
		"error", error, "error_description", error ? desc : NULL,
		"state", req->has_state ? req->state : NULL,
		"iss", oidc_issuer(),
		NULL,
	};

	return oidc_to_client(r, oidc_url_with(web_arena(r), req->redirect_uri, kv), after_form,
	    app_name);
}

/* Sends an error back to the client's (verified) redirect URI, audited. */
static int
refuse(struct web_req *r, const struct authz_in *in, const char *error, const char *desc)
{
	struct app *app = web_app(r);
	struct oidc_ctx ctx = oidc_ctx_of(r);
	struct web_session *s = web_session(r);
	const char *kv[] = {
		"error", error, "error_description", desc, "state", in->state,
		"iss", oidc_issuer(), NULL,
	};

	oidc_audit_refusal(app->store, "authorize", in->client->id, s ? s->person_id : 0, error,
	    &ctx);
	return oidc_to_client(r, oidc_url_with(web_arena(r), in->redirect_uri, kv), false, NULL);
}

/* The scopes asked for that the client may have, in the order asked; "" when none. */
static char *
granted_scopes(struct arena *a, const struct oidc_client *c, const char *asked)
{
	char *out = arena_alloc(a, strlen(asked) + 1), *o = out;
	const char *p = asked;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		const char *e;
		char word[32];
		size_t wl;

		while (*p == ' ')
			p++;
		e = strchr(p, ' ');
		wl = e ? (size_t)(e - p) : strlen(p);
		if (wl > 0 && wl < sizeof(word)) {
			memcpy(word, p, wl);
			word[wl] = '\0';
			if (oidc_scope_known(word, wl) && oidc_client_scope_ok(c, word) &&
			    !oidc_scope_has(out, word)) {
				if (o != out)
					*o++ = ' ';
				memcpy(o, word, wl + 1);
				o += wl;
			}
		}
		p += wl;
	}
	*o = '\0';
	return out;
}

/* The lowest level named in acr_values (any of them satisfies the client), 0 if none. */
static int
asked_level(const char *acr_values)
{
	int level = 0;
	const char *p = acr_values;

	while (p != NULL && *p != '\0') {
		const char *e;
		char word[64];
		size_t wl;

		while (*p == ' ')
			p++;
		e = strchr(p, ' ');
		wl = e ? (size_t)(e - p) : strlen(p);
		if (wl > 0 && wl < sizeof(word)) {
			int l;

			memcpy(word, p, wl);
			word[wl] = '\0';
			l = (int)loa_from_acr(word);
			if (l > 0 && (level == 0 || l < level))
				level = l;
		}
		p += wl;
	}
	return level;
}

/* The first supported language of ui_locales ("nl-BE fr" gives nl), or NULL. */
static const char *
ui_locale(const char *ui_locales)
{
	const char *p = ui_locales;

	while (p != NULL && *p != '\0') {
		char tag[3];

		while (*p == ' ')
			p++;
		if (p[0] != '\0' && p[1] != '\0' && (p[2] == ' ' || p[2] == '-' || p[2] == '\0')) {
			tag[0] = p[0];
			tag[1] = p[1];
			tag[2] = '\0';
			if (i18n_supported(tag))
				return i18n_negotiate(tag, NULL);
		}
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return NULL;
}

/* prompt: sets *none and *login; false for an unknown value or none with another. */
static bool
prompt_parse(const char *prompt, bool *none, bool *login)
{
	static const char *const known[] = { "none", "login", "consent", "select_account" };
	const char *p = prompt;
	int words = 0;

	*none = *login = false;
	while (p != NULL && *p != '\0') {
		const char *e;
		size_t wl;
		bool ok = false;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ' ');
		wl = e ? (size_t)(e - p) : strlen(p);
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strlen(known[i]) == wl && memcmp(known[i], p, wl) == 0) {
				ok = true;
				if (i == 0)
					*none = true;
				if (i == 1)
					*login = true;
			}
		if (!ok)
			return false;
		words++;
		p += wl;
	}
	return !(*none && words > 1);
}

/* max_age: -1 when absent, -2 when malformed. */
static int64_t
max_age_parse(const char *v)
{
	char *end;
	long long n;

	if (v == NULL)
		return -1;
	if (v[0] < '0' || v[0] > '9' || strlen(v) > 10)
		return -2;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return -2;
	return (int64_t)n;
}

/* id_token_hint (OpenID Connect Core §3.1.2.1): an ID token of ours for this client. Only
 * its signature (either alg, any published key), issuer, audience and subject matter: an
 * expired one is accepted, as the person it names is all it says. Writes the subject.
 * Returns 0, 1 (not such a token) or -1. */
static int
hint_read(struct web_req *r, const struct oidc_client *c, const char *hint,
    char sub[OIDC_SUB_LEN + 1])
{
	const struct oidc_keyring *k = oidc_keys_get(r);
	char aud[OIDC_CLIENT_ID_MAX + 1];
	int rc;

	if (k == NULL)
		return -1;
	rc = oidc_id_token_hint(k, oidc_issuer(), hint, aud, sub);
	oidc_keys_put(k);
	return rc == 0 && strcmp(aud, c->id) == 0 ? 0 : 1;
}

/* Whether the person of the session is the subject sub for client c: 1, 0 or -1. */
static int
session_is(struct web_req *r, const struct oidc_client *c, const char *sub)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	char mine[OIDC_SUB_LEN + 1];

	if (s == NULL || s->person_id == 0)
		return 0;
	if (oidc_subject(app->store, c, s->person_id, mine) != 0)
		return -1;
	return sodium_memcmp(mine, sub, OIDC_SUB_LEN) == 0 ? 1 : 0;
}

/* The id_token_hint, if any: an invalid one is refused (invalid_request); one naming
 * another person than the session's refuses prompt=none (login_required) and otherwise
 * demands a fresh login. Returns 0 to go on, 1 when answered, -1 on error. */
static int
hint_check(struct web_req *r, const struct authz_in *in, bool none, bool *login)
{
	const char *hint = oidc_param(r, "id_token_hint");
	char sub[OIDC_SUB_LEN + 1];
	int rc;

	if (hint == NULL)
		return 0;
	rc = hint_read(r, in->client, hint, sub);
	if (rc > 0)
		return refuse(r, in, "invalid_request",
		    "id_token_hint is not an ID token of this client") == 0 ? 1 : -1;
	if (rc == 0)
		rc = session_is(r, in->client, sub);
	if (rc < 0)
		return -1;
	if (rc == 0 && none)
		return refuse(r, in, "login_required",
		    "the user named by id_token_hint is not logged in") == 0 ? 1 : -1;
	if (rc == 0)
		*login = true;
	return 0;
}

/* prompt=none: answers at once, without any page. */
static int
silent(struct web_req *r, const struct authz_in *in, const struct oidc_request *req)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct oidc_profile *profiles;
	struct oidc_ctx ctx = oidc_ctx_of(r);
	char code[OIDC_TOKEN_MAX];
	int64_t now = (int64_t)time(NULL);
	size_t n = 0;
	int rc;

	if (s == NULL || s->person_id == 0 || s->auth_level < req->level ||
	    (req->max_age >= 0 && now - s->auth_time > req->max_age))
		return refuse(r, in, "login_required", "the user must log in");
	profiles = arena_alloc(web_arena(r), sizeof(*profiles) * OIDC_PROFILES_MAX);
	if (profiles == NULL || oidc_profiles(app->store, s->person_id, in->client->application,
	    profiles, OIDC_PROFILES_MAX, &n) != 0)
		return -1;
	if (n == 0)
		return refuse(r, in, "interaction_required",
		    "the user holds no grant for this application");
	if (n > 1)
		return refuse(r, in, "account_selection_required",
		    "the user must choose the organisation");
	rc = oidc_code_issue(app->store, &(struct oidc_authz){
		.client_id = in->client->id, .application = in->client->application,
		.person_id = s->person_id, .account_id = profiles[0].account_id,
		.org_quality_id = profiles[0].org_quality_id, .enterprise = profiles[0].enterprise,
		.scope = req->scope, .nonce = req->has_nonce ? req->nonce : NULL,
		.redirect_uri = req->redirect_uri,
		.code_challenge = req->has_challenge ? req->code_challenge : NULL,
		.auth_time = s->auth_time, .acr_level = s->auth_level, .amr = s->auth_method,
	    }, NULL, &ctx, code);
	if (rc != 0)
		return -1;
	return oidc_answer(r, req, code, NULL, NULL, false, NULL);
}

static int
authorize(struct web_req *r)
{
	struct app *app = web_app(r);
	struct oidc_ctx ctx = oidc_ctx_of(r);
	struct oidc_client *client = arena_alloc(web_arena(r), sizeof(*client));
	struct oidc_request *req = arena_alloc(web_arena(r), sizeof(*req));
	const char *client_id = oidc_param(r, "client_id");
	const char *redirect_uri = oidc_param(r, "redirect_uri");
	const char *response_type, *scope, *nonce, *challenge, *method, *mode, *lang, *granted;
	const char *twice;
	struct authz_in in;
	char id[OIDC_TOKEN_LEN + 1];
	bool none, login;
	int rc, level;

	if (client == NULL || req == NULL)
		return -1;
	/* A parameter given twice (for POST: in the form, or in both query and form) is
	 * refused (RFC 6749 §3.1); which client or address was meant is then unknown. */
	twice = web_repeated_param(r, strcmp(web_method(r), "POST") == 0);
	if (twice != NULL && (strcmp(twice, "client_id") == 0 ||
	    strcmp(twice, "redirect_uri") == 0)) {
		oidc_audit_refusal(app->store, "authorize", NULL, 0, "repeated_parameter", &ctx);
		return oidc_error_page(r, 400, N_("La demande de connexion est mal formée : un "
		    "paramètre y est répété. Retournez au service et recommencez."));
	}
	rc = client_id ? oidc_client_get_cached(app->store, client_id, client) : 1;
	if (rc < 0)
		return -1;
	if (rc != 0) {
		oidc_audit_refusal(app->store, "authorize", client_id, 0, "unknown_client", &ctx);
		return oidc_error_page(r, 400, N_("Le service qui vous a envoyé ici n'est pas "
		    "enregistré auprès de portier. Vous ne pouvez pas vous y connecter par ce "
		    "chemin."));
	}
	if (!oidc_client_redirect_ok(client, redirect_uri)) {
		oidc_audit_refusal(app->store, "authorize", client->id, 0, "redirect_uri", &ctx);
		return oidc_error_page(r, 400, N_("L'adresse de retour demandée n'est pas "
		    "enregistrée pour ce service. Par sécurité, vous n'y êtes pas renvoyé."));
	}
	in.client = client;
	in.redirect_uri = redirect_uri;
	in.state = oidc_param(r, "state");
	if (in.state != NULL && strlen(in.state) > OIDC_STATE_MAX) {
		in.state = NULL;
		return refuse(r, &in, "invalid_request", "state is too long");
	}
	if (twice != NULL) {
		if (strcmp(twice, "state") == 0)
			in.state = NULL;
		return refuse(r, &in, "invalid_request", "a parameter is given more than once");
	}
	if (oidc_param(r, "request") != NULL)
		return refuse(r, &in, "request_not_supported", "request objects are not supported");
	if (oidc_param(r, "request_uri") != NULL)
		return refuse(r, &in, "request_uri_not_supported", "request_uri is not supported");
	response_type = oidc_param(r, "response_type");
	if (response_type == NULL)
		return refuse(r, &in, "invalid_request", "response_type is missing");
	if (strcmp(response_type, "code") != 0)
		return refuse(r, &in, "unsupported_response_type", "only response_type=code");
	mode = oidc_param(r, "response_mode");
	if (mode != NULL && strcmp(mode, "query") != 0)
		return refuse(r, &in, "invalid_request", "only response_mode=query");
	scope = oidc_param(r, "scope");
	if (scope == NULL || !oidc_scope_has(scope, "openid"))
		return refuse(r, &in, "invalid_scope", "the scope must include openid");
	if (strlen(scope) > 1024)
		return refuse(r, &in, "invalid_scope", "scope is too long");
	granted = granted_scopes(web_arena(r), client, scope);
	if (granted == NULL)
		return -1;
	nonce = oidc_param(r, "nonce");
	if (nonce != NULL && (nonce[0] == '\0' || strlen(nonce) > OIDC_NONCE_MAX))
		return refuse(r, &in, "invalid_request", "nonce is empty or too long");
	challenge = oidc_param(r, "code_challenge");
	method = oidc_param(r, "code_challenge_method");
	if (challenge != NULL && (method == NULL || strcmp(method, "S256") != 0))
		return refuse(r, &in, "invalid_request", "code_challenge_method must be S256");
	if (challenge == NULL && method != NULL)
		return refuse(r, &in, "invalid_request", "code_challenge is missing");
	if (challenge != NULL && !oidc_pkce_challenge_valid(challenge))
		return refuse(r, &in, "invalid_request", "code_challenge is malformed");
	if (challenge == NULL && !client->confidential)
		return refuse(r, &in, "invalid_request", "PKCE (S256) is required for public clients");
	if (!prompt_parse(oidc_param(r, "prompt"), &none, &login))
		return refuse(r, &in, "invalid_request", "prompt is not understood");
	rc = hint_check(r, &in, none, &login);
	if (rc != 0)
		return rc < 0 ? -1 : 0;

	memset(req, 0, sizeof(*req));
	req->max_age = max_age_parse(oidc_param(r, "max_age"));
	if (req->max_age == -2)
		return refuse(r, &in, "invalid_request", "max_age must be a number of seconds");
	level = asked_level(oidc_param(r, "acr_values"));
	req->level = level > client->min_level ? level : client->min_level;
	snprintf(req->client_id, sizeof(req->client_id), "%s", client->id);
	snprintf(req->redirect_uri, sizeof(req->redirect_uri), "%s", redirect_uri);
	snprintf(req->scope, sizeof(req->scope), "%s", granted);
	req->has_state = in.state != NULL;
	if (req->has_state)
		snprintf(req->state, sizeof(req->state), "%s", in.state);
	req->has_nonce = nonce != NULL;
	if (req->has_nonce)
		snprintf(req->nonce, sizeof(req->nonce), "%s", nonce);
	req->has_challenge = challenge != NULL;
	if (req->has_challenge)
		snprintf(req->code_challenge, sizeof(req->code_challenge), "%s", challenge);
	req->prompt_login = login;
	req->created_at = (int64_t)time(NULL);
	if (none)
		return silent(r, &in, req);
	if (oidc_browser_bind(r, req->browser) != 0)
		return -1;
	req->has_browser = true;
	if (oidc_request_save(app->store, req, id) != 0)
		return -1;
	/* ui_locales: the pages of this flow (and of this browser session) in that language. */
	lang = ui_locale(oidc_param(r, "ui_locales"));
	if (lang != NULL)
		web_set_cookie(r, "portier_lang", lang, -1);
	return web_redirect(r, arena_printf(web_arena(r), "/oidc/continue/%s", id));
}

int
oidc_authorize_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/oidc/authorize", authorize, 0) != 0 ||
	    web_route(s, "POST", "/oidc/authorize", authorize, WEB_NO_CSRF) != 0)
		return -1;
	return 0;
}
