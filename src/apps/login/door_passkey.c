/* door_passkey.c — passkeys (WebAuthn) on the web: "Mon compte" → "Clés d'accès" (list,
 * add from a session at eID level, remove), the passwordless door "Clé d'accès" and the
 * door "access codes + passkey". The browser's side is static/passkey.js. */
#include "apps/app.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/login/door_eid.h"
#include "apps/login/login.h"
#include "auth/account.h"
#include "auth/passkey.h"
#include "auth/person.h"
#include "base/metrics.h"
#include "base/utf8.h"
#include "oidc/provider.h"
#include "policy/loa.h"
#include "web/i18n.h"

#define USERNAME_MAX 64
#define PASSWORD_MAX 256
#define TIMEOUT_MS 120000
#define PAGE "/compte/cles-acces"

#define FAILED_MSGID N_("La clé d'accès n'a pas été acceptée. Réessayez, ou choisissez une autre façon de vous connecter.")
#define NOJS_MSGID N_("Cette façon de se connecter demande JavaScript : activez-le, ou choisissez une autre façon de vous connecter.")
#define THROTTLED_MSGID N_("Trop de tentatives ont échoué. Patientez un moment avant de réessayer.")
#define REFUSED2_MSGID N_("Nom d'utilisateur ou mot de passe incorrect, ou aucune clé d'accès enregistrée.")

/* The server's RP id and origins (from its public URL and TLS listener) into e. */
struct rp {
	char id[256];
	char origins[2][300];
	struct wa_expect e;
};

static int
rp_of(struct web_req *r, struct rp *rp)
{
	const struct app *app = web_app(r);
	int tls = app->eid_door != NULL && app->eid_door->server != NULL ?
	    web_server_tls_port(app->eid_door->server) : 0;

	memset(rp, 0, sizeof(*rp));
	if (wa_rp_of(oidc_provider_issuer(app->oidc), tls, rp->id, sizeof(rp->id),
	    rp->origins) != 0)
		return -1;
	rp->e.rp_id = rp->id;
	rp->e.origins[0] = rp->origins[0];
	rp->e.origins[1] = rp->origins[1][0] != '\0' ? rp->origins[1] : NULL;
	return 0;
}

/* base64url of n bytes, in the request's arena. */
static const char *
b64(struct web_req *r, const unsigned char *p, size_t n)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(web_arena(r), len);

	if (out == NULL || wa_b64url_encode(p, n, out, len) != 0)
		return NULL;
	return out;
}

/* The form field name (base64url) decoded into buf (max bytes); false when absent,
 * empty, not base64url or larger. */
static bool
field_bytes(struct web_req *r, const char *name, unsigned char *buf, size_t max, size_t *n)
{
	const char *v = web_form(r, name);

	*n = 0;
	if (v == NULL || v[0] == '\0' || strlen(v) > max / 3 * 4 + 4)
		return false;
	return wa_b64url_decode(v, buf, max, n) == 0;
}

static int
send_json(struct web_req *r, json_t *j)
{
	char *s;
	int rc;

	if (j == NULL)
		return -1;
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		return -1;
	rc = web_send(r, 200, "application/json", s, strlen(s));
	free(s);
	return rc;
}

struct id_list {
	struct web_req *r;
	json_t *list;
};

static int
add_id(void *arg, const unsigned char *id, size_t n)
{
	struct id_list *l = arg;
	const char *s = b64(l->r, id, n);

	if (s == NULL)
		return -1;
	return json_array_append_new(l->list, json_pack("{s:s,s:s}", "type", "public-key",
	    "id", s));
}

/* The options of navigator.credentials.get for challenge (allow: person's credentials,
 * or none for a discoverable credential when person is 0). */
static json_t *
request_options(struct web_req *r, const struct rp *rp, const unsigned char *challenge,
    int64_t person)
{
	struct app *app = web_app(r);
	struct id_list l = { r, json_array() };
	const char *ch = b64(r, challenge, WA_CHALLENGE_BYTES);

	if (l.list == NULL || ch == NULL ||
	    (person != 0 && passkey_each_id(app->store, person, add_id, &l) != 0)) {
		json_decref(l.list);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:i,s:s,s:o}", "challenge", ch, "rpId", rp->id,
	    "timeout", TIMEOUT_MS, "userVerification", "required", "allowCredentials", l.list);
}

