/* home.c — "Gestion d'accès pour Entreprises et Organisations": the welcome text of the
 * guide, the entities where the person is registered, and for the chosen one the roles
 * given to them as links (Responsable Accès Entité, Gestionnaire Local of a quality …). */
#include "apps/uman/uman.h"
#include "apps/org_id_view.h"

#include <string.h>

#include "access/hierarchy.h"
#include "access/subdept.h"
#include "base/msgid.h"
#include "be/be.h"

static const char *
role_msgid(const char *role)
{
	if (strcmp(role, "GAP") == 0)
		return N_("Responsable Accès Entité");
	if (strcmp(role, "COGAP") == 0)
		return N_("Co-Responsable des Accès");
	if (strcmp(role, "GL") == 0)
		return N_("Gestionnaire Local");
	if (strcmp(role, "COGL") == 0)
		return N_("Co-Gestionnaire Local");
	return N_("Utilisateur");
}

/* The sub-departments the person manages in org (issue 16 part 4), as links of their own. */
static int
sub_links(struct web_req *r, struct tmpl_ctx *c, const struct actor *who, int64_t org)
{
	struct subdept_managed *m;
	size_t n;

	if (subdept_managed_by(uman_store(r), who, org, web_arena(r), &m, &n) != ACCESS_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *li = tmpl_list_add(c, "sub_links");

		if (li == NULL)
			return -1;
		tmpl_set(li, "name", m[i].name);
		tmpl_set(li, "role", web_t(r, strcmp(m[i].type, "GL") == 0 ?
		    N_("Gestionnaire local du sous-département") :
		    N_("Co-gestionnaire local du sous-département")));
		tmpl_set(li, "href", arena_printf(web_arena(r), "/acces/%lld/sous-departements/%lld",
		    (long long)org, (long long)m[i].id));
	}
	return 0;
}

static int
home(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct person_org *orgs;
	struct tmpl_ctx *c;
	enum access_rc rc;
	size_t n;
	int64_t chosen;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = hierarchy_orgs(uman_store(r), &who, web_arena(r), &orgs, &n);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	chosen = web_id(web_query(r, "org"));
	if (chosen == 0 && n == 1)
		chosen = orgs[0].id;
	c = uman_page(r, N_("Gestion d'accès pour Entreprises et Organisations"), &here, false);
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "has_orgs", n > 0);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *o = tmpl_list_add(c, "orgs");
		char num[16] = "";
		const char *id_label, *id_shown;

		if (o == NULL)
			return -1;
		if (strlen(orgs[i].enterprise) == 10)
			be_enterprise_format(orgs[i].enterprise, num);
		tmpl_set_int(o, "id", orgs[i].id);
		tmpl_set(o, "name", orgs[i].name);
		tmpl_set(o, "number", num);
		/* No enterprise number: the identifier under its type's name. */
		id_label = num[0] ? NULL : app_org_id_type(r, orgs[i].id_type);
		id_shown = num[0] ? NULL : app_org_id_value(r, orgs[i].id_type, orgs[i].id_value);
		if (id_label != NULL && id_label[0]) {
			tmpl_set(o, "id_label", id_label);
			tmpl_set(o, "number", id_shown);
		}
		tmpl_set_bool(o, "selected", orgs[i].id == chosen);
		if (orgs[i].id != chosen)
			continue;
		tmpl_set(c, "chosen_name", orgs[i].name);
		for (size_t k = 0; k < orgs[i].nlinks; k++) {
			const struct role_link *l = &orgs[i].links[k];
			struct tmpl_ctx *li = tmpl_list_add(c, "links");
			bool manager = strcmp(l->role, "USER") != 0 && !l->suspended;

			if (li == NULL)
				return -1;
			tmpl_set(li, "org_name", orgs[i].name);
			tmpl_set(li, "number", num);
			if (id_label != NULL && id_label[0]) {
				tmpl_set(li, "id_label", id_label);
				tmpl_set(li, "number", id_shown);
			}
			tmpl_set(li, "quality_name", l->quality ? l->quality_name : "");
			tmpl_set(li, "role", web_t(r, role_msgid(l->role)));
			tmpl_set_bool(li, "suspended", l->suspended);
			if (manager)
				tmpl_set(li, "href", l->quality ?
				    arena_printf(web_arena(r), "/acces/%lld/qualite/%lld",
				    (long long)orgs[i].id, (long long)l->quality) :
				    arena_printf(web_arena(r), "/acces/%lld", (long long)orgs[i].id));
		}
		if (sub_links(r, c, &who, orgs[i].id) != 0)
			return -1;
	}
	return web_render(r, "uman/home", c);
}

int
uman_home_routes(struct web_server *s)
{
	return web_route(s, "GET", "/acces", home, 0);
}
