/* test_oidc.c — the pure parts of the OpenID Connect provider: base64url, the ECDSA
 * DER <-> raw conversion, ES256 sign/verify with kid thumbprints, pairwise subjects,
 * PKCE S256, client id/URI checks; and the keys and clients in a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oidc/claims.h"
#include "oidc/clients.h"
#include "oidc/coherence.h"
#include "oidc/grants.h"
#include "fed/jws.h"
#include "oidc/keys.h"
#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"

/* ---- base64url ---- */

static void
b64url_vectors(void **state)
{
	/* RFC 4648 §10, in the URL alphabet and without padding. */
	static const struct { const char *in, *out; } v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg" },
		{ "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" }, { "\xfb\xff", "-_8" },
	};
	char out[32];
	unsigned char back[32];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].in);

		assert_int_equal(jws_b64url_encode(v[i].in, n, out, sizeof(out)),
		    (int)strlen(v[i].out));
		assert_string_equal(out, v[i].out);
		assert_int_equal(jws_b64url_len(n), strlen(v[i].out));
		assert_int_equal(jws_b64url_decode(v[i].out, strlen(v[i].out), back, sizeof(back)),
		    (int)n);
		assert_memory_equal(back, v[i].in, n);
	}
}

static void
b64url_refusals(void **state)
{
	unsigned char out[16];
	char small[4];

	(void)state;
	assert_int_equal(jws_b64url_decode("Zg==", 4, out, sizeof(out)), -1);   /* padding */
	assert_int_equal(jws_b64url_decode("Z+8", 3, out, sizeof(out)), -1);    /* '+' */
	assert_int_equal(jws_b64url_decode("Z/8", 3, out, sizeof(out)), -1);    /* '/' */
	assert_int_equal(jws_b64url_decode("Zm9vY", 5, out, sizeof(out)), -1);  /* 1 mod 4 */
	assert_int_equal(jws_b64url_decode("Zh", 2, out, sizeof(out)), -1);     /* trailing bits */
	assert_int_equal(jws_b64url_decode("Zm9vYmFy", 8, out, 3), -1);         /* too small */
	assert_int_equal(jws_b64url_encode("foobar", 6, small, sizeof(small)), -1);
}

/* ---- DER <-> raw ---- */

static void
der_raw_round_trip(void **state)
{
	unsigned char raw[64], der[80], back[64];
	int n;

	(void)state;
	/* High bits set (needs a leading zero in DER) and leading zero bytes (shorter). */
	memset(raw, 0, sizeof(raw));
	raw[0] = 0x80;
	raw[31] = 0x01;
	raw[33] = 0x7f;
	raw[63] = 0xff;
	n = jws_ecdsa_raw_to_der(raw, der, sizeof(der));
	assert_true(n > 0);
	assert_int_equal(der[0], 0x30);
	assert_int_equal(der[2], 0x02);
	assert_int_equal(der[3], 33);            /* r: 0x00 then 32 bytes */
	assert_int_equal(der[4], 0x00);
	assert_int_equal(jws_ecdsa_der_to_raw(der, (size_t)n, back), 0);
	assert_memory_equal(raw, back, sizeof(raw));
	/* Random values both ways. */
	for (int i = 0; i < 100; i++) {
		randombytes_buf(raw, sizeof(raw));
		n = jws_ecdsa_raw_to_der(raw, der, sizeof(der));
		assert_true(n > 0 && n <= 72);
		assert_int_equal(jws_ecdsa_der_to_raw(der, (size_t)n, back), 0);
		assert_memory_equal(raw, back, sizeof(raw));
	}
}

