/* enrol.c — enrolment of the second factors and the activation page: a mobile app (QR
 * code of the otpauth URI as SVG rectangles, the key in text, confirmed by a first code),
 * token cards (printable page and PDF, activated by one of their codes), and "Activer mes
 * codes d'accès" for people without eID. The enrolment rule: eID or activation code. */
#include "apps/app.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "apps/login/login.h"
#include "auth/account.h"
#include "auth/activation.h"
#include "auth/person.h"
#include "auth/tokencard.h"
#include "auth/totp.h"
#include "base/arena.h"
#include "base/log.h"
#include "pdf/pdf.h"
#include "policy/loa.h"
#include "web/i18n.h"

#define USERNAME_MAX 64
#define PASSWORD_MAX 256

/* ---- the enrolment rule ---- */

static bool
activation_session(const struct web_session *s)
{
	int64_t now = clock_time();

	return s->person_id != 0 && strcmp(s->auth_method, "activation") == 0 &&
	    now - s->auth_time >= 0 && now - s->auth_time <= ACTIVATION_SESSION_SECONDS;
}

int
enrol_require(struct web_req *r)
{
	struct web_session *s = web_session(r);

	if (s != NULL && activation_session(s))
		return 1;
	/* Otherwise eID: a lower session is sent to the login page for a step-up. */
	return app_require_level(r, LOA_HIGH);
}

/* ---- small helpers ---- */

/* "29/06/2012" of unix time t, as the guide writes dates. */
static const char *
date_text(struct web_req *r, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char out[16];

	if (localtime_r(&tt, &tm) == NULL || strftime(out, sizeof(out), "%d/%m/%Y", &tm) == 0)
		return "";
	return arena_strdup(web_arena(r), out);
}

/* The QR code of text as an SVG of black rectangles on white (one per horizontal run),
 * with a quiet zone of 4 modules: numbers only, so it is safe as trusted HTML. */
static char *
qr_svg(struct web_req *r, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct buf b;
	char *out = NULL;
	int w, size, rc = 0;

	if (qr == NULL)
		return NULL;
	w = qr->width;
	size = w + 8;
	buf_init(&b, 1 << 20);
	rc |= buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-labelledby=\"qr-caption\" shape-rendering=\"crispEdges\">"
	    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><g fill=\"#000\">",
	    size, size, size * 6, size * 6, size, size);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w; ) {
			int run = 0;

			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			if (run > 0) {
				rc |= buf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				    "height=\"1\"/>", x + 4, y + 4, run);
				x += run;
			} else {
				x++;
			}
		}
	}
	rc |= buf_puts(&b, "</g></svg>");
	if (rc == 0)
		out = arena_strdup(web_arena(r), b.data);
	buf_free(&b);
	QRcode_free(qr);
	return out;
}

/* Sets key to the translated msgid (a message next to a field), when there is one. */
static void
field_error(struct web_req *r, struct tmpl_ctx *c, const char *key, const char *msgid)
{
	if (msgid != NULL)
		tmpl_set(c, key, web_t(r, msgid));
}

/* The code typed in the form field "code" without its spaces into out (empty when too
 * long: a code that matches nothing); false when nothing was typed. */
static bool
form_code(struct web_req *r, char *out, size_t outlen)
{
	const char *code = web_form(r, "code");

	if (code == NULL || code[0] == '\0')
		return false;
	door_code_strip(code, out, outlen);
	return true;
}

/* ---- mobile app ---- */

