/* ca.c — portier's CA for system certificates with OpenSSL's C API: made once and kept in
 * the store's settings (key sealed under the KEK), CSR checks and signing, checks of
 * certificates from elsewhere, the CRL. */
#include "machine/ca.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <jansson.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/envelope.h"
#include "store/sql.h"

#define DAY (24L * 3600)
#define CA_YEARS 20
#define CRL_DAYS 7
#define KEY_SETTING "machine.ca.key"
#define CERT_SETTING "machine.ca.cert"
#define KEY_AD "setting.value:machine.ca.key"
#define KEY_DER_MAX 4096
#define CA_PEM_MAX 8192

struct machine_ca {
	X509 *cert;
	EVP_PKEY *key;
	char *pem;
	char crl_url[512];
	pthread_mutex_t lock;         /* OpenSSL signs with one key from many threads */
	unsigned char *crl;           /* the CRL last made (under lock), or NULL */
	size_t crl_len;
	int64_t crl_at;
};

void
machine_cert_clear(struct machine_cert *c)
{
	free(c->pem);
	memset(c, 0, sizeof(*c));
}

const char *
machine_ca_pem(const struct machine_ca *ca)
{
	return ca->pem;
}

/* ---- facts of a certificate ---- */

static int
asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static int
dn_text(const X509_NAME *n, char *out, size_t max)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;
	int rc = -1;

	if (b == NULL)
		return -1;
	if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) < 0)
		goto done;
	len = BIO_get_mem_data(b, &p);
	if (len < 0 || (size_t)len >= max)
		goto done;
	memcpy(out, p, (size_t)len);
	out[len] = '\0';
	rc = 0;
done:
	BIO_free(b);
	return rc;
}

static int
serial_hex(const ASN1_INTEGER *s, char *out, size_t max)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	int rc = -1;

	if (h != NULL && strlen(h) < max) {
		for (size_t i = 0; h[i] != '\0'; i++)
			out[i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
		out[strlen(h)] = '\0';
		rc = 0;
	}
	OPENSSL_free(h);
	BN_free(bn);
	return rc;
}

/* Fills out from x: names, serial, thumbprint (x5t#S256), validity, PEM. */
static int
facts(X509 *x, struct machine_cert *out)
{
	unsigned char *der = NULL, sum[crypto_hash_sha256_BYTES];
	int n = i2d_X509(x, &der);
	BIO *b = NULL;
	char *p;
	long len;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (n <= 0)
		goto done;
	crypto_hash_sha256(sum, der, (unsigned long long)n);
	sodium_bin2base64(out->thumbprint, sizeof(out->thumbprint), sum, sizeof(sum),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (dn_text(X509_get_subject_name(x), out->subject, sizeof(out->subject)) != 0 ||
	    dn_text(X509_get_issuer_name(x), out->issuer, sizeof(out->issuer)) != 0 ||
	    serial_hex(X509_get0_serialNumber(x), out->serial, sizeof(out->serial)) != 0 ||
	    asn1_time(X509_get0_notBefore(x), &out->not_before) != 0 ||
	    asn1_time(X509_get0_notAfter(x), &out->not_after) != 0)
		goto done;
	if ((b = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(b, x) != 1)
		goto done;
	len = BIO_get_mem_data(b, &p);
	if (len <= 0 || (out->pem = malloc((size_t)len + 1)) == NULL)
		goto done;
	memcpy(out->pem, p, (size_t)len);
	out->pem[len] = '\0';
	rc = 0;
done:
	BIO_free(b);
	OPENSSL_free(der);
	if (rc != 0)
		machine_cert_clear(out);
	return rc;
}

/* RSA of 2048 to 8192 bits, or EC on P-256 or P-384. */
static bool
strong_key(EVP_PKEY *k)
{
	char group[64];
	size_t glen = 0;

	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
		return EVP_PKEY_get_bits(k) >= 2048 && EVP_PKEY_get_bits(k) <= 8192;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(k, group, sizeof(group), &glen) != 1)
			return false;
		return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0 ||
		    strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0;
	default:
		return false;
	}
}

