/* test_audit.c — the store (migrations, transactions, bound parameters) and the audit
 * chain: intact, edited, missing in the middle, cut at the end, appended in rollback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

static const struct store_fixture_spec spec = { "audit", 2 };

static void
append(struct store *s, int n)
{
	for (int i = 0; i < n; i++) {
		struct store_tx *tx;
		char obj[32];
		struct audit_event ev = {
			.actor = "42", .actor_role = "GAP", .org = "0552627113", .object = obj,
			.action = "user.add", .details = "{\"b\":2,\"a\":[1,\"x\"]}",
			.source = "127.0.0.1", .request_id = "00ff00ff00ff00ff",
		};

		snprintf(obj, sizeof(obj), "user:%d", i);
		assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
		assert_int_equal(audit_append(tx, &ev), 0);
		assert_int_equal(store_commit(&tx), 0);
	}
}

/* Runs SQL as a person holding the database would: on a connection of its own, the
 * triggers that forbid changing the trail dropped first (SQLite or PostgreSQL). */
static void
tamper(struct store_fixture *f, const char *sql)
{
	char all[1024];

	if (store_is_pg(f->path)) {
		PGconn *pg = PQconnectdb(f->path);
		PGresult *res;

		snprintf(all, sizeof(all), "DROP TRIGGER IF EXISTS audit_event_no_update ON "
		    "audit_event; DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_event; %s",
		    sql);
		res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, all) : NULL;
		assert_true(res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(pg);
	} else {
		sqlite3 *db = NULL;

		snprintf(all, sizeof(all), "DROP TRIGGER IF EXISTS audit_event_no_update; "
		    "DROP TRIGGER IF EXISTS audit_event_no_delete; %s", sql);
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		sqlite3_busy_timeout(db, 30000);
		assert_int_equal(sqlite3_exec(db, all, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
}

static void
migrations_recorded(void **state)
{
	struct store_fixture *f = *state;
	char err[256];

	assert_true(store_schema_version(f->s) >= 1);
	/* Applying again applies nothing. */
	assert_int_equal(store_migrate(f->s, store_is_pg(f->path) ? "migrations/pg" : "migrations",
	    err, sizeof(err)), 0);
	assert_int_equal(store_migrate(f->s, "/nonexistent", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent"));
}

static void
chain_intact(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 0);
	append(f->s, 5);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 5);
	assert_int_equal(r.first_bad, 0);
}

static void
append_only_in_sql(void **state)
{
	struct store_fixture *f = *state;
	char cmd[512];

	append(f->s, 1);
	snprintf(cmd, sizeof(cmd), "sqlite3 %s \"UPDATE audit_event SET action='x'\" 2>/dev/null",
	    f->path);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "sqlite3 %s \"DELETE FROM audit_event\" 2>/dev/null", f->path);
	assert_int_not_equal(system(cmd), 0);
}

static void
edited_event_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 6);
	tamper(f, "UPDATE audit_event SET actor='43' WHERE seq=4");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 4);
	assert_non_null(strstr(r.reason, "changed"));
}

static void
details_edit_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 3);
	tamper(f, "UPDATE audit_event SET details='{\"a\":[1,\"y\"],\"b\":2}' WHERE seq=2");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 2);
}

static void
recomputed_hash_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	/* Someone rewrites event 2 and its hash: event 3 no longer points to it. */
	append(f->s, 4);
	tamper(f, "UPDATE audit_event SET hash='" "ab" "' || substr(hash, 3) WHERE seq=2");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 2);
}

static void
missing_event_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 5);
	tamper(f, "DELETE FROM audit_event WHERE seq=3");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 3);
	assert_non_null(strstr(r.reason, "missing"));
}

static void
cut_end_found(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;

	append(f->s, 5);
	tamper(f, "DELETE FROM audit_event WHERE seq=5");
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 1);
	assert_int_equal(r.first_bad, 5);
}

static void
rolled_back_event_absent(void **state)
{
	struct store_fixture *f = *state;
	struct audit_report r;
	struct store_tx *tx;
	struct audit_event ev = { .action = "quality.activate" };

	append(f->s, 2);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(audit_append(tx, &ev), 0);
	store_rollback(&tx);
	append(f->s, 1);
	assert_int_equal(audit_verify(f->s, test_arena(), &r), 0);
	assert_int_equal(r.events, 3);
}

static void
bad_details_refused(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	struct audit_event ev = { .action = "x", .details = "[1,2]" };
	struct audit_event ev2 = { .action = "x", .details = "{\"a\":1,\"a\":2}" };
	struct audit_event ev3 = { .action = NULL };

	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(audit_append(tx, &ev), -1);
	assert_int_equal(audit_append(tx, &ev2), -1);
	assert_int_equal(audit_append(tx, &ev3), -1);
	store_rollback(&tx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(migrations_recorded, &spec),
		STORE_FIXTURE_TEST(chain_intact, &spec),
		STORE_FIXTURE_TEST(append_only_in_sql, &spec),
		STORE_FIXTURE_TEST(edited_event_found, &spec),
		STORE_FIXTURE_TEST(details_edit_found, &spec),
		STORE_FIXTURE_TEST(recomputed_hash_found, &spec),
		STORE_FIXTURE_TEST(missing_event_found, &spec),
		STORE_FIXTURE_TEST(cut_end_found, &spec),
		STORE_FIXTURE_TEST(rolled_back_event_absent, &spec),
		STORE_FIXTURE_TEST(bad_details_refused, &spec),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
