/* profile.c — the pages of a pending authorization (/oidc/continue/ID): login or step-up
 * first, then "Choisissez votre profil" (guide §5): the person, the organisations where
 * they hold an active account granted the client's application, "Se connecter". A person
 * with no such grant learns who can grant it. */
#include "apps/oidc/oidc.h"
#include "apps/org_id_view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "auth/login.h"
#include "base/log.h"
#include "be/be.h"
#include "fed/profiles.h"
#include "fed/request.h"
#include "web/i18n.h"

/* A pending request with its client, read for a page; with the profiles of the person
 * of the session for its application, when asked for and logged in. */
struct flow {
	const char *id;
	struct oidc_request req;
	struct oidc_client client;
	const char *app_name;
	struct access_profile *profiles;
	size_t n_profiles;
	/* Issue 16: one page of the mandators the person may act for, the search typed, the
	 * keyset page (after or before the mandate key; the number shown, from 0); whether
	 * pages come before and after it; has_mandates when there is any, whatever the
	 * search. */
	struct access_mandate_profile *mandates;
	size_t n_mandates;
	bool has_prev, has_next;
	bool has_mandates;
	const char *search;
	const char *key;
	bool before;
	size_t page;
};

/* Reads the flow named in the path (with the profiles: with_profiles); on failure
 * answers and returns 1 (or -1). One read transaction for all of it
 * (oidc_provider_flow): the request, the client (the provider's cache), the application's
 * name and the profiles, which were four. */
static int
flow_load(struct web_req *r, struct flow *f, bool with_profiles)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct oidc_flow_view *v = arena_alloc(web_arena(r), sizeof(*v));
	int64_t person = with_profiles && s != NULL ? s->person_id : 0;
	int rc;

	f->id = web_param(r, "id");
	f->n_profiles = 0;
	f->profiles = arena_alloc(web_arena(r), sizeof(*f->profiles) * FED_PROFILES_MAX);
	if (v == NULL || f->profiles == NULL)
		return -1;
	rc = oidc_provider_flow(app->oidc, web_arena(r), f->id, person, f->profiles,
	    FED_PROFILES_MAX, v);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		f->req = v->req;
		f->client = v->client;
		f->n_profiles = v->n_profiles;
		f->app_name = v->has_app ? v->app.name[fed_lang_index(web_lang(r))] :
		    f->client.application;
	}
	if (rc > 0) {
		oidc_error_page(r, 400, N_("Cette demande de connexion n'est plus valable (elle a "
		    "expiré ou a déjà servi). Retournez au service et recommencez."));
		return 1;
	}
	/* A link to the flow shown in another browser leads nowhere: the flow is the one of
	 * the browser that started it, never another person's way in. */
	if (!oidc_browser_ok(r, &f->req)) {
		struct actor ctx = app_actor(r);

		oidc_audit_refusal(app->store, "authorize", f->client.id, s ? s->person_id : 0,
		    "other_browser", &ctx);
		oidc_error_page(r, 403, N_("Cette demande de connexion a été commencée dans un "
		    "autre navigateur. Retournez au service depuis ce navigateur-ci et "
		    "recommencez."));
		return 1;
	}
	return 0;
}

/* Login, step-up and re-authentication. Returns 1 when the flow may go on; otherwise the
 * response is a redirect to the login page and it returns 0. */
