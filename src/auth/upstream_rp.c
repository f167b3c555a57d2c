/* upstream_rp.c — portier as a relying party of an upstream provider: discovery and JWKS
 * cached per provider for a bounded time (portal/http.c for HTTP, TLS always verified),
 * the authorization URL (code flow, PKCE S256), the code exchange (client_secret_basic or
 * private_key_jwt) and the full check of the ID token (portal/idtoken.c) and its claims. */
#include "auth/upstream.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/clock.h"
#include "be/be.h"
#include "fed/jws.h"
#include "policy/loa.h"
#include "portal/http.h"
#include "portal/idtoken.h"

#define DOC_MAX (64 * 1024)          /* discovery and token answers */
#define CACHE_N 16                   /* providers whose documents are kept */
#define CACHE_TTL 300                /* seconds a discovery document and JWKS are trusted */
#define JWKS_REFETCH 10              /* seconds between two fetches for an unknown kid */
#define IAT_MAX_AGE 600              /* an ID token older than this is refused */
#define ASSERTION_TTL 60             /* seconds a private_key_jwt assertion is valid */

struct endpoints {
	char authorization[UPSTREAM_URL_MAX + 1];
	char token[UPSTREAM_URL_MAX + 1];
	char jwks[UPSTREAM_URL_MAX + 1];
};

struct cached {
	char id[UPSTREAM_ID_MAX + 1];
	char issuer[UPSTREAM_URL_MAX + 1];   /* a provider changed at its issuer is another */
	int64_t at;                          /* when discovered; 0: empty slot */
	struct endpoints ep;
	struct portal_jwks *jwks;
	int64_t jwks_at;
};

struct upstream_rp {
	pthread_mutex_t lock;
	struct cached c[CACHE_N];
};

struct upstream_rp *
upstream_rp_new(void)
{
	struct upstream_rp *rp = calloc(1, sizeof(*rp));

	if (rp != NULL)
		pthread_mutex_init(&rp->lock, NULL);
	return rp;
}

void
upstream_rp_free(struct upstream_rp *rp)
{
	if (rp == NULL)
		return;
	for (size_t i = 0; i < CACHE_N; i++)
		portal_jwks_free(rp->c[i].jwks);
	pthread_mutex_destroy(&rp->lock);
	free(rp);
}

int
upstream_acr_level(const char *acr)
{
	static const struct {
		const char *acr;
		int level;
	} map[] = {
		{ "http://eidas.europa.eu/LoA/low", LOA_LOW },
		{ "http://eidas.europa.eu/LoA/substantial", LOA_SUBSTANTIAL },
		{ "http://eidas.europa.eu/LoA/high", LOA_HIGH },
		{ "http://itsme.services/v2/claim/acr_basic", LOA_LOW },
		{ "http://itsme.services/v2/claim/acr_advanced", LOA_SUBSTANTIAL },
	};
	int l = loa_from_acr(acr);

	if (l != LOA_NONE)
		return l;
	for (size_t i = 0; acr != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].acr, acr) == 0)
			return map[i].level;
	/* Absent or unknown: the least a login is, never more. */
	return LOA_LOW;
}

static int
discover(const struct upstream_idp *idp, struct endpoints *ep, char *err, size_t errlen)
{
	char url[UPSTREAM_URL_MAX + 64];
	struct phttp_resp r;
	json_t *doc = NULL;
	const char *iss;
	int rc = -1;

	snprintf(url, sizeof(url), "%s/.well-known/openid-configuration", idp->issuer);
	if (phttp_get(url, NULL, DOC_MAX, &r, err, errlen) != 0)
		return -1;
	if (r.status == 200)
		doc = json_loadb(r.body.data, r.body.len, JSON_REJECT_DUPLICATES, NULL);
	iss = json_string_value(json_object_get(doc, "issuer"));
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "discovery answered %ld without a JSON object", r.status);
	} else if (iss == NULL || strcmp(iss, idp->issuer) != 0) {
		/* OIDC Discovery §4.3: the issuer must be exactly the one asked. */
		snprintf(err, errlen, "discovery names another issuer");
	} else if (phttp_endpoint(doc, "authorization_endpoint", true, ep->authorization,
	    sizeof(ep->authorization)) != 0 ||
	    phttp_endpoint(doc, "token_endpoint", true, ep->token, sizeof(ep->token)) != 0 ||
	    phttp_endpoint(doc, "jwks_uri", true, ep->jwks, sizeof(ep->jwks)) != 0) {
		snprintf(err, errlen, "discovery lacks an endpoint or has a bad one");
	} else if ((!phttp_lists(doc, "id_token_signing_alg_values_supported", "ES256") &&
	    !phttp_lists(doc, "id_token_signing_alg_values_supported", "RS256")) ||
	    !phttp_lists(doc, "code_challenge_methods_supported", "S256")) {
		snprintf(err, errlen, "the provider signs with neither ES256 nor RS256 or has no "
		    "PKCE S256");
	} else {
		rc = 0;
	}
	json_decref(doc);
	phttp_resp_free(&r);
	return rc;
}

