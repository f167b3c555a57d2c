/* test_fed.c — the federation service's pure parts (docs/federation.md): the attribute
 * set and its release rules, pairwise subjects per sector, and the signers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <string.h>

#include "base/buf.h"
#include "fed/attrs.h"
#include "fed/request.h"
#include "fed/signer.h"

/* ---- attribute set ---- */

static const unsigned char secret[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
static const char *const apps[2] = { "TESTAPP", "OTHERAPP" };

static struct fed_profile_data
person(void)
{
	struct fed_profile_data d;

	memset(&d, 0, sizeof(d));
	d.niss = "85073003328";
	d.last_name = "Peeters";
	d.first_name = "Marie";
	d.language = "nl";
	d.email = "marie@example.test";
	d.profile.enterprise = "0552627113";
	d.profile.org_name = "Cabinet Peeters";
	d.profile.quality = "MED";
	d.profile.role = "USER";
	d.apps = (const char **)apps;
	d.n_apps = 2;
	return d;
}

/* Only the subject and the profile when nothing else is asked. */
static void
attrs_minimal(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release rel = { .sector = "medseip-portal" };
	struct fed_attrs at;

	(void)state;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	/* The same vector as test_oidc's pairwise (Python's hmac). */
	assert_string_equal(at.sub, "pnCyPyU3G2L-QVUFs3_7n44v0SNQnsCI9Eq2YKEK6VE");
	assert_null(at.first_name);
	assert_null(at.last_name);
	assert_null(at.language);
	assert_null(at.email);
	assert_null(at.national_number);
	assert_ptr_equal(at.profile, &d.profile);
	assert_string_equal(at.profile->org_name, "Cabinet Peeters");
	assert_int_equal(at.n_apps, 2);
	assert_string_equal(at.apps[1], "OTHERAPP");
}

/* Names, language and e-mail when asked; the e-mail only when known. */
static void
attrs_names_email(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release rel = { .sector = "medseip-portal", .names = true, .email = true };
	struct fed_attrs at;

	(void)state;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_string_equal(at.first_name, "Marie");
	assert_string_equal(at.last_name, "Peeters");
	assert_string_equal(at.language, "nl");
	assert_string_equal(at.email, "marie@example.test");
	assert_null(at.national_number);
	d.email = "";
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.email);
}

/* The national number needs both: asked for and allowed; and known. */
static void
attrs_national_number(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release rel = { .sector = "s", .national_number = true };
	struct fed_attrs at;

	(void)state;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.national_number);                 /* asked, not allowed */
	rel.national_number = false;
	rel.allow_national_number = true;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.national_number);                 /* allowed, not asked */
	rel.national_number = true;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_string_equal(at.national_number, "85073003328");
	d.niss = "";
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.national_number);                 /* none known */
}

/* One subject per sector and per person; no sector, no attributes. */
static void
attrs_sectors(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release a = { .sector = "sector-a" }, b = { .sector = "sector-b" };
	struct fed_attrs x, y;
	char sub[FED_SUB_LEN + 1];

	(void)state;
	assert_int_equal(fed_attributes(secret, 7, &d, &a, &x), 0);
	assert_int_equal(fed_attributes(secret, 7, &d, &b, &y), 0);
	assert_string_not_equal(x.sub, y.sub);
	assert_int_equal(strlen(x.sub), FED_SUB_LEN);
	fed_pairwise_sub(secret, "sector-a", 7, sub);
	assert_string_equal(x.sub, sub);
	assert_int_equal(fed_attributes(secret, 8, &d, &a, &y), 0);
	assert_string_not_equal(x.sub, y.sub);
	a.sector = NULL;
	assert_int_equal(fed_attributes(secret, 7, &d, &a, &x), -1);
}

/* ---- login and re-authentication of a pending request ---- */

