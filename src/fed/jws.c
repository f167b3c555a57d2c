/* jws.c — ES256 and RS256 compact JWS on OpenSSL EVP: keys, JWKs and thumbprints, signing,
 * verification, and the DER <-> raw r||s conversion JOSE demands (RFC 7518 §3.4). */
#include "fed/jws.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsontext.h"

#define COORD 32                 /* P-256 coordinate and scalar size */
#define JWS_MAX (64 * 1024)      /* refuse tokens larger than this */
#define CTX_SPARE 16             /* signing contexts kept per key */
#define RSA_MIN_BITS 2048        /* RFC 7518 §3.3: 2048 bits or more */
#define RSA_MAX_BITS 4096
#define SIG_MAX (RSA_MAX_BITS / 8)

struct jws_key {
	enum jws_alg alg;
	EVP_PKEY *pkey;
	bool priv;
	char kid[JWS_KID_MAX];      /* the thumbprint: 43 characters, written in place */
	char jwk[JWS_JWK_MAX];
	/* Signing contexts ready for use: making and initialising one (the provider's
	 * algorithm fetched again) costs a third of a signature. Shared by the threads
	 * that sign with this key, under lock; not part of the key's value. */
	pthread_mutex_t lock;
	EVP_PKEY_CTX *spare[CTX_SPARE];
	int nspare;
};
_Static_assert(JWS_KID_MAX >= 44, "a kid holds a SHA-256 thumbprint in base64url");

size_t
jws_b64url_len(size_t n)
{
	return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

int
jws_b64url_encode(const void *in, size_t n, char *out, size_t outlen)
{
	size_t need = jws_b64url_len(n);

	if (outlen < need + 1 ||
	    outlen < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, outlen, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return (int)need;
}

int
jws_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outlen)
{
	size_t got = 0;

	/* A length of 1 mod 4 cannot come from any byte string. */
	if (n % 4 == 1 || n > JWS_MAX)
		return -1;
	/* libsodium refuses other characters, padding and non-zero trailing bits. */
	if (sodium_base642bin(out, outlen, in, n, NULL, &got, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return (int)got;
}

int
jws_ecdsa_der_to_raw(const unsigned char *der, size_t derlen, unsigned char raw[64])
{
	const unsigned char *p = der;
	ECDSA_SIG *sig;
	const BIGNUM *r, *s;
	int rc = -1;

	sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	if (sig == NULL)
		return -1;
	/* The whole input must be the signature: no trailing bytes. */
	if ((size_t)(p - der) != derlen)
		goto done;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_num_bytes(r) > COORD || BN_num_bytes(s) > COORD || BN_is_negative(r) ||
	    BN_is_negative(s))
		goto done;
	if (BN_bn2binpad(r, raw, COORD) != COORD || BN_bn2binpad(s, raw + COORD, COORD) != COORD)
		goto done;
	rc = 0;
done:
	ECDSA_SIG_free(sig);
	return rc;
}

int
jws_ecdsa_raw_to_der(const unsigned char raw[64], unsigned char *out, size_t outlen)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, COORD, NULL), *s = BN_bin2bn(raw + COORD, COORD, NULL);
	unsigned char *p = out;
	int n = -1;

	if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return -1;
	}
	/* sig owns r and s now. */
	if (i2d_ECDSA_SIG(sig, NULL) <= (int)outlen)
		n = i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	return n > 0 ? n : -1;
}

/* SHA-256 through OpenSSL, whose code uses the processor's SHA extensions where it has
 * them (libsodium's is portable C, several times slower on the kilobyte of an ID token);
 * the digest is fetched from the provider once, not at every call. libsodium gives the
 * same digest if OpenSSL cannot. */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static void
sha256(const void *p, size_t n, unsigned char out[crypto_hash_sha256_BYTES])
{
	unsigned int len = 0;

	pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL || EVP_Digest(p, n, out, &len, sha256_md, NULL) != 1 ||
	    len != crypto_hash_sha256_BYTES)
		crypto_hash_sha256(out, p, n);
}

