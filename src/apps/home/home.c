/* home.c — the home page, the help page and /healthz.
 * The home page introduces portier and leads to the guide's entry points. */
#include "apps/app.h"

#include <string.h>

#include "auth/person.h"
#include "ops/health.h"
#include "web/i18n.h"

static int
healthz(struct web_req *r)
{
	struct app *app = web_app(r);

	if (ops_health(app->store) != 0)
		return web_send(r, 503, "text/plain; charset=utf-8", "unavailable\n", 12);
	return web_send(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

static int
home(struct web_req *r)
{
	struct tmpl_ctx *c = web_page(r, N_("Gestion des accès pour entreprises et organisations"));

	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "menu_home", true);
	return web_render(r, "home", c);
}

static int
help(struct web_req *r)
{
	struct tmpl_ctx *c = web_page(r, N_("Aide"));

	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "menu_help", true);
	return web_render(r, "help", c);
}

void
app_page_hook(struct web_req *r, struct tmpl_ctx *ctx)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct tmpl_ctx *m;
	struct person p;

	if (s != NULL && s->person_id != 0 && person_get(app->store, s->person_id, &p) == 0)
		tmpl_setf(ctx, "person_name", "%s %s", p.first_name, p.last_name);
	/* The "Fonctionnalités" side menu: entries grow as surfaces are added. */
	m = tmpl_list_add(ctx, "menu");
	if (m != NULL) {
		tmpl_set(m, "href", "/");
		tmpl_set(m, "label", web_t(r, N_("Accueil")));
		tmpl_set_bool(m, "current", strcmp(web_path(r), "/") == 0);
	}
	if (s == NULL || s->person_id == 0) {
		m = tmpl_list_add(ctx, "menu");
		if (m != NULL) {
			tmpl_set(m, "href", "/login");
			tmpl_set(m, "label", web_t(r, N_("Se connecter")));
			tmpl_set_bool(m, "current", strcmp(web_path(r), "/login") == 0);
		}
	}
	m = tmpl_list_add(ctx, "menu");
	if (m != NULL) {
		tmpl_set(m, "href", "/entreprises");
		tmpl_set(m, "label", web_t(r, N_("Recherche d'entreprises")));
		tmpl_set_bool(m, "current", strcmp(web_path(r), "/entreprises") == 0);
	}
	m = tmpl_list_add(ctx, "menu");
	if (m != NULL) {
		tmpl_set(m, "href", "/aide");
		tmpl_set(m, "label", web_t(r, N_("Aide")));
		tmpl_set_bool(m, "current", strcmp(web_path(r), "/aide") == 0);
	}
}

int
home_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/", home, 0) != 0 ||
	    web_route(s, "GET", "/aide", help, 0) != 0 ||
	    web_route(s, "GET", "/healthz", healthz, 0) != 0)
		return -1;
	return 0;
}
