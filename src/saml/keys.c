/* keys.c — the IdP's signing keys (RSA 2048, rsa-sha256) with their self-signed
 * certificates, kept in the store (sealed as OpenID's keys: keys at rest) so that every
 * node signs with the same one. A rotation keeps the retired certificate in the metadata
 * for an overlap period, in which service providers refresh their copy. */
#include "saml/saml.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/envelope.h"
#include "base/jsontext.h"
#include "base/log.h"
#include "fed/jws.h"
#include "fed/signer.h"
#include "saml/sql.h"

#define KEY_DER_MAX 8192
#define CERT_DAYS 3650
#define CERT_CN "portier SAML IdP"

static void
key_ad(const char *kid, char ad[JWS_KID_MAX + 32])
{
	snprintf(ad, JWS_KID_MAX + 32, "saml_key.private_der:%s", kid);
}

/* Inserts a new active key inside tx; writes its kid. */
static int
key_insert(struct store_tx *tx, int64_t now, enum jws_alg alg, char kid[JWS_KID_MAX])
{
	struct jws_key *k = NULL;
	unsigned char *der = NULL, *sealed = NULL;
	size_t n = 0, kl, sealed_n = 0;
	char ad[JWS_KID_MAX + 32];
	struct buf pem;
	int rc = -1;

	buf_init(&pem, 16 * 1024);
	if (jws_key_generate_alg(alg, &k) != 0 || jws_key_private_der(k, &der, &n) != 0)
		goto done;
	kl = strlen(jws_key_kid(k));
	if (kl >= JWS_KID_MAX)
		goto done;
	/* Valid from a day before: a service provider's clock a little behind still takes it. */
	if (fed_certificate(k, CERT_CN, now - 86400, CERT_DAYS, &pem) != 0 ||
	    buf_putc(&pem, '\0') != 0)
		goto done;
	key_ad(jws_key_kid(k), ad);
	if (secret_encode(ad, der, n, &sealed, &sealed_n) != 0 ||
	    store_exec(tx, SQL_SAML_KEY_INSERT, "ttbti", jws_key_kid(k), jws_alg_name(alg), sealed,
	    sealed_n, (const char *)pem.data, now) != 1)
		goto done;
	memcpy(kid, jws_key_kid(k), kl + 1);
	rc = 0;
done:
	if (sealed != NULL)
		sodium_memzero(sealed, sealed_n);
	free(sealed);
	jws_free_secret(der, n);
	jws_key_free(k);
	buf_free(&pem);
	return rc;
}

