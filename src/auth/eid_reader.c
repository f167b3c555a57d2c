/* eid_reader.c — the demo card reader: signs a server challenge with a test card's key
 * (from the demo's test CA folder or an uploaded PKCS#12). Demo mode only. */
#include "auth/eid_reader.h"

#include <dirent.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#define CARDS_SCAN_MAX 256
#define P12_MAX (64 * 1024)

static X509 *
read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

static EVP_PKEY *
read_key(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return k;
}

static void
card_id(X509 *x, char out[17])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n < 8)
		return;
	for (int i = 0; i < 8; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[16] = '\0';
}

/* Fills c, its texts in a. Returns 0, or -1 when a is full. */
static int
describe(X509 *x, struct arena *a, struct eid_card_info *c)
{
	X509_NAME *n = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	EVP_PKEY *pk = X509_get0_pubkey(x);
	unsigned char *utf8 = NULL;
	char group[32] = "";
	int len = -1;

	card_id(x, c->id);
	if (i >= 0)
		len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
	c->label = len > 0 ? arena_strndup(a, (const char *)utf8, (size_t)len) : "?";
	OPENSSL_free(utf8);
	if (pk != NULL && EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC &&
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
	    NULL) == 1)
		c->key = arena_printf(a, "EC %s", strcmp(group, "secp384r1") == 0 ? "P-384" : group);
	else if (pk != NULL)
		c->key = arena_printf(a, "RSA %d", EVP_PKEY_get_bits(pk));
	else
		c->key = "";
	return c->label != NULL && c->key != NULL ? 0 : -1;
}

/* Calls fn for each card NAME of dir/cards with NAME.pem and NAME.key.pem; stops when
 * fn returns non-zero (and returns that). */
static int
each_card(const char *dir, int (*fn)(void *arg, X509 *x, const char *keypath), void *arg)
{
	char path[1200], keypath[1200];
	struct dirent *e;
	DIR *d;
	int rc = 0, seen = 0;

	snprintf(path, sizeof(path), "%s/cards", dir);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while (rc == 0 && seen < CARDS_SCAN_MAX && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		X509 *x;

		if (n < 5 || strcmp(e->d_name + n - 4, ".pem") != 0 ||
		    (n > 8 && strcmp(e->d_name + n - 8, ".key.pem") == 0) || e->d_name[0] == '.')
			continue;
		seen++;
		snprintf(path, sizeof(path), "%s/cards/%s", dir, e->d_name);
		snprintf(keypath, sizeof(keypath), "%s/cards/%.*s.key.pem", dir, (int)(n - 4),
		    e->d_name);
		x = read_cert(path);
		if (x != NULL)
			rc = fn(arg, x, keypath);
		X509_free(x);
	}
	closedir(d);
	ERR_clear_error();
	return rc;
}

struct list_state {
	struct arena *a;
	struct eid_card_info *out;
	size_t n, max;
};

static int
list_one(void *arg, X509 *x, const char *keypath)
{
	struct list_state *st = arg;
	FILE *f = fopen(keypath, "r");

	if (f == NULL)
		return 0;
	fclose(f);
	if (st->n < st->max && describe(x, st->a, &st->out[st->n++]) != 0)
		return -1;
	return 0;
}

static int
by_label(const void *a, const void *b)
{
	return strcmp(((const struct eid_card_info *)a)->label,
	    ((const struct eid_card_info *)b)->label);
}

int
eid_reader_list(const char *dir, struct arena *a, struct eid_card_info *out, size_t max,
    size_t *count)
{
	struct list_state st = { a, out, 0, max };

	*count = 0;
	if (each_card(dir, list_one, &st) != 0)
		return -1;
	qsort(out, st.n, sizeof(*out), by_label);
	*count = st.n;
	return 0;
}

/* Signs with key and fills out with the certificate x. Returns 0 or -1. */
static int
sign(X509 *x, EVP_PKEY *key, const unsigned char *challenge, size_t clen,
    struct eid_reader_result *out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *p;
	int n, rc = -1;

	memset(out, 0, sizeof(*out));
	if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, &out->sig_len, challenge, clen) != 1)
		goto done;
	out->sig = malloc(out->sig_len);
	if (out->sig == NULL || EVP_DigestSign(md, out->sig, &out->sig_len, challenge,
	    clen) != 1)
		goto done;
	n = i2d_X509(x, NULL);
	if (n <= 0)
		goto done;
	out->cert = malloc((size_t)n);
	if (out->cert == NULL)
		goto done;
	p = out->cert;
	if (i2d_X509(x, &p) != n)
		goto done;
	out->cert_len = (size_t)n;
	rc = 0;
done:
	EVP_MD_CTX_free(md);
	if (rc != 0)
		eid_reader_result_free(out);
	ERR_clear_error();
	return rc;
}

struct sign_state {
	const char *id;
	const unsigned char *challenge;
	size_t clen;
	struct eid_reader_result *out;
};

static int
sign_one(void *arg, X509 *x, const char *keypath)
{
	struct sign_state *st = arg;
	EVP_PKEY *key;
	char id[17];
	int rc;

	card_id(x, id);
	if (strcmp(id, st->id) != 0)
		return 0;
	key = read_key(keypath);
	if (key == NULL)
		return -1;
	rc = sign(x, key, st->challenge, st->clen, st->out) == 0 ? 1 : -1;
	EVP_PKEY_free(key);
	return rc;
}

int
eid_reader_sign(const char *dir, const char *id, const unsigned char *challenge, size_t clen,
    struct eid_reader_result *out)
{
	struct sign_state st = { id, challenge, clen, out };
	int rc;

	memset(out, 0, sizeof(*out));
	if (id == NULL || strlen(id) != 16)
		return 1;
	rc = each_card(dir, sign_one, &st);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
eid_reader_sign_p12(const void *data, size_t len, const char *password,
    const unsigned char *challenge, size_t clen, struct eid_reader_result *out)
{
	const unsigned char *p = data;
	PKCS12 *p12 = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	int rc = 1;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > P12_MAX)
		goto done;
	p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (p12 == NULL)
		goto done;
	if (PKCS12_parse(p12, password ? password : "", &key, &x, NULL) != 1 || key == NULL ||
	    x == NULL)
		goto done;
	rc = sign(x, key, challenge, clen, out) == 0 ? 0 : -1;
done:
	EVP_PKEY_free(key);
	X509_free(x);
	PKCS12_free(p12);
	ERR_clear_error();
	return rc;
}

void
eid_reader_result_free(struct eid_reader_result *r)
{
	free(r->cert);
	free(r->sig);
	r->cert = NULL;
	r->sig = NULL;
	r->cert_len = 0;
	r->sig_len = 0;
}
