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

/* Runs sql on a connection of its own (SQLite or PostgreSQL), as a person holding the
 * database would; 0 when it ran, -1 when the database refused it. */
static int
raw_sql(struct store_fixture *f, const char *sql)
{
	int rc = -1;

	if (store_is_pg(f->path)) {
		PGconn *pg = PQconnectdb(f->path);
		PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;

		if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK))
			rc = 0;
		PQclear(res);
		PQfinish(pg);
	} else {
		sqlite3 *db = NULL;

		if (sqlite3_open(f->path, &db) == SQLITE_OK &&
		    sqlite3_busy_timeout(db, 30000) == SQLITE_OK &&
		    sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
			rc = 0;
		sqlite3_close(db);
	}
	return rc;
}

/* Runs sql as a person holding the database would, the triggers that forbid changing the
 * trail dropped first. */
static void
tamper(struct store_fixture *f, const char *sql)
{
	char all[1024];
	const char *on = store_is_pg(f->path) ? " ON audit_event" : "";

	snprintf(all, sizeof(all), "DROP TRIGGER IF EXISTS audit_event_no_update%s; "
	    "DROP TRIGGER IF EXISTS audit_event_no_delete%s; %s", on, on, sql);
	assert_int_equal(raw_sql(f, all), 0);
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

	append(f->s, 1);
	/* The triggers refuse both, on either backend; a SELECT goes through (the check
	 * itself can pass). */
	assert_int_equal(raw_sql(f, "SELECT count(*) FROM audit_event"), 0);
	assert_int_equal(raw_sql(f, "UPDATE audit_event SET action='x'"), -1);
	assert_int_equal(raw_sql(f, "DELETE FROM audit_event"), -1);
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
