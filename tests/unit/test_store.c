/* test_store.c — the SQLite store's transactions and its write-ahead log: a commit keeps,
 * a rollback and a failed statement undo, constraints and savepoints follow rule 11; the
 * checkpoint thread copies the WAL back so that the next writer starts it over, and a
 * writer that outruns it keeps the WAL bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/sql.h"
#include "store/sql_table.h"
#include "store/store.h"
#include "store_fixture.h"

static const struct store_fixture_spec spec = { "store", 3 };

/* The test's own statements, in the last ids of the range that no module uses. */
enum {
	T_FIRST = 5900,
	T_PARENT_ADD = T_FIRST,
	T_PARENT_ADD_NORET,
	T_PARENT_COUNT,
	T_END
};
static const char *const t_text[T_END - T_FIRST] = {
	[T_PARENT_ADD - T_FIRST] = "INSERT INTO t_parent(name) VALUES (?1) RETURNING id",
	[T_PARENT_ADD_NORET - T_FIRST] = "INSERT INTO t_parent(name) VALUES (?1)",
	[T_PARENT_COUNT - T_FIRST] = "SELECT count(*) AS n FROM t_parent WHERE name LIKE ?1",
};
/* The result columns of those read (rule 9). */
static const char *const t_cols[T_END - T_FIRST] = {
	[T_PARENT_ADD - T_FIRST] = "id,",
	[T_PARENT_COUNT - T_FIRST] = "n,",
};
static const struct sql_table t_table = { T_FIRST, T_END - T_FIRST, t_text, t_cols };

static int
put(struct store *s, const char *name, const char *value, bool commit)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SETTING_PUT, "tt", name, value) != 1) {
		store_rollback(&tx);
		return -1;
	}
	if (!commit) {
		store_rollback(&tx);
		return 0;
	}
	return store_commit(&tx);
}

static void
commit_and_rollback(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	char v[64];

	assert_int_equal(put(f->s, "t.kept", "1", true), 0);
	assert_int_equal(put(f->s, "t.undone", "1", false), 0);
	assert_int_equal(store_fixture_setting(f->s, "t.kept", v, sizeof(v)), 1);
	assert_string_equal(v, "1");
	assert_int_equal(store_fixture_setting(f->s, "t.undone", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	/* A statement that cannot run marks the transaction: its commit is refused and
	 * undoes what came before it. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "t.before", "1"), 1);
	assert_int_equal(store_exec(tx, -5, ""), -1);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(store_fixture_setting(f->s, "t.before", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	/* The store still works after all that, and many transactions in a row reuse their
	 * prepared statements. */
	for (int i = 0; i < 200; i++) {
		char n[16];

		snprintf(n, sizeof(n), "%d", i);
		assert_int_equal(put(f->s, "t.count", n, true), 0);
	}
	assert_int_equal(store_fixture_setting(f->s, "t.count", v, sizeof(v)), 1);
	assert_string_equal(v, "199");
}

/* One call ends a transaction: a failed commit has ended it (rolled back, writer lock and
 * connection given back) and cleared the caller's pointer, so the rollback a cleanup label
 * then makes does nothing; the faults fall on the kinds asked for only, at the call
 * asked for. */
static void
one_owner_and_faults(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx = NULL;
	char v[64];

	store_rollback(NULL);
	store_rollback(&tx);
	assert_int_equal(store_commit(&tx), -1);
	/* The commit fails: tx is NULL, nothing kept, and the writer lock and the connection
	 * are given back: as many writers as the pool has connections follow. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "t.lost", "1"), 1);
	store_fault_after(f->s, 1, STORE_FAULT_COMMIT);
	assert_int_equal(store_commit(&tx), -1);
	assert_null(tx);
	store_rollback(&tx);
	assert_int_equal(store_fault_calls(f->s), 1);
	store_fault_off(f->s);
	assert_int_equal(store_fixture_setting(f->s, "t.lost", v, sizeof(v)), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(put(f->s, "t.after", "1", true), 0);
	/* Steps only: the second statement fails, which marks the transaction: its commit
	 * is refused although the caller went on. Begin, prepare and commit are not counted. */
	store_fault_after(f->s, 2, STORE_FAULT_STEP);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "t.one", "1"), 1);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "t.two", "1"), -1);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "t.three", "1"), 1);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(store_fault_calls(f->s), 3);
	store_fault_off(f->s);
	assert_int_equal(store_fixture_setting(f->s, "t.one", v, sizeof(v)), 0);
	/* A failing begin leaves NULL; a failing read step is an error to the reader. */
	store_fault_after(f->s, 1, STORE_FAULT_BEGIN);
	tx = (struct store_tx *)v;
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), -1);
	assert_null(tx);
	store_fault_after(f->s, 1, STORE_FAULT_STEP);
	assert_int_equal(store_fixture_setting(f->s, "t.after", v, sizeof(v)), -1);
	store_fault_off(f->s);
	assert_int_equal(store_fixture_setting(f->s, "t.after", v, sizeof(v)), 1);
}

