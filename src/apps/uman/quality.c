/* quality.c — "Consulter ou modifier le détail de la qualité": the activated quality, its
 * e-mail (changed by its managers), its local manager and co-managers, its secured
 * applications. */
#include "apps/uman/uman.h"

#include <string.h>

#include "base/msgid.h"

static int
page(struct web_req *r, int status, const struct access_errors *err)
{
	struct actor who;
	struct uman_here here;
	struct quality_view q;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = quality_get(uman_store(r), &who, here.org, here.quality, web_arena(r), &q);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org_manager = q.may_designate_gl;
	c = uman_entity_page(r, N_("Détail de la qualité"), &here, true, &q.org, q.name);
	if (c == NULL)
		return -1;
	tmpl_set(c, "activated", uman_date(r, q.activated_at));
	tmpl_set(c, "email_quality", err ? uman_form(r, "email_quality") : q.email);
	tmpl_set_bool(c, "may_change", q.may_change);
	tmpl_set_bool(c, "may_gl", q.may_designate_gl);
	for (size_t i = 0; i < q.nmanagers; i++) {
		struct tmpl_ctx *m = tmpl_list_add(c, "managers");

		if (m == NULL)
			return -1;
		tmpl_set_int(m, "account", q.managers[i].account_id);
		tmpl_set(m, "last_name", q.managers[i].last_name);
		tmpl_set(m, "first_name", q.managers[i].first_name);
		tmpl_set(m, "username", q.managers[i].username);
		tmpl_set(m, "type", uman_type_label(r, q.managers[i].type));
		tmpl_set(m, "since", uman_date(r, q.managers[i].since));
		tmpl_set(m, "status", uman_status_label(r, q.managers[i].status));
	}
	for (size_t i = 0; i < q.napps; i++) {
		struct tmpl_ctx *a = tmpl_list_add(c, "apps");

		if (a == NULL)
			return -1;
		tmpl_set(a, "code", q.apps[i].code);
		tmpl_set(a, "name", q.apps[i].name);
		tmpl_set(a, "description", q.apps[i].description);
	}
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/quality", c);
}

static int
show(struct web_req *r)
{
	return page(r, 200, NULL);
}

static enum access_rc
save_email(struct web_req *r, const struct actor *who, const struct uman_here *here,
    struct access_errors *err)
{
	return quality_set_email(uman_store(r), who, here->org, here->quality,
	    web_form(r, "email_quality"), err);
}

static int
set_email(struct web_req *r)
{
	return uman_post(r, save_email, page, "/detail?ok=email_saved");
}

int
uman_quality_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/qualite/:q/detail", show, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/detail", set_email, 0) != 0)
		return -1;
	return 0;
}