void
jws_sha256_b64url(const char *s, size_t n, char out[44])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	sha256(s, n, h);
	jws_b64url_encode(h, sizeof(h), out, 44);
}

const char *
jws_alg_name(enum jws_alg alg)
{
	return alg == JWS_RS256 ? "RS256" : "ES256";
}

int
jws_alg_parse(const char *name, enum jws_alg *out)
{
	if (name != NULL && strcmp(name, "ES256") == 0)
		*out = JWS_ES256;
	else if (name != NULL && strcmp(name, "RS256") == 0)
		*out = JWS_RS256;
	else
		return -1;
	return 0;
}

/* Appends the base64url of a big number (unsigned, big-endian, no leading zero) to out. */
static int
bn_b64url(const BIGNUM *bn, char *out, size_t outlen)
{
	unsigned char bin[SIG_MAX];
	int n = BN_num_bytes(bn);

	if (n <= 0 || n > (int)sizeof(bin) || BN_bn2bin(bn, bin) != n)
		return -1;
	return jws_b64url_encode(bin, (size_t)n, out, outlen) < 0 ? -1 : 0;
}

/* Fills kid and jwk from the modulus and exponent of an RSA k->pkey. */
static int
rsa_describe(struct jws_key *k)
{
	BIGNUM *bn = NULL, *be = NULL;
	char ns[SIG_MAX * 4 / 3 + 8], es[16], canon[SIG_MAX * 4 / 3 + 64];
	int rc = -1;

	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &bn) != 1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &be) != 1 ||
	    bn_b64url(bn, ns, sizeof(ns)) != 0 || bn_b64url(be, es, sizeof(es)) != 0)
		goto done;
	/* RFC 7638: e, kty, n in this order, no whitespace. */
	if (json_text(canon, sizeof(canon), "{s:s, s:s, s:s}", "e", es, "kty", "RSA", "n", ns) != 0)
		goto done;
	jws_sha256_b64url(canon, strlen(canon), k->kid);
	if (json_text(k->jwk, sizeof(k->jwk), "{s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "RSA",
	    "n", ns, "e", es, "kid", k->kid, "use", "sig", "alg", "RS256") != 0)
		goto done;
	rc = 0;
done:
	BN_free(bn);
	BN_free(be);
	return rc;
}

/* Fills kid and jwk from the public coordinates of k->pkey. */
static int
key_describe(struct jws_key *k)
{
	BIGNUM *bx = NULL, *by = NULL;
	unsigned char x[COORD], y[COORD];
	char xs[48], ys[48], canon[160];
	int rc = -1;

	if (k->alg == JWS_RS256)
		return rsa_describe(k);
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &bx) != 1 ||
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &by) != 1)
		goto done;
	if (BN_bn2binpad(bx, x, COORD) != COORD || BN_bn2binpad(by, y, COORD) != COORD)
		goto done;
	jws_b64url_encode(x, COORD, xs, sizeof(xs));
	jws_b64url_encode(y, COORD, ys, sizeof(ys));
	/* RFC 7638: the required members only, in lexicographic order, no whitespace. */
	if (json_text(canon, sizeof(canon), "{s:s, s:s, s:s, s:s}", "crv", "P-256", "kty", "EC",
	    "x", xs, "y", ys) != 0)
		goto done;
	jws_sha256_b64url(canon, strlen(canon), k->kid);
	if (json_text(k->jwk, sizeof(k->jwk), "{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC",
	    "crv", "P-256", "x", xs, "y", ys, "kid", k->kid, "use", "sig", "alg", "ES256") != 0)
		goto done;
	rc = 0;
done:
	BN_free(bx);
	BN_free(by);
	return rc;
}

/* The alg of pkey: a P-256 key is ES256, an RSA key of 2048-4096 bits RS256. 0 or -1. */
static int
pkey_alg(EVP_PKEY *pkey, enum jws_alg *alg)
{
	char group[32];
	size_t glen = 0;
	int bits;

	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
		bits = EVP_PKEY_get_bits(pkey);
		if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS)
			return -1;
		*alg = JWS_RS256;
		return 0;
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
	    sizeof(group), &glen) != 1 || strcmp(group, "prime256v1") != 0)
		return -1;
	*alg = JWS_ES256;
	return 0;
}

