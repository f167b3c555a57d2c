/* door_code.c — the doors that add a one-time code to the access codes: a code from a
 * mobile app (TOTP) or from a personal token card; and their enrolment (routes of the
 * files named in login.h). Checks run on worker threads (Argon2id). */
#include "apps/app.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "apps/login/login.h"
#include "auth/login.h"
#include "auth/tokencard.h"
#include "auth/totp.h"
#include "policy/loa.h"
#include "web/i18n.h"

#define USERNAME_MAX 64
#define PASSWORD_MAX 256
#define CODE_MAX 16

/* One message for every refusal of a code door: wrong password, unknown account, wrong,
 * replayed or missing code. */
#define REFUSED_MSGID N_("Nom d'utilisateur, mot de passe ou code incorrect.")
#define THROTTLED_MSGID N_("Trop de tentatives ont échoué. Patientez un moment avant de réessayer.")

const char *
door_code_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strlen(next) > 1024)
		return "/";
	return next;
}

/* The level a page asked for (query or form "level"), 1 to 3. */
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

struct code_view {
	const char *door;         /* "totp" or "token": the door the message belongs to */
	const char *username;
	const char *error_msgid;
	const char *next;
	const char *challenge;    /* token door, second step: the challenge token */
	int position;             /* … and the position asked */
};

/* The login page with the message at the door it belongs to (login_show puts it at the
 * access-codes door); the second step of the token door shows that door alone. */
static int
code_show(struct web_req *r, int status, const struct code_view *v)
{
	struct web_session *s = web_session_ensure(r);
	bool step2 = v->challenge != NULL;
	bool totp = strcmp(v->door, "totp") == 0;
	struct tmpl_ctx *c;
	int level = asked_level(r);
	const char *err, *q;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Se connecter et accéder aux services sécurisés"));
	if (c == NULL)
		return -1;
	err = v->error_msgid ? web_t(r, v->error_msgid) : NULL;
	tmpl_set_int(c, "level", level);
	tmpl_set_bool(c, "step_up", s->person_id != 0 && s->auth_level < level);
	tmpl_set_bool(c, "door_password", !step2 && level <= LOA_LOW);
	tmpl_set_bool(c, "door_code", level <= LOA_SUBSTANTIAL);
	tmpl_set_bool(c, "door_eid", !step2);
	tmpl_set(c, "username", "");
	tmpl_set(c, "next", door_code_next(v->next));
	q = web_url_encode(web_arena(r), door_code_next(v->next));
	if (q == NULL)
		return -1;
	tmpl_set(c, "next_q", q);
	tmpl_set(c, totp ? "totp_username" : "token_username", v->username ? v->username : "");
	if (err != NULL)
		tmpl_set(c, totp ? "totp_error" : "token_error", err);
	if (step2) {
		tmpl_set(c, "token_challenge", v->challenge);
		tmpl_set_int(c, "token_position", v->position);
	}
	return web_render_status(r, status, "login", c);
}

/* A code as typed ("123 456" or "123456") without spaces into out; false when too long. */
static bool
strip_code(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ')
			continue;
		if (n + 1 >= outlen) {
			out[0] = '\0';
			return false;
		}
		out[n++] = *in;
	}
	out[n] = '\0';
	return true;
}

struct code_job {
	struct store *store;
	struct login_attempt a;
	enum login_result res;
	char username[USERNAME_MAX + 1];
	char password[PASSWORD_MAX + 1];
	char code[CODE_MAX];
	char challenge[TOKENCARD_TOKEN_MAX];
	char binding[sizeof(((struct web_session *)0)->id)];
	int position;
	const char *next;
};

static void
job_wipe(struct code_job *j)
{
	sodium_memzero(j->password, sizeof(j->password));
	sodium_memzero(j->code, sizeof(j->code));
	sodium_memzero(j->binding, sizeof(j->binding));
}

