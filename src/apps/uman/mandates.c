/* mandates.c — "Mandats" (issue 16): the mandates an organisation gave and received, the
 * proposal form, a mandate's page with its history, its steps (accept, refuse, end) and
 * who acts under it. The service (access/mandate.h) decides; refusals are its 403s. */
#include "apps/uman/uman.h"

#include <stdio.h>
#include <string.h>

#include "access/catalogue.h"
#include "access/mandate.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/msgid.h"
#include "be/be.h"

#define PROPOSE_APPS_MAX 200

static const char *
status_msgid(const char *status)
{
	if (strcmp(status, "proposed") == 0)
		return N_("Proposé");
	if (strcmp(status, "active") == 0)
		return N_("Actif");
	if (strcmp(status, "refused") == 0)
		return N_("Refusé");
	if (strcmp(status, "ended") == 0)
		return N_("Terminé");
	return N_("Expiré");
}

static const char *
quarter(struct web_req *r, int64_t q)
{
	char text[MANDATE_QUARTER_TEXT];

	if (q == 0)
		return "—";
	mandate_quarter_text(q, web_lang(r), text);
	return arena_strdup(web_arena(r), text);
}

static const char *
number(struct web_req *r, const char *enterprise)
{
	char num[13];

	if (strlen(enterprise) != 10)
		return enterprise;
	be_enterprise_format(enterprise, num);
	return arena_strdup(web_arena(r), num);
}

/* The fields every view of a mandate shows, into m. */
static void
mandate_fields(struct web_req *r, struct tmpl_ctx *m, int64_t org, const struct mandate_view *v)
{
	bool given = strcmp(v->side, "mandator") == 0;

	tmpl_setf(m, "href", "/acces/%lld/mandats/%s", (long long)org, v->public_id);
	tmpl_set(m, "public_id", v->public_id);
	tmpl_set(m, "mandator", v->mandator_name);
	tmpl_set(m, "mandator_number", number(r, v->mandator_enterprise));
	tmpl_set(m, "mandatary", v->mandatary_name);
	tmpl_set(m, "mandatary_number", number(r, v->mandatary_enterprise));
	tmpl_set(m, "counterparty", given ? v->mandatary_name : v->mandator_name);
	tmpl_set(m, "counterparty_number", number(r, given ? v->mandatary_enterprise :
	    v->mandator_enterprise));
	tmpl_set(m, "quality", v->quality_name);
	tmpl_set(m, "start", quarter(r, v->start_quarter));
	tmpl_set(m, "end", quarter(r, v->end_quarter));
	tmpl_set(m, "status", web_t(r, status_msgid(v->status)));
	tmpl_set(m, "status_code", v->status);
	tmpl_set_int(m, "version", v->version);
}

static int
list_page(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct mandate_view *v;
	struct tmpl_ctx *c;
	enum access_rc rc;
	size_t n;
	bool main_manager;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = mandate_list(uman_store(r), &who, here.org, web_arena(r), &v, &n, &main_manager);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org_manager = main_manager;
	c = uman_page(r, N_("Mandats"), &here, false);
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "may_propose", main_manager);
	for (size_t i = 0; i < n; i++) {
		bool given = strcmp(v[i].side, "mandator") == 0;
		struct tmpl_ctx *m = tmpl_list_add(c, given ? "given" : "received");

		if (m == NULL)
			return -1;
		mandate_fields(r, m, here.org, &v[i]);
		tmpl_set_bool(c, given ? "has_given" : "has_received", true);
	}
	return web_render(r, "uman/mandates", c);
}

/* What the proposal form lists: the catalogue's qualities and, under each, its
 * applications (ticked as posted). */
struct catalogue_form {
	struct tmpl_ctx *c, *group;
	const char *chosen;
	const char **ticked;
	size_t nticked;
	int n;
};

static bool
is_ticked(const struct catalogue_form *f, const char *code)
{
	for (size_t i = 0; i < f->nticked; i++)
		if (f->ticked[i] != NULL && strcmp(f->ticked[i], code) == 0)
			return true;
	return false;
}