/* The slot of idp (under the lock): its own when cached and fresh, else NULL. */
static struct cached *
slot_of(struct upstream_rp *rp, const struct upstream_idp *idp, int64_t now)
{
	for (size_t i = 0; i < CACHE_N; i++) {
		struct cached *c = &rp->c[i];

		if (c->at != 0 && strcmp(c->id, idp->id) == 0 && strcmp(c->issuer, idp->issuer) == 0)
			return now - c->at < CACHE_TTL ? c : NULL;
	}
	return NULL;
}

/* Stores a fresh discovery and JWKS for idp (under the lock), in its slot or the oldest. */
static void
slot_put(struct upstream_rp *rp, const struct upstream_idp *idp, const struct endpoints *ep,
    struct portal_jwks *jwks, int64_t now)
{
	struct cached *c = &rp->c[0];

	for (size_t i = 0; i < CACHE_N; i++) {
		if (rp->c[i].at != 0 && strcmp(rp->c[i].id, idp->id) == 0) {
			c = &rp->c[i];
			break;
		}
		if (rp->c[i].at < c->at)
			c = &rp->c[i];
	}
	portal_jwks_free(c->jwks);
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", idp->id);
	snprintf(c->issuer, sizeof(c->issuer), "%s", idp->issuer);
	c->ep = *ep;
	c->jwks = jwks;
	c->at = now;
	c->jwks_at = now;
}

/* The endpoints of idp, discovered (with its JWKS) when not cached or too old. The
 * network is never used under the lock. */
static int
endpoints_get(struct upstream_rp *rp, const struct upstream_idp *idp, struct endpoints *out,
    char *err, size_t errlen)
{
	int64_t now = clock_time();
	struct portal_jwks *jwks = NULL;
	struct cached *c;
	struct endpoints ep;

	pthread_mutex_lock(&rp->lock);
	c = slot_of(rp, idp, now);
	if (c != NULL)
		*out = c->ep;
	pthread_mutex_unlock(&rp->lock);
	if (c != NULL)
		return 0;
	if (discover(idp, &ep, err, errlen) != 0 || phttp_jwks(ep.jwks, &jwks, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&rp->lock);
	slot_put(rp, idp, &ep, jwks, now);
	pthread_mutex_unlock(&rp->lock);
	*out = ep;
	return 0;
}

/* A token naming a kid the cached JWKS lacks: the provider rotated its keys; fetched
 * again, at most every JWKS_REFETCH seconds. */
static int
jwks_refresh(struct upstream_rp *rp, const struct upstream_idp *idp, const char *kid,
    char *err, size_t errlen)
{
	int64_t now = clock_time();
	struct portal_jwks *fresh = NULL;
	struct endpoints ep;
	struct cached *c;
	bool need;

	pthread_mutex_lock(&rp->lock);
	c = slot_of(rp, idp, now);
	need = c != NULL && kid[0] != '\0' && !portal_jwks_has(c->jwks, kid) &&
	    now - c->jwks_at >= JWKS_REFETCH;
	if (c != NULL)
		ep = c->ep;
	pthread_mutex_unlock(&rp->lock);
	if (!need)
		return 0;
	if (phttp_jwks(ep.jwks, &fresh, err, errlen) != 0)
		return -1;
	pthread_mutex_lock(&rp->lock);
	c = slot_of(rp, idp, now);
	if (c != NULL) {
		portal_jwks_free(c->jwks);
		c->jwks = fresh;
		c->jwks_at = now;
		fresh = NULL;
	}
	pthread_mutex_unlock(&rp->lock);
	portal_jwks_free(fresh);
	return 0;
}

char *
upstream_rp_authorize_url(struct upstream_rp *rp, struct arena *a,
    const struct upstream_idp *idp, const char *redirect_uri, const char *lang,
    const char *state, const char *nonce, const char *verifier, char *err, size_t errlen)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	struct endpoints ep;
	char challenge[64];

	if (endpoints_get(rp, idp, &ep, err, errlen) != 0)
		return NULL;
	crypto_hash_sha256(hash, (const unsigned char *)verifier, strlen(verifier));
	portal_b64url_encode(hash, sizeof(hash), challenge, sizeof(challenge));
	return arena_printf(a, "%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s"
	    "&state=%s&nonce=%s&code_challenge=%s&code_challenge_method=S256&ui_locales=%s",
	    ep.authorization, strchr(ep.authorization, '?') ? '&' : '?',
	    phttp_encode(a, idp->client_id), phttp_encode(a, redirect_uri),
	    phttp_encode(a, idp->scope), phttp_encode(a, state), phttp_encode(a, nonce),
	    challenge, phttp_encode(a, lang));
}

