/* subdept.c — the sub-departments pages (issue 16 part 4): the list with the creation form,
 * one sub-department with its managers and users per quality (rename, remove, appoint), the
 * form adding a user to it, and one member's applications and place (move). */
#include "apps/uman/uman.h"

#include <string.h>

#include "access/subdept.h"
#include "base/msgid.h"
#include "be/be.h"

/* The ids of the path beyond uman_here: sub-department, quality, account (0 when none). */
struct sd_here {
	int64_t sd, q, account;
};

static int
enter(struct web_req *r, struct actor *who, struct uman_here *here, struct sd_here *p)
{
	if (!uman_enter(r, who, here))
		return 0;
	memset(p, 0, sizeof(*p));
	if (web_param(r, "sd") != NULL && (p->sd = web_id(web_param(r, "sd"))) == 0)
		return web_error(r, 404), 0;
	if (web_param(r, "sq") != NULL && (p->q = web_id(web_param(r, "sq"))) == 0)
		return web_error(r, 404), 0;
	if (web_param(r, "acc") != NULL && (p->account = web_id(web_param(r, "acc"))) == 0)
		return web_error(r, 404), 0;
	return 1;
}

static const char *
unit_shown(struct web_req *r, const char *digits)
{
	char out[14];

	if (digits == NULL || strlen(digits) != 10)
		return "";
	be_establishment_format(digits, out);
	return arena_strdup(web_arena(r), out);
}

/* Whether code is one of the space-separated codes of list. */
static bool
has_token(const char *list, const char *code)
{
	size_t len = strlen(code);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (n == len && strncmp(p, code, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static const struct subdept_row *
find_sd(const struct subdept_view *v, int64_t id)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->rows[i].id == id)
			return &v->rows[i];
	return NULL;
}

static const struct subdept_quality *
find_q(const struct subdept_view *v, int64_t id)
{
	for (size_t i = 0; i < v->nqualities; i++)
		if (v->qualities[i].id == id)
			return &v->qualities[i];
	return NULL;
}

static bool
addable(const struct subdept_view *v, int64_t q, int64_t sd)
{
	for (size_t i = 0; i < v->naddable; i++)
		if (v->addable[i].quality == q && v->addable[i].subdept == sd)
			return true;
	return false;
}

static const char *
member_label(struct web_req *r, const char *type)
{
	if (strcmp(type, "GL") == 0)
		return web_t(r, N_("Gestionnaire local du sous-département"));
	if (strcmp(type, "COGL") == 0)
		return web_t(r, N_("Co-gestionnaire local du sous-département"));
	return web_t(r, N_("Utilisateur"));
}

/* The page's context, the view read; NULL when it answered. */
static struct tmpl_ctx *
open_page(struct web_req *r, const char *title, struct uman_here *here,
    struct subdept_view *v, struct actor *who, struct sd_here *p)
{
	enum access_rc rc;
	struct tmpl_ctx *c;

	if (!enter(r, who, here, p))
		return NULL;
	rc = subdept_read(uman_store(r), who, here->org, web_arena(r), v);
	if (rc != ACCESS_OK) {
		app_fail(r, rc);
		return NULL;
	}
	here->org_manager = v->may_shape;
	c = uman_entity_page(r, title, here, true, &v->org, NULL);
	if (c != NULL)
		tmpl_set_bool(c, "may_shape", v->may_shape);
	return c;
}

/* The parent choices of the creation form, chosen the typed one. */
static void
parent_options(struct web_req *r, struct tmpl_ctx *c, const struct subdept_view *v,
    const char *chosen)
{
	for (size_t i = 0; i < v->n; i++) {
		struct tmpl_ctx *o = tmpl_list_add(c, "parents");
		const char *id = arena_printf(web_arena(r), "%lld", (long long)v->rows[i].id);

		if (o == NULL)
			return;
		tmpl_set(o, "value", id);
		tmpl_setf(o, "label", "%*s%s", v->rows[i].depth * 2, "", v->rows[i].name);
		tmpl_set_bool(o, "selected", chosen != NULL && strcmp(chosen, id) == 0);
	}
}

static int
list_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct sd_here p;
	struct subdept_view v;
	struct tmpl_ctx *c = open_page(r, N_("Sous-départements"), &here, &v, &who, &p);

	if (c == NULL)
		return 0;
	for (size_t i = 0; i < v.n; i++) {
		struct tmpl_ctx *s = tmpl_list_add(c, "subdepts");

		if (s == NULL)
			return -1;
		tmpl_set_int(s, "id", v.rows[i].id);
		tmpl_set(s, "name", v.rows[i].name);
		for (size_t k = 0; k < v.n; k++)
			if (v.rows[k].id == v.rows[i].parent_id)
				tmpl_set(s, "parent", v.rows[k].name);
		tmpl_set(s, "unit", unit_shown(r, v.rows[i].establishment));
		tmpl_set_int(s, "members", v.rows[i].members);
	}
	tmpl_set_bool(c, "has_subdepts", v.n > 0);
	for (size_t i = 0; i < v.nunits; i++) {
		struct tmpl_ctx *u = tmpl_list_add(c, "units");

		if (u == NULL)
			return -1;
		tmpl_set(u, "number", unit_shown(r, v.units[i].number));
		tmpl_set(u, "name", v.units[i].name);
	}
	tmpl_set(c, "f_name", err ? uman_form(r, "name") : "");
	tmpl_set(c, "f_establishment", err ? uman_form(r, "establishment") : "");
	parent_options(r, c, &v, err ? uman_form(r, "parent") : NULL);
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/subdepts", c);
}

