/* provider.c — one OpenID provider's handle: the issuer it signs as, and the caches its
 * endpoints share (keys, clients, pairwise secret), each behind its own lock, kept in step
 * with the other nodes by a version check at most once a second (oidc/coherence.h). */
#include "oidc/provider.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fed/profiles.h"
#include "oidc/batch.h"
#include "base/clock.h"
#include "base/log.h"
#include "oidc/claims.h"
#include "oidc/coherence.h"

struct oidc_provider {
	struct store *s;
	char *issuer;                /* the provider's own copy, normalised */
	struct oidc_keycache *keys;
	struct oidc_client_cache *clients;
	struct oidc_batch *batch;
	pthread_mutex_t secret_lock;
	bool has_secret;             /* under secret_lock */
	unsigned char secret[32];
	/* The version check: the thread that moves next_check (monotonic ms) forward reads the
	 * versions; the others go on at once. version is under version_lock (two checks a
	 * second apart may overlap when the store is slow). */
	_Atomic int64_t next_check;
	pthread_mutex_t version_lock;
	char version[OIDC_CACHE_KINDS][OIDC_CACHE_VERSION_LEN + 1];
};

int
oidc_issuer_of(const char *configured, const char *listen, char *out, size_t outlen,
    char *err, size_t errlen)
{
	int n;

	if (configured != NULL && configured[0] != '\0')
		n = snprintf(out, outlen, "%s", configured);
	else
		n = snprintf(out, outlen, "http://%s", listen);
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "oidc: issuer is longer than %zu bytes", outlen - 1);
		return -1;
	}
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
	if ((strncmp(out, "https://", 8) != 0 && strncmp(out, "http://", 7) != 0) ||
	    strpbrk(out, "?#\"\\ ") != NULL) {
		snprintf(err, errlen, "oidc: issuer '%s' is not an http(s) URL without query or "
		    "fragment", out);
		return -1;
	}
	return 0;
}

struct oidc_provider *
oidc_provider_new(struct store *s, const char *issuer, int keys_ttl, char *err, size_t errlen)
{
	struct oidc_provider *p = calloc(1, sizeof(*p));
	char normal[OIDC_ISSUER_MAX];    /* oidc_issuer_of refuses a longer issuer */

	if (p == NULL)
		goto oom;
	p->s = s;
	if (pthread_mutex_init(&p->secret_lock, NULL) != 0) {
		free(p);
		goto oom;
	}
	if (pthread_mutex_init(&p->version_lock, NULL) != 0) {
		pthread_mutex_destroy(&p->secret_lock);
		free(p);
		goto oom;
	}
	if (issuer == NULL || issuer[0] == '\0' ||
	    oidc_issuer_of(issuer, "", normal, sizeof(normal), err, errlen) != 0) {
		if (issuer == NULL || issuer[0] == '\0')
			snprintf(err, errlen, "oidc: no issuer");
		oidc_provider_free(p);
		return NULL;
	}
	p->issuer = strdup(normal);
	if (p->issuer == NULL) {
		oidc_provider_free(p);
		goto oom;
	}
	p->keys = oidc_keycache_new(s, keys_ttl);
	p->clients = oidc_client_cache_new(s);
	p->batch = oidc_batch_new(s);
	if (p->keys == NULL || p->clients == NULL || p->batch == NULL) {
		oidc_provider_free(p);
		goto oom;
	}
	return p;
oom:
	snprintf(err, errlen, "oidc: out of memory");
	return NULL;
}

void
oidc_provider_free(struct oidc_provider *p)
{
	if (p == NULL)
		return;
	oidc_batch_free(p->batch);
	oidc_keycache_free(p->keys);
	oidc_client_cache_free(p->clients);
	pthread_mutex_destroy(&p->secret_lock);
	pthread_mutex_destroy(&p->version_lock);
	sodium_memzero(p->secret, sizeof(p->secret));
	free(p->issuer);
	free(p);
}

const char *
oidc_provider_issuer(const struct oidc_provider *p)
{
	return p->issuer;
}

