/* capacity.c — "Sous quelle qualité voulez-vous vous authentifier?": after login, the
 * pages of access management ask the person to choose a capacity; it is kept in the
 * session (web_session_set_capacity) and audited. */
#include "apps/app.h"

#include <string.h>

#include "apps/login/login.h"
#include "auth/account.h"
#include "base/log.h"
#include "policy/loa.h"
#include "web/i18n.h"

static const struct {
	const char *value;
	const char *msgid;
} capacities[] = {
	{ "employer", N_("Employeur") },
	{ "social_security", N_("Professionnel de la sécurité sociale") },
	{ "health", N_("Acteur des soins de santé") },
};

const char *
capacity_msgid(const char *value)
{
	for (size_t i = 0; i < sizeof(capacities) / sizeof(capacities[0]); i++)
		if (strcmp(capacities[i].value, value) == 0)
			return capacities[i].msgid;
	return NULL;
}

static int
capacity_page(struct web_req *r, int status, const char *next, const char *error_msgid)
{
	struct web_session *s = web_session_ensure(r);
	struct tmpl_ctx *c;
	const char *cur;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Sous quelle qualité voulez-vous vous authentifier?"));
	if (c == NULL)
		return -1;
	cur = capacity_msgid(s->capacity);
	if (cur != NULL)
		tmpl_set(c, "current", web_t(r, cur));
	tmpl_set(c, "next", login_next(next));
	if (error_msgid != NULL)
		tmpl_set(c, "error", web_t(r, error_msgid));
	for (size_t i = 0; i < sizeof(capacities) / sizeof(capacities[0]); i++) {
		struct tmpl_ctx *item = tmpl_list_add(c, "choices");

		if (item == NULL)
			return -1;
		tmpl_set(item, "value", capacities[i].value);
		tmpl_set(item, "label", web_t(r, capacities[i].msgid));
		tmpl_set_bool(item, "chosen", strcmp(s->capacity, capacities[i].value) == 0);
	}
	return web_render_status(r, status, "capacity", c);
}

static int
capacity_get(struct web_req *r)
{
	if (!app_require_level(r, LOA_LOW))
		return 0;
	return capacity_page(r, 200, web_query(r, "next"), NULL);
}

static int
capacity_post(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *value = web_form(r, "capacity");
	const char *next = login_next(web_form(r, "next"));
	struct actor by = app_actor(r);

	if (!app_require_level(r, LOA_LOW))
		return 0;
	if (value == NULL || capacity_msgid(value) == NULL)
		return capacity_page(r, 422, next, N_("Choisissez une qualité."));
	if (web_session_set_capacity(r, value) != 0)
		return -1;
	if (account_record_capacity(app->store, &by, value) != 0)
		log_warn(web_rid(r), "capacity: audit event not written");
	return web_redirect(r, next);
}

int
capacity_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/capacite", capacity_get, 0) != 0 ||
	    web_route(s, "POST", "/capacite", capacity_post, 0) != 0)
		return -1;
	return 0;
}