static int
list_show(struct web_req *r)
{
	return list_page(r, 200, NULL);
}

static enum access_rc
do_create(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	struct subdept_input in = {
		.name = uman_form(r, "name"), .establishment = uman_form(r, "establishment"),
		.parent = uman_form(r, "parent"),
	};

	return subdept_create(uman_store(r), who, here->org, &in, err, NULL);
}

static int
create(struct web_req *r)
{
	return uman_post(r, do_create, list_page, "/sous-departements?ok=subdept_created");
}

/* The members of sub-department sd in quality q as a list "members" of c. */
static void
members_of(struct web_req *r, struct tmpl_ctx *c, const struct subdept_view *v, int64_t sd,
    int64_t q, int64_t org)
{
	for (size_t i = 0; i < v->nmembers; i++) {
		const struct subdept_member_row *m = &v->members[i];
		struct tmpl_ctx *x;

		if (m->subdept_id != sd || m->quality != q)
			continue;
		x = tmpl_list_add(c, "members");
		if (x == NULL)
			return;
		tmpl_set(x, "last_name", m->last_name);
		tmpl_set(x, "first_name", m->first_name);
		tmpl_set(x, "username", m->username);
		tmpl_set(x, "function", member_label(r, m->type));
		tmpl_set(x, "apps", m->apps);
		tmpl_set(x, "status", uman_status_label(r, m->status));
		tmpl_set(x, "href", arena_printf(web_arena(r),
		    "/acces/%lld/sous-departements/%lld/qualite/%lld/utilisateur/%lld",
		    (long long)org, (long long)sd, (long long)q, (long long)m->account_id));
	}
}

static int
one_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct sd_here p;
	struct subdept_view v;
	const struct subdept_row *sd;
	struct tmpl_ctx *c = open_page(r, N_("Sous-département"), &here, &v, &who, &p);

	if (c == NULL)
		return 0;
	sd = find_sd(&v, p.sd);
	if (sd == NULL)
		return web_error(r, 404);
	tmpl_set_int(c, "sd_id", sd->id);
	tmpl_set(c, "sd_name", sd->name);
	tmpl_set(c, "sd_unit", unit_shown(r, sd->establishment));
	tmpl_set_int(c, "sd_version", sd->version);
	tmpl_set(c, "f_name", err ? uman_form(r, "name") : sd->name);
	tmpl_set(c, "f_username", err ? uman_form(r, "username") : "");
	for (size_t i = 0; i < v.n; i++)
		if (v.rows[i].id == sd->parent_id)
			tmpl_set(c, "sd_parent", v.rows[i].name);
	for (size_t i = 0; i < v.nqualities; i++) {
		struct tmpl_ctx *q = tmpl_list_add(c, "qualities");
		struct tmpl_ctx *o = tmpl_list_add(c, "quality_options");
		const char *typed = err ? uman_form(r, "quality") : "";
		const char *id = arena_printf(web_arena(r), "%lld", (long long)v.qualities[i].id);

		if (q == NULL || o == NULL)
			return -1;
		tmpl_set_int(q, "qid", v.qualities[i].id);
		tmpl_set(q, "qname", v.qualities[i].name);
		tmpl_set_bool(q, "may_add", addable(&v, v.qualities[i].id, sd->id));
		members_of(r, q, &v, sd->id, v.qualities[i].id, here.org);
		tmpl_set(o, "value", id);
		tmpl_set(o, "label", v.qualities[i].name);
		tmpl_set_bool(o, "selected", strcmp(typed, id) == 0);
	}
	{
		const char *typed = err ? uman_form(r, "type") : "GL";
		struct tmpl_ctx *o;

		if ((o = tmpl_list_add(c, "type_options")) == NULL)
			return -1;
		tmpl_set(o, "value", "GL");
		tmpl_set(o, "label", web_t(r, N_("Gestionnaire local du sous-département")));
		tmpl_set_bool(o, "selected", strcmp(typed, "GL") == 0);
		if ((o = tmpl_list_add(c, "type_options")) == NULL)
			return -1;
		tmpl_set(o, "value", "COGL");
		tmpl_set(o, "label", web_t(r, N_("Co-gestionnaire local du sous-département")));
		tmpl_set_bool(o, "selected", strcmp(typed, "COGL") == 0);
	}
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/subdept", c);
}

