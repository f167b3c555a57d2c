/* test_webauthn.c — passkey verification (auth/webauthn.c) against an authenticator made
 * here with OpenSSL and libcbor: none and packed attestations (self and x5c), ES256 and
 * RS256, and every refusal: challenge, origin, type, rpIdHash, flags, signature, counter,
 * algorithm, truncated or deep CBOR, oversized input, packed with a bad x5c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/webauthn.h"

#define RP "localhost"
#define ORIGIN "http://localhost:8080"

static const unsigned char challenge[WA_CHALLENGE_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};
static const unsigned char cred_id[16] = "credential-0001";
static const unsigned char aaguid[16] = "portier-test-aag";

static EVP_PKEY *ec, *rsa, *att_key, *root_key;

static struct wa_expect
expect(void)
{
	struct wa_expect e = { .challenge = challenge, .challenge_len = sizeof(challenge),
	    .rp_id = RP, .origins = { ORIGIN, "https://localhost:8443", NULL } };

	return e;
}

/* ---- the software authenticator ---- */

struct buf {
	unsigned char b[16384];
	size_t n;
};

static void
put(struct buf *o, const void *p, size_t n)
{
	assert_true(o->n + n <= sizeof(o->b));
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void
serialize(cbor_item_t *it, struct buf *o)
{
	unsigned char *p = NULL;
	size_t cap = 0, n = cbor_serialize_alloc(it, &p, &cap);

	assert_true(n > 0);
	o->n = 0;
	put(o, p, n);
	free(p);
	cbor_decref(&it);
}

static void
map_add(cbor_item_t *m, cbor_item_t *k, cbor_item_t *v)
{
	assert_true(cbor_map_add(m, (struct cbor_pair){ .key = cbor_move(k), .value = cbor_move(v) }));
}

static cbor_item_t *
cint(int64_t v)
{
	return v >= 0 ? cbor_build_uint64((uint64_t)v) : cbor_build_negint64((uint64_t)(-1 - v));
}

/* The COSE_Key of pk with algorithm alg (the key's own, or another to test refusals). */
static void
cose_of(EVP_PKEY *pk, int64_t alg, struct buf *o)
{
	cbor_item_t *m = cbor_new_definite_map(5);

	if (EVP_PKEY_is_a(pk, "EC")) {
		unsigned char pt[65];
		size_t n = 0;

		assert_int_equal(EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pt,
		    sizeof(pt), &n), 1);
		assert_int_equal(n, 65);
		map_add(m, cint(1), cint(2));
		map_add(m, cint(3), cint(alg));
		map_add(m, cint(-1), cint(1));
		map_add(m, cint(-2), cbor_build_bytestring(pt + 1, 32));
		map_add(m, cint(-3), cbor_build_bytestring(pt + 33, 32));
	} else {
		BIGNUM *n = NULL, *e = NULL;
		unsigned char nb[512], eb[8];
		int nl, el;

		assert_int_equal(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n), 1);
		assert_int_equal(EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e), 1);
		nl = BN_bn2bin(n, nb);
		el = BN_bn2bin(e, eb);
		map_add(m, cint(1), cint(3));
		map_add(m, cint(3), cint(alg));
		map_add(m, cint(-1), cbor_build_bytestring(nb, (size_t)nl));
		map_add(m, cint(-2), cbor_build_bytestring(eb, (size_t)el));
		BN_free(n);
		BN_free(e);
	}
	serialize(m, o);
}

static void
sign(EVP_PKEY *pk, const struct buf *ad, const unsigned char cdh[32], struct buf *sig)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char msg[4096];
	size_t n = sizeof(sig->b);

	assert_true(ad->n + 32 <= sizeof(msg));
	memcpy(msg, ad->b, ad->n);
	memcpy(msg + ad->n, cdh, 32);
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk), 1);
	assert_int_equal(EVP_DigestSign(md, sig->b, &n, msg, ad->n + 32), 1);
	sig->n = n;
	EVP_MD_CTX_free(md);
}

/* clientDataJSON of type for challenge ch at origin. */
static void
client_data(const char *type, const unsigned char *ch, size_t chn, const char *origin,
    struct buf *o)
{
	char b64[128];
	int n;

	assert_int_equal(wa_b64url_encode(ch, chn, b64, sizeof(b64)), 0);
	n = snprintf((char *)o->b, sizeof(o->b),
	    "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\",\"crossOrigin\":false}",
	    type, b64, origin);
	o->n = (size_t)n;
}