/* The write-ahead log and its checkpoint thread are SQLite's (store_sqlite.c); PostgreSQL
 * keeps its own WAL, which the store neither sizes nor checkpoints: true, the reason
 * printed and the test skipped, on PostgreSQL. */
static bool
sqlite_only(const struct store_fixture *f, const char *name)
{
	if (!store_is_pg(f->path))
		return false;
	print_message("%s: skipped on PostgreSQL (the WAL file and the checkpoint thread are "
	    "SQLite's)\n", name);
	skip();
	return true;
}

static long
wal_pages(const struct store_fixture *f)
{
	char wal[160];
	struct stat st;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	return stat(wal, &st) == 0 ? (long)(st.st_size / 4096) : 0;
}

/* The WAL header's first salt (big-endian, bytes 16-19): a writer that starts the log over,
 * which it does only once a checkpoint has copied all of it back, adds one to it (the
 * checkpoint sequence number at bytes 12-15 is each connection's own count, not the
 * log's). -1 when there is no header to read. */
static long
wal_restarts(const struct store_fixture *f)
{
	char wal[160];
	unsigned char h[20];
	FILE *fp;
	size_t n;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	if ((fp = fopen(wal, "rb")) == NULL)
		return -1;
	n = fread(h, 1, sizeof(h), fp);
	fclose(fp);
	if (n != sizeof(h))
		return -1;
	return (long)h[16] << 24 | (long)h[17] << 16 | (long)h[18] << 8 | (long)h[19];
}

/* Writes rows settings of 2 KiB from name number first, per_tx to a transaction; returns
 * the WAL's largest size in pages seen after each commit. */
static long
write_rows(struct store_fixture *f, int first, int rows, int per_tx, char tag)
{
	char value[2049], name[32];
	long most = 0;

	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	value[0] = tag;
	for (int i = first; i < first + rows; i += per_tx) {
		struct store_tx *tx;

		assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
		for (int k = i; k < i + per_tx; k++) {
			snprintf(name, sizeof(name), "w.%d", k);
			assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", name, value), 1);
		}
		assert_int_equal(store_commit(&tx), 0);
		if (wal_pages(f) > most)
			most = wal_pages(f);
	}
	return most;
}

/* Past CKPT_WAKE_PAGES (4,000) the checkpoint thread copies the log back, and the next
 * writer starts it over: the header's sequence number moves. SQLite's own automatic
 * checkpoint is off on these connections and the writers checkpoint themselves only at
 * 16,000 pages, so without the thread the number would never move here. No timing is
 * measured: the test waits for the thread, for up to a minute, however slow the machine. */
static void
thread_checkpoints(void **state)
{
	struct store_fixture *f = *state;
	long before;
	int waited = 0;

	if (sqlite_only(f, "thread_checkpoints"))
		return;
	assert_int_equal(put(f->s, "t.first", "1", true), 0);
	before = wal_restarts(f);
	assert_true(before >= 0);
	/* Some 6,000 pages: 5,000 rows of 2 KiB, 10 to a transaction. The thread may already
	 * have started the log over during these writes; if not, small writes go on (each
	 * wakes it again, the log being past 4,000 pages) until it has, for up to a minute. */
	write_rows(f, 0, 5000, 10, 'a');
	while (wal_restarts(f) == before && waited < 600) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		char n[16];

		nanosleep(&ts, NULL);
		/* A value that changes: SQLite writes no page for a row rewritten as it was. */
		snprintf(n, sizeof(n), "%d", waited++);
		assert_int_equal(put(f->s, "t.poke", n, true), 0);
	}
	assert_true(wal_restarts(f) != before);
}

/* Under writes faster than the thread's checkpoints (as under ASan, or with the thread
 * starved), the committing writer checkpoints itself at 16,000 pages: the WAL's high-water
 * mark stays near that bound whatever the timing. Some 30,000 pages are written. */
