/* org.c — "Gestion des gestionnaires d'accès": the entry page of the GAP designation
 * (/csam, with the organisations the visitor manages), and an organisation for its GAP,
 * co-GAPs and legal representatives ("Consulter ou modifier le détail de l'entreprise",
 * "Co-Responsable des Accès"): the co-GAPs since when, add by NISS, remove. */
#include "apps/csam/csam_app.h"
#include "apps/org_id_view.h"

#include <stdio.h>
#include <string.h>

#include "access/hierarchy.h"
#include "base/msgid.h"
#include "csam/org_view.h"
#include "policy/loa.h"
#include "registry/registry.h"

static int
home_get(struct web_req *r)
{
	struct web_session *s = web_session(r);
	struct managed_org *orgs = NULL;
	struct tmpl_ctx *c = web_page(r, N_("Gestion des gestionnaires d'accès"));
	size_t n = 0;

	if (c == NULL)
		return -1;
	if (s != NULL && s->person_id != 0 && hierarchy_managed_orgs(csam_app_store(r),
	    s->person_id, web_arena(r), &orgs, &n) != ACCESS_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "orgs");

		if (it == NULL)
			return -1;
		tmpl_set(it, "name", orgs[i].name);
		/* No enterprise number: the identifier with its type. */
		tmpl_set(it, "number_f", orgs[i].enterprise[0] ? csam_app_enterprise(r,
		    orgs[i].enterprise) : app_org_identifier(r, orgs[i].id_type, orgs[i].id_value));
		tmpl_set(it, "role", strcmp(orgs[i].role, "GAP") == 0 ?
		    web_t(r, N_("Gestionnaire d'Accès Principal")) :
		    web_t(r, N_("Co-Gestionnaire d'Accès Principal")));
		tmpl_set(it, "since", csam_app_date(r, orgs[i].since));
		tmpl_setf(it, "href", "/csam/organisation/%lld", (long long)orgs[i].id);
	}
	tmpl_set_bool(c, "logged_in_person", s != NULL && s->person_id != 0);
	return web_render(r, "csam/home", c);
}

/* The organisation page, with the co-GAP form's values and errors when shown again. */
static int
org_page(struct web_req *r, int status, int64_t id, const struct access_errors *err,
    const char *notice_msgid)
{
	struct csam_org_view v;
	struct actor who;
	struct tmpl_ctx *c;
	char today[11];
	enum access_rc rc;

	who = app_actor(r);
	who.org_id = id; /* the page's organisation (":id") */
	registry_today(today);
	rc = csam_org_view(csam_app_store(r), web_arena(r), &who, id, today, &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, N_("Consulter ou modifier le détail de l'entreprise"));
	if (c == NULL)
		return -1;
	tmpl_set(c, "name", v.name);
	tmpl_set(c, "number_f", v.enterprise[0] ? csam_app_enterprise(r, v.enterprise) : "");
	/* An organisation without enterprise number nor foreign registration: its identifier. */
	if (!v.enterprise[0] && !v.foreign_reg[0]) {
		tmpl_set(c, "id_type_name", app_org_id_type(r, v.id_type));
		tmpl_set(c, "id_shown", app_org_id_value(r, v.id_type, v.id_value));
	}
	tmpl_set_bool(c, "may_change_id", v.may_change_id);
	if (v.may_change_id) {
		const char *t = err != NULL ? csam_app_form(r, "id_type") : v.id_type;

		tmpl_set_bool(c, "id_type_inami", strcmp(t, "inami") == 0);
		tmpl_set_bool(c, "id_type_helpdesk", strcmp(t, "helpdesk") == 0);
		tmpl_set(c, "id_value", err != NULL ? csam_app_form(r, "id_value") :
		    strcmp(v.id_type, "inami") == 0 ? app_org_id_value(r, v.id_type, v.id_value) :
		    "");
	}
	tmpl_set(c, "foreign_reg", v.foreign_reg);
	tmpl_set(c, "country", csam_app_country(r, v.country));
	tmpl_set(c, "address", v.address);
	tmpl_set(c, "contact_email", v.contact_email);
	tmpl_set(c, "contact_phone", v.contact_phone);
	tmpl_set(c, "created", csam_app_date(r, v.created_at));
	tmpl_set(c, "procedure", strcmp(v.procedure, "exception") == 0 ?
	    web_t(r, N_("Procédure d'exception")) : web_t(r, N_("Procédure standard")));
	tmpl_setf(c, "action", "/csam/organisation/%lld", (long long)v.id);
	tmpl_set_bool(c, "may_manage", v.may_manage_cogaps);
	tmpl_set_bool(c, "may_replace", v.may_replace_gap);
	if (v.may_replace_gap)
		tmpl_setf(c, "replace_href", "/csam/gap/remplacement?entreprise=%s", v.enterprise);
	for (size_t i = 0; i < v.nmanagers; i++) {
		const struct csam_manager *m = &v.managers[i];
		struct tmpl_ctx *it = tmpl_list_add(c, strcmp(m->role, "GAP") == 0 ? "gaps" :
		    "cogaps");

		if (it == NULL)
			return -1;
		tmpl_setf(it, "name", "%s %s", m->first_name, m->last_name);
		tmpl_set(it, "since", csam_app_date(r, m->since));
		tmpl_set_int(it, "person", m->person_id);
	}
	if (err != NULL) {
		app_field_errors(r, c, err);
		tmpl_set(c, "niss", csam_app_form(r, "niss"));
		tmpl_set(c, "last_name", csam_app_form(r, "last_name"));
		tmpl_set(c, "email", csam_app_form(r, "email"));
	}
	if (notice_msgid != NULL)
		tmpl_set(c, "notice", web_t(r, notice_msgid));
	return web_render_status(r, status, "csam/org", c);
}

