/* home.c — the home page, the help page and /healthz.
 * The home page introduces portier and leads to the guide's entry points. */
#include "apps/app.h"

#include <stdbool.h>
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

enum menu_show { MENU_ALWAYS, MENU_ANONYMOUS, MENU_LOGGED_IN };

static const struct {
	const char *href;
	const char *msgid;
	enum menu_show show;
} menu[] = {
	{ "/", N_("Accueil"), MENU_ALWAYS },
	{ "/login", N_("Se connecter"), MENU_ANONYMOUS },
	{ "/activer", N_("Activer mes codes d'accès"), MENU_ANONYMOUS },
	{ "/acces", N_("Gestion des accès"), MENU_LOGGED_IN },
	{ "/csam", N_("Désigner un Gestionnaire d'Accès Principal"), MENU_ALWAYS },
	{ "/csam/exception", N_("Procédure d'exception"), MENU_ALWAYS },
	{ "/compte", N_("Mon compte"), MENU_LOGGED_IN },
	{ "/compte/mot-de-passe", N_("Modifier mon mot de passe"), MENU_LOGGED_IN },
	{ "/entreprises", N_("Recherche d'entreprises"), MENU_ALWAYS },
	{ "/aide", N_("Aide"), MENU_ALWAYS },
};

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
	for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
		bool logged = s != NULL && s->person_id != 0;

		if ((menu[i].show == MENU_ANONYMOUS && logged) ||
		    (menu[i].show == MENU_LOGGED_IN && !logged))
			continue;
		m = tmpl_list_add(ctx, "menu");
		if (m == NULL)
			return;
		tmpl_set(m, "href", menu[i].href);
		tmpl_set(m, "label", web_t(r, menu[i].msgid));
		tmpl_set_bool(m, "current", strcmp(web_path(r), menu[i].href) == 0);
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
