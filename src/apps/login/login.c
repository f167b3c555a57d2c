/* login.c — the login page ("Se connecter et accéder aux services sécurisés via CSAM"), the
 * access-codes door and logout. The password check runs on a worker thread. */
#include "apps/app.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "apps/login/login.h"
#include "auth/login.h"
#include "policy/loa.h"
#include "base/log.h"
#include "base/metrics.h"
#include "web/i18n.h"

#define USERNAME_MAX 64
#define PASSWORD_MAX 256

struct login_job {
	struct store *store;
	struct login_attempt a;
	enum login_result res;
	char username[USERNAME_MAX + 1];
	char password[PASSWORD_MAX + 1];
	const char *next;
};

const char *
login_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strlen(next) > 1024)
		return "/";
	/* Browsers drop tabs and newlines from a URL and read '\\' as '/': "/\t/host" is
	 * "//host", another site. A path of ours has none of them (they come escaped). */
	for (const char *p = next; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return "/";
	return next;
}

/* The level a page asked for (?level=N from app_require_level), 1 to 3. */
static int
asked_level(struct web_req *r)
{
	const char *l = web_query(r, "level");

	if (l == NULL)
		l = web_form(r, "level");
	if (l != NULL && l[0] >= '1' && l[0] <= '3' && l[1] == '\0')
		return l[0] - '0';
	return LOA_LOW;
}

/* Adds the doors that are on and reach level to the list "doors" of c, in the table's
 * order (alone: that door only; idp_none: the upstream providers' door has no provider
 * reaching level). Returns how many, or -1. */
static int
list_doors(struct web_req *r, struct tmpl_ctx *c, int level, enum login_door_id alone,
    bool idp_none)
{
	const struct login_door *t;
	size_t n;
	int shown = 0;

	t = login_door_table(&n);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *d;

		/* A door is offered when it is on and reaches the level asked; the upstream
		 * providers' door when one of its providers does (each has its ceiling). */
		if (!login_door_on(r, t[i].id) || (alone != DOOR__N && t[i].id != alone) ||
		    (t[i].id == DOOR_IDP ? idp_none : t[i].level < level))
			continue;
		d = tmpl_list_add(c, "doors");
		if (d == NULL || tmpl_set_bool(d, t[i].flag, true) != 0 ||
		    tmpl_set(d, "door_name", t[i].name) != 0 ||
		    tmpl_set_int(d, "door_level_n", t[i].level) != 0 ||
		    tmpl_set(d, "door_level", web_t(r, loa_msgid((enum loa)t[i].level))) != 0)
			return -1;
		shown++;
	}
	return shown;
}

struct tmpl_ctx *
login_page_begin(struct web_req *r, const char *next, enum login_door_id alone)
{
	return login_page_begin_at(r, next, alone, asked_level(r));
}

struct tmpl_ctx *
login_page_begin_at(struct web_req *r, const char *next, enum login_door_id alone, int level)
{
	struct web_session *s;
	struct tmpl_ctx *c;
	int shown, idps = 0;

	s = web_session_ensure(r);
	if (s == NULL)
		return NULL;
	c = web_page(r, N_("Se connecter et accéder aux services sécurisés via CSAM"));
	if (c == NULL)
		return NULL;
	tmpl_set_int(c, "level", level);
	tmpl_set_bool(c, "step_up", s->person_id != 0 && s->auth_level < level);
	/* The upstream providers reaching level (list "idps", read by the door's partial). */
	if (alone == DOOR__N && login_door_on(r, DOOR_IDP)) {
		idps = door_idp_offer(r, c, level, login_next(next));
		if (idps < 0)
			return NULL;
	}
	shown = list_doors(r, c, level, alone, idps == 0);
	if (shown < 0)
		return NULL;
	tmpl_set_bool(c, "no_door", shown == 0);
	tmpl_set_bool(c, "door_step", alone != DOOR__N);
	tmpl_set(c, "next", login_next(next));
	return c;
}

int
login_show_at(struct web_req *r, int status, int level, const char *error_msgid,
    const char *next)
{
	struct tmpl_ctx *c = login_page_begin_at(r, next, DOOR__N, level);

	if (c == NULL)
		return -1;
	tmpl_set(c, "username", "");
	if (error_msgid != NULL)
		tmpl_set(c, "door_error", web_t(r, error_msgid));
	return web_render_status(r, status, "login", c);
}

