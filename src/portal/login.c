/* login.c — logging in to the portal through portier: /login sends the browser to the
 * provider's authorization endpoint (code flow, PKCE S256, state and nonce kept in the
 * session), /callback checks the state, has the code exchanged and the ID token checked,
 * lets in only people acting for a Belgian organisation with the portal's application,
 * and gives the company its agency number at the first visit; /logout ends the session
 * here and at the provider (RP-initiated logout). */
#include "portal/internal.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/utf8.h"
#include "be/be.h"

#define LOGIN_TTL 900            /* seconds a login may take at the provider */
#define PURGE_EVERY 60           /* seconds between two purges of old sessions */
#define SESSION_IDLE 1800        /* as the web layer's defaults */
#define SESSION_ABSOLUTE 43200

/* A local path to come back to: "/x…" of safe characters only, else "/". */
static const char *
safe_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || next[1] == '\\' ||
	    strlen(next) > PORTAL_NEXT_MAX)
		return "/";
	for (const char *p = next; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '\\')
			return "/";
	return next;
}

/* A page explaining why the login did not go through (status 4xx/5xx). */
static int
login_failed(struct web_req *r, int status, const char *title, const char *msgid)
{
	struct tmpl_ctx *c = web_page(r, title);

	if (c == NULL)
		return -1;
	tmpl_set(c, "message", web_t(r, msgid));
	return web_render_status(r, status, "login_failed", c);
}

/* 303 to an address of the provider (web_redirect only takes local paths). */
static int
redirect_out(struct web_req *r, const char *url)
{
	if (web_send(r, 303, "text/plain; charset=utf-8", "", 0) != 0 ||
	    web_add_header(r, "Location", url) != 0)
		return -1;
	return 0;
}

/* Sessions left behind (logins begun and never finished) are deleted now and then. */
static void
purge_sessions(struct portal *p)
{
	int64_t now = (int64_t)time(NULL), was = p->purged_at;

	if (now - was < PURGE_EVERY || !atomic_compare_exchange_strong(&p->purged_at, &was, now))
		return;
	if (pdata_sessions_purge(p->store, now - SESSION_IDLE, now - SESSION_ABSOLUTE) != 0)
		log_warn(NULL, "portal: cannot purge old sessions");
}

static int
login(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct web_session *s;
	struct portal_login l;
	char err[256];
	const char *url;
	int rc;

	purge_sessions(p);
	s = web_session_ensure(r);
	if (s == NULL)
		return web_error(r, 500);
	memset(&l, 0, sizeof(l));
	url = portal_oidc_authorize_url(p->oidc, web_arena(r), web_lang(r), &l, err, sizeof(err));
	if (url == NULL) {
		log_warn(web_rid(r), "portal: login: provider unavailable: %s", err);
		return login_failed(r, 503, N_("Connexion impossible"),
		    N_("Le service d'authentification ne répond pas. Veuillez réessayer dans "
		    "quelques instants."));
	}
	l.next = safe_next(web_query(r, "next"));
	rc = pdata_login_save(p->store, s->id, &l);
	pdata_login_wipe(&l);
	if (rc != 0)
		return web_error(r, 500);
	return redirect_out(r, url);
}

static bool
same(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL)
		return false;
	n = strlen(a);
	return n > 0 && n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* True when the claims grant the application (array "applications"). */
static bool
granted(json_t *claims, const char *application)
{
	json_t *apps = json_object_get(claims, "applications"), *v;
	size_t i;

	json_array_foreach(apps, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), application) == 0)
			return true;
	return false;
}

/* The person's name for the header: name, else given and family names; "" when the
 * token has none, NULL when the name it has cannot be used (then no login: a name is
 * never cut nor dropped). */
static const char *
person_name(struct web_req *r, json_t *claims)
{
	const char *name = json_string_value(json_object_get(claims, "name"));
	const char *given = json_string_value(json_object_get(claims, "given_name"));
	const char *family = json_string_value(json_object_get(claims, "family_name"));

	if (name != NULL)
		return ptext_ok(name, 2 * PERSON_NAME_CHARS + 1) ? name : NULL;
	if (given != NULL && family != NULL)
		return ptext_ok(given, PERSON_NAME_CHARS) && ptext_ok(family, PERSON_NAME_CHARS) ?
		    arena_printf(web_arena(r), "%s %s", given, family) : NULL;
	return "";
}