static int
catalogue_row(void *arg, const char *quality, const char *quality_name, const char *app,
    const char *app_name, int min_level)
{
	struct catalogue_form *f = arg;
	struct tmpl_ctx *e;

	(void)min_level;
	if (app == NULL) {
		e = tmpl_list_add(f->c, "qualities");
		f->group = tmpl_list_add(f->c, "groups");
		if (e == NULL || f->group == NULL)
			return -1;
		tmpl_set(e, "code", quality);
		tmpl_set(e, "name", quality_name);
		tmpl_set_bool(e, "selected", f->chosen != NULL && strcmp(f->chosen, quality) == 0);
		tmpl_set(f->group, "name", quality_name);
		return 0;
	}
	if (f->group == NULL || (e = tmpl_list_add(f->group, "apps")) == NULL)
		return -1;
	tmpl_set_bool(f->group, "has_apps", true);
	tmpl_set(e, "code", app);
	tmpl_set(e, "name", app_name);
	tmpl_set_int(e, "n", f->n++);
	tmpl_set_bool(e, "checked", is_ticked(f, app));
	return 0;
}

/* Reads the ticked applications into the request's arena; *n the count (one more than
 * ACCESS_MAX_APPS when too many, for the service to refuse). */
static const char **
ticked_apps(struct web_req *r, size_t *n)
{
	const char **apps = arena_alloc(web_arena(r), (ACCESS_MAX_APPS + 1) * sizeof(*apps));

	*n = apps != NULL ? web_form_all(r, "apps", apps, ACCESS_MAX_APPS + 1) : 0;
	return apps;
}

static int
propose_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct catalogue_form f = { 0 };
	struct tmpl_ctx *c;
	const char *side = uman_form(r, "side");

	if (!uman_enter(r, &who, &here))
		return 0;
	/* The form itself is refused as its post would be (a post's errors passed it). */
	if (err == NULL) {
		enum access_rc rc = mandate_may_propose(uman_store(r), &who, here.org);

		if (rc != ACCESS_OK)
			return app_fail(r, rc);
	}
	here.org_manager = true;
	c = uman_page(r, N_("Proposer un mandat"), &here, true);
	if (c == NULL)
		return -1;
	f.c = c;
	f.chosen = web_form(r, "quality");
	if (err != NULL)
		f.ticked = ticked_apps(r, &f.nticked);
	if (catalogue_each(uman_store(r), web_lang(r), catalogue_row, &f) != 0)
		return -1;
	tmpl_set_bool(c, "side_mandator", strcmp(side, "mandatary") != 0);
	tmpl_set_bool(c, "side_mandatary", strcmp(side, "mandatary") == 0);
	tmpl_set(c, "counterparty", uman_form(r, "counterparty"));
	tmpl_set(c, "start", uman_form(r, "start"));
	tmpl_set(c, "end", uman_form(r, "end"));
	tmpl_set(c, "current_quarter", quarter(r, mandate_quarter_of(clock_time())));
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/mandate_new", c);
}

static int
propose_get(struct web_req *r)
{
	return propose_page(r, 200, NULL);
}

static int
propose_post(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	struct mandate_input in;
	char id[MANDATE_ID_LEN + 1];
	enum access_rc rc;
	size_t napps;

	if (!uman_enter(r, &who, &here))
		return 0;
	memset(&in, 0, sizeof(in));
	in.side = web_form(r, "side");
	in.counterparty = web_form(r, "counterparty");
	in.quality = web_form(r, "quality");
	in.apps = ticked_apps(r, &napps);
	in.napps = napps;
	in.start = web_form(r, "start");
	in.end = web_form(r, "end");
	rc = mandate_propose(uman_store(r), app_mail(r), &who, here.org, &in, &err, id);
	return uman_answer_post(r, rc, propose_page, &err, arena_printf(web_arena(r),
	    "/acces/%lld/mandats/%s?ok=mandate_proposed", (long long)here.org, id));
}