static void
wal_stays_bounded(void **state)
{
	struct store_fixture *f = *state;
	char v[2100];
	long most = 0, m;

	if (sqlite_only(f, "wal_stays_bounded"))
		return;
	for (int round = 0; round < 120; round++)
		if ((m = write_rows(f, 0, 500, 10, (char)('a' + round % 26))) > most)
			most = m;
	/* A transaction of 10 rows adds some 20 pages: 1,000 pages of margin is ample. */
	assert_true(most < 16000 + 1000);
	/* What was written last is what is read. */
	assert_int_equal(store_fixture_setting(f->s, "w.7", v, sizeof(v)), 1);
	assert_int_equal(v[0], 'a' + 119 % 26);
	assert_int_equal((int)strlen(v), 2048);
}

/* True under make unit-pg: the fixture's database is PostgreSQL. */
static bool
on_pg(void)
{
	const char *pg = getenv("PORTIER_TEST_PG");

	return pg != NULL && pg[0] != '\0';
}

static void
parent_table(struct store *s)
{
	struct store_tx *tx;
	char err[128];

	/* PostgreSQL's ids are identities; SQLite's INTEGER PRIMARY KEY is the rowid. */
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_script(tx, on_pg() ?
	    "CREATE TABLE t_parent(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	    " name text NOT NULL UNIQUE)" :
	    "CREATE TABLE t_parent(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
	    err, sizeof(err)), 0);
	assert_int_equal(store_commit(&tx), 0);
}

static long
count_parents(struct store *s, const char *like)
{
	struct store_tx *tx;
	struct store_q *q;
	long n = -1;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, T_PARENT_COUNT, &q, "t", like) == 0 && store_next(q) == 1)
		n = (long)store_int(q, 0);
	store_done(q);
	store_rollback(&tx);
	return n;
}

/* Rule 11 on SQLite, as on PostgreSQL: a _try write's constraint gives -2 and the
 * transaction goes on; a plain write's gives -2 and marks the transaction failed (its
 * commit refused, nothing kept), although SQLite itself undid the statement alone. */
static void
constraints_try_and_plain(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	int64_t id = 0, id2 = 0;

	parent_table(f->s);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_insert(tx, T_PARENT_ADD, &id, "t", "p.one"), 1);
	assert_true(id > 0);
	assert_int_equal(store_insert_try(tx, T_PARENT_ADD, &id2, "t", "p.one"), -2);
	assert_int_equal(id2, 0);
	assert_int_equal(store_exec_try(tx, T_PARENT_ADD_NORET, "t", "p.one"), -2);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "p.two"), 1);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(count_parents(f->s, "p.%"), 2);

	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "q.one"), 1);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "p.one"), -2);
	assert_int_equal(store_commit(&tx), -1);
	assert_null(tx);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "q.two"), 1);
	assert_int_equal(store_insert(tx, T_PARENT_ADD, &id2, "t", "p.two"), -2);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(count_parents(f->s, "q.%"), 0);
}

/* Savepoints: what follows one is kept by store_release, undone by store_rollback_to,
 * errors included (the failed mark goes back to what it was at the savepoint, so a
 * transaction that had failed before it stays failed); unbalanced calls are refused. */
static void
savepoints(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;

	parent_table(f->s);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "s.kept"), 1);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "s.undone"), 1);
	assert_int_equal(store_savepoint(tx), 0);   /* nested */
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "s.inner"), 1);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "s.failed"), 1);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "s.kept"), -2);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(count_parents(f->s, "s.%"), 1);
	assert_int_equal(count_parents(f->s, "s.kept"), 1);

	/* Failed before the savepoint: still failed after rolling back to it (PostgreSQL
	 * refuses the savepoint itself in an aborted transaction). */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, T_PARENT_ADD_NORET, "t", "s.kept"), -2);
	if (on_pg()) {
		assert_int_equal(store_savepoint(tx), -1);
	} else {
		assert_int_equal(store_savepoint(tx), 0);
		assert_int_equal(store_rollback_to(tx), 0);
		assert_int_equal(store_release(tx), 0);
	}
	assert_int_equal(store_commit(&tx), -1);

	/* Unbalanced: refused, and the transaction with it. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_release(tx), -1);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_savepoint(tx), -1);
	store_rollback(&tx);
	assert_int_equal(count_parents(f->s, "s.%"), 1);
}

/* A module's hook for tx_hooks: counts its calls, writes the setting "h.<state's value>"
 * before the commit ("h.none" for a cleared state), or refuses the commit. */
