/* access_jwt.c — JWT access tokens (RFC 9068): made from an opaque access token and its
 * grant, read back to the jti that names the grant (access_jwt.h). */
#include "oidc/access_jwt.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "fed/jws.h"
#include "oidc/claims.h"
#include "oidc/provider.h"
#include "policy/loa.h"

/* The claims of portier's profile a resource server gets beside RFC 9068's. */
static const char *const profile_claims[] = { "organisation", "quality", "role",
    "applications", NULL };

/* "<grant>." followed by the base64url hash of the random part of access. */
static int
jti_of(const char *access, char out[OIDC_JTI_MAX])
{
	const char *dot = strchr(access, '.');
	unsigned char h[32];
	size_t n;

	if (dot == NULL || (size_t)(dot - access) + 1 + 44 > OIDC_JTI_MAX)
		return -1;
	n = (size_t)(dot - access) + 1;
	memcpy(out, access, n);
	oidc_token_hash(dot + 1, h);
	return jws_b64url_encode(h, sizeof(h), out + n, OIDC_JTI_MAX - n) < 0 ? -1 : 0;
}

int
oidc_access_jwt(struct oidc_provider *p, const struct oidc_keyring *kr,
    const struct oidc_client *c, const struct oidc_grant *g,
    const struct fed_profile_data *d, const char *access, const char *aud, struct buf *out)
{
	int64_t now = clock_time();
	const char *acr = loa_acr((enum loa)g->acr_level);
	json_t *claims = json_object(), *o = json_object();
	char jti[OIDC_JTI_MAX], *payload = NULL;
	int rc = -1;

	if (claims == NULL || o == NULL || jti_of(access, jti) != 0 ||
	    oidc_claims(p, c, g, d, claims) != 0)
		goto done;
	if (json_object_set_new(o, "iss", json_string(oidc_provider_issuer(p))) != 0 ||
	    json_object_set_new(o, "exp", json_integer(now + OIDC_ACCESS_TTL)) != 0 ||
	    json_object_set_new(o, "aud", json_string(aud)) != 0 ||
	    json_object_set(o, "sub", json_object_get(claims, "sub")) != 0 ||
	    json_object_set_new(o, "client_id", json_string(c->id)) != 0 ||
	    json_object_set_new(o, "iat", json_integer(now)) != 0 ||
	    json_object_set_new(o, "jti", json_string(jti)) != 0 ||
	    json_object_set_new(o, "scope", json_string(g->scope)) != 0 ||
	    json_object_set_new(o, "auth_time", json_integer(g->auth_time)) != 0)
		goto done;
	if (acr != NULL && json_object_set_new(o, "acr", json_string(acr)) != 0)
		goto done;
	for (size_t i = 0; profile_claims[i] != NULL; i++) {
		json_t *v = json_object_get(claims, profile_claims[i]);

		if (v != NULL && json_object_set(o, profile_claims[i], v) != 0)
			goto done;
	}
	payload = json_dumps(o, JSON_COMPACT);
	if (payload == NULL)
		goto done;
	rc = jws_sign(oidc_keyring_signer_alg(kr, c->id_token_alg), "at+jwt", payload,
	    strlen(payload), out);
done:
	free(payload);
	json_decref(claims);
	json_decref(o);
	return rc;
}

bool
oidc_access_jwt_shaped(const char *token)
{
	const char *d1 = token ? strchr(token, '.') : NULL, *d2 = d1 ? strchr(d1 + 1, '.') : NULL;

	/* A JSON header in base64url begins with "eyJ" ('{"'); opaque tokens begin with a
	 * digit. */
	return d2 != NULL && strchr(d2 + 1, '.') == NULL && strncmp(token, "eyJ", 3) == 0;
}

/* The typ of the JWS header: RFC 9068 §4 wants at+jwt (or application/at+jwt). */
static bool
typ_is_at_jwt(const char *token)
{
	const char *dot = strchr(token, '.');
	unsigned char head[512];
	json_t *h;
	const char *typ;
	bool ok;
	int n;

	if (dot == NULL || (size_t)(dot - token) > 600)
		return false;
	n = jws_b64url_decode(token, (size_t)(dot - token), head, sizeof(head));
	if (n <= 0)
		return false;
	h = json_loadb((const char *)head, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	typ = json_string_value(json_object_get(h, "typ"));
	ok = typ != NULL && (strcasecmp(typ, "at+jwt") == 0 ||
	    strcasecmp(typ, "application/at+jwt") == 0);
	json_decref(h);
	return ok;
}

int
oidc_access_jwt_jti(const struct oidc_keyring *kr, const char *issuer, const char *token,
    struct arena *a, const char **jti)
{
	char kid[JWS_KID_MAX];
	const struct jws_key *k;
	const char *iss, *j;
	struct buf payload;
	json_t *obj = NULL;
	int rc = -1;

	buf_init(&payload, 64 * 1024);
	if (!oidc_access_jwt_shaped(token) || strlen(token) > 16 * 1024 ||
	    !typ_is_at_jwt(token) || jws_peek_kid(token, kid) != 0)
		goto done;
	k = oidc_keyring_find(kr, kid);
	if (k == NULL || jws_verify(k, token, &payload) != 0 || payload.data == NULL)
		goto done;
	obj = json_loadb(payload.data, payload.len, JSON_REJECT_DUPLICATES, NULL);
	iss = json_string_value(json_object_get(obj, "iss"));
	j = json_string_value(json_object_get(obj, "jti"));
	if (iss == NULL || j == NULL || strcmp(iss, issuer) != 0 || strlen(j) >= OIDC_JTI_MAX)
		goto done;
	*jti = arena_strdup(a, j);
	rc = *jti != NULL ? 0 : -1;
done:
	json_decref(obj);
	buf_free(&payload);
	return rc;
}