/* authenticator data for rp with flags and count; with cose: attested credential data. */
static void
auth_data(const char *rp, unsigned flags, uint32_t count, const struct buf *cose,
    struct buf *o)
{
	unsigned char h[32], c[4] = { count >> 24, count >> 16, count >> 8, count };
	unsigned char f = (unsigned char)(flags | (cose ? 0x40 : 0));
	unsigned char len[2] = { 0, sizeof(cred_id) };

	o->n = 0;
	SHA256((const unsigned char *)rp, strlen(rp), h);
	put(o, h, 32);
	put(o, &f, 1);
	put(o, c, 4);
	if (cose != NULL) {
		put(o, aaguid, 16);
		put(o, len, 2);
		put(o, cred_id, sizeof(cred_id));
		put(o, cose->b, cose->n);
	}
}

/* The attestation object {fmt, attStmt, authData}; stmt is taken. */
static void
att_object(const char *fmt, cbor_item_t *stmt, const struct buf *ad, struct buf *o)
{
	cbor_item_t *m = cbor_new_definite_map(3);

	map_add(m, cbor_build_string("fmt"), cbor_build_string(fmt));
	map_add(m, cbor_build_string("attStmt"), stmt);
	map_add(m, cbor_build_string("authData"), cbor_build_bytestring(ad->b, ad->n));
	serialize(m, o);
}

struct reg {
	struct buf cd, att, ad, cose;
};

#define UPUV 0x05

/* A registration of pk with fmt "none". */
static void
reg_none(struct reg *r, EVP_PKEY *pk, int64_t alg, unsigned flags, const char *rp,
    const char *origin)
{
	cose_of(pk, alg, &r->cose);
	auth_data(rp, flags, 0, &r->cose, &r->ad);
	client_data("webauthn.create", challenge, sizeof(challenge), origin, &r->cd);
	att_object("none", cbor_new_definite_map(0), &r->ad, &r->att);
}

static enum wa_status
verify_reg(const struct reg *r, struct wa_credential *out)
{
	struct wa_expect e = expect();

	return wa_verify_registration(&e, r->cd.b, r->cd.n, r->att.b, r->att.n, out);
}

/* A certificate for key pk, issued by issuer_key under issuer's name (NULL: itself). */
static X509 *
make_cert(EVP_PKEY *pk, const char *ou, bool ca, EVP_PKEY *issuer_key, X509 *issuer,
    bool aaguid_ext, const unsigned char *ext_aaguid)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"BE", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"portier tests", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_ASC, (const unsigned char *)ou, -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"test key", -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_set_pubkey(x, pk);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (aaguid_ext) {
		unsigned char der[18] = { 0x04, 16 };
		ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();

		memcpy(der + 2, ext_aaguid, 16);
		ASN1_OCTET_STRING_set(os, der, sizeof(der));
		ext = X509_EXTENSION_create_by_OBJ(NULL, oid, 0, os);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
		ASN1_OCTET_STRING_free(os);
		ASN1_OBJECT_free(oid);
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : pk, EVP_sha256()) > 0);
	X509_NAME_free(n);
	return x;
}

static cbor_item_t *
der_of(X509 *x)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);
	cbor_item_t *it;

	assert_true(n > 0);
	it = cbor_build_bytestring(p, (size_t)n);
	OPENSSL_free(p);
	return it;
}

enum x5c_fault { X5C_GOOD, X5C_BAD_OU, X5C_CA, X5C_WRONG_SIGNER, X5C_BROKEN_CHAIN,
	X5C_OTHER_AAGUID, X5C_NOT_DER, X5C_EMPTY };

/* A packed registration of the EC key with an x5c of the attestation key (signed by a
 * root) and the root, with one fault. */