static int hook_calls, hook_frees;
static bool hook_refuses;
static int
hook_before_commit(struct store_tx *tx, void *state)
{
	char name[32];

	hook_calls++;
	if (hook_refuses)
		return -1;
	snprintf(name, sizeof(name), "h.%s", state ? (const char *)state : "none");
	return store_exec(tx, SQL_SETTING_PUT, "tt", name, "1") == 1 ? 0 : -1;
}

static void
hook_free(void *state)
{
	hook_frees++;
	free(state);
}

static const struct store_tx_hook hook = { hook_before_commit, hook_free };
static const struct store_tx_hook other_hooks[4] = {
	{ NULL, hook_free }, { NULL, hook_free }, { NULL, hook_free }, { NULL, hook_free },
};

static void *
hook_state(const char *v)
{
	char *p = strdup(v);

	assert_non_null(p);
	return p;
}

static bool
setting_there(struct store *s, const char *name)
{
	char v[16];

	return store_fixture_setting(s, name, v, sizeof(v)) == 1;
}

/* Modules' hooks on a transaction (store_tx_attach): the state is found again, kept by a
 * release, cleared by a rollback to a savepoint (its hook stays and runs at the commit
 * with NULL), freed at every end; before_commit writes in the transaction, or refuses the
 * commit; not run for a rollback nor a failed transaction; too many hooks refuse it. */
static void
tx_hooks(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;

	hook_calls = hook_frees = 0;
	hook_refuses = false;
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_null(store_tx_state(tx, &hook));
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("a")), 0);
	assert_string_equal(store_tx_state(tx, &hook), "a");
	assert_null(store_tx_state(tx, &other_hooks[0]));
	/* Replaced: the old state freed. */
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("b")), 0);
	assert_int_equal(hook_frees, 1);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_release(tx), 0);
	assert_string_equal(store_tx_state(tx, &hook), "b");
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(hook_calls, 1);
	assert_int_equal(hook_frees, 2);
	assert_true(setting_there(f->s, "h.b"));

	/* A rollback to a savepoint clears the state, set before it or after. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("c")), 0);
	assert_int_equal(store_savepoint(tx), 0);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_int_equal(hook_frees, 3);
	assert_null(store_tx_state(tx, &hook));
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("d")), 0);
	assert_int_equal(store_rollback_to(tx), 0);
	assert_null(store_tx_state(tx, &hook));
	assert_int_equal(store_release(tx), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(hook_calls, 2);
	assert_int_equal(hook_frees, 4);
	assert_true(setting_there(f->s, "h.none"));
	assert_false(setting_there(f->s, "h.c"));

	/* Rolled back, or failed: not run, state freed, nothing written. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("e")), 0);
	store_rollback(&tx);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("f")), 0);
	assert_int_equal(store_exec(tx, -5, ""), -1);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(hook_calls, 2);
	assert_int_equal(hook_frees, 6);
	assert_false(setting_there(f->s, "h.e") || setting_there(f->s, "h.f"));

	/* A hook that refuses: nothing of the transaction stays. */
	hook_refuses = true;
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "h.refused", "1"), 1);
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("g")), 0);
	assert_int_equal(store_commit(&tx), -1);
	assert_null(tx);
	assert_int_equal(hook_calls, 3);
	assert_int_equal(hook_frees, 7);
	assert_false(setting_there(f->s, "h.refused"));
	hook_refuses = false;

	/* Four hooks at most: the fifth is refused, its state freed, and the commit too. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "h.many", "1"), 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_tx_attach(tx, &other_hooks[i], hook_state("x")), 0);
	assert_int_equal(store_tx_attach(tx, &hook, hook_state("y")), -1);
	assert_int_equal(hook_frees, 8);
	assert_int_equal(store_commit(&tx), -1);
	assert_int_equal(hook_frees, 12);
	assert_int_equal(hook_calls, 3);
	assert_false(setting_there(f->s, "h.many"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(constraints_try_and_plain, &spec),
		STORE_FIXTURE_TEST(savepoints, &spec),
		STORE_FIXTURE_TEST(tx_hooks, &spec),
		STORE_FIXTURE_TEST(commit_and_rollback, &spec),
		STORE_FIXTURE_TEST(one_owner_and_faults, &spec),
		STORE_FIXTURE_TEST(thread_checkpoints, &spec),
		STORE_FIXTURE_TEST(wal_stays_bounded, &spec),
	};

	if (store_register(&t_table, NULL) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
