/* resource.c — resource servers of the provider (resource.h): registration, removal,
 * authentication at the introspection endpoint, lookup by audience. */
#include "oidc/resource.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/jsontext.h"
#include "oidc/clients.h"
#include "oidc/toolbox_sql.h"

static void
rs_hash(const char *secret, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

static bool
secret_valid(const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;

	if (n < OIDC_RS_SECRET_MIN || n > OIDC_RS_SECRET_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (secret[i] < 0x21 || secret[i] > 0x7e)
			return false;
	return true;
}

static int
audit_rs(struct store_tx *tx, const char *actor, const char *action, const char *id,
    const char *details)
{
	char object[96];
	struct audit_event ev = {
		.actor = actor, .actor_role = "system", .object = object, .action = action,
		.details = details,
	};

	snprintf(object, sizeof(object), "oidc_resource_server:%s", id);
	return audit_append(tx, &ev);
}

int
oidc_rs_add(struct store *s, const char *id, const char *secret, const char *audience,
    bool jwt, const char *actor, char *err, size_t errlen)
{
	char aud[OIDC_URI_MAX + 1], at[CLOCK_TEXT_SIZE], details[OIDC_URI_MAX + 64];
	unsigned char h[32];
	struct store_tx *tx;
	int rc;

	if (!oidc_client_id_valid(id)) {
		snprintf(err, errlen, "id: 1 to 64 characters among A-Z a-z 0-9 . _ -");
		return -1;
	}
	if (!secret_valid(secret)) {
		snprintf(err, errlen, "secret: %d to %d printable ASCII characters without spaces",
		    OIDC_RS_SECRET_MIN, OIDC_RS_SECRET_MAX);
		return -1;
	}
	if (audience != NULL && !oidc_audience_valid(audience)) {
		snprintf(err, errlen, "audience: an https URI (http only on loopback) or a urn:");
		return -1;
	}
	snprintf(aud, sizeof(aud), "%s%s", audience ? "" : "urn:portier:rs:",
	    audience ? audience : id);
	rs_hash(secret, h);
	if (clock_text(clock_time(), at) != 0 ||
	    json_text(details, sizeof(details), "{s:s, s:b}", "audience", aud,
	    "jwt_access_tokens", jwt) != 0 || store_begin(s, STORE_WRITE, &tx) != 0) {
		snprintf(err, errlen, "database busy or unavailable");
		return -1;
	}
	rc = store_exec_try(tx, SQL_OIDC_RS_INSERT, "tbtit", id, h, sizeof(h), aud,
	    (int64_t)jwt, at);
	if (rc == -2) {
		store_rollback(&tx);
		return -2;
	}
	if (rc != 1 || audit_rs(tx, actor, "oidc.resource_server.added", id, details) != 0 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		snprintf(err, errlen, "database error");
		return -1;
	}
	return 0;
}

int
oidc_rs_remove(struct store *s, const char *id, const char *actor)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_OIDC_RS_DELETE, "t", id);
	if (rc == 0) {
		store_rollback(&tx);
		return 1;
	}
	if (rc < 0 || audit_rs(tx, actor, "oidc.resource_server.removed", id, NULL) != 0 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

/* Reads the current row of q (SQL_OIDC_RS_GET_COLS) into out, texts in a. 0 or -1. */
static int
rs_row(struct store_q *q, struct arena *a, struct oidc_rs *out)
{
	size_t n = 0;
	const void *h = store_blob(q, OIDC_RS_GET_SECRET_HASH, &n);
	const char *id = store_text(q, OIDC_RS_GET_ID), *aud = store_text(q, OIDC_RS_GET_AUDIENCE),
	    *at = store_text(q, OIDC_RS_GET_CREATED_AT);

	memset(out, 0, sizeof(*out));
	if (h == NULL || n != 32 || id == NULL || aud == NULL || at == NULL)
		return -1;
	memcpy(out->secret_hash, h, 32);
	out->id = arena_strdup(a, id);
	out->audience = arena_strdup(a, aud);
	out->created_at = arena_strdup(a, at);
	out->jwt_access_tokens = store_int(q, OIDC_RS_GET_JWT) != 0;
	return out->id && out->audience && out->created_at ? 0 : -1;
}

/* One resource server by statement id and key, inside tx: 0, 1 or -1. */
static int
rs_one(struct store_tx *tx, struct arena *a, int sql, const char *key, struct oidc_rs *out)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, sql, &q, "t", key) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		rc = rs_row(q, a, out) == 0 ? 1 : -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
oidc_rs_auth(struct store *s, struct arena *a, const char *id, const char *secret,
    struct oidc_rs *out)
{
	unsigned char h[32];
	struct store_tx *tx;
	int rc;

	if (id == NULL || secret == NULL || !oidc_client_id_valid(id) ||
	    strlen(secret) > OIDC_RS_SECRET_MAX)
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = rs_one(tx, a, SQL_OIDC_RS_GET, id, out);
	store_rollback(&tx);
	rs_hash(secret, h);
	if (rc == 0 && sodium_memcmp(h, out->secret_hash, sizeof(h)) != 0)
		rc = 1;
	return rc;
}

int
oidc_rs_by_audience(struct store_tx *tx, struct arena *a, const char *audience,
    struct oidc_rs *out)
{
	return rs_one(tx, a, SQL_OIDC_RS_BY_AUDIENCE, audience, out);
}

int
oidc_rs_list(struct store *s, int (*fn)(void *arg, const struct oidc_rs *rs), void *arg)
{
	struct arena *a = arena_new(64 * 1024);
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	struct oidc_rs rs;
	int rc = -1;

	if (a == NULL || store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_OIDC_RS_LIST, &q, "") != 0)
		goto done;
	while ((rc = store_next(q)) == 1) {
		if (rs_row(q, a, &rs) != 0 || fn(arg, &rs) != 0) {
			rc = -1;
			break;
		}
	}
	rc = rc == 0 ? 0 : -1;
done:
	if (q != NULL)
		store_done(q);
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

int
oidc_rs_jwt_for(struct store *s, const char *audience)
{
	struct arena *a = arena_new(64 * 1024);
	struct store_tx *tx;
	struct oidc_rs rs;
	int rc = -1;

	if (a != NULL && store_begin(s, STORE_READ, &tx) == 0) {
		rc = oidc_rs_by_audience(tx, a, audience, &rs);
		store_rollback(&tx);
		if (rc == 0)
			rc = rs.jwt_access_tokens ? 1 : 0;
		else if (rc == 1)
			rc = 0;
	}
	arena_free(a);
	return rc;
}
