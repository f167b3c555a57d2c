/* client_auth.c — private_key_jwt (RFC 7523 §2.2 and §3) checked against the client's
 * registered JWKS, and the system certificates of machines (tls_client_auth, RFC 8705).
 * The verification is pure OpenSSL; the store keeps the JWKS, the used jti and the certs. */
#include "oidc/client_auth.h"

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "fed/jws.h"
#include "oidc/batch.h"
#include "oidc/clients.h"
#include "oidc/jwks_uri.h"
#include "oidc/machine_sql.h"

#define JTI_MAX 256
#define SEG_MAX OIDC_ASSERTION_MAX

const char *
oidc_assertion_reason(enum oidc_assertion_error e)
{
	static const char *const words[] = {
		"ok", "malformed assertion", "algorithm not allowed", "unknown key",
		"bad signature", "iss or sub is not the client", "wrong audience",
		"assertion expired", "exp missing or too far ahead", "assertion not yet valid",
		"jti missing or too long", "assertion replayed",
	};

	return (size_t)e < sizeof(words) / sizeof(words[0]) ? words[e] : "refused";
}

/* ---- compact JWS parts ---- */

struct jwt_parts {
	json_t *header, *claims;
	const char *signed_part;       /* header.payload, as signed */
	size_t signed_len;
	unsigned char *sig;
	size_t sig_len;
};