/* Lets the person in: who they are in the session (rotated), the company's first visit. */
static int
enter(struct web_req *r, json_t *claims, const char *id_token, const char *next)
{
	struct portal *p = web_app(r);
	json_t *org = json_object_get(claims, "organisation");
	const char *number = json_string_value(json_object_get(org, "enterprise_number"));
	const char *org_name = json_string_value(json_object_get(org, "name"));
	struct portal_who who = { 0 };
	struct portal_company company;
	struct web_session data;
	char digits[11];

	if (number == NULL || be_enterprise_parse(number, digits) != BE_OK ||
	    strcmp(number, digits) != 0) {
		log_info(web_rid(r), "portal: login refused: no Belgian enterprise in the profile");
		return login_failed(r, 403, N_("Accès refusé"),
		    N_("Le portail est réservé aux entreprises inscrites à la Banque-Carrefour des "
		    "Entreprises. Connectez-vous au nom d'une entreprise belge."));
	}
	if (!granted(claims, p->application)) {
		log_info(web_rid(r), "portal: login refused: %s not granted", p->application);
		return login_failed(r, 403, N_("Accès refusé"),
		    N_("Vous n'avez pas accès au Portail MEDSEIP pour cette organisation. "
		    "Demandez l'accès au gestionnaire d'accès de votre organisation."));
	}
	if (org_name == NULL)
		org_name = "";
	who.sub = json_string_value(json_object_get(claims, "sub"));
	who.name = person_name(r, claims);
	if (who.name == NULL || !ptext_ok(org_name, ORG_NAME_CHARS)) {
		log_err(web_rid(r), "portal: login refused: a name in the ID token cannot be kept");
		return web_error(r, 500);
	}
	who.enterprise = digits;
	who.org_name = org_name;
	who.id_token = id_token;
	if (pdata_user_seen(p->store, who.sub, who.name, &who.user_id) != 0 ||
	    pdata_company_visit(p->store, web_arena(r), digits, org_name, &company) != 0 ||
	    pdata_session_who_set(p->store, web_session(r)->id, &who) != 0)
		return web_error(r, 500);
	/* A new session id at login: a session fixed before cannot ride on this one. */
	data = *web_session(r);
	data.person_id = who.user_id;
	data.auth_level = 3;
	data.auth_time = (int64_t)time(NULL);
	if (web_session_rotate(r, &data) != 0) {
		web_session_end(r);
		return web_error(r, 500);
	}
	sodium_memzero(&data, sizeof(data));
	log_info(web_rid(r), "portal: login for enterprise %s (agency number %s)", digits,
	    company.agency_number);
	return web_redirect(r, next);
}

static int
callback(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct web_session *s = web_session(r);
	const char *code = web_query(r, "code"), *state = web_query(r, "state");
	const char *error = web_query(r, "error"), *id_token = NULL;
	struct portal_login l;
	json_t *claims = NULL;
	char err[256];
	enum poidc_result res;
	int rc;

	if (s == NULL || (rc = pdata_login_take(p->store, web_arena(r), s->id, &l)) == 1)
		return login_failed(r, 400, N_("Connexion impossible"),
		    N_("Cette connexion n'a pas été demandée depuis ce navigateur ou a déjà été "
		    "utilisée. Recommencez depuis la page d'accueil du portail."));
	if (rc < 0) {
		pdata_login_wipe(&l);
		return web_error(r, 500);
	}
	/* The state ties the answer to the request made from this session (CSRF of login). */
	if (!same(state, l.state)) {
		log_warn(web_rid(r), "portal: callback with a wrong state");
		rc = login_failed(r, 400, N_("Connexion impossible"),
		    N_("Cette connexion n'a pas été demandée depuis ce navigateur ou a déjà été "
		    "utilisée. Recommencez depuis la page d'accueil du portail."));
		goto done;
	}
	if ((int64_t)time(NULL) - l.started > LOGIN_TTL) {
		rc = login_failed(r, 400, N_("Connexion impossible"),
		    N_("La connexion a pris trop de temps. Recommencez depuis la page d'accueil du "
		    "portail."));
		goto done;
	}
	/* RFC 9207: an issuer named in the answer must be ours (mix-up attacks). */
	if (web_query(r, "iss") != NULL &&
	    strcmp(web_query(r, "iss"), portal_oidc_issuer(p->oidc)) != 0) {
		log_warn(web_rid(r), "portal: callback names another issuer");
		rc = login_failed(r, 403, N_("Connexion impossible"),
		    N_("La réponse du service d'authentification n'a pas pu être vérifiée. "
		    "Vous n'êtes pas connecté."));
		goto done;
	}
	if (error != NULL || code == NULL || strlen(code) > 512) {
		log_info(web_rid(r), "portal: the provider answered without a code");
		rc = login_failed(r, 403, N_("Connexion annulée"),
		    N_("La connexion n'a pas abouti auprès du service d'authentification. Vous "
		    "pouvez recommencer depuis la page d'accueil du portail."));
		goto done;
	}
	res = portal_oidc_finish(p->oidc, web_arena(r), code, &l, &claims, &id_token, err,
	    sizeof(err));
	if (res != POIDC_OK) {
		log_warn(web_rid(r), "portal: login failed: %s", err);
		if (res == POIDC_UNAVAILABLE)
			rc = login_failed(r, 503, N_("Connexion impossible"),
			    N_("Le service d'authentification ne répond pas. Veuillez réessayer dans "
			    "quelques instants."));
		else
			rc = login_failed(r, 403, N_("Connexion impossible"),
			    N_("La réponse du service d'authentification n'a pas pu être vérifiée. "
			    "Vous n'êtes pas connecté."));
		goto done;
	}
	rc = enter(r, claims, id_token, safe_next(l.next));
done:
	json_decref(claims);
	pdata_login_wipe(&l);
	return rc;
}

/* Ends the session here, then at the provider: the browser is sent to its end-session
 * endpoint by a page (a redirect after our form would break the CSP form-action rule). */
static int
logout(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct web_session *s = web_session(r);
	struct portal_who who = { 0 };
	struct tmpl_ctx *c;
	const char *url = NULL;

	if (s != NULL && pdata_session_who(p->store, s->id, web_arena(r), &who) == 0)
		url = portal_oidc_logout_url(p->oidc, web_arena(r), who.id_token);
	web_session_end(r);
	if (url == NULL)
		return web_redirect(r, "/?logout=1");
	c = web_page(r, N_("Déconnexion"));
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "logged_in", false);
	tmpl_set(c, "provider_logout", url);
	return web_render(r, "logout", c);
}

int
portal_login_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/login", login, 0) != 0 ||
	    web_route(s, "GET", "/callback", callback, 0) != 0 ||
	    web_route(s, "POST", "/logout", logout, 0) != 0)
		return -1;
	return 0;
}
