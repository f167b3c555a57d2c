/* eid_testca.c — a test eID hierarchy made with OpenSSL's C API: root -> "Citizen CA"
 * -> card certificates as on a Belgian identity card, their CRL, a server certificate.
 * For tests and the demo only; see eid_testca.h for the files it writes. */
#include "auth/eid_testca.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAY (24L * 3600)
#define YEAR (365L * DAY)
#define CRL_DAYS 30
#define PATH_MAX_ 1024
#define REVOKED_MAX 4096

/* ---- files ---- */

static void
path_of(char *out, const char *dir, const char *name)
{
	snprintf(out, PATH_MAX_, "%s/%s", dir, name);
}

/* Writes the bytes of mem to path atomically (temporary file, then rename). */
static int
write_bio(const char *path, BIO *mem, mode_t mode)
{
	char tmp[PATH_MAX_ + 8];
	char *data;
	long n = BIO_get_mem_data(mem, &data);
	int fd, rc = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	if (n >= 0 && write(fd, data, (size_t)n) == (ssize_t)n && fsync(fd) == 0)
		rc = 0;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int
write_cert(const char *path, X509 *const *certs, size_t n)
{
	BIO *mem = BIO_new(BIO_s_mem());
	int rc = -1;

	if (mem == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (PEM_write_bio_X509(mem, certs[i]) != 1)
			goto done;
	rc = write_bio(path, mem, 0644);
done:
	BIO_free(mem);
	return rc;
}

static int
write_key(const char *path, EVP_PKEY *key)
{
	BIO *mem = BIO_new(BIO_s_mem());
	int rc = -1;

	if (mem != NULL && PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL) == 1)
		rc = write_bio(path, mem, 0600);
	BIO_free(mem);
	return rc;
}

static X509 *
load_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

static EVP_PKEY *
load_key(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return k;
}

static int
make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* ---- certificates ---- */

static const EVP_MD *
digest_for(EVP_PKEY *signer)
{
	return EVP_PKEY_get_base_id(signer) == EVP_PKEY_EC ? EVP_sha384() : EVP_sha256();
}

static int
add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

static int
random_serial(ASN1_INTEGER *sn)
{
	BIGNUM *bn = BN_new();
	int ok = bn != NULL && BN_rand(bn, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
	    BN_to_ASN1_INTEGER(bn, sn) != NULL;

	BN_free(bn);
	return ok ? 0 : -1;
}

struct ext {
	int nid;
	const char *value;
};

/* A certificate for subject/key signed by issuer (NULL: self-signed) with exts,
 * valid from now + from to now + to (seconds). */
static X509 *
make_cert(X509_NAME *subject, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, long from,
    long to, const struct ext *exts, size_t nexts)
{
	X509 *x = X509_new();

	if (x == NULL || X509_set_version(x, 2) != 1 ||
	    random_serial(X509_get_serialNumber(x)) != 0 ||
	    X509_set_subject_name(x, subject) != 1 ||
	    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : subject) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), from) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), to) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	for (size_t i = 0; i < nexts; i++)
		if (exts[i].value != NULL && add_ext(x, issuer, exts[i].nid, exts[i].value) != 0)
			goto fail;
	if (X509_sign(x, issuer_key, digest_for(issuer_key)) <= 0)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

static int
name_add(X509_NAME *n, int nid, const char *value)
{
	return X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, (const unsigned char *)value,
	    -1, -1, 0) == 1 ? 0 : -1;
}

static X509_NAME *
ca_name(const char *cn, const char *serial)
{
	X509_NAME *n = X509_NAME_new();

	if (n == NULL || name_add(n, NID_countryName, "BE") != 0 ||
	    name_add(n, NID_commonName, cn) != 0 ||
	    (serial != NULL && name_add(n, NID_serialNumber, serial) != 0)) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

/* ---- CRLs ---- */

struct revoked {
	ASN1_INTEGER *serial;
	time_t when;
};

static X509_CRL *
make_crl(X509 *ca, EVP_PKEY *key, const struct revoked *list, size_t n, long number)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509V3_CTX ctx;
	X509_EXTENSION *aki = NULL;
	time_t now = time(NULL);

	if (crl == NULL || t == NULL || num == NULL || X509_CRL_set_version(crl, 1) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1 ||
	    ASN1_TIME_set(t, now - 60) == NULL || X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    ASN1_TIME_adj(t, now, CRL_DAYS, 0) == NULL || X509_CRL_set1_nextUpdate(crl, t) != 1)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();

		if (r == NULL || ASN1_TIME_set(t, list[i].when) == NULL ||
		    X509_REVOKED_set_serialNumber(r, list[i].serial) != 1 ||
		    X509_REVOKED_set_revocationDate(r, t) != 1 || X509_CRL_add0_revoked(crl, r) != 1) {
			X509_REVOKED_free(r);
			goto fail;
		}
	}
	X509_CRL_sort(crl);
	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	aki = X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
	if (aki == NULL || X509_CRL_add_ext(crl, aki, -1) != 1 ||
	    ASN1_INTEGER_set(num, number) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1 ||
	    X509_CRL_sign(crl, key, digest_for(key)) <= 0)
		goto fail;
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	return crl;
fail:
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return NULL;
}