/* Wraps pkey (taken) in a new key; checks it is a key of one of the algs. */
static int
key_wrap(EVP_PKEY *pkey, bool priv, struct jws_key **out)
{
	struct jws_key *k;
	enum jws_alg alg;

	if (pkey == NULL)
		return -1;
	if (pkey_alg(pkey, &alg) != 0) {
		EVP_PKEY_free(pkey);
		return -1;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		return -1;
	}
	pthread_mutex_init(&k->lock, NULL);
	k->alg = alg;
	k->pkey = pkey;
	k->priv = priv;
	if (key_describe(k) != 0) {
		jws_key_free(k);
		return -1;
	}
	*out = k;
	return 0;
}

int
jws_key_generate(struct jws_key **out)
{
	return key_wrap(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), true, out);
}

int
jws_key_generate_alg(enum jws_alg alg, struct jws_key **out)
{
	if (alg == JWS_RS256)
		return key_wrap(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)JWS_RSA_BITS), true,
		    out);
	return jws_key_generate(out);
}

enum jws_alg
jws_key_alg(const struct jws_key *k)
{
	return k->alg;
}

int
jws_key_from_der(const void *der, size_t n, struct jws_key **out)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;

	if (n == 0 || n > 4096)
		return -1;
	pkey = d2i_AutoPrivateKey(NULL, &p, (long)n);
	return key_wrap(pkey, true, out);
}

/* A string member of a JSON object, or "" when absent or not a string. */
static const char *
jstr(json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));

	return v != NULL ? v : "";
}

/* A coordinate of a JWK: 32 bytes in base64url. */
static int
jwk_coord(json_t *jwk, const char *name, unsigned char out[COORD])
{
	const char *v = json_string_value(json_object_get(jwk, name));

	if (v == NULL || jws_b64url_decode(v, strlen(v), out, COORD) != COORD)
		return -1;
	return 0;
}

int
jws_key_from_jwk(const char *text, struct jws_key **out)
{
	json_t *jwk = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	unsigned char point[1 + 2 * COORD];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	int rc = -1;

	if (jwk == NULL || !json_is_object(jwk))
		goto done;
	if (strcmp(jstr(jwk, "kty"), "EC") != 0 ||
	    strcmp(jstr(jwk, "crv"), "P-256") != 0)
		goto done;
	point[0] = 0x04;
	if (jwk_coord(jwk, "x", point + 1) != 0 || jwk_coord(jwk, "y", point + 1 + COORD) != 0)
		goto done;
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point,
	    sizeof(point)) != 1)
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto done;
	rc = key_wrap(pkey, false, out);
	pkey = NULL;
done:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	json_decref(jwk);
	return rc;
}

int
jws_key_private_der(const struct jws_key *k, unsigned char **der, size_t *n)
{
	unsigned char *buf, *p;
	int len;

	if (!k->priv)
		return -1;
	len = i2d_PrivateKey(k->pkey, NULL);
	if (len <= 0)
		return -1;
	buf = malloc((size_t)len);
	if (buf == NULL)
		return -1;
	p = buf;
	if (i2d_PrivateKey(k->pkey, &p) != len) {
		jws_free_secret(buf, (size_t)len);
		return -1;
	}
	*der = buf;
	*n = (size_t)len;
	return 0;
}

void
jws_free_secret(unsigned char *p, size_t n)
{
	if (p == NULL)
		return;
	sodium_memzero(p, n);
	free(p);
}

const char *
jws_key_kid(const struct jws_key *k)
{
	return k->kid;
}

const char *
jws_key_jwk(const struct jws_key *k)
{
	return k->jwk;
}

EVP_PKEY *
jws_key_evp(const struct jws_key *k)
{
	return k->pkey;
}

bool
jws_key_has_private(const struct jws_key *k)
{
	return k->priv;
}