static int
one_show(struct web_req *r)
{
	return one_page(r, 200, NULL);
}

/* A post on one sub-department: its change, answered as uman_post does, back to its page
 * with flash ok. */
typedef enum access_rc sd_change(struct web_req *r, const struct actor *who, int64_t org,
    const struct sd_here *p, struct access_errors *err);

static int
sd_post(struct web_req *r, sd_change *change, uman_form_page *form, const char *ok,
    bool to_list)
{
	struct actor who;
	struct uman_here here;
	struct sd_here p;
	struct access_errors err;
	enum access_rc rc;
	const char *done;

	if (!enter(r, &who, &here, &p))
		return 0;
	rc = change(r, &who, here.org, &p, &err);
	done = to_list ? arena_printf(web_arena(r), "/acces/%lld/sous-departements?ok=%s",
	    (long long)here.org, ok) : arena_printf(web_arena(r),
	    "/acces/%lld/sous-departements/%lld?ok=%s", (long long)here.org, (long long)p.sd, ok);
	return uman_answer_post(r, rc, form, &err, done);
}

static enum access_rc
do_rename(struct web_req *r, const struct actor *who, int64_t org, const struct sd_here *p,
    struct access_errors *err)
{
	return subdept_rename(uman_store(r), who, org, p->sd, web_id(uman_form(r, "version")),
	    uman_form(r, "name"), err);
}

static int
rename_post(struct web_req *r)
{
	return sd_post(r, do_rename, one_page, "subdept_renamed", false);
}

static enum access_rc
do_remove(struct web_req *r, const struct actor *who, int64_t org, const struct sd_here *p,
    struct access_errors *err)
{
	return subdept_remove(uman_store(r), who, org, p->sd, web_id(uman_form(r, "version")),
	    err);
}

static int
remove_post(struct web_req *r)
{
	return sd_post(r, do_remove, one_page, "subdept_removed", true);
}

static enum access_rc
do_appoint(struct web_req *r, const struct actor *who, int64_t org, const struct sd_here *p,
    struct access_errors *err)
{
	return subdept_appoint(uman_store(r), who, org, p->sd, web_id(uman_form(r, "quality")),
	    uman_form(r, "username"), uman_form(r, "type"), err);
}

static int
appoint_post(struct web_req *r)
{
	return sd_post(r, do_appoint, one_page, "subdept_appointed", false);
}

/* ---- a user added to the sub-department in one quality ---- */

static int
new_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct sd_here p;
	struct subdept_view v;
	struct user_input in;
	const struct subdept_row *sd;
	const struct subdept_quality *q;
	struct tmpl_ctx *c = open_page(r, N_("Ajouter un utilisateur au sous-département"), &here,
	    &v, &who, &p);

	if (c == NULL)
		return 0;
	sd = find_sd(&v, p.sd);
	q = find_q(&v, p.q);
	if (sd == NULL || q == NULL)
		return web_error(r, 404);
	tmpl_set_int(c, "sd_id", sd->id);
	tmpl_set(c, "sd_name", sd->name);
	tmpl_set_int(c, "q_id", q->id);
	tmpl_set(c, "q_name", q->name);
	uman_read_user(r, &in);
	if (err == NULL)
		memset(&in, 0, sizeof(in));
	tmpl_set(c, "u_niss_typed", in.niss ? in.niss : "");
	tmpl_set_bool(c, "niss_typed", true); /* uman/user_fields: no second NISS shown */
	uman_user_form(r, c, &in, false, in.niss, q->apps, q->napps, err);
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/subdept_new", c);
}

static int
new_show(struct web_req *r)
{
	return new_page(r, 200, NULL);
}

static enum access_rc
do_add(struct web_req *r, const struct actor *who, int64_t org, const struct sd_here *p,
    struct access_errors *err)
{
	struct user_input in;

	uman_read_user(r, &in);
	return subdept_add_user(uman_store(r), who, org, p->sd, p->q, &in, err, NULL);
}

static int
add_post(struct web_req *r)
{
	return sd_post(r, do_add, new_page, "subdept_user_added", false);
}

/* ---- one member: applications and place ---- */