static int
audit_key(struct store_tx *tx, const char *actor, const char *kid, enum jws_alg alg)
{
	char details[128];
	struct audit_event ev = {
		.actor = actor, .actor_role = "system", .object = "saml:keys",
		.action = "keys.rotate", .details = details,
	};

	if (json_text(details, sizeof(details), "{s:s, s:s}", "kid", kid, "alg",
	    jws_alg_name(alg)) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* Whether a key of alg is active (signing) now. 1, 0 or -1. */
static int
has_active(struct store_tx *tx, int64_t now, enum jws_alg alg)
{
	struct store_q *q = NULL;
	int rc, found = 0;

	if (store_query(tx, SQL_SAML_KEY_PUBLISHED, &q, "i", now) != 0)
		return -1;
	while ((rc = store_next(q)) == 1)
		if (store_null(q, SAML_KEY_PUBLISHED_RETIRED_AT) &&
		    store_text(q, SAML_KEY_PUBLISHED_ALG) != NULL &&
		    strcmp(store_text(q, SAML_KEY_PUBLISHED_ALG), jws_alg_name(alg)) == 0)
			found = 1;
	store_done(q);
	return rc < 0 ? -1 : found;
}

/* Makes the key of alg when none is active. 0 or -1. */
static int
ensure_alg(struct store *s, enum jws_alg alg)
{
	struct store_tx *tx = NULL;
	char kid[JWS_KID_MAX];
	int64_t now = clock_time();
	int rc = -1, act;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	act = has_active(tx, now, alg);
	if (act < 0)
		goto done;
	if (act == 0 && (key_insert(tx, now, alg, kid) != 0 ||
	    audit_key(tx, "system", kid, alg) != 0))
		goto done;
	rc = act == 0 ? store_commit(&tx) : 0;
done:
	store_rollback(&tx);
	return rc;
}

int
saml_keys_ensure(struct store *s)
{
	return ensure_alg(s, JWS_RS256);
}

int
saml_keys_ensure_ec(struct store *s)
{
	return ensure_alg(s, JWS_ES256);
}

int
saml_keys_rotate(struct store *s, const char *actor, int overlap_days,
    char kid[JWS_KID_MAX])
{
	struct store_tx *tx = NULL;
	char ec_kid[JWS_KID_MAX];
	int64_t now = clock_time();
	int rc = -1, ec;

	if (overlap_days < 0 || overlap_days > 365)
		return -1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	/* Every active key is retired; the EC one (an SP signed with ecdsa-sha256) is
	 * renewed with the RSA one. */
	ec = has_active(tx, now, JWS_ES256);
	if (ec < 0 || store_exec(tx, SQL_SAML_KEY_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_SAML_KEY_RETIRE, "ii", now,
	    now + (int64_t)overlap_days * 86400) < 0 ||
	    key_insert(tx, now, JWS_RS256, kid) != 0 || audit_key(tx, actor, kid, JWS_RS256) != 0 ||
	    (ec == 1 && (key_insert(tx, now, JWS_ES256, ec_kid) != 0 ||
	    audit_key(tx, actor, ec_kid, JWS_ES256) != 0)) ||
	    store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	return rc;
}

/* The PEM of a private key in DER. */
static char *
key_pem(const unsigned char *der, size_t n)
{
	struct jws_key *k = NULL;
	BIO *b = BIO_new(BIO_s_secmem());
	char *data, *out = NULL;
	long len;

	if (b == NULL || jws_key_from_der(der, n, &k) != 0 ||
	    PEM_write_bio_PrivateKey(b, jws_key_evp(k), NULL, NULL, 0, NULL, NULL) != 1)
		goto done;
	len = BIO_get_mem_data(b, &data);
	if (len <= 0)
		goto done;
	out = malloc((size_t)len + 1);
	if (out != NULL) {
		memcpy(out, data, (size_t)len);
		out[len] = '\0';
	}
done:
	jws_key_free(k);
	BIO_free(b);
	return out;
}

/* The active keys' PEMs, kept per process: unsealing a key and encoding it as PEM (OpenSSL
 * 3's decoders and encoders) was most of a message's CPU. Keyed by the hash of the kid and
 * the sealed blob as stored: a rotation (another kid) or a rewrap (another blob) is another
 * entry, decoded from the row. An RSA and an EC key; replaced in turn; freed (zeroed) by
 * saml_keys_cache_clear. */
#define PEM_CACHE 4
static struct {
	unsigned char id[crypto_generichash_BYTES];
	char *pem;
} pem_cache[PEM_CACHE];
static size_t pem_cache_next;
static pthread_mutex_t pem_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void
pem_id(const char *kid, const void *sealed, size_t n, unsigned char id[crypto_generichash_BYTES])
{
	crypto_generichash_state st;
	size_t kn = strlen(kid);

	/* The kid with its length: no two (kid, blob) pairs hash the same by concatenation. */
	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)&kn, sizeof(kn));
	crypto_generichash_update(&st, (const unsigned char *)kid, kn);
	crypto_generichash_update(&st, sealed, n);
	crypto_generichash_final(&st, id, crypto_generichash_BYTES);
}

static void
pem_free(char *pem)
{
	if (pem == NULL)
		return;
	sodium_memzero(pem, strlen(pem));
	free(pem);
}

/* A copy of the kept PEM for id, or NULL. */
static char *
pem_cached(const unsigned char id[crypto_generichash_BYTES])
{
	char *out = NULL;

	pthread_mutex_lock(&pem_cache_lock);
	for (size_t i = 0; i < PEM_CACHE && out == NULL; i++)
		if (pem_cache[i].pem != NULL &&
		    sodium_memcmp(pem_cache[i].id, id, crypto_generichash_BYTES) == 0)
			out = strdup(pem_cache[i].pem);
	pthread_mutex_unlock(&pem_cache_lock);
	return out;
}

/* Keeps a copy of pem for id; not kept when out of memory (decoded again next time). */
static void
pem_keep(const unsigned char id[crypto_generichash_BYTES], const char *pem)
{
	char *copy = strdup(pem);
	size_t i;

	if (copy == NULL)
		return;
	pthread_mutex_lock(&pem_cache_lock);
	i = pem_cache_next++ % PEM_CACHE;
	pem_free(pem_cache[i].pem);
	memcpy(pem_cache[i].id, id, crypto_generichash_BYTES);
	pem_cache[i].pem = copy;
	pthread_mutex_unlock(&pem_cache_lock);
}

void
saml_keys_cache_clear(void)
{
	pthread_mutex_lock(&pem_cache_lock);
	for (size_t i = 0; i < PEM_CACHE; i++) {
		pem_free(pem_cache[i].pem);
		pem_cache[i].pem = NULL;
	}
	pem_cache_next = 0;
	pthread_mutex_unlock(&pem_cache_lock);
}

/* The PEM of the sealed key of kid: the kept one, else unsealed, encoded and kept. */
static char *
sealed_pem(const char *kid, const void *stored, size_t n)
{
	unsigned char id[crypto_generichash_BYTES], der[KEY_DER_MAX];
	char ad[JWS_KID_MAX + 32], *pem;
	size_t dn = 0;

	pem_id(kid, stored, n, id);
	pem = pem_cached(id);
	if (pem != NULL)
		return pem;
	key_ad(kid, ad);
	if (secret_decode(ad, stored, n, der, sizeof(der), &dn) != 0)
		return NULL;
	pem = key_pem(der, dn);
	sodium_memzero(der, sizeof(der));
	if (pem != NULL)
		pem_keep(id, pem);
	return pem;
}

void
saml_keys_free(struct saml_keys *k)
{
	if (k->key_pem != NULL) {
		sodium_memzero(k->key_pem, strlen(k->key_pem));
		free(k->key_pem);
	}
	if (k->ec_key_pem != NULL) {
		sodium_memzero(k->ec_key_pem, strlen(k->ec_key_pem));
		free(k->ec_key_pem);
	}
	for (size_t i = 0; i < k->n; i++)
		free(k->certs[i]);
	memset(k, 0, sizeof(*k));
}

/* Reads the published keys; 1 when none is active (nothing kept in out). */
static int
keys_read(struct store *s, struct saml_keys *out)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int64_t now = clock_time();
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_SAML_KEY_PUBLISHED, &q, "i", now) != 0)
		goto done;
	while ((step = store_next(q)) == 1 && out->n < SAML_KEYS_MAX) {
		const char *cert = store_text(q, SAML_KEY_PUBLISHED_CERT_PEM);
		const char *kid = store_text(q, SAML_KEY_PUBLISHED_KID);
		const char *alg = store_text(q, SAML_KEY_PUBLISHED_ALG);
		bool ec = alg != NULL && strcmp(alg, jws_alg_name(JWS_ES256)) == 0;
		bool have = (ec ? out->ec_key_pem : out->key_pem) != NULL;

		if (cert == NULL || kid == NULL || (out->certs[out->n] = strdup(cert)) == NULL)
			goto done;
		/* Counted at once: saml_keys_free frees it when this key's row is refused. */
		out->n++;
		/* Active first (the ORDER BY), RSA before EC: the first key of each alg signs. */
		if (!have && store_null(q, SAML_KEY_PUBLISHED_RETIRED_AT)) {
			size_t n = 0;
			const void *stored = store_blob(q, SAML_KEY_PUBLISHED_PRIVATE_DER, &n);
			char *pem = stored != NULL ? sealed_pem(kid, stored, n) : NULL;

			if (pem == NULL) {
				log_err(NULL, "saml: signing key %s cannot be read", kid);
				goto done;
			}
			/* Stored in its field at once (out owns it: saml_keys_free). */
			if (ec)
				out->ec_key_pem = pem;
			else
				out->key_pem = pem;
			if (ec)
				out->ec_cert_pem = out->certs[out->n - 1];
			else
				out->cert_pem = out->certs[out->n - 1];
		}
	}
	if (step < 0)
		goto done;
	rc = out->key_pem != NULL ? 0 : 1;
