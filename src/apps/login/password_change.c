/* password_change.c — "Modifier mon mot de passe": the current password and the new one
 * twice; policy messages at the fields; the session id rotates after a change. A person
 * without access codes yet (eID or activation session) chooses a user name here. */
#include "apps/app.h"

#include <sodium.h>
#include <string.h>

#include "apps/login/login.h"
#include "auth/account.h"
#include "auth/activation.h"
#include "auth/person.h"
#include "policy/loa.h"
#include "web/i18n.h"
#include "value/value.h"

#define PASSWORD_MAX 256
#define USERNAME_MAX 64

struct pw_view {
	const char *username;          /* first access codes: the user name typed */
	const char *error;             /* msgids */
	const char *current_error;
	const char *username_error;
	const char *fresh_error;
	const char *fresh2_error;
};

static int
pw_page(struct web_req *r, int status, const struct pw_view *v)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session_ensure(r);
	struct tmpl_ctx *c;
	const char *user = NULL;
	int rc;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Modifier mon mot de passe"));
	if (c == NULL)
		return -1;
	rc = account_username(app->store, web_arena(r), s->person_id, &user);
	if (rc < 0)
		return -1;
	tmpl_set_bool(c, "first", rc == 1);
	tmpl_set(c, "account", rc == 0 ? user : "");
	tmpl_set(c, "username", v->username ? v->username : "");
	tmpl_set_bool(c, "changed", web_query(r, "modifie") != NULL && status == 200);
	if (v->error)
		tmpl_set(c, "error", web_t(r, v->error));
	if (v->current_error)
		tmpl_set(c, "current_error", web_t(r, v->current_error));
	if (v->username_error)
		tmpl_set(c, "username_error", web_t(r, v->username_error));
	if (v->fresh_error)
		tmpl_set(c, "fresh_error", web_t(r, v->fresh_error));
	if (v->fresh2_error)
		tmpl_set(c, "fresh2_error", web_t(r, v->fresh2_error));
	return web_render_status(r, status, "account/password", c);
}

static int
pw_get(struct web_req *r)
{
	struct pw_view v = { 0 };

	if (!app_require_level(r, LOA_LOW))
		return 0;
	return pw_page(r, 200, &v);
}

struct pw_job {
	struct store *store;
	struct account_password_change c;
	enum account_result res;
	bool first;                       /* first access codes: person_set_password */
	enum password_problem problem;
	int set_rc;
	char username[USERNAME_MAX + 1];
	char current[PASSWORD_MAX + 1];
	char fresh[PASSWORD_MAX + 1];
};

static void
run_change(void *arg)
{
	struct pw_job *j = arg;

	if (j->first) {
		j->problem = person_set_password(j->store, j->c.pwcfg, &j->c.by, j->c.by.person_id,
		    j->username, j->fresh, &j->set_rc);
		return;
	}
	j->res = account_change_password(j->store, &j->c);
}

/* Gives the session a new id after the change, keeping who and how. */
static int
rotate_same(struct web_req *r)
{
	struct web_session s = *web_session(r);

	return web_session_rotate(r, &s);
}

static int
change_done(struct web_req *r)
{
	struct pw_job *j = web_deferred_arg(r);
	struct pw_view v = { .username = j->username };

	sodium_memzero(j->current, sizeof(j->current));
	sodium_memzero(j->fresh, sizeof(j->fresh));
	if (j->first) {
		if (j->problem != PASSWORD_OK) {
			v.fresh_error = password_problem_msgid(j->problem);
			return pw_page(r, 422, &v);
		}
		if (j->set_rc == -2) {
			v.username_error = N_("Ce nom d'utilisateur est déjà pris. Choisissez-en un autre.");
			return pw_page(r, 422, &v);
		}
		if (j->set_rc != 0)
			return -1;
		if (rotate_same(r) != 0)
			return -1;
		return web_redirect(r, "/compte/mot-de-passe?modifie=1");
	}
	switch (j->res) {
	case ACCOUNT_OK:
		if (rotate_same(r) != 0)
			return -1;
		return web_redirect(r, "/compte/mot-de-passe?modifie=1");
	case ACCOUNT_WRONG_CURRENT:
		v.current_error = N_("Le mot de passe actuel n'est pas correct.");
		return pw_page(r, 422, &v);
	case ACCOUNT_POLICY:
		v.fresh_error = password_problem_msgid(j->c.problem);
		return pw_page(r, 422, &v);
	case ACCOUNT_THROTTLED:
		v.error = N_("Trop de tentatives ont échoué. Patientez un moment avant de réessayer.");
		return pw_page(r, 429, &v);
	case ACCOUNT_NO_PASSWORD:
		return pw_page(r, 409, &v);
	default:
		return -1;
	}
}

static int
pw_post(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *cur = web_form(r, "current"), *fresh = web_form(r, "password");
	const char *fresh2 = web_form(r, "password2"), *user = web_form(r, "username");
	struct pw_view v = { .username = user };
	const char *account = NULL;
	enum password_problem p;
	struct pw_job *j;
	bool bad = false, first;
	int rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	rc = account_username(app->store, web_arena(r), web_session(r)->person_id, &account);
	if (rc < 0)
		return -1;
	first = rc == 1;
	/* First access codes are enrolment: eID or an activation code (part 6 of the rule). */
	if (first && !enrol_require(r))
		return 0;
	if (first) {
		if (user == NULL || user[0] == '\0') {
			v.username_error = N_("Introduisez votre nom d'utilisateur.");
			bad = true;
		} else if (!value_ok(VALUE_USERNAME, user, 0)) {
			v.username_error = N_("Le nom d'utilisateur compte de 3 à 64 caractères : "
			    "lettres sans accents, chiffres, points, tirets, « _ » ou « @ ».");
			bad = true;
		}
	} else if (cur == NULL || cur[0] == '\0') {
		v.current_error = N_("Introduisez votre mot de passe actuel.");
		bad = true;
	} else if (strlen(cur) > PASSWORD_MAX) {
		v.current_error = N_("Le mot de passe actuel n'est pas correct.");
		bad = true;
	}
	if (fresh == NULL || fresh[0] == '\0') {
		v.fresh_error = N_("Choisissez un mot de passe.");
		bad = true;
	} else if (strlen(fresh) > PASSWORD_MAX) {
		v.fresh_error = password_problem_msgid(PASSWORD_TOO_LONG);
		bad = true;
	} else if ((p = password_check(app->password, fresh, first ? user : account)) != PASSWORD_OK) {
		v.fresh_error = password_problem_msgid(p);
		bad = true;
	} else if (fresh2 == NULL || strcmp(fresh, fresh2) != 0) {
		v.fresh2_error = N_("Les deux mots de passe ne sont pas identiques.");
		bad = true;
	}
	if (bad)
		return pw_page(r, 422, &v);
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return -1;
	j->store = app->store;
	j->first = first;
	if (first)
		memcpy(j->username, user, strlen(user) + 1);
	else
		memcpy(j->current, cur, strlen(cur) + 1);
	memcpy(j->fresh, fresh, strlen(fresh) + 1);
	j->c.by = app_actor(r);
	j->c.pwcfg = app->password;
	j->c.current = j->current;
	j->c.fresh = j->fresh;
	return web_defer(r, run_change, j, change_done);
}

int
password_change_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/compte/mot-de-passe", pw_get, 0) != 0 ||
	    web_route(s, "POST", "/compte/mot-de-passe", pw_post, 0) != 0)
		return -1;
	return 0;
}
