/* users.c — "Utilisateurs" of a quality (guide §4): the filters, pages and "N utilisateurs
 * trouvés", selection and "Supprimer utilisateur(s)" with its confirmation, "Exporter les
 * utilisateurs (.csv)", and "Ajouter un utilisateur NISS … Suivant" → "Création d'un
 * Utilisateur" → confirmation → "L'utilisateur a été ajouté". Filters are posted, so the
 * NISS never appears in a URL. */
#include "apps/uman/uman.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access/export.h"
#include "access/search.h"
#include "base/msgid.h"
#include "be/be.h"

#define PER_PAGE 25

/* Everything a users page shows around the list. */
struct users_ctx {
	struct actor who;
	struct uman_here here;
	struct quality_view q;
};

static int
load(struct web_req *r, struct users_ctx *u)
{
	enum access_rc rc;

	if (!uman_enter(r, &u->who, &u->here))
		return 0;
	rc = quality_get(uman_store(r), &u->who, u->here.org, u->here.quality, web_arena(r), &u->q);
	if (rc != ACCESS_OK) {
		app_fail(r, rc);
		return 0;
	}
	u->here.org_manager = u->q.may_designate_gl;
	return 1;
}

void
uman_read_filter(struct web_req *r, struct user_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->last_name = web_form(r, "f_last_name");
	f->first_name = web_form(r, "f_first_name");
	f->username = web_form(r, "f_username");
	f->type = web_form(r, "f_type");
	f->niss = web_form(r, "f_niss");
	f->status = web_form(r, "f_status");
	f->application = web_form(r, "f_application");
}

void
uman_filter_fields(struct web_req *r, struct tmpl_ctx *c, const struct user_filter *f,
    const struct app_info *apps, size_t napps)
{
	static const struct {
		const char *value, *msgid;
	} types[] = {
		{ "", N_("Tous") }, { "GL", N_("GL") }, { "COGL", N_("Co-GL") }, { "USER", N_("USER") },
	}, statuses[] = {
		{ "", N_("Tous") }, { "active", N_("Actif") }, { "suspended", N_("Suspendu") },
	};
	const char *type = f->type ? f->type : "", *status = f->status ? f->status : "";
	const char *app = f->application ? f->application : "";
	struct tmpl_ctx *o;

	tmpl_set(c, "f_last_name", f->last_name ? f->last_name : "");
	tmpl_set(c, "f_first_name", f->first_name ? f->first_name : "");
	tmpl_set(c, "f_username", f->username ? f->username : "");
	tmpl_set(c, "f_niss", f->niss ? f->niss : "");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if ((o = tmpl_list_add(c, "type_options")) == NULL)
			return;
		tmpl_set(o, "value", types[i].value);
		tmpl_set(o, "label", web_t(r, types[i].msgid));
		tmpl_set_bool(o, "selected", strcmp(type, types[i].value) == 0);
	}
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if ((o = tmpl_list_add(c, "status_options")) == NULL)
			return;
		tmpl_set(o, "value", statuses[i].value);
		tmpl_set(o, "label", web_t(r, statuses[i].msgid));
		tmpl_set_bool(o, "selected", strcmp(status, statuses[i].value) == 0);
	}
	if ((o = tmpl_list_add(c, "app_options")) == NULL)
		return;
	tmpl_set(o, "value", "");
	tmpl_set(o, "label", web_t(r, N_("Toutes")));
	tmpl_set_bool(o, "selected", app[0] == '\0');
	for (size_t i = 0; i < napps; i++) {
		if ((o = tmpl_list_add(c, "app_options")) == NULL)
			return;
		tmpl_set(o, "value", apps[i].code);
		tmpl_set(o, "label", apps[i].name);
		tmpl_set_bool(o, "selected", strcmp(app, apps[i].code) == 0);
	}
}

/* "Un utilisateur trouvé." / "N utilisateurs trouvés." */
static const char *
found_text(struct web_req *r, int64_t total)
{
	if (total == 0)
		return web_t(r, N_("Aucun utilisateur trouvé."));
	if (total == 1)
		return web_t(r, N_("Un utilisateur trouvé."));
	return web_tf(r, N_("{1} utilisateurs trouvés."),
	    arena_printf(web_arena(r), "%lld", (long long)total), NULL, NULL);
}

