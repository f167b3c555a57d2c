/* test_store_pg.c — the PostgreSQL store (store_pg.c) on a throw-away TLS cluster
 * (tests/lib/pg.sh --tls): migrations under the advisory lock, settings, rollback, constraints,
 * ids, blobs, long reads, the pool's wait and reconnection, faults, TLS, transactions retried on
 * serialization failure and deadlock; then auth's sessions and the audit chain on migrations/pg.
 * Exit 77 (skipped) when the PostgreSQL binaries are absent. PORTIER_PG=conninfo uses a server
 * already running instead (it creates tables there, and the databases migr, migr_schema and
 * modules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/sql.h"
#include "auth/login_sql.h"
#include "auth/session_store.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/store_pg.h"
#include "test_arena.h"

/* The test's own statements, in the portable dialect (?N), in the last ids of the range
 * that no module uses. */
enum {
	T_FIRST = 5900,
	T_PARENT_ADD = T_FIRST,
	T_PARENT_ADD_NORET,
	T_CHILD_ADD,
	T_PARENT_COUNT,
	T_COUNTER_GET,
	T_COUNTER_SET,
	T_BLOB_PUT,
	T_BLOB_GET,
	T_LITERAL,
	T_MANY_ADD,
	T_MANY_FROM,
	T_TLS,
	T_END
};
static const char *const t_text[T_END - T_FIRST] = {
	[T_PARENT_ADD - T_FIRST] = "INSERT INTO t_parent(name) VALUES (?1) RETURNING id",
	[T_PARENT_ADD_NORET - T_FIRST] = "INSERT INTO t_parent(name) VALUES (?1)",
	[T_CHILD_ADD - T_FIRST] = "INSERT INTO t_child(parent_id, note) VALUES (?1, ?2)",
	[T_PARENT_COUNT - T_FIRST] = "SELECT count(*) FROM t_parent WHERE name LIKE ?1",
	[T_COUNTER_GET - T_FIRST] = "SELECT n FROM t_counter WHERE k = ?1",
	[T_COUNTER_SET - T_FIRST] = "UPDATE t_counter SET n = ?2 WHERE k = ?1",
	[T_BLOB_PUT - T_FIRST] = "INSERT INTO t_blob(k, b, flag) VALUES (?1, ?2, ?3)",
	[T_BLOB_GET - T_FIRST] = "SELECT b, flag, k FROM t_blob WHERE k = ?1",
	/* Question marks in a literal, a quoted name and comments are not parameters; a
	 * bare ? after ?1 is the second. */
	[T_LITERAL - T_FIRST] =
	    "SELECT 'what?' || ?1 AS \"a?b\" -- ?7\n, ? /* ?9 */ AS second",
	[T_MANY_ADD - T_FIRST] = "INSERT INTO t_many(n) SELECT g FROM generate_series(1, ?1) g",
	[T_MANY_FROM - T_FIRST] = "SELECT n, 'row ' || n FROM t_many WHERE n > ?1 ORDER BY n",
	[T_TLS - T_FIRST] = "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
};
/* The result columns of those read (rule 9), as PostgreSQL names them. */
static const char *const t_cols[T_END - T_FIRST] = {
	[T_PARENT_ADD - T_FIRST] = "id,",
	[T_PARENT_COUNT - T_FIRST] = "count,",
	[T_COUNTER_GET - T_FIRST] = "n,",
	[T_BLOB_GET - T_FIRST] = "b,flag,k,",
	[T_LITERAL - T_FIRST] = "a?b,second,",
	[T_MANY_FROM - T_FIRST] = "n,?column?,",
	[T_TLS - T_FIRST] = "ssl,version,",
};
static const struct sql_table t_table = { T_FIRST, T_END - T_FIRST, t_text, t_cols };

static const char mig1[] =
    "CREATE TABLE setting(name text PRIMARY KEY, value text NOT NULL);\n"
    "CREATE TABLE t_parent(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " name text NOT NULL UNIQUE);\n"
    "CREATE TABLE t_child(parent_id bigint NOT NULL REFERENCES t_parent(id), note text);\n"
    "CREATE TABLE t_counter(k text PRIMARY KEY, n bigint NOT NULL);\n"
    "INSERT INTO t_counter VALUES ('c', 0), ('a', 0), ('b', 0);\n"
    "CREATE TABLE t_blob(k text PRIMARY KEY, b bytea, flag boolean NOT NULL);\n"
    "CREATE TABLE t_many(n bigint NOT NULL);\n";
/* Slow on purpose: two migrators started together overlap in it. */
static const char mig2[] = "SELECT pg_sleep(0.3);\nCREATE TABLE t_two(x integer);\n";

static char conninfo[512];
static char pgdir[64];          /* the cluster's folder when this test started it */
static char migdir[64];

static int
write_file(const char *dir, const char *name, const char *text)
{
	char path[160];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) != 0 ? -1 : rc;
}

/* Starts the cluster (tests/lib/pg.sh, or PG_SH) in a new folder; its connection string
 * into conninfo. 0, 77 when PostgreSQL is absent, -1 on failure. */
