/* saml.c — the SAML 2.0 identity provider's endpoints (issue 14 part 2; docs/saml.md):
 * GET /saml/metadata; GET|POST /saml/sso (AuthnRequest by HTTP-Redirect or HTTP-POST),
 * which stores the request and continues at /saml/continue/ID: login or step-up, then
 * the same profile choice as OpenID's (templates oidc/profile …); the signed Response goes
 * back by HTTP-POST, or by HTTP-Artifact resolved at POST /saml/artifact (SOAP). "Annuler" (/saml/cancel/ID) answers AuthnFailed. */
#include "apps/app.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/login.h"
#include "base/clock.h"
#include "base/log.h"
#include "fed/attrs.h"
#include "fed/profiles.h"
#include "fed/request.h"
#include "oidc/backchannel.h"
#include "oidc/provider.h"
#include "saml/saml.h"
#include "web/i18n.h"

#define FLOW_COOKIE SAML_FLOW_COOKIE   /* binds pending requests to their browser */

/* The installation's address (OpenID's issuer) and the IdP's entityID under it. */
static const char *
base_url(struct web_req *r)
{
	struct app *app = web_app(r);

	return oidc_provider_issuer(app->oidc);
}

static const char *
entity_id(struct web_req *r)
{
	return arena_printf(web_arena(r), "%s/saml/metadata", base_url(r));
}

static int
error_page(struct web_req *r, int status, const char *msgid)
{
	struct tmpl_ctx *c = web_page(r, N_("Connexion impossible"));

	if (c == NULL || tmpl_set(c, "message", web_t(r, msgid)) != 0 ||
	    web_render_status(r, status, "oidc/error", c) != 0)
		return web_error(r, status);
	return 0;
}

static int
metadata(struct web_req *r)
{
	struct app *app = web_app(r);
	struct saml_keys k;
	const char *md;
	int rc;

	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	md = saml_idp_metadata_signed(web_arena(r), entity_id(r), base_url(r), &k);
	saml_keys_free(&k);
	if (md == NULL)
		return -1;
	/* Service providers read it again from time to time: an hour keeps a rotation's
	 * overlap (days) far longer than any copy. */
	rc = web_add_header(r, "Cache-Control", "public, max-age=3600");
	return rc == 0 ? web_send(r, 200, "application/samlmetadata+xml", md, strlen(md)) : -1;
}

/* ---- the browser a pending request belongs to ---- */

