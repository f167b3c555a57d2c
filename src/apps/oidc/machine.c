/* machine.c — the token endpoint's client_credentials grant for machines (system
 * certificates, issue 15): mutual TLS (tls_client_auth, RFC 8705: the certificate of
 * portier's TLS listener, or a trusted proxy's header as for eID) or private_key_jwt
 * (RFC 7523); and private_key_jwt for the relying parties of people's flows. */
#include "apps/oidc/oidc.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "oidc/client_auth.h"
#include "oidc/machine_token.h"


/* A 401 invalid_client, audited with the reason (never a secret or an assertion). */
static int
refuse_client(struct web_req *r, const char *client_id, const char *reason)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);

	oidc_audit_refusal(app->store, "token", client_id, 0, reason, &ctx);
	return oidc_oauth_error(r, 401, "invalid_client", reason);
}

/* The audiences an assertion may name: the issuer and its token endpoint. */
static const char *const *
audiences(struct web_req *r)
{
	const char *iss = oidc_issuer(r);
	const char **v = arena_alloc(web_arena(r), 3 * sizeof(*v));

	if (v == NULL)
		return NULL;
	v[0] = iss;
	v[1] = arena_printf(web_arena(r), "%s/oidc/token", iss);
	v[2] = NULL;
	return v[1] != NULL ? v : NULL;
}

/* The certificate the client presented (app_client_x5t: a trusted proxy's header or
 * portier's own TLS handshake). Sets *x5t (NULL: none). 0, 1 (refused: answered) or -1. */
static int
presented_cert(struct web_req *r, const char **x5t)
{
	const char *why = NULL;
	int rc = app_client_x5t(r, x5t, &why);

	if (rc == 1)
		return refuse_client(r, web_form(r, "client_id"), why) == 0 ? 1 : -1;
	return rc;
}

/* A verified assertion's id, recorded with the token it is used for (one commit). */
struct pending_jti {
	const char *jti;
	int64_t exp;
	const char *jwks;      /* the keys registered (JWKS text or URL), checked again at the issue */
};

/* Checks a client assertion of the form (client_assertion_type, client_assertion) for
 * the client it names (client_id of the form, if given, must agree). Its jti is recorded
 * here, or, with pj, left in pj for the caller to record with its own writes. On success
 * sets *client_id and returns 0; 1 when refused (answered); -1. */
static int
assertion_parsed(struct web_req *r, const char *jwt, const struct oidc_assertion *as,
    const char **client_id, struct pending_jti *pj)
{
	struct app *app = web_app(r);
	const char *type = web_form(r, "client_assertion_type");
	const char *form_id = web_form(r, "client_id");
	const char *iss = as != NULL ? oidc_assertion_iss(as) : NULL;
	const char *jwks = NULL, *stored = NULL, *jti = NULL;
	const char *const *aud = audiences(r);
	enum oidc_assertion_error e;
	int64_t exp = 0;
	bool kept = false;
	int rc;

	*client_id = NULL;
	if (aud == NULL)
		return -1;
	if (type == NULL || strcmp(type, OIDC_ASSERTION_TYPE) != 0 || jwt == NULL)
		return refuse_client(r, form_id, "client_assertion_type must be jwt-bearer") ==
		    0 ? 1 : -1;
	if (iss == NULL)
		return refuse_client(r, form_id, "malformed assertion") == 0 ? 1 : -1;
	/* Copied: the client id outlives the parsed assertion. */
	if ((iss = arena_strdup(web_arena(r), iss)) == NULL)
		return -1;
	if (form_id != NULL && strcmp(form_id, iss) != 0)
		return refuse_client(r, form_id, "client_id differs from the assertion") == 0 ?
		    1 : -1;
	/* A machine's (pj): the registered value (JWKS text or URL) kept a few seconds,
	 * confirmed by the issue; a refusal is decided on the row's. */
	rc = pj != NULL ? oidc_client_jwks_get_kept(app->store, web_arena(r), iss, &stored,
	    &kept) : oidc_client_jwks_get(app->store, web_arena(r), iss, &stored);
	if (rc == 0)
		rc = oidc_client_jwks_resolve(web_arena(r), iss, stored, jwt, &jwks);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return refuse_client(r, iss, rc == 2 ? "the client's JWKS URL gives no keys" :
		    "no keys registered for this client") == 0 ? 1 : -1;
	e = oidc_assertion_check(jwks, as, iss, aud, clock_time(), web_arena(r), &jti, &exp);
	if (e != OIDC_ASSERTION_OK && kept) {
		oidc_client_jwks_forget(iss);
		rc = oidc_client_jwks_get(app->store, web_arena(r), iss, &stored);
		if (rc == 0)
			rc = oidc_client_jwks_resolve(web_arena(r), iss, stored, jwt, &jwks);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return refuse_client(r, iss, rc == 2 ? "the client's JWKS URL gives no "
			    "keys" : "no keys registered for this client") == 0 ? 1 : -1;
		e = oidc_assertion_check(jwks, as, iss, aud, clock_time(), web_arena(r), &jti,
		    &exp);
	}
	if (e == OIDC_ASSERTION_OK && pj != NULL) {
		pj->jti = jti;
		pj->exp = exp;
		pj->jwks = stored;   /* the registered value, which the issue compares */
	} else if (e == OIDC_ASSERTION_OK) {
		rc = oidc_assertion_jti_use(oidc_provider_batch(app->oidc), iss, jti, exp);
		if (rc < 0)
			return -1;
		if (rc > 0)
			e = OIDC_ASSERTION_REPLAY;
	}
	if (e != OIDC_ASSERTION_OK)
		return refuse_client(r, iss, oidc_assertion_reason(e)) == 0 ? 1 : -1;
	*client_id = iss;
	return 0;
}