static void
der_refusals(void **state)
{
	unsigned char raw[64] = { 1 }, der[80], back[64];
	static const unsigned char not_seq[] = { 0x04, 0x02, 0x01, 0x01 };
	/* r is 33 significant bytes: too large for P-256. */
	unsigned char big[2 + 2 + 33 + 3] = { 0x30, 2 + 33 + 3, 0x02, 33 };
	int n;

	(void)state;
	n = jws_ecdsa_raw_to_der(raw, der, sizeof(der));
	assert_true(n > 0);
	assert_int_equal(jws_ecdsa_der_to_raw(der, (size_t)n - 1, back), -1);  /* truncated */
	der[n] = 0;
	assert_int_equal(jws_ecdsa_der_to_raw(der, (size_t)n + 1, back), -1);  /* trailing */
	assert_int_equal(jws_ecdsa_der_to_raw(not_seq, sizeof(not_seq), back), -1);
	big[4] = 0x01;
	big[37] = 0x02;
	big[38] = 0x01;
	big[39] = 0x01;
	assert_int_equal(jws_ecdsa_der_to_raw(big, sizeof(big), back), -1);
	assert_int_equal(jws_ecdsa_raw_to_der(raw, der, 8), -1);               /* no room */
}

/* ---- keys, JWKs, sign and verify ---- */

/* The RFC 7638 thumbprint of a JWK text, computed here independently. */
static void
thumbprint(const char *jwk, char out[44])
{
	json_t *j = json_loads(jwk, 0, NULL);
	char canon[200];

	assert_non_null(j);
	snprintf(canon, sizeof(canon), "{\"crv\":\"%s\",\"kty\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}",
	    json_string_value(json_object_get(j, "crv")),
	    json_string_value(json_object_get(j, "kty")),
	    json_string_value(json_object_get(j, "x")), json_string_value(json_object_get(j, "y")));
	jws_sha256_b64url(canon, strlen(canon), out);
	json_decref(j);
}

static void
sign_verify(void **state)
{
	struct jws_key *k, *other, *pub;
	const char *payload = "{\"iss\":\"https://portier.example\",\"sub\":\"x\"}";
	struct buf tok, out;
	char kid[JWS_KID_MAX], tp[44];
	unsigned char hdr[128];
	int hl;

	(void)state;
	assert_int_equal(jws_key_generate(&k), 0);
	assert_int_equal(jws_key_generate(&other), 0);
	assert_string_not_equal(jws_key_kid(k), jws_key_kid(other));
	thumbprint(jws_key_jwk(k), tp);
	assert_string_equal(jws_key_kid(k), tp);
	assert_int_equal(strlen(jws_key_kid(k)), 43);

	buf_init(&tok, 0);
	buf_init(&out, 0);
	assert_int_equal(jws_sign(k, NULL, payload, strlen(payload), &tok), 0);
	/* The header says ES256, JWT and the kid. */
	hl = jws_b64url_decode(tok.data, (size_t)(strchr(tok.data, '.') - tok.data), hdr,
	    sizeof(hdr) - 1);
	assert_true(hl > 0);
	hdr[hl] = '\0';
	assert_non_null(strstr((char *)hdr, "\"alg\":\"ES256\""));
	assert_non_null(strstr((char *)hdr, jws_key_kid(k)));
	assert_int_equal(jws_peek_kid(tok.data, kid), 0);
	assert_string_equal(kid, jws_key_kid(k));

	assert_int_equal(jws_verify(k, tok.data, &out), 0);
	assert_string_equal(out.data, payload);
	/* The public key alone, read from the JWK, verifies too. */
	assert_int_equal(jws_key_from_jwk(jws_key_jwk(k), &pub), 0);
	assert_string_equal(jws_key_kid(pub), jws_key_kid(k));
	buf_reset(&out);
	assert_int_equal(jws_verify(pub, tok.data, &out), 0);
	/* ... but cannot sign. */
	buf_reset(&out);
	assert_int_equal(jws_sign(pub, NULL, "{}", 2, &out), -1);
	/* Another key does not verify. */
	assert_int_equal(jws_verify(other, tok.data, &out), -1);
	/* A changed payload does not verify. */
	{
		char *t = strdup(tok.data), *p = strchr(t, '.') + 1;

		p[0] = p[0] == 'A' ? 'B' : 'A';
		assert_int_equal(jws_verify(k, t, &out), -1);
		free(t);
	}
	/* A changed signature does not verify. */
	{
		char *t = strdup(tok.data);

		t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
		assert_int_equal(jws_verify(k, t, &out), -1);
		free(t);
	}
	/* alg "none" and extra parts are refused. */
	{
		char none[256], hb[64];
		const char *p1 = strchr(tok.data, '.') + 1;

		jws_b64url_encode("{\"alg\":\"none\"}", 14, hb, sizeof(hb));
		snprintf(none, sizeof(none), "%s.%.*s.", hb, (int)(strchr(p1, '.') - p1), p1);
		assert_int_equal(jws_verify(k, none, &out), -1);
		assert_int_equal(jws_peek_kid(none, kid), -1);
		snprintf(none, sizeof(none), "%s.x", tok.data);
		assert_int_equal(jws_verify(k, none, &out), -1);
	}
	buf_free(&tok);
	buf_free(&out);
	jws_key_free(pub);
	jws_key_free(other);
	jws_key_free(k);
}

