/* entity.c — the entity page of the GAP and co-GAPs (guide §3: the entity's data, "Liste
 * des qualités", "Activer la qualité"), "Consulter ou modifier le détail de l'entreprise"
 * and "Co-Responsable des Accès" (list with "since", add by NISS, remove: GAP only). */
#include "apps/uman/uman.h"

#include <string.h>

#include "access/hierarchy.h"
#include "access/quality.h"
#include "base/msgid.h"
#include "be/be.h"

static int
entity(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct entity_view v;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = quality_entity(uman_store(r), &who, here.org, web_arena(r), &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org_manager = true;
	c = uman_entity_page(r, N_("Accueil - Liste des qualités"), &here, false, &v.org, NULL);
	if (c == NULL)
		return -1;
	tmpl_set(c, "role", web_t(r, v.is_gap ? N_("Responsable des Accès") :
	    N_("Co-Responsable des Accès")));
	tmpl_set(c, "created", uman_date(r, v.start_date));
	for (size_t i = 0; i < v.nactive; i++) {
		struct tmpl_ctx *q = tmpl_list_add(c, "active");

		if (q == NULL)
			return -1;
		tmpl_set_int(q, "id", v.active[i].id);
		tmpl_set(q, "name", v.active[i].name);
	}
	for (size_t i = 0; i < v.ninactive; i++) {
		struct tmpl_ctx *q = tmpl_list_add(c, "inactive");

		if (q == NULL)
			return -1;
		tmpl_set(q, "code", v.inactive[i].code);
		tmpl_set(q, "name", v.inactive[i].name);
	}
	return web_render(r, "uman/entity", c);
}

/* ---- "Consulter ou modifier le détail de l'entreprise" ---- */

static int
detail_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct org o;
	struct tmpl_ctx *c;
	enum access_rc rc;
	char vat[16] = "";

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = hierarchy_org(uman_store(r), &who, here.org, web_arena(r), &o);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org_manager = true;
	c = uman_entity_page(r, N_("Détail de l'entreprise"), &here, true, &o, NULL);
	if (c == NULL)
		return -1;
	if (o.enterprise[0] != '\0')
		be_vat_format(o.enterprise, vat);
	tmpl_set(c, "vat", vat);
	tmpl_set(c, "address", o.address);
	tmpl_set(c, "country", o.country);
	tmpl_set(c, "registered", uman_date(r, o.created_at));
	tmpl_set(c, "procedure", web_t(r, strcmp(o.procedure, "exception") == 0 ?
	    N_("procédure d'exception") : N_("procédure standard")));
	if (err != NULL) {
		tmpl_set(c, "contact_email", uman_form(r, "contact_email"));
		tmpl_set(c, "contact_phone", uman_form(r, "contact_phone"));
		app_field_errors(r, c, err);
	} else {
		tmpl_set(c, "contact_email", o.contact_email);
		tmpl_set(c, "contact_phone", o.contact_phone);
	}
	return web_render_status(r, status, "uman/org_detail", c);
}

static int
detail_get(struct web_req *r)
{
	return detail_page(r, 200, NULL);
}

static enum access_rc
save_contact(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	return hierarchy_org_update(uman_store(r), who, here->org, web_form(r, "contact_email"),
	    web_form(r, "contact_phone"), err);
}

static int
detail_post(struct web_req *r)
{
	return uman_post(r, save_contact, detail_page, "/entreprise?ok=contact_saved");
}

/* ---- "Co-Responsable des Accès" ---- */

static int
cogap_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct managers_view v;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = hierarchy_managers(uman_store(r), &who, here.org, web_arena(r), &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org_manager = true;
	c = uman_entity_page(r, N_("Co-Responsable des Accès"), &here, true, &v.org, NULL);
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "may_change", v.may_change);
	for (size_t i = 0; i < v.n; i++) {
		struct tmpl_ctx *m = tmpl_list_add(c, "managers");

		if (m == NULL)
			return -1;
		tmpl_set_int(m, "person_id", v.rows[i].person_id);
		tmpl_set(m, "last_name", v.rows[i].last_name);
		tmpl_set(m, "first_name", v.rows[i].first_name);
		tmpl_set(m, "niss", uman_niss(r, v.rows[i].niss));
		tmpl_set(m, "since", uman_date(r, v.rows[i].since));
		tmpl_set_bool(m, "cogap", strcmp(v.rows[i].role, "COGAP") == 0);
		tmpl_set(m, "role", web_t(r, strcmp(v.rows[i].role, "GAP") == 0 ?
		    N_("Gestionnaire d'Accès Principal") : N_("Co-Responsable des Accès")));
	}
	if (err != NULL) {
		tmpl_set(c, "niss", uman_form(r, "niss"));
		tmpl_set(c, "email", uman_form(r, "email"));
		app_field_errors(r, c, err);
	}
	return web_render_status(r, status, "uman/cogap", c);
}

static int
cogap_get(struct web_req *r)
{
	return cogap_page(r, 200, NULL);
}

static enum access_rc
add_cogap(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	/* This form does not ask the name: the register's is taken. */
	return hierarchy_cogap_add(uman_store(r), app_mail(r), who, here->org,
	    &(struct cogap_input){
	    .niss = web_form(r, "niss"), .email = web_form(r, "email") }, err);
}

static int
cogap_add(struct web_req *r)
{
	return uman_post(r, add_cogap, cogap_page, "/co-responsables?ok=cogap_added");
}

static int
cogap_remove(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	enum access_rc rc;
	int64_t person;

	if (!uman_enter(r, &who, &here))
		return 0;
	person = web_id(web_form(r, "person"));
	if (person == 0)
		return web_error(r, 400);
	rc = hierarchy_cogap_remove(uman_store(r), &who, here.org, person, &err);
	return uman_answer_post(r, rc, cogap_page, &err, arena_printf(web_arena(r),
	    "/acces/%lld/co-responsables?ok=cogap_removed", (long long)here.org));
}

int
uman_entity_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org", entity, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/entreprise", detail_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/entreprise", detail_post, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/co-responsables", cogap_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/co-responsables", cogap_add, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/co-responsables/retirer", cogap_remove, 0) != 0)
		return -1;
	return 0;
}
