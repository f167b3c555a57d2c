/* hierarchy.c — "Fonctions et hiérarchie de responsabilité": who manages what, GAP →
 * co-GAPs → qualities → local managers → users and their applications, drawn by the
 * server as an SVG tree (text, no script, no inline style) and given again as a table. */
#include "apps/uman/uman.h"

#include <string.h>

#include "access/hierarchy.h"
#include "access/subdept.h"
#include "base/msgid.h"
#include "be/be.h"

#define ROW_H 30
#define INDENT 32
#define TOP 16
#define LEFT 12

struct drawing {
	struct web_req *r;
	struct tmpl_ctx *c;
	int rows;
	int width;
};

/* Adds a node at level on the next row, linked to the node on row parent (-1: none).
 * Returns its row. */
static int
node(struct drawing *d, int level, int parent, const char *cls, const char *text,
    const char *extra)
{
	struct tmpl_ctx *n = tmpl_list_add(d->c, "nodes");
	int row = d->rows++, x = LEFT + level * INDENT, y = TOP + row * ROW_H;
	int chars = (int)strlen(text) + (extra ? (int)strlen(extra) + 3 : 0);

	if (n == NULL)
		return row;
	tmpl_set_int(n, "x", x);
	tmpl_set_int(n, "y", y);
	tmpl_set_int(n, "tx", x + 20);
	tmpl_set_int(n, "ty", y + 13);
	tmpl_set(n, "cls", cls);
	tmpl_set(n, "text", text);
	tmpl_set(n, "extra", extra ? extra : "");
	if (x + 20 + chars * 8 > d->width)
		d->width = x + 20 + chars * 8;
	if (parent >= 0) {
		struct tmpl_ctx *l = tmpl_list_add(d->c, "links");
		int px = LEFT + (level - 1) * INDENT + 6, py = TOP + parent * ROW_H + 14;

		if (l != NULL)
			tmpl_setf(l, "d", "M%d %dV%dH%d", px, py, y + 7, x);
	}
	return row;
}

/* One row of the table. */
static void
line(struct drawing *d, const char *function, const char *person, const char *quality,
    const char *username, const char *apps, const char *status)
{
	struct tmpl_ctx *t = tmpl_list_add(d->c, "table");

	if (t == NULL)
		return;
	tmpl_set(t, "function", function);
	tmpl_set(t, "person", person);
	tmpl_set(t, "quality", quality ? quality : "");
	tmpl_set(t, "username", username ? username : "");
	tmpl_set(t, "apps", apps ? apps : "");
	tmpl_set(t, "status", status ? status : "");
}

static const char *
member_msgid(const char *type)
{
	if (strcmp(type, "GL") == 0)
		return N_("Gestionnaire local");
	if (strcmp(type, "COGL") == 0)
		return N_("Co-gestionnaire local");
	return N_("Utilisateur");
}

/* The sub-departments (issue 16 part 4) under the organisation, nested as they are, each
 * with the members the one acting may see per quality, in the tree and in a table of their
 * own. Returns 0, or -1 on a failure to read. */
static int
subdepts(struct drawing *d, const struct actor *who, int64_t org, int level, int root)
{
	struct web_req *r = d->r;
	struct arena *a = web_arena(r);
	struct subdept_view v;
	int rows[64];

	/* A depth whose parent row is not drawn (never: rows come parent first) hangs on
	 * the root rather than on an unset row. */
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		rows[i] = root;
	if (subdept_read(uman_store(r), who, org, a, &v) != ACCESS_OK)
		return -1;
	tmpl_set_bool(d->c, "has_subdepts", v.n > 0);
	for (size_t i = 0; i < v.n; i++) {
		const struct subdept_row *s = &v.rows[i];
		int depth = s->depth < 63 ? s->depth : 63;
		char unit[14] = "";
		int row;

		if (s->establishment[0] != '\0')
			be_establishment_format(s->establishment, unit);
		row = node(d, level + depth, depth > 0 ? rows[depth - 1] : root, "subdept",
		    arena_printf(a, "%s — %s", s->name, web_t(r, N_("Sous-département"))),
		    unit[0] ? arena_printf(a, "%s %s", web_t(r, N_("Unité d'établissement")), unit) :
		    NULL);
		rows[depth] = row;
		for (size_t k = 0; k < v.nqualities; k++) {
			const struct subdept_quality *q = &v.qualities[k];
			int qrow = -1, glrow = -1;

			for (size_t m = 0; m < v.nmembers; m++) {
				const struct subdept_member_row *u = &v.members[m];
				const char *name = arena_printf(a, "%s %s", u->first_name, u->last_name);
				bool manager = strcmp(u->type, "USER") != 0;
				struct tmpl_ctx *t;
				int at;

				if (u->subdept_id != s->id || u->quality != q->id)
					continue;
				if (qrow < 0)
					qrow = glrow = node(d, level + depth + 1, row, "quality",
					    arena_printf(a, "%s — %s", q->name, web_t(r, N_("qualité"))), NULL);
				at = node(d, level + depth + (manager ? 2 : 3), manager ? qrow : glrow,
				    manager ? "gl" : "user", arena_printf(a, "%s — %s", name,
				    web_t(r, member_msgid(u->type))), u->apps[0] ? u->apps : NULL);
				if (strcmp(u->type, "GL") == 0)
					glrow = at;
				if ((t = tmpl_list_add(d->c, "subdept_table")) == NULL)
					return -1;
				tmpl_set(t, "subdept", s->name);
				tmpl_set(t, "unit", unit);
				tmpl_set(t, "quality", q->name);
				tmpl_set(t, "function", web_t(r, member_msgid(u->type)));
				tmpl_set(t, "person", name);
				tmpl_set(t, "username", u->username);
				tmpl_set(t, "apps", u->apps);
				tmpl_set(t, "status", uman_status_label(r, u->status));
			}
		}
	}
	return 0;
}

