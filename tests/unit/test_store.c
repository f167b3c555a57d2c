/* test_store.c — the SQLite store's transactions and its write-ahead log: a commit keeps,
 * a rollback and a failed statement undo; steady writes do not grow the WAL without bound,
 * because the checkpoint thread copies it back and the next writer starts it over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/sql.h"
#include "store/store.h"
#include "store_fixture.h"

#define ROWS 500
#define ROUNDS 60
#define PER_TX 10

static int
setup(void **state)
{
	*state = store_fixture_new("store", 3);
	return *state != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	return store_fixture_free(*state);
}

/* The value of setting name into out ("" when absent); -1 on error. */
static int
setting(struct store *s, const char *name, char *out, size_t outlen)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	out[0] = '\0';
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_SETTING_GET, &q, "t", name) != 0) {
		store_rollback(tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1)
		snprintf(out, outlen, "%s", store_text(q, 0));
	store_done(q);
	store_rollback(tx);
	return rc < 0 ? -1 : 0;
}

static int
put(struct store *s, const char *name, const char *value, bool commit)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SETTING_PUT, "tt", name, value) != 1) {
		store_rollback(tx);
		return -1;
	}
	if (!commit) {
		store_rollback(tx);
		return 0;
	}
	return store_commit(tx);
}

static void
commit_and_rollback(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	char v[64];

	assert_int_equal(put(f->s, "t.kept", "1", true), 0);
	assert_int_equal(put(f->s, "t.undone", "1", false), 0);
	assert_int_equal(setting(f->s, "t.kept", v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	assert_int_equal(setting(f->s, "t.undone", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	/* A statement that cannot run marks the transaction: its commit is refused and
	 * undoes what came before it. */
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "t.before", "1"), 1);
	assert_int_equal(store_exec(tx, -5, ""), -1);
	assert_int_equal(store_commit(tx), -1);
	assert_int_equal(setting(f->s, "t.before", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	/* The store still works after all that, and many transactions in a row reuse their
	 * prepared statements. */
	for (int i = 0; i < 200; i++) {
		char n[16];

		snprintf(n, sizeof(n), "%d", i);
		assert_int_equal(put(f->s, "t.count", n, true), 0);
	}
	assert_int_equal(setting(f->s, "t.count", v, sizeof(v)), 0);
	assert_string_equal(v, "199");
}

static long
wal_pages(const struct store_fixture *f)
{
	char wal[160];
	struct stat st;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	return stat(wal, &st) == 0 ? (long)(st.st_size / 4096) : 0;
}

static void
wal_stays_bounded(void **state)
{
	struct store_fixture *f = *state;
	char value[2049], name[32], v[2100];
	long written = 0, most = 0;

	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	/* Rewrites ROWS settings of 2 KiB ROUNDS times, PER_TX to a transaction: some
	 * 13,000 pages through the WAL, where the thread is woken at 4,000 (and the writer
	 * would checkpoint itself only at 16,000). */
	for (int round = 0; round < ROUNDS; round++)
		for (int i = 0; i < ROWS; i += PER_TX) {
			struct store_tx *tx;

			value[0] = (char)('a' + round % 26);
			assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
			for (int k = i; k < i + PER_TX; k++) {
				snprintf(name, sizeof(name), "w.%d", k);
				assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", name, value),
				    1);
			}
			assert_int_equal(store_commit(tx), 0);
			written += PER_TX * 2048 / 4096;   /* pages of values, at least */
			if (wal_pages(f) > most)
				most = wal_pages(f);
		}
	/* Without the thread's checkpoints the WAL file would reach 16,000 pages; SQLite's
	 * own automatic checkpoint is off on these connections. The file keeps its largest
	 * size when the log starts over: most is its high-water mark. */
	assert_true(written >= 15000);
	assert_true(most < 9000);
	/* What was written last is what is read. */
	assert_int_equal(setting(f->s, "w.7", v, sizeof(v)), 0);
	assert_int_equal(v[0], 'a' + (ROUNDS - 1) % 26);
	assert_int_equal((int)strlen(v), 2048);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(commit_and_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(wal_stays_bounded, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
