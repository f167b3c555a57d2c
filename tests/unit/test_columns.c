/* test_columns.c — named result columns (docs/store-contract.md, rule 9): a statement's
 * declared columns are compared with the database's when it is prepared, on SQLite and,
 * under PORTIER_TEST_PG (make unit-pg), on PostgreSQL; a reordered SELECT is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "store_fixture.h"

#include "store/sql_table.h"

/* The test's statements, in ids no module uses (test_store_pg.c has 5900 on). */
enum {
	C_FIRST = 5800,
	C_GOOD = C_FIRST,   /* the columns as declared */
	C_REORDERED,        /* the same list declared, two columns swapped in the SELECT */
	C_FEWER,            /* one column fewer than declared */
	C_UNDECLARED,       /* gives rows, declares none */
	C_EXPR,             /* an expression named by its alias */
	C_INSERT,           /* INSERT … RETURNING id */
	C_END
};

#define C_ROW_COLS(X) X(C_ROW_ID, id) X(C_ROW_NAME, name) X(C_ROW_CREATED_AT, created_at)
SQL_COLUMNS(C_ROW_COLS);
#define C_COUNT_COLS(X) X(C_COUNT_N, n)
SQL_COLUMNS(C_COUNT_COLS);

static const char *const c_text[C_END - C_FIRST] = {
	[C_GOOD - C_FIRST] = "SELECT id, name, created_at FROM t_col ORDER BY id",
	[C_REORDERED - C_FIRST] = "SELECT name, id, created_at FROM t_col ORDER BY id",
	[C_FEWER - C_FIRST] = "SELECT id, name FROM t_col ORDER BY id",
	[C_UNDECLARED - C_FIRST] = "SELECT id FROM t_col",
	[C_EXPR - C_FIRST] = "SELECT count(*) AS n FROM t_col",
	[C_INSERT - C_FIRST] =
	    "INSERT INTO t_col(id, name, created_at) VALUES (?1, ?2, ?3) RETURNING id",
};
static const char *const c_cols[C_END - C_FIRST] = {
	[C_GOOD - C_FIRST] = SQL_COLS(C_ROW_COLS),
	[C_REORDERED - C_FIRST] = SQL_COLS(C_ROW_COLS),
	[C_FEWER - C_FIRST] = SQL_COLS(C_ROW_COLS),
	[C_EXPR - C_FIRST] = SQL_COLS(C_COUNT_COLS),
	[C_INSERT - C_FIRST] = "id,",
};
static const struct sql_table c_table = { C_FIRST, C_END - C_FIRST, c_text, c_cols };
/* The good statements only: what a start with consistent declarations checks. */
static const char *const c_good_text[C_END - C_FIRST] = {
	[C_GOOD - C_FIRST] = "SELECT id, name, created_at FROM t_col ORDER BY id",
	[C_EXPR - C_FIRST] = "SELECT count(*) AS n FROM t_col",
};
static const struct sql_table c_good = { C_FIRST, C_END - C_FIRST, c_good_text, c_cols };

static int
setup(void **state)
{
	struct store_fixture *f = store_fixture_new("columns", 2);
	struct store_tx *tx = NULL;
	char err[256];

	if (f == NULL)
		return -1;
	if (store_begin(f->s, STORE_WRITE, &tx) != 0 ||
	    store_script(tx, "CREATE TABLE t_col(id bigint PRIMARY KEY, name text, "
	    "created_at text)", err, sizeof(err)) != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		store_fixture_free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	store_fixture_free(*state);
	return 0;
}

/* The constants follow the list, and the declaration is the list's names. */
static void
macros_give_constants_and_names(void **state)
{
	(void)state;
	assert_int_equal(C_ROW_ID, 0);
	assert_int_equal(C_ROW_NAME, 1);
	assert_int_equal(C_ROW_CREATED_AT, 2);
	assert_string_equal(SQL_COLS(C_ROW_COLS), "id,name,created_at,");
}

/* Rows read by name; an INSERT … RETURNING id declares its one column. */
static void
declared_columns_read(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int64_t id = 0;

	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_insert(tx, C_INSERT, &id, "itt", (int64_t)7, "seven", "t7"), 1);
	assert_int_equal(id, 7);
	assert_int_equal(store_query(tx, C_GOOD, &q, ""), 0);
	assert_int_equal(store_next(q), 1);
	assert_int_equal(store_int(q, C_ROW_ID), 7);
	assert_string_equal(store_text(q, C_ROW_NAME), "seven");
	assert_string_equal(store_text(q, C_ROW_CREATED_AT), "t7");
	store_done(q);
	assert_int_equal(store_query(tx, C_EXPR, &q, ""), 0);
	assert_int_equal(store_next(q), 1);
	assert_int_equal(store_int(q, C_COUNT_N), 1);
	store_done(q);
	store_rollback(&tx);
}

/* A SELECT whose columns are not in the declared order, or not all there, is refused
 * when prepared: its rows are never read by the wrong names. */
static void
reordered_select_refused(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;

	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, C_REORDERED, &q, ""), -1);
	store_rollback(&tx);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, C_FEWER, &q, ""), -1);
	store_rollback(&tx);
	/* Refused again at the next use: a refused statement is not kept. */
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, C_REORDERED, &q, ""), -1);
	store_rollback(&tx);
	/* The connection serves on. */
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, C_GOOD, &q, ""), 0);
	store_done(q);
	store_rollback(&tx);
}

/* A statement that gives rows and declares no columns is not read. */
static void
undeclared_read_refused(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;

	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, C_UNDECLARED, &q, ""), -1);
	store_rollback(&tx);
}

/* The check a start makes: the first statement that differs, named with both lists. */
static void
start_check_names_the_statement(void **state)
{
	struct store_fixture *f = *state;
	char err[900] = "";

	assert_int_equal(store_check_columns(f->s, &c_table, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "statement 5801"));
	assert_non_null(strstr(err, "SELECT name, id"));
	assert_non_null(strstr(err, "declares the columns id,name,created_at"));
	assert_non_null(strstr(err, "the database gives name,id,created_at"));
	assert_int_equal(store_check_columns(f->s, &c_good, err, sizeof(err)), 0);
	/* Every module's statements against the real schema (the fixture did it too). */
	assert_int_equal(store_modules_check(f->s, 0, err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(macros_give_constants_and_names),
		cmocka_unit_test(declared_columns_read),
		cmocka_unit_test(reordered_select_refused),
		cmocka_unit_test(undeclared_read_refused),
		cmocka_unit_test(start_check_names_the_statement),
	};

	if (store_register(&c_table, NULL) != 0) {
		fprintf(stderr, "test_columns: statements not registered\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