/* No fresh login asked: the session's login does, however old. */
static void
request_no_fresh_login(void **state)
{
	struct fed_request r = { .kind = FED_SAML, .level = 300, .max_age = -1,
	    .created_at = 1000 };
	unsigned char mark[32];

	(void)state;
	fed_session_mark("session-a", mark);
	assert_false(fed_fresh_login_due(&r, 5000, 10, mark));
	r.max_age = 4990;                                /* 5000 - 10 = 4990: not passed */
	assert_false(fed_fresh_login_due(&r, 5000, 10, mark));
	r.max_age = 4989;
	assert_true(fed_fresh_login_due(&r, 5000, 10, mark));
}

/* A forced login is due until the person logged in again: a session older than the
 * request, or the very session the request sent to log in, is not enough; a new one is. */
static void
request_forced_login(void **state)
{
	struct fed_request r = { .kind = FED_OIDC, .force_login = true, .max_age = -1,
	    .created_at = 1000 };
	unsigned char sent[32], fresh[32];

	(void)state;
	fed_session_mark("session-a", sent);
	fed_session_mark("session-b", fresh);
	assert_memory_not_equal(sent, fresh, 32);
	assert_true(fed_fresh_login_due(&r, 1001, 1000, sent));       /* not sent yet */
	memcpy(r.stale_session, sent, 32);
	r.has_stale_session = true;
	assert_true(fed_fresh_login_due(&r, 1002, 999, fresh));       /* older than the request */
	assert_true(fed_fresh_login_due(&r, 1002, 1000, sent));       /* the session sent */
	assert_false(fed_fresh_login_due(&r, 1002, 1001, fresh));     /* logged in again */
	assert_false(fed_fresh_login_due(&r, 1002, 1000, fresh));     /* in the same second */
}

/* ---- signers ---- */

/* Keys made with `openssl genpkey` (RSA 2048, P-256), and what OpenSSL's own command
 * line signed with them: the message below, with `openssl dgst -sha256 -sign`. */
static const char rsa_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCzYERGnOQEBMNg\n"
    "0bmfXdPT7iIpwmwExbfcglQzS3xnSTtnu/003ykbTMGbZRrM+0Cnm6fi9p31mu8p\n"
    "2ZzYiYSyu8gyyVCsMKvArcB0xFmL48UTm2VRYw3wJ6NAuCLCeijspDOaoLHRhTUe\n"
    "KqnNlXoqNmrZLjNh93J63TqDCllRqebLc3OiTa6u4ijmEeEKndVM4CSnj2yZHvZy\n"
    "HXw2ikUemS2be32tr5yijJ7d+5oWxWPW5bSY9miYD50+6qxCg1ClyjgsfdzMEOEs\n"
    "bgk/ypifncW7RG5lQCUSBchXLw/8e2oghneXXCCs51Rh3pNQCXJTgo0VuJQ/glil\n"
    "rgl18ilXAgMBAAECggEAFxK09ZhMxC+Qqi2QAO3ix4oEHvcBSgPcyKKDDi4RjH+h\n"
    "ApDt2xUxhm9zH/f7YI6ZHHYrPEiYvPT2+p0hTcEyroL1F4NJuzxve1NeRCbVlebw\n"
    "fLsqZzOkoVWX7EVDQ1zPUtE0ShmNhfPqhzzZprYphrCFQfZtaZaYxTEby6tTHevT\n"
    "vxJSon0ltVdczDh5s388wDdKtUMm44y+JEGqXNJo5ElmZRjmGSGOiu5HxyX3zSAL\n"
    "Xl+GFHU0xHi102VZ5Y1ZSQibbydaFG8GWy97lwP1BtWtYgiRtqlhxbZ68zVOk5IX\n"
    "nnb5gbV9Aosd0APJDeHzmQFHCOmtCSnMRVicNxweoQKBgQDaAUn9LyEjPCvMhYUc\n"
    "KdG+FEeXZyGDitxRJprrCwTzfmYyNpxzKhajEAvYxFyr/lVYWRQrGbWpRS9r0eVa\n"
    "FRPi1VP8ZUGhnkvqzs4a886KEr4+1ZKJClnCdCaG3Repk7YUNTB7Vn9tbr4HbrjW\n"
    "awTcSD8CKVfQsvWTbtK62tknaQKBgQDSo3irsLSlnDkPMe1XQF3JniTxsPn2Nsg2\n"
    "XJUiIXnZOhgONPjwVg5ye1Z6/NcFUu48+murgm7O8Uoq3PszHT3ndLGeW/PblnGb\n"
    "/CYxhA6j/wjSCSp2qF15a4PEnT/bPNa7BuRKGHFb1/CQFsAn3B632DgvFeZDEWns\n"
    "5omhlDlyvwKBgQCsx1rBm+myiEzaQnQ11vsRn/cBis4n+BUXB/a+FDSvWt1aLKgg\n"
    "KhpY0C3jdfVQpzky1R7D7hNo/ZlQ5cDVfWEOZS60GfhDRDc8+PympdZq3eID4LbL\n"
    "f/WVxQKH3pCTaKtlJqavCeXicGORdnJuFdF7WJL/fo7HrB4v5CSFzU9QCQKBgQCK\n"
    "yRTgIxzTpZxe66mS/KEPD/kNmmsIFE5UqynEBESRoVpqOfLv//Oi8Kspe+B87Ih2\n"
    "exVoOxehmJAir9l/czvvfg7t5W5Gd9jBSyErLPSsj4STR2DIL+Tu9K0sZePGI07k\n"
    "igTu4S4Hsr8ZYTQYz0saHQff1lESTa36Xme+o7g6ZwKBgQDB2NyW7ZkmvC0W2a4w\n"
    "fdtN9r08RX1bUOFNxiMWf2WBPZKFwA3ueEUcUdrqe+UeJG8PoMmU6OX4VfKRmWXP\n"
    "rxyQZzJUOqSoZv6oRXJfkHN9laLJYmN/kVcAFAwKhDbyyZJmfqmiquO0v3da12st\n"
    "pecB1gWXNTKSwEsXg4oDYOT11g==\n"
    "-----END PRIVATE KEY-----\n";
