/* introspect.c — token introspection (RFC 7662) for registered resource servers: a
 * resource server authenticates with client_secret_basic and learns whether an access
 * token meant for its audience is active, and for whom; a machine's client_credentials
 * token (no audience) is shown to any registered resource server. Anything else is
 * {"active":false}, never more. */
#include "apps/oidc/oidc.h"

#include <string.h>
#include <strings.h>

#include "oidc/access_jwt.h"
#include "oidc/claims.h"
#include "oidc/introspect.h"

/* What portier adds to the RFC's members: the claims that describe the profile. */
static const char *const profile_claims[] = { "sub", "organisation", "quality", "role",
    "applications", NULL };

static int
inactive(struct web_req *r)
{
	web_add_header(r, "Pragma", "no-cache");
	return oidc_json(r, 200, json_pack("{s:b}", "active", 0));
}

/* The answer for an active token of grant g (client c, profile d) meant for rs. */
static int
active(struct web_req *r, const struct oidc_rs *rs, const struct oidc_client *c,
    const struct oidc_grant *g, const struct fed_profile_data *d)
{
	struct app *app = web_app(r);
	json_t *claims = json_object(), *o;

	if (claims == NULL || oidc_claims(app->oidc, c, g, d, claims) != 0) {
		json_decref(claims);
		return oidc_oauth_error(r, 500, "server_error", "the claims could not be made");
	}
	o = json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:s, s:s}", "active", 1,
	    "scope", g->scope, "client_id", c->id, "token_type", "Bearer",
	    "exp", (json_int_t)g->access_expires_at,
	    "iat", (json_int_t)(g->access_expires_at - OIDC_ACCESS_TTL),
	    "aud", rs->audience, "iss", oidc_issuer(r));
	for (size_t i = 0; o != NULL && profile_claims[i] != NULL; i++) {
		json_t *v = json_object_get(claims, profile_claims[i]);

		if (v != NULL)
			json_object_set(o, profile_claims[i], v);
	}
	json_decref(claims);
	web_add_header(r, "Pragma", "no-cache");
	return oidc_json(r, 200, o);
}

/* A machine token's answer (machine_token.h): the certificate's organisation (enterprise
 * number) and quality said as in the people's claims, as far as the certificate has them;
 * cnf x5t#S256 when the token is bound to the certificate. */
static int
machine_active(struct web_req *r, const struct oidc_machine_token_info *t)
{
	json_t *o = json_pack("{s:b, s:s, s:s, s:s, s:I, s:I, s:s, s:{s:s}}", "active", 1,
	    "scope", t->scope, "client_id", t->client_id, "token_type", "Bearer",
	    "exp", (json_int_t)t->exp, "iat", (json_int_t)t->iat, "iss", oidc_issuer(r),
	    "quality", "code", t->quality);

	if (o != NULL && t->enterprise[0] != '\0' && json_object_set_new(o, "organisation",
	    json_pack("{s:s}", "enterprise_number", t->enterprise)) != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o != NULL && t->cnf_x5t != NULL && json_object_set_new(o, "cnf",
	    json_pack("{s:s}", "x5t#S256", t->cnf_x5t)) != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL)
		return oidc_oauth_error(r, 500, "server_error", "the answer could not be made");
	web_add_header(r, "Pragma", "no-cache");
	return oidc_json(r, 200, o);
}

static int
introspect(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *ct = web_header(r, "Content-Type"), *id = NULL, *secret = NULL, *token,
	    *bad = NULL;
	const struct oidc_keyring *kr = NULL;
	struct oidc_introspection in;
	int rc;

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return oidc_oauth_error(r, 400, "invalid_request",
		    "the body must be application/x-www-form-urlencoded");
	/* The form's faults are answered after the authentication, as before (401 first). */
	token = web_form(r, "token");
	if (web_repeated_param(r, true) != NULL)
		bad = "a parameter is repeated";
	else if (token == NULL)
		bad = "token is missing";
	/* The keys for a JWT access token (without them it is inactive, as an unverifiable
	 * one); the service verifies it only once the resource server is authenticated. */
	if (bad == NULL && oidc_access_jwt_shaped(token))
		kr = oidc_keys_get(r);
	/* Only registered resource servers, with client_secret_basic (RFC 7662 §2.1); the
	 * service reads the resource server and the token in one transaction. */
	rc = oidc_basic_credentials(r, &id, &secret);
	if (rc == 0)
		rc = oidc_introspect_lookup(app->store, web_arena(r), kr, oidc_issuer(r), id,
		    secret, bad == NULL ? token : NULL, &in);
	oidc_keys_put(r, kr);
	if (rc < 0)
		return oidc_oauth_error(r, 500, "server_error", "the token could not be read");
	if (rc != 0) {
		struct actor ctx = app_actor(r);

		oidc_audit_refusal(app->store, "introspect", NULL, 0, "invalid_client", &ctx);
		web_add_header(r, "WWW-Authenticate", "Basic realm=\"portier\"");
		return oidc_oauth_error(r, 401, "invalid_client",
		    "resource server authentication failed");
	}
	if (bad != NULL)
		return oidc_oauth_error(r, 400, "invalid_request", bad);
	/* Expired, revoked, unknown, or meant for another audience: the same answer. */
	if (in.kind == OIDC_INTROSPECT_GRANT)
		return active(r, &in.rs, &in.client, &in.grant, &in.profile);
	if (in.kind == OIDC_INTROSPECT_MACHINE)
		return machine_active(r, &in.machine);
	return inactive(r);
}

int
oidc_introspect_routes(struct web_server *s)
{
	/* Resource servers authenticate themselves: no CSRF token here. */
	return web_route(s, "POST", "/oidc/introspect", introspect, WEB_NO_CSRF);
}