static int
flow_authenticated(struct web_req *r, const struct flow *f)
{
	struct app *app = web_app(r);
	struct fed_request fr;
	struct web_session *s;
	unsigned char mark[32];
	char *to;

	/* The federation service's view of the request: its level, then its freshness. */
	oidc_request_fed(&f->req, &f->client, &fr);
	if (!app_require_level(r, fr.level))
		return 0;
	s = web_session(r);
	fed_session_mark(s->id, mark);
	if (!fed_fresh_login_due(&fr, clock_time(), s->auth_time, mark))
		return 1;
	if (oidc_request_mark(app->store, f->id, mark) != 0)
		return -1;
	to = arena_printf(web_arena(r), "/login?level=%d&next=%s", fr.level,
	    web_url_encode(web_arena(r), arena_printf(web_arena(r), "/oidc/continue/%s",
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
	if (strcmp(method, "idp") == 0)
		return N_("Avec un autre fournisseur d'identité");
	if (strcmp(method, "email") == 0)
		return N_("Avec un code de sécurité reçu par e-mail");
	if (strcmp(method, "passkey") == 0)
		return N_("Avec une clé d'accès (passkey)");
	if (strcmp(method, "passkey2") == 0)
		return N_("Avec vos codes d'accès et une clé d'accès");
	return N_("Avec vos codes d'accès");
}

static const char *
lang_name(const char *lang)
{
	static const char *const names[4] = { "Français", "Nederlands", "Deutsch", "English" };

	return names[fed_lang_index(lang)];
}

/* "Name (0552.627.113)" or "Name (country registration)". */
static const char *
org_label(struct arena *a, const char *name, const char *enterprise, const char *country,
    const char *foreign_reg)
{
	char num[13];

	if (enterprise[0] != '\0' && strlen(enterprise) == 10) {
		be_enterprise_format(enterprise, num);
		return arena_printf(a, "%s (%s)", name, num);
	}
	if (foreign_reg != NULL && foreign_reg[0] != '\0')
		return arena_printf(a, "%s (%s %s)", name, country, foreign_reg);
	return arena_strdup(a, name);
}

/* The page's common part: steps, the person, the application. The person's name is the
 * layout's person_name, which the page hook (app_page_hook) reads for every page of a
 * logged-in person: read here again, it cost a second transaction per page. */
static struct tmpl_ctx *
flow_page(struct web_req *r, const struct flow *f, const char *title)
{
	struct web_session *s = web_session_ensure(r);
	struct tmpl_ctx *c;

	if (s == NULL)
		return NULL;
	c = web_page(r, title);
	if (c == NULL)
		return NULL;
	tmpl_set(c, "app_name", f->app_name);
	tmpl_set(c, "lang_name", lang_name(web_lang(r)));
	tmpl_set(c, "method", web_t(r, method_msgid(s->auth_method)));
	tmpl_set(c, "id", f->id);
	tmpl_set(c, "flow", "oidc");
	return c;
}

/* The page for a person without any profile for the application: who can grant it. */
static int
no_profile(struct web_req *r, const struct flow *f)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct actor ctx = app_actor(r);
	struct access_membership *m;
	struct access_granter *g;
	struct tmpl_ctx *c;
	size_t nm = 0, ng = 0;

	m = arena_alloc(web_arena(r), sizeof(*m) * FED_PROFILES_MAX);
	g = arena_alloc(web_arena(r), sizeof(*g) * FED_PROFILES_MAX * 4);
	if (m == NULL || g == NULL ||
	    fed_memberships(app->store, web_arena(r), s->person_id, m, FED_PROFILES_MAX,
	    &nm) != 0 ||
	    fed_granters(app->store, web_arena(r), s->person_id, f->client.application, g,
	    FED_PROFILES_MAX * 4, &ng) != 0)
		return -1;
	oidc_audit_refusal(app->store, "authorize", f->client.id, s->person_id, "no_grant", &ctx);
	c = flow_page(r, f, N_("Etape 3. Choisissez votre profil"));
	if (c == NULL)
		return -1;
	for (size_t i = 0; i < nm; i++) {
		struct tmpl_ctx *o = tmpl_list_add(c, "orgs");

		if (o == NULL)
			return -1;
		tmpl_set(o, "name", org_label(web_arena(r), m[i].org_name, m[i].enterprise, "",
		    NULL));
		tmpl_set_bool(o, "suspended", m[i].suspended);
		for (size_t k = 0; k < ng; k++) {
			struct tmpl_ctx *who;
			const char *role;

			if (g[k].org_id != m[i].org_id)
				continue;
			who = tmpl_list_add(o, "granters");
			if (who == NULL)
				return -1;
			if (strcmp(g[k].role, "GAP") == 0)
				role = N_("Gestionnaire d'Accès Principal (GAP)");
			else if (strcmp(g[k].role, "COGAP") == 0)
				role = N_("Co-Responsable des Accès");
			else if (strcmp(g[k].role, "GL") == 0)
				role = N_("Gestionnaire Local");
			else
				role = N_("Co-Gestionnaire Local");
			tmpl_setf(who, "name", "%s %s", g[k].first_name, g[k].last_name);
			tmpl_set(who, "role", web_t(r, role));
		}
	}
	return web_render_status(r, 403, "oidc/no_profile", c);
}

/* The address of the page of the mandators after (or before) the mandate key, numbered
 * page (from 0), with the search typed. */
static const char *
page_href(struct web_req *r, const struct flow *f, const char *dir, const char *key,
    size_t page)
{
	return arena_printf(web_arena(r), "/oidc/continue/%s?q=%s&%s=%s&page=%zu",
	    web_url_encode(web_arena(r), f->id), web_url_encode(web_arena(r), f->search), dir,
	    web_url_encode(web_arena(r), key), page + 1);
}

/* Issue 16: the mandators of the page as "mandataire de A (via B)", the search field and
 * the pages. Returns 0 or -1. */
static int
mandate_choice(struct web_req *r, const struct flow *f, struct tmpl_ctx *c)
{
	tmpl_set_bool(c, "has_mandates", f->has_mandates);
	if (!f->has_mandates)
		return 0;
	tmpl_set(c, "q", f->search);
	tmpl_set_int(c, "page", (int64_t)f->page + 1);
	if (f->key != NULL) {
		tmpl_set(c, "key_dir", f->before ? "before" : "after");
		tmpl_set(c, "key", f->key);
	}
	tmpl_set_bool(c, "no_match", f->n_mandates == 0);
	tmpl_set_bool(c, "paged", f->has_prev || f->has_next);
	if (f->has_prev)
		tmpl_set(c, "prev_href", page_href(r, f, "before", f->mandates[0].public_id,
		    f->page > 0 ? f->page - 1 : 0));
	if (f->has_next)
		tmpl_set(c, "next_href", page_href(r, f, "after",
		    f->mandates[f->n_mandates - 1].public_id, f->page + 1));
	for (size_t i = 0; i < f->n_mandates; i++) {
		const struct access_mandate_profile *m = &f->mandates[i];
		struct tmpl_ctx *o = tmpl_list_add(c, "mandates");

		if (o == NULL)
			return -1;
		tmpl_setf(o, "value", "m:%s", m->public_id);
		tmpl_set(o, "label", org_label(web_arena(r), m->org_name, m->enterprise,
		    m->country, m->foreign_reg));
		tmpl_set(o, "via", org_label(web_arena(r), m->via_name, m->via_enterprise,
		    m->via_country, m->via_foreign_reg));
	}
	return 0;
}

/* The profile choice; error_msgid when the form came back without a valid choice. */
static int
choice(struct web_req *r, const struct flow *f, const struct access_profile *p, size_t n,
    const char *error_msgid)
{
	struct tmpl_ctx *c = flow_page(r, f, N_("Etape 3. Choisissez votre profil"));

	if (c == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *o = tmpl_list_add(c, "profiles");
		const char *label;

		if (o == NULL)
			return -1;
		tmpl_setf(o, "value", "%" PRId64, p[i].account_id);
		/* Without enterprise number nor foreign registration: the identifier. */
		if (!p[i].enterprise[0] && !p[i].foreign_reg[0] && p[i].id_value[0])
			label = arena_printf(web_arena(r), "%s (%s)", p[i].org_name,
			    app_org_identifier(r, p[i].id_type, p[i].id_value));
		else
			label = org_label(web_arena(r), p[i].org_name, p[i].enterprise,
			    p[i].country, p[i].foreign_reg);
		/* "Organisation X — Département Y" (issue 16 part 4). */
		if (p[i].subdept != NULL && p[i].subdept[0] != '\0')
			tmpl_setf(o, "label", "%s — %s", label, p[i].subdept);
		else
			tmpl_set(o, "label", label);
		tmpl_set_bool(o, "selected", n == 1 && !f->has_mandates);
	}
	if (mandate_choice(r, f, c) != 0)
		return -1;
	if (error_msgid != NULL)
		tmpl_set(c, "error", web_t(r, error_msgid));
	return web_render_status(r, error_msgid ? 422 : 200, "oidc/profile", c);
}

/* The number of the page of the mandate choice shown: "page" from 1 in the address or
 * the form, from 0 here (an absent or bad one: the first). Only shown: the page read is
 * the key's. */
static size_t
page_asked(const char *v)
{
	size_t page = 0;

	if (v == NULL || v[0] < '1' || v[0] > '9' || strlen(v) > 6)
		return 0;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		page = page * 10 + (size_t)(*v - '0');
	}
	return page - 1;
}

/* True for what a mandate's public id can be (1-64 characters of base64url): anything
 * else in the form or the address is no mandate, and is not looked up. */
static bool
public_id_ok(const char *v)
{
	size_t len = v != NULL ? strlen(v) : 0;

	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') || v[i] == '-' || v[i] == '_'))
			return false;
	return true;
}

/* A parameter of the choice: from the address on GET, from the form on POST. */
static const char *
choice_param(struct web_req *r, const char *name)
{
	return strcmp(web_method(r), "POST") == 0 ? web_form(r, name) : web_query(r, name);
}

/* Issue 16: the page of mandators asked for (the search, the page after or before a
 * mandate), read in SQL, a page at a time; whether there is any at all. 0 or -1. */
static int
flow_mandates(struct web_req *r, struct flow *f)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct access_mandate_profile *any;
	const char *after = choice_param(r, "after"), *before = choice_param(r, "before");
	size_t n_any = 0;
	bool more;

	f->search = choice_param(r, "q");
	if (f->search == NULL || strlen(f->search) > FED_SEARCH_MAX)
		f->search = "";
	f->before = !public_id_ok(after) && public_id_ok(before);
	f->key = public_id_ok(after) ? after : f->before ? before : NULL;
	f->page = f->key != NULL ? page_asked(choice_param(r, "page")) : 0;
	f->mandates = arena_alloc(web_arena(r), sizeof(*f->mandates) * FED_MANDATES_PAGE);
	if (f->mandates == NULL || fed_mandates_for(app->store, web_arena(r), s->person_id,
	    f->client.application, f->search, f->key, f->before, f->mandates,
	    &f->n_mandates, &more) != 0)
		return -1;
	/* Read forwards, a page came before when it started after a key; backwards, the
	 * page it ended before follows. */
	f->has_prev = f->n_mandates > 0 && (f->before ? more : f->key != NULL);
	f->has_next = f->n_mandates > 0 && (f->before || more);
	f->has_mandates = f->n_mandates > 0;
	/* A search or a page that finds none: the search field stays when there are some. */
	if (!f->has_mandates && (f->search[0] != '\0' || f->key != NULL)) {
		any = arena_alloc(web_arena(r), sizeof(*any) * FED_MANDATES_PAGE);
		if (any == NULL || fed_mandates_for(app->store, web_arena(r), s->person_id,
		    f->client.application, NULL, NULL, false, any, &n_any, &more) != 0)
			return -1;
		f->has_mandates = n_any > 0;
	}
	return 0;
}