/* The assertion of the form, split and decoded once for its issuer and its check. */
static int
assertion_auth(struct web_req *r, const char **client_id, struct pending_jti *pj)
{
	const char *jwt = web_form(r, "client_assertion");
	struct oidc_assertion *as = jwt != NULL ? oidc_assertion_parse(jwt) : NULL;
	int rc = assertion_parsed(r, jwt, as, client_id, pj);

	oidc_assertion_free(as);
	return rc;
}

int
oidc_rp_assertion_auth(struct web_req *r, struct oidc_client *c)
{
	struct app *app = web_app(r);
	const char *id = NULL;
	int rc;

	if (web_form(r, "client_secret") != NULL || web_header(r, "Authorization") != NULL) {
		oidc_oauth_error(r, 400, "invalid_request", "use one client authentication method");
		return 1;
	}
	rc = assertion_auth(r, &id, NULL);
	if (rc != 0)
		return rc;
	rc = oidc_provider_client(app->oidc, web_arena(r), id, c);
	if (rc < 0)
		return -1;
	/* Keys of a machine do not make it a relying party; only a confidential client may
	 * have keys (client add refuses them for a public one). */
	if (rc != 0 || !c->confidential)
		return refuse_client(r, id, "client authentication failed") == 0 ? 1 : -1;
	return 0;
}

/* The machine of a client id or a thumbprint: from the cache when kept (the token
 * endpoint, whose issue checks the status again), else from the row. */
static int
machine_get(struct web_req *r, bool kept, const char *id, const char *x5t,
    struct oidc_machine *m)
{
	struct app *app = web_app(r);

	return kept ? oidc_machine_get_kept(app->store, web_arena(r), id, x5t, m) :
	    oidc_machine_get(app->store, web_arena(r), id, x5t, m);
}

/* Finds the machine of the request's authentication. 0 (m, *x5t the bound certificate or
 * NULL, *method set), 1 refused (answered), -1. */
static int
machine_auth(struct web_req *r, struct oidc_machine *m, const char **x5t, const char **method,
    struct pending_jti *pj, bool kept)
{
	const char *form_id = web_form(r, "client_id"), *cert = NULL, *id = NULL;
	int rc;

	*x5t = NULL;
	if (web_form(r, "client_secret") != NULL || web_header(r, "Authorization") != NULL)
		return refuse_client(r, form_id, "machines authenticate by certificate or "
		    "private_key_jwt") == 0 ? 1 : -1;
	rc = presented_cert(r, &cert);
	if (rc != 0)
		return rc;
	if (web_form(r, "client_assertion") != NULL || web_form(r, "client_assertion_type")) {
		rc = assertion_auth(r, &id, pj);
		if (rc != 0)
			return rc;
		*method = "private_key_jwt";
		rc = machine_get(r, kept, id, NULL, m);
	} else if (cert != NULL) {
		*method = "tls_client_auth";
		rc = form_id != NULL ? machine_get(r, kept, form_id, NULL, m) :
		    machine_get(r, kept, NULL, cert, m);
	} else {
		return refuse_client(r, form_id, "client authentication is missing") == 0 ? 1 :
		    -1;
	}
	if (rc < 0)
		return -1;
	if (rc > 0)
		return refuse_client(r, id ? id : form_id, "unknown client or certificate") == 0 ?
		    1 : -1;
	/* The certificate must be the registered one (x5t#S256, constant time); with an
	 * assertion, a certificate presented too binds the token only when it is the one. */
	if (cert != NULL && sodium_memcmp(cert, m->thumbprint, OIDC_X5T_LEN) == 0 &&
	    strlen(m->thumbprint) == OIDC_X5T_LEN)
		*x5t = cert;
	else if (strcmp(*method, "tls_client_auth") == 0)
		return refuse_client(r, m->client_id, "not the registered certificate") == 0 ?
		    1 : -1;
	return 0;
}