/* Opens the session of a code door: new id, level substantial. */
static int
open_session(struct web_req *r, int64_t person, const char *method, const char *next)
{
	struct web_session s = { 0 };
	const struct web_session *cur = web_session(r);

	if (cur != NULL)
		memcpy(s.lang, cur->lang, sizeof(s.lang));
	s.person_id = person;
	snprintf(s.auth_method, sizeof(s.auth_method), "%s", method);
	s.auth_level = LOA_SUBSTANTIAL;
	s.auth_time = (int64_t)time(NULL);
	if (web_session_rotate(r, &s) != 0)
		return -1;
	return web_redirect(r, next);
}

static struct code_job *
job_new(struct web_req *r, const char *user, const char *pw)
{
	struct app *app = web_app(r);
	struct code_job *j = arena_alloc(web_arena(r), sizeof(*j));

	if (j == NULL)
		return NULL;
	j->store = app->store;
	if (user != NULL)
		memcpy(j->username, user, strlen(user) + 1);
	if (pw != NULL)
		memcpy(j->password, pw, strlen(pw) + 1);
	j->a.username = j->username;
	j->a.password = j->password;
	j->a.source = web_client(r);
	j->a.request_id = web_rid(r);
	return j;
}

/* ---- "Avec un code unique, généré par une application mobile" ---- */

static void
run_totp(void *arg)
{
	struct code_job *j = arg;

	j->res = totp_login(j->store, &j->a, j->code);
}

static int
totp_done(struct web_req *r)
{
	struct code_job *j = web_deferred_arg(r);
	struct code_view v = { .door = "totp", .username = j->username, .next = j->next };

	job_wipe(j);
	switch (j->res) {
	case LOGIN_OK:
		return open_session(r, j->a.person_id, "totp", j->next);
	case LOGIN_REFUSED:
		v.error_msgid = REFUSED_MSGID;
		return code_show(r, 401, &v);
	case LOGIN_THROTTLED:
		v.error_msgid = THROTTLED_MSGID;
		return code_show(r, 429, &v);
	default:
		return -1;
	}
}

static int
totp_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	const char *code = web_form(r, "code");
	struct code_view v = { .door = "totp", .username = user,
	    .next = door_code_next(web_form(r, "next")) };
	struct code_job *j;

	if (user == NULL || pw == NULL || code == NULL || user[0] == '\0' || pw[0] == '\0' ||
	    code[0] == '\0') {
		v.error_msgid = N_("Introduisez votre nom d'utilisateur, votre mot de passe et le code.");
		return code_show(r, 422, &v);
	}
	if (strlen(user) > USERNAME_MAX || strlen(pw) > PASSWORD_MAX || strlen(code) >= CODE_MAX) {
		v.error_msgid = REFUSED_MSGID;
		return code_show(r, 401, &v);
	}
	j = job_new(r, user, pw);
	if (j == NULL)
		return -1;
	strip_code(code, j->code, sizeof(j->code));
	j->next = v.next;
	return web_defer(r, run_totp, j, totp_done);
}

/* ---- "Avec votre token": user name + password, then "Code n° 17" ---- */

static void
run_token_begin(void *arg)
{
	struct code_job *j = arg;

	j->res = tokencard_login_begin(j->store, &j->a, j->binding, j->challenge, &j->position);
}

static int
token_begin_done(struct web_req *r)
{
	struct code_job *j = web_deferred_arg(r);
	struct code_view v = { .door = "token", .username = j->username, .next = j->next };
	int rc;

	job_wipe(j);
	switch (j->res) {
	case LOGIN_OK:
		v.challenge = j->challenge;
		v.position = j->position;
		rc = code_show(r, 200, &v);
		sodium_memzero(j->challenge, sizeof(j->challenge));
		return rc;
	case LOGIN_REFUSED:
		/* The first step checks the access codes: the password door's answer. */
		v.error_msgid = N_("Nom d'utilisateur ou mot de passe incorrect.");
		return code_show(r, 401, &v);
	case LOGIN_THROTTLED:
		v.error_msgid = THROTTLED_MSGID;
		return code_show(r, 429, &v);
	default:
		return -1;
	}
}