/* The steps before the profile choice, shown (GET) or received (POST): the flow of the
 * path, its login and step-up, the profiles offered now (at least one, else the page of
 * who can grant one). Returns 1 when *fp, *p and *n are ready; otherwise the response has
 * been given and it returns the handler's result (0 or -1). */
static int
flow_offer(struct web_req *r, struct flow **fp, struct access_profile **p, size_t *n)
{
	struct flow *f = arena_alloc(web_arena(r), sizeof(*f));
	int rc;

	*n = 0;
	if (f == NULL)
		return -1;
	rc = flow_load(r, f, true);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = flow_authenticated(r, f);
	if (rc <= 0)
		return rc;
	/* Read with the flow, for the person of the session, who is logged in here. */
	*p = f->profiles;
	*n = f->n_profiles;
	if (flow_mandates(r, f) != 0)
		return -1;
	if (*n == 0 && !f->has_mandates)
		return no_profile(r, f) < 0 ? -1 : 0;
	*fp = f;
	return 1;
}

static int
continue_get(struct web_req *r)
{
	struct access_profile *p;
	struct flow *f;
	size_t n;
	int rc = flow_offer(r, &f, &p, &n);

	if (rc <= 0)
		return rc;
	return choice(r, f, p, n, NULL);
}

/* The mandate chosen in the form ("m:" and its public id), if the person serves under
 * it with the application now. Returns 0, 1 (none, or not theirs) or -1. */
