/* session_store.c — session rows: load, create, touch, rotate, destroy, purge.
 * Each call is its own short transaction. */
#include "auth/session_store.h"

#include <stdio.h>
#include <string.h>

#include "auth/login_sql.h"
#include "base/arena.h"

/* Column col copied into a, "" when NULL; NULL when a is full. */
static const char *
column(struct store_q *q, struct arena *a, int col)
{
	const char *v = store_text(q, col);

	return arena_strdup(a, v != NULL ? v : "");
}

/* The CSRF token of column col into csrf: -1 unless it has the token's fixed size. */
static int
csrf_of(struct store_q *q, int col, char csrf[48])
{
	const char *v = store_text(q, col);
	size_t n = v != NULL ? strlen(v) : 0;

	if (n >= 48)
		return -1;
	memcpy(csrf, v != NULL ? v : "", n + 1);
	return 0;
}

int
session_load(struct store *s, struct arena *a, const unsigned char id_hash[32],
    struct session_rec *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_SESSION_GET, &q, "b", id_hash, (size_t)32) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		out->lang = column(q, a, 1);
		out->auth_method = column(q, a, 3);
		out->capacity = column(q, a, 8);
		out->person_id = store_int(q, SESSION_GET_PERSON_ID);
		out->auth_level = (int)store_int(q, SESSION_GET_AUTH_LEVEL);
		out->auth_time = store_int(q, SESSION_GET_AUTH_TIME);
		out->created_at = store_int(q, SESSION_GET_CREATED_AT);
		out->seen_at = store_int(q, SESSION_GET_SEEN_AT);
		if (csrf_of(q, SESSION_GET_CSRF, out->csrf) != 0 || out->lang == NULL ||
		    out->auth_method == NULL || out->capacity == NULL)
			rc = -1;
	}
	store_done(q);
	store_rollback(&tx);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

static const char *
nul_if_empty(const char *s)
{
	return s != NULL && s[0] ? s : NULL;
}

int
session_create(struct store *s, const unsigned char id_hash[32], const struct session_rec *r)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_SESSION_INSERT, "bttItiIit", id_hash, (size_t)32, r->csrf,
	    nul_if_empty(r->lang), r->person_id, nul_if_empty(r->auth_method),
	    (int64_t)r->auth_level, r->auth_time, r->created_at, nul_if_empty(r->capacity));
	if (rc != 1) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

int
session_touch(struct store *s, const unsigned char id_hash[32], int64_t now)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SESSION_TOUCH, "bi", id_hash, (size_t)32, now) < 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

int
session_rotate(struct store *s, const unsigned char old_hash[32], const unsigned char new_hash[32],
    const struct session_rec *r)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SESSION_ROTATE, "bbtItiIit", old_hash, (size_t)32, new_hash,
	    (size_t)32, r->csrf, r->person_id, nul_if_empty(r->auth_method),
	    (int64_t)r->auth_level, r->auth_time, r->seen_at, nul_if_empty(r->capacity)) != 1) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

int
session_set_capacity(struct store *s, const unsigned char id_hash[32], const char *capacity)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SESSION_SET_CAPACITY, "bt", id_hash, (size_t)32, capacity) != 1) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

int
session_destroy(struct store *s, const unsigned char id_hash[32])
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SESSION_DELETE, "b", id_hash, (size_t)32) < 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

int
session_purge(struct store *s, int64_t idle_before, int64_t created_before)
{
	struct store_tx *tx;
	int n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_SESSION_PURGE, "ii", idle_before, created_before);
	if (n < 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx) == 0 ? n : -1;
}