static int
cluster_start(void)
{
	const char *env = getenv("PORTIER_PG"), *sh = getenv("PG_SH");
	char cmd[256];
	FILE *p;
	int st;

	if (env != NULL && env[0] != '\0') {
		snprintf(conninfo, sizeof(conninfo), "%s", env);
		return 0;
	}
	snprintf(pgdir, sizeof(pgdir), "/tmp/portier-pg-XXXXXX");
	if (mkdtemp(pgdir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "sh %s start --tls %s", sh ? sh : "tests/lib/pg.sh", pgdir);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	if (fgets(conninfo, sizeof(conninfo), p) == NULL)
		conninfo[0] = '\0';
	st = pclose(p);
	conninfo[strcspn(conninfo, "\n")] = '\0';
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		rmdir(pgdir);
		pgdir[0] = '\0';
		return 77;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && conninfo[0] != '\0' ? 0 : -1;
}

static void
cluster_stop(void)
{
	const char *sh = getenv("PG_SH");
	char cmd[256];

	if (pgdir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "sh %s stop %s", sh ? sh : "tests/lib/pg.sh", pgdir);
	if (system(cmd) != 0)
		fprintf(stderr, "test_store_pg: %s failed\n", cmd);
}

/* The test's own connection for CREATE/DROP DATABASE, without NOTICEs on stderr. */
static PGconn *
admin_connect(void)
{
	PGconn *pg = PQconnectdb(conninfo);

	if (PQstatus(pg) == CONNECTION_OK)
		PQclear(PQexec(pg, "SET client_min_messages = warning"));
	return pg;
}

static int
open_store(const char *ci, int pool, struct store **s)
{
	char err[512];

	if (store_open(ci, pool, s, err, sizeof(err)) != 0) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_setup(void **state)
{
	struct store *s;
	char err[512];
	int n;

	if (open_store(conninfo, 4, &s) != 0)
		return -1;
	n = store_migrate(s, migdir, err, sizeof(err));
	if (n != 2) {
		fprintf(stderr, "store_migrate: %d %s\n", n, err);
		store_close(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int
group_teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* 1 and the value into v, 0 when absent, -1 on error. */
static int
setting(struct store *s, const char *name, char *v, size_t vlen)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc = -1;

	v[0] = '\0';
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_SETTING_GET, &q, "t", name) == 0) {
		rc = store_next(q);
		if (rc == 1)
			snprintf(v, vlen, "%s", store_text(q, 0));
		store_done(q);
	}
	store_rollback(&tx);
	return rc;
}

static void
migrations_and_settings(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	char err[256], v[64];

	/* Applied once: a second run finds them all. */
	assert_int_equal(store_migrate(s, migdir, err, sizeof(err)), 0);
	assert_int_equal(store_schema_version(s), 2);
	assert_int_equal(store_ping(s), 0);
	assert_int_equal(store_pool_size(s), 4);

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.one", "1"), 1);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.one", "2"), 1);
	/* Set once: the first value stays, nothing changed. */
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT_NEW, "tt", "k.new", "first"), 1);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT_NEW, "tt", "k.new", "second"), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_null(tx);
	assert_int_equal(setting(s, "k.one", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	assert_int_equal(setting(s, "k.new", v, sizeof(v)), 1);
	assert_string_equal(v, "first");
	assert_int_equal(setting(s, "k.absent", v, sizeof(v)), 0);
}

static void
rollback_and_failure(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	char v[64];

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.undone", "1"), 1);
	store_rollback(&tx);
	assert_null(tx);
	store_rollback(&tx);   /* nothing on NULL */
	assert_int_equal(setting(s, "k.undone", v, sizeof(v)), 0);

	/* A statement that cannot run marks the transaction: its commit is refused and
	 * undoes what came before; that is no serialization failure. */
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.before", "1"), 1);
	assert_int_equal(store_exec(tx, -5, ""), -1);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "x", "k.before"), -1);
	assert_int_equal(store_commit(&tx), -1);
	assert_false(store_retryable());
	assert_int_equal(setting(s, "k.before", v, sizeof(v)), 0);
	assert_int_equal(store_commit(&tx), -1);   /* already ended */

	/* Many transactions in a row reuse the statements prepared on each connection. */
	for (int i = 0; i < 200; i++) {
		char n[16];

		snprintf(n, sizeof(n), "%d", i);
		assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
		assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.count", n), 1);
		assert_int_equal(store_commit(&tx), 0);
	}
	assert_int_equal(setting(s, "k.count", v, sizeof(v)), 1);
	assert_string_equal(v, "199");
}

static int64_t
count_parents(struct store *s, const char *like)
{
	struct store_tx *tx;
	struct store_q *q;
	int64_t n = -1;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, T_PARENT_COUNT, &q, "t", like) == 0 && store_next(q) == 1)
		n = store_int(q, 0);
	store_done(q);
	store_rollback(&tx);
	return n;
}

/* A unique or foreign-key violation of a _try write gives -2 and leaves the transaction
 * usable, as on SQLite, also from an INSERT … RETURNING read through store_insert_try;
 * ids come from RETURNING. */