static bool
cookie_ok(const char *v)
{
	unsigned char raw[32];
	size_t n = 0;

	return v != NULL && strlen(v) == SAML_ID_LEN &&
	    sodium_base642bin(raw, sizeof(raw), v, SAML_ID_LEN, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 && n == sizeof(raw);
}

static int
browser_bind(struct web_req *r, unsigned char out[32])
{
	const char *v = web_cookie(r, FLOW_COOKIE);
	unsigned char raw[32];
	char fresh[SAML_ID_LEN + 1];

	if (!cookie_ok(v)) {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(fresh, sizeof(fresh), raw, sizeof(raw),
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		if (web_set_cookie(r, FLOW_COOKIE, fresh, -1) != 0)
			return -1;
		v = fresh;
	}
	crypto_generichash(out, 32, (const unsigned char *)v, strlen(v), NULL, 0);
	sodium_memzero(fresh, sizeof(fresh));
	return 0;
}

static bool
browser_ok(struct web_req *r, const struct saml_pending *p)
{
	const char *v = web_cookie(r, FLOW_COOKIE);
	unsigned char h[32];

	if (!cookie_ok(v))
		return false;
	crypto_generichash(h, 32, (const unsigned char *)v, strlen(v), NULL, 0);
	return sodium_memcmp(h, p->browser, sizeof(h)) == 0;
}

/* ---- /saml/sso ---- */

/* The audited reason: enum saml_refusal, a bad message by its enum saml_msg_err. */
static const char *
refusal_name(int why, int msg_err)
{
	static const char *const names[] = {
		"ok", "bad_message", "unknown_sp", "unsigned", "bad_signature", "bad_acs",
		"replay", "stale",
	};
	static const char *const msg[] = {
		"bad_message", "too_large", "bad_encoding", "doctype", "not_authn", "lasso_refused",
	};

	if (why == SAML_BAD_MESSAGE && msg_err > 0 && msg_err <= SAML_MSG_LASSO)
		return msg[msg_err];
	return why >= 0 && why <= SAML_STALE ? names[why] : "error";
}

static const char *
refusal_msgid(int why)
{
	switch (why) {
	case SAML_UNKNOWN_SP:
		return N_("Le service qui vous a envoyé ici n'est pas enregistré auprès de "
		    "portier. Vous ne pouvez pas vous y connecter par ce chemin.");
	case SAML_BAD_ACS:
		return N_("L'adresse de retour demandée n'est pas enregistrée pour ce service. "
		    "Par sécurité, vous n'y êtes pas renvoyé.");
	case SAML_REPLAY:
	case SAML_STALE:
		return N_("Cette demande de connexion n'est plus valable (elle a expiré ou a "
		    "déjà servi). Retournez au service et recommencez.");
	default:
		return N_("La demande de connexion est mal formée : un paramètre y est répété. "
		    "Retournez au service et recommencez.");
	}
}

struct flow;
static int passive(struct web_req *r, const char *id, const struct saml_pending *p,
    const struct saml_sp *sp);

static int
sso(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	bool post = strcmp(web_method(r), "POST") == 0;
	struct saml_in in = {
		.binding = post ? SAML_BINDING_POST : SAML_BINDING_REDIRECT,
		.saml_request = post ? web_form(r, "SAMLRequest") : web_query(r, "SAMLRequest"),
		.relay_state = post ? web_form(r, "RelayState") : web_query(r, "RelayState"),
		.query = post ? NULL : web_raw_query(r),
	};
	struct saml_read *rd = arena_alloc(web_arena(r), sizeof(*rd));
	struct saml_pending p;
	struct saml_keys k;
	char id[SAML_ID_LEN + 1];
	int why, level;

	if (rd == NULL)
		return -1;
	if (web_repeated_param(r, post) != NULL || in.saml_request == NULL) {
		saml_audit(app->store, "saml.sso.refused", NULL, 0, NULL, "bad_message", &ctx);
		return error_page(r, 400, refusal_msgid(SAML_BAD_MESSAGE));
	}
	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	why = saml_idp_read(app->store, web_arena(r), entity_id(r), base_url(r), &k, &in,
	    clock_time(), rd);
	saml_keys_free(&k);
	if (why < 0)
		return -1;
	if (why != SAML_OK) {
		log_info(web_rid(r), "saml: request refused: %s", refusal_name(why, rd->msg_err));
		if (saml_audit(app->store, "saml.sso.refused", rd->authn.issuer, 0, NULL,
		    refusal_name(why, rd->msg_err), &ctx) != 0)
			return -1;
		return error_page(r, why == SAML_UNKNOWN_SP || why == SAML_BAD_MESSAGE ? 400 :
		    403, refusal_msgid(why));
	}
	/* The level: the SP's minimum, raised by the AuthnContextClassRef asked for. */
	level = saml_class_level(rd->authn.class_ref);
	memset(&p, 0, sizeof(p));
	p.fr.kind = FED_SAML;
	p.fr.requester = rd->sp.entity_id;
	p.fr.application = rd->sp.application;
	p.fr.level = level > rd->sp.min_level ? level : rd->sp.min_level;
	p.fr.force_login = rd->authn.force_authn;
	p.fr.max_age = -1;
	p.fr.created_at = clock_time();
	p.dump = rd->dump;
	p.artifact = rd->artifact;
	if (browser_bind(r, p.browser) != 0 || saml_pending_save(app->store, &p, id) != 0)
		return -1;
	if (rd->authn.is_passive)
		return passive(r, id, &p, &rd->sp);
	return web_redirect(r, arena_printf(web_arena(r), "/saml/continue/%s", id));
}

/* ---- /saml/continue/ID: the pages of a pending request ---- */

struct flow {
	const char *id;
	struct saml_pending p;
	struct saml_sp sp;
	const char *app_name;
	struct access_profile *profiles;
	size_t n_profiles;
};

/* Reads the request of the path (with its SP and the application's name); on failure
 * answers and returns 1 (or -1). */
static int
flow_load(struct web_req *r, struct flow *f)
{
	struct app *app = web_app(r);
	struct access_app a;
	int rc;

	f->id = web_param(r, "id");
	rc = saml_pending_read(app->store, web_arena(r), f->id, &f->p);
	if (rc == 0)
		rc = saml_sp_get(app->store, web_arena(r), f->p.fr.requester, &f->sp);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		error_page(r, 400, N_("Cette demande de connexion n'est plus valable (elle a "
		    "expiré ou a déjà servi). Retournez au service et recommencez."));
		return 1;
	}
	if (!browser_ok(r, &f->p)) {
		struct actor ctx = app_actor(r);
		struct web_session *s = web_session(r);

		saml_audit(app->store, "saml.sso.refused", f->sp.entity_id, s ? s->person_id : 0,
		    NULL, "other_browser", &ctx);
		error_page(r, 403, N_("Cette demande de connexion a été commencée dans un autre "
		    "navigateur. Retournez au service depuis ce navigateur-ci et recommencez."));
		return 1;
	}
	rc = fed_app_get(app->store, web_arena(r), f->sp.application, &a);
	if (rc < 0)
		return -1;
	f->app_name = rc == 0 ? a.name[fed_lang_index(web_lang(r))] : f->sp.application;
	return 0;
}

/* Login, step-up and ForceAuthn. 1 when the flow may go on; 0 when redirected. */
static int
flow_authenticated(struct web_req *r, const struct flow *f)
{
	struct app *app = web_app(r);
	struct web_session *s;
	unsigned char mark[32];
	char *to;

	if (!app_require_level(r, f->p.fr.level))
		return 0;
	s = web_session(r);
	fed_session_mark(s->id, mark);
	if (!fed_fresh_login_due(&f->p.fr, clock_time(), s->auth_time, mark))
		return 1;
	if (saml_pending_mark(app->store, f->id, mark) != 0)
		return -1;
	to = arena_printf(web_arena(r), "/login?level=%d&next=%s", f->p.fr.level,
	    web_url_encode(web_arena(r), arena_printf(web_arena(r), "/saml/continue/%s",
	    f->id)));
	if (to == NULL || web_redirect(r, to) != 0)
		return -1;
	return 0;
}

static const char *
method_msgid(const char *method)
{
	if (strcmp(method, "eid") == 0)
		return N_("Avec votre carte d'identité électronique (eID)");
	if (strcmp(method, "totp") == 0)
		return N_("Avec un code unique, généré par une application mobile");
	if (strcmp(method, "token") == 0)
		return N_("Avec votre token");
	return N_("Avec vos codes d'accès");
}

static struct tmpl_ctx *
flow_page(struct web_req *r, const struct flow *f)
{
	static const char *const names[4] = { "Français", "Nederlands", "Deutsch", "English" };
	struct web_session *s = web_session_ensure(r);
	struct tmpl_ctx *c;

	if (s == NULL)
		return NULL;
	c = web_page(r, N_("Etape 3. Choisissez votre profil"));
	if (c == NULL)
		return NULL;
	tmpl_set(c, "app_name", f->app_name);
	tmpl_set(c, "lang_name", names[fed_lang_index(web_lang(r))]);
	tmpl_set(c, "method", web_t(r, method_msgid(s->auth_method)));
	tmpl_set(c, "id", f->id);
	tmpl_set(c, "flow", "saml");
	return c;
}

static int
choice(struct web_req *r, const struct flow *f, const char *error_msgid)
{
	struct tmpl_ctx *c = flow_page(r, f);

	if (c == NULL)
		return -1;
	for (size_t i = 0; i < f->n_profiles; i++) {
		const struct access_profile *p = &f->profiles[i];
		struct tmpl_ctx *o = tmpl_list_add(c, "profiles");

		if (o == NULL)
			return -1;
		tmpl_setf(o, "value", "%lld", (long long)p->account_id);
		if (p->enterprise[0] != '\0')
			tmpl_setf(o, "label", "%s (%s)", p->org_name, p->enterprise);
		else
			tmpl_set(o, "label", p->org_name);
		tmpl_set_bool(o, "selected", f->n_profiles == 1);
	}
	if (error_msgid != NULL)
		tmpl_set(c, "error", web_t(r, error_msgid));
	return web_render_status(r, error_msgid ? 422 : 200, "oidc/profile", c);
}

/* The steps before the choice: the flow, its login, the profiles offered now (none: the
 * no-profile page). 1 when *fp is ready; otherwise the handler's result. */
static int
flow_offer(struct web_req *r, struct flow **fp)
{
	struct app *app = web_app(r);
	struct flow *f = arena_alloc(web_arena(r), sizeof(*f));
	struct web_session *s;
	int rc;

	if (f == NULL)
		return -1;
	memset(f, 0, sizeof(*f));
	rc = flow_load(r, f);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = flow_authenticated(r, f);
	if (rc <= 0)
		return rc;
	s = web_session(r);
	f->profiles = arena_alloc(web_arena(r), sizeof(*f->profiles) * FED_PROFILES_MAX);
	if (f->profiles == NULL || fed_profiles_for(app->store, web_arena(r), s->person_id,
	    f->sp.application, f->profiles, FED_PROFILES_MAX, &f->n_profiles) != 0)
		return -1;
	if (f->n_profiles == 0) {
		struct actor ctx = app_actor(r);
		struct tmpl_ctx *c;

		saml_audit(app->store, "saml.sso.refused", f->sp.entity_id, s->person_id, NULL,
		    "no_grant", &ctx);
		c = flow_page(r, f);
		return c != NULL ? web_render_status(r, 403, "oidc/no_profile", c) : -1;
	}
	*fp = f;
	return 1;
}

static int
continue_get(struct web_req *r)
{
	struct flow *f;
	int rc = flow_offer(r, &f);

	return rc <= 0 ? rc : choice(r, f, NULL);
}

/* The POST form to the SP's ACS (HTTP-POST binding): a page of its own whose CSP lets
 * its one form go to the ACS's origin. */
static int post_form(struct web_req *r, const char *acs, const char *field,
    const char *message, const char *relay, const char *app_name);

static int
post_page(struct web_req *r, const char *acs, const char *response, const char *relay,
    const char *app_name)
{
	return post_form(r, acs, "response", response, relay, app_name);
}

/* The page whose form POSTs message as field ("response": SAMLResponse, "request":
 * SAMLRequest) to acs. */
static int
post_form(struct web_req *r, const char *acs, const char *field, const char *message,
    const char *relay, const char *app_name)
{
	const char *end = strstr(acs, "://");
	struct tmpl_ctx *c;
	size_t n;

	if (end == NULL)
		return -1;
	n = (size_t)(end - acs) + 3 + strcspn(end + 3, "/?#");
	/* The origin goes into a header: only the characters of a host and port. */
	for (size_t i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:/[]",
		    acs[i]) == NULL)
			return -1;
	if (web_add_header(r, "Content-Security-Policy", arena_printf(web_arena(r),
	    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
	    "form-action %.*s; frame-ancestors 'none'; base-uri 'none'", (int)n, acs)) != 0)
		return -1;
	c = web_page_bare(r, N_("Retour vers le service"));
	if (c == NULL || tmpl_set(c, "url", acs) != 0 || tmpl_set(c, field, message) != 0 ||
	    tmpl_set(c, "app_name", app_name) != 0 ||
	    (relay != NULL && tmpl_set(c, "relay", relay) != 0))
		return -1;
	return web_render_bare(r, "saml/post", c);
}