/* RFC 7523 client assertion for private_key_jwt, signed with the provider's key. */
static char *
client_assertion(struct arena *a, const struct upstream_idp *idp, const char *token_url)
{
	struct jws_key *k = NULL;
	struct buf out;
	unsigned char jti[16];
	char jti_s[32], *payload = NULL, *res = NULL;
	json_t *j = NULL;
	int64_t now = clock_time();

	buf_init(&out, 16 * 1024);
	randombytes_buf(jti, sizeof(jti));
	portal_b64url_encode(jti, sizeof(jti), jti_s, sizeof(jti_s));
	j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", idp->client_id, "sub",
	    idp->client_id, "aud", token_url, "jti", jti_s, "iat", (json_int_t)now, "exp",
	    (json_int_t)(now + ASSERTION_TTL));
	payload = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (payload == NULL || jws_key_from_der(idp->secret, idp->secret_len, &k) != 0 ||
	    jws_sign(k, "JWT", payload, strlen(payload), &out) != 0 ||
	    buf_add(&out, "", 1) != 0)
		goto done;
	res = arena_strdup(a, out.data);
done:
	jws_key_free(k);
	buf_free(&out);
	free(payload);
	json_decref(j);
	return res;
}

static enum upstream_result
token_request(struct arena *a, const struct upstream_idp *idp, const struct endpoints *ep,
    const char *redirect_uri, const char *code, const char *verifier, json_t **out,
    char *err, size_t errlen)
{
	bool jwt = strcmp(idp->auth_method, "private_key_jwt") == 0;
	const char *body, *assertion = NULL;
	int rc;

	*out = NULL;
	if (jwt && (assertion = client_assertion(a, idp, ep->token)) == NULL) {
		snprintf(err, errlen, "cannot sign the client assertion");
		return UP_UNAVAILABLE;
	}
	body = arena_printf(a, "grant_type=authorization_code&code=%s&redirect_uri=%s"
	    "&code_verifier=%s%s%s%s%s", phttp_encode(a, code), phttp_encode(a, redirect_uri),
	    phttp_encode(a, verifier), jwt ? "&client_id=" : "",
	    jwt ? phttp_encode(a, idp->client_id) : "",
	    jwt ? "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
	    "%3Ajwt-bearer&client_assertion=" : "", jwt ? assertion : "");
	if (body == NULL) {
		snprintf(err, errlen, "out of memory");
		return UP_UNAVAILABLE;
	}
	rc = phttp_token(ep->token, jwt ? NULL : idp->client_id,
	    jwt ? NULL : (const char *)idp->secret, body, DOC_MAX, out, err, errlen);
	return rc == 0 ? UP_OK : rc > 0 ? UP_REFUSED : UP_UNAVAILABLE;
}