static int
token_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	struct code_view v = { .door = "token", .username = user,
	    .next = door_code_next(web_form(r, "next")) };
	struct web_session *s = web_session(r);
	struct code_job *j;

	if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0') {
		v.error_msgid = N_("Introduisez votre nom d'utilisateur et votre mot de passe.");
		return code_show(r, 422, &v);
	}
	if (strlen(user) > USERNAME_MAX || strlen(pw) > PASSWORD_MAX) {
		v.error_msgid = N_("Nom d'utilisateur ou mot de passe incorrect.");
		return code_show(r, 401, &v);
	}
	if (s == NULL)   /* the CSRF check passed: there is a session */
		return -1;
	j = job_new(r, user, pw);
	if (j == NULL)
		return -1;
	memcpy(j->binding, s->id, sizeof(j->binding));
	j->next = v.next;
	return web_defer(r, run_token_begin, j, token_begin_done);
}

static void
run_token_finish(void *arg)
{
	struct code_job *j = arg;

	j->res = tokencard_login_finish(j->store, &j->a, j->challenge, j->binding, j->code);
}

static int
token_finish_done(struct web_req *r)
{
	struct code_job *j = web_deferred_arg(r);
	struct code_view v = { .door = "token", .username = j->username, .next = j->next };

	job_wipe(j);
	switch (j->res) {
	case LOGIN_OK:
		return open_session(r, j->a.person_id, "token", j->next);
	case LOGIN_REFUSED:
		v.error_msgid = REFUSED_MSGID;
		return code_show(r, 401, &v);
	case LOGIN_THROTTLED:
		v.error_msgid = THROTTLED_MSGID;
		return code_show(r, 429, &v);
	default:
		return -1;
	}
}

static int
token_code_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *code = web_form(r, "code");
	const char *challenge = web_form(r, "challenge"), *pos = web_form(r, "position");
	struct code_view v = { .door = "token", .username = user,
	    .next = door_code_next(web_form(r, "next")) };
	struct web_session *s = web_session(r);
	struct code_job *j;

	if (challenge == NULL || challenge[0] == '\0' || strlen(challenge) >= TOKENCARD_TOKEN_MAX ||
	    (user != NULL && strlen(user) > USERNAME_MAX)) {
		v.error_msgid = REFUSED_MSGID;
		return code_show(r, 401, &v);
	}
	if (code == NULL || code[0] == '\0') {
		/* Nothing typed: the same challenge again (it is still unused). */
		v.challenge = challenge;
		v.position = 0;
		if (pos != NULL && strlen(pos) <= 2)
			for (const char *p = pos; *p >= '0' && *p <= '9'; p++)
				v.position = v.position * 10 + (*p - '0');
		v.error_msgid = N_("Introduisez le code demandé.");
		return code_show(r, 422, &v);
	}
	if (s == NULL)
		return -1;
	j = job_new(r, user, NULL);
	if (j == NULL)
		return -1;
	if (!strip_code(code, j->code, sizeof(j->code)))
		memcpy(j->code, "x", 2);   /* too long: a code that cannot match */
	memcpy(j->challenge, challenge, strlen(challenge) + 1);
	memcpy(j->binding, s->id, sizeof(j->binding));
	j->a.password = NULL;
	j->next = v.next;
	return web_defer(r, run_token_finish, j, token_finish_done);
}

int
door_code_routes(struct web_server *s)
{
	if (web_route(s, "POST", "/login/totp", totp_post, 0) != 0 ||
	    web_route(s, "POST", "/login/token", token_post, 0) != 0 ||
	    web_route(s, "POST", "/login/token/code", token_code_post, 0) != 0 ||
	    enrol_routes(s) != 0 || password_change_routes(s) != 0 ||
	    capacity_routes(s) != 0 || account_routes(s) != 0)
		return -1;
	return 0;
}