static json_t *
b64_json(const char *s, size_t n)
{
	unsigned char *raw = malloc(n + 1);
	json_t *j = NULL;
	int k;

	if (raw == NULL)
		return NULL;
	k = jws_b64url_decode(s, n, raw, n + 1);
	if (k > 0)
		j = json_loadb((const char *)raw, (size_t)k, JSON_REJECT_DUPLICATES, NULL);
	free(raw);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static void
parts_free(struct jwt_parts *p)
{
	json_decref(p->header);
	json_decref(p->claims);
	free(p->sig);
	memset(p, 0, sizeof(*p));
}

/* Splits and decodes header.payload.signature. 0 or -1. */
static int
parts_read(const char *jwt, struct jwt_parts *p)
{
	const char *d1, *d2;
	size_t n = jwt ? strlen(jwt) : 0, sl;
	int k;

	memset(p, 0, sizeof(*p));
	if (n == 0 || n > OIDC_ASSERTION_MAX)
		return -1;
	d1 = strchr(jwt, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (d2 == NULL || strchr(d2 + 1, '.') != NULL)
		return -1;
	p->header = b64_json(jwt, (size_t)(d1 - jwt));
	p->claims = b64_json(d1 + 1, (size_t)(d2 - d1 - 1));
	sl = strlen(d2 + 1);
	p->sig = malloc(sl + 1);
	if (p->header == NULL || p->claims == NULL || p->sig == NULL)
		goto fail;
	k = sl > 0 ? jws_b64url_decode(d2 + 1, sl, p->sig, sl + 1) : 0;
	if (k < 0)
		goto fail;
	p->sig_len = (size_t)k;
	p->signed_part = jwt;
	p->signed_len = (size_t)(d2 - jwt);
	return 0;
fail:
	parts_free(p);
	return -1;
}

/* An assertion split and decoded once: its issuer read to find the client, then verified
 * from the same parts (the base64 and JSON of a token request decoded once, not twice). */
struct oidc_assertion {
	struct jwt_parts p;
};

struct oidc_assertion *
oidc_assertion_parse(const char *jwt)
{
	struct oidc_assertion *as = malloc(sizeof(*as));

	if (as == NULL)
		return NULL;
	if (parts_read(jwt, &as->p) != 0) {
		free(as);
		return NULL;
	}
	return as;
}

void
oidc_assertion_free(struct oidc_assertion *as)
{
	if (as == NULL)
		return;
	parts_free(&as->p);
	free(as);
}

const char *
oidc_assertion_iss(const struct oidc_assertion *as)
{
	return json_string_value(json_object_get(as->p.claims, "iss"));
}

int
oidc_assertion_issuer(struct arena *a, const char *jwt, const char **iss)
{
	struct oidc_assertion *as = oidc_assertion_parse(jwt);
	const char *v = as != NULL ? oidc_assertion_iss(as) : NULL;
	int rc = -1;

	*iss = NULL;
	if (v != NULL && (*iss = arena_strdup(a, v)) != NULL)
		rc = 0;
	oidc_assertion_free(as);
	return rc;
}

/* ---- keys ---- */

static int
b64_member(json_t *jwk, const char *name, unsigned char *out, size_t outlen)
{
	const char *v = json_string_value(json_object_get(jwk, name));

	return v != NULL ? jws_b64url_decode(v, strlen(v), out, outlen) : -1;
}

static EVP_PKEY *
pkey_from(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *k = NULL;

	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return k;
}

static EVP_PKEY *
ec_key(json_t *jwk)
{
	unsigned char x[33], y[33], pub[65];
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *k = NULL;

	if (!json_is_string(json_object_get(jwk, "crv")) ||
	    strcmp(json_string_value(json_object_get(jwk, "crv")), "P-256") != 0 ||
	    b64_member(jwk, "x", x, sizeof(x)) != 32 || b64_member(jwk, "y", y, sizeof(y)) != 32)
		return NULL;
	pub[0] = 0x04;
	memcpy(pub + 1, x, 32);
	memcpy(pub + 33, y, 32);
	bld = OSSL_PARAM_BLD_new();
	if (bld != NULL && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) == 1 && OSSL_PARAM_BLD_push_octet_string(bld,
	    OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub)) == 1)
		k = pkey_from("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return k;
}

static EVP_PKEY *
rsa_key(json_t *jwk)
{
	unsigned char n[513], e[9];
	int nl = b64_member(jwk, "n", n, sizeof(n)), el = b64_member(jwk, "e", e, sizeof(e));
	BIGNUM *bn = NULL, *be = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *k = NULL;

	/* 2048 to 4096 bits (a leading zero byte tolerated). */
	if (nl < 256 || nl > 513 || el < 1 || el > 8)
		return NULL;
	bn = BN_bin2bn(n, nl, NULL);
	be = BN_bin2bn(e, el, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (bn != NULL && be != NULL && bld != NULL && BN_num_bits(bn) >= 2048 &&
	    BN_num_bits(bn) <= 4096 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
		k = pkey_from("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return k;
}

/* Keys made from JWKs, kept: OpenSSL 3 builds a P-256 group and imports the key anew for
 * each EVP_PKEY (most of an assertion's check). Keyed by the hash of the members that make
 * the key, so a changed JWKS makes other entries; a few clients' keys, replaced in turn. An
 * EVP_PKEY is read-only once made and reference-counted: shared between threads. */
#define KEY_CACHE 32
static struct {
	unsigned char id[32];
	EVP_PKEY *k;
} key_cache[KEY_CACHE];
static size_t key_cache_next;
static pthread_mutex_t key_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void
jwk_id(json_t *jwk, unsigned char id[32])
{
	static const char *const members[] = { "kty", "crv", "x", "y", "n", "e" };
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		const char *v = json_string_value(json_object_get(jwk, members[i]));

		/* Each value with its length: no two keys hash the same by concatenation. */
		size_t n = v != NULL ? strlen(v) : 0;

		crypto_generichash_update(&st, (const unsigned char *)&n, sizeof(n));
		if (v != NULL)
			crypto_generichash_update(&st, (const unsigned char *)v, n);
	}
	crypto_generichash_final(&st, id, 32);
}

static EVP_PKEY *
cache_get(const unsigned char id[32])
{
	EVP_PKEY *k = NULL;

	pthread_mutex_lock(&key_cache_lock);
	for (size_t i = 0; i < KEY_CACHE && k == NULL; i++)
		if (key_cache[i].k != NULL && memcmp(key_cache[i].id, id, 32) == 0 &&
		    EVP_PKEY_up_ref(key_cache[i].k) == 1)
			k = key_cache[i].k;
	pthread_mutex_unlock(&key_cache_lock);
	return k;
}

static void
cache_put(const unsigned char id[32], EVP_PKEY *k)
{
	size_t i;

	if (EVP_PKEY_up_ref(k) != 1)
		return;
	pthread_mutex_lock(&key_cache_lock);
	i = key_cache_next++ % KEY_CACHE;
	EVP_PKEY_free(key_cache[i].k);
	memcpy(key_cache[i].id, id, 32);
	key_cache[i].k = k;
	pthread_mutex_unlock(&key_cache_lock);
}

/* The key of a JWK of the kty wanted ("EC" or "RSA"); NULL when it is another or bad. */
static EVP_PKEY *
jwk_key(json_t *jwk, const char *kty)
{
	const char *t = json_string_value(json_object_get(jwk, "kty"));
	unsigned char id[32];
	EVP_PKEY *k;

	if (t == NULL || strcmp(t, kty) != 0 || json_object_get(jwk, "d") != NULL)
		return NULL;
	jwk_id(jwk, id);
	k = cache_get(id);
	if (k != NULL)
		return k;
	k = strcmp(kty, "EC") == 0 ? ec_key(jwk) : rsa_key(jwk);
	if (k != NULL)
		cache_put(id, k);
	return k;
}

/* Registered JWKS texts as read for verification, kept: the JSON of a client's keys is
 * parsed, and each key looked up, once per text rather than at every assertion. Keyed by
 * the hash of the whole text (BLAKE2b-256), so a text changed in any byte (a key replaced,
 * even under the same kid, an alg or use changed, a key added or removed) is another entry,
 * parsed anew: a kept entry can only be the very text it was made from. Entries are
 * read-only once made and counted (refs, under set_cache_lock): a reader keeps its entry
 * while it verifies, even if the slot is taken meanwhile. */
enum jwk_kty { KTY_OTHER, KTY_EC, KTY_RSA };
enum sig_alg { ALG_ES256, ALG_RS256, ALG_PS256 };

/* Verification contexts of a key, per alg, kept for the next check: a context made and
 * initialised anew (the provider's fetch, the key's import into it) costs a tenth of a
 * P-256 verification. A context serves one check at a time: taken from and given back to
 * spare under set_cache_lock. */
#define SPARE_CTX 4
#define SIG_ALGS 3

struct jwk_entry {
	char *kid, *alg, *use;         /* NULL when absent or not a string */
	enum jwk_kty kty;
	EVP_PKEY *k;                   /* NULL when not a usable public key of its kty */
	EVP_PKEY_CTX *spare[SIG_ALGS][SPARE_CTX];
	size_t nspare[SIG_ALGS];
};

struct jwks_set {
	unsigned char id[32];
	unsigned refs;
	size_t n;
	struct jwk_entry keys[OIDC_JWKS_KEYS_MAX];
};

#define SET_CACHE 16
static struct jwks_set *set_cache[SET_CACHE];
static size_t set_cache_next;
static pthread_mutex_t set_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void
set_free(struct jwks_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++) {
		free(set->keys[i].kid);
		free(set->keys[i].alg);
		free(set->keys[i].use);
		EVP_PKEY_free(set->keys[i].k);
		for (size_t a = 0; a < SIG_ALGS; a++)
			for (size_t j = 0; j < set->keys[i].nspare[a]; j++)
				EVP_PKEY_CTX_free(set->keys[i].spare[a][j]);
	}
	free(set);
}

/* Drops one reference; the last frees. Called with set_cache_lock held. */
static void
set_unref_locked(struct jwks_set *set)
{
	if (set != NULL && --set->refs == 0)
		set_free(set);
}

static void
set_release(struct jwks_set *set)
{
	pthread_mutex_lock(&set_cache_lock);
	set_unref_locked(set);
	pthread_mutex_unlock(&set_cache_lock);
}

/* A copy of the string member name of o, or NULL when absent or not a string; -1 when out
 * of memory. */
static int
member_dup(json_t *o, const char *name, char **out)
{
	const char *v = json_string_value(json_object_get(o, name));

	*out = v != NULL ? strdup(v) : NULL;
	return v != NULL && *out == NULL ? -1 : 0;
}

/* The keys of a JWKS text as verify_sig reads them: at most OIDC_JWKS_KEYS_MAX, in order;
 * a text that is not {"keys":[…]} has none. NULL when out of memory. */
static struct jwks_set *
set_build(const char *jwks, const unsigned char id[32])
{
	struct jwks_set *set = calloc(1, sizeof(*set));
	json_t *doc = json_loads(jwks, JSON_REJECT_DUPLICATES, NULL), *jwk;
	size_t i;

	if (set == NULL)
		goto fail;
	memcpy(set->id, id, 32);
	json_array_foreach(json_object_get(doc, "keys"), i, jwk) {
		struct jwk_entry *e;
		const char *t = json_string_value(json_object_get(jwk, "kty"));

		if (i >= OIDC_JWKS_KEYS_MAX)
			break;
		e = &set->keys[i];
		set->n = i + 1;
		if (member_dup(jwk, "kid", &e->kid) != 0 || member_dup(jwk, "alg", &e->alg) != 0 ||
		    member_dup(jwk, "use", &e->use) != 0)
			goto fail;
		e->kty = t == NULL ? KTY_OTHER : strcmp(t, "EC") == 0 ? KTY_EC :
		    strcmp(t, "RSA") == 0 ? KTY_RSA : KTY_OTHER;
		if (e->kty != KTY_OTHER)
			e->k = jwk_key(jwk, e->kty == KTY_EC ? "EC" : "RSA");
	}
	json_decref(doc);
	return set;
fail:
	json_decref(doc);
	set_free(set);
	return NULL;
}

/* The parsed keys of jwks, kept or made (a reference: set_release it). NULL: no memory. */
static struct jwks_set *
set_get(const char *jwks)
{
	unsigned char id[32];
	struct jwks_set *set = NULL, *made;
	size_t slot;

	crypto_generichash(id, sizeof(id), (const unsigned char *)jwks, strlen(jwks), NULL, 0);
	pthread_mutex_lock(&set_cache_lock);
	for (size_t i = 0; i < SET_CACHE && set == NULL; i++)
		if (set_cache[i] != NULL && sodium_memcmp(set_cache[i]->id, id, 32) == 0)
			set = set_cache[i];
	if (set != NULL)
		set->refs++;
	pthread_mutex_unlock(&set_cache_lock);
	if (set != NULL)
		return set;
	/* Made outside the lock (key imports); another thread may make the same meanwhile. */
	made = set_build(jwks, id);
	if (made == NULL)
		return NULL;
	made->refs = 2;                /* the cache's and the caller's */
	pthread_mutex_lock(&set_cache_lock);
	slot = set_cache_next++ % SET_CACHE;
	set_unref_locked(set_cache[slot]);
	set_cache[slot] = made;
	pthread_mutex_unlock(&set_cache_lock);
	return made;
}

void
oidc_assertion_keys_clear(void)
{
	pthread_mutex_lock(&set_cache_lock);
	for (size_t i = 0; i < SET_CACHE; i++) {
		set_unref_locked(set_cache[i]);
		set_cache[i] = NULL;
	}
	set_cache_next = 0;
	pthread_mutex_unlock(&set_cache_lock);
	pthread_mutex_lock(&key_cache_lock);
	for (size_t i = 0; i < KEY_CACHE; i++) {
		EVP_PKEY_free(key_cache[i].k);
		key_cache[i].k = NULL;
	}
	key_cache_next = 0;
	pthread_mutex_unlock(&key_cache_lock);
}

static int
alg_of(const char *name, enum sig_alg *out)
{
	if (name == NULL)
		return -1;
	if (strcmp(name, "ES256") == 0)
		*out = ALG_ES256;
	else if (strcmp(name, "RS256") == 0)
		*out = ALG_RS256;
	else if (strcmp(name, "PS256") == 0)
		*out = ALG_PS256;
	else
		return -1;
	return 0;
}

/* SHA-256 fetched from the provider once, not at each digest. */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

/* The DER ECDSA-Sig-Value of a JOSE r||s (RFC 7518 §3.4), written directly: each half an
 * INTEGER without its leading zero bytes, with one when its high bit is set. The result
 * is at most 72 bytes. Returns its length. */
static size_t
es256_der(const unsigned char raw[JWS_ES256_SIG], unsigned char out[72])
{
	size_t n = 2;

	for (int h = 0; h < 2; h++) {
		const unsigned char *v = raw + h * 32;
		size_t skip = 0, len;

		while (skip < 31 && v[skip] == 0)
			skip++;
		len = 32 - skip;
		out[n++] = 0x02;
		out[n++] = (unsigned char)(len + (v[skip] & 0x80 ? 1 : 0));
		if (v[skip] & 0x80)
			out[n++] = 0x00;
		memcpy(out + n, v + skip, len);
		n += len;
	}
	out[0] = 0x30;
	out[1] = (unsigned char)(n - 2);
	return n;
}

/* A context to verify with e's key for alg: a spare one, or one made. NULL on failure. */
static EVP_PKEY_CTX *
ctx_take(struct jwk_entry *e, enum sig_alg alg)
{
	EVP_PKEY_CTX *ctx = NULL;

	pthread_mutex_lock(&set_cache_lock);
	if (e->nspare[alg] > 0)
		ctx = e->spare[alg][--e->nspare[alg]];
	pthread_mutex_unlock(&set_cache_lock);
	if (ctx != NULL)
		return ctx;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, e->k, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1 ||
	    (alg == ALG_RS256 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1) ||
	    (alg == ALG_PS256 && (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) != 1))) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static void
ctx_give(struct jwk_entry *e, enum sig_alg alg, EVP_PKEY_CTX *ctx)
{
	pthread_mutex_lock(&set_cache_lock);
	if (e->nspare[alg] < SPARE_CTX) {
		e->spare[alg][e->nspare[alg]++] = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&set_cache_lock);
	EVP_PKEY_CTX_free(ctx);
}

/* The signature of p checked with e's key: the SHA-256 of the signed part, then the key's
 * verification of that digest (PKCS#1 v1.5, PSS with a salt of the digest's length, or
 * ECDSA of the DER form of r||s). */
static bool
sig_ok(struct jwk_entry *e, enum sig_alg alg, const struct jwt_parts *p)
{
	unsigned char digest[32], der[72];
	const unsigned char *sig = p->sig;
	size_t sig_len = p->sig_len;
	unsigned int dl = 0;
	EVP_PKEY_CTX *ctx;
	bool ok;

	if (alg == ALG_ES256) {
		if (p->sig_len != JWS_ES256_SIG)
			return false;
		sig_len = es256_der(p->sig, der);
		sig = der;
	}
	pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL || EVP_Digest(p->signed_part, p->signed_len, digest, &dl,
	    sha256_md, NULL) != 1 || dl != sizeof(digest))
		return false;
	ctx = ctx_take(e, alg);
	if (ctx == NULL)
		return false;
	ok = EVP_PKEY_verify(ctx, sig, sig_len, digest, sizeof(digest)) == 1;
	ctx_give(e, alg, ctx);
	return ok;
}