/* Reads revoked.txt ("SERIALHEX UNIXTIME" lines) into list. Returns the count or -1. */
static long
read_revoked(const char *dir, struct revoked *list, size_t max)
{
	char path[PATH_MAX_], line[256];
	FILE *f;
	size_t n = 0;

	path_of(path, dir, "revoked.txt");
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char hexs[130];
		long long when;
		BIGNUM *bn = NULL;

		if (sscanf(line, "%129s %lld", hexs, &when) != 2 || BN_hex2bn(&bn, hexs) == 0)
			continue;
		list[n].serial = BN_to_ASN1_INTEGER(bn, NULL);
		list[n].when = (time_t)when;
		BN_free(bn);
		if (list[n].serial != NULL)
			n++;
	}
	fclose(f);
	return (long)n;
}

/* Rewrites crl.pem: the CRL of the Citizen CA (the revoked cards) and the root's (empty). */
static int
write_crls(const char *dir, X509 *root, EVP_PKEY *root_key, X509 *citizen,
    EVP_PKEY *citizen_key)
{
	struct revoked *list = calloc(REVOKED_MAX, sizeof(*list));
	X509_CRL *c1 = NULL, *c2 = NULL;
	BIO *mem = BIO_new(BIO_s_mem());
	char path[PATH_MAX_];
	long n = list ? read_revoked(dir, list, REVOKED_MAX) : -1;
	int rc = -1;

	if (mem == NULL || n < 0)
		goto done;
	c1 = make_crl(citizen, citizen_key, list, (size_t)n, (long)time(NULL));
	c2 = make_crl(root, root_key, NULL, 0, (long)time(NULL));
	if (c1 == NULL || c2 == NULL || PEM_write_bio_X509_CRL(mem, c1) != 1 ||
	    PEM_write_bio_X509_CRL(mem, c2) != 1)
		goto done;
	path_of(path, dir, "crl.pem");
	rc = write_bio(path, mem, 0644);
done:
	for (long i = 0; list != NULL && i < n; i++)
		ASN1_INTEGER_free(list[i].serial);
	free(list);
	X509_CRL_free(c1);
	X509_CRL_free(c2);
	BIO_free(mem);
	return rc;
}

/* ---- the CA ---- */

struct ca {
	X509 *root, *citizen;
	EVP_PKEY *root_key, *citizen_key;
};

static void
ca_free(struct ca *ca)
{
	X509_free(ca->root);
	X509_free(ca->citizen);
	EVP_PKEY_free(ca->root_key);
	EVP_PKEY_free(ca->citizen_key);
}

static int
ca_load(const char *dir, struct ca *ca, char *err, size_t errlen)
{
	char p[PATH_MAX_];

	memset(ca, 0, sizeof(*ca));
	path_of(p, dir, "root.pem");
	ca->root = load_cert(p);
	path_of(p, dir, "root.key.pem");
	ca->root_key = load_key(p);
	path_of(p, dir, "citizen.pem");
	ca->citizen = load_cert(p);
	path_of(p, dir, "citizen.key.pem");
	ca->citizen_key = load_key(p);
	if (ca->root == NULL || ca->root_key == NULL || ca->citizen == NULL ||
	    ca->citizen_key == NULL) {
		snprintf(err, errlen, "%s: no test CA here (run `portier eid test-ca --dir %s`)", dir,
		    dir);
		ca_free(ca);
		ERR_clear_error();
		return -1;
	}
	return 0;
}

