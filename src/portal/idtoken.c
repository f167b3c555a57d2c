/* idtoken.c — ID-token validation for the portal: JWKS parsing into OpenSSL keys, the
 * ES256 compact JWS (raw r||s turned into DER for EVP) or RS256 (PKCS #1 v1.5) when the
 * caller accepts it, and the claims of OIDC Core §3.1.3.7. */
#include "portal/idtoken.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define COORD 32                 /* a P-256 coordinate, and r and s */
#define KID_MAX 128
#define RSA_BITS_MIN 2048
#define RSA_BITS_MAX 4096
#define RSA_BYTES_MAX (RSA_BITS_MAX / 8)

struct jwk_entry {
	char kid[KID_MAX];
	EVP_PKEY *pkey;
	bool rsa;                    /* RS256 key; else ES256 */
};

struct portal_jwks {
	struct jwk_entry keys[JWKS_KEYS_MAX];
	size_t n;
};

int
portal_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outlen)
{
	size_t got = 0;

	/* A length of 1 mod 4 cannot come from any byte string. */
	if (n % 4 == 1)
		return -1;
	/* libsodium refuses other characters, padding and non-zero trailing bits. */
	if (sodium_base642bin(out, outlen, in, n, NULL, &got, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return (int)got;
}

int
portal_b64url_encode(const void *in, size_t n, char *out, size_t outlen)
{
	if (outlen < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, outlen, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return (int)strlen(out);
}

/* Decodes a base64url member that must hold exactly want bytes. */
static int
member_bytes(json_t *o, const char *name, unsigned char *out, size_t want)
{
	const char *v = json_string_value(json_object_get(o, name));

	if (v == NULL)
		return -1;
	return portal_b64url_decode(v, strlen(v), out, want) == (int)want ? 0 : -1;
}

/* An EVP public key from the coordinates of a P-256 point; NULL when not on the curve. */
static EVP_PKEY *
p256_public(const unsigned char x[COORD], const unsigned char y[COORD])
{
	unsigned char point[1 + 2 * COORD];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	EVP_PKEY *pkey = NULL;

	point[0] = 0x04;
	memcpy(point + 1, x, COORD);
	memcpy(point + 1 + COORD, y, COORD);
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
	    sizeof(point)) != 1)
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		pkey = NULL;
		goto done;
	}
	check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (check == NULL || EVP_PKEY_public_check(check) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
done:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* An EVP public key from an RSA JWK's n and e; NULL when unreadable or not 2048 to 4096
 * bits. */
static EVP_PKEY *
rsa_public(json_t *jwk)
{
	const char *n64 = json_string_value(json_object_get(jwk, "n"));
	const char *e64 = json_string_value(json_object_get(jwk, "e"));
	unsigned char n[RSA_BYTES_MAX + 1], e[8];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	int nl, el, bits;

	if (n64 == NULL || e64 == NULL || strlen(n64) > 2 * RSA_BYTES_MAX)
		return NULL;
	nl = portal_b64url_decode(n64, strlen(n64), n, sizeof(n));
	el = portal_b64url_decode(e64, strlen(e64), e, sizeof(e));
	if (nl <= 0 || el <= 0)
		return NULL;
	bn = BN_bin2bn(n, nl, NULL);
	be = BN_bin2bn(e, el, NULL);
	bits = bn ? BN_num_bits(bn) : 0;
	if (be == NULL || bits < RSA_BITS_MIN || bits > RSA_BITS_MAX)
		goto done;
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1)
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

/* Adds an RSA JWK when usable for RS256; one that is not is skipped (0), as another kty. */
static int
rsa_add(struct portal_jwks *k, json_t *jwk)
{
	json_t *use = json_object_get(jwk, "use"), *alg = json_object_get(jwk, "alg");
	json_t *kid = json_object_get(jwk, "kid");
	struct jwk_entry *e;

	if (use != NULL && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0))
		return 0;
	if (alg != NULL && (!json_is_string(alg) || strcmp(json_string_value(alg), "RS256") != 0))
		return 0;
	if (kid != NULL && (!json_is_string(kid) || json_string_length(kid) >= KID_MAX))
		return -1;
	if (k->n == JWKS_KEYS_MAX)
		return 0;
	e = &k->keys[k->n];
	e->pkey = rsa_public(jwk);
	if (e->pkey == NULL)
		return 0;
	e->rsa = true;
	if (kid != NULL)
		memcpy(e->kid, json_string_value(kid), json_string_length(kid) + 1);
	k->n++;
	return 0;
}

/* Adds one JWK when usable for ES256. Returns 0 (added or skipped), -1 when invalid. */
static int
jwk_add(struct portal_jwks *k, json_t *jwk)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	json_t *use = json_object_get(jwk, "use"), *alg = json_object_get(jwk, "alg");
	json_t *kid = json_object_get(jwk, "kid");
	unsigned char x[COORD], y[COORD];
	struct jwk_entry *e;

	if (!json_is_object(jwk))
		return -1;
	if (kty != NULL && strcmp(kty, "RSA") == 0)
		return rsa_add(k, jwk);
	if (kty == NULL || strcmp(kty, "EC") != 0 || crv == NULL || strcmp(crv, "P-256") != 0)
		return 0;
	if (use != NULL && (!json_is_string(use) || strcmp(json_string_value(use), "sig") != 0))
		return 0;
	if (alg != NULL && (!json_is_string(alg) || strcmp(json_string_value(alg), "ES256") != 0))
		return 0;
	if (kid != NULL && (!json_is_string(kid) || json_string_length(kid) >= KID_MAX))
		return -1;
	if (k->n == JWKS_KEYS_MAX)
		return 0;
	if (member_bytes(jwk, "x", x, COORD) != 0 || member_bytes(jwk, "y", y, COORD) != 0)
		return -1;
	e = &k->keys[k->n];
	e->pkey = p256_public(x, y);
	if (e->pkey == NULL)
		return -1;
	if (kid != NULL)
		memcpy(e->kid, json_string_value(kid), json_string_length(kid) + 1);
	k->n++;
	return 0;
}