/* Tries the JWKS's keys for the header's alg and kid. */
static enum oidc_assertion_error
verify_sig(const char *jwks, const struct jwt_parts *p)
{
	const char *alg_name = json_string_value(json_object_get(p->header, "alg"));
	const char *kid = json_string_value(json_object_get(p->header, "kid"));
	enum oidc_assertion_error rc = OIDC_ASSERTION_KEY;
	struct jwks_set *set;
	enum sig_alg alg;

	if (alg_of(alg_name, &alg) != 0)
		return OIDC_ASSERTION_ALG;
	if (json_object_get(p->header, "kid") != NULL && kid == NULL)
		return OIDC_ASSERTION_MALFORMED;
	set = set_get(jwks);
	if (set == NULL)
		return OIDC_ASSERTION_KEY;
	for (size_t i = 0; i < set->n; i++) {
		struct jwk_entry *e = &set->keys[i];

		if (kid != NULL && (e->kid == NULL || strcmp(kid, e->kid) != 0))
			continue;
		if ((e->alg != NULL && strcmp(e->alg, alg_name) != 0) ||
		    (e->use != NULL && strcmp(e->use, "sig") != 0))
			continue;
		if (e->k == NULL || e->kty != (alg == ALG_ES256 ? KTY_EC : KTY_RSA))
			continue;
		rc = OIDC_ASSERTION_SIGNATURE;
		if (sig_ok(e, alg, p)) {
			rc = OIDC_ASSERTION_OK;
			break;
		}
	}
	set_release(set);
	return rc;
}