static void
reg_packed_x5c(struct reg *r, enum x5c_fault fault)
{
	static const unsigned char other[16] = "another-aaguid!!";
	X509 *root = make_cert(root_key, "Root", true, NULL, NULL, false, NULL);
	X509 *att = make_cert(att_key, fault == X5C_BAD_OU ? "Something" :
	    "Authenticator Attestation", fault == X5C_CA, fault == X5C_BROKEN_CHAIN ? att_key :
	    root_key, root, true, fault == X5C_OTHER_AAGUID ? other : aaguid);
	cbor_item_t *stmt = cbor_new_definite_map(3), *x5c = cbor_new_definite_array(2);
	unsigned char cdh[32];
	struct buf sig;

	cose_of(ec, WA_ALG_ES256, &r->cose);
	auth_data(RP, UPUV, 1, &r->cose, &r->ad);
	client_data("webauthn.create", challenge, sizeof(challenge), ORIGIN, &r->cd);
	SHA256(r->cd.b, r->cd.n, cdh);
	sign(fault == X5C_WRONG_SIGNER ? ec : att_key, &r->ad, cdh, &sig);
	if (fault == X5C_NOT_DER) {
		assert_true(cbor_array_push(x5c, cbor_move(cbor_build_bytestring((const unsigned char *)"nope", 4))));
	} else if (fault != X5C_EMPTY) {
		assert_true(cbor_array_push(x5c, cbor_move(der_of(att))));
		assert_true(cbor_array_push(x5c, cbor_move(der_of(root))));
	}
	map_add(stmt, cbor_build_string("alg"), cint(WA_ALG_ES256));
	map_add(stmt, cbor_build_string("sig"), cbor_build_bytestring(sig.b, sig.n));
	map_add(stmt, cbor_build_string("x5c"), x5c);
	att_object("packed", stmt, &r->ad, &r->att);
	X509_free(att);
	X509_free(root);
}

/* An assertion by pk for rp at origin, flags and count. */
struct assertion {
	struct buf cd, ad, sig;
};

static void
assert_by(struct assertion *a, EVP_PKEY *pk, unsigned flags, uint32_t count)
{
	unsigned char cdh[32];

	client_data("webauthn.get", challenge, sizeof(challenge), ORIGIN, &a->cd);
	auth_data(RP, flags, count, NULL, &a->ad);
	SHA256(a->cd.b, a->cd.n, cdh);
	sign(pk, &a->ad, cdh, &a->sig);
}

static enum wa_status
verify_assert(const struct wa_credential *c, const struct assertion *a, uint32_t stored,
    uint32_t *now)
{
	struct wa_expect e = expect();

	return wa_verify_assertion(&e, c->cose, c->cose_len, c->alg, stored, a->cd.b, a->cd.n,
	    a->ad.b, a->ad.n, a->sig.b, a->sig.n, now);
}

/* ---- tests ---- */

static int
keys_setup(void **state)
{
	(void)state;
	ec = EVP_EC_gen("P-256");
	rsa = EVP_RSA_gen(2048);
	att_key = EVP_EC_gen("P-256");
	root_key = EVP_EC_gen("P-256");
	return ec && rsa && att_key && root_key ? 0 : -1;
}

static int
keys_teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(att_key);
	EVP_PKEY_free(root_key);
	return 0;
}

static void
none_es256_registers_and_asserts(void **state)
{
	struct reg r;
	struct wa_credential c;
	struct assertion a;
	uint32_t now = 0;

	(void)state;
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_OK);
	assert_int_equal(c.alg, WA_ALG_ES256);
	assert_int_equal(c.id_len, sizeof(cred_id));
	assert_memory_equal(c.id, cred_id, sizeof(cred_id));
	assert_string_equal(c.fmt, "none");
	assert_memory_equal(c.cose, r.cose.b, r.cose.n);
	assert_memory_equal(c.aaguid, aaguid, 16);

	assert_by(&a, ec, UPUV, 5);
	assert_int_equal(verify_assert(&c, &a, 4, &now), WA_OK);
	assert_int_equal(now, 5);
	/* Counter regression: the same count again, or a lower one. */
	assert_int_equal(verify_assert(&c, &a, 5, &now), WA_COUNTER);
	assert_int_equal(verify_assert(&c, &a, 9, &now), WA_COUNTER);
	/* An authenticator without a counter: zero and zero is accepted. */
	assert_by(&a, ec, UPUV, 0);
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_OK);
	/* … but zero after a counter that was used is a regression. */
	assert_int_equal(verify_assert(&c, &a, 3, &now), WA_COUNTER);
}