/* RS256: a 2048-bit key, its JWK and kid, signing, verification, DER round trip; a key
 * never accepts a token whose header names the other alg. */
static void
rs256_sign_verify(void **state)
{
	struct jws_key *k, *back, *es;
	unsigned char *der = NULL, hdr[128];
	struct buf tok, out;
	size_t n = 0;
	int hl;

	(void)state;
	assert_int_equal(jws_key_generate_alg(JWS_RS256, &k), 0);
	assert_int_equal(jws_key_alg(k), JWS_RS256);
	assert_int_equal(jws_key_generate_alg(JWS_ES256, &es), 0);
	assert_int_equal(jws_key_alg(es), JWS_ES256);
	assert_int_equal(strlen(jws_key_kid(k)), 43);
	assert_non_null(strstr(jws_key_jwk(k), "\"kty\":\"RSA\""));
	assert_non_null(strstr(jws_key_jwk(k), "\"alg\":\"RS256\""));
	assert_non_null(strstr(jws_key_jwk(k), "\"e\":\"AQAB\""));
	assert_null(strstr(jws_key_jwk(k), "\"d\""));
	buf_init(&tok, 0);
	buf_init(&out, 0);
	assert_int_equal(jws_sign(k, "JWT", "{\"a\":1}", 7, &tok), 0);
	hl = jws_b64url_decode(tok.data, (size_t)(strchr(tok.data, '.') - tok.data), hdr,
	    sizeof(hdr) - 1);
	assert_true(hl > 0);
	hdr[hl] = '\0';
	assert_non_null(strstr((char *)hdr, "\"alg\":\"RS256\""));
	/* 256 signature bytes: 342 base64url characters. */
	assert_int_equal(strlen(strrchr(tok.data, '.') + 1), 342);
	assert_int_equal(jws_verify(k, tok.data, &out), 0);
	assert_memory_equal(out.data, "{\"a\":1}", 7);
	assert_int_equal(jws_verify(es, tok.data, &out), -1);
	assert_int_equal(jws_key_private_der(k, &der, &n), 0);
	assert_int_equal(jws_key_from_der(der, n, &back), 0);
	assert_string_equal(jws_key_kid(back), jws_key_kid(k));
	assert_int_equal(jws_key_alg(back), JWS_RS256);
	assert_int_equal(jws_verify(back, tok.data, &out), 0);
	/* One changed payload character: refused. */
	tok.data[strchr(tok.data, '.') - tok.data + 2] ^= 1;
	assert_int_equal(jws_verify(k, tok.data, &out), -1);
	jws_free_secret(der, n);
	jws_key_free(back);
	jws_key_free(es);
	jws_key_free(k);
	buf_free(&tok);
	buf_free(&out);
}