/* ---- claims ---- */

static bool
aud_ok(json_t *aud, const char *const *audiences)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud)) {
		for (size_t k = 0; audiences[k] != NULL; k++)
			if (strcmp(json_string_value(aud), audiences[k]) == 0)
				return true;
		return false;
	}
	if (!json_is_array(aud))
		return false;
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && aud_ok(v, audiences))
			return true;
	return false;
}

/* A NumericDate claim: 1 present (into *out), 0 absent, -1 not a number. */
static int
num_claim(json_t *claims, const char *name, int64_t *out)
{
	json_t *v = json_object_get(claims, name);

	if (v == NULL)
		return 0;
	if (json_is_integer(v))
		*out = (int64_t)json_integer_value(v);
	else if (json_is_real(v) && json_real_value(v) > 0 && json_real_value(v) < 1e11)
		*out = (int64_t)json_real_value(v);
	else
		return -1;
	return 1;
}

static enum oidc_assertion_error
check_claims(json_t *c, const char *client_id, const char *const *audiences, int64_t now,
    int64_t *exp)
{
	const char *iss = json_string_value(json_object_get(c, "iss"));
	const char *sub = json_string_value(json_object_get(c, "sub"));
	const char *jti = json_string_value(json_object_get(c, "jti"));
	int64_t t = 0;
	int k;

	if (iss == NULL || sub == NULL || strcmp(iss, client_id) != 0 ||
	    strcmp(sub, client_id) != 0)
		return OIDC_ASSERTION_ISSUER;
	if (!aud_ok(json_object_get(c, "aud"), audiences))
		return OIDC_ASSERTION_AUDIENCE;
	if (num_claim(c, "exp", exp) != 1)
		return OIDC_ASSERTION_LIFETIME;
	if (*exp + OIDC_ASSERTION_LEEWAY <= now)
		return OIDC_ASSERTION_EXPIRED;
	if (*exp > now + OIDC_ASSERTION_LIFE_MAX + OIDC_ASSERTION_LEEWAY)
		return OIDC_ASSERTION_LIFETIME;
	if ((k = num_claim(c, "iat", &t)) < 0 || (k == 1 && t > now + OIDC_ASSERTION_LEEWAY))
		return k < 0 ? OIDC_ASSERTION_MALFORMED : OIDC_ASSERTION_EARLY;
	if ((k = num_claim(c, "nbf", &t)) < 0 || (k == 1 && t > now + OIDC_ASSERTION_LEEWAY))
		return k < 0 ? OIDC_ASSERTION_MALFORMED : OIDC_ASSERTION_EARLY;
	if (jti == NULL || jti[0] == '\0' || strlen(jti) > JTI_MAX)
		return OIDC_ASSERTION_JTI;
	return OIDC_ASSERTION_OK;
}

