/* coherence.c — the versions of the provider's cached data in the store's settings: one
 * random value per kind, replaced with each change, compared by every node. */
#include "oidc/coherence.h"

#include <sodium.h>
#include <string.h>

#include "store/sql.h"

static const char *const setting_name[OIDC_CACHE_KINDS] = {
	[OIDC_CACHE_KEYS] = "cache_version.oidc_keys",
	[OIDC_CACHE_CLIENTS] = "cache_version.oidc_clients",
};

int
oidc_cache_bump(struct store_tx *tx, enum oidc_cache_kind kind)
{
	unsigned char raw[OIDC_CACHE_VERSION_LEN / 2];
	char hex[OIDC_CACHE_VERSION_LEN + 1];

	/* Random rather than a counter: no read-modify-write, the same upsert on both
	 * backends, and two changes never give one version. */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	return store_exec(tx, SQL_SETTING_PUT, "tt", setting_name[kind], hex) == 1 ? 0 : -1;
}

/* The version of one kind into out, "" when absent. 0 or -1. */
static int
version_read(struct store_tx *tx, enum oidc_cache_kind kind, char out[OIDC_CACHE_VERSION_LEN + 1])
{
	struct store_q *q;
	const char *t;
	int rc;

	out[0] = '\0';
	if (store_query(tx, SQL_SETTING_GET, &q, "t", setting_name[kind]) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && (t = store_text(q, SETTING_GET_VALUE)) != NULL &&
	    strlen(t) <= OIDC_CACHE_VERSION_LEN)
		memcpy(out, t, strlen(t) + 1);
	store_done(q);
	return rc < 0 ? -1 : 0;
}

int
oidc_cache_versions(struct store *s, char v[OIDC_CACHE_KINDS][OIDC_CACHE_VERSION_LEN + 1])
{
	struct store_tx *tx;
	int rc = 0;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	for (int k = 0; rc == 0 && k < OIDC_CACHE_KINDS; k++)
		rc = version_read(tx, (enum oidc_cache_kind)k, v[k]);
	store_rollback(&tx);
	return rc;
}