static int64_t
org_id(struct web_req *r)
{
	return web_id(web_param(r, "id"));
}

static int
org_detail_get(struct web_req *r)
{
	int64_t id = org_id(r);
	const char *ok = web_query(r, "ok");
	const char *notice = NULL;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	if (id == 0)
		return web_error(r, 404);
	if (ok != NULL && strcmp(ok, "added") == 0)
		notice = N_("Le Co-Gestionnaire d'Accès Principal a été désigné ; il en a été "
		    "informé par e-mail.");
	else if (ok != NULL && strcmp(ok, "removed") == 0)
		notice = N_("Le Co-Gestionnaire d'Accès Principal a été retiré.");
	else if (ok != NULL && strcmp(ok, "identifier") == 0)
		notice = N_("L'identifiant de l'organisation a été modifié.");
	return org_page(r, 200, id, NULL, notice);
}

/* The co-GAP operations are the organisation service's (access/hierarchy.h), as on
 * /acces, with the same actor and the same result codes. */
static int
cogap_add_post(struct web_req *r)
{
	struct access_errors err;
	struct actor who;
	int64_t id = org_id(r);
	const char *last_name = csam_app_form(r, "last_name");
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	who.org_id = id; /* the page's organisation (":id") */
	/* This form asks the name: given, it must be the register's. */
	rc = hierarchy_cogap_add(csam_app_store(r), app_mail(r), &who, id,
	    &(struct cogap_input){
	    .niss = csam_app_form(r, "niss"), .last_name = last_name ? last_name : "",
	    .email = csam_app_form(r, "email") }, &err);
	if (rc == ACCESS_INVALID)
		return org_page(r, 422, id, &err, NULL);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r), "/csam/organisation/%lld?ok=added",
	    (long long)id));
}

static int
cogap_remove_post(struct web_req *r)
{
	struct access_errors err;
	struct actor who;
	int64_t id = org_id(r), person = web_id(csam_app_form(r, "person"));
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	who.org_id = id; /* the page's organisation (":id") */
	rc = hierarchy_cogap_remove(csam_app_store(r), &who, id, person, &err);
	/* Not a co-GAP there: nothing to remove, as a missing page. */
	if (rc != ACCESS_OK)
		return app_fail(r, rc == ACCESS_INVALID ? ACCESS_NOT_FOUND : rc);
	return web_redirect(r, arena_printf(web_arena(r), "/csam/organisation/%lld?ok=removed",
	    (long long)id));
}

/* The helpdesk gives an organisation without enterprise number another identifier. */
static int
identifier_post(struct web_req *r)
{
	struct access_errors err = { 0 };
	struct actor who;
	int64_t id = org_id(r);
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	who.org_id = id; /* the page's organisation (":id") */
	rc = csam_org_set_identifier(csam_app_store(r), &who, id, csam_app_form(r, "id_type"),
	    csam_app_form(r, "id_value"), &err);
	if (rc == ACCESS_INVALID)
		return org_page(r, 422, id, &err, NULL);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r),
	    "/csam/organisation/%lld?ok=identifier", (long long)id));
}

int
csam_org_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/csam", home_get, 0) != 0 ||
	    web_route(s, "GET", "/csam/organisation/:id", org_detail_get, 0) != 0 ||
	    web_route(s, "POST", "/csam/organisation/:id/cogap", cogap_add_post, 0) != 0 ||
	    web_route(s, "POST", "/csam/organisation/:id/identifiant", identifier_post, 0) != 0 ||
	    web_route(s, "POST", "/csam/organisation/:id/cogap/supprimer", cogap_remove_post,
	    0) != 0)
		return -1;
	return 0;
}