static void
constraints_and_ids(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	int64_t id1 = 0, id2 = 0;

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_insert(tx, T_PARENT_ADD, &id1, "t", "p.one"), 1);
	assert_true(id1 > 0);
	assert_int_equal(store_insert_try(tx, T_PARENT_ADD, &id2, "t", "p.one"), -2);
	assert_int_equal(id2, 0);
	assert_int_equal(store_exec_try(tx, T_PARENT_ADD, "t", "p.one"), -2);
	assert_int_equal(store_changes(tx), 0);
	assert_int_equal(store_insert(tx, T_PARENT_ADD, &id2, "t", "p.two"), 1);
	assert_true(id2 > id1);
	assert_int_equal(store_exec_try(tx, T_CHILD_ADD, "it", (int64_t)999999999, "orphan"), -2);
	assert_int_equal(store_exec(tx, T_CHILD_ADD, "it", id1, "kept"), 1);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "p.three"), 1);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(count_parents(s, "p.%"), 3);

	/* A constraint met then rolled back leaves nothing. */
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD, "t", "p.four"), 1);
	assert_int_equal(store_exec_try(tx, T_PARENT_ADD, "t", "p.four"), -2);
	store_rollback(&tx);
	assert_int_equal(count_parents(s, "p.%"), 3);
}

/* Rule 11: a plain store_exec or store_insert pays no savepoint, so a constraint there
 * aborts the transaction: -2 all the same, the commit refused, nothing written; and the
 * next transaction on that connection starts clean. */
static void
plain_constraint_fails_transaction(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	int64_t id = 0;

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "q.one"), 1);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "p.one"), -2);
	assert_int_equal(store_commit(&tx), -1);
	assert_null(tx);
	assert_int_equal(count_parents(s, "q.%"), 0);

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_insert(tx, T_PARENT_ADD, &id, "t", "q.two"), 1);
	assert_int_equal(store_insert(tx, T_PARENT_ADD, &id, "t", "p.two"), -2);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(count_parents(s, "q.%"), 0);

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "q.three"), 1);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(count_parents(s, "q.%"), 1);
}

static void
blobs_booleans_literals(void **state)
{
	struct store *s = *state;
	static const unsigned char bytes[] = { 0, 1, 0xff, '\\', 'x', 0, 0x7f };
	struct store_tx *tx;
	struct store_q *q;
	const void *b;
	size_t len;

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_BLOB_PUT, "tbi", "b.one", bytes, sizeof(bytes),
	    (int64_t)1), 1);
	assert_int_equal(store_exec(tx, T_BLOB_PUT, "tni", "b.null", (int64_t)0), 1);
	assert_int_equal(store_query(tx, T_BLOB_GET, &q, "t", "b.one"), 0);
	assert_int_equal(store_next(q), 1);
	b = store_blob(q, 0, &len);
	assert_int_equal(len, sizeof(bytes));
	assert_memory_equal(b, bytes, sizeof(bytes));
	assert_int_equal(store_int(q, 1), 1);
	assert_false(store_null(q, 0));
	assert_string_equal(store_text(q, 2), "b.one");
	assert_int_equal(store_next(q), 0);
	store_done(q);
	assert_int_equal(store_query(tx, T_BLOB_GET, &q, "t", "b.null"), 0);
	assert_int_equal(store_next(q), 1);
	assert_true(store_null(q, 0));
	assert_null(store_blob(q, 0, &len));
	assert_int_equal(len, 0);
	assert_int_equal(store_int(q, 1), 0);
	store_done(q);
	assert_int_equal(store_query(tx, T_LITERAL, &q, "tt", "!", "2nd"), 0);
	assert_int_equal(store_next(q), 1);
	assert_string_equal(store_text(q, 0), "what?!");
	assert_string_equal(store_text(q, 1), "2nd");
	store_done(q);
	assert_int_equal(store_commit(&tx), 0);
}

/* The last statement of the one connection of this database that is inside a
 * transaction, as the server's activity view shows it; "" when none. */
static const char *
last_statement_in_tx(void)
{
	static char out[128];
	PGconn *pg = admin_connect();
	PGresult *res = PQexec(pg, "SELECT query FROM pg_stat_activity WHERE "
	    "application_name = 'portier' AND state = 'idle in transaction'");

	out[0] = '\0';
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		snprintf(out, sizeof(out), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(pg);
	return out;
}

/* A long read (a streamed export) walks its rows through a cursor, FETCH_ROWS (1000) at
 * a time: every row once, in order, across batches; stopping early closes the cursor and
 * the transaction goes on with another query. */
static void
long_read(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	struct store_q *q;
	int64_t n = 0, expect = 0;
	int rc;
	char v[16];

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_MANY_ADD, "i", (int64_t)2500), 2500);
	assert_int_equal(store_commit(&tx), 0);

	assert_int_equal(store_begin(s, STORE_READ_LONG, &tx), 0);
	assert_int_equal(store_query(tx, T_MANY_FROM, &q, "i", (int64_t)0), 0);
	while ((rc = store_next(q)) == 1) {
		char want[32];

		expect++;
		assert_int_equal(store_int(q, 0), expect);
		snprintf(want, sizeof(want), "row %" PRId64, expect);
		assert_string_equal(store_text(q, 1), want);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 2500);
	/* The rows came in batches: the connection's last statement is a FETCH. */
	assert_string_equal(last_statement_in_tx(), "FETCH 1000 FROM portier_cur");
	assert_int_equal(store_next(q), 0);
	store_done(q);
	/* Stopped after 10 of 1000 (exactly one batch left over): closed, then more. */
	assert_int_equal(store_query(tx, T_MANY_FROM, &q, "i", (int64_t)1500), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(store_next(q), 1);
	assert_int_equal(store_int(q, 0), 1510);
	store_done(q);
	assert_int_equal(store_query(tx, T_MANY_FROM, &q, "i", (int64_t)2000), 0);
	n = 0;
	while (store_next(q) == 1)
		n++;
	assert_int_equal(n, 500);
	store_done(q);
	assert_int_equal(store_query(tx, SQL_SETTING_GET, &q, "t", "k.one"), 0);
	assert_int_equal(store_next(q), 1);
	store_done(q);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(setting(s, "k.one", v, sizeof(v)), 1);
}

