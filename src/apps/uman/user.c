/* user.c — one user of a quality: their data and secured applications, user or
 * co-manager ("Co-GL"), suspension and reactivation, and (GAP, co-GAP) making them the
 * quality's local manager. A save read at an older version is refused with a message. */
#include "apps/uman/uman.h"

#include <string.h>

#include "base/msgid.h"

struct user_ctx {
	struct actor who;
	struct uman_here here;
	struct quality_view q;
	struct user_view v;
	int64_t account;
};

static int
load(struct web_req *r, struct user_ctx *u)
{
	enum access_rc rc;

	if (!uman_enter(r, &u->who, &u->here))
		return 0;
	u->account = web_id(web_param(r, "acc"));
	if (u->account == 0) {
		web_error(r, 404);
		return 0;
	}
	rc = quality_get(uman_store(r), &u->who, u->here.org, u->here.quality, web_arena(r), &u->q);
	if (rc == ACCESS_OK)
		rc = account_get(uman_store(r), &u->who, u->here.org, u->here.quality, u->account,
		    web_arena(r), &u->v);
	if (rc != ACCESS_OK) {
		app_fail(r, rc);
		return 0;
	}
	u->here.org_manager = u->q.may_designate_gl;
	return 1;
}

/* The edition page: typed values when in is given, else the stored ones. */
static int
page(struct web_req *r, struct user_ctx *u, int status, const struct user_input *in,
    const struct access_errors *err, const char *message_msgid)
{
	struct tmpl_ctx *c = uman_page(r, N_("Modifier un utilisateur"), &u->here, true);
	struct user_input stored = {
		.username = u->v.username, .last_name = u->v.last_name,
		.first_name = u->v.first_name, .data = u->v.data, .type = u->v.type,
		.apps = u->v.apps, .napps = u->v.napps,
	};
	const char *type;

	if (c == NULL)
		return -1;
	if (in == NULL)
		in = &stored;
	/* Names are the person's record: always the stored ones. */
	stored = *in;
	stored.last_name = u->v.last_name;
	stored.first_name = u->v.first_name;
	uman_entity(r, c, &u->q.org, u->q.name);
	uman_user_form(r, c, &stored, true, u->v.niss, u->q.apps, u->q.napps, err);
	type = in->type != NULL && in->type[0] != '\0' ? in->type : u->v.type;
	tmpl_set_int(c, "account", u->account);
	tmpl_set_int(c, "version", u->v.version);
	tmpl_set(c, "created", uman_date(r, u->v.created_at));
	tmpl_set(c, "modified", uman_date(r, u->v.modified_at));
	tmpl_set(c, "status", uman_status_label(r, u->v.status));
	tmpl_set_bool(c, "suspended", strcmp(u->v.status, "suspended") == 0);
	tmpl_set_bool(c, "is_gl", strcmp(u->v.type, "GL") == 0);
	tmpl_set(c, "type_label", uman_type_label(r, u->v.type));
	tmpl_set_bool(c, "type_cogl", strcmp(type, "COGL") == 0);
	tmpl_set_bool(c, "may_cogl", u->q.may_change);
	tmpl_set_bool(c, "may_gl", u->q.may_designate_gl && strcmp(u->v.type, "GL") != 0);
	tmpl_set_bool(c, "is_self", u->v.is_self);
	if (message_msgid != NULL)
		tmpl_set(c, "conflict", web_t(r, message_msgid));
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/user_edit", c);
}

static int
show(struct web_req *r)
{
	struct user_ctx u;

	if (!load(r, &u))
		return 0;
	return page(r, &u, 200, NULL, NULL, NULL);
}

static const char conflict_msgid[] =
    N_("Cet utilisateur a été modifié par une autre personne depuis que vous avez ouvert cette page. Vos modifications n'ont pas été enregistrées. Les données actuelles sont affichées : vérifiez-les et recommencez vos modifications.");

static int
save(struct web_req *r)
{
	struct access_errors err;
	struct user_input in;
	struct user_ctx u;
	enum access_rc rc;
	int64_t version;

	if (!load(r, &u))
		return 0;
	version = web_id(web_form(r, "version"));
	uman_read_user(r, &in);
	rc = account_update(uman_store(r), &u.who, u.here.org, u.here.quality, u.account, version,
	    &in, &err);
	if (rc == ACCESS_INVALID)
		return page(r, &u, 422, &in, &err, NULL);
	if (rc == ACCESS_CONFLICT)
		return page(r, &u, 409, NULL, NULL, conflict_msgid);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r),
	    "/acces/%lld/qualite/%lld/utilisateur/%lld?ok=user_saved", (long long)u.here.org,
	    (long long)u.here.quality, (long long)u.account));
}

static int
status(struct web_req *r)
{
	struct access_errors err;
	struct user_ctx u;
	enum access_rc rc;
	bool suspend = strcmp(uman_form(r, "action"), "suspend") == 0;

	if (!load(r, &u))
		return 0;
	rc = account_set_status(uman_store(r), &u.who, u.here.org, u.here.quality, u.account,
	    web_id(web_form(r, "version")), suspend, &err);
	if (rc == ACCESS_INVALID)
		return page(r, &u, 422, NULL, &err, NULL);
	if (rc == ACCESS_CONFLICT)
		return page(r, &u, 409, NULL, NULL, conflict_msgid);
	if (rc != ACCESS_OK && rc != ACCESS_EXISTS)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r),
	    "/acces/%lld/qualite/%lld/utilisateur/%lld?ok=%s", (long long)u.here.org,
	    (long long)u.here.quality, (long long)u.account,
	    rc == ACCESS_EXISTS ? "unchanged" : suspend ? "suspended" : "reactivated"));
}

static int
make_gl(struct web_req *r)
{
	struct access_errors err;
	struct user_ctx u;
	enum access_rc rc;

	if (!load(r, &u))
		return 0;
	rc = quality_set_gl(uman_store(r), &u.who, u.here.org, u.here.quality, u.account, &err);
	if (rc == ACCESS_INVALID)
		return page(r, &u, 422, NULL, &err, NULL);
	if (rc != ACCESS_OK && rc != ACCESS_EXISTS)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r), "/acces/%lld/qualite/%lld/detail?ok=%s",
	    (long long)u.here.org, (long long)u.here.quality,
	    rc == ACCESS_EXISTS ? "unchanged" : "gl_changed"));
}

int
uman_user_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/qualite/:q/utilisateur/:acc", show, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/utilisateur/:acc", save, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/utilisateur/:acc/statut", status, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/utilisateur/:acc/gestionnaire", make_gl,
	    0) != 0)
		return -1;
	return 0;
}