static void
key_der_round_trip(void **state)
{
	struct jws_key *k, *back, *pub_unused = NULL;
	unsigned char *der;
	size_t n;
	struct buf tok, out;

	(void)state;
	assert_int_equal(jws_key_generate(&k), 0);
	assert_int_equal(jws_key_private_der(k, &der, &n), 0);
	assert_int_equal(jws_key_from_der(der, n, &back), 0);
	assert_string_equal(jws_key_kid(back), jws_key_kid(k));
	buf_init(&tok, 0);
	buf_init(&out, 0);
	assert_int_equal(jws_sign(back, "JWT", "{}", 2, &tok), 0);
	assert_int_equal(jws_verify(k, tok.data, &out), 0);
	assert_int_equal(jws_key_from_der(der, n / 2, &pub_unused), -1);
	assert_int_equal(jws_key_from_jwk("{\"kty\":\"RSA\"}", &pub_unused), -1);
	assert_int_equal(jws_key_from_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}",
	    &pub_unused), -1);
	jws_free_secret(der, n);
	buf_free(&tok);
	buf_free(&out);
	jws_key_free(back);
	jws_key_free(k);
}

/* ---- pairwise subjects ---- */

static void
pairwise(void **state)
{
	unsigned char secret[32], other[32];
	char a[OIDC_SUB_LEN + 1], b[OIDC_SUB_LEN + 1];

	(void)state;
	for (int i = 0; i < 32; i++)
		secret[i] = (unsigned char)i;
	/* Computed with Python's hmac: HMAC-SHA256(bytes(range(32)), b"medseip-portal\0" b"1"). */
	fed_pairwise_sub(secret, "medseip-portal", 1, a);
	assert_string_equal(a, "pnCyPyU3G2L-QVUFs3_7n44v0SNQnsCI9Eq2YKEK6VE");
	fed_pairwise_sub(secret, "medseip-portal", 1, b);
	assert_string_equal(a, b);                               /* stable */
	fed_pairwise_sub(secret, "other-client", 1, b);
	assert_string_not_equal(a, b);                           /* per sector */
	fed_pairwise_sub(secret, "medseip-portal", 2, b);
	assert_string_not_equal(a, b);                           /* per person */
	fed_pairwise_sub(secret, "medseip-portal1", 1, a);
	fed_pairwise_sub(secret, "medseip-portal", 11, b);
	assert_string_not_equal(a, b);                           /* sector and id kept apart */
	memcpy(other, secret, 32);
	other[0] ^= 1;
	fed_pairwise_sub(other, "medseip-portal", 1, b);
	assert_string_not_equal(b, "pnCyPyU3G2L-QVUFs3_7n44v0SNQnsCI9Eq2YKEK6VE");
}

/* ---- PKCE ---- */

