/* health.c — the readiness checks behind /readyz: one trivial read of the store, its
 * schema version, the signing keys. Cheap enough for a load balancer every second. */
#include "ops/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc/provider.h"
#include "store/store.h"

int
ops_migrations_newest(const char *dir, int *newest)
{
	int n = store_migrations_newest(dir);

	if (n <= 0)
		return -1;
	*newest = n;
	return 0;
}

/* The schema check: "ok", or "behind: 15 of 16" (a database restored from an older copy,
 * a standby that lags): this binary's statements may name what is not there. A schema
 * ahead of the binary is ready: during a rolling upgrade the new release migrates first
 * and the old nodes serve on (expand-only migrations, docs/deploy.md). *version gets the
 * database's schema version (-1 when unreadable). */
static int
schema_check(struct store *s, int newest, int *version, char *word, size_t len)
{
	int v = store_schema_version(s);

	*version = v;
	if (v < 0) {
		snprintf(word, len, "unreadable");
		return -1;
	}
	if (v < newest) {
		snprintf(word, len, "behind: %d of %d", v, newest);
		return -1;
	}
	snprintf(word, len, "ok");
	return 0;
}

static int
keys_check(struct oidc_provider *oidc)
{
	const struct oidc_keyring *k;

	if (oidc == NULL)
		return 0;
	k = oidc_provider_keys_get(oidc);
	if (k == NULL)
		return -1;
	oidc_provider_keys_put(oidc, k);
	return 0;
}

int
ops_ready(struct store *s, int schema_newest, struct oidc_provider *oidc, char *body,
    size_t len)
{
	const char *failed = NULL, *db = "ok", *keys = "ok";
	char schema[64];
	int version = -1;

	/* Checks after a failed database one would only repeat its failure. */
	if (store_ping(s) != 0) {
		db = "failed";
		failed = "database";
		snprintf(schema, sizeof(schema), "not checked");
		keys = "not checked";
	} else if (schema_check(s, schema_newest, &version, schema, sizeof(schema)) != 0) {
		failed = "schema";
		keys = "not checked";
	} else if (keys_check(oidc) != 0) {
		keys = "failed";
		failed = "keys";
	}
	/* Only fixed words and numbers: nothing here needs escaping. */
	snprintf(body, len, "{\"status\":\"%s\",%s%s%s\"checks\":{\"database\":\"%s\","
	    "\"schema\":\"%s\",\"keys\":\"%s\"},\"schema_version\":%d,"
	    "\"binary_schema_version\":%d}\n", failed == NULL ? "ready" : "unavailable",
	    failed ? "\"failed\":\"" : "", failed ? failed : "", failed ? "\"," : "", db, schema,
	    keys, version, schema_newest);
	return failed == NULL ? 0 : -1;
}