done:
	store_done(q);
	store_rollback(&tx);
	if (rc != 0)
		saml_keys_free(out);
	return rc;
}

int
saml_keys_load(struct store *s, struct saml_keys *out)
{
	/* A read each time; a write transaction only the first time, to make the key. */
	int rc = keys_read(s, out);

	if (rc == 1 && saml_keys_ensure(s) == 0)
		rc = keys_read(s, out);
	return rc == 0 ? 0 : -1;
}

int
saml_keys_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed)
{
	struct { char kid[JWS_KID_MAX]; unsigned char *der; size_t n; } rows[64];
	struct store_q *q;
	size_t n = 0;
	int rc, res = -1;

	*changed = 0;
	if (store_query(tx, SQL_SAML_KEY_SECRETS, &q, "") != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *kid = store_text(q, SAML_KEY_SECRETS_KID);
		const void *b;
		size_t bn = 0;
		char ad[JWS_KID_MAX + 32];

		/* Keys past publication are purged at each rotation: a handful. */
		if (n == sizeof(rows) / sizeof(rows[0]) || kid == NULL ||
		    strlen(kid) >= JWS_KID_MAX) {
			rc = -1;
			break;
		}
		memcpy(rows[n].kid, kid, strlen(kid) + 1);
		b = store_blob(q, SAML_KEY_SECRETS_PRIVATE_DER, &bn);
		key_ad(kid, ad);
		rows[n].der = NULL;
		rc = secret_rewrap(old, new_k, ad, b, bn, &rows[n].der, &rows[n].n);
		n++;
		if (rc != 0)
			break;
	}
	store_done(q);
	if (rc != 0) {
		res = rc > 0 ? 1 : -1;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (rows[i].der == NULL)
			continue;
		if (store_exec(tx, SQL_SAML_KEY_SET_SECRET, "tb", rows[i].kid, rows[i].der,
		    rows[i].n) != 1)
			goto done;
		(*changed)++;
	}
	res = 0;
done:
	for (size_t i = 0; i < n; i++)
		jws_free_secret(rows[i].der, rows[i].n);
	return res;
}