static void
packed_self_rs256_registers_and_asserts(void **state)
{
	struct reg r;
	struct wa_credential c;
	struct assertion a;
	unsigned char cdh[32];
	struct buf sig;
	cbor_item_t *stmt = cbor_new_definite_map(2);
	uint32_t now = 0;

	(void)state;
	cose_of(rsa, WA_ALG_RS256, &r.cose);
	auth_data(RP, UPUV, 0, &r.cose, &r.ad);
	client_data("webauthn.create", challenge, sizeof(challenge), ORIGIN, &r.cd);
	SHA256(r.cd.b, r.cd.n, cdh);
	sign(rsa, &r.ad, cdh, &sig);
	map_add(stmt, cbor_build_string("alg"), cint(WA_ALG_RS256));
	map_add(stmt, cbor_build_string("sig"), cbor_build_bytestring(sig.b, sig.n));
	att_object("packed", stmt, &r.ad, &r.att);
	assert_int_equal(verify_reg(&r, &c), WA_OK);
	assert_int_equal(c.alg, WA_ALG_RS256);
	assert_string_equal(c.fmt, "packed");
	assert_by(&a, rsa, UPUV, 1);
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_OK);
	/* Signed by another key: refused. */
	assert_by(&a, ec, UPUV, 2);
	assert_int_equal(verify_assert(&c, &a, 1, &now), WA_BAD_SIGNATURE);

	/* Self attestation signed by another key than the credential's. */
	stmt = cbor_new_definite_map(2);
	sign(ec, &r.ad, cdh, &sig);
	map_add(stmt, cbor_build_string("alg"), cint(WA_ALG_ES256));
	map_add(stmt, cbor_build_string("sig"), cbor_build_bytestring(sig.b, sig.n));
	att_object("packed", stmt, &r.ad, &r.att);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
}

static void
packed_x5c(void **state)
{
	struct reg r;
	struct wa_credential c;

	(void)state;
	reg_packed_x5c(&r, X5C_GOOD);
	assert_int_equal(verify_reg(&r, &c), WA_OK);
	assert_string_equal(c.fmt, "packed");
	reg_packed_x5c(&r, X5C_BAD_OU);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	reg_packed_x5c(&r, X5C_CA);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	reg_packed_x5c(&r, X5C_WRONG_SIGNER);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	reg_packed_x5c(&r, X5C_BROKEN_CHAIN);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	reg_packed_x5c(&r, X5C_OTHER_AAGUID);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	reg_packed_x5c(&r, X5C_NOT_DER);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	reg_packed_x5c(&r, X5C_EMPTY);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	assert_int_equal(c.id_len, 0);   /* nothing kept of a refused registration */
}

static void
refusals_of_client_data(void **state)
{
	static const unsigned char other[WA_CHALLENGE_BYTES] = { 9 };
	struct reg r;
	struct wa_credential c;
	struct assertion a;
	uint32_t now = 0;
	const char *cross = "{\"type\":\"webauthn.create\",\"challenge\":"
	    "\"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA\",\"origin\":\"" ORIGIN "\","
	    "\"crossOrigin\":true}";

	(void)state;
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_OK);

	client_data("webauthn.create", other, sizeof(other), ORIGIN, &r.cd);
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_CHALLENGE);
	client_data("webauthn.create", challenge, 16, ORIGIN, &r.cd);   /* a prefix of it */
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_CHALLENGE);
	client_data("webauthn.create", challenge, sizeof(challenge), "http://evil.example", &r.cd);
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_ORIGIN);
	client_data("webauthn.create", challenge, sizeof(challenge), "http://localhost:8081", &r.cd);
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_ORIGIN);
	client_data("webauthn.get", challenge, sizeof(challenge), ORIGIN, &r.cd);
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_TYPE);
	r.cd.n = strlen(cross);
	memcpy(r.cd.b, cross, r.cd.n);
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_ORIGIN);
	memcpy(r.cd.b, "{\"type\":", 8);
	r.cd.n = 8;
	assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);

	/* The TLS listener's origin is the server's too. */
	client_data("webauthn.create", challenge, sizeof(challenge), "https://localhost:8443", &r.cd);
	assert_int_equal(verify_reg(&r, &c), WA_OK);

	/* Assertions: the same checks. */
	assert_by(&a, ec, UPUV, 1);
	client_data("webauthn.get", other, sizeof(other), ORIGIN, &a.cd);
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_WRONG_CHALLENGE);
	client_data("webauthn.get", challenge, sizeof(challenge), "https://evil.example", &a.cd);
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_WRONG_ORIGIN);
	client_data("webauthn.create", challenge, sizeof(challenge), ORIGIN, &a.cd);
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_WRONG_TYPE);
}

