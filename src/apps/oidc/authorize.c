/* authorize.c — the authorization endpoint (code flow). An unknown client or a redirect
 * URI not registered exactly (or given twice) gets an error page; every other error goes
 * back to the client (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). A valid request
 * is stored, bound to the browser that sent it, and continues at /oidc/continue/ID: login
 * or step-up, then the profile choice. */
#include "apps/oidc/oidc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/pct.h"
#include "oidc/authz_params.h"
#include "oidc/claims.h"
#include "oidc/par.h"
#include "fed/profiles.h"
#include "web/i18n.h"

/* A request being checked: what goes back to the client with an error. */
struct authz_in {
	const struct oidc_client *client;
	const char *redirect_uri;
	const char *state;
	bool form_post;               /* response_mode=form_post asked */
};

/* The parameters of a pushed request (RFC 9126), decoded; used instead of the query's. */
#define PUSHED_MAX 24
struct pushed {
	size_t n;
	const char *name[PUSHED_MAX], *value[PUSHED_MAX];
};

/* Reads the form-encoded parameters stored by the PAR endpoint (oidc/par.h). 0 or -1. */
static int
pushed_parse(char *params, struct pushed *out)
{
	char *p = params;

	out->n = 0;
	while (p != NULL && *p != '\0') {
		char *amp = strchr(p, '&'), *eq;
		long k;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(p, '=');
		if (eq == NULL || out->n == PUSHED_MAX)
			return -1;
		*eq = '\0';
		k = pct_decode(eq + 1, strlen(eq + 1), eq + 1, strlen(eq + 1) + 1, true);
		if (k < 0 || strlen(eq + 1) != (size_t)k)
			return -1;
		out->name[out->n] = p;
		out->value[out->n++] = eq + 1;
		p = amp != NULL ? amp + 1 : NULL;
	}
	return 0;
}

/* A parameter of the request: the pushed one when the request came by request_uri
 * (pp not NULL), else the query's (or POST form's). */
static const char *
aparam(struct web_req *r, const struct pushed *pp, const char *name)
{
	if (pp == NULL)
		return oidc_param(r, name);
	for (size_t i = 0; i < pp->n; i++)
		if (strcmp(pp->name[i], name) == 0)
			return pp->value[i];
	return NULL;
}

int
oidc_answer(struct web_req *r, const struct oidc_request *req, const char *code,
    const char *error, const char *desc, bool after_form, const char *app_name)
{
	const char *kv[] = {
		"code", error ? NULL : code,
		"error", error, "error_description", error ? desc : NULL,
		"state", req->has_state ? req->state : NULL,
		"iss", oidc_issuer(r),
		NULL,
	};

	metric_flow(error != NULL ? MFLOW_OIDC_ERROR : MFLOW_OIDC_CODE);
	if (req->form_post)
		return oidc_form_post(r, req->redirect_uri, kv, app_name);
	return oidc_to_client(r, oidc_url_with(web_arena(r), req->redirect_uri, kv), after_form,
	    app_name);
}

/* Sends an error back to the client's (verified) redirect URI, audited. */
static int
refuse(struct web_req *r, const struct authz_in *in, const char *error, const char *desc)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	struct web_session *s = web_session(r);
	const char *kv[] = {
		"error", error, "error_description", desc, "state", in->state,
		"iss", oidc_issuer(r), NULL,
	};

	oidc_audit_refusal(app->store, "authorize", in->client->id, s ? s->person_id : 0, error,
	    &ctx);
	metric_flow(MFLOW_OIDC_ERROR);
	if (in->form_post)
		return oidc_form_post(r, in->redirect_uri, kv, NULL);
	return oidc_to_client(r, oidc_url_with(web_arena(r), in->redirect_uri, kv), false, NULL);
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

/* id_token_hint (OpenID Connect Core §3.1.2.1): an ID token of ours for this client. Only
 * its signature (either alg, any published key), issuer, audience and subject matter: an
 * expired one is accepted, as the person it names is all it says. Writes the subject.
 * Returns 0, 1 (not such a token) or -1. */
static int
hint_read(struct web_req *r, const struct oidc_client *c, const char *hint,
    char sub[OIDC_SUB_LEN + 1])
{
	const struct oidc_keyring *k = oidc_keys_get(r);
	const char *aud = NULL;
	int rc;

	if (k == NULL)
		return -1;
	rc = oidc_id_token_hint(k, oidc_issuer(r), hint, web_arena(r), &aud, sub);
	oidc_keys_put(r, k);
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
	if (oidc_subject(app->oidc, c, s->person_id, mine) != 0)
		return -1;
	return sodium_memcmp(mine, sub, OIDC_SUB_LEN) == 0 ? 1 : 0;
}

/* The id_token_hint, if any: an invalid one is refused (invalid_request); one naming
 * another person than the session's refuses prompt=none (login_required) and otherwise
 * demands a fresh login. Returns 0 to go on, 1 when answered, -1 on error. */