void
jws_key_free(struct jws_key *k)
{
	if (k == NULL)
		return;
	for (int i = 0; i < k->nspare; i++)
		EVP_PKEY_CTX_free(k->spare[i]);
	pthread_mutex_destroy(&k->lock);
	EVP_PKEY_free(k->pkey);
	free(k);
}

/* Appends the base64url of n bytes to out. */
static int
buf_b64url(struct buf *out, const void *p, size_t n)
{
	char stack[1024], *tmp = stack;
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	int len, rc;

	if (need > sizeof(stack)) {
		tmp = malloc(need);
		if (tmp == NULL)
			return -1;
	}
	len = jws_b64url_encode(p, n, tmp, need);
	rc = len < 0 ? -1 : buf_add(out, tmp, (size_t)len);
	if (tmp != stack)
		free(tmp);
	return rc;
}

/* RS256 is PKCS #1 v1.5 over a SHA-256 DigestInfo: set on a context after its init (the
 * digest is computed apart, as for ES256). Nothing to do for ES256. 0 or -1. */
static int
rsa_params(const struct jws_key *k, EVP_PKEY_CTX *ctx)
{
	if (k->alg != JWS_RS256)
		return 0;
	if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1)
		return -1;
	return 0;
}

/* A signing context for k: a spare one, or a new one initialised. NULL on failure. */
static EVP_PKEY_CTX *
sign_ctx_take(struct jws_key *k)
{
	EVP_PKEY_CTX *ctx = NULL;

	pthread_mutex_lock(&k->lock);
	if (k->nspare > 0)
		ctx = k->spare[--k->nspare];
	pthread_mutex_unlock(&k->lock);
	if (ctx != NULL)
		return ctx;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (ctx != NULL && (EVP_PKEY_sign_init(ctx) != 1 || rsa_params(k, ctx) != 0)) {
		EVP_PKEY_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* Gives back a context that signed successfully; one that failed is not reused. */
static void
sign_ctx_give(struct jws_key *k, EVP_PKEY_CTX *ctx, bool ok)
{
	if (ctx == NULL)
		return;
	pthread_mutex_lock(&k->lock);
	if (ok && k->nspare < CTX_SPARE) {
		k->spare[k->nspare++] = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&k->lock);
	EVP_PKEY_CTX_free(ctx);
}

int
jws_sign(const struct jws_key *key, const char *typ, const char *payload, size_t n,
    struct buf *out)
{
	/* The spare contexts change, not the key. */
	struct jws_key *k = (struct jws_key *)key;
	bool signed_ok = false;
	char header[160];
	unsigned char der[SIG_MAX], raw[JWS_ES256_SIG], digest[crypto_hash_sha256_BYTES];
	size_t derlen = sizeof(der), start = out->len;
	EVP_PKEY_CTX *ctx = NULL;
	int rc = -1;

	if (!k->priv || n > JWS_MAX)
		return -1;
	if (json_text(header, sizeof(header), "{s:s, s:s, s:s}", "alg", jws_alg_name(k->alg), "typ",
	    typ ? typ : "JWT", "kid", k->kid) != 0)
		return -1;
	if (buf_b64url(out, header, strlen(header)) != 0 || buf_putc(out, '.') != 0 ||
	    buf_b64url(out, payload, n) != 0)
		goto done;
	/* The digest apart, then a bare ECDSA signature: cheaper than EVP_DigestSign*, which
	 * fetches the digest from the provider at every call. */
	sha256(out->data + start, out->len - start, digest);
	ctx = sign_ctx_take(k);
	if (ctx == NULL || EVP_PKEY_sign(ctx, der, &derlen, digest, sizeof(digest)) != 1)
		goto done;
	signed_ok = true;
	/* RS256 signatures go as they are; ECDSA's DER becomes JOSE's r || s. */
	if (k->alg == JWS_RS256 ? (buf_putc(out, '.') != 0 || buf_b64url(out, der, derlen) != 0) :
	    (jws_ecdsa_der_to_raw(der, derlen, raw) != 0 || buf_putc(out, '.') != 0 ||
	    buf_b64url(out, raw, sizeof(raw)) != 0))
		goto done;
	rc = 0;
done:
	sign_ctx_give(k, ctx, signed_ok);
	if (rc != 0 && out->len > start) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
	}
	return rc;
}

/* Splits a compact JWS into its three parts; returns 0 or -1. */
static int
split(const char *jws, const char **p1, const char **p2, size_t *n0, size_t *n1, size_t *n2)
{
	const char *d1 = strchr(jws, '.'), *d2;
	size_t total = strlen(jws);

	if (total > JWS_MAX || d1 == NULL)
		return -1;
	d2 = strchr(d1 + 1, '.');
	if (d2 == NULL || strchr(d2 + 1, '.') != NULL)
		return -1;
	*p1 = d1 + 1;
	*p2 = d2 + 1;
	*n0 = (size_t)(d1 - jws);
	*n1 = (size_t)(d2 - d1 - 1);
	*n2 = total - (size_t)(d2 + 1 - jws);
	return 0;
}

/* The decoded header as a JSON object, if its alg is ES256 or RS256 (written to *alg);
 * NULL otherwise. */
static json_t *
header_of(const char *jws, size_t n0, enum jws_alg *alg)
{
	unsigned char h[512];
	int hl;
	json_t *j;

	if (n0 > 680)
		return NULL;
	hl = jws_b64url_decode(jws, n0, h, sizeof(h));
	if (hl < 0)
		return NULL;
	j = json_loadb((const char *)h, (size_t)hl, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL || !json_is_object(j) || jws_alg_parse(jstr(j, "alg"), alg) != 0 ||
	    json_object_get(j, "crit") != NULL) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int
jws_peek_kid(const char *jws, char kid[JWS_KID_MAX])
{
	const char *p1, *p2, *v;
	size_t n0, n1, n2;
	enum jws_alg alg;
	json_t *h;
	int rc = -1;

	if (split(jws, &p1, &p2, &n0, &n1, &n2) != 0)
		return -1;
	h = header_of(jws, n0, &alg);
	if (h == NULL)
		return -1;
	v = json_string_value(json_object_get(h, "kid"));
	if (v != NULL && strlen(v) < JWS_KID_MAX) {
		memcpy(kid, v, strlen(v) + 1);
		rc = 0;
	}
	json_decref(h);
	return rc;
}

int
jws_verify(const struct jws_key *k, const char *jws, struct buf *payload)
{
	const char *p1, *p2;
	size_t n0, n1, n2;
	unsigned char raw[SIG_MAX + 2], der[SIG_MAX], *body = NULL;
	unsigned char digest[crypto_hash_sha256_BYTES];
	EVP_PKEY_CTX *ctx = NULL;
	enum jws_alg alg;
	json_t *h;
	int derlen, bl, rc = -1;

	if (split(jws, &p1, &p2, &n0, &n1, &n2) != 0)
		return -1;
	h = header_of(jws, n0, &alg);
	if (h == NULL)
		return -1;
	json_decref(h);
	/* The key decides the algorithm; a header naming another one is refused. */
	if (alg != k->alg)
		return -1;
	if (alg == JWS_RS256) {
		derlen = jws_b64url_decode(p2, n2, der, sizeof(der));
		if (derlen != EVP_PKEY_get_size(k->pkey))
			return -1;
	} else {
		if (jws_b64url_decode(p2, n2, raw, sizeof(raw)) != JWS_ES256_SIG)
			return -1;
		derlen = jws_ecdsa_raw_to_der(raw, der, sizeof(der));
		if (derlen < 0)
			return -1;
	}
	sha256(jws, n0 + 1 + n1, digest);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1 || rsa_params(k, ctx) != 0 ||
	    EVP_PKEY_verify(ctx, der, (size_t)derlen, digest, sizeof(digest)) != 1)
		goto done;
	body = malloc(n1 / 4 * 3 + 3);
	if (body == NULL)
		goto done;
	bl = jws_b64url_decode(p1, n1, body, n1 / 4 * 3 + 3);
	if (bl < 0 || buf_add(payload, body, (size_t)bl) != 0)
		goto done;
	rc = 0;
done:
	free(body);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}
