/* test_registry_search.c — the registry's name search gives the same answers on both
 * backends (SQLite's FTS5, PostgreSQL's GIN index): vectors for accents, case, prefixes,
 * several words and punctuation, on the demo extract plus a few names of their own. Run
 * as is (SQLite) and with PORTIER_TEST_PG (make unit-pg): one table of expected answers. */
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
#include "store/backend.h"
#include "store/store.h"
#include "store_fixture.h"

/* Names added to demo enterprises (a type 003 denomination each). */
static const char *const extra[] = {
	"\"1099.005.545\",\"1\",\"003\",\"Ñandú Çà et Là – Île-de-France\"",
	"\"1099.014.552\",\"2\",\"003\",\"A.B.C.-Bouw b.v.b.a.\"",
	"\"1099.023.559\",\"1\",\"003\",\"L’Atelier d'Ieteren & Fils\"",
	"\"1099.024.648\",\"4\",\"003\",\"www.foo.be / jean-pierre@mail.be\"",
	"\"1099.019.007\",\"3\",\"003\",\"Łódź Straße Œuvre ÆRØ\"",
	"\"1099.021.381\",\"2\",\"003\",\"Garage 3,5 1e10 123abc\"",
	"\"1099.010.196\",\"1\",\"003\",\"ÉCOLE SUPÉRIEURE D’ÉTUDES\"",
};

/* A query and the enterprise numbers it finds, in the order registry_search gives them
 * (active first, by name, by number), space-separated; "" for none. */
struct vector {
	const char *query;
	const char *numbers;
};

static const struct vector vectors[] = {
	/* accents and case, both ways */
	{ "nandu", "1099005545" },
	{ "ÑANDÚ", "1099005545" },
	{ "çà", "1099005545" },
	{ "ile de france", "1099005545" },
	{ "Île-de-France", "1099005545" },
	{ "lodz", "" },   /* ł is a letter of its own (no decomposition) */
	{ "ŁÓDŹ", "1099019007" },
	{ "łodz", "1099019007" },
	{ "ecole superieure", "1099010196" },
	{ "École Supérieure d’Études", "1099010196" },
	{ "societe generale materiel medical", "1099026826" },
	{ "HORGERATE", "1099020292" },
	/* letters that are not an accented letter stay themselves (as FTS5 folds them) */
	{ "straße", "1099019007" },
	{ "strasse", "" },
	{ "œuvre", "1099019007" },
	{ "oeuvre", "" },
	{ "ærø", "1099019007" },
	{ "aero", "" },
	/* prefixes: the last word only, from 3 characters */
	{ "kine", "1099029103" },
	{ "kinesitherapie namur", "1099029103" },
	{ "kinesi namur", "" },
	{ "namur kinesi", "1099029103" },
	{ "ETUD", "1099010196" },
	{ "123", "1099021381" },
	{ "ie", "" },
	{ "zorgt", "1099001189" },
	{ "zorgt distributie", "" },
	/* several words, any order; an establishment's name finds its enterprise */
	{ "distributie zorgtech", "1099001189" },
	{ "medidistri liege", "1099002278" },
	{ "etudes ecole", "1099010196" },
	{ "ecole zorgtech", "" },
	/* punctuation separates words; a quoted word of several tokens is a phrase */
	{ "a.b.c.", "1099014552" },
	{ "abc bouw", "" },
	{ "a b c bouw", "1099014552" },
	{ "b.v.b.a.", "1099014552" },
	{ "bvba", "" },
	{ "l’atelier", "1099023559" },
	{ "l'atelier", "1099023559" },
	{ "atelier l", "1099023559" },
	{ "d'ieteren fils", "1099023559" },
	{ "ieteren’d", "" },
	{ "mail.be", "1099024648" },
	{ "jean pierre", "1099024648" },
	{ "foo www", "1099024648" },
	{ "3,5", "1099021381" },
	{ "1e10", "1099021381" },
	{ "123abc", "1099021381" },
	{ "\"zorgtech\" AND (distributie*) -", "" },
	{ "zorgtech: distributie!", "1099001189" },
	{ "zorgtech –", "1099001189" },
	{ "& / –", "" },
	{ "  -- ", "" },
	/* several enterprises: active first, then by name */
	{ "pharma", "1099012374 1029026082 1099028014 1099008812" },
	{ "medidistri", "1099002278" },
};

struct fixture {
	struct store_fixture fx;
	struct arena *a;
};

static struct fixture F;