static int
mandate_chosen(struct web_req *r, const struct flow *f, const char *chosen,
    struct access_mandate_profile *out)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);

	if (chosen == NULL || strncmp(chosen, "m:", 2) != 0 || !public_id_ok(chosen + 2))
		return 1;
	chosen += 2;
	return fed_mandate_pick(app->store, web_arena(r), s->person_id,
	    f->client.application, chosen, out);
}

static int
continue_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	const char *chosen = web_form(r, "org");
	const struct access_profile *pick = NULL;
	struct access_mandate_profile mp;
	struct oidc_authz az;
	struct access_profile *p;
	struct web_session *s;
	unsigned char h[32];
	char code[OIDC_TOKEN_MAX], *end;
	long long account = 0;
	struct flow *f;
	size_t n;
	int rc = flow_offer(r, &f, &p, &n);

	if (rc <= 0)
		return rc;
	if (chosen != NULL && chosen[0] >= '1' && chosen[0] <= '9' && strlen(chosen) < 19) {
		errno = 0;
		account = strtoll(chosen, &end, 10);
		if (errno != 0 || *end != '\0')
			account = 0;
	}
	/* Only a profile offered now is accepted: the list is read again, not trusted. */
	for (size_t i = 0; i < n; i++)
		if (p[i].account_id == account)
			pick = &p[i];
	s = web_session(r);
	az = (struct oidc_authz){
		.client_id = f->client.id, .application = f->client.application,
		.person_id = s->person_id,
		.scope = f->req.scope, .nonce = f->req.has_nonce ? f->req.nonce : NULL,
		.redirect_uri = f->req.redirect_uri,
		.code_challenge = f->req.has_challenge ? f->req.code_challenge : NULL,
		.auth_time = s->auth_time, .acr_level = s->auth_level, .amr = s->auth_method,
	};
	if (pick != NULL) {
		az.account_id = pick->account_id;
		az.org_quality_id = pick->org_quality_id;
		az.enterprise = pick->enterprise;
	} else {
		/* Issue 16: a mandate is checked in the store for this person and application
		 * now, whatever page it was shown on; one they do not serve is refused. */
		rc = mandate_chosen(r, f, chosen, &mp);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (chosen != NULL && strncmp(chosen, "m:", 2) == 0)
				oidc_audit_refusal(app->store, "authorize", f->client.id,
				    s->person_id, "mandate", &ctx);
			return choice(r, f, p, n, N_("Choisissez l'organisation au sein de laquelle "
			    "vous souhaitez vous connecter."));
		}
		az.account_id = mp.account_id;
		az.org_quality_id = mp.org_quality_id;
		az.mandate_id = mp.mandate_id;
		az.enterprise = mp.enterprise;
	}
	oidc_token_hash(f->id, h);
	rc = oidc_code_issue(oidc_provider_batch(app->oidc), &az, h, &ctx, code);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return oidc_error_page(r, 400, N_("Cette demande de connexion n'est plus valable "
		    "(elle a expiré ou a déjà servi). Retournez au service et recommencez."));
	return oidc_answer(r, &f->req, code, NULL, NULL, true, f->app_name);
}

