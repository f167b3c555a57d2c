/* keys.c — signing keys in the store (one active key per alg: ES256 and RS256) and their
 * per-process cache. The cache hands out immutable, reference-counted rings so that a
 * reload never frees a key in use. */
#include "oidc/keys.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/envelope.h"
#include "base/log.h"
#include "oidc/coherence.h"
#include "oidc/sql.h"

#define KEY_DER_MAX 8192   /* an RSA-2048 private key in DER is about 1.2 kB */

struct oidc_keyring {
	struct jws_key *keys[OIDC_KEYRING_MAX];
	size_t n;
	const struct jws_key *signer[JWS_ALGS];  /* the active key of each alg */
	char *jwks;
	int64_t loaded_at;
	int refs;                                 /* under the cache's lock */
};

struct oidc_keycache {
	struct store *store;
	int ttl;
	pthread_mutex_t lock;
	struct oidc_keyring *current;
	bool stale;                  /* another node changed the keys: reload at the next get */
};

/* The associated data of a private key: its row. */
static void
key_ad(const char *kid, char ad[JWS_KID_MAX + 32])
{
	snprintf(ad, JWS_KID_MAX + 32, "oidc_key.private_der:%s", kid);
}

/* Inserts a new active key of alg inside tx; writes its kid. */
static int
key_insert(struct store_tx *tx, int64_t now, enum jws_alg alg, char kid[JWS_KID_MAX])
{
	struct jws_key *k = NULL;
	unsigned char *der = NULL, *sealed = NULL;
	size_t n = 0, kl, sealed_n = 0;
	char ad[JWS_KID_MAX + 32];
	int rc = -1;

	if (jws_key_generate_alg(alg, &k) != 0 || jws_key_private_der(k, &der, &n) != 0)
		goto done;
	kl = strlen(jws_key_kid(k));
	/* A thumbprint always fits; a kid that did not would be refused, never cut. */
	if (kl >= JWS_KID_MAX)
		goto done;
	key_ad(jws_key_kid(k), ad);
	if (secret_encode(ad, der, n, &sealed, &sealed_n) != 0 ||
	    store_exec(tx, SQL_OIDC_KEY_INSERT, "tbtit", jws_key_kid(k), sealed, sealed_n,
	    jws_key_jwk(k), now, jws_alg_name(alg)) != 1)
		goto done;
	memcpy(kid, jws_key_kid(k), kl + 1);
	rc = 0;
done:
	if (sealed != NULL)
		sodium_memzero(sealed, sealed_n);   /* the key itself when no KEK is configured */
	free(sealed);
	jws_free_secret(der, n);
	jws_key_free(k);
	return rc;
}

static int
audit_key(struct store_tx *tx, const char *actor, const char *action, const char *kid,
    enum jws_alg alg)
{
	char details[128];
	struct audit_event ev = {
		.actor = actor, .actor_role = "system", .object = "oidc:keys", .action = action,
		.details = details,
	};