static const char ec_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgniFWiO7EH9NqAt2m\n"
    "TFiQ7QTlJrjbHxt9c2WqvkKdkM6hRANCAATGvjDbric12AZ1PBw+2Ijd1p8IzFtK\n"
    "ujkSdLQRJ3J/8629aZs2nAvzThHioiKxcKir5KZYrSeChIyKl7col6a6\n"
    "-----END PRIVATE KEY-----\n";
/* openssl dgst -sha256 -sign rsa.pem (PKCS #1 v1.5 is deterministic), in base64. */
static const char rsa_sig_b64[] =
    "rThW2oGoSkWDqN++l1pfHJUA4IA9ko7/lVcAx5JXqUEFF55Nj4cNllWMJbjVvO/ajB++Esh8Y5vK"
    "686bZIsTX71HXxcGe1NQZID6aMjnTXvIZg080R0wN3MSqfjpCx933s3hfO+dqqhyCW2Y2ENxX9rw"
    "Zrlc3j2hqRLmctLHwGQ3JYLOf6XgOoab8z3NG0HNQQSx2kK5p035evwr7YDve/dB3B9JzzxiycGJ"
    "pLhsJlAUjEnJ8oGoQ1Vq5sgESTtaBfZ3N98qfTCjj7I15mZg9wOuw74lyruOz1k8kPU+n9XQqb1I"
    "Iac39teoospQKbT6uu/x2dFHG08VKRQID2SWzg==";
static const char msg[] = "portier: <saml:Assertion ID=\"_a1\">";
/* The ECDSA signature of `openssl dgst -sha256 -sign ec.pem`, its DER read as r || s. */
static const char ec_sig_hex[] =
    "7E095719F8DA1240677B6E9C84F01D11E2A2C6DF6440DACDBA871038332DB78E"
    "E9424371E57F8AB3C302CC3F39584354C441CFCF1E21AA26BA96E77B1A9A9E85";