void
uman_rows(struct web_req *r, struct tmpl_ctx *c, const struct user_page *p, bool across)
{
	tmpl_set(c, "found", found_text(r, p->total));
	tmpl_set_int(c, "page", p->page);
	tmpl_set_int(c, "pages", p->pages);
	for (int i = 1; i <= p->pages && p->pages > 1; i++) {
		struct tmpl_ctx *pg;

		/* Around the current page, the first and the last. */
		if (i != 1 && i != p->pages && (i < p->page - 4 || i > p->page + 4))
			continue;
		if ((pg = tmpl_list_add(c, "page_list")) == NULL)
			return;
		tmpl_set_int(pg, "n", i);
		tmpl_set_bool(pg, "current", i == p->page);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct user_row *u = &p->rows[i];
		struct tmpl_ctx *row = tmpl_list_add(c, "rows");

		if (row == NULL)
			return;
		tmpl_set_int(row, "account", u->account_id);
		tmpl_set_int(row, "quality", u->quality);
		tmpl_set(row, "last_name", u->last_name);
		tmpl_set(row, "first_name", u->first_name);
		tmpl_set(row, "username", u->username);
		tmpl_set(row, "type", uman_type_label(r, u->type));
		tmpl_set(row, "niss", uman_niss(r, u->niss));
		tmpl_set(row, "status", uman_status_label(r, u->status));
		tmpl_set_bool(row, "suspended", strcmp(u->status, "suspended") == 0);
		if (across)
			tmpl_set(row, "quality_name", u->quality_name);
	}
}

/* The list page; errors of the filters, the selection or the "add" form. */
static int
list_page(struct web_req *r, struct users_ctx *u, int status,
    const struct access_errors *form_err)
{
	struct access_errors err = { 0 };
	struct user_filter f;
	struct user_page p;
	struct tmpl_ctx *c;
	enum access_rc rc;
	int page = (int)web_id(web_form(r, "page"));

	uman_read_filter(r, &f);
	rc = search_users(uman_store(r), &u->who, u->here.org, u->here.quality, &f, page, PER_PAGE,
	    web_arena(r), &p, &err);
	if (rc == ACCESS_INVALID) {
		memset(&p, 0, sizeof(p));
		p.page = p.pages = 1;
		if (status == 200)
			status = 422;
	} else if (rc != ACCESS_OK) {
		return app_fail(r, rc);
	}
	c = uman_page(r, N_("Utilisateurs"), &u->here, true);
	if (c == NULL)
		return -1;
	uman_entity(r, c, &u->q.org, u->q.name);
	uman_filter_fields(r, c, &f, u->q.apps, u->q.napps);
	uman_rows(r, c, &p, false);
	tmpl_set(c, "add_niss", uman_form(r, "niss"));
	tmpl_set_bool(c, "add_cogl", strcmp(uman_form(r, "type"), "COGL") == 0);
	tmpl_set_bool(c, "may_cogl", u->q.may_change);
	tmpl_set_bool(c, "sep_comma", strcmp(uman_form(r, "sep"), ",") == 0);
	if (strcmp(web_query(r, "ok") ? web_query(r, "ok") : "", "user_added") == 0)
		tmpl_set(c, "flash2", web_t(r, N_("Les données de l'utilisateur ont bien été enregistrées")));
	app_field_errors(r, c, form_err != NULL && form_err->n > 0 ? form_err : &err);
	return web_render_status(r, status, "uman/users", c);
}

static int
list_get(struct web_req *r)
{
	struct users_ctx u;

	if (!load(r, &u))
		return 0;
	return list_page(r, &u, 200, NULL);
}

/* ---- export ---- */