int
oidc_machine_auth(struct web_req *r, struct oidc_machine *m)
{
	const char *x5t = NULL, *method = NULL;

	/* No pending jti: a verified assertion's jti is recorded here (no replay). */
	return machine_auth(r, m, &x5t, &method, NULL, false);
}

static int
machine_reply(struct web_req *r, const char *token, const char *scope)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s}", "access_token", token, "token_type",
	    "Bearer", "expires_in", OIDC_MACHINE_TOKEN_TTL, "scope", scope);

	if (o == NULL)
		return -1;
	web_add_header(r, "Pragma", "no-cache");
	return oidc_json(r, 200, o);
}

/* A machine's token while the group commit decides it: in the request's arena. */
struct machine_state {
	struct web_req *r;
	struct oidc_machine m;
	struct oidc_machine_issue in;
	struct actor ctx;
	char token[OIDC_TOKEN_LEN + 1];
	int rc;
};

/* On the committer's thread: the token is committed (or not); the connection goes on. */
static void
machine_decided(void *arg, int rc)
{
	struct machine_state *st = arg;

	st->rc = rc;
	web_resume(st->r);
}

/* The certificate kept was found unusable by the issue's transaction (revoked, replaced or
 * expired since): forgotten, and refused with the reason its row gives now. */
static int
refuse_unusable(struct web_req *r, const struct oidc_machine *kept)
{
	struct app *app = web_app(r);
	struct oidc_machine now;
	enum oidc_machine_state ms;
	int rc;

	oidc_machine_forget(kept->cert_id);
	oidc_client_jwks_forget(kept->client_id);
	rc = oidc_machine_get(app->store, web_arena(r), kept->client_id, NULL, &now);
	if (rc < 0)
		return oidc_oauth_error(r, 500, "server_error", "the token could not be made");
	if (rc > 0)
		return refuse_client(r, kept->client_id, "unknown client or certificate");
	ms = oidc_machine_state(&now, clock_time());
	return refuse_client(r, kept->client_id, ms != OIDC_MACHINE_USABLE ?
	    oidc_machine_state_reason(ms) : "certificate or keys changed meanwhile: try again");
}

/* Back on a connection thread: the answer. */
static int
machine_resumed(struct web_req *r)
{
	struct machine_state *st = web_deferred_arg(r);
	int rc;

	if (st->rc == 2)
		return refuse_unusable(r, &st->m);
	if (st->rc > 0)
		return refuse_client(r, st->m.client_id,
		    oidc_assertion_reason(OIDC_ASSERTION_REPLAY));
	if (st->rc < 0)
		return oidc_oauth_error(r, 500, "server_error", "the token could not be made");
	rc = machine_reply(r, st->token, st->in.scope);
	sodium_memzero(st->token, sizeof(st->token));
	return rc;
}

int
oidc_machine_grant(struct web_req *r)
{
	struct app *app = web_app(r);
	struct machine_state *st = arena_alloc(web_arena(r), sizeof(*st));
	struct oidc_machine *m;
	const char *x5t = NULL, *method = NULL, *scope = NULL;
	struct pending_jti pj = { NULL, 0, NULL };
	enum oidc_machine_state ms;
	int rc;

	if (st == NULL)
		return -1;
	st->r = r;
	st->ctx = app_actor(r);
	m = &st->m;
	rc = machine_auth(r, m, &x5t, &method, &pj, true);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	ms = oidc_machine_state(m, clock_time());
	if (ms != OIDC_MACHINE_USABLE)
		return refuse_client(r, m->client_id, oidc_machine_state_reason(ms));
	rc = oidc_machine_scope(web_arena(r), m, web_form(r, "scope"), &scope);
	if (rc < 0)
		return oidc_oauth_error(r, 400, "invalid_request", "scope is too long");
	if (rc > 0) {
		oidc_audit_refusal(app->store, "token", m->client_id, 0, "invalid_scope", &st->ctx);
		return oidc_oauth_error(r, 400, "invalid_scope",
		    "the scope must name applications of the certificate");
	}
	st->in = (struct oidc_machine_issue){ m, scope, x5t, method, pj.jti, pj.exp, pj.jwks };
	/* Suspended first: the token may be committed before submit returns. The connection
	 * thread serves others meanwhile, and the tokens of the moment share a commit. */
	web_suspend(r, st, machine_resumed);
	if (oidc_machine_token_issue_submit(oidc_provider_batch(app->oidc), &st->in, &st->ctx,
	    st->token, machine_decided, st) != 0)
		machine_decided(st, -1);
	return 0;
}