/* HTTP-Artifact: the browser goes to the ACS with SAMLart (a GET, after our form: a page
 * that follows the address by itself, as OpenID's way back). */
static int
to_sp(struct web_req *r, const char *url, const char *app_name)
{
	struct tmpl_ctx *c = web_page_bare(r, N_("Retour vers le service"));

	if (c == NULL || tmpl_set(c, "url", url) != 0 || tmpl_set(c, "app_name", app_name) != 0)
		return -1;
	return web_render_bare(r, "oidc/redirect", c);
}

#define SESSION_INDEX_LEN 41

/* A SessionIndex: "_" and 160 random bits in hex. */
static void
session_index_new(char out[SESSION_INDEX_LEN + 1])
{
	unsigned char raw[20];

	randombytes_buf(raw, sizeof(raw));
	out[0] = '_';
	sodium_bin2hex(out + 1, SESSION_INDEX_LEN, raw, sizeof(raw));
}

/* The signed Response for the chosen profile. */
static int
answer(struct web_req *r, const struct flow *f, const struct access_profile *pick)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	struct web_session *s = web_session(r);
	struct fed_profile_data d;
	struct fed_attrs at;
	struct store_tx *tx = NULL;
	struct saml_keys k;
	unsigned char secret[32];
	char idx[SESSION_INDEX_LEN + 1];
	struct saml_out out;
	/* SAML has no scopes: what the SP receives is its registration's. */
	struct fed_release rel = {
		.sector = f->sp.entity_id, .names = true, .email = true,
		.national_number = f->sp.allow_national_number,
		.allow_national_number = f->sp.allow_national_number,
	};
	int rc;

	if (store_begin(app->store, STORE_READ, &tx) != 0)
		return -1;
	rc = fed_profile_read(tx, web_arena(r), pick->account_id, pick->org_quality_id,
	    f->sp.application, s->person_id, &d);
	store_rollback(&tx);
	if (rc != 0)
		return rc < 0 ? -1 : error_page(r, 400, N_("Cette demande de connexion n'est "
		    "plus valable (elle a expiré ou a déjà servi). Retournez au service et "
		    "recommencez."));
	if (oidc_provider_secret(app->oidc, secret) != 0 ||
	    fed_attributes(secret, s->person_id, &d, &rel, &at) != 0) {
		sodium_memzero(secret, sizeof(secret));
		return -1;
	}
	sodium_memzero(secret, sizeof(secret));
	/* Single use: a second POST of the form finds the request taken. */
	rc = saml_pending_take(app->store, f->id);
	if (rc != 0)
		return rc < 0 ? -1 : error_page(r, 400, N_("Cette demande de connexion n'est "
		    "plus valable (elle a expiré ou a déjà servi). Retournez au service et "
		    "recommencez."));
	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	session_index_new(idx);
	rc = saml_idp_respond(web_arena(r), entity_id(r), base_url(r), &k, &f->sp, f->p.dump,
	    f->p.artifact, &(struct saml_answer){ .attrs = &at, .auth_level = s->auth_level,
	    .auth_time = s->auth_time, .session_index = idx }, clock_time(), &out);
	saml_keys_free(&k);
	if (rc != 0)
		return -1;
	/* Single Logout: this browser's session now includes the SP, known by what it was
	 * sent (the pending request's browser is this one: flow_load checked). */
	if (saml_session_record(app->store, f->p.browser, &(struct saml_session_sp){
	    .entity_id = f->sp.entity_id, .name_id = out.name_id,
	    .name_format = out.name_format, .session_index = idx }, s->person_id,
	    pick->account_id, pick->org_quality_id, clock_time()) != 0)
		return -1;
	if (out.artifact != NULL && saml_artifact_save(app->store, out.artifact,
	    f->sp.entity_id, out.artifact_message, clock_time()) != 0)
		return -1;
	if (saml_audit(app->store, "saml.sso.answered", f->sp.entity_id, s->person_id,
	    pick->enterprise, out.artifact != NULL ? "artifact" : "post", &ctx) != 0)
		return -1;
	if (out.artifact != NULL)
		return to_sp(r, out.acs_url, f->app_name);
	return post_page(r, out.acs_url, out.response, out.relay_state, f->app_name);
}

