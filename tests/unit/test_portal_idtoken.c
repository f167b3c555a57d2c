/* test_portal_idtoken.c — the portal's ID-token validator against tokens signed here with
 * a locally generated ES256 key: a good token passes; a wrong signature, another key,
 * wrong iss, aud or azp, expiry, iat, nbf, a wrong or missing nonce, alg none/HS256,
 * crit, an unknown kid and malformed tokens are refused; JWKS parsing refuses bad keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "portal/idtoken.h"

#define NOW 1700000000
#define ISS "http://127.0.0.1:8080"
#define CLIENT "medseip-portal"
#define NONCE "n-0S6_WzA2Mj"

struct key {
	EVP_PKEY *pkey;
	char x[64], y[64];
};

struct fixture {
	struct key good, other;
	struct portal_jwks *jwks;
};

static void
key_new(struct key *k)
{
	BIGNUM *x = NULL, *y = NULL;
	unsigned char bx[32], by[32];

	k->pkey = EVP_EC_gen("P-256");
	assert_non_null(k->pkey);
	assert_int_equal(EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x), 1);
	assert_int_equal(EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y), 1);
	assert_int_equal(BN_bn2binpad(x, bx, 32), 32);
	assert_int_equal(BN_bn2binpad(y, by, 32), 32);
	assert_true(portal_b64url_encode(bx, 32, k->x, sizeof(k->x)) == 43);
	assert_true(portal_b64url_encode(by, 32, k->y, sizeof(k->y)) == 43);
	BN_free(x);
	BN_free(y);
}

static char *
jwks_text(const struct key *k, const char *kid)
{
	char *s = malloc(1024);

	snprintf(s, 1024, "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\",\"kid\":\"%s\","
	    "\"x\":\"%s\",\"y\":\"%s\"}]}", kid, k->x, k->y);
	return s;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *j;

	key_new(&f->good);
	key_new(&f->other);
	j = jwks_text(&f->good, "k1");
	if (portal_jwks_parse(j, strlen(j), &f->jwks) != 0)
		return -1;
	free(j);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	portal_jwks_free(f->jwks);
	EVP_PKEY_free(f->good.pkey);
	EVP_PKEY_free(f->other.pkey);
	free(f);
	return 0;
}

static void
b64(const void *in, size_t n, char *out, size_t outlen)
{
	assert_true(portal_b64url_encode(in, n, out, outlen) >= 0);
}

/* header.payload.signature, signed with k (NULL: no signature, as alg none has). */
static char *
sign(EVP_PKEY *k, const char *header, const char *payload)
{
	char hb[1024], pb[4096], sb[128];
	char *input = malloc(8192), *out = malloc(8192);
	unsigned char der[80], raw[64];
	const unsigned char *p = der;
	size_t derlen = sizeof(der);
	EVP_MD_CTX *md;
	ECDSA_SIG *sig;
	const BIGNUM *r, *s;

	b64(header, strlen(header), hb, sizeof(hb));
	b64(payload, strlen(payload), pb, sizeof(pb));
	snprintf(input, 8192, "%s.%s", hb, pb);
	if (k == NULL) {
		snprintf(out, 8192, "%s.", input);
		free(input);
		return out;
	}
	md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(md, der, &derlen, (unsigned char *)input,
	    strlen(input)), 1);
	EVP_MD_CTX_free(md);
	sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	assert_non_null(sig);
	ECDSA_SIG_get0(sig, &r, &s);
	BN_bn2binpad(r, raw, 32);
	BN_bn2binpad(s, raw + 32, 32);
	ECDSA_SIG_free(sig);
	b64(raw, 64, sb, sizeof(sb));
	snprintf(out, 8192, "%s.%s", input, sb);
	free(input);
	return out;
}

static const char good_header[] = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";

/* A payload with the usual claims; extra replaces nothing, it is appended (or "" ). */
static char *
payload(const char *iss, const char *aud, long exp, long iat, const char *nonce,
    const char *extra)
{
	char *s = malloc(2048);
	char nonce_member[128] = "";

	if (nonce != NULL)
		snprintf(nonce_member, sizeof(nonce_member), ",\"nonce\":\"%s\"", nonce);
	snprintf(s, 2048, "{\"iss\":\"%s\",\"sub\":\"pairwise-abc\",\"aud\":%s,\"exp\":%ld,"
	    "\"iat\":%ld%s%s}", iss, aud, exp, iat, nonce_member, extra);
	return s;
}

