/* machine.c — the token endpoint's client_credentials grant for machines (system
 * certificates, issue 15): mutual TLS (tls_client_auth, RFC 8705: the certificate of
 * portier's TLS listener, or a trusted proxy's header as for eID) or private_key_jwt
 * (RFC 7523); and private_key_jwt for the relying parties of people's flows. */
#include "apps/oidc/oidc.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "apps/login/door_eid.h"
#include "auth/eid.h"
#include "base/clock.h"
#include "base/log.h"
#include "oidc/client_auth.h"
#include "oidc/machine_token.h"

#define PEM_MAX (16 * 1024)

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

/* The certificate the client presented: from a trusted proxy's header or from portier's
 * own TLS handshake. Sets *x5t (NULL: none). 0, 1 (refused: answered) or -1. */
static int
presented_cert(struct web_req *r, const char **x5t)
{
	struct app *app = web_app(r);
	const struct eid_door *door = app->eid_door;
	const char *name = door != NULL && door->proxy_header ? door->proxy_header :
	    "X-SSL-Client-Cert";
	const char *hdr = web_header(r, name);
	char *t = arena_alloc(web_arena(r), OIDC_X5T_LEN + 1);
	const unsigned char *der;
	size_t len;

	*x5t = NULL;
	if (t == NULL)
		return -1;
	if (hdr != NULL && hdr[0] != '\0') {
		char *pem = arena_alloc(web_arena(r), PEM_MAX);
		long n;

		/* As eID: only the TCP peer that is a trusted proxy on the plain listener. */
		if (door == NULL || !eid_proxies_trusted(door->proxies, web_peer(r)) ||
		    !web_via_proxy(r)) {
			log_warn(web_rid(r), "oidc: %s header from %s, not a trusted proxy: refused",
			    name, web_peer(r));
			return refuse_client(r, web_form(r, "client_id"),
			    "certificate header from an untrusted peer") == 0 ? 1 : -1;
		}
		if (pem == NULL)
			return -1;
		n = eid_header_decode(hdr, pem, PEM_MAX - 1);
		if (n < 0 || (pem[n] = '\0', oidc_x5t_pem(pem, (size_t)n, t)) != 0)
			return refuse_client(r, web_form(r, "client_id"),
			    "certificate header is not URL-escaped PEM") == 0 ? 1 : -1;
		*x5t = t;
		return 0;
	}
	der = web_client_cert(r, 0, &len);
	if (der == NULL)
		return 0;
	if (oidc_x5t_der(der, len, t) != 0)
		return -1;
	*x5t = t;
	return 0;
}

/* A verified assertion's id, recorded with the token it is used for (one commit). */
struct pending_jti {
	const char *jti;
	int64_t exp;
};

/* Checks a client assertion of the form (client_assertion_type, client_assertion) for
 * the client it names (client_id of the form, if given, must agree). Its jti is recorded
 * here, or, with pj, left in pj for the caller to record with its own writes. On success
 * sets *client_id and returns 0; 1 when refused (answered); -1. */
static int
assertion_auth(struct web_req *r, const char **client_id, struct pending_jti *pj)
{
	struct app *app = web_app(r);
	const char *type = web_form(r, "client_assertion_type");
	const char *jwt = web_form(r, "client_assertion");
	const char *form_id = web_form(r, "client_id");
	const char *iss = NULL, *jwks = NULL, *jti = NULL;
	const char *const *aud = audiences(r);
	enum oidc_assertion_error e;
	int64_t exp = 0;
	int rc;

	*client_id = NULL;
	if (aud == NULL)
		return -1;
	if (type == NULL || strcmp(type, OIDC_ASSERTION_TYPE) != 0 || jwt == NULL)
		return refuse_client(r, form_id, "client_assertion_type must be jwt-bearer") ==
		    0 ? 1 : -1;
	if (oidc_assertion_issuer(web_arena(r), jwt, &iss) != 0)
		return refuse_client(r, form_id, "malformed assertion") == 0 ? 1 : -1;
	if (form_id != NULL && strcmp(form_id, iss) != 0)
		return refuse_client(r, form_id, "client_id differs from the assertion") == 0 ?
		    1 : -1;
	rc = oidc_client_jwks_for(app->store, web_arena(r), iss, jwt, &jwks);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return refuse_client(r, iss, rc == 2 ? "the client's JWKS URL gives no keys" :
		    "no keys registered for this client") == 0 ? 1 : -1;
	e = oidc_assertion_verify(jwks, jwt, iss, aud, clock_time(), web_arena(r), &jti, &exp);
	if (e == OIDC_ASSERTION_OK && pj != NULL) {
		pj->jti = jti;
		pj->exp = exp;
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

/* Finds the machine of the request's authentication. 0 (m, *x5t the bound certificate or
 * NULL, *method set), 1 refused (answered), -1. */
static int
machine_auth(struct web_req *r, struct oidc_machine *m, const char **x5t, const char **method,
    struct pending_jti *pj)
{
	struct app *app = web_app(r);
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
		rc = oidc_machine_get(app->store, web_arena(r), id, NULL, m);
	} else if (cert != NULL) {
		*method = "tls_client_auth";
		rc = form_id != NULL ? oidc_machine_get(app->store, web_arena(r), form_id, NULL, m) :
		    oidc_machine_get(app->store, web_arena(r), NULL, cert, m);
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
	return machine_auth(r, m, &x5t, &method, NULL);
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

int
oidc_machine_grant(struct web_req *r)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);
	struct oidc_machine *m = arena_alloc(web_arena(r), sizeof(*m));
	char token[OIDC_TOKEN_LEN + 1];
	const char *x5t = NULL, *method = NULL, *scope = NULL;
	struct pending_jti pj = { NULL, 0 };
	struct oidc_machine_issue in;
	enum oidc_machine_state st;
	int rc;

	if (m == NULL)
		return -1;
	rc = machine_auth(r, m, &x5t, &method, &pj);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	st = oidc_machine_state(m, clock_time());
	if (st != OIDC_MACHINE_USABLE)
		return refuse_client(r, m->client_id, oidc_machine_state_reason(st));
	rc = oidc_machine_scope(web_arena(r), m, web_form(r, "scope"), &scope);
	if (rc < 0)
		return oidc_oauth_error(r, 400, "invalid_request", "scope is too long");
	if (rc > 0) {
		oidc_audit_refusal(app->store, "token", m->client_id, 0, "invalid_scope", &ctx);
		return oidc_oauth_error(r, 400, "invalid_scope",
		    "the scope must name applications of the certificate");
	}
	in = (struct oidc_machine_issue){ m, scope, x5t, method, pj.jti, pj.exp };
	rc = oidc_machine_token_issue(oidc_provider_batch(app->oidc), &in, &ctx, token);
	if (rc > 0)
		return refuse_client(r, m->client_id, oidc_assertion_reason(OIDC_ASSERTION_REPLAY));
	if (rc < 0)
		return oidc_oauth_error(r, 500, "server_error", "the token could not be made");
	rc = machine_reply(r, token, scope);
	sodium_memzero(token, sizeof(token));
	return rc;
}