/* demo/kbo copied into the fixture's folder, with the extra names. */
static int
write_extract(char *dir, size_t dirlen)
{
	static const char *const files[] = {
		"meta", "code", "enterprise", "establishment", "denomination", "address",
		"contact", "activity", "branch",
	};
	char from[256], to[512], buf[4096];

	if (snprintf(dir, dirlen, "%s/kbo", F.fx.dir) >= (int)dirlen || mkdir(dir, 0700) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *in, *out;
		size_t n;
		int rc = 0;

		snprintf(from, sizeof(from), "demo/kbo/%s.csv", files[i]);
		snprintf(to, sizeof(to), "%s/%s.csv", dir, files[i]);
		in = fopen(from, "rb");
		out = fopen(to, "wb");
		if (in == NULL || out == NULL)
			rc = -1;
		while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, n, out) != n)
				rc = -1;
		if (rc == 0 && strcmp(files[i], "denomination") == 0)
			for (size_t k = 0; k < sizeof(extra) / sizeof(extra[0]); k++)
				if (fprintf(out, "%s\n", extra[k]) < 0)
					rc = -1;
		if (in != NULL)
			fclose(in);
		if (out != NULL && fclose(out) != 0)
			rc = -1;
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int
group_setup(void **state)
{
	struct kbo_import_opts ko = { .quiet = true };
	char dir[256], err[1024] = "";

	(void)state;
	if (store_fixture_open(&F.fx, "regs", 2) != 0)
		return -1;
	if (write_extract(dir, sizeof(dir)) != 0 ||
	    kbo_import(F.fx.s, dir, &ko, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "import: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return store_fixture_close(&F.fx);
}

/* The numbers registry_search finds for text, as in struct vector. */
static void
found(const char *text, char *out, size_t outlen)
{
	struct reg_enterprise r[20];
	struct store_tx *tx;
	struct arena *a = arena_new(0);
	size_t total, k = 0;
	int n;

	assert_non_null(a);
	assert_int_equal(store_begin(F.fx.s, STORE_READ, &tx), 0);
	n = registry_search(tx, a, text, "fr", 0, 20, r, &total);
	store_rollback(&tx);
	assert_true(n >= 0);
	assert_int_equal((size_t)n, total);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, outlen - k, "%s%s", i > 0 ? " " : "", r[i].number);
	arena_free(a);
}

static void
vectors_answer(void **state)
{
	char got[512];
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		found(vectors[i].query, got, sizeof(got));
		if (strcmp(got, vectors[i].numbers) != 0) {
			fprintf(stderr, "search '%s': got '%s', expected '%s'\n", vectors[i].query,
			    got, vectors[i].numbers);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* On PostgreSQL, the search statement can be served by the name index: with sequential
 * scans priced out, its plan uses kbo_denomination_words (the expression of query_sql.c
 * and of the migration's index are the same). Skipped on SQLite (FTS5 is the index). */
static void
index_serves_search_on_pg(void **state)
{
	const char *steps[] = { "SET enable_seqscan = off", NULL, NULL };
	char prepare[4096];
	const char *text;
	bool portable;
	PGconn *pg;
	PGresult *res;
	bool used = false;
	size_t k = 0;

	(void)state;
	if (getenv("PORTIER_TEST_PG") == NULL || getenv("PORTIER_TEST_PG")[0] == '\0')
		skip();
	text = store_sql_text(SQL_REGQ_SEARCH, STORE_DIALECT_PG, &portable);
	assert_non_null(text);
	k = (size_t)snprintf(prepare, sizeof(prepare), "PREPARE s(text, bigint) AS ");
	for (const char *p = text; *p != '\0' && k + 2 < sizeof(prepare); p++)
		prepare[k++] = *p == '?' ? '$' : *p;
	prepare[k] = '\0';
	steps[1] = prepare;
	pg = PQconnectdb(F.fx.path);
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	for (int i = 0; steps[i] != NULL; i++) {
		res = PQexec(pg, steps[i]);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fail_msg("%s: %s", steps[i], PQerrorMessage(pg));
		PQclear(res);
	}
	res = PQexec(pg, "EXPLAIN EXECUTE s('\"zorgtech\" \"distri\"*', 1001)");
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	for (int r = 0; r < PQntuples(res); r++)
		used = used || strstr(PQgetvalue(res, r, 0), "kbo_denomination_words") != NULL;
	PQclear(res);
	PQfinish(pg);
	assert_true(used);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_answer),
		cmocka_unit_test(index_serves_search_on_pg),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
