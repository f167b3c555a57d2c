/* coherence.h — how every node's caches of the provider's shared data follow a change made
 * by another node or by the CLI: a version per kind of cached data, kept in the store's
 * settings and replaced in the same transaction as the change (docs/store-contract.md). */
#ifndef PORTIER_OIDC_COHERENCE_H
#define PORTIER_OIDC_COHERENCE_H

#include "store/store.h"

/* The kinds of cached data that carry a version. */
enum oidc_cache_kind {
	OIDC_CACHE_KEYS,             /* signing keys (keys.c) */
	OIDC_CACHE_CLIENTS,          /* relying parties (clients.c) */
	OIDC_CACHE_KINDS
};

#define OIDC_CACHE_VERSION_LEN 32   /* hex of 16 random bytes */
/* How often (milliseconds) a node reads the versions, at most: a change reaches every
 * node's caches within this time plus one request. */
#define OIDC_CACHE_CHECK_MS 1000

/* Gives kind a new random version inside tx, the transaction that changes its data: the
 * other nodes see both at once. 0 or -1. */
int oidc_cache_bump(struct store_tx *tx, enum oidc_cache_kind kind);
/* Reads the version of every kind into v ("" for a kind never changed). 0 or -1. */
int oidc_cache_versions(struct store *s, char v[OIDC_CACHE_KINDS][OIDC_CACHE_VERSION_LEN + 1]);

#endif