struct store *
oidc_provider_store(const struct oidc_provider *p)
{
	return p->s;
}

struct oidc_batch *
oidc_provider_batch(const struct oidc_provider *p)
{
	return p->batch;
}

void
oidc_provider_stop(struct oidc_provider *p)
{
	if (p != NULL)
		oidc_batch_stop(p->batch);
}

/* Drops the caches whose data another node (or the CLI) changed since the last look, at
 * most once per OIDC_CACHE_CHECK_MS: one read of two settings, by one thread. */
static void
provider_sync(struct oidc_provider *p)
{
	char v[OIDC_CACHE_KINDS][OIDC_CACHE_VERSION_LEN + 1];
	int64_t now = clock_mono_ms(), due = atomic_load_explicit(&p->next_check,
	    memory_order_relaxed);

	if (now < due || !atomic_compare_exchange_strong(&p->next_check, &due,
	    now + OIDC_CACHE_CHECK_MS))
		return;
	/* Unreadable: the caches stay as they are (their time-to-live still bounds them) and
	 * the next check tries again. */
	if (oidc_cache_versions(p->s, v) != 0) {
		log_warn(NULL, "oidc: the cache versions cannot be read");
		return;
	}
	pthread_mutex_lock(&p->version_lock);
	for (int k = 0; k < OIDC_CACHE_KINDS; k++) {
		if (strcmp(v[k], p->version[k]) == 0)
			continue;
		memcpy(p->version[k], v[k], sizeof(v[k]));
		if (k == OIDC_CACHE_KEYS)
			oidc_keycache_invalidate(p->keys);
		else
			oidc_client_cache_clear(p->clients);
	}
	pthread_mutex_unlock(&p->version_lock);
}

const struct oidc_keyring *
oidc_provider_keys_get(struct oidc_provider *p)
{
	provider_sync(p);
	return oidc_keyring_get(p->keys);
}

void
oidc_provider_keys_put(struct oidc_provider *p, const struct oidc_keyring *k)
{
	if (k != NULL)
		oidc_keyring_put(p->keys, k);
}

int
oidc_provider_client(struct oidc_provider *p, struct arena *a, const char *id,
    struct oidc_client *out)
{
	provider_sync(p);
	return oidc_client_get_cached(p->clients, a, id, out);
}

int
oidc_provider_flow(struct oidc_provider *p, struct arena *a, const char *id,
    int64_t person_id, struct access_profile *profiles, size_t max,
    struct oidc_flow_view *out)
{
	struct store_tx *tx;
	int rc;

	memset(out, 0, sizeof(*out));
	/* The version check first: it reads the store in a transaction of its own. */
	provider_sync(p);
	if (store_begin(p->s, STORE_READ, &tx) != 0)
		return -1;
	rc = oidc_request_read(tx, a, id, &out->req);
	/* A client not cached is read in this transaction, not through the cache, which
	 * would take a second connection while this one is held. */
	if (rc == 0)
		rc = oidc_client_peek_cached(p->clients, a, out->req.client_id, &out->client);
	if (rc == 1 && out->req.client_id != NULL)
		rc = oidc_client_read(tx, a, out->req.client_id, &out->client);
	if (rc == 0) {
		int known = fed_app_get_tx(tx, a, out->client.application, &out->app);

		if (known < 0)
			rc = -1;
		out->has_app = known == 0;
	}
	if (rc == 0 && person_id > 0 && fed_profiles_for_tx(tx, a, person_id,
	    out->client.application, profiles, max, &out->n_profiles) != 0)
		rc = -1;
	store_rollback(&tx);
	return rc;
}

int
oidc_provider_secret(struct oidc_provider *p, unsigned char out[32])
{
	int rc = 0;

	pthread_mutex_lock(&p->secret_lock);
	if (!p->has_secret) {
		rc = oidc_pairwise_secret(p->s, p->secret);
		p->has_secret = rc == 0;
	}
	if (rc == 0)
		memcpy(out, p->secret, 32);
	pthread_mutex_unlock(&p->secret_lock);
	return rc;
}