static const char *
tr(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

int
uman_send_users_csv(struct web_req *r, const struct actor *who, int64_t org,
    int64_t quality, const char *name)
{
	struct access_errors err;
	struct user_filter f;
	struct export_stream *x;
	enum access_rc rc;

	uman_read_filter(r, &f);
	rc = export_users_open(uman_store(r), who, org, quality, &f,
	    strcmp(uman_form(r, "sep"), ",") == 0 ? ',' : ';', tr, r, &x, &err);
	return uman_send_export(r, rc, x, arena_printf(web_arena(r), "%s.csv", name));
}

static int
export(struct web_req *r)
{
	struct actor who;
	struct uman_here here;

	if (!uman_enter(r, &who, &here))
		return 0;
	return uman_send_users_csv(r, &who, here.org, here.quality,
	    arena_printf(web_arena(r), "utilisateurs-%lld-%lld", (long long)here.org,
	    (long long)here.quality));
}

/* ---- removal ---- */

static size_t
selected(struct web_req *r, int64_t *ids, size_t max)
{
	const char *v[ACCESS_MAX_SELECTED + 1];
	size_t n = web_form_all(r, "sel", v, ACCESS_MAX_SELECTED + 1), k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		int64_t id = web_id(v[i]);

		if (id > 0)
			ids[k++] = id;
	}
	return n > ACCESS_MAX_SELECTED ? ACCESS_MAX_SELECTED + 1 : k;
}

static int
delete_ask(struct web_req *r)
{
	int64_t ids[ACCESS_MAX_SELECTED + 1];
	struct access_errors err = { 0 };
	struct users_ctx u;
	struct tmpl_ctx *c;
	size_t n;

	if (!load(r, &u))
		return 0;
	n = selected(r, ids, ACCESS_MAX_SELECTED + 1);
	if (n == 0 || n > ACCESS_MAX_SELECTED) {
		access_error_add(&err, "selection", n == 0 ?
		    N_("Sélectionnez au moins un utilisateur.") :
		    N_("Trop d'utilisateurs sélectionnés en une fois."));
		return list_page(r, &u, 422, &err);
	}
	c = uman_page(r, N_("Supprimer utilisateur(s)"), &u.here, true);
	if (c == NULL)
		return -1;
	uman_entity(r, c, &u.q.org, u.q.name);
	for (size_t i = 0; i < n; i++) {
		struct user_view v;
		enum access_rc rc = account_get(uman_store(r), &u.who, u.here.org, u.here.quality,
		    ids[i], web_arena(r), &v);
		struct tmpl_ctx *row;

		if (rc != ACCESS_OK)
			return app_fail(r, rc);
		if ((row = tmpl_list_add(c, "victims")) == NULL)
			return -1;
		tmpl_set_int(row, "account", v.account_id);
		tmpl_set(row, "last_name", v.last_name);
		tmpl_set(row, "first_name", v.first_name);
		tmpl_set(row, "username", v.username);
		tmpl_set(row, "type", uman_type_label(r, v.type));
	}
	return web_render(r, "uman/delete", c);
}

static int
delete_do(struct web_req *r)
{
	int64_t ids[ACCESS_MAX_SELECTED + 1];
	struct access_errors err;
	struct users_ctx u;
	enum access_rc rc;
	size_t n, removed;

	if (!load(r, &u))
		return 0;
	n = selected(r, ids, ACCESS_MAX_SELECTED + 1);
	rc = account_remove(uman_store(r), &u.who, u.here.org, u.here.quality, ids, n, &removed,
	    &err);
	if (rc == ACCESS_INVALID)
		return list_page(r, &u, 422, &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r), "/acces/%lld/qualite/%lld?ok=removed",
	    (long long)u.here.org, (long long)u.here.quality));
}

/* ---- "Ajouter un utilisateur" ---- */

static const char *
type_of(struct web_req *r)
{
	return strcmp(uman_form(r, "type"), "COGL") == 0 ? "COGL" : "USER";
}

/* The creation form ("Création d'un Utilisateur"). */
static int
new_form(struct web_req *r, struct users_ctx *u, int status, const struct user_input *in,
    bool locked, const char *niss, const struct access_errors *err)
{
	struct tmpl_ctx *c = uman_page(r, N_("Création d'un Utilisateur"), &u->here, true);

	if (c == NULL)
		return -1;
	uman_entity(r, c, &u->q.org, u->q.name);
	uman_user_form(r, c, in, locked, niss, u->q.apps, u->q.napps, err);
	tmpl_set(c, "type", in->type ? in->type : type_of(r));
	tmpl_set(c, "type_label", web_t(r, strcmp(in->type ? in->type : type_of(r), "COGL") == 0 ?
	    N_("Co-gestionnaire local") : N_("Utilisateur")));
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/user_new", c);
}

