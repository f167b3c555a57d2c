/* door_code.c — the doors that add a one-time code to the access codes: a code from a
 * mobile app (TOTP) or from a personal token card; and their enrolment (routes of the
 * files named in login.h). Checks run on worker threads (Argon2id). */
#include "apps/app.h"

#include <sodium.h>
#include <string.h>

#include "apps/login/login.h"
#include "auth/login.h"
#include "auth/tokencard.h"
#include "auth/totp.h"
#include "base/metrics.h"
#include "policy/loa.h"
#include "web/i18n.h"

#define USERNAME_MAX 64
#define PASSWORD_MAX 256
#define CODE_MAX 16

/* One message for every refusal of a code door: wrong password, unknown account, wrong,
 * replayed or missing code. */
#define REFUSED_MSGID N_("Nom d'utilisateur, mot de passe ou code incorrect.")
#define THROTTLED_MSGID N_("Trop de tentatives ont échoué. Patientez un moment avant de réessayer.")
/* The first step of the token door checks the access codes: the password door's answer. */
#define PASSWORD_REFUSED_MSGID N_("Nom d'utilisateur ou mot de passe incorrect.")

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
	bool step2 = v->challenge != NULL;
	bool totp = strcmp(v->door, "totp") == 0;
	struct tmpl_ctx *c = login_page_begin(r, v->next, step2 ? DOOR_PASSWORD_TOKENCARD :
	    DOOR__N);
	const char *q;

	if (c == NULL)
		return -1;
	tmpl_set(c, "username", "");
	q = web_url_encode(web_arena(r), login_next(v->next));
	if (q == NULL)
		return -1;
	tmpl_set(c, "next_q", q);
	tmpl_set(c, totp ? "totp_username" : "token_username", v->username ? v->username : "");
	if (v->error_msgid != NULL)
		tmpl_set(c, totp ? "totp_error" : "token_error", web_t(r, v->error_msgid));
	if (step2) {
		tmpl_set(c, "token_challenge", v->challenge);
		tmpl_set_int(c, "token_position", v->position);
	}
	return web_render_status(r, status, "login", c);
}

/* The answer to a code door's attempt that did not succeed: refused_msgid (401), or wait
 * (429); -1 on errors. */
static int
code_refused(struct web_req *r, struct code_view *v, enum login_result res,
    const char *refused_msgid)
{
	metric_login(metric_door_of(v->door), MRES_FAILURE);
	switch (res) {
	case LOGIN_REFUSED:
		v->error_msgid = refused_msgid;
		return code_show(r, 401, v);
	case LOGIN_THROTTLED:
		v->error_msgid = THROTTLED_MSGID;
		return code_show(r, 429, v);
	default:
		return -1;
	}
}

bool
door_code_strip(const char *in, char *out, size_t outlen)
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
	const char *door;         /* "totp" or "token", also the session's method */
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

/* The job of an attempt at the door of v, with the user name of v and password pw (either
 * may be NULL); the page to return to is v->next. */
static struct code_job *
job_new(struct web_req *r, const struct code_view *v, const char *pw)
{
	struct app *app = web_app(r);
	struct code_job *j = arena_alloc(web_arena(r), sizeof(*j));

	if (j == NULL)
		return NULL;
	j->store = app->store;
	j->door = v->door;
	j->next = v->next;
	if (v->username != NULL)
		memcpy(j->username, v->username, strlen(v->username) + 1);
	if (pw != NULL)
		memcpy(j->password, pw, strlen(pw) + 1);
	j->a.pwcfg = app->password;
	j->a.username = j->username;
	j->a.password = j->password;
	j->a.by = app_actor(r);
	return j;
}

/* The end of an attempt with a code, at either door: a session at level substantial and
 * back to the page that asked, or the login page with the refusal. */
static int
code_done(struct web_req *r)
{
	struct code_job *j = web_deferred_arg(r);
	struct code_view v = { .door = j->door, .username = j->username, .next = j->next };

	job_wipe(j);
	if (j->res != LOGIN_OK)
		return code_refused(r, &v, j->res, REFUSED_MSGID);
	if (login_session_open(r, j->a.person_id, j->door, LOA_SUBSTANTIAL) != 0)
		return -1;
	return web_redirect(r, j->next);
}

/* ---- "Avec un code unique, généré par une application mobile" ---- */

static void
run_totp(void *arg)
{
	struct code_job *j = arg;

	j->res = totp_login(j->store, &j->a, j->code);
}

static int
totp_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	const char *code = web_form(r, "code");
	struct code_view v = { .door = "totp", .username = user,
	    .next = login_next(web_form(r, "next")) };
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
	j = job_new(r, &v, pw);
	if (j == NULL)
		return -1;
	door_code_strip(code, j->code, sizeof(j->code));
	return web_defer(r, run_totp, j, code_done);
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
	if (j->res != LOGIN_OK)
		return code_refused(r, &v, j->res, PASSWORD_REFUSED_MSGID);
	v.challenge = j->challenge;
	v.position = j->position;
	rc = code_show(r, 200, &v);
	sodium_memzero(j->challenge, sizeof(j->challenge));
	return rc;
}

static int
token_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	struct code_view v = { .door = "token", .username = user,
	    .next = login_next(web_form(r, "next")) };
	struct web_session *s = web_session(r);
	struct code_job *j;

	if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0') {
		v.error_msgid = N_("Introduisez votre nom d'utilisateur et votre mot de passe.");
		return code_show(r, 422, &v);
	}
	if (strlen(user) > USERNAME_MAX || strlen(pw) > PASSWORD_MAX) {
		v.error_msgid = PASSWORD_REFUSED_MSGID;
		return code_show(r, 401, &v);
	}
	if (s == NULL)   /* the CSRF check passed: there is a session */
		return -1;
	j = job_new(r, &v, pw);
	if (j == NULL)
		return -1;
	memcpy(j->binding, s->id, sizeof(j->binding));
	return web_defer(r, run_token_begin, j, token_begin_done);
}

static void
run_token_finish(void *arg)
{
	struct code_job *j = arg;

	j->res = tokencard_login_finish(j->store, &j->a, j->challenge, j->binding, j->code);
}

static int
token_code_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *code = web_form(r, "code");
	const char *challenge = web_form(r, "challenge"), *pos = web_form(r, "position");
	struct code_view v = { .door = "token", .username = user,
	    .next = login_next(web_form(r, "next")) };
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
	j = job_new(r, &v, NULL);
	if (j == NULL)
		return -1;
	if (!door_code_strip(code, j->code, sizeof(j->code)))
		memcpy(j->code, "x", 2);   /* too long: a code that cannot match */
	memcpy(j->challenge, challenge, strlen(challenge) + 1);
	memcpy(j->binding, s->id, sizeof(j->binding));
	j->a.password = NULL;
	return web_defer(r, run_token_finish, j, code_done);
}

int
door_totp_routes(struct web_server *s)
{
	if (web_route(s, "POST", "/login/totp", totp_post, 0) != 0 ||
	    enrol_totp_routes(s) != 0)
		return -1;
	return 0;
}

int
door_token_routes(struct web_server *s)
{
	if (web_route(s, "POST", "/login/token", token_post, 0) != 0 ||
	    web_route(s, "POST", "/login/token/code", token_code_post, 0) != 0 ||
	    enrol_token_routes(s) != 0)
		return -1;
	return 0;
}