/* Whether text holds exactly one PEM block of label and nothing else but blanks. */
static bool
one_block(const char *text, size_t len, const char *label)
{
	char begin[64], end[64];
	const char *b, *e;
	size_t n = 0;

	snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	snprintf(end, sizeof(end), "-----END %s-----", label);
	if (memchr(text, '\0', len) != NULL)
		return false;
	for (const char *p = text; (p = strstr(p, "-----BEGIN ")) != NULL; p++)
		n++;
	b = strstr(text, begin);
	e = b ? strstr(b, end) : NULL;
	return n == 1 && b != NULL && e != NULL;
}

/* ---- signing a CSR ---- */

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int rc = e != NULL && X509_add_ext(x, e, -1) == 1 ? 0 : -1;

	X509_EXTENSION_free(e);
	return rc;
}

static int
name_add(X509_NAME *n, const char *field, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return 0;
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value,
	    -1, -1, 0) == 1 ? 0 : -1;
}

static int
random_serial(X509 *x)
{
	unsigned char r[16];
	BIGNUM *bn;
	int rc = -1;

	randombytes_buf(r, sizeof(r));
	r[0] &= 0x7f;              /* positive, and 16 bytes at most in DER */
	r[0] |= 0x40;              /* never shorter: serials of one length */
	bn = BN_bin2bn(r, sizeof(r), NULL);
	if (bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL)
		rc = 0;
	BN_free(bn);
	return rc;
}

static X509_REQ *
read_csr(const char *csr, size_t len, enum machine_pem *why)
{
	BIO *b;
	X509_REQ *req;

	*why = MACHINE_PEM_GARBAGE;
	if (len > MACHINE_PEM_MAX) {
		*why = MACHINE_PEM_TOO_BIG;
		return NULL;
	}
	if (!one_block(csr, len, "CERTIFICATE REQUEST"))
		return NULL;
	if ((b = BIO_new_mem_buf(csr, (int)len)) == NULL) {
		*why = MACHINE_PEM_ERROR;
		return NULL;
	}
	req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	ERR_clear_error();
	return req;
}

enum machine_pem
machine_ca_sign(struct machine_ca *ca, const char *csr, size_t len,
    const struct machine_subject *subj, int64_t now, int days, struct machine_cert *out)
{
	enum machine_pem why;
	X509_REQ *req = read_csr(csr, len, &why);
	EVP_PKEY *pub = NULL;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	X509V3_CTX ctx;
	char crl[600];
	bool locked = false;

	memset(out, 0, sizeof(*out));
	if (req == NULL)
		return why;
	why = MACHINE_PEM_ERROR;
	if ((pub = X509_REQ_get_pubkey(req)) == NULL) {
		why = MACHINE_PEM_GARBAGE;
		goto done;
	}
	if (X509_REQ_verify(req, pub) != 1) {
		why = MACHINE_PEM_BAD_SIGNATURE;
		goto done;
	}
	if (!strong_key(pub)) {
		why = MACHINE_PEM_WEAK_KEY;
		goto done;
	}
	/* The subject is the organisation's, never the CSR's: a manager cannot obtain a
	 * certificate naming another enterprise. */
	if ((x = X509_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    name_add(name, "C", "BE") != 0 || name_add(name, "O", subj->org_name) != 0 ||
	    name_add(name, "organizationIdentifier", subj->org_id) != 0 ||
	    name_add(name, "CN", subj->label) != 0)
		goto done;
	if (X509_set_version(x, 2) != 1 || random_serial(x) != 0 ||
	    X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) != 1 ||
	    X509_set_subject_name(x, name) != 1 || X509_set_pubkey(x, pub) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)now) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(now + (int64_t)days * DAY)) == NULL)
		goto done;
	X509V3_set_ctx(&ctx, ca->cert, x, NULL, NULL, 0);
	if (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(x, &ctx, NID_key_usage, EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA ?
	    "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature") != 0 ||
	    add_ext(x, &ctx, NID_ext_key_usage, "clientAuth") != 0 ||
	    add_ext(x, &ctx, NID_subject_key_identifier, "hash") != 0 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") != 0)
		goto done;
	if (ca->crl_url[0] != '\0') {
		snprintf(crl, sizeof(crl), "URI:%s", ca->crl_url);
		if (add_ext(x, &ctx, NID_crl_distribution_points, crl) != 0)
			goto done;
	}
	pthread_mutex_lock(&ca->lock);
	locked = true;
	if (X509_sign(x, ca->key, EVP_sha256()) <= 0)
		goto done;
	pthread_mutex_unlock(&ca->lock);
	locked = false;
	why = facts(x, out) == 0 ? MACHINE_PEM_OK : MACHINE_PEM_ERROR;
done:
	if (locked)
		pthread_mutex_unlock(&ca->lock);
	ERR_clear_error();
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(pub);
	X509_REQ_free(req);
	return why;
}

