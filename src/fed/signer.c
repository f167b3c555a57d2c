/* signer.c — raw XML-DSig signatures and self-signed certificates with the federation
 * service's keys, on OpenSSL EVP and X509 (no code of our own for the cryptography). */
#include "fed/signer.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#define DSIG_MORE "http://www.w3.org/2001/04/xmldsig-more#"
#define CERT_DAYS_MAX 3650

const char *
fed_xmldsig_method(const struct jws_key *k)
{
	return jws_key_alg(k) == JWS_RS256 ? DSIG_MORE "rsa-sha256" : DSIG_MORE "ecdsa-sha256";
}

int
fed_sign(const struct jws_key *k, const void *data, size_t n,
    unsigned char sig[FED_SIG_MAX], size_t *len)
{
	unsigned char der[FED_SIG_MAX];
	size_t derlen = sizeof(der);
	EVP_MD_CTX *md;
	int rc = -1;

	*len = 0;
	if (!jws_key_has_private(k))
		return -1;
	md = EVP_MD_CTX_new();
	/* RSA's default padding is PKCS #1 v1.5: the signature of XML-DSig's rsa-sha256. */
	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, jws_key_evp(k)) != 1 ||
	    EVP_DigestSign(md, der, &derlen, data, n) != 1)
		goto done;
	if (jws_key_alg(k) == JWS_RS256) {
		memcpy(sig, der, derlen);
		*len = derlen;
	} else {
		/* ECDSA's DER becomes r || s, as XML-DSig 1.1 (§6.4.3) writes it. */
		if (jws_ecdsa_der_to_raw(der, derlen, sig) != 0)
			goto done;
		*len = JWS_ES256_SIG;
	}
	rc = 0;
done:
	EVP_MD_CTX_free(md);
	return rc;
}

int
fed_verify(const struct jws_key *k, const void *data, size_t n, const unsigned char *sig,
    size_t len)
{
	unsigned char der[80];
	const unsigned char *s = sig;
	size_t slen = len;
	EVP_MD_CTX *md;
	int der_len, rc = -1;

	if (jws_key_alg(k) == JWS_RS256) {
		if (len != (size_t)EVP_PKEY_get_size(jws_key_evp(k)))
			return -1;
	} else {
		if (len != JWS_ES256_SIG)
			return -1;
		der_len = jws_ecdsa_raw_to_der(sig, der, sizeof(der));
		if (der_len < 0)
			return -1;
		s = der;
		slen = (size_t)der_len;
	}
	md = EVP_MD_CTX_new();
	if (md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
	    jws_key_evp(k)) == 1 && EVP_DigestVerify(md, s, slen, data, n) == 1)
		rc = 0;
	EVP_MD_CTX_free(md);
	return rc;
}

/* A random positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 bytes, positive). */
static int
random_serial(X509 *x)
{
	unsigned char b[16];
	BIGNUM *bn;
	int rc = -1;

	randombytes_buf(b, sizeof(b));
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x40);    /* never 0, never a sign bit */
	bn = BN_bin2bn(b, sizeof(b), NULL);
	if (bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		rc = 0;
	BN_free(bn);
	return rc;
}

/* Subject and issuer CN=cn. 0 or -1. */
static int
set_names(X509 *x, const char *cn)
{
	X509_NAME *name = X509_NAME_new();
	int rc = -1;

	if (name != NULL && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) == 1 && X509_set_subject_name(x, name) == 1 &&
	    X509_set_issuer_name(x, name) == 1)
		rc = 0;
	X509_NAME_free(name);
	return rc;
}

/* Appends x as PEM to pem. 0 or -1. */
static int
pem_of(X509 *x, struct buf *pem)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *text;
	long n;
	int rc = -1;

	if (bio != NULL && PEM_write_bio_X509(bio, x) == 1) {
		n = BIO_get_mem_data(bio, &text);
		if (n > 0 && buf_add(pem, text, (size_t)n) == 0)
			rc = 0;
	}
	BIO_free(bio);
	return rc;
}

int
fed_certificate(const struct jws_key *k, const char *cn, int64_t not_before, int days,
    struct buf *pem)
{
	size_t cnlen = cn != NULL ? strlen(cn) : 0;
	time_t from = (time_t)not_before;
	X509 *x = NULL;
	int rc = -1;

	if (!jws_key_has_private(k) || cnlen == 0 || cnlen > FED_CN_MAX || days < 1 ||
	    days > CERT_DAYS_MAX || not_before < 0)
		return -1;
	x = X509_new();
	if (x == NULL || X509_set_version(x, X509_VERSION_3) != 1 || random_serial(x) != 0 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), from) == NULL ||
	    ASN1_TIME_adj(X509_getm_notAfter(x), from, days, 0) == NULL ||
	    set_names(x, cn) != 0 || X509_set_pubkey(x, jws_key_evp(k)) != 1 ||
	    X509_sign(x, jws_key_evp(k), EVP_sha256()) <= 0 || pem_of(x, pem) != 0)
		goto done;
	rc = 0;
done:
	X509_free(x);
	return rc;
}
