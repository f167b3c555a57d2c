/* responsibles.c — "Vos Responsables": who manages the access of the person logged in,
 * for each quality of each organisation where they are a member (local managers, the
 * GAP and co-GAPs, with their e-mail), and how to ask for an application (a mail to the
 * one to ask); and, for each organisation they manage, its GAP and co-GAPs. */
#include "apps/uman/uman.h"
#include "apps/org_id_view.h"

#include <string.h>

#include "access/responsibles.h"
#include "base/msgid.h"
#include "base/pct.h"
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
		tmpl_set_bool(p, "self", v[i].self);
	}
	return 0;
}

/* The first of v[0..n) other than the person, with an e-mail; NULL when none. */
static const struct responsible *
first_other(const struct responsible *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].self && v[i].email[0] != '\0')
			return &v[i];
	return NULL;
}

/* Whom to ask for an application of quality rq (a user asks the local manager, else the
 * GAP or a co-GAP; a local manager asks the GAP or a co-GAP: those who can grant it), as
 * a mail link with a subject naming the organisation and the quality (both percent-encoded,
 * RFC 6068, so that no character of an address or a name adds a header). 0 or -1. */
static int
ask(struct web_req *r, struct tmpl_ctx *q, const struct responsible_quality *rq)
{
	const struct responsible *to = NULL;
	const char *text, *subject, *addr;

	if (strcmp(rq->member_type, "USER") == 0)
		to = first_other(rq->local, rq->nlocal);
	if (to == NULL)
		to = first_other(rq->main, rq->nmain);
	if (to == NULL)
		return 0;
	text = arena_printf(web_arena(r), "%s — %s — %s",
	    web_t(r, N_("Demande d'accès à une application")), rq->org_name, rq->quality_name);
	if (text == NULL || (subject = pct_encode(web_arena(r), text, "")) == NULL ||
	    (addr = pct_encode(web_arena(r), to->email, "@+")) == NULL)
		return -1;
	tmpl_setf(q, "ask_name", "%s %s", to->first_name, to->last_name);
	tmpl_set(q, "ask_role", web_t(r, role_msgid(to->role)));
	tmpl_set(q, "ask_email", to->email);
	tmpl_setf(q, "ask_href", "mailto:%s?subject=%s", addr, subject);
	return 0;
}

/* The enterprise number as shown (0123.456.789, in num), else the other identifier. */
static const char *
number_of(const char *enterprise, const char *foreign_reg, char num[16])
{
	if (strlen(enterprise) != 10)
		return foreign_reg;
	be_enterprise_format(enterprise, num);
	return num;
}

/* Without enterprise number nor foreign registration: the identifier under its type. */
static void
identifier(struct web_req *r, struct tmpl_ctx *c, const char *enterprise,
    const char *foreign_reg, const char *type, const char *value)
{
	if (enterprise[0] != '\0' || foreign_reg[0] != '\0' || type[0] == '\0')
		return;
	tmpl_set(c, "id_label", app_org_id_type(r, type));
	tmpl_set(c, "number", app_org_id_value(r, type, value));
}

/* One section per quality where the person is a member. 0 or -1. */
static int
qualities(struct web_req *r, struct tmpl_ctx *c, const struct responsibles *all)
{
	for (size_t i = 0; i < all->nq; i++) {
		const struct responsible_quality *v = &all->q[i];
		struct tmpl_ctx *q = tmpl_list_add(c, "qualities");
		char num[16] = "";

		if (q == NULL)
			return -1;
		tmpl_set_int(q, "qid", v->quality_id);
		tmpl_set(q, "org_name", v->org_name);
		tmpl_set(q, "number", number_of(v->enterprise, v->foreign_reg, num));
		identifier(r, q, v->enterprise, v->foreign_reg, v->id_type, v->id_value);
		tmpl_set(q, "quality_name", v->quality_name);
		tmpl_set(q, "quality_email", v->quality_email);
		tmpl_set(q, "own_role", web_t(r, role_msgid(v->member_type)));
		tmpl_set_bool(q, "suspended", strcmp(v->status, "suspended") == 0);
		tmpl_set(q, "org_email", v->org_email);
		tmpl_set(q, "org_phone", v->org_phone);
		tmpl_set_bool(q, "has_local", v->nlocal > 0);
		if (people(r, q, "local", v->local, v->nlocal) != 0 ||
		    people(r, q, "main", v->main, v->nmain) != 0 || ask(r, q, v) != 0)
			return -1;
	}
	return 0;
}

/* One section per organisation the person manages as GAP or co-GAP. 0 or -1. */
static int
managed(struct web_req *r, struct tmpl_ctx *c, const struct responsibles *all)
{
	for (size_t i = 0; i < all->norg; i++) {
		const struct responsible_org *v = &all->org[i];
		struct tmpl_ctx *o = tmpl_list_add(c, "orgs");
		char num[16] = "";

		if (o == NULL)
			return -1;
		tmpl_set_int(o, "oid", v->org_id);
		tmpl_set(o, "org_name", v->org_name);
		tmpl_set(o, "number", number_of(v->enterprise, v->foreign_reg, num));
		identifier(r, o, v->enterprise, v->foreign_reg, v->id_type, v->id_value);
		tmpl_set(o, "own_role", web_t(r, role_msgid(v->role)));
		tmpl_set_bool(o, "gap", strcmp(v->role, "GAP") == 0);
		tmpl_set(o, "org_email", v->org_email);
		tmpl_set(o, "org_phone", v->org_phone);
		if (people(r, o, "main", v->main, v->nmain) != 0)
			return -1;
	}
	return 0;
}

static int
page(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct responsibles all;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = responsibles_of(uman_store(r), &who, web_arena(r), &all);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = uman_page(r, N_("Vos Responsables"), &here, false);
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "has_any", all.nq > 0 || all.norg > 0);
	if (qualities(r, c, &all) != 0 || managed(r, c, &all) != 0)
		return -1;
	return web_render(r, "uman/responsibles", c);
}

int
uman_responsibles_routes(struct web_server *s)
{
	return web_route(s, "GET", "/acces/responsables", page, 0);
}
