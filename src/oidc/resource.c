/* resource.c — resource servers of the provider (resource.h): registration, removal,
 * authentication at the introspection endpoint, lookup by audience. */
#include "oidc/resource.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
	/* This process's introspections refuse it at once; other nodes within
	 * OIDC_RS_KEEP_SECONDS. */
	oidc_rs_forget(id);
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

/* Whether secret is a resource server's possible secret at all (the length the store's
 * lookup is worth). */
static bool
rs_credentials_shaped(const char *id, const char *secret)
{
	return id != NULL && secret != NULL && oidc_client_id_valid(id) &&
	    strlen(secret) <= OIDC_RS_SECRET_MAX;
}

int
oidc_rs_auth_tx(struct store_tx *tx, struct arena *a, const char *id, const char *secret,
    struct oidc_rs *out)
{
	unsigned char h[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rs_credentials_shaped(id, secret))
		return 1;
	rc = rs_one(tx, a, SQL_OIDC_RS_GET, id, out);
	rs_hash(secret, h);
	if (rc == 0 && sodium_memcmp(h, out->secret_hash, sizeof(h)) != 0)
		rc = 1;
	sodium_memzero(h, sizeof(h));
	return rc;
}

int
oidc_rs_auth(struct store *s, struct arena *a, const char *id, const char *secret,
    struct oidc_rs *out)
{
	struct store_tx *tx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rs_credentials_shaped(id, secret))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = oidc_rs_auth_tx(tx, a, id, secret, out);
	store_rollback(&tx);
	return rc;
}

/* ---- resource servers seen lately ----
 * An introspection authenticates its resource server each time: the row read (on
 * PostgreSQL a transaction of three round trips) is spared for OIDC_RS_KEEP_SECONDS after
 * a success. An entry is found by the id AND the hash of the secret presented, compared in
 * constant time: another secret (a wrong one, or the new one of a server registered again)
 * is never answered from here but read from the store, and a failure is never kept. A
 * resource server removed or registered again (another secret or audience) is thus still
 * accepted with its old secret for at most those seconds (docs/oidc.md), here and on every
 * other node; a removal in this process forgets it at once. An entry ends when either
 * clock (monotonic, or the service's, which a test server's --test-clock moves) says the
 * seconds passed, or when the service's clock went back. */
#define RS_KEEP 32

struct rs_entry {
	char id[OIDC_CLIENT_ID_MAX + 1];           /* "" free */
	unsigned char secret_hash[32];
	char audience[OIDC_URI_MAX + 1];
	char created_at[CLOCK_TEXT_SIZE];
	bool jwt;
	int64_t at_ms, at_s;
};
static struct rs_entry rs_kept[RS_KEEP];
static size_t rs_kept_next;
static pthread_mutex_t rs_kept_lock = PTHREAD_MUTEX_INITIALIZER;

static bool
rs_fresh(const struct rs_entry *e, int64_t now_ms, int64_t now_s)
{
	return now_ms >= e->at_ms && now_ms - e->at_ms < OIDC_RS_KEEP_SECONDS * 1000 &&
	    now_s >= e->at_s && now_s - e->at_s < OIDC_RS_KEEP_SECONDS;
}

/* 0 (out filled, texts in a) when a fresh entry holds id with the hash h; 1 when none;
 * -1 when a is full. Stale entries of id go. */
static int
rs_kept_find(struct arena *a, const char *id, const unsigned char h[32], struct oidc_rs *out)
{
	int64_t now_ms = clock_mono_ms(), now_s = clock_time();
	int rc = 1;

	pthread_mutex_lock(&rs_kept_lock);
	for (size_t i = 0; i < RS_KEEP && rc == 1; i++) {
		struct rs_entry *e = &rs_kept[i];

		if (e->id[0] == '\0' || strcmp(e->id, id) != 0)
			continue;
		if (!rs_fresh(e, now_ms, now_s)) {
			sodium_memzero(e, sizeof(*e));
			continue;
		}
		if (sodium_memcmp(e->secret_hash, h, 32) != 0)
			continue;
		memset(out, 0, sizeof(*out));
		memcpy(out->secret_hash, e->secret_hash, 32);
		out->id = arena_strdup(a, e->id);
		out->audience = arena_strdup(a, e->audience);
		out->created_at = arena_strdup(a, e->created_at);
		out->jwt_access_tokens = e->jwt;
		rc = out->id && out->audience && out->created_at ? 0 : -1;
	}
	pthread_mutex_unlock(&rs_kept_lock);
	return rc;
}

/* Keeps rs, just authenticated with the secret whose hash it holds; one that does not
 * fit an entry is simply not kept. */
static void
rs_keep(const struct oidc_rs *rs)
{
	struct rs_entry *e;
	size_t i;

	if (strlen(rs->id) > OIDC_CLIENT_ID_MAX || strlen(rs->audience) > OIDC_URI_MAX ||
	    strlen(rs->created_at) >= CLOCK_TEXT_SIZE)
		return;
	pthread_mutex_lock(&rs_kept_lock);
	/* The same id and secret's entry when there is one, else the next in turn. */
	for (i = 0; i < RS_KEEP; i++)
		if (strcmp(rs_kept[i].id, rs->id) == 0 &&
		    sodium_memcmp(rs_kept[i].secret_hash, rs->secret_hash, 32) == 0)
			break;
	e = &rs_kept[i < RS_KEEP ? i : rs_kept_next++ % RS_KEEP];
	sodium_memzero(e, sizeof(*e));
	memcpy(e->id, rs->id, strlen(rs->id) + 1);
	memcpy(e->secret_hash, rs->secret_hash, 32);
	memcpy(e->audience, rs->audience, strlen(rs->audience) + 1);
	memcpy(e->created_at, rs->created_at, strlen(rs->created_at) + 1);
	e->jwt = rs->jwt_access_tokens;
	e->at_ms = clock_mono_ms();
	e->at_s = clock_time();
	pthread_mutex_unlock(&rs_kept_lock);
}

void
oidc_rs_forget(const char *id)
{
	pthread_mutex_lock(&rs_kept_lock);
	for (size_t i = 0; i < RS_KEEP; i++)
		if (id == NULL || strcmp(rs_kept[i].id, id) == 0)
			sodium_memzero(&rs_kept[i], sizeof(rs_kept[i]));
	pthread_mutex_unlock(&rs_kept_lock);
}

int
oidc_rs_auth_kept(struct arena *a, const char *id, const char *secret, struct oidc_rs *out)
{
	unsigned char h[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rs_credentials_shaped(id, secret))
		return 2;
	rs_hash(secret, h);
	rc = rs_kept_find(a, id, h, out);
	sodium_memzero(h, sizeof(h));
	return rc;
}

void
oidc_rs_keep(const struct oidc_rs *rs)
{
	if (rs != NULL && rs->id != NULL && rs->audience != NULL && rs->created_at != NULL)
		rs_keep(rs);
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
