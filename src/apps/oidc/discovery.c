/* discovery.c — /.well-known/openid-configuration (OpenID Connect Discovery 1.0) and
 * the JWKS of the published signing keys. */
#include "apps/oidc/oidc.h"

#include <stdlib.h>
#include <string.h>

#include "policy/loa.h"

static json_t *
strings(const char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && v[i] != NULL; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
endpoint(const char *issuer, const char *path)
{
	char url[OIDC_ISSUER_MAX + 64];

	if (strlen(issuer) + strlen(path) >= sizeof(url))
		return NULL;
	memcpy(url, issuer, strlen(issuer));
	memcpy(url + strlen(issuer), path, strlen(path) + 1);
	return json_string(url);
}

/* Where client certificates are asked (RFC 8705 §5): on portier's own TLS listener when
 * its handshake asks for one — https, the issuer's host, the port actually bound — or,
 * without such a listener, at the issuer itself when a trusted proxy may pass the
 * certificate it verified. NULL when neither: no aliases are published. */
static const char *
mtls_base(struct web_req *r, const char *iss)
{
	int port = web_mtls_port(r);
	const char *host = strstr(iss, "://");
	size_t n;

	if (port <= 0)
		return web_proxies_trusted(r) ? iss : NULL;
	if (host == NULL)
		return NULL;
	host += 3;
	/* An IPv6 literal keeps its brackets; otherwise the host ends at a port or path. */
	n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
	if (n == 0 || n > strlen(host))
		return NULL;
	return port == 443 ? arena_printf(web_arena(r), "https://%.*s", (int)n, host) :
	    arena_printf(web_arena(r), "https://%.*s:%d", (int)n, host, port);
}

/* The endpoints that take a client certificate (authentication, bound tokens), at base. */
static json_t *
mtls_aliases(const char *base)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "token_endpoint", endpoint(base, "/oidc/token"));
	json_object_set_new(o, "revocation_endpoint", endpoint(base, "/oidc/revoke"));
	json_object_set_new(o, "introspection_endpoint", endpoint(base, "/oidc/introspect"));
	return o;
}

static int
configuration(struct web_req *r)
{
	static const char *const scopes[] = { "openid", "profile", "email", "national_number",
	    NULL };
	static const char *const claims[] = { "sub", "iss", "aud", "exp", "iat", "auth_time",
	    "nonce", "acr", "amr", "name", "given_name", "family_name", "locale", "email",
	    "email_verified", "national_number", "organisation", "quality", "role",
	    "applications", "via", NULL };
	static const char *const langs[] = { "fr", "nl", "de", "en", NULL };
	const char *acr[] = { loa_acr(LOA_LOW), loa_acr(LOA_SUBSTANTIAL), loa_acr(LOA_HIGH),
	    NULL };
	const char *iss = oidc_issuer(r), *mtls;
	json_t *o = json_object();

	if (o == NULL)
		return -1;
	json_object_set_new(o, "issuer", json_string(iss));
	json_object_set_new(o, "authorization_endpoint", endpoint(iss, "/oidc/authorize"));
	json_object_set_new(o, "token_endpoint", endpoint(iss, "/oidc/token"));
	json_object_set_new(o, "userinfo_endpoint", endpoint(iss, "/oidc/userinfo"));
	json_object_set_new(o, "jwks_uri", endpoint(iss, "/oidc/jwks"));
	json_object_set_new(o, "end_session_endpoint", endpoint(iss, "/oidc/logout"));
	json_object_set_new(o, "introspection_endpoint", endpoint(iss, "/oidc/introspect"));
	json_object_set_new(o, "introspection_endpoint_auth_methods_supported",
	    strings((const char *[]){ "client_secret_basic", NULL }));
	json_object_set_new(o, "revocation_endpoint", endpoint(iss, "/oidc/revoke"));
	json_object_set_new(o, "pushed_authorization_request_endpoint",
	    endpoint(iss, "/oidc/par"));
	json_object_set_new(o, "require_pushed_authorization_requests", json_false());
	json_object_set_new(o, "revocation_endpoint_auth_methods_supported",
	    strings((const char *[]){ "client_secret_basic", "client_secret_post", "none",
	    "private_key_jwt", "tls_client_auth", NULL }));
	json_object_set_new(o, "scopes_supported", strings(scopes));
	json_object_set_new(o, "response_types_supported", strings((const char *[]){ "code",
	    NULL }));
	json_object_set_new(o, "response_modes_supported", strings((const char *[]){ "query",
	    "form_post", NULL }));
	json_object_set_new(o, "grant_types_supported", strings((const char *[]){
	    "authorization_code", "refresh_token", "client_credentials", NULL }));
	json_object_set_new(o, "subject_types_supported", strings((const char *[]){ "pairwise",
	    NULL }));
	json_object_set_new(o, "id_token_signing_alg_values_supported",
	    strings((const char *[]){ "RS256", "ES256", NULL }));
	json_object_set_new(o, "token_endpoint_auth_methods_supported",
	    strings((const char *[]){ "client_secret_basic", "client_secret_post", "none",
	    "private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth", NULL }));
	json_object_set_new(o, "token_endpoint_auth_signing_alg_values_supported",
	    strings((const char *[]){ "ES256", "RS256", "PS256", NULL }));
	json_object_set_new(o, "tls_client_certificate_bound_access_tokens", json_true());
	mtls = mtls_base(r, iss);
	if (mtls != NULL)
		json_object_set_new(o, "mtls_endpoint_aliases", mtls_aliases(mtls));
	json_object_set_new(o, "code_challenge_methods_supported",
	    strings((const char *[]){ "S256", NULL }));
	json_object_set_new(o, "claims_supported", strings(claims));
	json_object_set_new(o, "acr_values_supported", strings(acr));
	json_object_set_new(o, "prompt_values_supported", strings((const char *[]){ "none",
	    "login", "consent", "select_account", NULL }));
	json_object_set_new(o, "ui_locales_supported", strings(langs));
	json_object_set_new(o, "claims_locales_supported", strings(langs));
	json_object_set_new(o, "claims_parameter_supported", json_true());
	json_object_set_new(o, "request_parameter_supported", json_false());
	json_object_set_new(o, "request_uri_parameter_supported", json_false());
	json_object_set_new(o, "authorization_response_iss_parameter_supported", json_true());
	json_object_set_new(o, "frontchannel_logout_supported", json_false());
	json_object_set_new(o, "backchannel_logout_supported", json_true());
	json_object_set_new(o, "backchannel_logout_session_supported", json_true());
	web_add_header(r, "Cache-Control", "public, max-age=300");
	web_add_header(r, "Access-Control-Allow-Origin", "*");
	return oidc_json(r, 200, o);
}

static int
jwks(struct web_req *r)
{
	const struct oidc_keyring *k = oidc_keys_get(r);
	const char *doc;
	int rc;

	if (k == NULL)
		return -1;
	doc = oidc_keyring_jwks(k);
	/* Short: a client that meets an unknown kid fetches again anyway. */
	web_add_header(r, "Cache-Control", "public, max-age=60");
	web_add_header(r, "Access-Control-Allow-Origin", "*");
	rc = web_send(r, 200, "application/json", doc, strlen(doc));
	oidc_keys_put(r, k);
	return rc;
}

int
oidc_discovery_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/.well-known/openid-configuration", configuration, 0) != 0 ||
	    web_route(s, "GET", "/oidc/jwks", jwks, 0) != 0)
		return -1;
	return 0;
}