/* ---- "Mon compte" → "Clés d'accès" ---- */

static const char *
alg_name(int alg)
{
	return alg == WA_ALG_ES256 ? "ES256" : alg == WA_ALG_RS256 ? "RS256" : "?";
}

/* The page of the person's passkeys, with error_msgid at the form (status 422) and the
 * name typed kept. */
static int
keys_page(struct web_req *r, int status, const char *error_msgid, const char *name)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session_ensure(r);
	struct passkey_item *items;
	struct tmpl_ctx *c;
	size_t n;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Clés d'accès (passkeys)"));
	if (c == NULL || passkey_list(app->store, web_arena(r), s->person_id, &items, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "keys");

		if (it == NULL)
			return -1;
		tmpl_set_int(it, "key_id", items[i].id);
		tmpl_set(it, "key_name", items[i].name);
		tmpl_set(it, "key_alg", alg_name(items[i].alg));
		tmpl_setf(it, "key_created", "%.10s", items[i].created_at);
		tmpl_setf(it, "key_used", "%.10s", items[i].last_used_at);
	}
	tmpl_set_bool(c, "can_enrol", s->auth_level >= LOA_HIGH);
	tmpl_set_bool(c, "added", status == 200 && web_query(r, "ajoutee") != NULL);
	tmpl_set_bool(c, "removed", status == 200 && web_query(r, "supprimee") != NULL);
	tmpl_set(c, "key_name_typed", name ? name : "");
	if (error_msgid != NULL)
		tmpl_set(c, "passkey_error", web_t(r, error_msgid));
	return web_render_status(r, status, "account/passkeys", c);
}

static int
keys_get(struct web_req *r)
{
	if (!app_require_level(r, LOA_LOW) || !app_require_capacity(r))
		return 0;
	return keys_page(r, 200, NULL, NULL);
}

/* Enrolment is for sessions at eID level: 403 for any other (a page asks for the step-up
 * before; this answers scripts and forged requests). */
static struct web_session *
enrol_session(struct web_req *r)
{
	struct web_session *s = web_session(r);

	if (s == NULL || s->person_id == 0 || s->auth_level < LOA_HIGH)
		return NULL;
	return s;
}

/* POST /compte/cles-acces/options: the options of navigator.credentials.create. */
static int
register_options(struct web_req *r)
{
	struct app *app = web_app(r);
	struct web_session *s = enrol_session(r);
	unsigned char handle[PASSKEY_HANDLE_BYTES], challenge[WA_CHALLENGE_BYTES];
	struct id_list l = { r, NULL };
	struct person p;
	struct rp rp;
	const char *user = NULL, *display;
	json_t *j;
	int rc;

	if (s == NULL)
		return web_error(r, 403);
	if (rp_of(r, &rp) != 0 || passkey_user_handle(app->store, s->person_id, handle) != 0 ||
	    passkey_challenge_new(app->store, s->id, PASSKEY_REGISTER, s->person_id,
	    challenge) != 0)
		return -1;
	rc = account_username(app->store, web_arena(r), s->person_id, &user);
	if (rc < 0 || person_get(app->store, web_arena(r), s->person_id, &p) != 0)
		return -1;
	display = arena_printf(web_arena(r), "%s %s", p.first_name, p.last_name);
	if (rc != 0 || user == NULL)
		user = display;   /* no access codes: the name the person sees is theirs */
	l.list = json_array();
	if (display == NULL || l.list == NULL ||
	    passkey_each_id(app->store, s->person_id, add_id, &l) != 0) {
		json_decref(l.list);
		return -1;
	}
	/* user.id: the random handle, never the NISS; attestation none: the key's make is not
	 * asked (no prompt, no tracking); the key must verify its user. */
	j = json_pack("{s:s,s:{s:s,s:s},s:{s:s,s:s,s:s},s:[{s:s,s:i},{s:s,s:i}],s:i,s:s,"
	    "s:{s:s,s:b,s:s},s:o}",
	    "challenge", b64(r, challenge, sizeof(challenge)),
	    "rp", "id", rp.id, "name", "portier",
	    "user", "id", b64(r, handle, sizeof(handle)), "name", user, "displayName", display,
	    "pubKeyCredParams", "type", "public-key", "alg", WA_ALG_ES256,
	    "type", "public-key", "alg", WA_ALG_RS256,
	    "timeout", TIMEOUT_MS, "attestation", "none",
	    "authenticatorSelection", "residentKey", "preferred", "requireResidentKey", 0,
	    "userVerification", "required",
	    "excludeCredentials", l.list);
	sodium_memzero(handle, sizeof(handle));
	return send_json(r, j);
}

