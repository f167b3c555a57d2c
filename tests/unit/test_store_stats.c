/* test_store_stats.c — the planner's statistics follow the tables as they grow: taken when
 * an organisation had a few accounts (and the registry many persons), they must not stay
 * once it has thousands (448cb12: the export of 80,000 users then took 823 s);
 * store_maintain (the SQLite store's periodic pass) refreshes them, and the searches over
 * many users get their plans for large tables back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/sql.h"
#include "store/backend.h"
#include "store/sql.h"
#include "store/store.h"
#include "store_fixture.h"

static const struct store_fixture_spec spec = { "stats", 2 };

static bool
on_pg(void)
{
	const char *pg = getenv("PORTIER_TEST_PG");

	return pg != NULL && pg[0] != '\0';
}

/* Persons, accounts (organisation 1) and members of quality 1 numbered from .. to, written
 * on a connection of the test's own (foreign keys off: no organisation or quality rows
 * are needed for the plan). */
static void
grow(sqlite3 *db, int from, int to)
{
	char sql[2048];

	snprintf(sql, sizeof(sql),
	    "BEGIN;"
	    "WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
	    "INSERT INTO person(id, niss, last_name, first_name, created_at) "
	    "SELECT 100000 + i, printf('97%%09d', i), 'Zstat' || printf('%%06d', i), 'Ann', "
	    "'2025-01-02T03:04:05Z' FROM n;"
	    "WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
	    "INSERT INTO account(id, org_id, person_id, username, email, created_at, modified_at) "
	    "SELECT 100000 + i, 1, 100000 + i, 'zst' || i, 'zst@example.be', "
	    "'2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z' FROM n;"
	    "WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
	    "INSERT INTO quality_member(org_quality_id, account_id, type, since) "
	    "SELECT 1, 100000 + i, 'USER', '2025-01-02T03:04:05Z' FROM n;"
	    "COMMIT;", from, to, from, to, from, to);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* The export's statement (a quality's users by last name, as export_stream asks) run to
 * its end on the store's pool: its connection's queries have used these tables. */
static long
export_rows(struct store *s)
{
	struct store_tx *tx;
	struct store_q *q;
	long n = 0;
	int rc;

	assert_int_equal(store_begin(s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, SQL_ACCESS_USERS_BY_NAME, &q, "ittttttttni" "i",
	    (int64_t)1, "[1]", "Zstat%", NULL, NULL, NULL, NULL, NULL, NULL, (int64_t)-1,
	    (int64_t)0), 0);
	while ((rc = store_next(q)) == 1)
		n++;
	assert_int_equal(rc, 0);
	store_done(q);
	store_rollback(&tx);
	return n;
}

/* EXPLAIN QUERY PLAN of statement id on a fresh connection to path (which reads the
 * statistics as they are now), its lines joined by '|' into out. */
static void
plan_of(const char *path, int id, char *out, size_t outlen)
{
	bool portable;
	const char *sql = store_sql_text(id, STORE_DIALECT_SQLITE, &portable);
	char eqp[8192];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t len = 0;

	assert_non_null(sql);
	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, eqp, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && len < outlen) {
		int n = snprintf(out + len, outlen - len, "%s|", sqlite3_column_text(st, 3));

		len += n > 0 ? (size_t)n : 0;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The rows sqlite_stat1 counts for index idx (its first number), 0 when it has none. */
static long
stat_rows(const char *path, const char *idx)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long n = 0;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT stat FROM sqlite_stat1 WHERE idx = ?1", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, idx, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = strtol((const char *)sqlite3_column_text(st, 0), NULL, 10);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* The plans for large tables: the export's statement (users by last name) reads persons in
 * name order and each one's account and membership by key, with no Bloom filter (each one
 * a scan of all accounts, or all members, before the first row: a page of a search no
 * longer stops early); users by status read the index on (organisation, status), not
 * every account of every organisation. */
static bool
plans_for_large(const char *path)
{
	char by_name[4096], by_status[4096];

	plan_of(path, SQL_ACCESS_USERS_BY_NAME, by_name, sizeof(by_name));
	plan_of(path, SQL_ACCESS_USERS_BY_STATUS, by_status, sizeof(by_status));
	print_message("users by name: %s\n", by_name);
	print_message("users by status: %s\n", by_status);
	return strstr(by_name, "SEARCH a USING INDEX") != NULL && strstr(by_name, "BLOOM") == NULL &&
	    strstr(by_status, "SEARCH a USING INDEX account_status (org_id=? AND status=?)") != NULL;
}

static void
stale_statistics_refreshed(void **state)
{
	struct store_fixture *f = *state;
	sqlite3 *db;

	if (on_pg()) {
		/* PostgreSQL's autoanalyze keeps its statistics: nothing to do, and no error. */
		assert_int_equal(store_maintain(f->s), 0);
		return;
	}
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	/* The registry's persons, a quality of 8 members, and statistics taken then (the
	 * one-shot optimize of b71c1c8 at the demo's bulk load did this). */
	assert_int_equal(sqlite3_exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
	    "SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO person(id, niss, last_name, "
	    "first_name, created_at) SELECT 500000 + i, printf('96%09d', i), 'Reg' || i, 'B', "
	    "'2025-01-02T03:04:05Z' FROM n", NULL, NULL, NULL), SQLITE_OK);
	grow(db, 1, 8);
	assert_int_equal(sqlite3_exec(db, "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(stat_rows(f->path, "quality_member_account"), 8);
	assert_int_equal(export_rows(f->s), 8);
	/* The quality grows to 30,000 members; the statistics still say 8: plans for tiny
	 * tables (the trap). */
	grow(db, 9, 30000);
	sqlite3_close(db);
	assert_false(plans_for_large(f->path));
	/* The periodic pass: statistics of the grown tables taken again, the plan for large
	 * tables back. */
	assert_int_equal(store_maintain(f->s), 0);
	assert_true(plans_for_large(f->path));
	assert_true(stat_rows(f->path, "quality_member_account") > 1000);
	/* The store's own connections re-plan too: the export reads every member once. */
	assert_int_equal(export_rows(f->s), 30000);
	/* Nothing grew since: a second pass leaves the statistics as they are. */
	assert_int_equal(store_maintain(f->s), 0);
	assert_true(stat_rows(f->path, "quality_member_account") > 1000);
}

/* The checkpoint thread runs the pass by itself after 10,000 commits (OPT_COMMITS): the
 * statistics of the grown tables are refreshed with no call to store_maintain. */
static void
pass_after_commits(void **state)
{
	struct store_fixture *f = *state;
	sqlite3 *db;
	long n = 0;

	if (on_pg())
		return;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	grow(db, 1, 8);
	assert_int_equal(sqlite3_exec(db, "ANALYZE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(export_rows(f->s), 8);
	grow(db, 9, 20000);
	sqlite3_close(db);
	for (int i = 0; i < 10000; i++) {
		struct store_tx *tx;
		char v[16];

		snprintf(v, sizeof(v), "%d", i);
		assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
		assert_int_equal(store_exec(tx, SQL_SETTING_PUT, "tt", "stats.test", v), 1);
		assert_int_equal(store_commit(&tx), 0);
	}
	for (int t = 0; t < 200 && (n = stat_rows(f->path, "quality_member_account")) < 1000; t++)
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
	assert_true(n > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(stale_statistics_refreshed, &spec),
		STORE_FIXTURE_TEST(pass_after_commits, &spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