/* IsPassive: answered at once, without a page. NoPassive when the person would be needed:
 * no session, a level above the session's, ForceAuthn, or a profile to choose (none or
 * several for the SP's application); with one profile, the Response. */
static int
passive(struct web_req *r, const char *id, const struct saml_pending *p,
    const struct saml_sp *sp)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	struct web_session *s = web_session(r);
	struct flow *f = arena_alloc(web_arena(r), sizeof(*f));
	const char *acs, *resp, *relay;
	struct saml_keys k;
	int rc;

	if (f == NULL)
		return -1;
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->p = *p;
	f->sp = *sp;
	f->app_name = sp->application;
	if (s != NULL && s->person_id != 0 && s->auth_level >= p->fr.level &&
	    !p->fr.force_login) {
		f->profiles = arena_alloc(web_arena(r), sizeof(*f->profiles) * FED_PROFILES_MAX);
		if (f->profiles == NULL || fed_profiles_for(app->store, web_arena(r), s->person_id,
		    sp->application, f->profiles, FED_PROFILES_MAX, &f->n_profiles) != 0)
			return -1;
		if (f->n_profiles == 1)
			return answer(r, f, &f->profiles[0]);
	}
	rc = saml_pending_take(app->store, id);
	if (rc != 0)
		return -1;
	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	rc = saml_idp_no_passive(web_arena(r), entity_id(r), base_url(r), &k, sp, p->dump, &acs,
	    &resp, &relay);
	saml_keys_free(&k);
	if (rc != 0 || saml_audit(app->store, "saml.sso.refused", sp->entity_id,
	    s != NULL ? s->person_id : 0, NULL, "no_passive", &ctx) != 0)
		return -1;
	return post_page(r, acs, resp, relay, sp->entity_id);
}