static struct idtoken_expect
expect(void)
{
	return (struct idtoken_expect){
		.issuer = ISS, .client_id = CLIENT, .nonce = NONCE, .now = NOW, .leeway = 30,
		.max_age = 600,
	};
}

static enum idtoken_error
check(struct fixture *f, EVP_PKEY *k, const char *header, const char *pl)
{
	struct idtoken_expect e = expect();
	char *t = sign(k, header, pl);
	json_t *claims = (json_t *)1;
	enum idtoken_error rc = idtoken_verify(f->jwks, t, &e, &claims);

	if (rc == IDT_OK) {
		assert_non_null(claims);
		json_decref(claims);
	} else {
		assert_null(claims);
	}
	free(t);
	return rc;
}

static enum idtoken_error
check_payload(struct fixture *f, const char *iss, const char *aud, long exp, long iat,
    const char *nonce, const char *extra)
{
	char *pl = payload(iss, aud, exp, iat, nonce, extra);
	enum idtoken_error rc = check(f, f->good.pkey, good_header, pl);

	free(pl);
	return rc;
}

static void
good_token(void **state)
{
	struct fixture *f = *state;
	struct idtoken_expect e = expect();
	char *pl = payload(ISS, "\"" CLIENT "\"", NOW + 600, NOW - 5, NONCE,
	    ",\"given_name\":\"Jean\"");
	char *t = sign(f->good.pkey, good_header, pl);
	json_t *claims = NULL;
	char kid[64];

	assert_int_equal(idtoken_verify(f->jwks, t, &e, &claims), IDT_OK);
	assert_string_equal(json_string_value(json_object_get(claims, "sub")), "pairwise-abc");
	assert_string_equal(json_string_value(json_object_get(claims, "given_name")), "Jean");
	json_decref(claims);
	assert_int_equal(idtoken_peek_kid(t, kid, sizeof(kid)), 0);
	assert_string_equal(kid, "k1");
	/* An audience array with us, azp us. */
	assert_int_equal(check_payload(f, ISS, "[\"" CLIENT "\",\"other\"]", NOW + 600, NOW,
	    NONCE, ",\"azp\":\"" CLIENT "\""), IDT_OK);
	/* Within the leeway. */
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW - 10, NOW - 100, NONCE, ""),
	    IDT_OK);
	free(pl);
	free(t);
}

static void
wrong_signature(void **state)
{
	struct fixture *f = *state;
	struct idtoken_expect e = expect();
	char *pl = payload(ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE, "");
	char *t = sign(f->good.pkey, good_header, pl);
	char *forged, *dot;
	size_t n = strlen(t);

	/* One bit of the signature changed. */
	t[n - 3] = t[n - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(idtoken_verify(f->jwks, t, &e, NULL), IDT_SIGNATURE);
	free(t);
	/* Another key, same kid. */
	assert_int_equal(check(f, f->other.pkey, good_header, pl), IDT_SIGNATURE);
	/* The payload changed (sub), the signature kept. */
	t = sign(f->good.pkey, good_header, pl);
	forged = sign(f->good.pkey, good_header,
	    "{\"iss\":\"" ISS "\",\"sub\":\"someone-else\",\"aud\":\"" CLIENT "\","
	    "\"exp\":1700000600,\"iat\":1700000000,\"nonce\":\"" NONCE "\"}");
	dot = strrchr(t, '.');
	memcpy(strrchr(forged, '.'), dot, strlen(dot) + 1);
	assert_int_equal(idtoken_verify(f->jwks, forged, &e, NULL), IDT_SIGNATURE);
	/* A truncated signature. */
	t[strlen(t) - 4] = '\0';
	assert_int_equal(idtoken_verify(f->jwks, t, &e, NULL), IDT_SIGNATURE);
	free(forged);
	free(t);
	free(pl);
}

static void
wrong_iss(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_payload(f, "http://127.0.0.1:9999", "\"" CLIENT "\"", NOW + 600,
	    NOW, NONCE, ""), IDT_ISS);
	assert_int_equal(check_payload(f, ISS "/", "\"" CLIENT "\"", NOW + 600, NOW, NONCE, ""),
	    IDT_ISS);
}

