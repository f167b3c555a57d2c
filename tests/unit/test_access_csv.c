/* test_access_csv.c — the CSV writer of the user export (RFC 4180): byte order mark,
 * both separators, quoting of separators, quotes, CR and LF, CRLF row ends, formula-like
 * cells defused, empty and NULL fields, UTF-8 kept, chunked streaming to the sink, a sink
 * that fails; and the NISS as the export prints it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "access/export.h"
#include "be/be.h"

struct sink {
	char *data;
	size_t n, calls, fail_after;
};

static int
collect(void *arg, const char *data, size_t len)
{
	struct sink *s = arg;
	char *nd;

	s->calls++;
	if (s->fail_after && s->calls > s->fail_after)
		return -1;
	nd = realloc(s->data, s->n + len + 1);
	if (nd == NULL)
		return -1;
	s->data = nd;
	memcpy(s->data + s->n, data, len);
	s->n += len;
	s->data[s->n] = '\0';
	return 0;
}

static char *
write_rows(char sep, const char *const *cells, size_t ncells, size_t per_row, bool bom)
{
	struct csv_writer w;
	struct sink s = { 0 };

	csvw_init(&w, sep, collect, &s);
	if (bom)
		assert_int_equal(csvw_bom(&w), 0);
	for (size_t i = 0; i < ncells; i++) {
		assert_int_equal(csvw_field(&w, cells[i]), 0);
		if ((i + 1) % per_row == 0)
			assert_int_equal(csvw_row_end(&w), 0);
	}
	assert_int_equal(csvw_finish(&w), 0);
	return s.data ? s.data : strdup("");
}

static void
plain_and_bom(void **state)
{
	static const char *const cells[] = { "Nom", "Prénom", "Dubois", "Claire" };
	char *out;

	(void)state;
	out = write_rows(';', cells, 4, 2, true);
	assert_string_equal(out, "\xEF\xBB\xBFNom;Prénom\r\nDubois;Claire\r\n");
	free(out);
	out = write_rows(',', cells, 4, 2, false);
	assert_string_equal(out, "Nom,Prénom\r\nDubois,Claire\r\n");
	free(out);
	/* Anything but ',' is ';'. */
	out = write_rows('\t', cells, 2, 2, false);
	assert_string_equal(out, "Nom;Prénom\r\n");
	free(out);
}

static void
quoting(void **state)
{
	static const char *const cells[] = {
		"a;b", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "", NULL, "\"",
	};
	char *out;

	(void)state;
	out = write_rows(';', cells, 8, 8, false);
	/* With ';' a comma needs no quotes; with ',' it does, and ';' does not. */
	assert_string_equal(out, "\"a;b\";a,b;\"say \"\"hi\"\"\";\"two\nlines\";\"cr\rhere\";;;"
	    "\"\"\"\"\r\n");
	free(out);
	out = write_rows(',', cells, 2, 2, false);
	assert_string_equal(out, "a;b,\"a,b\"\r\n");
	free(out);
}

/* OWASP's list of the first characters a spreadsheet may read as a formula ends with the
 * carriage return (0x0D): defused as the tab, and undone alike at an import. */
static void
formula_after_cr_defused(void **state)
{
	static const char *const cells[] = { "\r=HYPERLINK(\"http://x\")", "cr\r" };
	char *out;

	(void)state;
	out = write_rows(';', cells, 2, 2, false);
	assert_string_equal(out, "\"'\r=HYPERLINK(\"\"http://x\"\")\";\"cr\r\"\r\n");
	free(out);
}

static void
formulas_defused(void **state)
{
	static const char *const cells[] = { "=SUM(A1)", "+32 2", "-1", "@x", "\tt", "a=b",
	    "=\"x;y\"" };
	char *out;

	(void)state;
	out = write_rows(';', cells, 7, 7, false);
	assert_string_equal(out, "'=SUM(A1);'+32 2;'-1;'@x;'\tt;a=b;\"'=\"\"x;y\"\"\"\r\n");
	free(out);
}

static void
streaming_in_chunks(void **state)
{
	struct csv_writer w;
	struct sink s = { 0 };
	char cell[100];
	size_t rows = 5000;

	(void)state;
	memset(cell, 'x', sizeof(cell) - 1);
	cell[sizeof(cell) - 1] = '\0';
	csvw_init(&w, ';', collect, &s);
	for (size_t i = 0; i < rows; i++) {
		assert_int_equal(csvw_field(&w, cell), 0);
		assert_int_equal(csvw_field(&w, "y"), 0);
		assert_int_equal(csvw_row_end(&w), 0);
	}
	assert_int_equal(csvw_finish(&w), 0);
	assert_int_equal(s.n, rows * (99 + 1 + 1 + 2));
	/* Streamed: many sink calls, none larger than about a chunk. */
	assert_true(s.calls >= s.n / (CSVW_CHUNK + 200));
	assert_true(s.calls > 1);
	free(s.data);
}

static void
huge_cell_and_failing_sink(void **state)
{
	struct csv_writer w;
	struct sink s = { 0 };
	size_t n = 600 * 1024;
	char *big = malloc(n + 1);

	(void)state;
	memset(big, 'z', n);
	big[n] = '\0';
	csvw_init(&w, ';', collect, &s);
	assert_int_equal(csvw_field(&w, big), 0);
	assert_int_equal(csvw_row_end(&w), 0);
	assert_int_equal(csvw_finish(&w), 0);
	assert_int_equal(s.n, n + 2);
	free(s.data);
	/* A sink that refuses: the writer says so and stops. */
	memset(&s, 0, sizeof(s));
	s.fail_after = 1;
	csvw_init(&w, ';', collect, &s);
	for (int i = 0; i < 3000; i++) {
		csvw_field(&w, big + n - 100);
		csvw_row_end(&w);
	}
	assert_int_equal(csvw_finish(&w), -1);
	free(s.data);
	free(big);
}

static void
niss_as_exported(void **state)
{
	char out[16];

	(void)state;
	be_niss_format("85073003328", out);
	assert_string_equal(out, "85.07.30-033.28");
	be_niss_format("98472899765", out);
	assert_string_equal(out, "98.47.28-997.65");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_bom),
		cmocka_unit_test(quoting),
		cmocka_unit_test(formulas_defused),
		cmocka_unit_test(formula_after_cr_defused),
		cmocka_unit_test(streaming_in_chunks),
		cmocka_unit_test(huge_cell_and_failing_sink),
		cmocka_unit_test(niss_as_exported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
