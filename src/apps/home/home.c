/* home.c — the home page, the help page and the probes /healthz and /readyz.
 * The home page introduces portier and leads to the guide's entry points. */
#include "apps/app.h"

#include <stdbool.h>
#include <string.h>

#include "auth/person.h"
#include "ops/health.h"
#include "ops/metrics.h"
#include "web/i18n.h"

/* Liveness: the process answers requests. Nothing else on purpose (not the database):
 * a supervisor that restarts a node on a failing /healthz must not restart every node
 * while the database is down. Routing asks /readyz. */
static int
healthz(struct web_req *r)
{
	return web_send(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

/* Readiness: 200 when this node can serve (ops/health.h), 503 naming the failing check. */
static int
readyz(struct web_req *r)
{
	struct app *app = web_app(r);
	char body[512];
	int rc = ops_ready(app->store, app->schema_newest, app->oidc, body, sizeof(body));

	return web_send(r, rc == 0 ? 200 : 503, "application/json", body, strlen(body));
}

/* Prometheus text format 0.0.4, for the addresses of metrics_allow only: the TCP peer
 * itself, never a trusted proxy nor a forwarded request (a proxy on an allowed address
 * would otherwise lend it to everyone behind it). */
static int
metrics(struct web_req *r)
{
	struct app *app = web_app(r);
	struct buf out;
	int rc;

	if (!ops_metrics_allowed(app->metrics, web_peer(r),
	    web_header(r, "X-Forwarded-For") != NULL))
		return web_send(r, 403, "text/plain; charset=utf-8", "forbidden\n", 10);
	buf_init(&out, 4 << 20);
	if (ops_metrics_write(app->metrics, app->store, &out) != 0 || out.data == NULL) {
		buf_free(&out);
		return -1;
	}
	rc = web_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
	buf_free(&out);
	return rc;
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

/* The groups of the side menu "Fonctionnalités", as the guide groups its menus: general
 * pages, logging in, access management, one's own data. */
enum menu_group { GROUP_GENERAL, GROUP_LOGIN, GROUP_ACCESS, GROUP_OWN, GROUPS };

static const char *const group_msgid[GROUPS] = {
	N_("Général"), N_("Connexion"), N_("Gestion des accès"), N_("Mes données"),
};

static const struct {
	const char *href;
	const char *msgid;
	enum menu_show show;
	enum menu_group group;
} menu[] = {
	{ "/", N_("Accueil"), MENU_ALWAYS, GROUP_GENERAL },
	{ "/entreprises", N_("Recherche d'entreprises"), MENU_ALWAYS, GROUP_GENERAL },
	{ "/aide", N_("Aide"), MENU_ALWAYS, GROUP_GENERAL },
	{ "/login", N_("Se connecter"), MENU_ANONYMOUS, GROUP_LOGIN },
	{ "/activer", N_("Activer mes codes d'accès"), MENU_ANONYMOUS, GROUP_LOGIN },
	/* Shown before login too: /acces asks for it, then comes back (guide §3). */
	{ "/acces", N_("Gestion des accès"), MENU_ALWAYS, GROUP_ACCESS },
	{ "/csam", N_("Désigner un Gestionnaire d'Accès Principal"), MENU_ALWAYS, GROUP_ACCESS },
	{ "/csam/exception", N_("Procédure d'exception"), MENU_ALWAYS, GROUP_ACCESS },
	{ "/compte", N_("Mon compte"), MENU_LOGGED_IN, GROUP_OWN },
	{ "/compte/mot-de-passe", N_("Modifier mon mot de passe"), MENU_LOGGED_IN, GROUP_OWN },
};

void
app_page_hook(struct web_req *r, struct tmpl_ctx *ctx)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	bool logged = s != NULL && s->person_id != 0;
	struct person p;

	if (logged && person_get(app->store, web_arena(r), s->person_id, &p) == 0)
		tmpl_setf(ctx, "person_name", "%s %s", p.first_name, p.last_name);
	/* The "Fonctionnalités" side menu, group by group; entries grow as surfaces are
	 * added. */
	for (int g = 0; g < GROUPS; g++) {
		struct tmpl_ctx *group = NULL;

		for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
			struct tmpl_ctx *m;

			if (menu[i].group != (enum menu_group)g ||
			    (menu[i].show == MENU_ANONYMOUS && logged) ||
			    (menu[i].show == MENU_LOGGED_IN && !logged))
				continue;
			if (group == NULL) {
				group = tmpl_list_add(ctx, "menu_groups");
				if (group == NULL)
					return;
				tmpl_set(group, "group_title", web_t(r, group_msgid[g]));
			}
			m = tmpl_list_add(group, "menu");
			if (m == NULL)
				return;
			tmpl_set(m, "href", menu[i].href);
			tmpl_set(m, "label", web_t(r, menu[i].msgid));
			tmpl_set_bool(m, "current", strcmp(web_path(r), menu[i].href) == 0);
		}
	}
}

int
home_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/", home, 0) != 0 ||
	    web_route(s, "GET", "/aide", help, 0) != 0 ||
	    web_route(s, "GET", "/healthz", healthz, 0) != 0 ||
	    web_route(s, "GET", "/readyz", readyz, 0) != 0 ||
	    web_route(s, "GET", "/metrics", metrics, 0) != 0)
		return -1;
	return 0;
}
