/* test_client_auth.c — the client assertion check of oidc/client_auth.c (private_key_jwt,
 * RFC 7523 §3) against assertions signed here with ES256 and RS256 keys: good ones, and
 * each refusal (alg none, HS256, unknown kid, bad signature, iss/sub, aud, exp, lifetime,
 * iat/nbf ahead, jti), the JWKS registration check, and the certificate thumbprint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "fed/jws.h"
#include "oidc/client_auth.h"

#define NOW 1800000000
#define CLIENT "machine-1"
#define ISS "https://portier.example"

static const char *const AUD[] = { ISS, ISS "/oidc/token", NULL };

struct fixture {
	struct jws_key *es, *rs, *other;
	char jwks[4096];
	struct arena *a;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(jws_key_generate_alg(JWS_ES256, &f->es), 0);
	assert_int_equal(jws_key_generate_alg(JWS_RS256, &f->rs), 0);
	assert_int_equal(jws_key_generate_alg(JWS_ES256, &f->other), 0);
	assert_true(snprintf(f->jwks, sizeof(f->jwks), "{\"keys\":[%s,%s]}", jws_key_jwk(f->es),
	    jws_key_jwk(f->rs)) < (int)sizeof(f->jwks));
	f->a = arena_new(64 * 1024);
	assert_non_null(f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	jws_key_free(f->es);
	jws_key_free(f->rs);
	jws_key_free(f->other);
	arena_free(f->a);
	free(f);
	oidc_assertion_keys_clear();
	return 0;
}

/* An assertion signed by k with the claims of fmt (json_pack), in out. */
static void
sign(const struct jws_key *k, struct buf *out, const char *fmt, ...)
{
	va_list ap;
	json_t *c;
	char *text;

	va_start(ap, fmt);
	c = json_vpack_ex(NULL, 0, fmt, ap);
	va_end(ap);
	assert_non_null(c);
	text = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	assert_non_null(text);
	buf_init(out, 64 * 1024);
	assert_int_equal(jws_sign(k, "JWT", text, strlen(text), out), 0);
	free(text);
}

static enum oidc_assertion_error
check(struct fixture *f, const char *jwt)
{
	const char *jti = NULL;
	int64_t exp = 0;

	return oidc_assertion_verify(f->jwks, jwt, CLIENT, AUD, NOW, f->a, &jti, &exp);
}