static void
refusals_of_authenticator_data(void **state)
{
	struct reg r;
	struct wa_credential c, good;
	struct assertion a;
	uint32_t now = 0;

	(void)state;
	reg_none(&r, ec, WA_ALG_ES256, UPUV, "evil.example", ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_WRONG_RP);
	reg_none(&r, ec, WA_ALG_ES256, 0x01, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_NO_UV);
	reg_none(&r, ec, WA_ALG_ES256, 0x04, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_NO_UP);
	reg_none(&r, ec, WA_ALG_ES256, UPUV | 0x10, RP, ORIGIN);   /* backed up, not eligible */
	assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);

	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &good), WA_OK);
	assert_by(&a, ec, 0x01, 1);
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_NO_UV);
	assert_by(&a, ec, 0x04, 1);
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_NO_UP);
	assert_by(&a, ec, UPUV, 1);
	a.ad.b[0] ^= 1;   /* rpIdHash of another RP (the signature covers it too) */
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_WRONG_RP);
	assert_by(&a, ec, UPUV, 1);
	a.sig.b[a.sig.n - 1] ^= 1;
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_BAD_SIGNATURE);
	assert_by(&a, ec, UPUV, 1);
	a.ad.b[36] ^= 0x40;   /* the counter changed after signing */
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_BAD_SIGNATURE);
	assert_by(&a, ec, UPUV, 1);
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_OK);
	a.ad.n = 36;   /* truncated authenticator data */
	assert_int_equal(verify_assert(&good, &a, 0, &now), WA_MALFORMED);
}

static void
unsupported_algorithms(void **state)
{
	struct reg r;
	struct wa_credential c;
	struct assertion a;
	uint32_t now = 0;
	cbor_item_t *m = cbor_new_definite_map(4);
	unsigned char x[32] = { 1 };

	(void)state;
	/* An EC key announced with ES384 (-35), and RSA announced with PS256 (-37). */
	reg_none(&r, ec, -35, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_UNSUPPORTED_ALG);
	reg_none(&r, rsa, -37, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_UNSUPPORTED_ALG);
	/* Ed25519 (OKP, EdDSA). */
	map_add(m, cint(1), cint(1));
	map_add(m, cint(3), cint(-8));
	map_add(m, cint(-1), cint(6));
	map_add(m, cint(-2), cbor_build_bytestring(x, 32));
	serialize(m, &r.cose);
	auth_data(RP, UPUV, 0, &r.cose, &r.ad);
	att_object("none", cbor_new_definite_map(0), &r.ad, &r.att);
	assert_int_equal(verify_reg(&r, &c), WA_UNSUPPORTED_ALG);

	/* An assertion checked against a stored algorithm that is not the key's. */
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_OK);
	assert_by(&a, ec, UPUV, 1);
	c.alg = WA_ALG_RS256;
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_UNSUPPORTED_ALG);
	/* A format that is not none or packed. */
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	att_object("fido-u2f", cbor_new_definite_map(0), &r.ad, &r.att);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
	/* none with a statement. */
	m = cbor_new_definite_map(1);
	map_add(m, cbor_build_string("alg"), cint(-7));
	att_object("none", m, &r.ad, &r.att);
	assert_int_equal(verify_reg(&r, &c), WA_BAD_ATTESTATION);
}