static int
totp_page(struct web_req *r, int status, const char *error_msgid)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);
	struct web_session *s = web_session_ensure(r);
	unsigned char key[TOTP_KEY_BYTES];
	char b32[TOTP_BASE32_MAX], uri[TOTP_URI_MAX];
	const char *user = NULL;
	struct totp_status st;
	struct tmpl_ctx *c;
	char *svg;
	int rc;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Application mobile"));
	if (c == NULL)
		return -1;
	rc = account_username(app->store, web_arena(r), s->person_id, &user);
	if (rc < 0 || totp_status(app->store, s->person_id, &st) != 0)
		return -1;
	if (rc == 1) {
		/* The app comes on top of the access codes: they are chosen first. */
		tmpl_set_bool(c, "need_password", true);
		return web_render_status(r, status, "enrol/totp", c);
	}
	tmpl_set_bool(c, "active", st.active);
	if (st.active)
		tmpl_set(c, "enrolled_at", date_text(r, st.enrolled_at));
	tmpl_set_bool(c, "saved", st.active && web_query(r, "enregistre") != NULL);
	tmpl_set_bool(c, "removed", !st.active && web_query(r, "supprime") != NULL);
	if (totp_enrol_begin(app->store, &by, (int64_t)time(NULL), key) != 0)
		return -1;
	rc = -1;
	if (totp_uri(key, user, uri, sizeof(uri)) != 0 ||
	    totp_base32(key, sizeof(key), true, b32, sizeof(b32)) != 0)
		goto done;
	svg = qr_svg(r, uri);
	if (svg == NULL || tmpl_set_html(c, "qr_html", svg) != 0)
		goto done;
	tmpl_set(c, "key", b32);
	tmpl_set(c, "account", user);
	field_error(r, c, "code_error", error_msgid);
	rc = web_render_status(r, status, "enrol/totp", c);
done:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	return rc;
}

static int
totp_get(struct web_req *r)
{
	if (!enrol_require(r))
		return 0;
	return totp_page(r, 200, NULL);
}

static int
totp_confirm_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);
	char clean[16];

	if (!enrol_require(r))
		return 0;
	if (!form_code(r, clean, sizeof(clean)))
		return totp_page(r, 422, N_("Introduisez le code que l'application affiche."));
	switch (totp_enrol_confirm(app->store, &by, clean, (int64_t)time(NULL))) {
	case TOTP_OK:
		return web_redirect(r, "/enrolement/application?enregistre=1");
	case TOTP_WRONG:
	case TOTP_REPLAYED:
		return totp_page(r, 422, N_("Ce code ne correspond pas. Vérifiez que l'heure de votre "
		    "téléphone est exacte et introduisez le code affiché maintenant."));
	case TOTP_NONE:
		return totp_page(r, 422, N_("La clé affichée a expiré. Scannez le nouveau code QR "
		    "et introduisez le code affiché."));
	default:
		return -1;
	}
}

static int
totp_remove_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);

	if (!enrol_require(r))
		return 0;
	if (totp_remove(app->store, &by) < 0)
		return -1;
	return web_redirect(r, "/enrolement/application?supprime=1");
}

/* ---- token cards ---- */

static int
token_page(struct web_req *r, int status)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session_ensure(r);
	struct tokencard_status st;
	struct tmpl_ctx *c;
	const char *user = NULL;
	int rc;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Carte token"));
	if (c == NULL)
		return -1;
	rc = account_username(app->store, web_arena(r), s->person_id, &user);
	if (rc < 0 || tokencard_status(app->store, s->person_id, (int64_t)time(NULL), &st) != 0)
		return -1;
	tmpl_set_bool(c, "need_password", rc == 1);
	tmpl_set_bool(c, "active", st.active);
	tmpl_set_bool(c, "pending", st.pending);
	if (st.active) {
		tmpl_set(c, "serial", st.serial);
		tmpl_set(c, "activated_at", date_text(r, st.activated_at));
		tmpl_set_int(c, "unused", st.unused);
	}
	tmpl_set_bool(c, "activated", st.active && web_query(r, "active") != NULL);
	tmpl_set_bool(c, "revoked", !st.active && web_query(r, "revoquee") != NULL);
	return web_render_status(r, status, "enrol/token", c);
}

static int
token_get(struct web_req *r)
{
	if (!enrol_require(r))
		return 0;
	return token_page(r, 200);
}

struct issue_job {
	struct store *store;
	const struct password_cfg *pwcfg;
	struct actor by;
	struct tokencard_print card;
	int rc;
};

static void
run_issue(void *arg)
{
	struct issue_job *j = arg;

	j->rc = tokencard_issue(j->store, j->pwcfg, &j->by, &j->card);
}

static int
issue_done(struct web_req *r)
{
	struct issue_job *j = web_deferred_arg(r);
	int rc = j->rc;

	sodium_memzero(&j->card, sizeof(j->card));
	if (rc != 0)
		return -1;
	return web_redirect(r, "/enrolement/token/carte");
}

static int
token_issue_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct issue_job *j;
	const char *user = NULL;
	int rc;

	if (!enrol_require(r))
		return 0;
	rc = account_username(app->store, web_arena(r), web_session(r)->person_id, &user);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return token_page(r, 409);
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return -1;
	j->store = app->store;
	j->pwcfg = app->password;
	j->by = app_actor(r);
	return web_defer(r, run_issue, j, issue_done);
}