static void
pkce(void **state)
{
	/* RFC 7636 appendix B. */
	const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	const char *challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
	char long_v[130];

	(void)state;
	assert_true(oidc_pkce_challenge_valid(challenge));
	assert_true(oidc_pkce_s256_ok(verifier, challenge));
	assert_false(oidc_pkce_s256_ok(NULL, challenge));
	assert_false(oidc_pkce_s256_ok("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj", challenge));
	assert_false(oidc_pkce_s256_ok(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
	assert_false(oidc_pkce_s256_ok("short", challenge));
	assert_false(oidc_pkce_s256_ok("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+", challenge));
	memset(long_v, 'a', 129);
	long_v[129] = '\0';
	assert_false(oidc_pkce_s256_ok(long_v, challenge));
	/* "plain" would compare the verifier itself: never accepted. */
	assert_false(oidc_pkce_s256_ok(verifier, verifier));
	assert_false(oidc_pkce_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"));
	assert_false(oidc_pkce_challenge_valid("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
}

/* ---- client ids, URIs and scopes ---- */

static void
client_checks(void **state)
{
	(void)state;
	assert_true(oidc_client_id_valid("medseip-portal"));
	assert_false(oidc_client_id_valid(""));
	assert_false(oidc_client_id_valid("a b"));
	assert_false(oidc_client_id_valid("a\"b"));
	assert_true(oidc_uri_valid("https://portal.example/cb?x=1"));
	assert_true(oidc_uri_valid("http://127.0.0.1:8081/callback"));
	assert_true(oidc_uri_valid("http://localhost/cb"));
	assert_false(oidc_uri_valid("http://portal.example/cb"));     /* http off loopback */
	assert_false(oidc_uri_valid("http://127.0.0.1.evil.example/cb"));
	assert_false(oidc_uri_valid("https://portal.example/cb#frag"));
	assert_false(oidc_uri_valid("https://user@portal.example/cb"));
	assert_false(oidc_uri_valid("https:///cb"));
	assert_false(oidc_uri_valid("javascript:alert(1)"));
	assert_false(oidc_uri_valid("https://portal.example/c b"));
	assert_true(oidc_scope_has("openid profile", "profile"));
	assert_false(oidc_scope_has("openid profiles", "profile"));
	assert_false(oidc_scope_has("openid", ""));
}

/* ---- keys and clients in a store ---- */

static const struct store_fixture_spec spec = { "oidc", 2 };

static int
count_key(void *arg, const struct oidc_key_info *k)
{
	(void)k;
	(*(int *)arg)++;
	return 0;
}

static void
keys_rotate(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_keycache *c = oidc_keycache_new(f->s, 30);
	const struct oidc_keyring *r1, *r2;
	char kid1[JWS_KID_MAX], rs1[JWS_KID_MAX], kid2[JWS_ALGS][JWS_KID_MAX];
	struct buf tok, rtok, out;
	int n = 0;

	/* The first use creates a key of each alg. */
	r1 = oidc_keyring_get(c);
	assert_non_null(r1);
	snprintf(kid1, sizeof(kid1), "%s", jws_key_kid(oidc_keyring_signer(r1)));
	snprintf(rs1, sizeof(rs1), "%s", jws_key_kid(oidc_keyring_signer_alg(r1, JWS_RS256)));
	assert_int_equal(jws_key_alg(oidc_keyring_signer_alg(r1, JWS_ES256)), JWS_ES256);
	assert_int_equal(jws_key_alg(oidc_keyring_signer_alg(r1, JWS_RS256)), JWS_RS256);
	buf_init(&tok, 0);
	buf_init(&rtok, 0);
	buf_init(&out, 0);
	assert_int_equal(jws_sign(oidc_keyring_signer(r1), NULL, "{}", 2, &tok), 0);
	assert_int_equal(jws_sign(oidc_keyring_signer_alg(r1, JWS_RS256), NULL, "{}", 2, &rtok),
	    0);
	oidc_keyring_put(c, r1);
	assert_int_equal(oidc_keys_rotate(f->s, "test", kid2), 0);
	assert_string_not_equal(kid1, kid2[JWS_ES256]);
	assert_string_not_equal(rs1, kid2[JWS_RS256]);
	assert_int_equal(oidc_keys_list(f->s, count_key, &n), 0);
	assert_int_equal(n, 4);
	/* A fresh cache signs with the new keys and still publishes the old ones. */
	oidc_keycache_free(c);
	c = oidc_keycache_new(f->s, 30);
	r2 = oidc_keyring_get(c);
	assert_non_null(r2);
	assert_string_equal(jws_key_kid(oidc_keyring_signer(r2)), kid2[JWS_ES256]);
	assert_string_equal(jws_key_kid(oidc_keyring_signer_alg(r2, JWS_RS256)), kid2[JWS_RS256]);
	assert_non_null(oidc_keyring_find(r2, kid1));
	assert_non_null(oidc_keyring_find(r2, rs1));
	assert_non_null(strstr(oidc_keyring_jwks(r2), kid1));
	assert_non_null(strstr(oidc_keyring_jwks(r2), rs1));
	assert_non_null(strstr(oidc_keyring_jwks(r2), kid2[JWS_ES256]));
	assert_non_null(strstr(oidc_keyring_jwks(r2), kid2[JWS_RS256]));
	assert_int_equal(jws_verify(oidc_keyring_find(r2, kid1), tok.data, &out), 0);
	assert_int_equal(jws_verify(oidc_keyring_find(r2, rs1), rtok.data, &out), 0);
	/* A key never verifies a token of the other alg. */
	assert_int_equal(jws_verify(oidc_keyring_find(r2, rs1), tok.data, &out), -1);
	assert_int_equal(jws_verify(oidc_keyring_find(r2, kid1), rtok.data, &out), -1);
	assert_null(oidc_keyring_find(r2, "nope"));
	oidc_keyring_put(c, r2);
	oidc_keycache_free(c);
	buf_free(&tok);
	buf_free(&rtok);
	buf_free(&out);
}

static void
clients_store(void **state)
{
	struct store_fixture *f = *state;
	const char *redirect[] = { "https://portal.example/cb" };
	struct oidc_client_new n = {
		.id = "portal", .application = "MEDSEIP", .min_level = 1,
		.scopes = "openid  profile", .redirect = redirect, .n_redirect = 1,
	};
	char secret[OIDC_SECRET_LEN + 1], again[OIDC_SECRET_LEN + 1], err[256];
	struct arena *a = arena_new(0);
	struct oidc_client c;

	assert_non_null(a);
	assert_int_equal(oidc_client_add(f->s, &n, "test", secret, err, sizeof(err)), 0);
	assert_int_equal(strlen(secret), OIDC_SECRET_LEN);
	assert_int_equal(oidc_client_add(f->s, &n, "test", again, err, sizeof(err)), -2);
	assert_string_equal(again, "");                   /* nothing to show */
	assert_int_equal(oidc_client_get(f->s, a, "portal", &c), 0);
	assert_true(c.confidential);
	assert_int_equal(c.min_level, 3);                 /* MEDSEIP's own minimum wins */
	assert_string_equal(c.scopes, "openid profile");
	assert_string_equal(c.sector, "portal");
	assert_true(oidc_client_secret_ok(&c, secret));
	secret[0] ^= 1;
	assert_false(oidc_client_secret_ok(&c, secret));
	assert_false(oidc_client_secret_ok(&c, ""));
	assert_true(oidc_client_redirect_ok(&c, "https://portal.example/cb"));
	assert_false(oidc_client_redirect_ok(&c, "https://portal.example/cb/"));
	assert_false(oidc_client_redirect_ok(&c, "https://portal.example/cb?x"));
	assert_false(oidc_client_scope_ok(&c, "national_number"));
	assert_int_equal(oidc_client_get(f->s, a, "nobody", &c), 1);
	/* Refusals: unknown application, national number without permission, no openid. */
	n.id = "other";
	n.application = "NOPE";
	assert_int_equal(oidc_client_add(f->s, &n, "test", secret, err, sizeof(err)), -1);
	n.application = "SADM";
	n.scopes = "openid national_number";
	assert_int_equal(oidc_client_add(f->s, &n, "test", secret, err, sizeof(err)), -1);
	n.scopes = "profile";
	assert_int_equal(oidc_client_add(f->s, &n, "test", secret, err, sizeof(err)), -1);
	assert_int_equal(oidc_client_remove(f->s, "portal", "test"), 0);
	assert_int_equal(oidc_client_remove(f->s, "portal", "test"), 1);
	arena_free(a);
}

/* A client's created_at comes from the service's clock (docs/store-contract.md, rule 3):
 * with the clock 1,095 days back it is dated then, not today. */
static void
client_time_follows_the_clock(void **state)
{
	struct store_fixture *f = *state;
	const char *redirect[] = { "https://clock.example/cb" };
	struct oidc_client_new n = {
		.id = "clock", .application = "MEDSEIP", .scopes = "openid",
		.redirect = redirect, .n_redirect = 1,
	};
	char secret[OIDC_SECRET_LEN + 1], err[256], sql[128];
	struct clock_fixture c;

	assert_int_equal(clock_fixture_back(&c), 0);
	assert_int_equal(oidc_client_add(f->s, &n, "test", secret, err, sizeof(err)), 0);
	assert_int_equal(clock_fixture_end(&c), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM oidc_client WHERE id = 'clock' AND "
	    "created_at < '%s'", c.before);
	assert_int_equal(store_fixture_count(f, sql), 1);
}

/* Registers client id (confidential, MEDSEIP, two redirect URIs, one post-logout URI). */
static void
client_add(struct store_fixture *f, const char *id)
{
	const char *redirect[] = { "https://rp.example/cb", "https://rp.example/other" };
	const char *post_logout[] = { "https://rp.example/bye" };
	struct oidc_client_new n = {
		.id = id, .application = "MEDSEIP", .scopes = "openid profile",
		.redirect = redirect, .n_redirect = 2, .post_logout = post_logout,
		.n_post_logout = 1,
	};
	char secret[OIDC_SECRET_LEN + 1], err[256];

	assert_int_equal(oidc_client_add(f->s, &n, "test", secret, err, sizeof(err)), 0);
}

static int
count_client(void *arg, const struct oidc_client *c)
{
	size_t *n = arg;

	assert_int_equal(c->n_redirect, 2);
	assert_string_equal(c->redirect[1], "https://rp.example/other");
	(*n)++;
	return 0;
}

/* The list holds every client: it stopped at 256 when the ids were read into an array. */
static void
clients_listed_all(void **state)
{
	struct store_fixture *f = *state;
	char id[24];
	size_t n = 0;

	for (int i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "rp-%03d", i);
		client_add(f, id);
	}
	assert_int_equal(oidc_client_list(f->s, count_client, &n), 0);
	assert_int_equal(n, 300);
}

/* Clients from the cache are the caller's: each copy lives in the arena it was asked
 * with, and stays whole when its cache entry is replaced and that entry's arena freed
 * (40 clients through 32 entries; ASan sees any read of a freed entry). */
static void
client_cache_copies(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_client_cache *cache = oidc_client_cache_new(f->s);
	struct arena *first = arena_new(0), *later = arena_new(0);
	struct oidc_client c0, hit, c;
	char id[24];

	assert_non_null(cache);
	assert_non_null(first);
	assert_non_null(later);
	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "cached-%02d", i);
		client_add(f, id);
	}
	assert_int_equal(oidc_client_get_cached(cache, first, "cached-00", &c0), 0);
	/* A second read is a hit: the same client, copied into the other arena. */
	assert_int_equal(oidc_client_get_cached(cache, later, "cached-00", &hit), 0);
	assert_string_equal(hit.id, "cached-00");
	assert_ptr_not_equal(hit.id, c0.id);
	assert_string_equal(hit.redirect[0], "https://rp.example/cb");
	arena_free(later);
	later = arena_new(0);
	assert_non_null(later);
	/* Every entry replaced (at least once) by the clients that follow. */
	for (int round = 0; round < 2; round++)
		for (int i = 1; i < 40; i++) {
			snprintf(id, sizeof(id), "cached-%02d", i);
			assert_int_equal(oidc_client_get_cached(cache, later, id, &c), 0);
			assert_string_equal(c.id, id);
			assert_int_equal(c.n_post_logout, 1);
			assert_string_equal(c.post_logout[0], "https://rp.example/bye");
		}
	assert_string_equal(c0.id, "cached-00");
	assert_string_equal(c0.application, "MEDSEIP");
	assert_string_equal(c0.scopes, "openid profile");
	assert_string_equal(c0.sector, "cached-00");
	assert_string_equal(c0.redirect[1], "https://rp.example/other");
	assert_true(oidc_client_redirect_ok(&c0, "https://rp.example/cb"));
	arena_free(first);
	/* The cache never pointed into the callers' arenas. */
	assert_int_equal(oidc_client_get_cached(cache, later, "cached-39", &c), 0);
	assert_string_equal(c.sector, "cached-39");
	assert_int_equal(oidc_client_get_cached(cache, later, "nobody", &c), 1);
	arena_free(later);
	/* Freeing the cache frees its entries' arenas (ASan reports a leak otherwise). */
	oidc_client_cache_free(cache);
}

/* Every change of the clients or keys gives their kind a new version in the same
 * transaction (what other nodes compare); a refused change leaves it; a cleared client
 * cache reads the changed client again, where it kept the old one before the clear. */
static void
cache_versions_follow_changes(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_client_cache *cache = oidc_client_cache_new(f->s);
	struct arena *a = arena_new(0);
	char v0[OIDC_CACHE_KINDS][OIDC_CACHE_VERSION_LEN + 1];
	char v1[OIDC_CACHE_KINDS][OIDC_CACHE_VERSION_LEN + 1];
	char secret[OIDC_SECRET_LEN + 1], kid[JWS_ALGS][JWS_KID_MAX];
	struct oidc_client c;

	assert_non_null(cache);
	assert_non_null(a);
	assert_int_equal(oidc_cache_versions(f->s, v0), 0);
	client_add(f, "versioned");
	assert_int_equal(oidc_cache_versions(f->s, v1), 0);
	assert_int_equal(strlen(v1[OIDC_CACHE_CLIENTS]), OIDC_CACHE_VERSION_LEN);
	assert_string_not_equal(v1[OIDC_CACHE_CLIENTS], v0[OIDC_CACHE_CLIENTS]);
	assert_string_equal(v1[OIDC_CACHE_KEYS], v0[OIDC_CACHE_KEYS]);

	assert_int_equal(oidc_client_get_cached(cache, a, "versioned", &c), 0);
	assert_int_equal(oidc_client_rotate_secret(f->s, "versioned", "test", secret), 0);
	assert_int_equal(oidc_cache_versions(f->s, v0), 0);
	assert_string_not_equal(v0[OIDC_CACHE_CLIENTS], v1[OIDC_CACHE_CLIENTS]);
	/* Within its time-to-live the cache still has the old secret … */
	assert_int_equal(oidc_client_get_cached(cache, a, "versioned", &c), 0);
	assert_false(oidc_client_secret_ok(&c, secret));
	/* … until the version check clears it. */
	oidc_client_cache_clear(cache);
	assert_int_equal(oidc_client_get_cached(cache, a, "versioned", &c), 0);
	assert_true(oidc_client_secret_ok(&c, secret));

	/* Refused changes keep the version. */
	assert_int_equal(oidc_client_remove(f->s, "nobody", "test"), 1);
	assert_int_equal(oidc_client_rotate_secret(f->s, "nobody", "test", secret), 1);
	assert_int_equal(oidc_cache_versions(f->s, v1), 0);
	assert_string_equal(v1[OIDC_CACHE_CLIENTS], v0[OIDC_CACHE_CLIENTS]);

	assert_int_equal(oidc_client_remove(f->s, "versioned", "test"), 0);
	oidc_client_cache_clear(cache);
	assert_int_equal(oidc_client_get_cached(cache, a, "versioned", &c), 1);
	assert_int_equal(oidc_cache_versions(f->s, v0), 0);
	assert_string_not_equal(v0[OIDC_CACHE_CLIENTS], v1[OIDC_CACHE_CLIENTS]);

	assert_int_equal(oidc_keys_rotate(f->s, "test", kid), 0);
	assert_int_equal(oidc_cache_versions(f->s, v1), 0);
	assert_int_equal(strlen(v1[OIDC_CACHE_KEYS]), OIDC_CACHE_VERSION_LEN);
	assert_string_not_equal(v1[OIDC_CACHE_KEYS], v0[OIDC_CACHE_KEYS]);
	assert_string_equal(v1[OIDC_CACHE_CLIENTS], v0[OIDC_CACHE_CLIENTS]);
	arena_free(a);
	oidc_client_cache_free(cache);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b64url_vectors),
		cmocka_unit_test(b64url_refusals),
		cmocka_unit_test(der_raw_round_trip),
		cmocka_unit_test(der_refusals),
		cmocka_unit_test(sign_verify),
		cmocka_unit_test(key_der_round_trip),
		cmocka_unit_test(rs256_sign_verify),
		cmocka_unit_test(pairwise),
		cmocka_unit_test(pkce),
		cmocka_unit_test(client_checks),
		STORE_FIXTURE_TEST(keys_rotate, &spec),
		STORE_FIXTURE_TEST(clients_store, &spec),
		STORE_FIXTURE_TEST(client_time_follows_the_clock, &spec),
		STORE_FIXTURE_TEST(clients_listed_all, &spec),
		STORE_FIXTURE_TEST(client_cache_copies, &spec),
		STORE_FIXTURE_TEST(cache_versions_follow_changes, &spec),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