/* The named users and their applications, with the mandate's as the choices. */
static int
members(struct tmpl_ctx *c, const struct mandate_view *v)
{
	for (size_t i = 0; i < v->nmembers; i++) {
		const struct mandate_member_row *m = &v->members[i];
		struct tmpl_ctx *e = tmpl_list_add(c, "members");
		struct buf apps;

		if (e == NULL)
			return -1;
		buf_init(&apps, 0);
		tmpl_set_int(e, "account_id", m->account_id);
		tmpl_set(e, "username", m->username);
		tmpl_setf(e, "name", "%s %s", m->first_name, m->last_name);
		for (size_t k = 0; k < m->napps; k++)
			for (size_t j = 0; j < v->napps; j++)
				if (strcmp(v->apps[j].code, m->apps[k]) == 0 &&
				    (buf_puts(&apps, apps.len ? ", " : "") != 0 ||
				    buf_puts(&apps, v->apps[j].name) != 0)) {
					buf_free(&apps);
					return -1;
				}
		tmpl_set(e, "apps", apps.len ? apps.data : "");
		buf_free(&apps);
	}
	return 0;
}

/* The mandate's page; conflict (the version changed, or the step is no longer possible)
 * says so above it; err holds the named user form's errors. */
static int
detail_page_as(struct web_req *r, int status, const struct access_errors *err, bool conflict)
{
	struct actor who;
	struct uman_here here;
	struct mandate_view v;
	struct tmpl_ctx *c;
	enum access_rc rc;
	const char **ticked = NULL;
	size_t nticked = 0;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = mandate_get(uman_store(r), &who, here.org, web_param(r, "m"), web_arena(r), &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org_manager = v.may_end;
	c = uman_page(r, N_("Mandat"), &here, true);
	if (c == NULL)
		return -1;
	mandate_fields(r, c, here.org, &v);
	tmpl_set_bool(c, "given", strcmp(v.side, "mandator") == 0);
	tmpl_set_bool(c, "may_decide", v.may_decide);
	tmpl_set_bool(c, "may_end", v.may_end);
	tmpl_set_bool(c, "may_assign", v.may_assign);
	tmpl_set_bool(c, "serve_all", v.serve_all);
	tmpl_set_bool(c, "conflict", conflict);
	if (err != NULL) {
		ticked = ticked_apps(r, &nticked);
		tmpl_set(c, "username", uman_form(r, "username"));
		app_field_errors(r, c, err);
	}
	for (size_t i = 0; i < v.napps; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "apps");
		bool on = false;

		if (e == NULL)
			return -1;
		for (size_t k = 0; k < nticked; k++)
			on = on || (ticked[k] != NULL && strcmp(ticked[k], v.apps[i].code) == 0);
		tmpl_set(e, "code", v.apps[i].code);
		tmpl_set(e, "name", v.apps[i].name);
		tmpl_set_int(e, "n", (int64_t)i);
		tmpl_set_bool(e, "checked", on);
	}
	for (size_t i = 0; i < v.nevents; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "events");
		const struct mandate_event_row *ev = &v.events[i];

		if (e == NULL)
			return -1;
		tmpl_setf(e, "at", "%s %.5s", uman_date(r, ev->at), strlen(ev->at) > 11 ?
		    ev->at + 11 : "");
		tmpl_set(e, "status", web_t(r, status_msgid(ev->status)));
		tmpl_set(e, "side", ev->side[0] == '\0' ? "—" : web_t(r,
		    strcmp(ev->side, "mandator") == 0 ? N_("Mandant") : N_("Mandataire")));
		tmpl_set(e, "actor", ev->actor[0] != '\0' ? ev->actor :
		    web_t(r, N_("Expiration automatique")));
		tmpl_set(e, "note", web_t(r, strncmp(ev->note, "serve:all", 9) == 0 ?
		    N_("Tous les utilisateurs") : strncmp(ev->note, "serve:named", 11) == 0 ?
		    N_("Utilisateurs désignés") : strncmp(ev->note, "member_removed:", 15) == 0 ?
		    N_("Utilisateur retiré") : strncmp(ev->note, "member:", 7) == 0 ?
		    N_("Utilisateur désigné") : ""));
	}
	if (members(c, &v) != 0)
		return -1;
	tmpl_set_bool(c, "has_members", v.nmembers > 0);
	return web_render_status(r, status, "uman/mandate", c);
}