int
login_show(struct web_req *r, int status, const char *username, const char *error_msgid,
    const char *next)
{
	struct tmpl_ctx *c = login_page_begin(r, next, DOOR__N);

	if (c == NULL)
		return -1;
	tmpl_set(c, "username", username ? username : "");
	if (error_msgid != NULL)
		tmpl_set(c, "error", web_t(r, error_msgid));
	return web_render_status(r, status, "login", c);
}

static int
login_get(struct web_req *r)
{
	return login_show(r, 200, NULL, NULL, web_query(r, "next"));
}

static void
run_login(void *arg)
{
	struct login_job *j = arg;

	j->res = login_password(j->store, &j->a);
}

static int
login_done(struct web_req *r)
{
	struct login_job *j = web_deferred_arg(r);
	int rc;

	sodium_memzero(j->password, sizeof(j->password));
	if (j->res != LOGIN_OK)
		metric_login(MDOOR_PASSWORD, MRES_FAILURE);   /* success: login_session_open */
	switch (j->res) {
	case LOGIN_OK:
		/* As every door: a new session id, the language chosen before kept. */
		if (login_session_open(r, j->a.person_id, "password", LOA_LOW) != 0)
			return -1;
		return web_redirect(r, j->next);
	case LOGIN_REFUSED:
		rc = login_show(r, 401, j->username,
		    N_("Nom d'utilisateur ou mot de passe incorrect."), j->next);
		return rc;
	case LOGIN_THROTTLED: {
		/* The account waits: how long, unchecked (the same for an unknown one). */
		struct tmpl_ctx *c = login_page_begin(r, j->next, DOOR__N);
		char secs[16];

		if (c == NULL)
			return -1;
		snprintf(secs, sizeof(secs), "%d", j->a.wait_seconds > 0 ? j->a.wait_seconds : 1);
		tmpl_set(c, "username", j->username);
		tmpl_set(c, "error", web_tf(r, N_("Trop de tentatives ont échoué. Patientez {1} "
		    "secondes avant de réessayer."), secs, NULL, NULL));
		return web_render_status(r, 429, "login", c);
	}
	default:
		return -1;
	}
}

static int
login_password_post(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	const char *next = login_next(web_form(r, "next"));
	struct login_job *j;

	if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0')
		return login_show(r, 422, user, N_("Introduisez votre nom d'utilisateur et votre mot de passe."),
		    next);
	if (strlen(user) > USERNAME_MAX || strlen(pw) > PASSWORD_MAX)
		return login_show(r, 401, user, N_("Nom d'utilisateur ou mot de passe incorrect."), next);
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return -1;
	memcpy(j->username, user, strlen(user) + 1);
	memcpy(j->password, pw, strlen(pw) + 1);
	j->next = next;
	j->store = app->store;
	j->a.pwcfg = app->password;
	j->a.username = j->username;
	j->a.password = j->password;
	j->a.by = app_actor(r);
	return web_defer(r, run_login, j, login_done);
}

static int
logout(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);

	const char *next = NULL;

	if (by.person_id != 0 && login_record_logout(app->store, &by) != 0)
		log_warn(web_rid(r), "logout: audit event not written");
	/* Single Logout: the SAML SPs of this session are told in turn, then "/". */
	if (saml_app_logout(r, by.person_id, "/", &next) != 0)
		log_warn(web_rid(r), "logout: the SAML service providers are not told");
	web_session_end(r);
	return web_redirect(r, next != NULL ? next : "/");
}

int
door_password_routes(struct web_server *s)
{
	return web_route(s, "POST", "/login/password", login_password_post, 0);
}

int
login_routes(struct web_server *s, const struct login_doors *doors)
{
	if (login_door_routes(s, doors) != 0 ||
	    web_route(s, "GET", "/login", login_get, 0) != 0 ||
	    web_route(s, "POST", "/logout", logout, 0) != 0 ||
	    enrol_routes(s) != 0 || password_change_routes(s) != 0 ||
	    capacity_routes(s) != 0 || account_routes(s) != 0)
		return -1;
	return 0;
}
