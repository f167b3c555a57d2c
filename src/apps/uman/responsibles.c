/* responsibles.c — "Vos Responsables": who manages the access of the person logged in,
 * for each quality of each organisation where they are a member (local managers, the
 * GAP and co-GAPs, with their e-mail), and how to ask for an application. */
#include "apps/uman/uman.h"

#include <string.h>

#include "access/responsibles.h"
#include "base/msgid.h"
#include "be/be.h"

static const char *
role_msgid(const char *role)
{
	if (strcmp(role, "GAP") == 0)
		return N_("Gestionnaire d'Accès Principal");
	if (strcmp(role, "COGAP") == 0)
		return N_("Co-Responsable des Accès");
	if (strcmp(role, "GL") == 0)
		return N_("Gestionnaire local");
	if (strcmp(role, "COGL") == 0)
		return N_("Co-gestionnaire local");
	return N_("Utilisateur");
}

/* Adds the managers v[0..n) to the list key of c. 0 or -1. */
static int
people(struct web_req *r, struct tmpl_ctx *c, const char *key, const struct responsible *v,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *p = tmpl_list_add(c, key);

		if (p == NULL)
			return -1;
		tmpl_setf(p, "name", "%s %s", v[i].first_name, v[i].last_name);
		tmpl_set(p, "role", web_t(r, role_msgid(v[i].role)));
		tmpl_set(p, "email", v[i].email);
	}
	return 0;
}

static int
page(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct responsible_quality *v;
	struct tmpl_ctx *c;
	enum access_rc rc;
	size_t n;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = responsibles_of(uman_store(r), &who, web_arena(r), &v, &n);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = uman_page(r, N_("Vos Responsables"), &here, false);
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "has_qualities", n > 0);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *q = tmpl_list_add(c, "qualities");
		char num[16] = "";

		if (q == NULL)
			return -1;
		if (strlen(v[i].enterprise) == 10)
			be_enterprise_format(v[i].enterprise, num);
		tmpl_set_int(q, "qid", v[i].quality_id);
		tmpl_set(q, "org_name", v[i].org_name);
		tmpl_set(q, "number", num[0] ? num : v[i].foreign_reg);
		tmpl_set(q, "quality_name", v[i].quality_name);
		tmpl_set(q, "quality_email", v[i].quality_email);
		tmpl_set(q, "own_role", web_t(r, role_msgid(v[i].member_type)));
		tmpl_set_bool(q, "suspended", strcmp(v[i].status, "suspended") == 0);
		tmpl_set(q, "org_email", v[i].org_email);
		tmpl_set(q, "org_phone", v[i].org_phone);
		tmpl_set_bool(q, "has_local", v[i].nlocal > 0);
		if (people(r, q, "local", v[i].local, v[i].nlocal) != 0 ||
		    people(r, q, "main", v[i].main, v[i].nmain) != 0)
			return -1;
	}
	return web_render(r, "uman/responsibles", c);
}

int
uman_responsibles_routes(struct web_server *s)
{
	return web_route(s, "GET", "/acces/responsables", page, 0);
}
