/* search.c — "Rechercher utilisateurs" across the qualities of the organisation that the
 * one acting manages (all of them for GAP and co-GAPs), with the filters of the users
 * list, a column naming the quality, and the same CSV export. */
#include "apps/uman/uman.h"

#include <string.h>

#include "base/msgid.h"

static int
page(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	struct user_filter f;
	struct user_page p;
	struct tmpl_ctx *c;
	enum access_rc rc;
	int status = 200;

	if (!uman_enter(r, &who, &here))
		return 0;
	uman_read_filter(r, &f);
	rc = search_users(uman_store(r), &who, here.org, 0, &f, (int)web_id(web_form(r, "page")),
	    25, web_arena(r), &p, &err);
	if (rc == ACCESS_INVALID) {
		struct access_errors none;
		struct user_filter empty = { 0 };

		/* Show the organisation and the errors, without results. */
		if (search_users(uman_store(r), &who, here.org, 0, &empty, 1, 1, web_arena(r), &p,
		    &none) != ACCESS_OK)
			return -1;
		p.n = 0;
		p.total = 0;
		p.pages = p.page = 1;
		status = 422;
	} else if (rc != ACCESS_OK) {
		return app_fail(r, rc);
	}
	here.org_manager = p.org_manager;
	c = uman_page(r, N_("Rechercher utilisateurs"), &here, true);
	if (c == NULL)
		return -1;
	uman_entity(r, c, &p.org, NULL);
	uman_filter_fields(r, c, &f, NULL, 0);
	tmpl_set(c, "f_application", f.application ? f.application : "");
	tmpl_set_int(c, "nqualities", (int64_t)p.nqualities);
	uman_rows(r, c, &p, true);
	tmpl_set_bool(c, "sep_comma", strcmp(uman_form(r, "sep"), ",") == 0);
	if (status != 200)
		app_field_errors(r, c, &err);
	return web_render_status(r, status, "uman/search", c);
}

static int
export(struct web_req *r)
{
	struct actor who;
	struct uman_here here;

	if (!uman_enter(r, &who, &here))
		return 0;
	return uman_send_users_csv(r, &who, here.org, 0,
	    arena_printf(web_arena(r), "utilisateurs-%lld", (long long)here.org));
}

int
uman_search_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/utilisateurs", page, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/utilisateurs", page, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/utilisateurs/export", export, 0) != 0)
		return -1;
	return 0;
}