static int
detail_page(struct web_req *r, int status, const struct access_errors *err)
{
	return detail_page_as(r, status, err, false);
}

static int
detail_get(struct web_req *r)
{
	return detail_page(r, 200, NULL);
}

/* The version the page showed: a positive integer, else 0 (never the current one). */
static int64_t
version_of(struct web_req *r)
{
	return web_id(web_form(r, "version"));
}

/* Answers a step on the mandate: back to its page with the flash, the page again with
 * the conflict (409), a field error (422), or the service's refusal. */
static int
answer(struct web_req *r, const struct uman_here *here, enum access_rc rc,
    const struct access_errors *err, const char *flash)
{
	if (rc == ACCESS_CONFLICT)
		return detail_page_as(r, 409, NULL, true);
	return uman_answer_post(r, rc, detail_page, err, arena_printf(web_arena(r),
	    "/acces/%lld/mandats/%s?ok=%s", (long long)here->org, web_param(r, "m"), flash));
}

static int
step(struct web_req *r, int kind)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err = { 0 };
	const char *id, *flash;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	id = web_param(r, "m");
	if (kind == 0 || kind == 1) {
		rc = mandate_decide(uman_store(r), app_mail(r), &who, here.org, id, version_of(r),
		    kind == 0);
		flash = kind == 0 ? "mandate_accepted" : "mandate_refused";
	} else {
		rc = mandate_end(uman_store(r), app_mail(r), &who, here.org, id, version_of(r));
		flash = "mandate_ended";
	}
	return answer(r, &here, rc, &err, flash);
}

static int
accept_post(struct web_req *r)
{
	return step(r, 0);
}

static int
refuse_post(struct web_req *r)
{
	return step(r, 1);
}

static int
end_post(struct web_req *r)
{
	return step(r, 2);
}

static int
serve_post(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err = { 0 };
	const char *serve;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	serve = uman_form(r, "serve");
	if (strcmp(serve, "all") != 0 && strcmp(serve, "named") != 0)
		return web_error(r, 400);
	rc = mandate_serve_all(uman_store(r), &who, here.org, web_param(r, "m"), version_of(r),
	    strcmp(serve, "all") == 0);
	return answer(r, &here, rc, &err, "mandate_saved");
}

static int
member_post(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	const char **apps;
	enum access_rc rc;
	size_t napps;

	if (!uman_enter(r, &who, &here))
		return 0;
	apps = ticked_apps(r, &napps);
	rc = mandate_member_set(uman_store(r), &who, here.org, web_param(r, "m"), version_of(r),
	    web_form(r, "username"), apps, napps, &err);
	return answer(r, &here, rc, &err, "mandate_saved");
}

static int
member_remove_post(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err = { 0 };
	int64_t account;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	account = web_id(web_form(r, "account"));
	if (account == 0)
		return web_error(r, 400);
	rc = mandate_member_remove(uman_store(r), &who, here.org, web_param(r, "m"),
	    version_of(r), account);
	return answer(r, &here, rc, &err, "mandate_saved");
}

int
uman_mandate_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/mandats", list_page, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/mandats/nouveau", propose_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/nouveau", propose_post, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/mandats/:m", detail_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/:m/accepter", accept_post, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/:m/refuser", refuse_post, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/:m/fin", end_post, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/:m/qui", serve_post, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/:m/utilisateur", member_post, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/mandats/:m/retirer", member_remove_post, 0) != 0)
		return -1;
	return 0;
}