enum oidc_assertion_error
oidc_assertion_check(const char *jwks, const struct oidc_assertion *as,
    const char *client_id, const char *const *audiences, int64_t now, struct arena *a,
    const char **jti, int64_t *exp)
{
	enum oidc_assertion_error rc;

	*jti = NULL;
	*exp = 0;
	if (jwks == NULL || client_id == NULL || as == NULL)
		return OIDC_ASSERTION_MALFORMED;
	/* The signature first: claims of an unsigned token are not looked at. */
	rc = verify_sig(jwks, &as->p);
	if (rc == OIDC_ASSERTION_OK)
		rc = check_claims(as->p.claims, client_id, audiences, now, exp);
	if (rc == OIDC_ASSERTION_OK) {
		*jti = arena_strdup(a, json_string_value(json_object_get(as->p.claims, "jti")));
		if (*jti == NULL)
			rc = OIDC_ASSERTION_MALFORMED;
	}
	return rc;
}

enum oidc_assertion_error
oidc_assertion_verify(const char *jwks, const char *jwt, const char *client_id,
    const char *const *audiences, int64_t now, struct arena *a, const char **jti,
    int64_t *exp)
{
	struct oidc_assertion *as;
	enum oidc_assertion_error rc;

	*jti = NULL;
	*exp = 0;
	if (jwks == NULL || client_id == NULL || (as = oidc_assertion_parse(jwt)) == NULL)
		return OIDC_ASSERTION_MALFORMED;
	rc = oidc_assertion_check(jwks, as, client_id, audiences, now, a, jti, exp);
	oidc_assertion_free(as);
	return rc;
}

/* ---- registration and store ---- */

int
oidc_jwks_check(const char *jwks, char *err, size_t errlen)
{
	json_t *set, *keys, *jwk;
	size_t i;
	int rc = -1;

	if (jwks == NULL || strlen(jwks) > OIDC_JWKS_MAX) {
		snprintf(err, errlen, "the JWKS is missing or longer than %d bytes", OIDC_JWKS_MAX);
		return -1;
	}
	set = json_loads(jwks, JSON_REJECT_DUPLICATES, NULL);
	keys = json_object_get(set, "keys");
	if (!json_is_array(keys) || json_array_size(keys) == 0 ||
	    json_array_size(keys) > OIDC_JWKS_KEYS_MAX) {
		snprintf(err, errlen, "the JWKS must be {\"keys\":[…]} with 1 to %d keys",
		    OIDC_JWKS_KEYS_MAX);
		goto done;
	}
	json_array_foreach(keys, i, jwk) {
		const char *kty = json_string_value(json_object_get(jwk, "kty"));
		EVP_PKEY *k;

		if (json_object_get(jwk, "d") != NULL) {
			snprintf(err, errlen, "key %zu holds a private part: register public keys only",
			    i + 1);
			goto done;
		}
		k = kty != NULL ? jwk_key(jwk, kty) : NULL;
		if (k == NULL) {
			snprintf(err, errlen, "key %zu is neither EC P-256 nor RSA of 2048-4096 bits",
			    i + 1);
			goto done;
		}
		EVP_PKEY_free(k);
	}
	rc = 0;
done:
	json_decref(set);
	return rc;
}

int
oidc_jwks_usable(const char *doc, size_t len, char **out, char *err, size_t errlen)
{
	json_t *set = json_loadb(doc, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *keys = json_object_get(set, "keys"), *kept = json_array(), *jwk, *o = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (!json_is_array(keys) || kept == NULL) {
		snprintf(err, errlen, "not a JWKS");
		goto done;
	}
	json_array_foreach(keys, i, jwk) {
		const char *kty = json_string_value(json_object_get(jwk, "kty"));
		const char *use = json_string_value(json_object_get(jwk, "use"));
		EVP_PKEY *k;

		/* A published private key is the publisher's accident: none of it is used. */
		if (json_object_get(jwk, "d") != NULL) {
			snprintf(err, errlen, "the JWKS holds a private key");
			goto done;
		}
		if ((use != NULL && strcmp(use, "sig") != 0) || kty == NULL ||
		    json_array_size(kept) >= OIDC_JWKS_KEYS_MAX)
			continue;
		k = jwk_key(jwk, kty);
		if (k == NULL)
			continue;
		EVP_PKEY_free(k);
		json_array_append(kept, jwk);
	}
	if (json_array_size(kept) == 0) {
		snprintf(err, errlen, "no EC P-256 or RSA signing key in the JWKS");
		goto done;
	}
	o = json_pack("{s:O}", "keys", kept);
	*out = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	rc = *out != NULL ? 0 : -1;
	if (rc != 0)
		snprintf(err, errlen, "out of memory");
done:
	json_decref(o);
	json_decref(kept);
	json_decref(set);
	return rc;
}

int
oidc_assertion_kid(struct arena *a, const char *jwt, const char **kid)
{
	struct jwt_parts p;
	const char *v;
	int rc = 0;

	*kid = NULL;
	if (parts_read(jwt, &p) != 0)
		return -1;
	v = json_string_value(json_object_get(p.header, "kid"));
	if (v != NULL && (*kid = arena_strdup(a, v)) == NULL)
		rc = -1;
	parts_free(&p);
	return rc;
}

int
oidc_client_jwks_uri_set(struct store *s, const char *client_id, const char *uri, char *err,
    size_t errlen)
{
	struct store_tx *tx;

	/* The URL is kept in the registration's row in place of the JWKS text: a client has
	 * its keys one way or the other, never both. */
	if (uri == NULL || !oidc_uri_valid(uri) || !oidc_jwks_is_uri(uri)) {
		snprintf(err, errlen, "the JWKS URL must be https (http only on loopback)");
		return -1;
	}
	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_exec(tx, SQL_MACH_JWKS_PUT, "tti", client_id, uri, clock_time()) != 1 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		snprintf(err, errlen, "the JWKS URL could not be stored");
		return -1;
	}
	return 0;
}