/* store_exec_vals binds texts of a length (not NUL-ended) and integers. */
static void
exec_vals(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	struct store_val v[2] = { { "k.valsXXX", 6, 0, false }, { "7", 1, 0, false } };
	char out[32];

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec_vals(tx, SQL_SETTING_PUT, v, 2), 1);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(setting(s, "k.vals", out, sizeof(out)), 1);
	assert_string_equal(out, "7");
}

static void
faults(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	char v[16];

	store_fault_after(s, 0, STORE_FAULT_ALL);
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.fault", "1"), 1);
	assert_int_equal(store_commit(&tx), 0);
	/* begin, prepare, step, commit */
	assert_int_equal(store_fault_calls(s), 4);
	store_fault_after(s, 1, STORE_FAULT_COMMIT);
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.fault", "2"), 1);
	assert_int_equal(store_commit(&tx), -1);
	assert_null(tx);
	store_fault_off(s);
	assert_int_equal(setting(s, "k.fault", v, sizeof(v)), 1);
	assert_string_equal(v, "1");
	store_fault_after(s, 1, STORE_FAULT_BEGIN);
	assert_int_equal(store_begin(s, STORE_READ, &tx), -1);
	assert_null(tx);
	store_fault_off(s);
}

/* Two increments of one counter (or of two rows in opposite orders), their first tries
 * made to meet at a barrier; the one that cannot go on is retried whole by store_run. */
struct bump {
	struct store *s;
	pthread_barrier_t *meet;
	const char *first, *second;   /* rows, in this order; second may be NULL */
	bool met;
	bool saw_retryable;
	int attempts;
	int rc;
};

static int
bump_row(struct store_tx *tx, const char *k)
{
	struct store_q *q;
	int64_t n;

	if (store_query(tx, T_COUNTER_GET, &q, "t", k) != 0)
		return -1;
	if (store_next(q) != 1) {
		store_done(q);
		return -1;
	}
	n = store_int(q, 0);
	store_done(q);
	return store_exec(tx, T_COUNTER_SET, "ti", k, n + 1) == 1 ? 0 : -1;
}

static int
bump_op(struct store_tx *tx, void *arg)
{
	struct bump *b = arg;
	int rc;

	if (b->second == NULL) {
		/* Both read the counter before either writes it. */
		struct store_q *q;

		if (store_query(tx, T_COUNTER_GET, &q, "t", b->first) != 0)
			return -1;
		store_done(q);
	} else if (bump_row(tx, b->first) != 0) {
		goto failed;
	}
	if (!b->met) {
		b->met = true;
		pthread_barrier_wait(b->meet);
	}
	rc = bump_row(tx, b->second ? b->second : b->first);
	if (rc == 0)
		return 0;
failed:
	b->saw_retryable = b->saw_retryable || store_retryable();
	return -1;
}

static void *
bump_main(void *arg)
{
	struct bump *b = arg;

	b->rc = store_run(b->s, STORE_WRITE, 5, bump_op, b, &b->attempts);
	return NULL;
}

static int64_t
counter(struct store *s, const char *k)
{
	struct store_tx *tx;
	struct store_q *q;
	int64_t n = -1;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, T_COUNTER_GET, &q, "t", k) == 0 && store_next(q) == 1)
		n = store_int(q, 0);
	store_done(q);
	store_rollback(&tx);
	return n;
}

/* exact: one went through at once, the other failed once and went through on its retry.
 * Else (a deadlock) the one retried may meet the other again, as a serialization
 * failure: at least one retry. */