static int
continue_post(struct web_req *r)
{
	const char *chosen = web_form(r, "org");
	const struct access_profile *pick = NULL;
	struct flow *f;
	long long account = 0;
	char *end;
	int rc = flow_offer(r, &f);

	if (rc <= 0)
		return rc;
	if (chosen != NULL && chosen[0] >= '1' && chosen[0] <= '9' && strlen(chosen) < 19) {
		errno = 0;
		account = strtoll(chosen, &end, 10);
		if (errno != 0 || *end != '\0')
			account = 0;
	}
	/* Only a profile offered now is accepted: the list is read again, not trusted. */
	for (size_t i = 0; i < f->n_profiles; i++)
		if (f->profiles[i].account_id == account)
			pick = &f->profiles[i];
	if (pick == NULL)
		return choice(r, f, N_("Choisissez l'organisation au sein de laquelle vous "
		    "souhaitez vous connecter."));
	return answer(r, f, pick);
}

static int
continue_logout(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);
	const char *id = web_param(r, "id");

	if (by.person_id != 0 && login_record_logout(app->store, &by) != 0)
		log_warn(web_rid(r), "saml: logout not audited");
	web_session_end(r);
	return web_redirect(r, arena_printf(web_arena(r), "/saml/continue/%s",
	    web_url_encode(web_arena(r), id)));
}

/* Whether the person of the session is the one the NameID names for sp: the pairwise
 * subject portier gives that SP (persistent NameID). 1, 0 or -1. */
static int
names_session_person(struct web_req *r, const char *sp, const char *name_id,
    int64_t person)
{
	struct app *app = web_app(r);
	unsigned char secret[32];
	char sub[FED_SUB_LEN + 1];

	if (oidc_provider_secret(app->oidc, secret) != 0)
		return -1;
	fed_pairwise_sub(secret, sp, person, sub);
	sodium_memzero(secret, sizeof(secret));
	return strlen(name_id) == FED_SUB_LEN && sodium_memcmp(sub, name_id, FED_SUB_LEN) == 0;
}