static void
truncated_deep_and_oversized(void **state)
{
	struct reg r;
	struct wa_credential c;
	struct assertion a;
	uint32_t now = 0;
	size_t full;

	(void)state;
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	full = r.att.n;
	for (size_t n = 0; n < full; n += 7) {
		r.att.n = n;
		assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);
	}
	r.att.n = full;
	r.att.b[r.att.n++] = 0;   /* a byte after the object */
	assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);
	r.att.n = full;
	/* Nesting 9000 arrays deep (each 0x81): refused before libcbor, no deep recursion. */
	memset(r.att.b, 0x81, WA_ATTESTATION_MAX);
	r.att.n = WA_ATTESTATION_MAX;
	assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);
	/* An indefinite-length map. */
	r.att.b[0] = 0xbf;
	r.att.b[1] = 0xff;
	r.att.n = 2;
	assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);
	/* Oversized: attestation, clientDataJSON, authenticator data, signature. */
	r.att.n = WA_ATTESTATION_MAX + 1;
	assert_int_equal(verify_reg(&r, &c), WA_TOO_LARGE);
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	memset(r.cd.b + r.cd.n - 1, ' ', WA_CLIENT_DATA_MAX);
	r.cd.b[r.cd.n - 1 + WA_CLIENT_DATA_MAX] = '}';
	r.cd.n += WA_CLIENT_DATA_MAX;
	assert_int_equal(verify_reg(&r, &c), WA_TOO_LARGE);
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	assert_int_equal(verify_reg(&r, &c), WA_OK);
	assert_by(&a, ec, UPUV, 1);
	a.ad.n = WA_AUTH_DATA_MAX + 1;
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_TOO_LARGE);
	assert_by(&a, ec, UPUV, 1);
	a.sig.n = WA_SIG_MAX + 1;
	assert_int_equal(verify_assert(&c, &a, 0, &now), WA_TOO_LARGE);
	/* A credential id length beyond the data. */
	reg_none(&r, ec, WA_ALG_ES256, UPUV, RP, ORIGIN);
	r.ad.b[37 + 16] = 0xff;
	att_object("none", cbor_new_definite_map(0), &r.ad, &r.att);
	assert_int_equal(verify_reg(&r, &c), WA_MALFORMED);
}

static void
base64url_and_rp(void **state)
{
	char out[64], o[2][300], rp[256];
	unsigned char b[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(wa_b64url_encode((const unsigned char *)"\xfb\xff", 2, out, sizeof(out)), 0);
	assert_string_equal(out, "-_8");
	assert_int_equal(wa_b64url_decode("-_8", b, sizeof(b), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(wa_b64url_decode("-_8=", b, sizeof(b), &n), 0);
	assert_int_equal(wa_b64url_decode("+/8", b, sizeof(b), &n), -1);
	assert_int_equal(wa_b64url_decode("AAAAAAAAAAAAAAAA", b, sizeof(b), &n), -1);
	assert_int_equal(wa_b64url_encode(b, 8, out, 5), -1);

	assert_int_equal(wa_rp_of("http://localhost:8080", 8443, rp, sizeof(rp), o), 0);
	assert_string_equal(rp, "localhost");
	assert_string_equal(o[0], "http://localhost:8080");
	assert_string_equal(o[1], "https://localhost:8443");
	assert_int_equal(wa_rp_of("https://Portier.Example.be/", 0, rp, sizeof(rp), o), 0);
	assert_string_equal(rp, "portier.example.be");
	assert_string_equal(o[0], "https://portier.example.be");
	assert_string_equal(o[1], "");
	assert_int_equal(wa_rp_of("https://portier.example.be:443/idp", 443, rp, sizeof(rp), o), 0);
	assert_string_equal(o[0], "https://portier.example.be");
	assert_string_equal(o[1], "https://portier.example.be");
	/* The default listener: its RP id is localhost, which browsers accept. */
	assert_int_equal(wa_rp_of("http://127.0.0.1:8080", 8443, rp, sizeof(rp), o), 0);
	assert_string_equal(rp, "localhost");
	assert_string_equal(o[0], "http://localhost:8080");
	assert_string_equal(o[1], "https://localhost:8443");
	assert_int_equal(wa_rp_of("http://127.example.be", 0, rp, sizeof(rp), o), 0);
	assert_string_equal(rp, "127.example.be");
	assert_int_equal(wa_rp_of("ftp://x", 0, rp, sizeof(rp), o), -1);
	assert_int_equal(wa_rp_of("http://[::1]:80", 0, rp, sizeof(rp), o), -1);
	assert_int_equal(wa_rp_of("http://x:99999", 0, rp, sizeof(rp), o), -1);
	assert_int_equal(wa_rp_of("http://user@x", 0, rp, sizeof(rp), o), -1);
	assert_string_equal(wa_status_text(WA_COUNTER), "sign counter regression");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(none_es256_registers_and_asserts),
		cmocka_unit_test(packed_self_rs256_registers_and_asserts),
		cmocka_unit_test(packed_x5c),
		cmocka_unit_test(refusals_of_client_data),
		cmocka_unit_test(refusals_of_authenticator_data),
		cmocka_unit_test(unsupported_algorithms),
		cmocka_unit_test(truncated_deep_and_oversized),
		cmocka_unit_test(base64url_and_rp),
	};

	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