/* The name a person gives a key: trimmed, valid UTF-8, at most PASSKEY_NAME_MAX bytes;
 * default when empty. NULL when too long or not text. */
static const char *
key_name(struct web_req *r, const char *typed)
{
	size_t n;

	if (typed == NULL)
		typed = "";
	while (*typed == ' ')
		typed++;
	n = strlen(typed);
	while (n > 0 && typed[n - 1] == ' ')
		n--;
	if (n == 0)
		return web_t(r, N_("Clé d'accès"));
	if (n > PASSKEY_NAME_MAX || !utf8_valid(typed, n))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)typed[i] < 0x20)
			return NULL;
	return arena_strndup(web_arena(r), typed, n);
}

/* What the browser says it can reach the key by ("internal,hybrid"): kept when plain. */
static const char *
transports_of(struct web_req *r)
{
	const char *t = web_form(r, "transports");

	if (t == NULL || strlen(t) > PASSKEY_TRANSPORTS_MAX ||
	    strspn(t, "abcdefghijklmnopqrstuvwxyz-,") != strlen(t))
		return "";
	return t;
}

/* POST /compte/cles-acces: the answer of navigator.credentials.create. */
static int
register_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct web_session *s = enrol_session(r);
	unsigned char *cd, *att;
	size_t cdn = 0, attn = 0;
	const char *typed = web_form(r, "name"), *name;
	struct actor by = app_actor(r);
	enum passkey_result res;
	enum wa_status st;
	struct rp rp;

	if (s == NULL)
		return web_error(r, 403);
	name = key_name(r, typed);
	if (name == NULL)
		return keys_page(r, 422, N_("Le nom de la clé compte au plus 64 caractères."), typed);
	cd = arena_alloc(web_arena(r), WA_CLIENT_DATA_MAX + 1);
	att = arena_alloc(web_arena(r), WA_ATTESTATION_MAX + 1);
	if (cd == NULL || att == NULL || rp_of(r, &rp) != 0)
		return -1;
	if (!field_bytes(r, "clientDataJSON", cd, WA_CLIENT_DATA_MAX + 1, &cdn) ||
	    !field_bytes(r, "attestationObject", att, WA_ATTESTATION_MAX + 1, &attn))
		return keys_page(r, 422, NOJS_MSGID, typed);
	res = passkey_register(app->store, &by, s->id, &rp.e, cd, cdn, att, attn, name,
	    transports_of(r), &st);
	switch (res) {
	case PASSKEY_OK:
		return web_redirect(r, PAGE "?ajoutee=1");
	case PASSKEY_DUPLICATE:
		return keys_page(r, 422, N_("Cette clé d'accès est déjà enregistrée."), typed);
	case PASSKEY_REFUSED:
	case PASSKEY_NO_CHALLENGE:
		return keys_page(r, 422, N_("La clé d'accès n'a pas pu être enregistrée. Réessayez."),
		    typed);
	default:
		return -1;
	}
}

/* POST /compte/cles-acces/:id/supprimer */
static int
remove_post(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor by;
	int64_t id = web_id(web_param(r, "id"));
	int rc;

	if (!app_require_level(r, LOA_SUBSTANTIAL))
		return 0;
	if (id <= 0)
		return web_error(r, 404);
	by = app_actor(r);
	rc = passkey_remove(app->store, &by, id);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return web_error(r, 404);
	return web_redirect(r, PAGE "?supprimee=1");
}

/* ---- the doors ---- */