int
portal_jwks_parse(const char *json, size_t len, struct portal_jwks **out)
{
	struct portal_jwks *k = NULL;
	json_t *doc = NULL, *keys, *jwk;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (json == NULL || len > JWKS_MAX)
		return -1;
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	keys = json_object_get(doc, "keys");
	if (!json_is_array(keys))
		goto done;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		goto done;
	json_array_foreach(keys, i, jwk) {
		if (jwk_add(k, jwk) != 0)
			goto done;
	}
	if (k->n == 0)
		goto done;
	*out = k;
	k = NULL;
	rc = 0;
done:
	portal_jwks_free(k);
	json_decref(doc);
	return rc;
}

void
portal_jwks_free(struct portal_jwks *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		EVP_PKEY_free(k->keys[i].pkey);
	free(k);
}

size_t
portal_jwks_count(const struct portal_jwks *k)
{
	return k ? k->n : 0;
}

bool
portal_jwks_has(const struct portal_jwks *k, const char *kid)
{
	for (size_t i = 0; k != NULL && kid != NULL && i < k->n; i++)
		if (strcmp(k->keys[i].kid, kid) == 0)
			return true;
	return false;
}

/* The key for a token's kid and alg: by kid when given; without kid only a lone key will
 * do. A key of the other alg is none (an RSA key never checks an ES256 token). */
static EVP_PKEY *
jwks_find(const struct portal_jwks *k, const char *kid, bool rsa)
{
	if (kid[0] == '\0')
		return k->n == 1 && k->keys[0].rsa == rsa ? k->keys[0].pkey : NULL;
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->keys[i].kid, kid) == 0 && k->keys[i].rsa == rsa)
			return k->keys[i].pkey;
	return NULL;
}

const char *
idtoken_error_text(enum idtoken_error e)
{
	switch (e) {
	case IDT_OK: return "ok";
	case IDT_MALFORMED: return "malformed token";
	case IDT_ALG: return "algorithm not accepted";
	case IDT_KID: return "no key of that kid";
	case IDT_SIGNATURE: return "bad signature";
	case IDT_ISS: return "wrong issuer";
	case IDT_AUD: return "wrong audience";
	case IDT_EXP: return "expired";
	case IDT_IAT: return "bad issue time";
	case IDT_NBF: return "not valid yet";
	case IDT_NONCE: return "wrong nonce";
	case IDT_SUB: return "no subject";
	}
	return "invalid";
}

/* The three parts of a compact JWS: header and payload decoded as JSON objects (duplicate
 * members refused), the raw signature. */
struct jws_parts {
	const char *input;           /* header.payload, what was signed */
	size_t input_len;
	json_t *header, *payload;
	unsigned char sig[RSA_BYTES_MAX + 8];
	int siglen;
};

