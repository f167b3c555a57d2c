/* test_kbo_load.c — the bulk path of the KBO import (store_load: prepared INSERTs on SQLite,
 * COPY on PostgreSQL) on both backends: a refused row is named by its line, the rows before
 * it are written and the ones after it are not, the transaction goes on; a full extract with
 * a duplicate in the middle of a batch is refused naming that line and leaves the previous
 * extract's rows as they were; values with tabs, backslashes and newlines arrive intact.
 * Run as is (SQLite) and with PORTIER_TEST_PG (make unit-pg). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "registry/kbo_import.h"
#include "registry/query_sql.h"
#include "registry/registry.h"
#include "registry/sql.h"
#include "store/store.h"
#include "store_fixture.h"

static struct store_fixture *
fx(void **state)
{
	return *state;
}

static int
setup(void **state)
{
	*state = store_fixture_new("kload", 2);
	return *state != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	return store_fixture_free(*state);
}

/* Enterprise row r of a load: its number, then text values, extract 1, line 100 + r. */
static void
enterprise_row(struct store_val *v, const char *number, const char *status, int r)
{
	const char *text[7] = { number, status, "000", "2", "610", NULL, "2014-03-17" };

	for (int k = 0; k < 7; k++)
		v[k] = (struct store_val){ .p = text[k], .len = text[k] ? strlen(text[k]) : 0 };
	v[7] = (struct store_val){ .i = 1, .integer = true };
	v[8] = (struct store_val){ .i = 100 + r, .integer = true };
}

static bool
enterprise_exists(struct store_tx *tx, const char *number)
{
	struct store_q *q;
	int rc;

	assert_int_equal(store_query(tx, SQL_REGP_ENTERPRISE_EXISTS, &q, "t", number), 0);
	rc = store_next(q);
	store_done(q);
	assert_true(rc >= 0);
	return rc == 1;
}

/* store_load itself: row 2 repeats row 0's number. */
static void
load_names_refused_row(void **state)
{
	static const char *const nums[5] = {
		"1099001189", "1099002278", "1099001189", "1099003367", "1099004456",
	};
	struct store_val v[5 * 9];
	struct store_tx *tx;
	int bad = 99;

	for (int r = 0; r < 5; r++)
		enterprise_row(v + r * 9, nums[r], "AC", r);
	assert_int_equal(store_bulk_begin(fx(state)->s, &tx), 0);
	assert_int_equal(store_load(tx, SQL_KBO_ENTERPRISE_LOAD, v, 9, 5, &bad), -2);
	assert_int_equal(bad, 2);
	assert_true(enterprise_exists(tx, "1099001189"));
	assert_true(enterprise_exists(tx, "1099002278"));
	assert_false(enterprise_exists(tx, "1099003367"));
	assert_false(enterprise_exists(tx, "1099004456"));
	/* The transaction goes on: the rest loads and commits. */
	assert_int_equal(store_load(tx, SQL_KBO_ENTERPRISE_LOAD, v + 3 * 9, 9, 2, &bad), 2);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_begin(fx(state)->s, STORE_READ, &tx), 0);
	assert_true(enterprise_exists(tx, "1099003367"));
	assert_true(enterprise_exists(tx, "1099004456"));
	store_rollback(&tx);
}

/* The streamed load: a good file loads whole; a refused row ends it with -2, named at once
 * (SQLite, rows before it kept) or at the end with the whole load undone (PostgreSQL);
 * either way the transaction goes on. */
static void
stream_refused_then_usable(void **state)
{
	static const char *const nums[5] = {
		"1099001189", "1099002278", "1099001189", "1099003367", "1099004456",
	};
	struct store_val v[5 * 9];
	struct store_load *l;
	struct store_tx *tx;
	int bad = 99, rc;

	for (int r = 0; r < 5; r++)
		enterprise_row(v + r * 9, nums[r], "AC", r);
	assert_int_equal(store_bulk_begin(fx(state)->s, &tx), 0);
	assert_int_equal(store_load_begin(tx, SQL_KBO_ENTERPRISE_LOAD, 9, &l), 0);
	assert_int_equal(store_load_rows(l, v, 2, &bad), 0);
	rc = store_load_rows(l, v + 2 * 9, 3, &bad);
	assert_true(rc == 0 || (rc == -2 && bad == 0));
	assert_int_equal(store_load_end(&l), -2);
	assert_null(l);
	assert_int_equal(enterprise_exists(tx, "1099002278"), rc == -2);
	assert_false(enterprise_exists(tx, "1099003367"));
	/* The transaction goes on: a good load in it, then the commit. */
	assert_int_equal(store_load_begin(tx, SQL_KBO_ENTERPRISE_LOAD, 9, &l), 0);
	assert_int_equal(store_load_rows(l, v + 3 * 9, 2, &bad), 0);
	assert_int_equal(store_load_end(&l), 2);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_begin(fx(state)->s, STORE_READ, &tx), 0);
	assert_true(enterprise_exists(tx, "1099003367"));
	assert_true(enterprise_exists(tx, "1099004456"));
	store_rollback(&tx);
}

/* Texts with COPY's special characters arrive as they were sent; an empty text is not
 * NULL, a NULL is NULL. */
