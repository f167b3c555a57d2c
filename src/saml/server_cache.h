/* server_cache.h — each thread's cache of built lasso servers (the IdP with one SP), so
 * that a SAML message no longer parses both metadata and loads the RSA key (docs/saml.md).
 * Internal to src/saml/: idp.c's only. */
#ifndef PORTIER_SAML_SERVER_CACHE_H
#define PORTIER_SAML_SERVER_CACHE_H

#include <lasso/lasso.h>

#include "saml/saml.h"

#define SAML_SERVER_CACHE_MAX 16   /* servers kept per thread (least recently used out) */
#define SAML_SERVER_KEY_LEN 32

/* The key of a server: a BLAKE2b digest of everything it is built from (the IdP's
 * entityID and address, its certificates, the SP's metadata), so that an SP's refresh, a
 * key rotation or another node's change gives another key at the next message. */
void saml_server_key(const char *entity_id, const char *base_url, const struct saml_keys *k,
    const char *sp_metadata, unsigned char key[SAML_SERVER_KEY_LEN]);
/* This thread's server for key, with a reference for the caller (g_object_unref), or NULL
 * when none is cached. */
LassoServer *saml_server_cached(const unsigned char key[SAML_SERVER_KEY_LEN]);
/* Keeps s (the cache takes its own reference) for this thread under key; the least
 * recently used goes when full. 0 or -1 (not kept: s stays the caller's all the same). */
int saml_server_keep(const unsigned char key[SAML_SERVER_KEY_LEN], LassoServer *s);
/* Frees this thread's servers (also done at the thread's exit). */
void saml_server_cache_clear(void);

#endif
