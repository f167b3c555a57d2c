/* fuzz_registry_rows.c — libFuzzer driver for the persons and legal functions files
 * (reg_rows.c on the rows of kbo_csv.c): arbitrary bytes as one file of either layout (the
 * first byte chooses). Every row is checked; an accepted row must hold normalised values
 * (NISS and numbers that parse back to themselves, ISO dates, codes from the lists), a
 * refused one a reason, and no check may read past its row.
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_registry_rows.c
 *   src/registry/reg_rows.c src/registry/kbo_csv.c src/registry/kbo_value.c
 *   src/be/niss.c src/be/enterprise.c src/base/utf8.c -lcsv -o build/fuzz_registry_rows
 * Run:   build/fuzz_registry_rows -max_total_time=60 -max_len=4096 corpus/
 * Seeds: demo/persons.csv with a 0 byte in front, demo/functions.csv with a 1 byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "be/be.h"
#include "registry/reg_rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static bool
iso_date(const char *s)
{
	char again[11];

	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' && reg_date(s, 10, again) == 0 &&
	    memcmp(again, s, 11) == 0;
}

static bool
niss_ok(const char *s)
{
	struct be_niss n;

	return strlen(s) == 11 && be_niss_parse(s, &n) == BE_OK && strcmp(n.digits, s) == 0;
}

static bool
enterprise_ok(const char *s)
{
	char again[11];

	return strlen(s) == 10 && be_enterprise_parse(s, again) == BE_OK &&
	    strcmp(again, s) == 0;
}

static int
person_row(void *ud, const struct kbo_row *row)
{
	struct reg_person_row p;
	char reason[REG_REASON_MAX], buf[REG_ROW_BUF];

	(void)ud;
	check(row->n == REG_PERSON_NCOLS);
	reason[0] = '\0';
	if (reg_person_row_check(row, buf, &p, reason, sizeof(reason)) != 0) {
		check(reason[0] != '\0');
		return 0;
	}
	check(niss_ok(p.niss));
	check(p.last_name != NULL && p.first_names != NULL);
	check(p.birth_date[0] == '\0' || iso_date(p.birth_date));
	check(p.sex[0] == '\0' || strchr("MFX", p.sex[0]) != NULL);
	check(p.language[0] == '\0' || strcmp(p.language, "fr") == 0 ||
	    strcmp(p.language, "nl") == 0 || strcmp(p.language, "de") == 0 ||
	    strcmp(p.language, "en") == 0);
	check(strlen(p.country) == 2 && p.country[0] >= 'A' && p.country[0] <= 'Z' &&
	    p.country[1] >= 'A' && p.country[1] <= 'Z');
	return 0;
}

static int
function_row(void *ud, const struct kbo_row *row)
{
	struct reg_function_row f;
	char reason[REG_REASON_MAX], buf[REG_ROW_BUF];

	(void)ud;
	check(row->n == REG_FUNCTION_NCOLS);
	reason[0] = '\0';
	if (reg_function_row_check(row, buf, &f, reason, sizeof(reason)) != 0) {
		check(reason[0] != '\0');
		return 0;
	}
	check(enterprise_ok(f.enterprise));
	check((f.rep_niss[0] == '\0') != (f.rep_enterprise[0] == '\0'));
	check(f.rep_niss[0] == '\0' || niss_ok(f.rep_niss));
	check(f.rep_enterprise[0] == '\0' || (enterprise_ok(f.rep_enterprise) &&
	    strcmp(f.rep_enterprise, f.enterprise) != 0));
	check(f.code != NULL && strlen(f.code) >= 1 && strlen(f.code) <= REG_CODE_MAX);
	check(f.label != NULL);
	check(iso_date(f.begin));
	check(f.end[0] == '\0' || (iso_date(f.end) && strcmp(f.end, f.begin) > 0));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool persons;
	struct kbo_csv *r;

	if (size < 1)
		return 0;
	persons = (data[0] & 1) == 0;
	r = persons ? kbo_csv_new("persons.csv", reg_person_cols, REG_PERSON_NCOLS, person_row,
	    NULL) : kbo_csv_new("functions.csv", reg_function_cols, REG_FUNCTION_NCOLS,
	    function_row, NULL);
	check(r != NULL);
	if (kbo_csv_feed(r, (const char *)data + 1, size - 1) == 0)
		kbo_csv_end(r);
	kbo_csv_free(r);
	return 0;
}