/* ---- certificates from elsewhere ---- */

enum machine_pem
machine_cert_external(const char *pem, size_t len, int64_t now, struct machine_cert *out)
{
	enum machine_pem why = MACHINE_PEM_GARBAGE;
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	time_t t = (time_t)now;

	memset(out, 0, sizeof(*out));
	if (len > MACHINE_PEM_MAX)
		return MACHINE_PEM_TOO_BIG;
	if (!one_block(pem, len, "CERTIFICATE"))
		return MACHINE_PEM_GARBAGE;
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return MACHINE_PEM_ERROR;
	if ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL)
		goto done;
	if ((k = X509_get_pubkey(x)) == NULL)
		goto done;
	if (X509_cmp_time(X509_get0_notAfter(x), &t) <= 0) {
		why = MACHINE_PEM_EXPIRED;
		goto done;
	}
	if (X509_cmp_time(X509_get0_notBefore(x), &t) >= 0) {
		why = MACHINE_PEM_NOT_YET;
		goto done;
	}
	/* X509_check_ca: 1 and above for every kind of CA (v1 self-signed roots too). */
	if (X509_check_ca(x) != 0) {
		why = MACHINE_PEM_IS_CA;
		goto done;
	}
	if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) == 0 ||
	    (X509_get_extended_key_usage(x) & XKU_SSL_CLIENT) == 0) {
		why = MACHINE_PEM_NO_CLIENT_AUTH;
		goto done;
	}
	if (!strong_key(k)) {
		why = MACHINE_PEM_WEAK_KEY;
		goto done;
	}
	why = facts(x, out) == 0 ? MACHINE_PEM_OK : MACHINE_PEM_ERROR;
done:
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(b);
	return why;
}

/* ---- the CRL ---- */

static int
revoked_add(X509_CRL *crl, const struct machine_revoked *r)
{
	X509_REVOKED *rv = X509_REVOKED_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *sn = NULL;
	ASN1_TIME *at = NULL;
	int rc = -1;

	if (rv == NULL || BN_hex2bn(&bn, r->serial) == 0 ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    (at = ASN1_TIME_set(NULL, (time_t)r->at)) == NULL ||
	    X509_REVOKED_set_serialNumber(rv, sn) != 1 ||
	    X509_REVOKED_set_revocationDate(rv, at) != 1 || X509_CRL_add0_revoked(crl, rv) != 1)
		goto done;
	rv = NULL;
	rc = 0;
done:
	X509_REVOKED_free(rv);
	ASN1_TIME_free(at);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	return rc;
}

int
machine_ca_crl(struct machine_ca *ca, const struct machine_revoked *r, size_t n,
    int64_t now, unsigned char **der, size_t *len)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t1 = ASN1_TIME_set(NULL, (time_t)now);
	ASN1_TIME *t2 = ASN1_TIME_set(NULL, (time_t)(now + CRL_DAYS * DAY));
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	unsigned char *p = NULL;
	int l, rc = -1;

	*der = NULL;
	*len = 0;
	if (crl == NULL || t1 == NULL || t2 == NULL || num == NULL ||
	    X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, t1) != 1 || X509_CRL_set1_nextUpdate(crl, t2) != 1 ||
	    ASN1_INTEGER_set_int64(num, now) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1)
		goto done;
	for (size_t i = 0; i < n; i++)
		if (revoked_add(crl, &r[i]) != 0)
			goto done;
	if (X509_CRL_sort(crl) != 1)
		goto done;
	pthread_mutex_lock(&ca->lock);
	l = X509_CRL_sign(crl, ca->key, EVP_sha256());
	pthread_mutex_unlock(&ca->lock);
	if (l <= 0 || (l = i2d_X509_CRL(crl, &p)) <= 0)
		goto done;
	*der = malloc((size_t)l);
	if (*der == NULL)
		goto done;
	memcpy(*der, p, (size_t)l);
	*len = (size_t)l;
	rc = 0;
done:
	ERR_clear_error();
	OPENSSL_free(p);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	X509_CRL_free(crl);
	return rc;
}

/* ---- the CA itself, kept in the settings ---- */