enum upstream_result
upstream_check_token(const struct portal_jwks *keys, const char *token,
    const struct upstream_idp *idp, const char *nonce, int64_t now,
    struct upstream_identity *id)
{
	struct idtoken_expect e = {
		.issuer = idp->issuer, .client_id = idp->client_id, .nonce = nonce,
		.now = now, .leeway = UPSTREAM_LEEWAY, .max_age = IAT_MAX_AGE,
		/* itsme signs with RS256, others with ES256: both, never none nor HS256. */
		.algs = IDT_ALG_ES256 | IDT_ALG_RS256,
	};
	json_t *claims = NULL, *nn;
	struct be_niss parsed;
	enum upstream_result rc;
	int level;

	memset(id, 0, sizeof(*id));
	/* alg ES256 only (none, HS256 … refused), signature, iss, aud and azp when several
	 * audiences, exp, iat, nbf, nonce, sub (portal/idtoken.c). */
	id->idt = (int)idtoken_verify(keys, token, &e, &claims);
	if (id->idt != IDT_OK)
		return UP_TOKEN;
	nn = json_object_get(claims, idp->nn_claim);
	if (!json_is_string(nn) || json_string_length(nn) == 0) {
		rc = UP_NO_NN;
		goto done;
	}
	/* Dots, dashes and spaces allowed as the register writes them; 11 digits kept. */
	if (json_string_length(nn) > 32 || be_niss_parse(json_string_value(nn), &parsed) != BE_OK) {
		rc = UP_BAD_NN;
		goto done;
	}
	memcpy(id->niss, parsed.digits, sizeof(id->niss));
	level = upstream_acr_level(json_string_value(json_object_get(claims, "acr")));
	id->level = level < idp->level_max ? level : idp->level_max;
	rc = UP_OK;
done:
	sodium_memzero(&parsed, sizeof(parsed));
	json_decref(claims);
	return rc;
}

/* The ID token checked against the cached JWKS (fetched again for an unknown kid). */
static enum upstream_result
check_with_cache(struct upstream_rp *rp, const struct upstream_idp *idp, const char *token,
    const char *nonce, struct upstream_identity *id, char *err, size_t errlen)
{
	enum upstream_result rc = UP_TOKEN;
	struct cached *c;
	char kid[128];

	memset(id, 0, sizeof(*id));
	if (idtoken_peek_kid(token, kid, sizeof(kid)) != 0) {
		id->idt = IDT_MALFORMED;
		snprintf(err, errlen, "ID token: %s", idtoken_error_text(IDT_MALFORMED));
		return UP_TOKEN;
	}
	if (jwks_refresh(rp, idp, kid, err, errlen) != 0)
		return UP_UNAVAILABLE;
	pthread_mutex_lock(&rp->lock);
	c = slot_of(rp, idp, clock_time());
	if (c != NULL)
		rc = upstream_check_token(c->jwks, token, idp, nonce, clock_time(), id);
	pthread_mutex_unlock(&rp->lock);
	if (c == NULL) {
		snprintf(err, errlen, "the provider's keys expired from the cache meanwhile");
		return UP_UNAVAILABLE;
	}
	if (rc == UP_TOKEN)
		snprintf(err, errlen, "ID token: %s", idtoken_error_text((enum idtoken_error)id->idt));
	else if (rc == UP_NO_NN)
		snprintf(err, errlen, "ID token: no national number claim");
	else if (rc == UP_BAD_NN)
		snprintf(err, errlen, "ID token: the national number claim is not a valid NISS");
	return rc;
}

enum upstream_result
upstream_rp_finish(struct upstream_rp *rp, struct arena *a, const struct upstream_idp *idp,
    const char *redirect_uri, const char *code, const char *verifier, const char *nonce,
    struct upstream_identity *id, char *err, size_t errlen)
{
	struct endpoints ep;
	json_t *tok = NULL;
	const char *idt;
	enum upstream_result rc;

	memset(id, 0, sizeof(*id));
	if (endpoints_get(rp, idp, &ep, err, errlen) != 0)
		return UP_UNAVAILABLE;
	rc = token_request(a, idp, &ep, redirect_uri, code, verifier, &tok, err, errlen);
	if (rc != UP_OK)
		return rc;
	idt = json_string_value(json_object_get(tok, "id_token"));
	if (idt == NULL) {
		snprintf(err, errlen, "token answer lacks id_token");
		id->idt = IDT_MALFORMED;
		rc = UP_TOKEN;
	} else {
		rc = check_with_cache(rp, idp, idt, nonce, id, err, errlen);
	}
	json_decref(tok);
	return rc;
}