int
oidc_client_jwks_resolve(struct arena *a, const char *client_id, const char *stored,
    const char *jwt, const char **jwks)
{
	const char *kid = NULL;
	char why[128];
	int rc;

	*jwks = stored;
	if (!oidc_jwks_is_uri(stored))
		return 0;
	if (oidc_assertion_kid(a, jwt, &kid) != 0)
		kid = NULL;      /* a malformed assertion is refused by its verification */
	rc = oidc_jwks_uri_get(a, client_id, stored, kid, clock_time(), jwks, why, sizeof(why));
	if (rc == 1) {
		log_warn(NULL, "oidc: the JWKS of client %s: %s", client_id, why);
		*jwks = NULL;
		return 2;
	}
	return rc;
}

int
oidc_client_jwks_for(struct store *s, struct arena *a, const char *client_id,
    const char *jwt, const char **jwks)
{
	const char *stored = NULL;
	int rc = oidc_client_jwks_get(s, a, client_id, &stored);

	*jwks = NULL;
	return rc != 0 ? rc : oidc_client_jwks_resolve(a, client_id, stored, jwt, jwks);
}

int
oidc_client_jwks_set(struct store *s, const char *client_id, const char *jwks, char *err,
    size_t errlen)
{
	struct store_tx *tx;

	if (oidc_jwks_check(jwks, err, errlen) != 0)
		return -1;
	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_exec(tx, SQL_MACH_JWKS_PUT, "tti", client_id, jwks, clock_time()) != 1 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		snprintf(err, errlen, "the JWKS could not be stored");
		return -1;
	}
	return 0;
}

int
oidc_client_jwks_delete(struct store *s, const char *client_id)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_exec(tx, SQL_MACH_JWKS_DELETE, "t", client_id) < 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

int
oidc_client_jwks_get(struct store *s, struct arena *a, const char *client_id,
    const char **jwks)
{
	struct store_tx *tx;
	struct store_q *q = NULL;
	int rc = -1, k;

	*jwks = NULL;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_MACH_JWKS_GET, &q, "t", client_id) != 0)
		goto done;
	k = store_next(q);
	if (k == 1)
		rc = (*jwks = arena_strdup(a, store_text(q, MACH_JWKS_GET_JWKS))) != NULL ? 0 : -1;
	else if (k == 0)
		rc = 1;
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}

int
oidc_assertion_jti_record(struct store_tx *tx, const char *client_id, const char *jti,
    int64_t exp)
{
	unsigned char h[32];
	int k;

	crypto_generichash(h, sizeof(h), (const unsigned char *)jti, strlen(jti), NULL, 0);
	/* Kept at least as long as the leeway lets the assertion pass. */
	k = store_exec(tx, SQL_MACH_JTI_INSERT, "tbi", client_id, h, sizeof(h),
	    exp + OIDC_ASSERTION_LEEWAY);
	return k < 0 ? -1 : k == 0 ? 1 : 0;
}

struct jti_op {
	const char *client_id, *jti;
	int64_t exp;
	int replay;
};

static int
jti_fn(struct store_tx *tx, void *arg)
{
	struct jti_op *op = arg;

	op->replay = oidc_assertion_jti_record(tx, op->client_id, op->jti, op->exp);
	return op->replay < 0 ? -1 : 0;
}

int
oidc_assertion_jti_use(struct oidc_batch *b, const char *client_id, const char *jti,
    int64_t exp)
{
	struct jti_op op = { client_id, jti, exp, 0 };

	if (oidc_batch_run(b, jti_fn, &op) < 0)
		return -1;
	return op.replay;
}

static int
machine_apps(struct store_tx *tx, struct arena *a, struct oidc_machine *m)
{
	struct store_q *q = NULL;
	int k;

	if (store_query(tx, SQL_MACH_CERT_APPS, &q, "i", m->cert_id) != 0)
		return -1;
	while ((k = store_next(q)) == 1 && m->n_apps < OIDC_MACHINE_APPS_MAX) {
		m->apps[m->n_apps] = arena_strdup(a, store_text(q, MACH_CERT_APPS_APPLICATION));
		if (m->apps[m->n_apps++] == NULL)
			k = -1;
		if (k < 0)
			break;
	}
	store_done(q);
	return k < 0 ? -1 : 0;
}

static const char *
dup_col(struct arena *a, struct store_q *q, int col, bool *oom)
{
	const char *t = store_text(q, col);
	char *c = arena_strdup(a, t != NULL ? t : "");

	if (c == NULL)
		*oom = true;
	return c;
}