static int
make_ca(EVP_PKEY **key, X509 **cert, int64_t now)
{
	X509_NAME *n;
	X509V3_CTX ctx;

	*cert = NULL;
	if ((*key = EVP_EC_gen("P-256")) == NULL || (*cert = X509_new()) == NULL ||
	    X509_set_version(*cert, 2) != 1 || random_serial(*cert) != 0)
		return -1;
	n = X509_get_subject_name(*cert);
	if (name_add(n, "C", "BE") != 0 || name_add(n, "O", "portier") != 0 ||
	    name_add(n, "CN", "portier system CA") != 0 ||
	    X509_set_issuer_name(*cert, n) != 1 || X509_set_pubkey(*cert, *key) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(*cert), (time_t)(now - DAY)) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(*cert), (time_t)(now + CA_YEARS * 365L * DAY)) ==
	    NULL)
		return -1;
	X509V3_set_ctx(&ctx, *cert, *cert, NULL, NULL, 0);
	if (add_ext(*cert, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") != 0 ||
	    add_ext(*cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign") != 0 ||
	    add_ext(*cert, &ctx, NID_subject_key_identifier, "hash") != 0)
		return -1;
	return X509_sign(*cert, *key, EVP_sha256()) > 0 ? 0 : -1;
}

static int
setting_get(struct store_tx *tx, const char *name, char *out, size_t max)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_SETTING_GET, &q, "t", name) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *v = store_text(q, SETTING_GET_VALUE);

		if (v == NULL || strlen(v) >= max)
			rc = -1;
		else
			memcpy(out, v, strlen(v) + 1);
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* The new CA's two settings, the key sealed (hex text). Another node may have stored its
 * own first: PUT_NEW keeps the first. */