/* The hash of this browser's flow cookie: 0, 1 (none), as saml_browser_hash. */
static int
browser_hash(struct web_req *r, unsigned char out[32])
{
	return saml_browser_hash(web_cookie(r, FLOW_COOKIE), out);
}

/* Whether the LogoutRequest names the person of this browser's session: the pairwise
 * subject given to that SP, or a NameID (transient too) recorded for this browser. 1, 0
 * or -1. */
static int
names_this_session(struct web_req *r, const struct saml_slo *rd, int64_t person)
{
	struct app *app = web_app(r);
	unsigned char b[32];
	int64_t who = 0;
	int rc = names_session_person(r, rd->sp.entity_id, rd->req.name_id, person);

	if (rc != 0 || browser_hash(r, b) != 0)
		return rc;
	rc = saml_session_find(app->store, b, rd->sp.entity_id, rd->req.name_id, clock_time(),
	    &who);
	return rc < 0 ? -1 : rc == 0 && who == person;
}

/* 303 to an address outside portier (web_redirect takes local paths only). */
static int
redirect_to(struct web_req *r, const char *url)
{
	if (url[0] == '/' && url[1] != '/')
		return web_redirect(r, url);
	if (web_add_header(r, "Location", url) != 0)
		return -1;
	return web_send(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* A step of a logout under way to an address outside portier: a page that follows it by
 * itself. A logout often starts with a form (portier's, OpenID's confirmation), and the
 * browser holds every redirect after a form to that page's CSP form-action ('self'). */
static int
step_to(struct web_req *r, const char *url, const char *name)
{
	if (url[0] == '/' && url[1] != '/')
		return web_redirect(r, url);
	return to_sp(r, url, name);
}

/* The answer to the SP that asked for the logout: its LogoutResponse by its binding. */
static int
slo_respond(struct web_req *r, const struct saml_sp *sp, const char *dump, const char *relay,
    bool done, bool step)
{
	struct app *app = web_app(r);
	struct saml_keys k;
	struct saml_out out;
	int rc;

	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	rc = saml_slo_answer(web_arena(r), entity_id(r), base_url(r), &k, sp, dump, done, &out);
	saml_keys_free(&k);
	if (rc != 0)
		return -1;
	/* lasso knows the RelayState of a Redirect request (its query), not of a POSTed one. */
	if (out.response != NULL)
		return post_page(r, out.acs_url, out.response, out.relay_state != NULL ?
		    out.relay_state : relay, sp->entity_id);
	return step ? step_to(r, out.acs_url, sp->entity_id) : redirect_to(r, out.acs_url);
}

/* The session ends everywhere: portier's, the OpenID relying parties' by back-channel
 * logout, then the other SAML SPs of this browser (a logout under way, *next its first
 * step, or NULL when there are none), which ends as how says. 0 or -1. */
static int
end_everywhere(struct web_req *r, int64_t person, const struct saml_logout_state *how,
    const char **next)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	unsigned char b[32];
	char id[SAML_ID_LEN + 1];
	int rc;

	*next = NULL;
	if (oidc_backchannel_person(app->store, person, "logout", &ctx) != 0)
		log_warn(web_rid(r), "saml: back-channel logouts not queued");
	if (browser_hash(r, b) != 0)
		return 0;
	rc = saml_logout_begin(app->store, b, person, how, clock_time(), id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		*next = arena_printf(web_arena(r), "/saml/slo/next/%s", id);
	return rc == 0 && *next == NULL ? -1 : 0;
}

int
saml_app_logout(struct web_req *r, int64_t person, const char *return_to, const char **next)
{
	*next = NULL;
	if (person == 0)
		return 0;
	return end_everywhere(r, person, &(struct saml_logout_state){ .return_to = return_to },
	    next);
}

/* A LogoutResponse of an SP told by a logout under way (its RelayState names the logout):
 * on to the next SP. The logout is bound to this browser (slo_next checks). */
static int
slo_response(struct web_req *r, const char *relay)
{
	if (relay == NULL || strlen(relay) != SAML_ID_LEN || !cookie_ok(relay))
		return error_page(r, 400, N_("La demande de déconnexion n'est pas valable."));
	return web_redirect(r, arena_printf(web_arena(r), "/saml/slo/next/%s", relay));
}

/* GET|POST /saml/slo: a LogoutRequest of an SP (front channel). When it names the person
 * of this browser's session (the pairwise subject, or a NameID recorded for this browser,
 * transient ones too), the session ends: portier's single session, which OpenID's logins
 * are part of too (the relying parties with a back-channel logout URI are told), and the
 * other SAML SPs of the session are sent LogoutRequests in turn before the LogoutResponse.
 * A request for another person ends nothing (Responder); a browser without a session is
 * already logged out (Success). A LogoutResponse goes on with the logout under way. */
static int
slo(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	struct web_session *s = web_session(r);
	bool post = strcmp(web_method(r), "POST") == 0;
	struct saml_in in = {
		.binding = post ? SAML_BINDING_POST : SAML_BINDING_REDIRECT,
		.saml_request = post ? web_form(r, "SAMLRequest") : web_query(r, "SAMLRequest"),
		.relay_state = post ? web_form(r, "RelayState") : web_query(r, "RelayState"),
		.query = post ? NULL : web_raw_query(r),
	};
	struct saml_slo *rd = arena_alloc(web_arena(r), sizeof(*rd));
	struct saml_keys k;
	int64_t person = s != NULL ? s->person_id : 0;
	const char *next = NULL;
	bool done = true;
	int why, same = 0;

	if (rd == NULL)
		return -1;
	if (web_repeated_param(r, post) == NULL && in.saml_request == NULL &&
	    (post ? web_form(r, "SAMLResponse") : web_query(r, "SAMLResponse")) != NULL)
		return slo_response(r, in.relay_state);
	if (web_repeated_param(r, post) != NULL || in.saml_request == NULL) {
		saml_audit(app->store, "saml.slo.refused", NULL, person, NULL, "bad_message", &ctx);
		return error_page(r, 400, refusal_msgid(SAML_BAD_MESSAGE));
	}
	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	why = saml_slo_read(app->store, web_arena(r), entity_id(r), base_url(r), &k, &in,
	    clock_time(), rd);
	saml_keys_free(&k);
	if (why != SAML_OK) {
		if (why < 0 || saml_audit(app->store, "saml.slo.refused", rd->req.issuer, person,
		    NULL, refusal_name(why, rd->msg_err), &ctx) != 0)
			return -1;
		return error_page(r, why == SAML_UNKNOWN_SP || why == SAML_BAD_MESSAGE ? 400 : 403,
		    refusal_msgid(why));
	}
	if (person != 0) {
		same = names_this_session(r, rd, person);
		if (same < 0)
			return -1;
		done = same == 1;
	}
	if (same == 1) {
		if (login_record_logout(app->store, &ctx) != 0)
			log_warn(web_rid(r), "saml: logout not audited");
		web_session_end(r);
		if (end_everywhere(r, person, &(struct saml_logout_state){
		    .origin = rd->sp.entity_id, .origin_dump = rd->dump,
		    .origin_relay = in.relay_state }, &next) != 0)
			return -1;
	}
	if (saml_audit(app->store, done ? "saml.slo.done" : "saml.slo.refused",
	    rd->sp.entity_id, person, NULL, same == 1 ? "session_ended" : done ? "no_session" :
	    "other_person", &ctx) != 0)
		return -1;
	if (next != NULL)
		return web_redirect(r, next);
	return slo_respond(r, &rd->sp, rd->dump, in.relay_state, done, false);
}

/* The end of a logout under way: the LogoutResponse to the SP that asked, else where the
 * logout was to go, else the page that says it is done. */
static int
slo_finish(struct web_req *r, const struct saml_logout_state *st)
{
	struct app *app = web_app(r);
	struct saml_sp sp;
	struct tmpl_ctx *c;
	int rc;

	if (st->origin != NULL && st->origin_dump != NULL) {
		rc = saml_sp_get(app->store, web_arena(r), st->origin, &sp);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return slo_respond(r, &sp, st->origin_dump, st->origin_relay, true, true);
	}
	if (st->return_to != NULL)
		return step_to(r, st->return_to, st->return_to);
	c = web_page(r, N_("Vous êtes déconnecté"));
	return c != NULL ? web_render(r, "oidc/logged_out", c) : -1;
}

#define SLO_STEPS_MAX 64   /* SPs of one session told in one request (SOAP) at most */

/* GET /saml/slo/next/ID: the next SP of a logout under way of this browser is sent its
 * LogoutRequest: by SOAP at once (then the next), or through the browser by
 * HTTP-Redirect or HTTP-POST, whose LogoutResponse comes back to /saml/slo; when none is
 * left, slo_finish. */
static int
slo_next(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	const char *id = web_param(r, "id");
	struct saml_logout_state st;
	struct saml_session_sp row;
	struct saml_sp sp;
	struct saml_keys k;
	struct saml_out out;
	unsigned char b[32];
	bool soap;
	int rc;

	if (browser_hash(r, b) != 0)
		return error_page(r, 400, N_("La demande de déconnexion n'est pas valable."));
	for (int i = 0; i < SLO_STEPS_MAX; i++) {
		rc = saml_logout_next(app->store, web_arena(r), id, b, clock_time(), &st, &row);
		if (rc < 0)
			return -1;
		if (rc == 2)
			return error_page(r, 400, N_("La demande de déconnexion n'est pas valable."));
		if (rc == 1)
			return slo_finish(r, &st);
		rc = saml_sp_get(app->store, web_arena(r), row.entity_id, &sp);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;               /* removed since: nothing to tell */
		if (saml_keys_load(app->store, &k) != 0)
			return -1;
		rc = saml_logout_request(web_arena(r), entity_id(r), &k, &sp, &row, id,
		    clock_time(), &soap, &out);
		saml_keys_free(&k);
		if (rc < 0)
			return -1;
		if (saml_audit(app->store, "saml.slo.sent", sp.entity_id, 0, NULL, rc == 1 ?
		    "no_endpoint" : soap ? (saml_soap_send(out.acs_url, out.response) == 0 ?
		    "soap" : "soap_failed") : out.response != NULL ? "post" : "redirect",
		    &ctx) != 0)
			return -1;
		if (rc == 1 || soap)
			continue;
		if (out.response != NULL)
			return post_form(r, out.acs_url, "request", out.response, out.relay_state,
			    sp.entity_id);
		return step_to(r, out.acs_url, sp.entity_id);
	}
	return web_redirect(r, arena_printf(web_arena(r), "/saml/slo/next/%s", id));
}

/* POST /saml/artifact: SOAP ArtifactResolve from an SP's back channel. */
static int
artifact(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	const char *body, *issuer, *soap;
	struct saml_keys k;
	size_t n = 0;
	int rc;

	body = web_body(r, &n);
	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	rc = saml_idp_resolve(app->store, web_arena(r), entity_id(r), base_url(r), &k, body, n,
	    clock_time(), &issuer, &soap);
	saml_keys_free(&k);
	if (rc < 0)
		return -1;
	if (rc != SAML_OK) {
		if (saml_audit(app->store, "saml.artifact.refused", issuer, 0, NULL,
		    refusal_name(rc, 0), &ctx) != 0)
			return -1;
		return web_send(r, rc == SAML_UNKNOWN_SP || rc == SAML_BAD_MESSAGE ? 400 : 403,
		    "text/plain; charset=utf-8", "refused\n", 8);
	}
	return web_send(r, 200, "text/xml; charset=utf-8", soap, strlen(soap));
}

/* "Annuler": the SP learns that the person did not log in (AuthnFailed). */
static int
cancel(struct web_req *r)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct actor ctx = app_actor(r);
	struct flow *f = arena_alloc(web_arena(r), sizeof(*f));
	const char *acs, *resp, *relay;
	struct saml_keys k;
	int rc;

	if (f == NULL)
		return -1;
	memset(f, 0, sizeof(*f));
	rc = flow_load(r, f);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = saml_pending_take(app->store, f->id);
	if (rc != 0)
		return rc < 0 ? -1 : error_page(r, 400, N_("Cette demande de connexion n'est "
		    "plus valable (elle a expiré ou a déjà servi). Retournez au service et "
		    "recommencez."));
	if (saml_keys_load(app->store, &k) != 0)
		return -1;
	rc = saml_idp_decline(web_arena(r), entity_id(r), base_url(r), &k, &f->sp, f->p.dump,
	    &acs, &resp, &relay);
	saml_keys_free(&k);
	if (rc != 0 || saml_audit(app->store, "saml.sso.refused", f->sp.entity_id,
	    s != NULL ? s->person_id : 0, NULL, "cancelled", &ctx) != 0)
		return -1;
	return post_page(r, acs, resp, relay, f->app_name);
}

int
saml_routes(struct web_server *s)
{
	if (saml_init() != 0 ||
	    web_route(s, "GET", "/saml/metadata", metadata, 0) != 0 ||
	    web_route(s, "GET", "/saml/sso", sso, 0) != 0 ||
	    web_route(s, "POST", "/saml/sso", sso, WEB_NO_CSRF) != 0 ||
	    web_route(s, "GET", "/saml/continue/:id", continue_get, 0) != 0 ||
	    web_route(s, "POST", "/saml/continue/:id", continue_post, 0) != 0 ||
	    web_route(s, "POST", "/saml/continue/:id/logout", continue_logout, 0) != 0 ||
	    web_route(s, "GET", "/saml/cancel/:id", cancel, 0) != 0 ||
	    web_route(s, "POST", "/saml/artifact", artifact, WEB_NO_CSRF) != 0 ||
	    web_route(s, "GET", "/saml/slo", slo, 0) != 0 ||
	    web_route(s, "POST", "/saml/slo", slo, WEB_NO_CSRF) != 0 ||
	    web_route(s, "GET", "/saml/slo/next/:id", slo_next, 0) != 0)
		return -1;
	return 0;
}