/* The login page with the passkey doors' state: error_msgid at door ("passkey" or
 * "passkey2"), the second step's options (JSON) when given. */
static int
door_show(struct web_req *r, int status, const char *door, const char *error_msgid,
    const char *username, const char *next, const char *options)
{
	struct tmpl_ctx *c = login_page_begin(r, next, options != NULL ? DOOR_PASSKEY : DOOR__N);
	bool second = strcmp(door, "passkey2") == 0;

	if (c == NULL)
		return -1;
	tmpl_set(c, "username", "");
	if (error_msgid != NULL)
		tmpl_set(c, second ? "passkey2_error" : "passkey_error", web_t(r, error_msgid));
	tmpl_set(c, "passkey2_username", username ? username : "");
	if (options != NULL)
		tmpl_set(c, "passkey2_options", options);
	return web_render_status(r, status, "login", c);
}

/* POST /login/passkey/options: a challenge for the passwordless door. */
static int
login_options(struct web_req *r)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	unsigned char challenge[WA_CHALLENGE_BYTES];
	struct rp rp;

	if (s == NULL)   /* the CSRF check passed: there is a session */
		return -1;
	if (rp_of(r, &rp) != 0 ||
	    passkey_challenge_new(app->store, s->id, PASSKEY_LOGIN, 0, challenge) != 0)
		return -1;
	return send_json(r, request_options(r, &rp, challenge, 0));
}

struct answer {
	unsigned char id[WA_CRED_ID_MAX + 1], cd[WA_CLIENT_DATA_MAX + 1];
	unsigned char ad[WA_AUTH_DATA_MAX + 1], sig[WA_SIG_MAX + 1];
	unsigned char uh[WA_USER_HANDLE_MAX + 1];
	struct passkey_assertion as;
};

/* The answer of navigator.credentials.get from the form; NULL when a field is missing
 * (no script ran) or malformed. */
static struct answer *
answer_of(struct web_req *r)
{
	struct answer *a = arena_alloc(web_arena(r), sizeof(*a));
	const char *uh = web_form(r, "userHandle");

	if (a == NULL)
		return NULL;
	memset(&a->as, 0, sizeof(a->as));
	if (!field_bytes(r, "credentialId", a->id, sizeof(a->id), &a->as.cred_id_len) ||
	    !field_bytes(r, "clientDataJSON", a->cd, sizeof(a->cd), &a->as.client_data_len) ||
	    !field_bytes(r, "authenticatorData", a->ad, sizeof(a->ad), &a->as.auth_data_len) ||
	    !field_bytes(r, "signature", a->sig, sizeof(a->sig), &a->as.sig_len))
		return NULL;
	if (uh != NULL && uh[0] != '\0' &&
	    !field_bytes(r, "userHandle", a->uh, sizeof(a->uh), &a->as.user_handle_len))
		return NULL;
	a->as.cred_id = a->id;
	a->as.client_data = a->cd;
	a->as.auth_data = a->ad;
	a->as.sig = a->sig;
	a->as.user_handle = a->uh;
	return a;
}

/* The passkey step of either door: a session at level substantial, or the refusal. */
static int
assert_post(struct web_req *r, bool second)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	const char *door = second ? "passkey2" : "passkey";
	const char *next = login_next(web_form(r, "next"));
	struct login_attempt a = { 0 };
	struct answer *ans;
	enum login_result res;
	struct rp rp;

	if (s == NULL)
		return -1;
	ans = answer_of(r);
	if (ans == NULL) {
		metric_login(metric_door_of(door), MRES_FAILURE);
		return door_show(r, 422, door, NOJS_MSGID, NULL, next, NULL);
	}
	if (rp_of(r, &rp) != 0)
		return -1;
	a.pwcfg = app->password;
	a.by = app_actor(r);
	res = passkey_login(app->store, &a, s->id, second, &rp.e, &ans->as);
	switch (res) {
	case LOGIN_OK:
		if (login_session_open(r, a.person_id, door, LOA_SUBSTANTIAL) != 0)
			return -1;
		return web_redirect(r, next);
	case LOGIN_REFUSED:
		metric_login(metric_door_of(door), MRES_FAILURE);
		return door_show(r, 401, door, FAILED_MSGID, NULL, next, NULL);
	case LOGIN_THROTTLED:
		return door_show(r, 429, door, THROTTLED_MSGID, NULL, next, NULL);
	default:
		return -1;
	}
}