static void
wrong_aud(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_payload(f, ISS, "\"other-client\"", NOW + 600, NOW, NONCE, ""),
	    IDT_AUD);
	assert_int_equal(check_payload(f, ISS, "[\"other-client\"]", NOW + 600, NOW, NONCE, ""),
	    IDT_AUD);
	assert_int_equal(check_payload(f, ISS, "[]", NOW + 600, NOW, NONCE, ""), IDT_AUD);
	assert_int_equal(check_payload(f, ISS, "42", NOW + 600, NOW, NONCE, ""), IDT_AUD);
	/* Several audiences without azp, or azp of another client. */
	assert_int_equal(check_payload(f, ISS, "[\"" CLIENT "\",\"other\"]", NOW + 600, NOW,
	    NONCE, ""), IDT_AUD);
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE,
	    ",\"azp\":\"other\""), IDT_AUD);
}

static void
expired(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW - 31, NOW - 700, NONCE, ""),
	    IDT_EXP);
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW - 3600, NOW - 4200, NONCE,
	    ""), IDT_EXP);
	/* No exp at all. */
	assert_int_equal(check(f, f->good.pkey, good_header,
	    "{\"iss\":\"" ISS "\",\"sub\":\"s\",\"aud\":\"" CLIENT "\",\"iat\":1700000000,"
	    "\"nonce\":\"" NONCE "\"}"), IDT_EXP);
	/* exp as text. */
	assert_int_equal(check(f, f->good.pkey, good_header,
	    "{\"iss\":\"" ISS "\",\"sub\":\"s\",\"aud\":\"" CLIENT "\",\"exp\":\"1800000000\","
	    "\"iat\":1700000000,\"nonce\":\"" NONCE "\"}"), IDT_EXP);
	/* The largest exp there is lies far ahead: no overflow adding the leeway to it (found
	 * by fuzz_idtoken, UBSan: signed integer overflow). */
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", LONG_MAX, NOW - 5, NONCE, ""),
	    IDT_OK);
}

static void
bad_times(void **state)
{
	struct fixture *f = *state;

	/* Issued in the future, issued too long ago, not valid yet. */
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 6000, NOW + 120, NONCE,
	    ""), IDT_IAT);
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 6000, NOW - 3600, NONCE,
	    ""), IDT_IAT);
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE,
	    ",\"nbf\":1700000600"), IDT_NBF);
}

static void
wrong_nonce(void **state)
{
	struct fixture *f = *state;
	struct idtoken_expect e = expect();
	char *pl = payload(ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE, "");
	char *t = sign(f->good.pkey, good_header, pl);

	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 600, NOW, "another", ""),
	    IDT_NONCE);
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 600, NOW, NULL, ""),
	    IDT_NONCE);
	assert_int_equal(check_payload(f, ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE "x", ""),
	    IDT_NONCE);
	/* The token is good, the expectation is another login's nonce, or none. */
	e.nonce = "n-from-another-login";
	assert_int_equal(idtoken_verify(f->jwks, t, &e, NULL), IDT_NONCE);
	e.nonce = NULL;
	assert_int_equal(idtoken_verify(f->jwks, t, &e, NULL), IDT_NONCE);
	free(t);
	free(pl);
}

static void
alg_none_and_others(void **state)
{
	struct fixture *f = *state;
	char *pl = payload(ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE, "");

	assert_int_equal(check(f, NULL, "{\"alg\":\"none\",\"kid\":\"k1\"}", pl), IDT_ALG);
	assert_int_equal(check(f, NULL, "{\"alg\":\"none\"}", pl), IDT_ALG);
	/* alg none, but with a valid ES256 signature appended: still none. */
	assert_int_equal(check(f, f->good.pkey, "{\"alg\":\"none\",\"kid\":\"k1\"}", pl), IDT_ALG);
	assert_int_equal(check(f, f->good.pkey, "{\"alg\":\"HS256\",\"kid\":\"k1\"}", pl), IDT_ALG);
	assert_int_equal(check(f, f->good.pkey, "{\"alg\":\"ES384\",\"kid\":\"k1\"}", pl), IDT_ALG);
	assert_int_equal(check(f, f->good.pkey, "{\"kid\":\"k1\"}", pl), IDT_ALG);
	assert_int_equal(check(f, f->good.pkey,
	    "{\"alg\":\"ES256\",\"kid\":\"k1\",\"crit\":[\"exp\"]}", pl), IDT_ALG);
	free(pl);
}