/* "(Déconnexion)": ends the session and starts this flow again at the login page. */
static int
continue_logout(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);
	const char *id = web_param(r, "id");

	if (by.person_id != 0 && login_record_logout(app->store, &by) != 0)
		log_warn(web_rid(r), "oidc: logout not audited");
	web_session_end(r);
	return web_redirect(r, arena_printf(web_arena(r), "/oidc/continue/%s",
	    web_url_encode(web_arena(r), id)));
}

/* "Annuler": the client learns that the person declined (access_denied). */
static int
cancel(struct web_req *r)
{
	struct app *app = web_app(r);
	struct flow *f = arena_alloc(web_arena(r), sizeof(*f));
	struct web_session *s = web_session(r);
	struct actor ctx = app_actor(r);
	int rc;

	if (f == NULL)
		return -1;
	rc = flow_load(r, f, false);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (oidc_request_drop(app->store, f->id) != 0)
		return -1;
	oidc_audit_refusal(app->store, "authorize", f->client.id, s ? s->person_id : 0,
	    "cancelled", &ctx);
	return oidc_answer(r, &f->req, NULL, "access_denied", "the user cancelled the login",
	    false, f->app_name);
}

int
oidc_profile_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/oidc/continue/:id", continue_get, 0) != 0 ||
	    web_route(s, "POST", "/oidc/continue/:id", continue_post, 0) != 0 ||
	    web_route(s, "POST", "/oidc/continue/:id/logout", continue_logout, 0) != 0 ||
	    web_route(s, "GET", "/oidc/cancel/:id", cancel, 0) != 0)
		return -1;
	return 0;
}