static int
member_page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct sd_here p;
	struct subdept_view v;
	const struct subdept_member_row *m = NULL;
	const struct subdept_quality *q;
	struct user_input in;
	struct tmpl_ctx *c = open_page(r, N_("Membre du sous-département"), &here, &v, &who, &p);

	if (c == NULL)
		return 0;
	q = find_q(&v, p.q);
	for (size_t i = 0; i < v.nmembers; i++)
		if (v.members[i].account_id == p.account && v.members[i].quality == p.q &&
		    v.members[i].subdept_id == p.sd)
			m = &v.members[i];
	if (m == NULL || q == NULL)
		return web_error(r, 404);
	tmpl_set_int(c, "sd_id", p.sd);
	tmpl_set_int(c, "q_id", q->id);
	tmpl_set(c, "q_name", q->name);
	tmpl_set_int(c, "account", m->account_id);
	tmpl_set(c, "m_name", arena_printf(web_arena(r), "%s %s", m->first_name, m->last_name));
	tmpl_set(c, "m_username", m->username);
	tmpl_set(c, "m_function", member_label(r, m->type));
	for (size_t i = 0; i < v.n; i++)
		if (v.rows[i].id == p.sd)
			tmpl_set(c, "sd_name", v.rows[i].name);
	memset(&in, 0, sizeof(in));
	if (err != NULL) {
		uman_read_user(r, &in);
	} else {
		/* The grants as stored: codes separated by spaces. */
		const char **apps = arena_alloc(web_arena(r), (q->napps + 1) * sizeof(*apps));

		for (size_t i = 0; apps != NULL && i < q->napps; i++)
			if (has_token(m->apps, q->apps[i].code))
				apps[in.napps++] = q->apps[i].code;
		in.apps = apps;
	}
	uman_user_form(r, c, &in, true, "", q->apps, q->napps, err);
	tmpl_set_bool(c, "move_error", err != NULL && access_error_of(err, "to") != NULL);
	{
		struct tmpl_ctx *o = tmpl_list_add(c, "destinations");

		if (o == NULL)
			return -1;
		tmpl_set(o, "value", "0");
		tmpl_set(o, "label", web_t(r, N_("Niveau de l'entité")));
		for (size_t i = 0; i < v.n; i++) {
			if (v.rows[i].id == p.sd || (o = tmpl_list_add(c, "destinations")) == NULL)
				continue;
			tmpl_setf(o, "value", "%lld", (long long)v.rows[i].id);
			tmpl_setf(o, "label", "%*s%s", v.rows[i].depth * 2, "", v.rows[i].name);
		}
	}
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/subdept_member", c);
}

static int
member_show(struct web_req *r)
{
	return member_page(r, 200, NULL);
}

static enum access_rc
do_grants(struct web_req *r, const struct actor *who, int64_t org, const struct sd_here *p,
    struct access_errors *err)
{
	struct user_input in;

	uman_read_user(r, &in);
	return subdept_set_grants(uman_store(r), who, org, p->q, p->account, in.apps, in.napps,
	    err);
}

static int
grants_post(struct web_req *r)
{
	return sd_post(r, do_grants, member_page, "subdept_grants", false);
}

static enum access_rc
do_move(struct web_req *r, const struct actor *who, int64_t org, const struct sd_here *p,
    struct access_errors *err)
{
	const char *to = uman_form(r, "to");

	return subdept_move(uman_store(r), who, org, p->q, p->account,
	    strcmp(to, "0") == 0 ? 0 : web_id(to) > 0 ? web_id(to) : -1, err);
}

static int
move_post(struct web_req *r)
{
	return sd_post(r, do_move, member_page, "subdept_moved", false);
}

int
uman_subdept_routes(struct web_server *s)
{
	static const struct {
		const char *method, *path;
		int (*fn)(struct web_req *);
	} routes[] = {
		{ "GET", "/acces/:org/sous-departements", list_show },
		{ "POST", "/acces/:org/sous-departements", create },
		{ "GET", "/acces/:org/sous-departements/:sd", one_show },
		{ "POST", "/acces/:org/sous-departements/:sd/renommer", rename_post },
		{ "POST", "/acces/:org/sous-departements/:sd/supprimer", remove_post },
		{ "POST", "/acces/:org/sous-departements/:sd/gestionnaire", appoint_post },
		{ "GET", "/acces/:org/sous-departements/:sd/qualite/:sq/nouveau", new_show },
		{ "POST", "/acces/:org/sous-departements/:sd/qualite/:sq/nouveau", add_post },
		{ "GET", "/acces/:org/sous-departements/:sd/qualite/:sq/utilisateur/:acc",
		  member_show },
		{ "POST", "/acces/:org/sous-departements/:sd/qualite/:sq/utilisateur/:acc",
		  grants_post },
		{ "POST", "/acces/:org/sous-departements/:sd/qualite/:sq/utilisateur/:acc/deplacer",
		  move_post },
	};

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (web_route(s, routes[i].method, routes[i].path, routes[i].fn, 0) != 0)
			return -1;
	return 0;
}
