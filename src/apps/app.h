/* app.h — what every web surface's handlers receive through web_app(): the services'
 * handles. Built by cmd/ at start; read-only afterwards. */
#ifndef PORTIER_APPS_APP_H
#define PORTIER_APPS_APP_H

#include <stdbool.h>

#include "store/store.h"
#include "web/web.h"

struct app {
	struct store *store;
	bool demo;              /* demo mode: demo-only pages and helpers are on */
};

/* Returns 1 when the visitor is logged in with at least min_level (policy/loa.h);
 * otherwise answers with a redirect to the login page (step-up when logged in lower)
 * and returns 0: the handler then returns 0 at once. */
int app_require_level(struct web_req *r, int min_level);

/* Registers the routes of the home surface (/, /aide, /healthz). */
int home_routes(struct web_server *s);
/* Registers the login doors and logout (/login, /login/password, /logout). */
int login_routes(struct web_server *s);
/* Decorates every page: side menu, person's name. */
void app_page_hook(struct web_req *r, struct tmpl_ctx *ctx);

#endif
