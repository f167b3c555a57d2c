/* oidc_client.c — the relying-party side of OpenID Connect for the portal: discovery and
 * JWKS cached per process (the JWKS fetched again when a token names an unknown kid), the
 * authorization URL, the token request, ID-token validation (idtoken.c), userinfo. */
#include "portal/oidc_client.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/log.h"
#include "portal/http.h"
#include "portal/idtoken.h"

#define DOC_MAX (64 * 1024)          /* discovery, token and userinfo answers */
#define JWKS_REFETCH 10              /* seconds between two fetches for an unknown kid */
#define LEEWAY 60                    /* clock skew allowed, seconds */
#define IAT_MAX_AGE 600              /* an ID token older than this is refused */

struct endpoints {
	char authorization[POIDC_URL_MAX + 1];
	char token[POIDC_URL_MAX + 1];
	char userinfo[POIDC_URL_MAX + 1];
	char jwks[POIDC_URL_MAX + 1];
	char end_session[POIDC_URL_MAX + 1];   /* "" when the provider has none */
};

struct portal_oidc {
	char issuer[POIDC_URL_MAX + 1];
	char client_id[128];
	char client_secret[256];
	char redirect_uri[POIDC_URL_MAX + 1];
	char post_logout_uri[POIDC_URL_MAX + 1];
	char scope[128];
	pthread_mutex_t lock;            /* guards what follows */
	bool discovered;
	struct endpoints ep;
	struct portal_jwks *jwks;
	int64_t jwks_at;
};