static json_t *
part_json(const char *p, size_t n)
{
	unsigned char *raw;
	json_t *j = NULL;
	int got;

	raw = malloc(n + 1);
	if (raw == NULL)
		return NULL;
	got = portal_b64url_decode(p, n, raw, n + 1);
	if (got > 0)
		j = json_loadb((const char *)raw, (size_t)got, JSON_REJECT_DUPLICATES, NULL);
	free(raw);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static int
jws_split(const char *token, struct jws_parts *p)
{
	const char *d1, *d2, *sig;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (token == NULL)
		return -1;
	n = strnlen(token, IDTOKEN_MAX + 1);
	if (n == 0 || n > IDTOKEN_MAX)
		return -1;
	d1 = strchr(token, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (d1 == NULL || d2 == NULL || strchr(d2 + 1, '.') != NULL)
		return -1;
	sig = d2 + 1;
	p->input = token;
	p->input_len = (size_t)(d2 - token);
	p->header = part_json(token, (size_t)(d1 - token));
	p->payload = part_json(d1 + 1, (size_t)(d2 - d1 - 1));
	if (p->header == NULL || p->payload == NULL)
		return -1;
	/* alg none has an empty signature: it stays -1 here and is refused as an alg. */
	p->siglen = strlen(sig) == 0 ? 0 :
	    portal_b64url_decode(sig, strlen(sig), p->sig, sizeof(p->sig));
	return 0;
}

static void
jws_parts_free(struct jws_parts *p)
{
	json_decref(p->header);
	json_decref(p->payload);
	p->header = p->payload = NULL;
}

int
idtoken_peek_kid(const char *token, char *kid, size_t kidlen)
{
	struct jws_parts p;
	json_t *k;
	int rc = -1;

	/* Only the header matters here: the rest may still be broken. */
	(void)jws_split(token, &p);
	if (p.header == NULL)
		goto done;
	k = json_object_get(p.header, "kid");
	if (k == NULL) {
		kid[0] = '\0';
		rc = 0;
	} else if (json_is_string(k) && json_string_length(k) < kidlen) {
		memcpy(kid, json_string_value(k), json_string_length(k) + 1);
		rc = 0;
	}
done:
	jws_parts_free(&p);
	return rc;
}

int
idtoken_kept_payload(const char *token, json_t **out)
{
	struct jws_parts p;

	*out = NULL;
	(void)jws_split(token, &p);
	if (p.payload != NULL) {
		*out = p.payload;
		p.payload = NULL;
	}
	jws_parts_free(&p);
	return *out != NULL ? 0 : -1;
}

/* ES256: SHA-256 over header.payload, the raw r||s signature turned into DER. */
static bool
es256_ok(EVP_PKEY *pkey, const struct jws_parts *p)
{
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	EVP_MD_CTX *md = NULL;
	int derlen;
	bool ok = false;

	if (p->siglen != 2 * COORD)
		return false;
	sig = ECDSA_SIG_new();
	r = BN_bin2bn(p->sig, COORD, NULL);
	s = BN_bin2bn(p->sig + COORD, COORD, NULL);
	if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		goto done;
	}
	derlen = i2d_ECDSA_SIG(sig, &der);
	if (derlen <= 0)
		goto done;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto done;
	ok = EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)p->input,
	    p->input_len) == 1;
done:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	return ok;
}

/* RS256: RSASSA-PKCS1-v1_5 with SHA-256 over header.payload (OpenSSL's default padding). */
static bool
rs256_ok(EVP_PKEY *pkey, const struct jws_parts *p)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = false;

	if (p->siglen <= 0 || p->siglen != EVP_PKEY_get_size(pkey))
		goto done;
	if (md == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto done;
	ok = EVP_DigestVerify(md, p->sig, (size_t)p->siglen, (const unsigned char *)p->input,
	    p->input_len) == 1;
done:
	EVP_MD_CTX_free(md);
	return ok;
}

static bool
str_eq(const char *a, const char *b)
{
	size_t n;

	if (a == NULL || b == NULL)
		return false;
	n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* A NumericDate member as whole seconds; false when absent or not a number. */
static bool
numeric_date(json_t *claims, const char *name, int64_t *out)
{
	json_t *v = json_object_get(claims, name);
	double d;

	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return true;
	}
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	if (!(d > -9.0e15 && d < 9.0e15))
		return false;
	*out = (int64_t)d;
	return true;
}

