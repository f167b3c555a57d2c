/* door_email.c — the door "security code by e-mail" (password+email, level low): user name
 * and password, then the code the mail brings. Both steps run on worker threads
 * (Argon2id); the service is auth/email_code.c. */
#include "apps/app.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "apps/login/login.h"
#include "auth/email_code.h"
#include "base/metrics.h"
#include "policy/loa.h"
#include "web/i18n.h"

#define USERNAME_MAX 64
#define PASSWORD_MAX 256
#define CODE_MAX 16

#define PASSWORD_REFUSED_MSGID N_("Nom d'utilisateur ou mot de passe incorrect.")
#define THROTTLED_MSGID N_("Trop de tentatives ont échoué. Patientez un moment avant de réessayer.")

struct email_view {
	const char *username;
	const char *error_msgid;
	const char *next;
	const char *challenge;    /* the second step: the token of the code sent */
};

/* The login page with the message at this door; the second step shows it alone. */
static int
email_show(struct web_req *r, int status, const struct email_view *v)
{
	bool step2 = v->challenge != NULL;
	struct tmpl_ctx *c = login_page_begin(r, v->next, step2 ? DOOR_PASSWORD_EMAIL : DOOR__N);
	struct app *app = web_app(r);
	const char *q;

	if (c == NULL)
		return -1;
	tmpl_set(c, "username", "");
	q = web_url_encode(web_arena(r), login_next(v->next));
	if (q == NULL)
		return -1;
	tmpl_set(c, "next_q", q);
	tmpl_set(c, "email_username", v->username ? v->username : "");
	if (v->error_msgid != NULL)
		tmpl_set(c, "email_error", web_t(r, v->error_msgid));
	if (step2) {
		tmpl_set(c, "email_challenge", v->challenge);
		tmpl_set_int(c, "email_minutes", app->doors->email.minutes);
		tmpl_set_int(c, "email_digits", app->doors->email.digits);
	}
	return web_render_status(r, status, "login", c);
}

struct email_job {
	struct store *store;
	const struct email_code_cfg *cfg;
	const struct mail_texts *mt;
	struct login_attempt a;
	int send;                 /* enum email_send_result of the first step */
	int check;                /* enum email_code_result of the second */
	char username[USERNAME_MAX + 1];
	char password[PASSWORD_MAX + 1];
	char code[CODE_MAX];
	char challenge[EMAIL_CODE_TOKEN_MAX];
	char binding[sizeof(((struct web_session *)0)->id)];
	const char *next;
	const char *lang;
};

static void
job_wipe(struct email_job *j)
{
	sodium_memzero(j->password, sizeof(j->password));
	sodium_memzero(j->code, sizeof(j->code));
	sodium_memzero(j->binding, sizeof(j->binding));
}

static struct email_job *
job_new(struct web_req *r, const char *user, const char *next)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct email_job *j;

	if (s == NULL)   /* the CSRF check passed: there is a session */
		return NULL;
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return NULL;
	j->store = app->store;
	j->cfg = &app->doors->email;
	j->mt = app_mail(r);
	j->next = next;
	if (user != NULL)
		memcpy(j->username, user, strlen(user) + 1);
	memcpy(j->binding, s->id, sizeof(j->binding));
	j->a.pwcfg = app->password;
	j->a.username = j->username;
	j->a.password = j->password;
	j->a.by = app_actor(r);
	j->lang = j->a.by.lang;
	return j;
}

/* ---- first step: user name and password; the code goes out ---- */

static void
run_send(void *arg)
{
	struct email_job *j = arg;

	j->send = email_code_send(j->store, &j->a, j->cfg, j->mt, j->lang, j->binding,
	    j->challenge);
}

static int
send_done(struct web_req *r)
{
	struct email_job *j = web_deferred_arg(r);
	struct email_view v = { .username = j->username, .next = j->next };
	int status;

	job_wipe(j);
	switch ((enum email_send_result)j->send) {
	case EMAIL_SEND_OK:
		v.challenge = j->challenge;
		status = email_show(r, 200, &v);
		sodium_memzero(j->challenge, sizeof(j->challenge));
		return status;
	case EMAIL_SEND_NO_ADDRESS:
		v.error_msgid = N_("Aucune adresse e-mail n'est connue pour votre compte : "
		    "choisissez un autre moyen de connexion.");
		return email_show(r, 422, &v);
	case EMAIL_SEND_LIMIT:
		v.error_msgid = N_("Trop de codes vous ont été envoyés dans l'heure. Patientez "
		    "avant d'en demander un nouveau, ou choisissez un autre moyen de connexion.");
		return email_show(r, 429, &v);
	case EMAIL_SEND_REFUSED:
		metric_login(MDOOR_EMAIL, MRES_FAILURE);
		v.error_msgid = PASSWORD_REFUSED_MSGID;
		return email_show(r, 401, &v);
	case EMAIL_SEND_THROTTLED:
		metric_login(MDOOR_EMAIL, MRES_FAILURE);
		v.error_msgid = THROTTLED_MSGID;
		return email_show(r, 429, &v);
	default:
		return -1;
	}
}