static void
run_pair(struct store *s, struct bump *b, bool exact)
{
	pthread_barrier_t meet;
	pthread_t t[2];

	assert_int_equal(pthread_barrier_init(&meet, NULL, 2), 0);
	for (int i = 0; i < 2; i++) {
		b[i].s = s;
		b[i].meet = &meet;
		assert_int_equal(pthread_create(&t[i], NULL, bump_main, &b[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&meet);
	assert_int_equal(b[0].rc, 0);
	assert_int_equal(b[1].rc, 0);
	if (exact) {
		assert_int_equal(b[0].attempts + b[1].attempts, 3);
		assert_true(b[0].saw_retryable != b[1].saw_retryable);
	} else {
		assert_true(b[0].attempts + b[1].attempts >= 3);
		assert_true(b[0].saw_retryable || b[1].saw_retryable);
	}
}

static void
serialization_failure_retried(void **state)
{
	struct store *s = *state;
	struct bump b[2] = { { .first = "c" }, { .first = "c" } };

	/* Without the writer lock, both transactions are open at once (the barrier). */
	store_pg_writer_lock(s, false);
	run_pair(s, b, true);
	store_pg_writer_lock(s, true);
	assert_int_equal(counter(s, "c"), 2);
}

static void
deadlock_retried(void **state)
{
	struct store *s = *state;
	struct bump b[2] = { { .first = "a", .second = "b" }, { .first = "b", .second = "a" } };

	store_pg_writer_lock(s, false);
	run_pair(s, b, false);
	store_pg_writer_lock(s, true);
	assert_int_equal(counter(s, "a"), 2);
	assert_int_equal(counter(s, "b"), 2);
}

/* A failure that is not one of serialization is not retried: op's own value. */
static int
refuse_op(struct store_tx *tx, void *arg)
{
	(void)tx;
	(void)arg;
	return 7;
}

static void
run_not_retried(void **state)
{
	int attempts;

	assert_int_equal(store_run(*state, STORE_WRITE, 5, refuse_op, NULL, &attempts), 7);
	assert_int_equal(attempts, 1);
}

/* With one connection, a second transaction waits for the first to end. */
struct waiter {
	struct store *s;
	int done;
	pthread_mutex_t m;
};

static void *
wait_main(void *arg)
{
	struct waiter *w = arg;
	struct store_tx *tx;

	if (store_begin(w->s, STORE_READ, &tx) == 0)
		store_rollback(&tx);
	pthread_mutex_lock(&w->m);
	w->done = 1;
	pthread_mutex_unlock(&w->m);
	return NULL;
}

static void
pool_waits(void **state)
{
	struct waiter w = { .m = PTHREAD_MUTEX_INITIALIZER };
	struct store_tx *tx;
	pthread_t t;
	int done;

	(void)state;
	assert_int_equal(open_store(conninfo, 1, &w.s), 0);
	assert_int_equal(store_begin(w.s, STORE_WRITE, &tx), 0);
	assert_int_equal(pthread_create(&t, NULL, wait_main, &w), 0);
	usleep(50000);
	pthread_mutex_lock(&w.m);
	done = w.done;
	pthread_mutex_unlock(&w.m);
	assert_int_equal(done, 0);   /* cannot have passed: the one connection is held */
	store_rollback(&tx);
	pthread_join(t, NULL);
	assert_int_equal(w.done, 1);
	store_close(w.s);
}

/* Both transactions of a pool of two, at once: a setting written on each connection. */
static int
both_connections(struct store *s, const char *value)
{
	struct store_tx *a = NULL, *b = NULL;
	int rc = -1;

	if (store_begin(s, STORE_WRITE, &a) != 0 || store_begin(s, STORE_WRITE, &b) != 0)
		goto done;
	if (store_exec(a, SQL_SETTING_PUT, "tt", "k.conn.a", value) != 1 ||
	    store_exec(b, SQL_SETTING_PUT, "tt", "k.conn.b", value) != 1)
		goto done;
	rc = store_commit(&a) == 0 && store_commit(&b) == 0 ? 0 : -1;
done:
	store_rollback(&a);
	store_rollback(&b);
	return rc;
}

/* The server closes the pool's connections (a restart, a failover, an idle timeout):
 * the next transactions connect again and prepare their statements again, without an
 * error for the caller. */
static void
server_closed_connections(void **state)
{
	struct store *s;
	char ci[600], v[16];
	PGconn *pg;
	PGresult *res;

	(void)state;
	snprintf(ci, sizeof(ci), "%s application_name=portier_reconnect", conninfo);
	assert_int_equal(open_store(ci, 2, &s), 0);
	/* Two writers open at once in one thread: without the writer lock (with it, the
	 * second would wait for the first forever, as on SQLite's writer mutex). */
	store_pg_writer_lock(s, false);
	assert_int_equal(both_connections(s, "1"), 0);
	pg = admin_connect();
	res = PQexec(pg, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
	    "WHERE application_name = 'portier_reconnect'");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(res, 0, 0), "2");
	PQclear(res);
	PQfinish(pg);
	assert_int_equal(both_connections(s, "2"), 0);
	assert_int_equal(setting(s, "k.conn.a", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	assert_int_equal(setting(s, "k.conn.b", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	/* The writer lock taken on connections connected again. */
	store_pg_writer_lock(s, true);
	for (int i = 0; i < 2; i++) {
		struct store_tx *tx;

		assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
		assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "k.conn.a", "3"), 1);
		assert_int_equal(store_commit(&tx), 0);
	}
	assert_int_equal(setting(s, "k.conn.a", v, sizeof(v)), 1);
	assert_string_equal(v, "3");
	store_close(s);
}

/* A connection string that fails is refused with libpq's reason, never with the password;
 * a file name is not taken for one (store_open gives it to SQLite). */
static void
open_refusals(void **state)
{
	struct store *s = NULL;
	char err[512];

	(void)state;
	assert_false(store_is_pg("/tmp/portier.db"));
	assert_false(store_is_pg("data/a=b/portier.db"));
	assert_false(store_is_pg("portier.db"));
	assert_true(store_is_pg("postgresql://u@/x?host=/tmp"));
	assert_true(store_is_pg("postgres://u@h/x"));
	assert_true(store_is_pg("host=/tmp/x dbname=portier"));
	assert_int_equal(store_open("host=/nonexistent port=1 dbname=x user=u "
	    "password=hunter2secret", 1, &s, err, sizeof(err)), -1);
	assert_null(s);
	assert_non_null(strstr(err, "postgresql:"));
	assert_null(strstr(err, "hunter2secret"));
	assert_int_equal(store_open("postgresql://u:hunter2secret@/x?host=/nonexistent&port=1",
	    1, &s, err, sizeof(err)), -1);
	assert_null(strstr(err, "hunter2secret"));
}

static int64_t
counter_in(struct store_tx *tx, const char *k)
{
	struct store_q *q;
	int64_t n = -1;

	if (store_query(tx, T_COUNTER_GET, &q, "t", k) == 0) {
		if (store_next(q) == 1)
			n = store_int(q, 0);
		store_done(q);
	}
	return n;
}

/* A module's savepoints (store_savepoint, oidc/batch.c's one per item), and a _try
 * inside one: item one kept, item two rolled back to its savepoint, item three failed on
 * a plain constraint (the transaction aborted) and rolled back to its savepoint, which
 * makes the transaction usable again; it goes on and commits. */
static void
module_savepoints(void **state)
{
	struct store *s = *state;
	struct store_tx *tx;
	int64_t a, b;

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	a = counter_in(tx, "a");
	b = counter_in(tx, "b");
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_COUNTER_SET, "ti", "a", a + 41), 1);
	assert_int_equal(store_exec_try(tx, T_PARENT_ADD_NORET, "t", "p.one"), -2);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_COUNTER_SET, "ti", "b", b + 42), 1);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(counter_in(tx, "b"), b);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_COUNTER_SET, "ti", "b", b + 43), 1);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "p.one"), -2);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(counter_in(tx, "b"), b);
	assert_int_equal(store_release(tx), -1);   /* none left: refused, tx failed */
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_COUNTER_SET, "ti", "a", a + 41), 1);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(counter_in(tx, "a"), a + 41);
	assert_int_equal(counter_in(tx, "b"), b);
	/* Back as it was for the other cases. */
	assert_int_equal(store_exec(tx, T_COUNTER_SET, "ti", "a", a), 1);
	assert_int_equal(store_commit(&tx), 0);
}

