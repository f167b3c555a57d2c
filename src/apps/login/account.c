/* account.c — "Mon compte": how the person is logged in (method, level of assurance,
 * capacity) and the means of login they hold, with the pages that change them. */
#include "apps/app.h"

#include <string.h>
#include <time.h>

#include "apps/login/login.h"
#include "auth/account.h"
#include "auth/tokencard.h"
#include "auth/totp.h"
#include "policy/loa.h"
#include "web/i18n.h"

static const char *
method_msgid(const char *method)
{
	if (strcmp(method, "eid") == 0)
		return N_("carte d'identité électronique");
	if (strcmp(method, "password") == 0)
		return N_("codes d'accès");
	if (strcmp(method, "totp") == 0)
		return N_("codes d'accès et code d'une application mobile");
	if (strcmp(method, "token") == 0)
		return N_("codes d'accès et code d'une carte token");
	if (strcmp(method, "email") == 0)
		return N_("codes d'accès et code reçu par e-mail");
	if (strcmp(method, "passkey") == 0)
		return N_("clé d'accès (passkey)");
	if (strcmp(method, "passkey2") == 0)
		return N_("codes d'accès et clé d'accès");
	if (strcmp(method, "activation") == 0)
		return N_("code d'activation");
	if (strcmp(method, "idp") == 0)
		return N_("fournisseur d'identité reconnu");
	return N_("inconnue");
}

static int
account_page(struct web_req *r)
{
	struct app *app = web_app(r);
	struct web_session *s;
	struct totp_status ts;
	struct tokencard_status cs;
	struct tmpl_ctx *c;
	const char *user = NULL;
	const char *cap, *acr;
	int rc;

	if (!app_require_level(r, LOA_LOW) || !app_require_capacity(r))
		return 0;
	s = web_session_ensure(r);
	if (s == NULL)
		return -1;
	c = web_page(r, N_("Mon compte"));
	if (c == NULL)
		return -1;
	rc = account_username(app->store, web_arena(r), s->person_id, &user);
	if (rc < 0 || totp_status(app->store, s->person_id, &ts) != 0 ||
	    tokencard_status(app->store, s->person_id, (int64_t)time(NULL), &cs) != 0)
		return -1;
	tmpl_set(c, "account", rc == 0 ? user : "");
	tmpl_set(c, "method", web_t(r, method_msgid(s->auth_method)));
	tmpl_set(c, "level", web_t(r, loa_msgid((enum loa)s->auth_level)));
	acr = loa_acr((enum loa)s->auth_level);
	tmpl_set(c, "level_acr", acr ? acr : "");
	cap = capacity_msgid(s->capacity);
	tmpl_set(c, "capacity", cap ? web_t(r, cap) : "");
	tmpl_set_bool(c, "door_totp_on", login_door_on(r, DOOR_PASSWORD_TOTP));
	tmpl_set_bool(c, "door_token_on", login_door_on(r, DOOR_PASSWORD_TOKENCARD));
	tmpl_set_bool(c, "door_passkey_on", login_door_on(r, DOOR_PASSKEY));
	tmpl_set_bool(c, "totp", ts.active);
	tmpl_set_bool(c, "token", cs.active);
	if (cs.active)
		tmpl_set_int(c, "token_unused", cs.unused);
	return web_render(r, "account/index", c);
}

int
account_routes(struct web_server *s)
{
	return web_route(s, "GET", "/compte", account_page, 0);
}