static int
email_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	struct email_view v = { .username = user, .next = login_next(web_form(r, "next")) };
	struct email_job *j;

	if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0') {
		v.error_msgid = N_("Introduisez votre nom d'utilisateur et votre mot de passe.");
		return email_show(r, 422, &v);
	}
	if (strlen(user) > USERNAME_MAX || strlen(pw) > PASSWORD_MAX) {
		v.username = "";
		v.error_msgid = PASSWORD_REFUSED_MSGID;
		return email_show(r, 401, &v);
	}
	j = job_new(r, user, v.next);
	if (j == NULL)
		return -1;
	memcpy(j->password, pw, strlen(pw) + 1);
	return web_defer(r, run_send, j, send_done);
}

/* ---- second step: the code from the mail ---- */

static void
run_check(void *arg)
{
	struct email_job *j = arg;

	j->check = email_code_check(j->store, &j->a, j->cfg, j->challenge, j->binding, j->code);
}

static int
check_done(struct web_req *r)
{
	struct email_job *j = web_deferred_arg(r);
	struct email_view v = { .username = j->username, .next = j->next };

	job_wipe(j);
	if (j->check == EMAIL_CODE_OK) {
		if (login_session_open(r, j->a.person_id, "email", LOA_LOW) != 0)
			return -1;
		return web_redirect(r, j->next);
	}
	if (j->check == EMAIL_CODE_ERROR)
		return -1;
	metric_login(MDOOR_EMAIL, MRES_FAILURE);
	switch ((enum email_code_result)j->check) {
	case EMAIL_CODE_WRONG:
		/* The same code lives on: its form again. */
		v.challenge = j->challenge;
		v.error_msgid = N_("Code incorrect. Vérifiez le code reçu par e-mail et "
		    "réessayez.");
		return email_show(r, 401, &v);
	case EMAIL_CODE_THROTTLED:
		v.error_msgid = THROTTLED_MSGID;
		return email_show(r, 429, &v);
	default:
		v.error_msgid = N_("Ce code n'est plus valable. Introduisez à nouveau votre nom "
		    "d'utilisateur et votre mot de passe pour recevoir un nouveau code.");
		return email_show(r, 401, &v);
	}
}

static int
email_code_post(struct web_req *r)
{
	const char *user = web_form(r, "username"), *code = web_form(r, "code");
	const char *challenge = web_form(r, "challenge");
	struct email_view v = { .username = user, .next = login_next(web_form(r, "next")) };
	struct email_job *j;

	if (challenge == NULL || challenge[0] == '\0' ||
	    strlen(challenge) >= EMAIL_CODE_TOKEN_MAX ||
	    (user != NULL && strlen(user) > USERNAME_MAX)) {
		v.username = "";
		v.error_msgid = N_("Ce code n'est plus valable. Introduisez à nouveau votre nom "
		    "d'utilisateur et votre mot de passe pour recevoir un nouveau code.");
		return email_show(r, 401, &v);
	}
	if (code == NULL || code[0] == '\0') {
		v.challenge = challenge;
		v.error_msgid = N_("Introduisez le code reçu par e-mail.");
		return email_show(r, 422, &v);
	}
	j = job_new(r, user, v.next);
	if (j == NULL)
		return -1;
	if (!door_code_strip(code, j->code, sizeof(j->code)))
		memcpy(j->code, "x", 2);   /* too long: a code that cannot match */
	memcpy(j->challenge, challenge, strlen(challenge) + 1);
	j->a.password = NULL;
	return web_defer(r, run_check, j, check_done);
}

int
door_email_routes(struct web_server *s)
{
	if (web_route(s, "POST", "/login/email", email_post, 0) != 0 ||
	    web_route(s, "POST", "/login/email/code", email_code_post, 0) != 0)
		return -1;
	return 0;
}