static int
copy(char *dst, size_t n, const char *src)
{
	if (src == NULL || strlen(src) >= n)
		return -1;
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

struct portal_oidc *
portal_oidc_new(const struct portal_oidc_config *c)
{
	struct portal_oidc *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	if (copy(o->issuer, sizeof(o->issuer), c->issuer) != 0 ||
	    copy(o->client_id, sizeof(o->client_id), c->client_id) != 0 ||
	    copy(o->client_secret, sizeof(o->client_secret), c->client_secret) != 0 ||
	    copy(o->redirect_uri, sizeof(o->redirect_uri), c->redirect_uri) != 0 ||
	    copy(o->post_logout_uri, sizeof(o->post_logout_uri), c->post_logout_uri) != 0 ||
	    copy(o->scope, sizeof(o->scope), c->scope ? c->scope : "openid profile") != 0) {
		free(o);
		return NULL;
	}
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

void
portal_oidc_free(struct portal_oidc *o)
{
	if (o == NULL)
		return;
	portal_jwks_free(o->jwks);
	pthread_mutex_destroy(&o->lock);
	sodium_memzero(o->client_secret, sizeof(o->client_secret));
	free(o);
}

const char *
portal_oidc_issuer(const struct portal_oidc *o)
{
	return o->issuer;
}

static int
fetch_json(const char *url, const char *bearer, json_t **out, long *status, char *err,
    size_t errlen)
{
	struct phttp_resp r;

	*out = NULL;
	if (phttp_get(url, bearer, DOC_MAX, &r, err, errlen) != 0)
		return -1;
	*status = r.status;
	*out = json_loadb(r.body.data, r.body.len, JSON_REJECT_DUPLICATES, NULL);
	phttp_resp_free(&r);
	if (*out == NULL || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		snprintf(err, errlen, "%s: answer %ld is not a JSON object", url, *status);
		return -1;
	}
	return 0;
}

static int
discover(struct portal_oidc *o, struct endpoints *ep, char *err, size_t errlen)
{
	char url[POIDC_URL_MAX + 64];
	const char *iss;
	json_t *doc;
	long status = 0;
	int rc = -1;

	snprintf(url, sizeof(url), "%s/.well-known/openid-configuration", o->issuer);
	if (fetch_json(url, NULL, &doc, &status, err, errlen) != 0)
		return -1;
	iss = json_string_value(json_object_get(doc, "issuer"));
	if (status != 200) {
		snprintf(err, errlen, "discovery answered %ld", status);
	} else if (iss == NULL || strcmp(iss, o->issuer) != 0) {
		/* OIDC Discovery §4.3: the issuer must be exactly the one asked. */
		snprintf(err, errlen, "discovery names another issuer");
	} else if (phttp_endpoint(doc, "authorization_endpoint", true, ep->authorization,
	    sizeof(ep->authorization)) != 0 ||
	    phttp_endpoint(doc, "token_endpoint", true, ep->token, sizeof(ep->token)) != 0 ||
	    phttp_endpoint(doc, "userinfo_endpoint", true, ep->userinfo,
	    sizeof(ep->userinfo)) != 0 ||
	    phttp_endpoint(doc, "jwks_uri", true, ep->jwks, sizeof(ep->jwks)) != 0 ||
	    phttp_endpoint(doc, "end_session_endpoint", false, ep->end_session,
	    sizeof(ep->end_session)) != 0) {
		snprintf(err, errlen, "discovery lacks an endpoint or has a bad one");
	} else if (!phttp_lists(doc, "id_token_signing_alg_values_supported", "ES256") ||
	    !phttp_lists(doc, "code_challenge_methods_supported", "S256")) {
		snprintf(err, errlen, "the provider signs without ES256 or has no PKCE S256");
	} else {
		rc = 0;
	}
	json_decref(doc);
	return rc;
}

/* The endpoints, fetched on first need. The network is never used under the lock. */
static int
endpoints_get(struct portal_oidc *o, struct endpoints *out, char *err, size_t errlen)
{
	struct endpoints ep;

	pthread_mutex_lock(&o->lock);
	if (o->discovered) {
		*out = o->ep;
		pthread_mutex_unlock(&o->lock);
		return 0;
	}
	pthread_mutex_unlock(&o->lock);
	if (discover(o, &ep, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&o->lock);
	o->ep = ep;
	o->discovered = true;
	pthread_mutex_unlock(&o->lock);
	*out = ep;
	return 0;
}

/* Makes sure the JWKS holds kid ("" = any), fetching it when missing or unknown kid
 * (at most every JWKS_REFETCH seconds). */
static int
jwks_ensure(struct portal_oidc *o, const struct endpoints *ep, const char *kid, char *err,
    size_t errlen)
{
	struct portal_jwks *fresh = NULL;
	int64_t now = (int64_t)time(NULL);
	bool need;

	pthread_mutex_lock(&o->lock);
	need = o->jwks == NULL || (kid[0] != '\0' && !portal_jwks_has(o->jwks, kid) &&
	    now - o->jwks_at >= JWKS_REFETCH);
	pthread_mutex_unlock(&o->lock);
	if (!need)
		return 0;
	if (phttp_jwks(ep->jwks, &fresh, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&o->lock);
	portal_jwks_free(o->jwks);
	o->jwks = fresh;
	o->jwks_at = now;
	pthread_mutex_unlock(&o->lock);
	return 0;
}

int
portal_oidc_discover(struct portal_oidc *o, char *err, size_t errlen)
{
	struct endpoints ep;

	if (endpoints_get(o, &ep, err, errlen) != 0)
		return -1;
	return jwks_ensure(o, &ep, "", err, errlen);
}

static void
random_b64(char out[64])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	portal_b64url_encode(raw, sizeof(raw), out, 64);
	sodium_memzero(raw, sizeof(raw));
}

char *
portal_oidc_authorize_url(struct portal_oidc *o, struct arena *a, const char *lang,
    struct portal_login *l, char *err, size_t errlen)
{
	struct endpoints ep;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char challenge[64];

	if (endpoints_get(o, &ep, err, errlen) != 0)
		return NULL;
	/* In the request's arena: the caller wipes them (pdata_login_wipe). */
	l->state = arena_alloc(a, 64);
	l->nonce = arena_alloc(a, 64);
	l->verifier = arena_alloc(a, 64);
	if (l->state == NULL || l->nonce == NULL || l->verifier == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	random_b64(l->state);
	random_b64(l->nonce);
	random_b64(l->verifier);
	l->started = (int64_t)time(NULL);
	crypto_hash_sha256(hash, (const unsigned char *)l->verifier, strlen(l->verifier));
	portal_b64url_encode(hash, sizeof(hash), challenge, sizeof(challenge));
	return arena_printf(a, "%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s"
	    "&state=%s&nonce=%s&code_challenge=%s&code_challenge_method=S256&ui_locales=%s",
	    ep.authorization, strchr(ep.authorization, '?') ? '&' : '?',
	    phttp_encode(a, o->client_id), phttp_encode(a, o->redirect_uri),
	    phttp_encode(a, o->scope), l->state, l->nonce, challenge, phttp_encode(a, lang));
}

/* POST to the token endpoint; the JSON answer in *out. */
static enum poidc_result
token_request(struct portal_oidc *o, struct arena *a, const struct endpoints *ep,
    const char *code, const char *verifier, json_t **out, char *err, size_t errlen)
{
	const char *body;
	int rc;

	*out = NULL;
	body = arena_printf(a, "grant_type=authorization_code&code=%s&redirect_uri=%s"
	    "&code_verifier=%s", phttp_encode(a, code), phttp_encode(a, o->redirect_uri),
	    phttp_encode(a, verifier));
	if (body == NULL) {
		snprintf(err, errlen, "out of memory");
		return POIDC_UNAVAILABLE;
	}
	rc = phttp_token(ep->token, o->client_id, o->client_secret, body, DOC_MAX, out, err,
	    errlen);
	return rc == 0 ? POIDC_OK : rc > 0 ? POIDC_REFUSED : POIDC_UNAVAILABLE;
}

static enum poidc_result
check_id_token(struct portal_oidc *o, const struct endpoints *ep, const char *token,
    const char *nonce, json_t **claims, char *err, size_t errlen)
{
	struct idtoken_expect e = {
		.issuer = o->issuer, .client_id = o->client_id, .nonce = nonce,
		.now = (int64_t)time(NULL), .leeway = LEEWAY, .max_age = IAT_MAX_AGE,
	};
	enum idtoken_error ie;
	char kid[128];

	if (idtoken_peek_kid(token, kid, sizeof(kid)) != 0) {
		snprintf(err, errlen, "ID token: %s", idtoken_error_text(IDT_MALFORMED));
		return POIDC_INVALID;
	}
	if (jwks_ensure(o, ep, kid, err, errlen) != 0)
		return POIDC_UNAVAILABLE;
	pthread_mutex_lock(&o->lock);
	ie = idtoken_verify(o->jwks, token, &e, claims);
	pthread_mutex_unlock(&o->lock);
	if (ie != IDT_OK) {
		snprintf(err, errlen, "ID token: %s", idtoken_error_text(ie));
		return POIDC_INVALID;
	}
	return POIDC_OK;
}

static enum poidc_result
userinfo(const struct endpoints *ep, const char *access, json_t *claims, char *err,
    size_t errlen)
{
	const char *sub = json_string_value(json_object_get(claims, "sub")), *usub;
	json_t *doc;
	long status = 0;
	enum poidc_result rc = POIDC_INVALID;

	if (fetch_json(ep->userinfo, access, &doc, &status, err, errlen) != 0)
		return POIDC_UNAVAILABLE;
	usub = json_string_value(json_object_get(doc, "sub"));
	if (status != 200) {
		snprintf(err, errlen, "userinfo answered %ld", status);
	} else if (usub == NULL || sub == NULL || strlen(usub) != strlen(sub) ||
	    sodium_memcmp(usub, sub, strlen(sub)) != 0) {
		/* OIDC Core §5.3.2: a userinfo of another subject must not be used. */
		snprintf(err, errlen, "userinfo is about another subject");
	} else {
		/* The signed claims stay as they are; userinfo only adds what they lack. */
		rc = json_object_update_missing(claims, doc) == 0 ? POIDC_OK : POIDC_UNAVAILABLE;
	}
	json_decref(doc);
	return rc;
}

enum poidc_result
portal_oidc_finish(struct portal_oidc *o, struct arena *a, const char *code,
    const struct portal_login *l, json_t **claims, const char **id_token, char *err,
    size_t errlen)
{
	struct endpoints ep;
	json_t *tok = NULL;
	const char *idt, *access, *type;
	enum poidc_result rc;

	*claims = NULL;
	*id_token = NULL;
	if (endpoints_get(o, &ep, err, errlen) != 0)
		return POIDC_UNAVAILABLE;
	rc = token_request(o, a, &ep, code, l->verifier, &tok, err, errlen);
	if (rc != POIDC_OK)
		return rc;
	idt = json_string_value(json_object_get(tok, "id_token"));
	access = json_string_value(json_object_get(tok, "access_token"));
	type = json_string_value(json_object_get(tok, "token_type"));
	if (idt == NULL || access == NULL || type == NULL || strcasecmp(type, "Bearer") != 0 ||
	    strlen(access) > 1024) {
		snprintf(err, errlen, "token answer lacks id_token, access_token or Bearer type");
		rc = POIDC_INVALID;
		goto done;
	}
	rc = check_id_token(o, &ep, idt, l->nonce, claims, err, errlen);
	if (rc == POIDC_OK)
		rc = userinfo(&ep, access, *claims, err, errlen);
	if (rc == POIDC_OK) {
		*id_token = arena_strdup(a, idt);
		if (*id_token == NULL)
			rc = POIDC_UNAVAILABLE;
	}
done:
	if (rc != POIDC_OK) {
		json_decref(*claims);
		*claims = NULL;
	}
	json_decref(tok);
	return rc;
}

char *
portal_oidc_logout_url(struct portal_oidc *o, struct arena *a, const char *id_token)
{
	struct endpoints ep;
	char err[256];

	if (endpoints_get(o, &ep, err, sizeof(err)) != 0) {
		log_warn(NULL, "portal: logout at the provider skipped: %s", err);
		return NULL;
	}
	if (ep.end_session[0] == '\0')
		return NULL;
	return arena_printf(a, "%s%cclient_id=%s&post_logout_redirect_uri=%s%s%s", ep.end_session,
	    strchr(ep.end_session, '?') ? '&' : '?', phttp_encode(a, o->client_id),
	    phttp_encode(a, o->post_logout_uri), id_token && id_token[0] ? "&id_token_hint=" : "",
	    id_token && id_token[0] ? phttp_encode(a, id_token) : "");
}