static int
hint_check(struct web_req *r, const struct authz_in *in, const struct pushed *pp, bool none,
    bool *login)
{
	const char *hint = aparam(r, pp, "id_token_hint");
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
	struct access_profile *profiles;
	struct actor ctx = app_actor(r);
	char code[OIDC_TOKEN_MAX];
	int64_t now = clock_time();
	size_t n = 0;
	int rc;

	if (s == NULL || s->person_id == 0 || s->auth_level < req->level ||
	    (req->max_age >= 0 && now - s->auth_time > req->max_age))
		return refuse(r, in, "login_required", "the user must log in");
	profiles = arena_alloc(web_arena(r), sizeof(*profiles) * FED_PROFILES_MAX);
	if (profiles == NULL || fed_profiles_for(app->store, web_arena(r), s->person_id,
	    in->client->application, profiles, FED_PROFILES_MAX, &n) != 0)
		return -1;
	if (n == 0)
		return refuse(r, in, "interaction_required",
		    "the user holds no grant for this application");
	if (n > 1)
		return refuse(r, in, "account_selection_required",
		    "the user must choose the organisation");
	rc = oidc_code_issue(oidc_provider_batch(app->oidc), &(struct oidc_authz){
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
	struct actor ctx = app_actor(r);
	struct oidc_client *client = arena_alloc(web_arena(r), sizeof(*client));
	struct oidc_request *req = arena_alloc(web_arena(r), sizeof(*req));
	const char *client_id = oidc_param(r, "client_id");
	const char *redirect_uri;
	struct oidc_authz_params p;
	struct pushed pushed, *pp = NULL;
	struct oidc_authz_refusal why;
	const char *twice;
	struct authz_in in;
	const char *lang;
	char id[OIDC_TOKEN_LEN + 1];
	bool none;
	int rc;

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
	rc = client_id ? oidc_provider_client(app->oidc, web_arena(r), client_id, client) : 1;
	if (rc < 0)
		return -1;
	if (rc != 0) {
		oidc_audit_refusal(app->store, "authorize", client_id, 0, "unknown_client", &ctx);
		return oidc_error_page(r, 400, N_("Le service qui vous a envoyé ici n'est pas "
		    "enregistré auprès de portier. Vous ne pouvez pas vous y connecter par ce "
		    "chemin."));
	}
	/* RFC 9126 §4: a pushed request replaces the parameters of the query, once. */
	if (oidc_param(r, "request_uri") != NULL) {
		const char *params = NULL;

		rc = oidc_par_take(app->store, web_arena(r), client->id,
		    oidc_param(r, "request_uri"), &params);
		if (rc < 0)
			return -1;
		if (rc != 0 || pushed_parse((char *)params, &pushed) != 0) {
			oidc_audit_refusal(app->store, "authorize", client->id, 0, "request_uri",
			    &ctx);
			return oidc_error_page(r, 400, N_("Cette demande de connexion a expiré ou a "
			    "déjà servi. Retournez au service et recommencez."));
		}
		pp = &pushed;
	}
	redirect_uri = aparam(r, pp, "redirect_uri");
	p = (struct oidc_authz_params){
		.state = aparam(r, pp, "state"), .request = aparam(r, pp, "request"),
		.response_type = aparam(r, pp, "response_type"),
		.response_mode = aparam(r, pp, "response_mode"), .scope = aparam(r, pp, "scope"),
		.nonce = aparam(r, pp, "nonce"), .code_challenge = aparam(r, pp, "code_challenge"),
		.code_challenge_method = aparam(r, pp, "code_challenge_method"),
		.prompt = aparam(r, pp, "prompt"), .max_age = aparam(r, pp, "max_age"),
		.acr_values = aparam(r, pp, "acr_values"), .claims = aparam(r, pp, "claims"),
	};
	if (!oidc_client_redirect_ok(client, redirect_uri)) {
		oidc_audit_refusal(app->store, "authorize", client->id, 0, "redirect_uri", &ctx);
		return oidc_error_page(r, 400, N_("L'adresse de retour demandée n'est pas "
		    "enregistrée pour ce service. Par sécurité, vous n'y êtes pas renvoyé."));
	}
	in.client = client;
	in.redirect_uri = redirect_uri;
	in.form_post = p.response_mode != NULL && strcmp(p.response_mode, "form_post") == 0;
	if (client->require_par && pp == NULL) {
		in.state = p.state != NULL && strlen(p.state) <= OIDC_STATE_MAX ? p.state : NULL;
		return refuse(r, &in, "invalid_request",
		    "this client must push its authorization requests (PAR)");
	}
	if (twice != NULL) {
		in.state = strcmp(twice, "state") == 0 ||
		    (p.state != NULL && strlen(p.state) > OIDC_STATE_MAX) ? NULL : p.state;
		return refuse(r, &in, "invalid_request", "a parameter is given more than once");
	}
	/* The parameters themselves: oidc/authz_params.c (pure, fuzzed). */
	rc = oidc_authz_params_check(web_arena(r), client, redirect_uri, &p, req, &none, &why);
	if (rc < 0)
		return -1;
	in.state = req->has_state ? p.state : NULL;
	if (rc != 0)
		return refuse(r, &in, why.error, why.desc);
	rc = hint_check(r, &in, pp, none, &req->prompt_login);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	req->created_at = clock_time();
	metric_flow(MFLOW_OIDC_AUTHORIZE);
	if (none)
		return silent(r, &in, req);
	if (oidc_browser_bind(r, req->browser) != 0)
		return -1;
	req->has_browser = true;
	if (oidc_request_save(app->store, req, id) != 0)
		return -1;
	/* ui_locales: the pages of this flow (and of this browser session) in that language. */
	lang = ui_locale(aparam(r, pp, "ui_locales"));
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