/* OpenSSL's key from PEM text. */
static EVP_PKEY *
pem_key(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	assert_non_null(b);
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	assert_non_null(k);
	return k;
}

/* The federation key of PEM text, through its DER as the store keeps it. */
static struct jws_key *
fed_key(const char *pem)
{
	EVP_PKEY *k = pem_key(pem);
	unsigned char *der = NULL;
	struct jws_key *out = NULL;
	int n = i2d_PrivateKey(k, &der);

	assert_true(n > 0);
	assert_int_equal(jws_key_from_der(der, (size_t)n, &out), 0);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	return out;
}

/* Verifies a DER or PKCS #1 signature with OpenSSL alone: 1 when it holds. */
static int
openssl_verify(EVP_PKEY *k, const unsigned char *sig, size_t n, const void *data, size_t dn)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc;

	assert_non_null(md);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k), 1);
	rc = EVP_DigestVerify(md, sig, n, data, dn);
	EVP_MD_CTX_free(md);
	return rc;
}

/* RS256 / rsa-sha256: the signature is exactly OpenSSL's (PKCS #1 v1.5 is deterministic),
 * OpenSSL verifies it, and a changed message or signature is refused. */
static void
signer_rsa_vector(void **state)
{
	struct jws_key *k = fed_key(rsa_pem);
	EVP_PKEY *ossl = pem_key(rsa_pem);
	unsigned char sig[FED_SIG_MAX], want[FED_SIG_MAX];
	size_t n = 0, wn = 0;

	(void)state;
	assert_int_equal(sodium_base642bin(want, sizeof(want), rsa_sig_b64, strlen(rsa_sig_b64),
	    NULL, &wn, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(wn, 256);
	assert_string_equal(fed_xmldsig_method(k),
	    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
	assert_int_equal(fed_sign(k, msg, strlen(msg), sig, &n), 0);
	assert_int_equal(n, 256);
	assert_memory_equal(sig, want, 256);
	assert_int_equal(openssl_verify(ossl, sig, n, msg, strlen(msg)), 1);
	assert_int_equal(fed_verify(k, msg, strlen(msg), want, wn), 0);
	assert_int_equal(fed_verify(k, msg, strlen(msg) - 1, sig, n), -1);
	sig[100] ^= 1;
	assert_int_equal(fed_verify(k, msg, strlen(msg), sig, n), -1);
	assert_int_equal(fed_verify(k, msg, strlen(msg), want, wn - 1), -1);
	EVP_PKEY_free(ossl);
	jws_key_free(k);
}

/* ES256 / ecdsa-sha256: OpenSSL's signature (DER, read as r || s) verifies; ours, as DER
 * again, verifies with OpenSSL; a changed message or signature is refused. */
static void
signer_ec_vector(void **state)
{
	struct jws_key *k = fed_key(ec_pem);
	EVP_PKEY *ossl = pem_key(ec_pem);
	unsigned char sig[FED_SIG_MAX], want[64], *der = NULL;
	size_t n = 0, wn = 0;
	ECDSA_SIG *es;
	BIGNUM *r, *s;
	int dn;

	(void)state;
	assert_int_equal(sodium_hex2bin(want, sizeof(want), ec_sig_hex, strlen(ec_sig_hex), NULL,
	    &wn, NULL), 0);
	assert_int_equal(wn, 64);
	assert_string_equal(fed_xmldsig_method(k),
	    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
	assert_int_equal(fed_verify(k, msg, strlen(msg), want, wn), 0);
	assert_int_equal(fed_sign(k, msg, strlen(msg), sig, &n), 0);
	assert_int_equal(n, 64);
	/* r || s to DER with OpenSSL's own ECDSA_SIG, not with jws.c's conversion. */
	es = ECDSA_SIG_new();
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	assert_non_null(es);
	assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
	dn = i2d_ECDSA_SIG(es, &der);
	assert_true(dn > 0);
	assert_int_equal(openssl_verify(ossl, der, (size_t)dn, msg, strlen(msg)), 1);
	assert_int_equal(openssl_verify(ossl, der, (size_t)dn, msg, strlen(msg) - 1), 0);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	want[10] ^= 1;
	assert_int_equal(fed_verify(k, msg, strlen(msg), want, wn), -1);
	assert_int_equal(fed_verify(k, msg, strlen(msg), sig, 63), -1);
	EVP_PKEY_free(ossl);
	jws_key_free(k);
}

/* A public-only key signs nothing. */
static void
signer_public_only(void **state)
{
	struct jws_key *k = fed_key(ec_pem), *pub = NULL;
	unsigned char sig[FED_SIG_MAX], want[64];
	size_t n = 0, wn = 0;
	struct buf pem;

	(void)state;
	assert_int_equal(jws_key_from_jwk(jws_key_jwk(k), &pub), 0);
	assert_int_equal(fed_sign(pub, msg, strlen(msg), sig, &n), -1);
	assert_int_equal(sodium_hex2bin(want, sizeof(want), ec_sig_hex, strlen(ec_sig_hex), NULL,
	    &wn, NULL), 0);
	assert_int_equal(fed_verify(pub, msg, strlen(msg), want, wn), 0);
	buf_init(&pem, 16 * 1024);
	assert_int_equal(fed_certificate(pub, "idp", 1700000000, 365, &pem), -1);
	assert_int_equal(pem.len, 0);
	buf_free(&pem);
	jws_key_free(pub);
	jws_key_free(k);
}

/* The certificate of each key: OpenSSL reads it, it is signed by the key itself, names
 * the common name, holds the key, and is valid from not_before for the days asked. */
static void
signer_certificate(void **state)
{
	const char *pems[2] = { rsa_pem, ec_pem };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct jws_key *k = fed_key(pems[i]);
		EVP_PKEY *ossl = pem_key(pems[i]);
		struct buf pem;
		char cn[80];
		X509 *x;
		BIO *b;
		int day = 0, sec = 0;

		buf_init(&pem, 16 * 1024);
		assert_int_equal(fed_certificate(k, "portier IdP é", 1700000000, 730, &pem), 0);
		b = BIO_new_mem_buf(pem.data, (int)pem.len);
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		assert_non_null(x);
		assert_int_equal(X509_verify(x, ossl), 1);
		assert_int_equal(X509_check_private_key(x, ossl), 1);
		assert_int_equal(X509_get_version(x), X509_VERSION_3);
		assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
		    sizeof(cn)) > 0);
		assert_string_equal(cn, "portier IdP é");
		assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)),
		    0);
		assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), 1700000000), 0);
		assert_int_equal(ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(x),
		    X509_get0_notAfter(x)), 1);
		assert_int_equal(day, 730);
		assert_int_equal(sec, 0);
		X509_free(x);
		BIO_free(b);
		buf_free(&pem);
		/* Refusals: no name, a name too long, no days, too many. */
		buf_init(&pem, 16 * 1024);
		assert_int_equal(fed_certificate(k, "", 1700000000, 30, &pem), -1);
		assert_int_equal(fed_certificate(k, "12345678901234567890123456789012345678901234"
		    "567890123456789012345", 1700000000, 30, &pem), -1);
		assert_int_equal(fed_certificate(k, "idp", 1700000000, 0, &pem), -1);
		assert_int_equal(fed_certificate(k, "idp", 1700000000, 3651, &pem), -1);
		assert_int_equal(pem.len, 0);
		buf_free(&pem);
		EVP_PKEY_free(ossl);
		jws_key_free(k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attrs_minimal),
		cmocka_unit_test(attrs_names_email),
		cmocka_unit_test(attrs_national_number),
		cmocka_unit_test(attrs_sectors),
		cmocka_unit_test(request_no_fresh_login),
		cmocka_unit_test(request_forced_login),
		cmocka_unit_test(signer_rsa_vector),
		cmocka_unit_test(signer_ec_vector),
		cmocka_unit_test(signer_public_only),
		cmocka_unit_test(signer_certificate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