static int
card_page(struct web_req *r, int status, const char *error_msgid)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session_ensure(r);
	struct tokencard_print card;
	struct tmpl_ctx *c;
	struct person p;
	int rc;

	if (s == NULL)
		return -1;
	rc = tokencard_pending(app->store, s->person_id, (int64_t)time(NULL), &card);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return web_redirect(r, "/enrolement/token");
	rc = -1;
	c = web_page(r, N_("Votre nouvelle carte token"));
	if (c == NULL)
		goto done;
	if (person_get(app->store, web_arena(r), s->person_id, &p) != 0 ||
	    tmpl_setf(c, "holder", "%s %s", p.first_name, p.last_name) != 0)
		goto done;
	tmpl_set(c, "serial", card.serial);
	tmpl_set(c, "issued_at", date_text(r, card.issued_at));
	tmpl_set_int(c, "confirm_position", card.confirm_position);
	for (int row = 0; row < TOKENCARD_CODES / 4; row++) {
		struct tmpl_ctx *line = tmpl_list_add(c, "rows");

		if (line == NULL)
			goto done;
		for (int col = 0; col < 4; col++) {
			int i = col * (TOKENCARD_CODES / 4) + row;
			struct tmpl_ctx *cell = tmpl_list_add(line, "cells");

			if (cell == NULL)
				goto done;
			tmpl_set_int(cell, "n", i + 1);
			tmpl_setf(cell, "code", "%.3s %.3s", card.codes[i], card.codes[i] + 3);
		}
	}
	field_error(r, c, "code_error", error_msgid);
	rc = web_render_status(r, status, "enrol/token_card", c);
done:
	sodium_memzero(&card, sizeof(card));
	return rc;
}

static int
card_get(struct web_req *r)
{
	if (!enrol_require(r))
		return 0;
	return card_page(r, 200, NULL);
}

/* The card as an A4 PDF (malloc'd, *len its size), or NULL on error. */
static void *
card_pdf_bytes(struct web_req *r, const struct tokencard_print *card, const char *holder,
    size_t *len)
{
	struct pdf *d = pdf_new("portier", NULL);
	char num[TOKENCARD_CODES][16], code[TOKENCARD_CODES][16];
	const char *nums[TOKENCARD_CODES], *codes[TOKENCARD_CODES];
	void *out;

	if (d == NULL)
		return NULL;
	for (int i = 0; i < TOKENCARD_CODES; i++) {
		snprintf(num[i], sizeof(num[i]), "n\xc2\xb0 %d", i + 1);
		snprintf(code[i], sizeof(code[i]), "%.3s %.3s", card->codes[i], card->codes[i] + 3);
		nums[i] = num[i];
		codes[i] = code[i];
	}
	pdf_title(d, web_t(r, N_("Carte token portier")));
	pdf_field(d, web_t(r, N_("Titulaire :")), holder);
	pdf_field(d, web_t(r, N_("Numéro de carte :")), card->serial);
	pdf_field(d, web_t(r, N_("Délivrée le :")), date_text(r, card->issued_at));
	pdf_space(d, 12);
	/* 6 rows of 4 numbered codes in a frame. */
	pdf_grid(d, nums, codes, TOKENCARD_CODES, 6);
	pdf_paragraph(d,
	    web_t(r, N_("Gardez cette carte en lieu sûr et ne communiquez jamais ses codes.")), 0);
	pdf_paragraph(d, web_t(r, N_("À la connexion, portier vous demande le code d'un "
	    "numéro ; chaque code ne sert qu'une fois.")), 0);
	out = pdf_finish(d, len);
	sodium_memzero(code, sizeof(code));
	return out;
}