	if (json_text(details, sizeof(details), "{s:s, s:s}", "kid", kid, "alg",
	    jws_alg_name(alg)) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* Sets have[alg] for every alg with an active key. 0 or -1. */
static int
active_algs(struct store_tx *tx, int64_t now, bool have[JWS_ALGS])
{
	struct store_q *q;
	enum jws_alg alg;
	int rc;

	memset(have, 0, sizeof(bool) * JWS_ALGS);
	if (store_query(tx, SQL_OIDC_KEY_PUBLISHED, &q, "i", now) != 0)
		return -1;
	while ((rc = store_next(q)) == 1)
		if (store_null(q, OIDC_KEY_PUBLISHED_RETIRED_AT) &&
		    jws_alg_parse(store_text(q, OIDC_KEY_PUBLISHED_ALG), &alg) == 0)
			have[alg] = true;
	store_done(q);
	return rc < 0 ? -1 : 0;
}

int
oidc_keys_ensure(struct store *s)
{
	struct store_tx *tx;
	int64_t now = (int64_t)time(NULL);
	char kid[JWS_ALGS][JWS_KID_MAX];
	bool have[JWS_ALGS];
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = active_algs(tx, now, have);
	/* Each alg gets its first key: RS256 appears beside ES256 in an older store too. */
	for (int a = 0; rc == 0 && a < JWS_ALGS; a++)
		if (!have[a] && (key_insert(tx, now, (enum jws_alg)a, kid[a]) != 0 ||
		    audit_key(tx, "system", "oidc.key.created", kid[a], (enum jws_alg)a) != 0))
			rc = -1;
	if (rc < 0) {
		store_rollback(&tx);
		return -1;
	}
	if (store_commit(&tx) != 0)
		return -1;
	for (int a = 0; a < JWS_ALGS; a++)
		if (!have[a])
			log_info(NULL, "oidc: first %s signing key %s created",
			    jws_alg_name((enum jws_alg)a), kid[a]);
	return 0;
}

int
oidc_keys_rotate(struct store *s, const char *actor, char kid[JWS_ALGS][JWS_KID_MAX])
{
	struct store_tx *tx;
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_KEY_RETIRE, "ii", now,
	    now + OIDC_ID_TOKEN_TTL + OIDC_KEY_GRACE) < 0 ||
	    store_exec(tx, SQL_OIDC_KEY_PURGE, "i", now) < 0)
		rc = -1;
	for (int a = 0; rc == 0 && a < JWS_ALGS; a++)
		if (key_insert(tx, now, (enum jws_alg)a, kid[a]) != 0 ||
		    audit_key(tx, actor, "oidc.key.rotated", kid[a], (enum jws_alg)a) != 0)
			rc = -1;
	/* The other nodes reload their rings when they see the new version. */
	if (rc == 0 && oidc_cache_bump(tx, OIDC_CACHE_KEYS) != 0)
		rc = -1;
	if (rc != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

int
oidc_keys_list(struct store *s, int (*fn)(void *arg, const struct oidc_key_info *k), void *arg)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_KEY_ALL, &q, "") != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1) {
		struct oidc_key_info k = { 0 };

		/* The row's own texts: valid until the next row, so during fn. */
		k.kid = store_text(q, OIDC_KEY_ALL_KID) ? store_text(q, OIDC_KEY_ALL_KID) : "";
		k.alg = store_text(q, OIDC_KEY_ALL_ALG) ? store_text(q, OIDC_KEY_ALL_ALG) : "";
		k.created_at = store_int(q, OIDC_KEY_ALL_CREATED_AT);
		k.retired_at = store_null(q, OIDC_KEY_ALL_RETIRED_AT) ?
		    0 : store_int(q, OIDC_KEY_ALL_RETIRED_AT);
		k.publish_until = store_null(q, OIDC_KEY_ALL_PUBLISH_UNTIL) ?
		    0 : store_int(q, OIDC_KEY_ALL_PUBLISH_UNTIL);
		if (fn(arg, &k) != 0) {
			rc = 0;
			break;
		}
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

static void
ring_free(struct oidc_keyring *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		jws_key_free(r->keys[i]);
	free(r->jwks);
	free(r);
}

/* Reads the published keys, the active ones first. NULL on error or when an alg has no
 * active key. */
static struct oidc_keyring *
ring_load(struct store *s, int64_t now)
{
	struct oidc_keyring *r = calloc(1, sizeof(*r));
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	struct buf jwks;
	int rc;

	buf_init(&jwks, 64 * 1024);
	if (r == NULL || store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_OIDC_KEY_PUBLISHED, &q, "i", now) != 0)
		goto fail;
	while ((rc = store_next(q)) == 1 && r->n < OIDC_KEYRING_MAX) {
		size_t n = 0, dn = 0;
		const void *stored = store_blob(q, OIDC_KEY_PUBLISHED_PRIVATE_DER, &n);
		const char *kid = store_text(q, OIDC_KEY_PUBLISHED_KID);
		unsigned char der[KEY_DER_MAX];
		char ad[JWS_KID_MAX + 32];
		int bad;

		key_ad(kid != NULL ? kid : "", ad);
		bad = stored == NULL || secret_decode(ad, stored, n, der, sizeof(der), &dn) != 0 ||
		    jws_key_from_der(der, dn, &r->keys[r->n]) != 0;
		sodium_memzero(der, sizeof(der));
		if (bad) {
			log_err(NULL, "oidc: signing key %s cannot be read",
			    store_text(q, OIDC_KEY_PUBLISHED_KID) ?
			    store_text(q, OIDC_KEY_PUBLISHED_KID) : "?");
			continue;
		}
		/* Newest first: the first active key of an alg signs for it. */
		if (store_null(q, OIDC_KEY_PUBLISHED_RETIRED_AT) &&
		    r->signer[jws_key_alg(r->keys[r->n])] == NULL)
			r->signer[jws_key_alg(r->keys[r->n])] = r->keys[r->n];
		r->n++;
	}
	store_done(q);
	q = NULL;
	store_rollback(&tx);
	tx = NULL;
	if (rc < 0 || r->n == 0)
		goto fail;
	for (int a = 0; a < JWS_ALGS; a++)
		if (r->signer[a] == NULL)
			goto fail;
	if (buf_puts(&jwks, "{\"keys\":[") != 0)
		goto fail;
	for (size_t i = 0; i < r->n; i++)
		if ((i > 0 && buf_putc(&jwks, ',') != 0) ||
		    buf_puts(&jwks, jws_key_jwk(r->keys[i])) != 0)
			goto fail;
	if (buf_puts(&jwks, "]}") != 0)
		goto fail;
	r->jwks = buf_steal(&jwks);
	r->loaded_at = now;
	return r;
fail:
	store_done(q);
	store_rollback(&tx);
	buf_free(&jwks);
	ring_free(r);
	return NULL;
}

