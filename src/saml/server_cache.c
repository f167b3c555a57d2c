/* server_cache.c — each thread's cache of built lasso servers, keyed by a digest of what
 * each is built from. lasso is not thread-safe: a server is only ever used by the thread
 * that built it (thread-specific data, freed by the key's destructor at the thread's exit). */
#include "saml/server_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/analyzer.h"

struct entry {
	unsigned char key[SAML_SERVER_KEY_LEN];
	LassoServer *server;
	uint64_t used;                       /* the thread's tick at its last use */
};

struct cache {
	struct entry e[SAML_SERVER_CACHE_MAX];
	size_t n;
	uint64_t tick;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static bool cache_key_ok;

static void
cache_free(void *arg)
{
	struct cache *c = arg;

	for (size_t i = 0; i < c->n; i++)
		g_object_unref(c->e[i].server);
	free(c);
}

static void
cache_key_make(void)
{
	cache_key_ok = pthread_key_create(&cache_key, cache_free) == 0;
}

/* This thread's cache; made when make is true. NULL when none (or out of memory). */
static struct cache *
cache_get(bool make)
{
	struct cache *c;

	pthread_once(&cache_once, cache_key_make);
	if (!cache_key_ok)
		return NULL;
	c = pthread_getspecific(cache_key);
	if (c != NULL || !make)
		return c;
	c = calloc(1, sizeof(*c));
	if (c != NULL && pthread_setspecific(cache_key, c) != 0) {
		free(c);
		return NULL;
	}
	/* gcc's analyzer does not know that pthread_setspecific keeps c (the key's destructor
	 * frees it at the thread's exit). */
	ANALYZER_IGNORE("-Wanalyzer-malloc-leak")
	return c;
}

/* A text into the digest with its length first, so that no two lists of texts meet. */
static void
put(crypto_generichash_state *st, const char *s)
{
	uint64_t n = s != NULL ? (uint64_t)strlen(s) + 1 : 0;

	crypto_generichash_update(st, (const unsigned char *)&n, sizeof(n));
	if (s != NULL)
		crypto_generichash_update(st, (const unsigned char *)s, (size_t)n - 1);
}

void
saml_server_key(const char *entity_id, const char *base_url, const struct saml_keys *k,
    const char *sp_metadata, unsigned char key[SAML_SERVER_KEY_LEN])
{
	crypto_generichash_state st;

	/* The active certificate names the private key the server signs with (a rotation
	 * changes both; a rewrap of the sealed key changes neither): the private key itself
	 * stays out of the digest. The published certificates make the IdP's metadata. */
	crypto_generichash_init(&st, NULL, 0, SAML_SERVER_KEY_LEN);
	put(&st, entity_id);
	put(&st, base_url);
	put(&st, k->cert_pem);
	for (size_t i = 0; i < k->n; i++)
		put(&st, k->certs[i]);
	put(&st, sp_metadata);
	crypto_generichash_final(&st, key, SAML_SERVER_KEY_LEN);
}

LassoServer *
saml_server_cached(const unsigned char key[SAML_SERVER_KEY_LEN])
{
	struct cache *c = cache_get(false);

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (sodium_memcmp(c->e[i].key, key, SAML_SERVER_KEY_LEN) == 0) {
			c->e[i].used = ++c->tick;
			return g_object_ref(c->e[i].server);
		}
	return NULL;
}

int
saml_server_keep(const unsigned char key[SAML_SERVER_KEY_LEN], LassoServer *s)
{
	struct cache *c = cache_get(true);
	size_t at;

	if (c == NULL)
		return -1;
	if (c->n < SAML_SERVER_CACHE_MAX) {
		at = c->n++;
	} else {
		at = 0;
		for (size_t i = 1; i < c->n; i++)
			if (c->e[i].used < c->e[at].used)
				at = i;
		g_object_unref(c->e[at].server);
	}
	memcpy(c->e[at].key, key, SAML_SERVER_KEY_LEN);
	c->e[at].server = g_object_ref(s);
	c->e[at].used = ++c->tick;
	return 0;
}

void
saml_server_cache_clear(void)
{
	struct cache *c = cache_get(false);

	if (c == NULL)
		return;
	(void)pthread_setspecific(cache_key, NULL);
	cache_free(c);
}
