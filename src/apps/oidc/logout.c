/* logout.c — RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0). With a valid
 * id_token_hint naming the person of this session the session ends at once; otherwise
 * the person confirms on a page (a form with its CSRF token). The client's grants for the
 * person are revoked. post_logout_redirect_uri must be registered exactly. */
#include "apps/oidc/oidc.h"

#include <string.h>

#include "auth/login.h"
#include "base/log.h"
#include "oidc/backchannel.h"
#include "oidc/claims.h"
#include "web/i18n.h"

struct logout_in {
	struct oidc_client client;
	bool has_client;
	const char *post_logout;     /* verified, or NULL */
	const char *state;
	char hint_sub[OIDC_SUB_LEN + 1];   /* a pairwise subject: always OIDC_SUB_LEN */
	bool has_hint;
	const char *saml_next;       /* Single Logout: the SAML SPs to tell first, or NULL */
};

/* Reads and checks the parameters; on failure answers and returns 1 (or -1). */
static int
logout_read(struct web_req *r, struct logout_in *in)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	const char *hint = oidc_param(r, "id_token_hint");
	const char *client_id = oidc_param(r, "client_id");
	const char *aud = NULL;
	int rc;

	in->post_logout = oidc_param(r, "post_logout_redirect_uri");
	in->state = oidc_param(r, "state");
	if (in->state != NULL && strlen(in->state) > OIDC_STATE_MAX)
		in->state = NULL;
	if (hint != NULL) {
		const struct oidc_keyring *k = oidc_keys_get(r);

		if (k == NULL)
			return -1;
		rc = oidc_id_token_hint(k, oidc_issuer(r), hint, web_arena(r), &aud, in->hint_sub);
		oidc_keys_put(r, k);
		if (rc != 0 || (client_id != NULL && strcmp(client_id, aud) != 0)) {
			oidc_audit_refusal(app->store, "logout", client_id, 0, "id_token_hint", &ctx);
			oidc_logout_error_page(r, 400, N_("La demande de déconnexion n'est pas "
			    "valable."));
			return 1;
		}
		in->has_hint = true;
		client_id = aud;
	}
	if (client_id != NULL) {
		rc = oidc_client_get(app->store, web_arena(r), client_id, &in->client);
		if (rc < 0)
			return -1;
		in->has_client = rc == 0;
	}
	if (in->post_logout != NULL &&
	    (!in->has_client || !oidc_client_post_logout_ok(&in->client, in->post_logout))) {
		oidc_audit_refusal(app->store, "logout", client_id, 0, "post_logout_redirect_uri",
		    &ctx);
		oidc_logout_error_page(r, 400, N_("L'adresse de retour demandée après la "
		    "déconnexion n'est pas enregistrée pour ce service. Par sécurité, vous n'y "
		    "êtes pas renvoyé."));
		return 1;
	}
	return 0;
}

/* Ends the session and the client's grants for the person; the SAML service providers of
 * the session are to be told before the way back (in->saml_next). */
static void
end_session(struct web_req *r, struct logout_in *in)
{
	struct app *app = web_app(r);
	struct web_session *s = web_session(r);
	struct actor ctx = app_actor(r);

	if (s != NULL && s->person_id != 0) {
		/* First: the relying parties with a back-channel logout URI and a live grant of
		 * this person (the client's own included) are told, and those grants end; the
		 * outbox delivers. */
		if (oidc_backchannel_person(app->store, s->person_id, "logout", &ctx) != 0)
			log_warn(web_rid(r), "oidc: back-channel logouts not queued");
		if (in->has_client && oidc_grants_revoke(app->store, in->client.id, s->person_id,
		    "logout", &ctx) != 0)
			log_warn(web_rid(r), "oidc: grants not revoked at logout");
		if (login_record_logout(app->store, &ctx) != 0)
			log_warn(web_rid(r), "oidc: logout not audited");
		if (saml_app_logout(r, s->person_id, in->post_logout == NULL ? NULL :
		    oidc_url_with(web_arena(r), in->post_logout, (const char *[]){ "state",
		    in->state, NULL }), &in->saml_next) != 0)
			log_warn(web_rid(r), "oidc: the SAML service providers are not told");
	}
	web_session_end(r);
}

/* After the logout: back to the client, or the page that says it is done. */
static int
logged_out(struct web_req *r, const struct logout_in *in, bool after_form)
{
	const char *kv[] = { "state", in->state, NULL };
	struct tmpl_ctx *c;

	if (in->saml_next != NULL)
		return web_redirect(r, in->saml_next);

	if (in->post_logout != NULL)
		return oidc_to_client(r, oidc_url_with(web_arena(r), in->post_logout, kv),
		    after_form, oidc_app_name(r, in->client.application));
	c = web_page(r, N_("Vous êtes déconnecté"));
	if (c == NULL)
		return -1;
	return web_render(r, "oidc/logged_out", c);
}

static int
logout(struct web_req *r)
{
	struct app *app = web_app(r);
	struct logout_in *in = arena_alloc(web_arena(r), sizeof(*in));
	struct web_session *s;
	struct tmpl_ctx *c;
	int rc;

	if (in == NULL)
		return -1;
	rc = logout_read(r, in);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	s = web_session(r);
	if (s == NULL || s->person_id == 0)
		return logged_out(r, in, false);
	if (in->has_hint) {
		char sub[OIDC_SUB_LEN + 1];

		if (oidc_subject(app->oidc, &in->client, s->person_id, sub) != 0)
			return -1;
		/* The hint names the person of this session: no need to ask. */
		if (strcmp(sub, in->hint_sub) == 0) {
			end_session(r, in);
			return logged_out(r, in, false);
		}
	}
	c = web_page(r, N_("Se déconnecter de portier"));
	if (c == NULL)
		return -1;
	if (in->has_client) {
		tmpl_set(c, "client_id", in->client.id);
		tmpl_set(c, "app_name", oidc_app_name(r, in->client.application));
	}
	tmpl_set(c, "post_logout", in->post_logout ? in->post_logout : "");
	tmpl_set(c, "state", in->state ? in->state : "");
	return web_render(r, "oidc/logout", c);
}

static int
logout_confirm(struct web_req *r)
{
	struct logout_in *in = arena_alloc(web_arena(r), sizeof(*in));
	int rc;

	if (in == NULL)
		return -1;
	rc = logout_read(r, in);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	end_session(r, in);
	return logged_out(r, in, true);
}

int
oidc_logout_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/oidc/logout", logout, 0) != 0 ||
	    web_route(s, "POST", "/oidc/logout", logout, WEB_NO_CSRF) != 0 ||
	    web_route(s, "POST", "/oidc/logout/confirm", logout_confirm, 0) != 0)
		return -1;
	return 0;
}