static int
page(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct hierarchy_view v;
	struct drawing d = { .r = r, .width = 600 };
	struct arena *a = web_arena(r);
	enum access_rc rc;
	int root = -1;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = hierarchy_tree(uman_store(r), &who, here.org, a, &v);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	for (size_t i = 0; i < v.nmanagers; i++)
		if (v.managers[i].person_id == who.person_id)
			here.org_manager = true;
	d.c = uman_page(r, N_("Fonctions et hiérarchie de responsabilité"), &here, false);
	if (d.c == NULL)
		return -1;
	uman_entity(r, d.c, &v.org, NULL);
	for (size_t i = 0; i < v.nmanagers; i++) {
		const struct manager_row *m = &v.managers[i];
		const char *name = arena_printf(a, "%s %s", m->first_name, m->last_name);
		bool gap = strcmp(m->role, "GAP") == 0;
		const char *fn = web_t(r, gap ? N_("Gestionnaire d'Accès Principal") :
		    N_("Co-Responsable des Accès"));

		if (gap)
			root = node(&d, 0, -1, "gap", arena_printf(a, "%s — %s", name, fn), NULL);
		else
			node(&d, 1, root, "cogap", arena_printf(a, "%s — %s", name, fn), NULL);
		line(&d, fn, name, NULL, NULL, NULL, NULL);
	}
	for (size_t i = 0; i < v.nqualities; i++) {
		const struct tree_quality *q = &v.qualities[i];
		int qrow = node(&d, root >= 0 ? 1 : 0, root, "quality",
		    arena_printf(a, "%s — %s", q->name, web_t(r, N_("qualité"))), NULL);
		int glrow = qrow;

		for (size_t k = 0; k < q->n; k++) {
			const struct tree_user *u = &q->users[k];
			const char *name = arena_printf(a, "%s %s", u->first_name, u->last_name);
			const char *fn = web_t(r, member_msgid(u->type));
			bool manager = strcmp(u->type, "USER") != 0;
			int level = (root >= 0 ? 2 : 1) + (manager ? 0 : 1);
			int row;

			row = node(&d, level, manager ? qrow : glrow, manager ? "gl" : "user",
			    arena_printf(a, "%s — %s%s", name, fn, strcmp(u->status, "suspended") == 0 ?
			    arena_printf(a, " (%s)", web_t(r, N_("suspendu"))) : ""),
			    u->apps[0] ? u->apps : NULL);
			if (strcmp(u->type, "GL") == 0)
				glrow = row;
			line(&d, fn, name, q->name, u->username, u->apps,
			    uman_status_label(r, u->status));
		}
		if (q->total > (int64_t)q->n)
			node(&d, (root >= 0 ? 3 : 2), glrow, "more", arena_printf(a, "%s",
			    web_t(r, N_("… et d'autres utilisateurs : voir la liste des utilisateurs"))),
			    NULL);
	}
	if (subdepts(&d, &who, here.org, root >= 0 ? 1 : 0, root) != 0)
		return -1;
	tmpl_set_int(d.c, "svg_w", d.width + 20);
	tmpl_set_int(d.c, "svg_h", TOP * 2 + d.rows * ROW_H);
	return web_render(r, "uman/hierarchy", d.c);
}

int
uman_hierarchy_routes(struct web_server *s)
{
	return web_route(s, "GET", "/acces/:org/hierarchie", page, 0);
}