static int
card_pdf(struct web_req *r)
{
	struct app *app = web_app(r);
	struct tokencard_print card;
	struct person p;
	const char *holder = NULL;
	void *pdf;
	size_t len = 0;
	int rc;

	if (!enrol_require(r))
		return 0;
	rc = tokencard_pending(app->store, web_session(r)->person_id, (int64_t)time(NULL), &card);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return web_redirect(r, "/enrolement/token");
	/* The holder's name is printed whole or the card is not printed. */
	if (person_get(app->store, web_arena(r), web_session(r)->person_id, &p) == 0)
		holder = arena_printf(web_arena(r), "%s %s", p.first_name, p.last_name);
	if (holder == NULL) {
		sodium_memzero(&card, sizeof(card));
		log_err(web_rid(r), "token card: cannot read the holder");
		return -1;
	}
	pdf = card_pdf_bytes(r, &card, holder, &len);
	sodium_memzero(&card, sizeof(card));
	if (pdf == NULL) {
		log_err(web_rid(r), "token card: cannot make the PDF");
		return -1;
	}
	rc = web_send(r, 200, "application/pdf", pdf, len);
	sodium_memzero(pdf, len);
	free(pdf);
	if (rc != 0)
		return -1;
	return web_add_header(r, "Content-Disposition",
	    "attachment; filename=\"carte-token-portier.pdf\"");
}

static int
card_activate_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);
	char clean[16];

	if (!enrol_require(r))
		return 0;
	if (!form_code(r, clean, sizeof(clean)))
		return card_page(r, 422, N_("Introduisez le code demandé."));
	switch (tokencard_activate(app->store, &by, clean, (int64_t)time(NULL))) {
	case TOKENCARD_OK:
		return web_redirect(r, "/enrolement/token?active=1");
	case TOKENCARD_WRONG:
	case TOKENCARD_USED:
		return card_page(r, 422, N_("Ce code ne correspond pas au numéro demandé sur votre "
		    "nouvelle carte."));
	case TOKENCARD_NONE:
		return web_redirect(r, "/enrolement/token");
	default:
		return -1;
	}
}

static int
token_revoke_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);

	if (!enrol_require(r))
		return 0;
	if (tokencard_revoke(app->store, &by, (int64_t)time(NULL)) < 0)
		return -1;
	return web_redirect(r, "/enrolement/token?revoquee=1");
}

/* ---- "Activer mes codes d'accès" ---- */

struct act_view {
	const char *username;
	const char *error;            /* msgid for the whole form */
	const char *code_error;       /* msgids at the fields */
	const char *username_error;
	const char *password_error;
	const char *password2_error;
};

static int
activate_page(struct web_req *r, int status, const struct act_view *v)
{
	struct tmpl_ctx *c;

	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, N_("Activer mes codes d'accès"));
	if (c == NULL)
		return -1;
	tmpl_set(c, "username", v->username ? v->username : "");
	field_error(r, c, "error", v->error);
	field_error(r, c, "code_error", v->code_error);
	field_error(r, c, "username_error", v->username_error);
	field_error(r, c, "password_error", v->password_error);
	field_error(r, c, "password2_error", v->password2_error);
	return web_render_status(r, status, "enrol/activate", c);
}

static int
activate_get(struct web_req *r)
{
	struct act_view v = { 0 };

	return activate_page(r, 200, &v);
}

struct act_job {
	struct store *store;
	struct activation_attempt a;
	enum activation_result res;
	char code[64];
	char username[USERNAME_MAX + 1];
	char password[PASSWORD_MAX + 1];
};

static void
run_activate(void *arg)
{
	struct act_job *j = arg;

	j->res = activation_redeem(j->store, &j->a);
}

static int
activate_done(struct web_req *r)
{
	struct act_job *j = web_deferred_arg(r);
	struct act_view v = { .username = j->username };

	sodium_memzero(j->password, sizeof(j->password));
	sodium_memzero(j->code, sizeof(j->code));
	switch (j->res) {
	case ACTIVATION_OK:
		if (login_session_open(r, j->a.person_id, "activation", LOA_LOW) != 0)
			return -1;
		return web_redirect(r, "/activer/suite");
	case ACTIVATION_REFUSED:
		v.error = N_("Code d'activation ou nom d'utilisateur incorrect.");
		return activate_page(r, 401, &v);
	case ACTIVATION_EXPIRED:
		v.code_error = N_("Ce code d'activation a expiré ou a déjà servi. Demandez un nouveau "
		    "code au helpdesk.");
		return activate_page(r, 422, &v);
	case ACTIVATION_USERNAME:
		v.username_error = N_("Le nom d'utilisateur compte de 3 à 64 caractères : lettres "
		    "sans accents, chiffres, points, tirets, « _ » ou « @ ».");
		return activate_page(r, 422, &v);
	case ACTIVATION_TAKEN:
		v.username_error = N_("Ce nom d'utilisateur est déjà pris. Choisissez-en un autre.");
		return activate_page(r, 422, &v);
	case ACTIVATION_POLICY:
		v.password_error = password_problem_msgid(j->a.problem);
		return activate_page(r, 422, &v);
	case ACTIVATION_THROTTLED:
		v.error = N_("Trop de tentatives ont échoué. Patientez un moment avant de réessayer.");
		return activate_page(r, 429, &v);
	default:
		return -1;
	}
}