int
eid_testca_init(const char *dir, char *err, size_t errlen)
{
	static const struct ext root_ext[] = {
		{ NID_basic_constraints, "critical,CA:TRUE" },
		{ NID_key_usage, "critical,keyCertSign,cRLSign" },
		{ NID_subject_key_identifier, "hash" },
	};
	static const struct ext citizen_ext[] = {
		{ NID_basic_constraints, "critical,CA:TRUE,pathlen:0" },
		{ NID_key_usage, "critical,keyCertSign,cRLSign" },
		{ NID_subject_key_identifier, "hash" },
		{ NID_authority_key_identifier, "keyid:always" },
	};
	struct ca ca = { 0 };
	X509_NAME *rn = NULL, *cn = NULL;
	char p[PATH_MAX_], cards[PATH_MAX_];
	int rc = -1;

	path_of(p, dir, "root.pem");
	if (access(p, F_OK) == 0)
		return 0;
	path_of(cards, dir, "cards");
	if (make_dir(dir) != 0 || make_dir(cards) != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	rn = ca_name("Portier Test eID Root CA", NULL);
	cn = ca_name("Citizen CA", "TEST");
	ca.root_key = EVP_EC_gen("P-384");
	ca.citizen_key = EVP_EC_gen("P-384");
	if (rn == NULL || cn == NULL || ca.root_key == NULL || ca.citizen_key == NULL)
		goto done;
	ca.root = make_cert(rn, ca.root_key, NULL, ca.root_key, -DAY, 20 * YEAR, root_ext,
	    sizeof(root_ext) / sizeof(root_ext[0]));
	if (ca.root == NULL)
		goto done;
	ca.citizen = make_cert(cn, ca.citizen_key, ca.root, ca.root_key, -DAY, 12 * YEAR,
	    citizen_ext, sizeof(citizen_ext) / sizeof(citizen_ext[0]));
	if (ca.citizen == NULL)
		goto done;
	{
		X509 *both[2] = { ca.root, ca.citizen };
		char kp[PATH_MAX_], tp[PATH_MAX_], cp[PATH_MAX_];

		path_of(kp, dir, "root.key.pem");
		path_of(tp, dir, "trust.pem");
		path_of(cp, dir, "citizen.pem");
		if (write_key(kp, ca.root_key) != 0 || write_cert(cp, &ca.citizen, 1) != 0 ||
		    write_cert(tp, both, 2) != 0)
			goto done;
		path_of(kp, dir, "citizen.key.pem");
		if (write_key(kp, ca.citizen_key) != 0 ||
		    write_crls(dir, ca.root, ca.root_key, ca.citizen, ca.citizen_key) != 0 ||
		    write_cert(p, &ca.root, 1) != 0)   /* root.pem last: it marks a whole CA */
			goto done;
	}
	rc = 0;
done:
	if (rc != 0)
		snprintf(err, errlen, "%s: cannot create the test CA", dir);
	X509_NAME_free(rn);
	X509_NAME_free(cn);
	ca_free(&ca);
	ERR_clear_error();
	return rc;
}

static int
write_p12(const char *path, const char *password, const char *friendly, EVP_PKEY *key,
    X509 *cert, X509 *ca_cert)
{
	STACK_OF(X509) *cas = sk_X509_new_null();
	PKCS12 *p12 = NULL;
	BIO *mem = BIO_new(BIO_s_mem());
	int rc = -1;

	if (cas == NULL || mem == NULL || sk_X509_push(cas, ca_cert) == 0)
		goto done;
	p12 = PKCS12_create(password, friendly, key, cert, cas, 0, 0, 0, 0, 0);
	if (p12 != NULL && i2d_PKCS12_bio(mem, p12) == 1)
		rc = write_bio(path, mem, 0600);
done:
	sk_X509_free(cas);
	PKCS12_free(p12);
	BIO_free(mem);
	return rc;
}

/* A file name made of letters, digits, dot, dash and underscore only. */
static bool
safe_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int
eid_testca_card(const char *dir, const struct eid_card_options *o, char *err, size_t errlen)
{
	struct ca ca;
	struct ext exts[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ NID_key_usage, "critical,digitalSignature" },
		{ NID_ext_key_usage, "clientAuth" },
		{ NID_subject_key_identifier, "hash" },
		{ NID_authority_key_identifier, "keyid:always" },
		{ NID_info_access, NULL },
	};
	const char *name = o->name ? o->name : o->niss;
	const char *password = o->password ? o->password : "1234";
	char aia[600], cn[300], base[PATH_MAX_], p[PATH_MAX_ + 16];
	X509_NAME *subj = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int rc = -1;

	if (o->niss == NULL || o->last == NULL || o->first == NULL || name == NULL ||
	    !safe_name(name) || strlen(o->last) > 120 || strlen(o->first) > 120) {
		snprintf(err, errlen, "a card needs --niss, --last and --first (and a plain --name)");
		return -1;
	}
	if (ca_load(dir, &ca, err, errlen) != 0)
		return -1;
	if (o->ocsp_url != NULL) {
		snprintf(aia, sizeof(aia), "OCSP;URI:%s", o->ocsp_url);
		exts[5].value = aia;
	}
	if (o->signature) {
		/* As on a real card: the qualified signature's key, for non-repudiation only. */
		exts[1].value = "critical,nonRepudiation";
		exts[2].value = NULL;
	}
	snprintf(cn, sizeof(cn), "%s %s (%s)", o->first, o->last,
	    o->signature ? "Signature" : "Authentication");
	subj = X509_NAME_new();
	if (subj == NULL || name_add(subj, NID_countryName, "BE") != 0 ||
	    name_add(subj, NID_commonName, cn) != 0 || name_add(subj, NID_surname, o->last) != 0 ||
	    name_add(subj, NID_givenName, o->first) != 0 ||
	    name_add(subj, NID_serialNumber, o->niss) != 0) {
		snprintf(err, errlen, "cannot build the subject (is the NISS printable?)");
		goto done;
	}
	key = o->ec ? EVP_EC_gen("P-384") : EVP_RSA_gen(2048);
	if (key == NULL)
		goto fail;
	cert = o->expired ?
	    make_cert(subj, key, ca.citizen, ca.citizen_key, -2 * YEAR, -DAY, exts, 6) :
	    make_cert(subj, key, ca.citizen, ca.citizen_key, -DAY, 10 * YEAR, exts, 6);
	if (cert == NULL)
		goto fail;
	snprintf(base, sizeof(base), "%s/cards/%s", dir, name);
	snprintf(p, sizeof(p), "%s.key.pem", base);
	if (write_key(p, key) != 0)
		goto fail;
	snprintf(p, sizeof(p), "%s.p12", base);
	if (write_p12(p, password, cn, key, cert, ca.citizen) != 0)
		goto fail;
	snprintf(p, sizeof(p), "%s.pem", base);
	if (write_cert(p, &cert, 1) != 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	snprintf(err, errlen, "cannot issue the card %s", name);
done:
	X509_NAME_free(subj);
	X509_free(cert);
	EVP_PKEY_free(key);
	ca_free(&ca);
	ERR_clear_error();
	return rc;
}

int
eid_testca_revoke(const char *dir, const char *name, char *err, size_t errlen)
{
	struct ca ca;
	char p[PATH_MAX_ + 16];
	X509 *card;
	BIGNUM *bn = NULL;
	char *hexs = NULL;
	FILE *f;
	int rc = -1;

	if (name == NULL || !safe_name(name)) {
		snprintf(err, errlen, "revoke needs --niss (or --name)");
		return -1;
	}
	snprintf(p, sizeof(p), "%s/cards/%s.pem", dir, name);
	card = load_cert(p);
	if (card == NULL) {
		snprintf(err, errlen, "no card %s in %s/cards", name, dir);
		ERR_clear_error();
		return -1;
	}
	if (ca_load(dir, &ca, err, errlen) != 0) {
		X509_free(card);
		return -1;
	}
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(card), NULL);
	hexs = bn ? BN_bn2hex(bn) : NULL;
	path_of(p, dir, "revoked.txt");
	f = hexs ? fopen(p, "a") : NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot write", p);
		goto done;
	}
	fprintf(f, "%s %lld\n", hexs, (long long)time(NULL));
	if (fclose(f) != 0 || write_crls(dir, ca.root, ca.root_key, ca.citizen,
	    ca.citizen_key) != 0) {
		snprintf(err, errlen, "%s: cannot write the CRL", dir);
		goto done;
	}
	rc = 0;