static void
load_keeps_special_texts(void **state)
{
	static const char *const names[] = {
		"Tab\there", "Back\\slash \\N", "New\nline\r\n", "", "Ünïcödé “quotes”",
	};
	struct store_val v[5 * 6];
	struct store_tx *tx;
	struct store_q *q;
	int bad = -1, n = 0;

	for (int r = 0; r < 5; r++) {
		struct store_val *row = v + r * 6;

		row[0] = (struct store_val){ .p = "1099001189", .len = 10 };
		row[1] = (struct store_val){ .p = r == 3 ? NULL : "1", .len = r == 3 ? 0 : 1 };
		row[2] = (struct store_val){ .p = "001", .len = 3 };
		row[3] = (struct store_val){ .p = names[r], .len = strlen(names[r]) };
		row[4] = (struct store_val){ .i = 1, .integer = true };
		row[5] = (struct store_val){ .i = r + 2, .integer = true };
	}
	assert_int_equal(store_bulk_begin(fx(state)->s, &tx), 0);
	assert_int_equal(store_load(tx, SQL_KBO_DENOMINATION_LOAD, v, 6, 5, &bad), 5);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_begin(fx(state)->s, STORE_READ, &tx), 0);
	/* number, code lang -> type, type label, language, language label, denomination */
	assert_int_equal(store_query(tx, SQL_REGQ_DENOMINATIONS, &q, "tt", "1099001189", "FR"), 0);
	while (store_next(q) == 1) {
		const char *d = store_text(q, 4);
		bool seen = false;

		for (int r = 0; r < 5; r++)
			seen = seen || strcmp(d, names[r]) == 0;
		if (!seen)
			fail_msg("denomination '%s' was not sent", d);
		if (strcmp(d, "") == 0)
			assert_true(store_null(q, 2));
		n++;
	}
	store_done(q);
	store_rollback(&tx);
	assert_int_equal(n, 5);
}

/* demo/kbo copied into dir, enterprise.csv's line dup_line replaced by a copy of line 3
 * and 40 enterprises added at its end. */
static void
write_extract(const char *dir, int dup_line)
{
	static const char *const files[] = {
		"meta", "code", "enterprise", "establishment", "denomination", "address",
		"contact", "activity", "branch",
	};
	char from[256], to[512], line[1024], third[1024] = "";

	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *in, *out;
		int n = 0;

		snprintf(from, sizeof(from), "demo/kbo/%s.csv", files[i]);
		snprintf(to, sizeof(to), "%s/%s.csv", dir, files[i]);
		in = fopen(from, "rb");
		out = fopen(to, "wb");
		assert_non_null(in);
		assert_non_null(out);
		while (fgets(line, sizeof(line), in) != NULL) {
			n++;
			if (n == 3)
				memcpy(third, line, strlen(line) + 1);
			if (strcmp(files[i], "enterprise") == 0 && n == dup_line)
				fputs(third, out);
			else
				fputs(line, out);
		}
		fclose(in);
		/* 40 more enterprises: enterprise.csv spans more than one 32-row group. */
		for (long k = 0; strcmp(files[i], "enterprise") == 0 && k < 40; k++) {
			long base = 10990500 + k;
			char num[48];   /* 10 digits; room for what -O1 cannot bound */

			snprintf(num, sizeof(num), "%08ld%02ld", base, 97 - base % 97);
			fprintf(out, "\"%.4s.%.3s.%.3s\",\"AC\",\"000\",\"2\",\"610\",,"
			    "01-01-2020\n", num, num + 4, num + 7);
		}
		assert_int_equal(fclose(out), 0);
	}
}

static size_t
found(struct store *s, const char *text)
{
	struct reg_enterprise r[4];
	struct arena *a = arena_new(0);
	size_t total = 0;
	bool capped;

	assert_non_null(a);
	assert_true(registry_find(s, a, text, "fr", 0, 4, r, &total, &capped) >= 0);
	arena_free(a);
	return total;
}

/* A duplicate at line 20 of enterprise.csv (in the middle of a batch, of a 32-row INSERT
 * before, of a COPY now): refused with that line, the extract before it untouched. */
static void
full_load_names_duplicate_line(void **state)
{
	struct kbo_import_opts o = { .quiet = true, .force = true };
	char good[256], bad[256], err[1024] = "";

	snprintf(good, sizeof(good), "%s/good", fx(state)->dir);
	snprintf(bad, sizeof(bad), "%s/bad", fx(state)->dir);
	write_extract(good, 0);
	write_extract(bad, 20);
	if (kbo_import(fx(state)->s, good, &o, NULL, err, sizeof(err)) != 0)
		fail_msg("good extract: %s", err);
	assert_int_equal(found(fx(state)->s, "zorgtech"), 1);
	assert_int_equal(kbo_import(fx(state)->s, bad, &o, NULL, err, sizeof(err)), -1);
	if (strstr(err, "enterprise.csv:20: EnterpriseNumber 1099001189 appears twice") == NULL)
		fail_msg("unexpected report: %s", err);
	/* Nothing of the refused extract: the good one's rows and names are all there. */
	assert_int_equal(found(fx(state)->s, "zorgtech"), 1);
	assert_int_equal(found(fx(state)->s, "pharma"), 4);
	assert_int_equal(found(fx(state)->s, "1099.020.292"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(load_names_refused_row, setup, teardown),
		cmocka_unit_test_setup_teardown(stream_refused_then_usable, setup, teardown),
		cmocka_unit_test_setup_teardown(load_keeps_special_texts, setup, teardown),
		cmocka_unit_test_setup_teardown(full_load_names_duplicate_line, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