struct oidc_keycache *
oidc_keycache_new(struct store *s, int ttl)
{
	struct oidc_keycache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->store = s;
	c->ttl = ttl > 0 ? ttl : 30;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void
oidc_keycache_free(struct oidc_keycache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->current != NULL && c->current->refs == 0)
		ring_free(c->current);
	else if (c->current != NULL)
		log_warn(NULL, "oidc: key cache freed while keys are in use");
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const struct oidc_keyring *
oidc_keyring_get(struct oidc_keycache *c)
{
	int64_t now = (int64_t)time(NULL);
	struct oidc_keyring *r;

	pthread_mutex_lock(&c->lock);
	if (c->current == NULL || c->stale || now - c->current->loaded_at >= c->ttl) {
		struct oidc_keyring *fresh = ring_load(c->store, now);

		/* A store without an active key (of an alg) gets its first one here. */
		if (fresh == NULL && oidc_keys_ensure(c->store) == 0)
			fresh = ring_load(c->store, now);
		if (fresh != NULL) {
			if (c->current != NULL && c->current->refs == 0)
				ring_free(c->current);
			c->current = fresh;
			c->stale = false;
		} else if (c->current == NULL) {
			pthread_mutex_unlock(&c->lock);
			log_err(NULL, "oidc: no signing key can be loaded");
			return NULL;
		}
		/* else: keep the old ring for now; the next call tries again. */
	}
	r = c->current;
	r->refs++;
	pthread_mutex_unlock(&c->lock);
	return r;
}

void
oidc_keycache_invalidate(struct oidc_keycache *c)
{
	pthread_mutex_lock(&c->lock);
	c->stale = true;
	pthread_mutex_unlock(&c->lock);
}

void
oidc_keyring_put(struct oidc_keycache *c, const struct oidc_keyring *k)
{
	struct oidc_keyring *r = (struct oidc_keyring *)k;

	if (r == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	r->refs--;
	if (r->refs == 0 && r != c->current)
		ring_free(r);
	pthread_mutex_unlock(&c->lock);
}

const struct jws_key *
oidc_keyring_signer(const struct oidc_keyring *k)
{
	return k->signer[JWS_ES256];
}

const struct jws_key *
oidc_keyring_signer_alg(const struct oidc_keyring *k, enum jws_alg alg)
{
	return k->signer[alg == JWS_RS256 ? JWS_RS256 : JWS_ES256];
}

const struct jws_key *
oidc_keyring_find(const struct oidc_keyring *k, const char *kid)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(jws_key_kid(k->keys[i]), kid) == 0)
			return k->keys[i];
	return NULL;
}

const char *
oidc_keyring_jwks(const struct oidc_keyring *k)
{
	return k->jwks;
}

struct key_rewrap {
	char kid[JWS_KID_MAX];
	unsigned char *der;
	size_t n;
};

int
oidc_keys_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed)
{
	struct key_rewrap *rows = NULL, *grown;
	size_t n = 0, cap = 0;
	struct store_q *q;
	int rc, res = -1;

	*changed = 0;
	if (store_query(tx, SQL_OIDC_KEY_SECRETS, &q, "") != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *kid = store_text(q, OIDC_KEY_SECRETS_KID);
		const void *b;
		size_t bn = 0;
		char ad[JWS_KID_MAX + 32];

		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(rows, cap * sizeof(*rows));
			if (grown == NULL) {
				rc = -1;
				break;
			}
			rows = grown;
		}
		if (kid == NULL || strlen(kid) >= JWS_KID_MAX) {
			rc = -1;
			break;
		}
		memcpy(rows[n].kid, kid, strlen(kid) + 1);
		b = store_blob(q, OIDC_KEY_SECRETS_PRIVATE_DER, &bn);
		key_ad(kid, ad);
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
		if (store_exec(tx, SQL_OIDC_KEY_SET_SECRET, "tb", rows[i].kid, rows[i].der,
		    rows[i].n) != 1)
			goto done;
		(*changed)++;
	}
	res = 0;
done:
	for (size_t i = 0; i < n; i++)
		jws_free_secret(rows[i].der, rows[i].n);
	free(rows);
	return res;
}