static int
store_new(struct store_tx *tx, int64_t now)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	unsigned char *der = NULL, *sealed = NULL;
	char *hex = NULL, *pem = NULL;
	size_t sealed_n = 0;
	BIO *b = NULL;
	long len;
	int n = 0, rc = -1;

	if (make_ca(&key, &cert, now) != 0 || (n = i2d_PrivateKey(key, &der)) <= 0 ||
	    secret_encode(KEY_AD, der, (size_t)n, &sealed, &sealed_n) != 0 ||
	    (hex = malloc(2 * sealed_n + 1)) == NULL)
		goto done;
	sodium_bin2hex(hex, 2 * sealed_n + 1, sealed, sealed_n);
	if ((b = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(b, cert) != 1 ||
	    (len = BIO_get_mem_data(b, &pem)) <= 0)
		goto done;
	{
		char text[CA_PEM_MAX];

		if ((size_t)len >= sizeof(text))
			goto done;
		memcpy(text, pem, (size_t)len);
		text[len] = '\0';
		if (store_exec(tx, SQL_SETTING_PUT_NEW, "tt", KEY_SETTING, hex) < 0 ||
		    store_exec(tx, SQL_SETTING_PUT_NEW, "tt", CERT_SETTING, text) < 0)
			goto done;
	}
	rc = 0;
done:
	ERR_clear_error();
	BIO_free(b);
	if (der != NULL)
		OPENSSL_cleanse(der, (size_t)(n > 0 ? n : 0));
	OPENSSL_free(der);
	if (sealed != NULL)
		sodium_memzero(sealed, sealed_n);
	free(sealed);
	free(hex);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

static int
load(struct machine_ca *ca, const char *keyhex, const char *pem)
{
	unsigned char sealed[KEY_DER_MAX + ENVELOPE_OVERHEAD], der[KEY_DER_MAX];
	const unsigned char *p = der;
	size_t n = 0, dn = 0;
	BIO *b = NULL;
	int rc = -1;

	if (sodium_hex2bin(sealed, sizeof(sealed), keyhex, strlen(keyhex), NULL, &n, NULL) != 0 ||
	    secret_decode(KEY_AD, sealed, n, der, sizeof(der), &dn) != 0 ||
	    (ca->key = d2i_AutoPrivateKey(NULL, &p, (long)dn)) == NULL)
		goto done;
	if ((b = BIO_new_mem_buf(pem, -1)) == NULL ||
	    (ca->cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL ||
	    X509_check_private_key(ca->cert, ca->key) != 1 || (ca->pem = strdup(pem)) == NULL)
		goto done;
	rc = 0;
done:
	ERR_clear_error();
	BIO_free(b);
	sodium_memzero(der, sizeof(der));
	return rc;
}

int
machine_ca_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed)
{
	enum { KEYHEX = 2 * (KEY_DER_MAX + ENVELOPE_OVERHEAD) + 1 };
	char *hex = malloc(KEYHEX);
	unsigned char *stored = malloc(KEY_DER_MAX + ENVELOPE_OVERHEAD), *out = NULL;
	size_t n = 0, outn = 0;
	int r, rc = -1;

	*changed = 0;
	if (hex == NULL || stored == NULL)
		goto done;
	r = setting_get(tx, KEY_SETTING, hex, KEYHEX);
	if (r != 0) {
		rc = r > 0 ? 0 : -1;
		goto done;
	}
	if (sodium_hex2bin(stored, KEY_DER_MAX + ENVELOPE_OVERHEAD, hex, strlen(hex), NULL, &n,
	    NULL) != 0)
		goto done;
	rc = secret_rewrap(old, new_k, KEY_AD, stored, n, &out, &outn);
	if (rc != 0 || out == NULL)
		goto done;
	rc = -1;
	/* The new text fits where the old was read: same key, same envelope size. */
	if (2 * outn + 1 > KEYHEX)
		goto done;
	sodium_bin2hex(hex, KEYHEX, out, outn);
	if (store_exec(tx, SQL_SETTING_PUT, "tt", KEY_SETTING, hex) != 1)
		goto done;
	*changed = 1;
	rc = 0;
done:
	if (out != NULL)
		sodium_memzero(out, outn);
	free(out);
	if (hex != NULL)
		sodium_memzero(hex, KEYHEX);
	free(hex);
	if (stored != NULL)
		sodium_memzero(stored, KEY_DER_MAX + ENVELOPE_OVERHEAD);
	free(stored);
	return rc;
}

int
machine_ca_open(struct store *s, const char *crl_url, struct machine_ca **out, char *err,
    size_t errlen)
{
	enum { KEYHEX = 2 * (KEY_DER_MAX + ENVELOPE_OVERHEAD) + 1 };
	char pem[CA_PEM_MAX];
	char *keyhex = malloc(KEYHEX);
	struct machine_ca *ca = calloc(1, sizeof(*ca));
	struct store_tx *tx = NULL;
	int r;

	*out = NULL;
	if (keyhex == NULL || ca == NULL || pthread_mutex_init(&ca->lock, NULL) != 0) {
		free(keyhex);
		free(ca);
		snprintf(err, errlen, "system CA: out of memory");
		return -1;
	}
	snprintf(ca->crl_url, sizeof(ca->crl_url), "%s", crl_url ? crl_url : "");
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto fail;
	r = setting_get(tx, KEY_SETTING, keyhex, KEYHEX);
	if (r == 1 && store_new(tx, (int64_t)time(NULL)) != 0)
		goto fail;
	if (r < 0 || setting_get(tx, KEY_SETTING, keyhex, KEYHEX) != 0 ||
	    setting_get(tx, CERT_SETTING, pem, sizeof(pem)) != 0 || store_commit(&tx) != 0)
		goto fail;
	if (load(ca, keyhex, pem) != 0) {
		snprintf(err, errlen, "system CA: its key does not open (another key-encryption "
		    "key?) or its certificate does not match it");
		sodium_memzero(keyhex, KEYHEX);
		free(keyhex);
		machine_ca_free(ca);
		return -1;
	}
	sodium_memzero(keyhex, KEYHEX);
	free(keyhex);
	*out = ca;
	return 0;
fail:
	store_rollback(&tx);
	sodium_memzero(keyhex, KEYHEX);
	free(keyhex);
	machine_ca_free(ca);
	snprintf(err, errlen, "system CA: cannot read or store it");
	return -1;
}

int
machine_ca_crl_cached(struct machine_ca *ca, int64_t now, int64_t max_age,
    unsigned char **der, size_t *len)
{
	int rc = 1;

	*der = NULL;
	*len = 0;
	pthread_mutex_lock(&ca->lock);
	if (ca->crl != NULL && now >= ca->crl_at && now - ca->crl_at < max_age) {
		*der = malloc(ca->crl_len);
		if (*der == NULL) {
			rc = -1;
		} else {
			memcpy(*der, ca->crl, ca->crl_len);
			*len = ca->crl_len;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&ca->lock);
	return rc;
}

void
machine_ca_crl_keep(struct machine_ca *ca, int64_t now, const unsigned char *der, size_t len)
{
	unsigned char *copy = malloc(len);

	if (copy == NULL)
		return;
	memcpy(copy, der, len);
	pthread_mutex_lock(&ca->lock);
	free(ca->crl);
	ca->crl = copy;
	ca->crl_len = len;
	ca->crl_at = now;
	pthread_mutex_unlock(&ca->lock);
}

void
machine_ca_crl_drop(struct machine_ca *ca)
{
	pthread_mutex_lock(&ca->lock);
	free(ca->crl);
	ca->crl = NULL;
	pthread_mutex_unlock(&ca->lock);
}

/* The settings of cert and key (sealed, hex) written inside tx, replacing what was. */
static int
store_ca(struct store_tx *tx, X509 *cert, EVP_PKEY *key)
{
	unsigned char *der = NULL, *sealed = NULL;
	char *hex = NULL, *pem = NULL, text[CA_PEM_MAX];
	size_t sealed_n = 0;
	BIO *b = NULL;
	long len;
	int n = 0, rc = -1;

	if ((n = i2d_PrivateKey(key, &der)) <= 0 ||
	    secret_encode(KEY_AD, der, (size_t)n, &sealed, &sealed_n) != 0 ||
	    (hex = malloc(2 * sealed_n + 1)) == NULL)
		goto done;
	sodium_bin2hex(hex, 2 * sealed_n + 1, sealed, sealed_n);
	if ((b = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(b, cert) != 1 ||
	    (len = BIO_get_mem_data(b, &pem)) <= 0 || (size_t)len >= sizeof(text))
		goto done;
	memcpy(text, pem, (size_t)len);
	text[len] = '\0';
	if (store_exec(tx, SQL_SETTING_PUT, "tt", KEY_SETTING, hex) != 1 ||
	    store_exec(tx, SQL_SETTING_PUT, "tt", CERT_SETTING, text) != 1)
		goto done;
	rc = 0;
done:
	ERR_clear_error();
	BIO_free(b);
	if (der != NULL)
		OPENSSL_cleanse(der, (size_t)(n > 0 ? n : 0));
	OPENSSL_free(der);
	if (sealed != NULL)
		sodium_memzero(sealed, sealed_n);
	free(sealed);
	free(hex);
	return rc;
}

int
machine_ca_import(struct store *s, const char *cert_pem, const char *key_pem, char *err,
    size_t errlen)
{
	BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
	X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	struct store_tx *tx = NULL;
	struct audit_event ev = {
		.actor = "cli", .actor_role = "operator", .object = "system_ca",
		.action = "system_ca.import", .details = NULL,
	};
	char subject[MACHINE_DN_MAX], details[MACHINE_DN_MAX + 32];
	int rc = -1;

	if (cert == NULL || key == NULL) {
		snprintf(err, errlen, "not a PEM certificate and an unencrypted PEM private key");
		goto done;
	}
	if (X509_check_ca(cert) != 1 || X509_check_private_key(cert, key) != 1 ||
	    !strong_key(key)) {
		snprintf(err, errlen, "the certificate must be a CA's (basicConstraints CA:TRUE) "
		    "with a strong key (RSA >= 2048, EC P-256/P-384) matching the private key");
		goto done;
	}
	if (dn_text(X509_get_subject_name(cert), subject, sizeof(subject)) != 0)
		goto fail;
	{
		json_t *j = json_pack("{s:s}", "subject", subject);
		char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;

		json_decref(j);
		if (t == NULL || strlen(t) >= sizeof(details)) {
			free(t);
			goto fail;
		}
		memcpy(details, t, strlen(t) + 1);
		free(t);
	}
	ev.details = details;
	if (store_begin(s, STORE_WRITE, &tx) != 0 || store_ca(tx, cert, key) != 0 ||
	    audit_append(tx, &ev) != 0 || store_commit(&tx) != 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	snprintf(err, errlen, "database error: nothing changed");
done:
	store_rollback(&tx);
	ERR_clear_error();
	EVP_PKEY_free(key);
	X509_free(cert);
	BIO_free(cb);
	BIO_free(kb);
	return rc;
}

void
machine_ca_free(struct machine_ca *ca)
{
	if (ca == NULL)
		return;
	free(ca->crl);
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca->pem);
	pthread_mutex_destroy(&ca->lock);
	free(ca);
}