static int
login_post(struct web_req *r)
{
	return assert_post(r, false);
}

static int
second_assert_post(struct web_req *r)
{
	return assert_post(r, true);
}

/* ---- "codes d'accès + clé d'accès", first step (Argon2id on a worker) ---- */

struct second_job {
	struct store *store;
	struct login_attempt a;
	enum login_result res;
	char username[USERNAME_MAX + 1];
	char password[PASSWORD_MAX + 1];
	char binding[sizeof(((struct web_session *)0)->id)];
	unsigned char challenge[WA_CHALLENGE_BYTES];
	const char *next;
};

static void
run_second(void *arg)
{
	struct second_job *j = arg;

	j->res = passkey_second_begin(j->store, &j->a, j->binding, j->challenge);
}

static int
second_done(struct web_req *r)
{
	struct second_job *j = web_deferred_arg(r);
	struct rp rp;
	json_t *opts;
	char *s;
	int rc;

	sodium_memzero(j->password, sizeof(j->password));
	sodium_memzero(j->binding, sizeof(j->binding));
	switch (j->res) {
	case LOGIN_OK:
		break;
	case LOGIN_REFUSED:
		metric_login(metric_door_of("passkey2"), MRES_FAILURE);
		return door_show(r, 401, "passkey2", REFUSED2_MSGID, j->username, j->next, NULL);
	case LOGIN_THROTTLED:
		return door_show(r, 429, "passkey2", THROTTLED_MSGID, j->username, j->next, NULL);
	default:
		return -1;
	}
	if (rp_of(r, &rp) != 0)
		return -1;
	opts = request_options(r, &rp, j->challenge, j->a.person_id);
	s = opts ? json_dumps(opts, JSON_COMPACT) : NULL;
	json_decref(opts);
	if (s == NULL)
		return -1;
	rc = door_show(r, 200, "passkey2", NULL, j->username, j->next, s);
	free(s);
	return rc;
}

static int
second_post(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *user = web_form(r, "username"), *pw = web_form(r, "password");
	const char *next = login_next(web_form(r, "next"));
	struct web_session *s = web_session(r);
	struct second_job *j;

	if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0')
		return door_show(r, 422, "passkey2",
		    N_("Introduisez votre nom d'utilisateur et votre mot de passe."), user, next, NULL);
	if (strlen(user) > USERNAME_MAX || strlen(pw) > PASSWORD_MAX)
		return door_show(r, 401, "passkey2", REFUSED2_MSGID, user, next, NULL);
	if (s == NULL)
		return -1;
	j = arena_alloc(web_arena(r), sizeof(*j));
	if (j == NULL)
		return -1;
	memset(j, 0, sizeof(*j));
	memcpy(j->username, user, strlen(user) + 1);
	memcpy(j->password, pw, strlen(pw) + 1);
	memcpy(j->binding, s->id, sizeof(j->binding));
	j->next = next;
	j->store = app->store;
	j->a.pwcfg = app->password;
	j->a.username = j->username;
	j->a.password = j->password;
	j->a.by = app_actor(r);
	return web_defer(r, run_second, j, second_done);
}

int
door_passkey_routes(struct web_server *s)
{
	if (web_route(s, "GET", PAGE, keys_get, 0) != 0 ||
	    web_route(s, "POST", PAGE "/options", register_options, 0) != 0 ||
	    web_route(s, "POST", PAGE, register_post, 0) != 0 ||
	    web_route(s, "POST", PAGE "/:id/supprimer", remove_post, 0) != 0 ||
	    web_route(s, "POST", "/login/passkey/options", login_options, 0) != 0 ||
	    web_route(s, "POST", "/login/passkey", login_post, 0) != 0 ||
	    web_route(s, "POST", "/login/passkey2", second_post, 0) != 0 ||
	    web_route(s, "POST", "/login/passkey2/assert", second_assert_post, 0) != 0)
		return -1;
	return 0;
}
