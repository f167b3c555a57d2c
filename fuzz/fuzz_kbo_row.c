/* fuzz_kbo_row.c — libFuzzer driver for the KBO Open Data row reader (kbo_csv.c with
 * kbo_value.c): arbitrary bytes as one file of any official layout. Every row handed on
 * must hold normalised values, and feeding the bytes in pieces must give the same rows
 * and the same first error as feeding them whole.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_kbo_row.c
 *   src/registry/kbo_csv.c src/registry/kbo_value.c src/registry/kbo_files.c
 *   src/be/enterprise.c src/base/utf8.c -lcsv -o build/fuzz_kbo_row
 * Run:   build/fuzz_kbo_row -max_total_time=60 -max_len=4096 corpus/
 * Seeds: the files of tests/data/kbo-open-data-0147-update, each with its layout
 *   byte in front (see layout() below). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "registry/kbo_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

struct seen {
	const struct kbo_column *cols;
	int ncols;
	unsigned long rows;
	unsigned long last_line;
	uint64_t sum;          /* of the values, to compare two readings */
};

static int
on_row(void *ud, const struct kbo_row *row)
{
	struct seen *s = ud;
	char back[11];

	check(row->n == s->ncols);
	check(row->line >= 2 && row->line > s->last_line);
	s->last_line = row->line;
	for (int k = 0; k < row->n; k++) {
		const char *v = row->val[k];
		size_t n = row->len[k];

		if (v == NULL) {
			check(!s->cols[k].required);
			continue;
		}
		check(n > 0 && v[n] == '\0' && n <= KBO_RECORD_MAX);
		switch (s->cols[k].kind) {
		case KBO_TEXT:
			check(utf8_valid(v, n));
			break;
		case KBO_ENTERPRISE:
			check(n == 10 && be_enterprise_parse(v, back) == BE_OK);
			check(memcmp(back, v, 10) == 0);
			break;
		case KBO_ESTABLISHMENT:
			check(n == 10 && be_establishment_parse(v, back) == BE_OK);
			break;
		case KBO_ENTITY:
			check(n == 10 && (be_enterprise_parse(v, back) == BE_OK ||
			    be_establishment_parse(v, back) == BE_OK));
			break;
		case KBO_BRANCH:
			check(n == 10 && digits(v, 10));
			break;
		case KBO_DATE: {
			char dmy[11];

			/* Back to the file's form, and through the parser again. */
			check(n == 10 && v[4] == '-' && v[7] == '-');
			memcpy(dmy, v + 8, 2);
			dmy[2] = '-';
			memcpy(dmy + 3, v + 5, 2);
			dmy[5] = '-';
			memcpy(dmy + 6, v, 4);
			check(kbo_date_iso(dmy, 10, back) == 0 && memcmp(back, v, 10) == 0);
			break;
		}
		}
		for (size_t i = 0; i < n; i++)
			s->sum = s->sum * 131 + (unsigned char)v[i];
	}
	s->rows++;
	return 0;
}

/* The layout byte: a table's file, or its delete file. */
static void
layout(uint8_t b, const struct kbo_column **cols, int *ncols)
{
	const struct kbo_table *t = &kbo_tables[(b >> 1) % KBO_NTABLES];

	if ((b & 1) && t->key != NULL) {
		*cols = t->key;
		*ncols = 1;
	} else {
		*cols = t->cols;
		*ncols = t->ncols;
	}
}

/* Reads the bytes in pieces of step; returns the reader's result, error copied. */
static int
read_all(const uint8_t *data, size_t size, size_t step, struct seen *s, char err[512])
{
	struct kbo_csv *r = kbo_csv_new("f.csv", s->cols, s->ncols, on_row, s);
	int rc = 0;

	check(r != NULL);
	for (size_t i = 0; i < size && rc == 0; i += step)
		rc = kbo_csv_feed(r, (const char *)data + i, size - i < step ? size - i : step);
	if (rc == 0)
		rc = kbo_csv_end(r);
	memcpy(err, kbo_csv_error(r), strlen(kbo_csv_error(r)) + 1);
	check(rc == 0 ? err[0] == '\0' : strncmp(err, "f.csv:", 6) == 0);
	kbo_csv_free(r);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole = { 0 }, pieces;
	char err1[512], err2[512];
	size_t step;
	int rc1, rc2;

	if (size < 2)
		return 0;
	layout(data[0], &whole.cols, &whole.ncols);
	step = 1 + data[1] % 17;
	data += 2;
	size -= 2;
	pieces = whole;
	rc1 = read_all(data, size, size ? size : 1, &whole, err1);
	rc2 = read_all(data, size, step, &pieces, err2);
	check(rc1 == rc2 && whole.rows == pieces.rows && whole.sum == pieces.sum);
	check(strcmp(err1, err2) == 0);
	return 0;
}