done:
	OPENSSL_free(hexs);
	BN_free(bn);
	X509_free(card);
	ca_free(&ca);
	ERR_clear_error();
	return rc;
}

int
eid_testca_server(const char *dir, char *err, size_t errlen)
{
	static const struct ext exts[] = {
		{ NID_basic_constraints, "critical,CA:FALSE" },
		{ NID_key_usage, "critical,digitalSignature,keyEncipherment" },
		{ NID_ext_key_usage, "serverAuth" },
		{ NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1" },
		{ NID_subject_key_identifier, "hash" },
		{ NID_authority_key_identifier, "keyid:always" },
	};
	struct ca ca;
	X509_NAME *n = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char p[PATH_MAX_];
	int rc = -1;

	if (ca_load(dir, &ca, err, errlen) != 0)
		return -1;
	n = X509_NAME_new();
	key = EVP_EC_gen("P-256");
	if (n == NULL || key == NULL || name_add(n, NID_commonName, "localhost") != 0)
		goto done;
	cert = make_cert(n, key, ca.root, ca.root_key, -DAY, 2 * YEAR, exts,
	    sizeof(exts) / sizeof(exts[0]));
	if (cert == NULL)
		goto done;
	path_of(p, dir, "server.key.pem");
	if (write_key(p, key) != 0)
		goto done;
	path_of(p, dir, "server.pem");
	if (write_cert(p, &cert, 1) != 0)
		goto done;
	rc = 0;
done:
	if (rc != 0)
		snprintf(err, errlen, "%s: cannot issue the server certificate", dir);
	X509_NAME_free(n);
	X509_free(cert);
	EVP_PKEY_free(key);
	ca_free(&ca);
	ERR_clear_error();
	return rc;
}