static enum idtoken_error
check_audience(json_t *claims, const char *client_id)
{
	json_t *aud = json_object_get(claims, "aud"), *azp = json_object_get(claims, "azp"), *v;
	bool found = false;
	size_t i;

	if (json_is_string(aud)) {
		found = str_eq(json_string_value(aud), client_id);
	} else if (json_is_array(aud) && json_array_size(aud) > 0) {
		json_array_foreach(aud, i, v) {
			if (!json_is_string(v))
				return IDT_AUD;
			if (str_eq(json_string_value(v), client_id))
				found = true;
		}
		/* Several audiences: the authorized party must be named, and be us. */
		if (json_array_size(aud) > 1 && azp == NULL)
			return IDT_AUD;
	}
	if (!found)
		return IDT_AUD;
	if (azp != NULL && !str_eq(json_string_value(azp), client_id))
		return IDT_AUD;
	return IDT_OK;
}

static enum idtoken_error
check_claims(json_t *c, const struct idtoken_expect *e)
{
	json_t *sub = json_object_get(c, "sub");
	int64_t exp, iat, nbf;
	enum idtoken_error rc;

	if (!str_eq(json_string_value(json_object_get(c, "iss")), e->issuer))
		return IDT_ISS;
	rc = check_audience(c, e->client_id);
	if (rc != IDT_OK)
		return rc;
	/* now - leeway >= exp, not now >= exp + leeway: exp is the token's and may be the
	 * largest integer there is (found by fuzz_idtoken: signed overflow). */
	if (!numeric_date(c, "exp", &exp) || e->now - e->leeway >= exp)
		return IDT_EXP;
	if (!numeric_date(c, "iat", &iat) || iat > e->now + e->leeway ||
	    iat < e->now - e->max_age - e->leeway)
		return IDT_IAT;
	if (json_object_get(c, "nbf") != NULL &&
	    (!numeric_date(c, "nbf", &nbf) || nbf > e->now + e->leeway))
		return IDT_NBF;
	if (e->nonce == NULL || !str_eq(json_string_value(json_object_get(c, "nonce")), e->nonce))
		return IDT_NONCE;
	if (!json_is_string(sub) || json_string_length(sub) == 0 || json_string_length(sub) > 255)
		return IDT_SUB;
	return IDT_OK;
}

enum idtoken_error
idtoken_verify(const struct portal_jwks *keys, const char *token,
    const struct idtoken_expect *e, json_t **claims)
{
	struct jws_parts p;
	const char *alg, *kid;
	json_t *kidj;
	EVP_PKEY *pkey;
	enum idtoken_error rc;
	unsigned algs;
	bool rsa;

	if (claims != NULL)
		*claims = NULL;
	if (jws_split(token, &p) != 0) {
		rc = IDT_MALFORMED;
		goto done;
	}
	/* The algorithm is ours to choose, not the token's: ES256 (RS256 when the caller
	 * accepts it), no extensions. */
	algs = e->algs != 0 ? e->algs : IDT_ALG_ES256;
	alg = json_string_value(json_object_get(p.header, "alg"));
	rsa = alg != NULL && strcmp(alg, "RS256") == 0 && (algs & IDT_ALG_RS256) != 0;
	if (alg == NULL || (!rsa && (strcmp(alg, "ES256") != 0 || (algs & IDT_ALG_ES256) == 0)) ||
	    json_object_get(p.header, "crit") != NULL) {
		rc = IDT_ALG;
		goto done;
	}
	kidj = json_object_get(p.header, "kid");
	if (kidj != NULL && !json_is_string(kidj)) {
		rc = IDT_MALFORMED;
		goto done;
	}
	kid = kidj ? json_string_value(kidj) : "";
	pkey = keys ? jwks_find(keys, kid, rsa) : NULL;
	if (pkey == NULL) {
		rc = IDT_KID;
		goto done;
	}
	if (rsa ? !rs256_ok(pkey, &p) : !es256_ok(pkey, &p)) {
		rc = IDT_SIGNATURE;
		goto done;
	}
	rc = check_claims(p.payload, e);
	if (rc == IDT_OK && claims != NULL) {
		*claims = p.payload;
		p.payload = NULL;
	}
done:
	jws_parts_free(&p);
	return rc;
}