static void
test_good(void **state)
{
	struct fixture *f = *state;
	struct buf b;
	const char *jti = NULL;
	int64_t exp = 0;

	sign(f->es, &b, "{s:s, s:s, s:s, s:I, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "iat", (json_int_t)NOW, "exp", (json_int_t)(NOW + 60), "jti", "a1");
	assert_int_equal(oidc_assertion_verify(f->jwks, b.data, CLIENT, AUD, NOW, f->a, &jti,
	    &exp), OIDC_ASSERTION_OK);
	assert_string_equal(jti, "a1");
	assert_int_equal(exp, NOW + 60);
	buf_free(&b);
	/* RS256, aud as an array holding the token endpoint. */
	sign(f->rs, &b, "{s:s, s:s, s:[s, s], s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud",
	    "https://other", ISS "/oidc/token", "exp", (json_int_t)(NOW + 60), "jti", "a2");
	assert_int_equal(check(f, b.data), OIDC_ASSERTION_OK);
	buf_free(&b);
}

static void
test_claims(void **state)
{
	struct fixture *f = *state;
	struct buf b;
	const json_int_t e = NOW + 60;
	struct {
		const char *iss, *sub, *aud, *jti;
		json_int_t exp, iat;
		enum oidc_assertion_error want;
	} cases[] = {
		{ "other", CLIENT, ISS, "j", e, NOW, OIDC_ASSERTION_ISSUER },
		{ CLIENT, "other", ISS, "j", e, NOW, OIDC_ASSERTION_ISSUER },
		{ CLIENT, CLIENT, "https://elsewhere", "j", e, NOW, OIDC_ASSERTION_AUDIENCE },
		{ CLIENT, CLIENT, ISS "/", "j", e, NOW, OIDC_ASSERTION_AUDIENCE },
		{ CLIENT, CLIENT, ISS, "j", NOW - OIDC_ASSERTION_LEEWAY, NOW, OIDC_ASSERTION_EXPIRED },
		{ CLIENT, CLIENT, ISS, "j", NOW + 3600, NOW, OIDC_ASSERTION_LIFETIME },
		{ CLIENT, CLIENT, ISS, "j", e, NOW + 600, OIDC_ASSERTION_EARLY },
		{ CLIENT, CLIENT, ISS, "", e, NOW, OIDC_ASSERTION_JTI },
		/* Within the leeway: still fine. */
		{ CLIENT, CLIENT, ISS, "j", NOW - OIDC_ASSERTION_LEEWAY + 1, NOW, OIDC_ASSERTION_OK },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sign(f->es, &b, "{s:s, s:s, s:s, s:I, s:I, s:s}", "iss", cases[i].iss, "sub",
		    cases[i].sub, "aud", cases[i].aud, "exp", cases[i].exp, "iat", cases[i].iat,
		    "jti", cases[i].jti);
		if (check(f, b.data) != cases[i].want)
			fail_msg("case %zu: %s", i, oidc_assertion_reason(check(f, b.data)));
		buf_free(&b);
	}
	/* No exp at all. */
	sign(f->es, &b, "{s:s, s:s, s:s, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS, "jti", "j");
	assert_int_equal(check(f, b.data), OIDC_ASSERTION_LIFETIME);
	buf_free(&b);
}

static char *
b64(const char *s)
{
	static char out[4][512];
	static int n;
	char *o = out[n++ % 4];

	assert_true(jws_b64url_encode(s, strlen(s), o, 512) > 0);
	return o;
}

static void
test_signatures(void **state)
{
	struct fixture *f = *state;
	const char *claims = "{\"iss\":\"" CLIENT "\",\"sub\":\"" CLIENT "\",\"aud\":\"" ISS
	    "\",\"exp\":1800000060,\"jti\":\"j\"}";
	char jwt[2048];
	struct buf b;

	/* alg none and HS256 (whatever the key): refused for their alg. */
	snprintf(jwt, sizeof(jwt), "%s.%s.", b64("{\"alg\":\"none\"}"), b64(claims));
	assert_int_equal(check(f, jwt), OIDC_ASSERTION_ALG);
	snprintf(jwt, sizeof(jwt), "%s.%s.c2ln", b64("{\"alg\":\"HS256\"}"), b64(claims));
	assert_int_equal(check(f, jwt), OIDC_ASSERTION_ALG);
	/* Another key: its kid is unknown. */
	sign(f->other, &b, "{s:s, s:s, s:s, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "exp", (json_int_t)(NOW + 60), "jti", "j");
	assert_int_equal(check(f, b.data), OIDC_ASSERTION_KEY);
	buf_free(&b);
	/* A registered key's token with a changed signature, and with changed claims. */
	sign(f->es, &b, "{s:s, s:s, s:s, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "exp", (json_int_t)(NOW + 60), "jti", "j");
	b.data[b.len - 2] = b.data[b.len - 2] == 'A' ? 'B' : 'A';
	assert_int_equal(check(f, b.data), OIDC_ASSERTION_SIGNATURE);
	buf_free(&b);
	/* An RS256 header under the EC key's kid: no key of that type. */
	snprintf(jwt, sizeof(jwt), "{\"alg\":\"RS256\",\"kid\":\"%s\"}", jws_key_kid(f->es));
	snprintf(jwt + 1024, 1024, "%s.%s.c2ln", b64(jwt), b64(claims));
	assert_int_equal(check(f, jwt + 1024), OIDC_ASSERTION_KEY);
	/* Malformed. */
	assert_int_equal(check(f, "abc"), OIDC_ASSERTION_MALFORMED);
	assert_int_equal(check(f, "a.b.c.d"), OIDC_ASSERTION_MALFORMED);
	assert_int_equal(check(f, ""), OIDC_ASSERTION_MALFORMED);
}

/* The JWK of k with its kid replaced by kid, as a JWKS of one key, in out. */
static void
jwks_kid(const struct jws_key *k, const char *kid, char *out, size_t outlen)
{
	json_t *jwk = json_loads(jws_key_jwk(k), 0, NULL);
	char *text;

	assert_non_null(jwk);
	assert_int_equal(json_object_set_new(jwk, "kid", json_string(kid)), 0);
	text = json_dumps(jwk, JSON_COMPACT);
	json_decref(jwk);
	assert_non_null(text);
	assert_true(snprintf(out, outlen, "{\"keys\":[%s]}", text) < (int)outlen);
	free(text);
}

/* Keys made from JWKs are kept between checks: a key replaced under the same kid (a
 * client's rotation keeping its kid, or a JWKS re-registered) is the new key from the next
 * check on, never the one kept. A cache keyed by kid alone gives OK where SIGNATURE is
 * expected below. */
static void
test_key_replaced_same_kid(void **state)
{
	struct fixture *f = *state;
	const char *kid = jws_key_kid(f->es), *jti = NULL;
	char before[2048], after[2048];
	int64_t exp = 0;
	struct buf b;

	jwks_kid(f->es, kid, before, sizeof(before));
	jwks_kid(f->other, kid, after, sizeof(after));
	sign(f->es, &b, "{s:s, s:s, s:s, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "exp", (json_int_t)(NOW + 60), "jti", "r1");
	for (int round = 0; round < 2; round++) {
		assert_int_equal(oidc_assertion_verify(before, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_OK);
		assert_int_equal(oidc_assertion_verify(after, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_SIGNATURE);
	}
	buf_free(&b);
	/* The other way: the new key's token under the old key's JWK (same kid) is refused. */
	jwks_kid(f->other, jws_key_kid(f->other), before, sizeof(before));
	jwks_kid(f->es, jws_key_kid(f->other), after, sizeof(after));
	sign(f->other, &b, "{s:s, s:s, s:s, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "exp", (json_int_t)(NOW + 60), "jti", "r2");
	assert_int_equal(oidc_assertion_verify(before, b.data, CLIENT, AUD, NOW, f->a, &jti,
	    &exp), OIDC_ASSERTION_OK);
	assert_int_equal(oidc_assertion_verify(after, b.data, CLIENT, AUD, NOW, f->a, &jti,
	    &exp), OIDC_ASSERTION_SIGNATURE);
	buf_free(&b);
}

/* The JWK of k with member name set to value, as a JWKS of one key, in out. */
static void
jwks_member(const struct jws_key *k, const char *name, const char *value, char *out,
    size_t outlen)
{
	json_t *jwk = json_loads(jws_key_jwk(k), 0, NULL);
	char *text;

	assert_non_null(jwk);
	assert_int_equal(json_object_set_new(jwk, name, json_string(value)), 0);
	text = json_dumps(jwk, JSON_COMPACT);
	json_decref(jwk);
	assert_non_null(text);
	assert_true(snprintf(out, outlen, "{\"keys\":[%s]}", text) < (int)outlen);
	free(text);
}

/* JWKS texts are kept parsed between checks, keyed by the whole text: a text that differs
 * from a kept one only outside the key's own members (its use, its alg) is read anew, and
 * texts in turn, more than are kept, each give their own answer. A cache keyed by the key
 * (or by kid, or by client) answers OK where KEY is expected below. */
static void
test_jwks_text_kept(void **state)
{
	struct fixture *f = *state;
	char sig[2048], enc[2048], rs[2048], other[2048], bad[2048];
	struct buf b;

	jwks_member(f->es, "use", "sig", sig, sizeof(sig));
	jwks_member(f->es, "use", "enc", enc, sizeof(enc));
	jwks_member(f->es, "alg", "RS256", rs, sizeof(rs));
	jwks_member(f->es, "crv", "P-384", bad, sizeof(bad));
	sign(f->es, &b, "{s:s, s:s, s:s, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "exp", (json_int_t)(NOW + 60), "jti", "t1");
	for (int round = 0; round < 40; round++) {
		const char *jti = NULL;
		int64_t exp = 0;

		/* Another text each round: more than are kept, so kept ones are replaced. */
		jwks_kid(f->other, round % 2 ? "x" : "y", other, sizeof(other));
		other[strlen(other) - 2] = round % 3 ? ' ' : '\n';
		assert_int_equal(oidc_assertion_verify(sig, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_OK);
		assert_int_equal(oidc_assertion_verify(enc, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_KEY);
		assert_int_equal(oidc_assertion_verify(rs, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_KEY);
		assert_int_equal(oidc_assertion_verify(bad, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_KEY);
		assert_int_equal(oidc_assertion_verify(other, b.data, CLIENT, AUD, NOW, f->a, &jti,
		    &exp), OIDC_ASSERTION_KEY);
		assert_int_equal(oidc_assertion_verify("{\"keys\":", b.data, CLIENT, AUD, NOW, f->a,
		    &jti, &exp), OIDC_ASSERTION_KEY);
	}
	buf_free(&b);
}

/* An assertion parsed once: its issuer read before its check, then checked from the same
 * parts as oidc_assertion_verify does; malformed ones are not parsed. */
static void
test_parsed(void **state)
{
	struct fixture *f = *state;
	struct oidc_assertion *as;
	const char *jti = NULL;
	int64_t exp = 0;
	struct buf b;

	sign(f->es, &b, "{s:s, s:s, s:s, s:I, s:s}", "iss", CLIENT, "sub", CLIENT, "aud", ISS,
	    "exp", (json_int_t)(NOW + 60), "jti", "p1");
	as = oidc_assertion_parse(b.data);
	assert_non_null(as);
	assert_string_equal(oidc_assertion_iss(as), CLIENT);
	assert_int_equal(oidc_assertion_check(f->jwks, as, CLIENT, AUD, NOW, f->a, &jti, &exp),
	    OIDC_ASSERTION_OK);
	assert_string_equal(jti, "p1");
	assert_int_equal(exp, NOW + 60);
	/* Checked again (a kept JWKS refused, then the row's): the same answer. */
	assert_int_equal(oidc_assertion_check(f->jwks, as, CLIENT, AUD, NOW, f->a, &jti, &exp),
	    OIDC_ASSERTION_OK);
	assert_int_equal(oidc_assertion_check(f->jwks, as, "machine-2", AUD, NOW, f->a, &jti,
	    &exp), OIDC_ASSERTION_ISSUER);
	assert_null(jti);
	oidc_assertion_free(as);
	/* The signature's last character changed: parsed, refused at the check. */
	b.data[b.len - 2] = b.data[b.len - 2] == 'A' ? 'B' : 'A';
	as = oidc_assertion_parse(b.data);
	assert_non_null(as);
	assert_int_equal(oidc_assertion_check(f->jwks, as, CLIENT, AUD, NOW, f->a, &jti, &exp),
	    OIDC_ASSERTION_SIGNATURE);
	oidc_assertion_free(as);
	buf_free(&b);
	assert_null(oidc_assertion_parse("a.b"));
	assert_null(oidc_assertion_parse("a.b.c.d"));
	assert_null(oidc_assertion_parse("e30.!!!.c2ln"));
	assert_null(oidc_assertion_parse(""));
	assert_null(oidc_assertion_parse(NULL));
	assert_int_equal(oidc_assertion_check(f->jwks, NULL, CLIENT, AUD, NOW, f->a, &jti, &exp),
	    OIDC_ASSERTION_MALFORMED);
	/* No iss: parsed, none read. */
	sign(f->es, &b, "{s:s, s:s}", "sub", CLIENT, "jti", "p2");
	as = oidc_assertion_parse(b.data);
	assert_non_null(as);
	assert_null(oidc_assertion_iss(as));
	oidc_assertion_free(as);
	buf_free(&b);
}

static void
test_jwks_check(void **state)
{
	struct fixture *f = *state;
	char err[256], text[4096];

	assert_int_equal(oidc_jwks_check(f->jwks, err, sizeof(err)), 0);
	assert_int_equal(oidc_jwks_check("{\"keys\":[]}", err, sizeof(err)), -1);
	assert_int_equal(oidc_jwks_check("not json", err, sizeof(err)), -1);
	assert_int_equal(oidc_jwks_check("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}", err,
	    sizeof(err)), -1);
	/* A private member refuses the set. */
	snprintf(text, sizeof(text), "{\"keys\":[%.*s,\"d\":\"AAAA\"}]}",
	    (int)strlen(jws_key_jwk(f->es)) - 1, jws_key_jwk(f->es));
	assert_int_equal(oidc_jwks_check(text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "private"));
}

/* A fetched JWKS (jwks_uri) keeps its public signing keys: other uses and types are
 * skipped, at most OIDC_JWKS_KEYS_MAX kept, a private member refuses it all. */
static void
test_jwks_usable(void **state)
{
	struct fixture *f = *state;
	const char *es = jws_key_jwk(f->es), *use = strstr(es, "\"use\":\"sig\"");
	char err[256], text[16384], enc[1024], *out = NULL;
	size_t n = 0;
	json_t *o;

	/* The same key marked for encryption. */
	assert_non_null(use);
	snprintf(enc, sizeof(enc), "%.*s\"use\":\"enc\"%s", (int)(use - es), es, use + 11);
	n = (size_t)snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\"},%s",
	    enc);
	for (int i = 0; i < OIDC_JWKS_KEYS_MAX + 2; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, ",%s", es);
	snprintf(text + n, sizeof(text) - n, "]}");
	assert_int_equal(oidc_jwks_usable(text, strlen(text), &out, err, sizeof(err)), 0);
	o = json_loads(out, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(o, "keys")), OIDC_JWKS_KEYS_MAX);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "keys"), 0), "use")), "sig");
	json_decref(o);
	free(out);
	out = NULL;
	snprintf(text, sizeof(text), "{\"keys\":[%s]}", enc);
	assert_int_equal(oidc_jwks_usable(text, strlen(text), &out, err, sizeof(err)), -1);
	assert_null(out);
	snprintf(text, sizeof(text), "{\"keys\":[%s,%.*s,\"d\":\"AAAA\"}]}", es,
	    (int)strlen(es) - 1, es);
	assert_int_equal(oidc_jwks_usable(text, strlen(text), &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "private"));
	assert_int_equal(oidc_jwks_usable("[]", 2, &out, err, sizeof(err)), -1);
}

static void
test_thumbprint(void **state)
{
	/* x5t#S256 of a DER: SHA-256 in base64url, 43 characters. */
	static const unsigned char der[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	char t[OIDC_X5T_LEN + 1];

	(void)state;
	assert_int_equal(oidc_x5t_der(der, sizeof(der), t), 0);
	assert_int_equal(strlen(t), OIDC_X5T_LEN);
	assert_int_equal(oidc_x5t_der(NULL, 0, t), -1);
	assert_int_equal(oidc_x5t_pem("not a certificate", 17, t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_claims),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_key_replaced_same_kid),
		cmocka_unit_test(test_jwks_text_kept),
		cmocka_unit_test(test_parsed),
		cmocka_unit_test(test_jwks_check),
		cmocka_unit_test(test_jwks_usable),
		cmocka_unit_test(test_thumbprint),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