static void
unknown_kid(void **state)
{
	struct fixture *f = *state;
	char *pl = payload(ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE, "");

	assert_int_equal(check(f, f->good.pkey, "{\"alg\":\"ES256\",\"kid\":\"k2\"}", pl),
	    IDT_KID);
	/* No kid: the lone key of the set is used. */
	assert_int_equal(check(f, f->good.pkey, "{\"alg\":\"ES256\"}", pl), IDT_OK);
	assert_int_equal(check(f, f->good.pkey, "{\"alg\":\"ES256\",\"kid\":7}", pl),
	    IDT_MALFORMED);
	assert_false(portal_jwks_has(f->jwks, "k2"));
	assert_true(portal_jwks_has(f->jwks, "k1"));
	free(pl);
}

static void
malformed(void **state)
{
	struct fixture *f = *state;
	struct idtoken_expect e = expect();
	char *pl = payload(ISS, "\"" CLIENT "\"", NOW + 600, NOW, NONCE, "");
	char *t = sign(f->good.pkey, good_header, pl), *big;
	static const char *bad[] = {
		"", "abc", "a.b", "a.b.c.d", "..", "!!!.e30.AA", "e30=.e30.AA",
		"WzFd.e30.AA",  /* header [1] is not an object */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(idtoken_verify(f->jwks, bad[i], &e, NULL), IDT_MALFORMED);
	assert_int_equal(idtoken_verify(f->jwks, NULL, &e, NULL), IDT_MALFORMED);
	/* Duplicate claims are refused, not resolved. */
	assert_int_equal(check(f, f->good.pkey, good_header,
	    "{\"iss\":\"" ISS "\",\"sub\":\"s\",\"aud\":\"" CLIENT "\",\"exp\":1700000600,"
	    "\"iat\":1700000000,\"nonce\":\"" NONCE "\",\"sub\":\"t\"}"), IDT_MALFORMED);
	/* Over the size limit. */
	big = malloc(IDTOKEN_MAX + 64);
	memset(big, 'A', IDTOKEN_MAX + 10);
	memcpy(big, t, strlen(t));
	big[IDTOKEN_MAX + 10] = '\0';
	assert_int_equal(idtoken_verify(f->jwks, big, &e, NULL), IDT_MALFORMED);
	/* No sub. */
	assert_int_equal(check(f, f->good.pkey, good_header,
	    "{\"iss\":\"" ISS "\",\"aud\":\"" CLIENT "\",\"exp\":1700000600,"
	    "\"iat\":1700000000,\"nonce\":\"" NONCE "\"}"), IDT_SUB);
	free(big);
	free(t);
	free(pl);
}

static void
jwks_parsing(void **state)
{
	struct fixture *f = *state;
	struct portal_jwks *k = NULL;
	char text[1024];
	static const char *bad[] = {
		"", "[]", "{}", "{\"keys\":{}}", "{\"keys\":[]}",
		/* only keys of other kinds: nothing usable */
		"{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
		/* a point that is not on the curve */
		"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"x\","
		"\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
		"\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}]}",
		/* a coordinate of the wrong size */
		"{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"x\",\"x\":\"AQAB\","
		"\"y\":\"AQAB\"}]}",
	};

	(void)f;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(portal_jwks_parse(bad[i], strlen(bad[i]), &k), -1);
		assert_null(k);
	}
	/* A key for encryption, or for another alg, is not used for signatures. */
	snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"enc\","
	    "\"kid\":\"e\",\"x\":\"%s\",\"y\":\"%s\"},{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"alg\":\"ES256\",\"kid\":\"s\",\"x\":\"%s\",\"y\":\"%s\"}]}", f->good.x, f->good.y,
	    f->other.x, f->other.y);
	assert_int_equal(portal_jwks_parse(text, strlen(text), &k), 0);
	assert_int_equal(portal_jwks_count(k), 1);
	assert_false(portal_jwks_has(k, "e"));
	assert_true(portal_jwks_has(k, "s"));
	portal_jwks_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_token),
		cmocka_unit_test(wrong_signature),
		cmocka_unit_test(wrong_iss),
		cmocka_unit_test(wrong_aud),
		cmocka_unit_test(expired),
		cmocka_unit_test(bad_times),
		cmocka_unit_test(wrong_nonce),
		cmocka_unit_test(alg_none_and_others),
		cmocka_unit_test(unknown_kid),
		cmocka_unit_test(malformed),
		cmocka_unit_test(jwks_parsing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
