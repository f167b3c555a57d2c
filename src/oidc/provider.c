/* provider.c — one OpenID provider's handle: the issuer it signs as, and the caches its
 * endpoints share (keys, clients, pairwise secret), each behind its own lock. */
#include "oidc/provider.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc/batch.h"
#include "oidc/claims.h"

struct oidc_provider {
	struct store *s;
	char *issuer;                /* the provider's own copy, normalised */
	struct oidc_keycache *keys;
	struct oidc_client_cache *clients;
	struct oidc_batch *batch;
	pthread_mutex_t secret_lock;
	bool has_secret;             /* under secret_lock */
	unsigned char secret[32];
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

const struct oidc_keyring *
oidc_provider_keys_get(struct oidc_provider *p)
{
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
	return oidc_client_get_cached(p->clients, a, id, out);
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