int
oidc_machine_get(struct store *s, struct arena *a, const char *client_id,
    const char *thumbprint, struct oidc_machine *out)
{
	struct store_tx *tx;
	struct store_q *q = NULL;
	bool oom = false;
	int rc = -1, k;

	memset(out, 0, sizeof(*out));
	if ((client_id == NULL) == (thumbprint == NULL) || store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (client_id != NULL ? store_query(tx, SQL_MACH_CERT_BY_ID, &q, "t", client_id) :
	    store_query(tx, SQL_MACH_CERT_BY_THUMB, &q, "t", thumbprint))
		goto done;
	k = store_next(q);
	if (k != 1) {
		rc = k == 0 ? 1 : -1;
		goto done;
	}
	out->cert_id = store_int(q, MACH_CERT_ID);
	out->client_id = dup_col(a, q, MACH_CERT_PUBLIC_ID, &oom);
	out->status = dup_col(a, q, MACH_CERT_STATUS, &oom);
	out->not_before = dup_col(a, q, MACH_CERT_NOT_BEFORE, &oom);
	out->not_after = dup_col(a, q, MACH_CERT_NOT_AFTER, &oom);
	out->quality = dup_col(a, q, MACH_CERT_QUALITY, &oom);
	out->enterprise = dup_col(a, q, MACH_CERT_ENTERPRISE, &oom);
	out->thumbprint = dup_col(a, q, MACH_CERT_THUMBPRINT, &oom);
	store_done(q);
	q = NULL;
	if (oom)
		goto done;
	rc = machine_apps(tx, a, out);
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}

/* ---- machines seen lately ----
 * A certificate's row and applications, kept a few seconds per client id or thumbprint:
 * two reads (and on PostgreSQL four round trips) fewer per token. Only what does not change
 * while the certificate is active is relied on (its id, client id, thumbprint, validity,
 * quality, applications); its status is read again in the token's own transaction
 * (machine_token.c: a certificate revoked, even by another node or straight in its row, issues
 * nothing from the next request on), and a refusal there forgets the entry. The
 * organisation's enterprise number (for the audit event) may lag by MACHINE_CACHE_MS. */
#define MACHINE_CACHE 64
#define MACHINE_CACHE_MS 5000
#define MACHINE_KEY_MAX 160

struct machine_entry {
	char key[MACHINE_KEY_MAX];     /* "i" client id or "t" thumbprint; "" free */
	int64_t at_ms;
	struct oidc_machine m;         /* strings in blob */
	char *blob;
	size_t blob_len;
};
static struct machine_entry machine_cache[MACHINE_CACHE];
static size_t machine_cache_next;
static pthread_mutex_t machine_cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* The bytes of m's strings, each with its NUL. */
static size_t
machine_bytes(const struct oidc_machine *m)
{
	size_t n = strlen(m->client_id) + strlen(m->status) + strlen(m->not_before) +
	    strlen(m->not_after) + strlen(m->quality) + strlen(m->enterprise) +
	    strlen(m->thumbprint) + 7;

	for (size_t i = 0; i < m->n_apps; i++)
		n += strlen(m->apps[i]) + 1;
	return n;
}

static const char *
put_str(char **p, const char *v)
{
	size_t n = strlen(v) + 1;
	char *d = *p;

	memcpy(d, v, n);
	*p += n;
	return d;
}

/* out = m with its strings copied into dst (machine_bytes(m) bytes). */
static void
machine_copy(const struct oidc_machine *m, char *dst, struct oidc_machine *out)
{
	struct oidc_machine c = { .cert_id = m->cert_id, .n_apps = m->n_apps };

	c.client_id = put_str(&dst, m->client_id);
	c.status = put_str(&dst, m->status);
	c.not_before = put_str(&dst, m->not_before);
	c.not_after = put_str(&dst, m->not_after);
	c.quality = put_str(&dst, m->quality);
	c.enterprise = put_str(&dst, m->enterprise);
	c.thumbprint = put_str(&dst, m->thumbprint);
	for (size_t i = 0; i < m->n_apps; i++)
		c.apps[i] = put_str(&dst, m->apps[i]);
	*out = c;
}

static int
machine_key(char key[MACHINE_KEY_MAX], const char *client_id, const char *thumbprint)
{
	int n = snprintf(key, MACHINE_KEY_MAX, "%s%s", client_id ? "i" : "t",
	    client_id ? client_id : thumbprint);

	return n > 1 && n < MACHINE_KEY_MAX ? 0 : -1;
}

static void
entry_clear(struct machine_entry *e)
{
	free(e->blob);
	memset(e, 0, sizeof(*e));
}

/* 0 (out filled, in a) when a fresh entry holds key; 1 otherwise; -1 when a is full. */
static int
cache_find(const char *key, struct arena *a, struct oidc_machine *out)
{
	int64_t now = clock_mono_ms();
	int rc = 1;

	pthread_mutex_lock(&machine_cache_lock);
	for (size_t i = 0; i < MACHINE_CACHE && rc == 1; i++) {
		struct machine_entry *e = &machine_cache[i];
		char *dst;

		if (e->key[0] == '\0' || strcmp(e->key, key) != 0)
			continue;
		if (now - e->at_ms >= MACHINE_CACHE_MS || now < e->at_ms) {
			entry_clear(e);
			break;
		}
		dst = arena_alloc(a, e->blob_len);
		if (dst == NULL)
			rc = -1;
		else {
			machine_copy(&e->m, dst, out);
			rc = 0;
		}
	}
	pthread_mutex_unlock(&machine_cache_lock);
	return rc;
}

static void
cache_keep(const char *key, const struct oidc_machine *m)
{
	size_t n = machine_bytes(m);
	char *blob = malloc(n);
	struct machine_entry *e;

	if (blob == NULL)
		return;
	pthread_mutex_lock(&machine_cache_lock);
	for (size_t i = 0; i < MACHINE_CACHE; i++)
		if (strcmp(machine_cache[i].key, key) == 0)
			entry_clear(&machine_cache[i]);
	e = &machine_cache[machine_cache_next++ % MACHINE_CACHE];
	entry_clear(e);
	memcpy(e->key, key, strlen(key) + 1);
	e->at_ms = clock_mono_ms();
	e->blob = blob;
	e->blob_len = n;
	machine_copy(m, blob, &e->m);
	pthread_mutex_unlock(&machine_cache_lock);
}

void
oidc_machine_forget(int64_t cert_id)
{
	pthread_mutex_lock(&machine_cache_lock);
	for (size_t i = 0; i < MACHINE_CACHE; i++)
		if (machine_cache[i].key[0] != '\0' && machine_cache[i].m.cert_id == cert_id)
			entry_clear(&machine_cache[i]);
	pthread_mutex_unlock(&machine_cache_lock);
}

int
oidc_machine_get_kept(struct store *s, struct arena *a, const char *client_id,
    const char *thumbprint, struct oidc_machine *out)
{
	char key[MACHINE_KEY_MAX];
	int rc;

	if ((client_id == NULL) == (thumbprint == NULL))
		return -1;
	if (machine_key(key, client_id, thumbprint) != 0)
		return oidc_machine_get(s, a, client_id, thumbprint, out);
	rc = cache_find(key, a, out);
	if (rc <= 0)
		return rc;
	rc = oidc_machine_get(s, a, client_id, thumbprint, out);
	/* Only an active certificate is kept: any other is refused from its row. */
	if (rc == 0 && strcmp(out->status, "active") == 0)
		cache_keep(key, out);
	return rc;
}

/* Client JWKS kept the same way for the token endpoint's machines: a verification that
 * fails on a kept JWKS is done again on the row's (a key just added counts at once), and a
 * success counts only if the issue's transaction finds that JWKS still registered. */
struct jwks_entry {
	char client_id[MACHINE_KEY_MAX];
	int64_t at_ms;
	char *jwks;
};
static struct jwks_entry jwks_cache[MACHINE_CACHE];
static size_t jwks_cache_next;

void
oidc_client_jwks_forget(const char *client_id)
{
	pthread_mutex_lock(&machine_cache_lock);
	for (size_t i = 0; i < MACHINE_CACHE; i++)
		if (jwks_cache[i].jwks != NULL && strcmp(jwks_cache[i].client_id, client_id) == 0) {
			free(jwks_cache[i].jwks);
			memset(&jwks_cache[i], 0, sizeof(jwks_cache[i]));
		}
	pthread_mutex_unlock(&machine_cache_lock);
}

int
oidc_client_jwks_get_kept(struct store *s, struct arena *a, const char *client_id,
    const char **jwks, bool *kept)
{
	int64_t now = clock_mono_ms();
	size_t n = strlen(client_id);
	char *copy;
	int rc = 1;

	*jwks = NULL;
	*kept = false;
	if (n >= MACHINE_KEY_MAX)
		return oidc_client_jwks_get(s, a, client_id, jwks);
	pthread_mutex_lock(&machine_cache_lock);
	for (size_t i = 0; i < MACHINE_CACHE && rc == 1; i++) {
		struct jwks_entry *e = &jwks_cache[i];

		if (e->jwks == NULL || strcmp(e->client_id, client_id) != 0)
			continue;
		if (now - e->at_ms >= MACHINE_CACHE_MS || now < e->at_ms)
			break;
		*jwks = arena_strdup(a, e->jwks);
		rc = *jwks != NULL ? 0 : -1;
	}
	pthread_mutex_unlock(&machine_cache_lock);
	if (rc <= 0) {
		*kept = rc == 0;
		return rc;
	}
	oidc_client_jwks_forget(client_id);
	rc = oidc_client_jwks_get(s, a, client_id, jwks);
	if (rc != 0 || (copy = strdup(*jwks)) == NULL)
		return rc;
	pthread_mutex_lock(&machine_cache_lock);
	{
		struct jwks_entry *e = &jwks_cache[jwks_cache_next++ % MACHINE_CACHE];

		free(e->jwks);
		memcpy(e->client_id, client_id, n + 1);
		e->at_ms = clock_mono_ms();
		e->jwks = copy;
	}
	pthread_mutex_unlock(&machine_cache_lock);
	return 0;
}

enum oidc_machine_state
oidc_machine_state(const struct oidc_machine *m, int64_t now)
{
	char t[CLOCK_TEXT_SIZE];

	if (strcmp(m->status, "revoked") == 0)
		return OIDC_MACHINE_REVOKED;
	if (strcmp(m->status, "active") != 0)
		return OIDC_MACHINE_REPLACED;
	/* The stored times are ISO 8601 UTC of one form: they compare as text. */
	if (clock_text(now, t) != 0 || strcmp(t, m->not_after) >= 0)
		return OIDC_MACHINE_EXPIRED;
	if (strcmp(t, m->not_before) < 0)
		return OIDC_MACHINE_NOT_YET;
	return OIDC_MACHINE_USABLE;
}

const char *
oidc_machine_state_reason(enum oidc_machine_state st)
{
	static const char *const words[] = { "usable", "certificate revoked",
	    "certificate replaced", "certificate expired", "certificate not yet valid" };

	return (size_t)st < sizeof(words) / sizeof(words[0]) ? words[st] : "refused";
}

int
oidc_x5t_der(const unsigned char *der, size_t len, char out[OIDC_X5T_LEN + 1])
{
	unsigned char h[32];

	if (der == NULL || len == 0 || crypto_hash_sha256(h, der, len) != 0)
		return -1;
	return jws_b64url_encode(h, sizeof(h), out, OIDC_X5T_LEN + 1) == OIDC_X5T_LEN ? 0 : -1;
}

int
oidc_x5t_pem(const char *pem, size_t len, char out[OIDC_X5T_LEN + 1])
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	const char *b = memmem(pem, len, begin, sizeof(begin) - 1), *e;
	unsigned char *der;
	size_t n = 0;
	int rc = -1;

	/* The thumbprint is of the DER bytes: the base64 between the markers decoded, without
	 * OpenSSL's PEM reader (a third of a token request's work). A certificate that is not
	 * well formed cannot be the registered one, whose thumbprint is compared next. */
	if (b == NULL)
		return -1;
	b += sizeof(begin) - 1;
	e = memmem(b, len - (size_t)(b - pem), end, sizeof(end) - 1);
	if (e == NULL || (der = malloc((size_t)(e - b))) == NULL)
		return -1;
	if (sodium_base642bin(der, (size_t)(e - b), b, (size_t)(e - b), " \t\r\n", &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && n > 0)
		rc = oidc_x5t_der(der, n, out);
	free(der);
	return rc;
}