static int
new_start(struct web_req *r)
{
	struct access_errors err;
	struct user_prefill pre;
	struct user_input in;
	struct users_ctx u;
	enum access_rc rc;

	if (!load(r, &u))
		return 0;
	rc = account_prepare(uman_store(r), &u.who, u.here.org, u.here.quality,
	    web_form(r, "niss"), type_of(r), web_arena(r), &pre, &err);
	if (rc == ACCESS_INVALID)
		return list_page(r, &u, 422, &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	in = uman_input_of(&pre);
	in.type = type_of(r);
	return new_form(r, &u, 200, &in, pre.names_locked, pre.niss, NULL);
}

static int
new_confirm(struct web_req *r)
{
	struct access_errors err;
	struct user_names names;
	struct user_input in;
	struct users_ctx u;
	struct tmpl_ctx *c;
	enum access_rc rc;
	bool locked;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;

	if (!load(r, &u))
		return 0;
	uman_read_user(r, &in);
	in.type = type_of(r);
	rc = account_check_names(uman_store(r), &u.who, u.here.org, u.here.quality, &in, &err,
	    web_arena(r), &names);
	/* Someone knows this person: their names, not what was typed (or tampered with). */
	locked = names.locked;
	if (locked) {
		in.last_name = names.last_name;
		in.first_name = names.first_name;
	}
	if (rc == ACCESS_INVALID || rc == ACCESS_EXISTS)
		return new_form(r, &u, rc == ACCESS_EXISTS ? 409 : 422, &in, locked,
		    uman_form(r, "niss"), &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = uman_page(r, N_("Création d'un Utilisateur"), &u.here, true);
	if (c == NULL)
		return -1;
	uman_entity(r, c, &u.q.org, u.q.name);
	uman_user_form(r, c, &in, locked, uman_form(r, "niss"), u.q.apps, u.q.napps, NULL);
	tmpl_set(c, "type", in.type);
	tmpl_set(c, "type_label", web_t(r, strcmp(in.type, "COGL") == 0 ?
	    N_("Co-gestionnaire local") : N_("Utilisateur")));
	tmpl_set_bool(c, "locked", locked);
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%d/%m/%Y", &tm);
	tmpl_set(c, "today", today);
	return web_render(r, "uman/user_confirm", c);
}

static int
new_save(struct web_req *r)
{
	struct access_errors err;
	struct user_input in;
	struct users_ctx u;
	enum access_rc rc;
	bool locked = strcmp(uman_form(r, "locked"), "1") == 0;

	if (!load(r, &u))
		return 0;
	uman_read_user(r, &in);
	in.type = type_of(r);
	if (web_form(r, "back") != NULL)
		return new_form(r, &u, 200, &in, locked, uman_form(r, "niss"), NULL);
	rc = account_create(uman_store(r), &u.who, u.here.org, u.here.quality, &in, &err, NULL);
	if (rc == ACCESS_INVALID || rc == ACCESS_EXISTS || rc == ACCESS_CONFLICT)
		return new_form(r, &u, rc == ACCESS_INVALID ? 422 : 409, &in, locked,
		    uman_form(r, "niss"), &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r), "/acces/%lld/qualite/%lld?ok=user_added",
	    (long long)u.here.org, (long long)u.here.quality));
}

static int
list_post(struct web_req *r)
{
	struct users_ctx u;

	if (!load(r, &u))
		return 0;
	return list_page(r, &u, 200, NULL);
}

int
uman_users_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/qualite/:q", list_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q", list_post, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/export", export, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/supprimer", delete_ask, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/supprimer/confirmer", delete_do, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/nouveau", new_start, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/nouveau/confirmation", new_confirm,
	    0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/nouveau/enregistrer", new_save, 0) != 0)
		return -1;
	return 0;
}