/* The places for long holders (streamed exports): a quarter of the pool of 4, one; the
 * second is refused until the first is given back. */
static void
long_places(void **state)
{
	struct store *s = *state;

	assert_true(store_long_take(s));
	assert_false(store_long_take(s));
	store_long_put(s);
	assert_true(store_long_take(s));
	store_long_put(s);
}

/* One process holds a SQLite store and a PostgreSQL one at once (store_open chose by the
 * argument): transactions open on both at the same time, each statement goes to the
 * backend of its transaction, each database keeps its own value. */
static void
both_backends(void **state)
{
	struct store *pg = *state, *lite = NULL;
	struct store_tx *a = NULL, *b = NULL;
	char dir[] = "/tmp/portier-both-XXXXXX", path[64], err[256], v[64];

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(store_open(path, 2, &lite, err, sizeof(err)), 0);
	assert_true(store_migrate(lite, "migrations", err, sizeof(err)) >= 1);
	assert_int_equal(store_begin(lite, STORE_WRITE, &a), 0);
	assert_int_equal(store_begin(pg, STORE_WRITE, &b), 0);
	assert_int_equal(store_exec(a, SQL_SETTING_PUT, "tt", "k.both", "sqlite"), 1);
	assert_int_equal(store_exec(b, SQL_SETTING_PUT, "tt", "k.both", "postgresql"), 1);
	assert_int_equal(store_commit(&a), 0);
	assert_int_equal(store_commit(&b), 0);
	assert_int_equal(setting(lite, "k.both", v, sizeof(v)), 1);
	assert_string_equal(v, "sqlite");
	assert_int_equal(setting(pg, "k.both", v, sizeof(v)), 1);
	assert_string_equal(v, "postgresql");
	/* The SQLite schema is the real one (migrations/), PostgreSQL's the test one. */
	assert_true(store_schema_version(lite) > 2);
	assert_int_equal(store_schema_version(pg), 2);
	store_close(lite);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-shm", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/* The store's connections to the throw-away cluster (pg.sh --tls) use TLS 1.3 with the
 * server verified against the cluster's own CA; a server the CA given does not vouch for
 * is refused, and no message carries the password (kept in a password file). */
static void
tls_verified(void **state)
{
	struct store *s = *state, *other = NULL;
	struct store_tx *tx;
	struct store_q *q;
	char ci[700], err[512], pass[128] = "", path[160];
	FILE *f;

	if (pgdir[0] == '\0') {
		skip();   /* PORTIER_PG: a server of the caller's, TLS or not */
		return;
	}
	assert_int_equal(store_begin(s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, T_TLS, &q, ""), 0);
	assert_int_equal(store_next(q), 1);
	assert_int_equal(store_int(q, 0), 1);
	assert_string_equal(store_text(q, 1), "TLSv1.3");
	store_done(q);
	store_rollback(&tx);

	snprintf(path, sizeof(path), "%s/pgpass", pgdir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(pass, sizeof(pass), f));
	fclose(f);
	pass[strcspn(pass, "\n")] = '\0';
	assert_non_null(strrchr(pass, ':'));
	memmove(pass, strrchr(pass, ':') + 1, strlen(strrchr(pass, ':')));
	assert_true(strlen(pass) >= 32);

	/* Another CA (the system's): the test CA's certificate is not trusted. */
	snprintf(ci, sizeof(ci), "%s sslrootcert=/etc/ssl/certs/ca-certificates.crt", conninfo);
	assert_int_equal(store_open(ci, 1, &other, err, sizeof(err)), -1);
	assert_null(other);
	assert_non_null(strstr(err, "certificate verify failed"));
	assert_null(strstr(err, pass));
	/* The right password in the string itself, TLS off: refused by the server (TLS only
	 * over TCP), and the message does not repeat it. */
	snprintf(ci, sizeof(ci), "%s sslmode=disable passfile=/nonexistent password=%s",
	    conninfo, pass);
	assert_int_equal(store_open(ci, 1, &other, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no encryption"));
	assert_null(strstr(err, pass));
}

/* Two nodes starting at once on an empty database: one applies the migrations, the
 * other waits on the advisory lock and then finds them applied; each recorded once. */
struct migrator {
	const char *dir;
	char ci[600];
	int applied;
	char err[256];
};

static void *
migrate_main(void *arg)
{
	struct migrator *m = arg;
	struct store *s;

	m->applied = -1;
	if (store_open(m->ci, 1, &s, m->err, sizeof(m->err)) != 0)
		return NULL;
	m->applied = store_migrate(s, m->dir, m->err, sizeof(m->err));
	store_close(s);
	return NULL;
}

/* Two migrators of dir at once on a new database db: n migrations applied in all, the
 * highest number recorded is version. */
static void
migrate_twice(const char *db, const char *dir, int n, int version)
{
	struct migrator m[2];
	pthread_t t[2];
	char sql[64];
	PGconn *pg;
	PGresult *res;
	struct store *s;

	pg = admin_connect();
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", db);
	PQclear(PQexec(pg, sql));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	res = PQexec(pg, sql);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(pg);
	for (int i = 0; i < 2; i++) {
		snprintf(m[i].ci, sizeof(m[i].ci), "%s dbname=%s", conninfo, db);
		m[i].dir = dir;
		assert_int_equal(pthread_create(&t[i], NULL, migrate_main, &m[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (m[0].applied < 0 || m[1].applied < 0)
		fprintf(stderr, "migrators: %s / %s\n", m[0].err, m[1].err);
	assert_true(m[0].applied >= 0 && m[1].applied >= 0);
	assert_int_equal(m[0].applied + m[1].applied, n);
	assert_int_equal(open_store(m[0].ci, 1, &s), 0);
	assert_int_equal(store_schema_version(s), version);
	store_close(s);
}

static void
concurrent_migrators(void **state)
{
	(void)state;
	migrate_twice("migr", migdir, 2, 2);
	/* The real schema (migrations/pg), run from the repository's root like make does. */
	migrate_twice("migr_schema", "migrations/pg", 6, 25);
}

/* The modules' own code, unchanged, on the PostgreSQL schema (migrations/pg): the
 * sessions of auth/ and the audit chain, with their SQLite texts rewritten. */
static int
modules_setup(void **state)
{
	char ci[600], err[512];
	struct store *s;
	PGconn *pg;
	int n;

	pg = admin_connect();
	if (PQstatus(pg) != CONNECTION_OK) {
		PQfinish(pg);
		return -1;
	}
	PQclear(PQexec(pg, "DROP DATABASE IF EXISTS modules"));
	PQclear(PQexec(pg, "CREATE DATABASE modules"));
	PQfinish(pg);
	snprintf(ci, sizeof(ci), "%s dbname=modules", conninfo);
	if (open_store(ci, 4, &s) != 0)
		return -1;
	n = store_migrate(s, "migrations/pg", err, sizeof(err));
	if (n < 1) {
		fprintf(stderr, "store_migrate migrations/pg: %d %s\n", n, err);
		store_close(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
sessions_on_pg(void **state)
{
	struct store *s = *state;
	unsigned char h1[32], h2[32];
	struct session_rec r = { .csrf = "csrf-token", .lang = "nl", .person_id = 0,
		.auth_level = 0, .created_at = 1000, .seen_at = 1000 }, got;

	memset(h1, 0xa1, sizeof(h1));
	memset(h2, 0xb2, sizeof(h2));
	h1[0] = 0;   /* a NUL inside the key: bound as bytes, not as text */
	assert_int_equal(session_create(s, h1, &r), 0);
	assert_int_equal(session_load(s, test_arena(), h1, &got), 0);
	assert_string_equal(got.csrf, "csrf-token");
	assert_string_equal(got.lang, "nl");
	assert_int_equal(got.seen_at, 1000);
	assert_int_equal(session_load(s, test_arena(), h2, &got), 1);
	assert_int_equal(session_touch(s, h1, 1500), 0);
	assert_int_equal(session_set_capacity(s, h1, "employer"), 0);
	assert_int_equal(session_load(s, test_arena(), h1, &got), 0);
	assert_int_equal(got.seen_at, 1500);
	assert_string_equal(got.capacity, "employer");
	r.person_id = 42;
	r.auth_level = 3;
	r.auth_method = "eid";
	assert_int_equal(session_rotate(s, h1, h2, &r), 0);
	assert_int_equal(session_load(s, test_arena(), h1, &got), 1);
	assert_int_equal(session_load(s, test_arena(), h2, &got), 0);
	assert_int_equal(got.person_id, 42);
	assert_int_equal(got.auth_level, 3);
	assert_int_equal(session_purge(s, 1001, 0), 1);
	assert_int_equal(session_load(s, test_arena(), h2, &got), 1);
	assert_int_equal(session_destroy(s, h2), 0);
}

struct appender {
	struct store *s;
	int n;
	int failed;
	int attempts;
	bool once;     /* plain transactions, not store_run */
};

static int
append_op(struct store_tx *tx, void *arg)
{
	const struct audit_event ev = { .actor = "system", .action = "test.append",
		.details = "{\"k\":1}" };

	(void)arg;
	return audit_append(tx, &ev);
}

static void *
append_main(void *arg)
{
	struct appender *a = arg;

	for (int i = 0; i < a->n; i++) {
		int attempts;

		struct store_tx *tx;

		if (a->once) {
			/* One transaction, no retry: the writer lock alone keeps the chain. */
			attempts = 1;
			if (store_begin(a->s, STORE_WRITE, &tx) != 0)
				a->failed++;
			else if (append_op(tx, NULL) != 0) {
				store_rollback(&tx);
				a->failed++;
			} else if (store_commit(&tx) != 0)
				a->failed++;
		} else if (store_run(a->s, STORE_WRITE, 20, append_op, NULL, &attempts) != 0) {
			a->failed++;
		}
		a->attempts += attempts;
	}
	return NULL;
}

/* Two appenders at once (two nodes' worth): SERIALIZABLE plus store_run keep one chain,
 * every event appended once, the chain verified whole. */
static void
audit_chain_on_pg(void **state)
{
	struct store *s = *state;
	struct appender a[2] = { { s, 25, 0, 0, false }, { s, 25, 0, 0, false } };
	struct audit_report rep;
	pthread_t t[2];

	store_pg_writer_lock(s, false);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, append_main, &a[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(a[0].failed + a[1].failed, 0);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(audit_verify(s, test_arena(), &rep), 0);
	assert_int_equal(rep.events, 50);
	fprintf(stderr, "audit on pg, no writer lock: 50 appends in %d transactions\n",
	    a[0].attempts + a[1].attempts);

	/* With the writer lock (the default), plain transactions of two threads: none fails
	 * (without it, about one in ten failed with SQLSTATE 40001 and answered 500). */
	store_pg_writer_lock(s, true);
	for (int i = 0; i < 2; i++) {
		a[i] = (struct appender){ s, 25, 0, 0, true };
		assert_int_equal(pthread_create(&t[i], NULL, append_main, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(a[0].failed + a[1].failed, 0);
	assert_int_equal(audit_verify(s, test_arena(), &rep), 0);
	assert_int_equal(rep.events, 100);
}

static void
migdir_remove(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/001_test.sql", migdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/002_slow.sql", migdir);
	unlink(p);
	rmdir(migdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrations_and_settings),
		cmocka_unit_test(rollback_and_failure),
		cmocka_unit_test(constraints_and_ids),
		cmocka_unit_test(plain_constraint_fails_transaction),
		cmocka_unit_test(blobs_booleans_literals),
		cmocka_unit_test(exec_vals),
		cmocka_unit_test(long_read),
		cmocka_unit_test(faults),
		cmocka_unit_test(serialization_failure_retried),
		cmocka_unit_test(deadlock_retried),
		cmocka_unit_test(run_not_retried),
		cmocka_unit_test(pool_waits),
		cmocka_unit_test(server_closed_connections),
		cmocka_unit_test(open_refusals),
		cmocka_unit_test(both_backends),
		cmocka_unit_test(module_savepoints),
		cmocka_unit_test(long_places),
		cmocka_unit_test(tls_verified),
		cmocka_unit_test(concurrent_migrators),
	};
	const struct CMUnitTest module_tests[] = {
		cmocka_unit_test(sessions_on_pg),
		cmocka_unit_test(audit_chain_on_pg),
	};
	int rc;

	if (store_register(&t_table, NULL) != 0 ||
	    store_register(&sql_login_sqlite, NULL) != 0 ||
	    store_register(&sql_audit_sqlite, NULL) != 0) {
		fprintf(stderr, "test_store_pg: statements not registered\n");
		return 1;
	}
	snprintf(migdir, sizeof(migdir), "/tmp/portier-pgmig-XXXXXX");
	if (mkdtemp(migdir) == NULL || write_file(migdir, "001_test.sql", mig1) != 0 ||
	    write_file(migdir, "002_slow.sql", mig2) != 0) {
		fprintf(stderr, "test_store_pg: migrations not written\n");
		return 1;
	}
	rc = cluster_start();
	if (rc == 77)
		printf("SKIP test_store_pg: PostgreSQL binaries absent "
		    "(apt-get install postgresql-15)\n");
	else if (rc != 0)
		fprintf(stderr, "test_store_pg: the throw-away cluster did not start\n");
	else
		rc = cmocka_run_group_tests(tests, group_setup, group_teardown) |
		    cmocka_run_group_tests_name("modules", module_tests, modules_setup,
		    group_teardown);
	cluster_stop();
	migdir_remove();
	return rc;
}