static int
activate_post(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *code = web_form(r, "code"), *user = web_form(r, "username");
	const char *pw = web_form(r, "password"), *pw2 = web_form(r, "password2");
	struct act_view v = { .username = user };
	enum password_problem p;
	struct act_job *j;
	bool bad = false;

	if (code == NULL || code[0] == '\0') {
		v.code_error = N_("Introduisez le code d'activation reçu du helpdesk.");
		bad = true;
	} else if (strlen(code) >= sizeof(j->code)) {
		v.error = N_("Code d'activation ou nom d'utilisateur incorrect.");
		bad = true;
	}
	if (user == NULL || user[0] == '\0') {
		v.username_error = N_("Introduisez votre nom d'utilisateur.");
		bad = true;
	} else if (strlen(user) > USERNAME_MAX) {
		v.username_error = N_("Le nom d'utilisateur compte de 3 à 64 caractères : lettres "
		    "sans accents, chiffres, points, tirets, « _ » ou « @ ».");
		bad = true;
	}
	if (pw == NULL || pw[0] == '\0') {
		v.password_error = N_("Choisissez un mot de passe.");
		bad = true;
	} else if (strlen(pw) > PASSWORD_MAX) {
		v.password_error = password_problem_msgid(PASSWORD_TOO_LONG);
		bad = true;
	} else if ((p = password_check(app->password, pw, user)) != PASSWORD_OK) {
		v.password_error = password_problem_msgid(p);
		bad = true;
	} else if (pw2 == NULL || strcmp(pw, pw2) != 0) {
		v.password2_error = N_("Les deux mots de passe ne sont pas identiques.");
		bad = true;
	}
	if (bad)
		return activate_page(r, 422, &v);
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return -1;
	j->store = app->store;
	memcpy(j->code, code, strlen(code) + 1);
	memcpy(j->username, user, strlen(user) + 1);
	memcpy(j->password, pw, strlen(pw) + 1);
	j->a.code = j->code;
	j->a.pwcfg = app->password;
	j->a.username = j->username;
	j->a.password = j->password;
	j->a.by = app_actor(r);
	return web_defer(r, run_activate, j, activate_done);
}

static int
activate_next(struct web_req *r)
{
	struct tmpl_ctx *c;

	if (!enrol_require(r))
		return 0;
	c = web_page(r, N_("Vos codes d'accès sont activés"));
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "door_totp_on", login_door_on(r, DOOR_PASSWORD_TOTP));
	tmpl_set_bool(c, "door_token_on", login_door_on(r, DOOR_PASSWORD_TOKENCARD));
	return web_render(r, "enrol/next", c);
}

int
enrol_totp_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/enrolement/application", totp_get, 0) != 0 ||
	    web_route(s, "POST", "/enrolement/application", totp_confirm_post, 0) != 0 ||
	    web_route(s, "POST", "/enrolement/application/supprimer", totp_remove_post, 0) != 0)
		return -1;
	return 0;
}

int
enrol_token_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/enrolement/token", token_get, 0) != 0 ||
	    web_route(s, "POST", "/enrolement/token", token_issue_post, 0) != 0 ||
	    web_route(s, "GET", "/enrolement/token/carte", card_get, 0) != 0 ||
	    web_route(s, "GET", "/enrolement/token/carte.pdf", card_pdf, 0) != 0 ||
	    web_route(s, "POST", "/enrolement/token/activer", card_activate_post, 0) != 0 ||
	    web_route(s, "POST", "/enrolement/token/revoquer", token_revoke_post, 0) != 0)
		return -1;
	return 0;
}

int
enrol_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/activer", activate_get, 0) != 0 ||
	    web_route(s, "POST", "/activer", activate_post, 0) != 0 ||
	    web_route(s, "GET", "/activer/suite", activate_next, 0) != 0)
		return -1;
	return 0;
}
