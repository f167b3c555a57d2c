/* test_be.c — unit tests of be/: NISS, enterprise, establishment and VAT numbers,
 * every refusal reason, and every number of the real KBO extract in tests/data. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "be/be.h"

/* Folder of the test data in the repository, from the repo root; PORTIER_TEST_DATA overrides it. */
#define TEST_DATA_DEFAULT	"tests/data"
#define KBO_UPDATE		"kbo-open-data-0147-update"

/*
 * The test builds its own numbers with the check digits computed here, so that a
 * case about dates or sequences reaches that check instead of failing the checksum.
 */
static void
niss_make(const char *nine, int born_2000, char out[12])
{
	long long n = 0;
	size_t i;

	assert_int_equal(strlen(nine), 9);
	for (i = 0; i < 9; i++)
		n = n * 10 + (nine[i] - '0');
	if (born_2000)
		n += 2000000000LL;
	snprintf(out, 12, "%s%02d", nine, (int)(97 - n % 97));
}

static void
kbo_make(const char *eight, char out[11])
{
	long n = 0;
	size_t i;

	assert_int_equal(strlen(eight), 8);
	for (i = 0; i < 8; i++)
		n = n * 10 + (eight[i] - '0');
	snprintf(out, 11, "%s%02d", eight, (int)(97 - n % 97));
}

static void
niss_refused(const char *in, enum be_reason want)
{
	struct be_niss n;
	enum be_reason got;

	got = be_niss_parse(in, &n);
	if (got != want)
		fail_msg("NISS \"%s\": reason %d, expected %d", in ? in : "(null)",
		    (int)got, (int)want);
}

static void
niss_ok(const char *in, struct be_niss *n)
{
	enum be_reason got;

	got = be_niss_parse(in, n);
	if (got != BE_OK)
		fail_msg("NISS \"%s\" refused, reason %d", in, (int)got);
}

typedef enum be_reason (*kbo_parser)(const char *, char[11]);

static void
kbo_expect(kbo_parser parse, const char *in, enum be_reason want, const char *digits)
{
	char out[11] = "";
	enum be_reason got;

	got = parse(in, out);
	if (got != want)
		fail_msg("\"%s\": reason %d, expected %d", in ? in : "(null)",
		    (int)got, (int)want);
	if (want == BE_OK && digits != NULL)
		assert_string_equal(out, digits);
}

/* ---- NISS ---- */

static void
test_niss_vectors(void **state)
{
	struct be_niss n;

	(void)state;
	niss_ok("85073003328", &n);
	assert_string_equal(n.digits, "85073003328");
	assert_int_equal(n.kind, BE_NISS_NATIONAL);
	assert_int_equal(n.birth_year, 1985);
	assert_int_equal(n.birth_month, 7);
	assert_int_equal(n.birth_day, 30);
	assert_int_equal(n.sequence, 33);
	assert_true(n.male);

	niss_ok("17073003384", &n);
	assert_string_equal(n.digits, "17073003384");
	assert_int_equal(n.kind, BE_NISS_NATIONAL);
	assert_int_equal(n.birth_year, 2017);
	assert_int_equal(n.birth_month, 7);
	assert_int_equal(n.birth_day, 30);

	niss_ok("98472899765", &n);
	assert_string_equal(n.digits, "98472899765");
	assert_int_equal(n.kind, BE_NISS_BIS);
	assert_int_equal(n.birth_year, 1998);
	assert_int_equal(n.birth_month, 7);
	assert_int_equal(n.birth_day, 28);
	assert_int_equal(n.sequence, 997);
	assert_true(n.male);

	/* out may be NULL */
	assert_int_equal(be_niss_parse("85073003328", NULL), BE_OK);
}

static void
test_niss_input_forms(void **state)
{
	static const char *const forms[] = {
		"85073003328",
		"85.07.30-033.28",
		"85 07 30 033 28",
		"85-07-30-033-28",
		"  85.07.30 - 033.28  ",
		"850730.033.28",
	};
	struct be_niss n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(&n, 0, sizeof(n));
		niss_ok(forms[i], &n);
		assert_string_equal(n.digits, "85073003328");
	}
}

static void
test_niss_format_mask(void **state)
{
	char out[16];

	(void)state;
	memset(out, '!', sizeof(out));
	be_niss_format("85073003328", out);
	assert_string_equal(out, "85.07.30-033.28");
	be_niss_format("98472899765", out);
	assert_string_equal(out, "98.47.28-997.65");

	memset(out, '!', sizeof(out));
	be_niss_mask("85073003328", out);
	assert_string_equal(out, "XX.XX.XX-XXX.28");
	be_niss_mask("17073003384", out);
	assert_string_equal(out, "XX.XX.XX-XXX.84");
	/* nothing of the birth date may leak */
	assert_null(strstr(out, "17"));
	assert_null(strstr(out, "07"));
	assert_null(strstr(out, "30"));
}

static void
test_niss_2000_rule(void **state)
{
	struct be_niss n;
	char d[12];

	(void)state;
	/* The same nine digits, checked for each century. */
	niss_make("170730033", 0, d);
	assert_string_equal(d, "17073003355");
	niss_ok(d, &n);
	assert_int_equal(n.birth_year, 1917);
	niss_make("170730033", 1, d);
	assert_string_equal(d, "17073003384");
	niss_ok(d, &n);
	assert_int_equal(n.birth_year, 2017);

	/* 29 Feb: 2000 is a leap year, 1900 is not; the century decides. */
	niss_make("000229001", 1, d);
	niss_ok(d, &n);
	assert_int_equal(n.birth_year, 2000);
	assert_int_equal(n.birth_month, 2);
	assert_int_equal(n.birth_day, 29);
	niss_make("000229001", 0, d);
	niss_refused(d, BE_DATE);
	niss_make("840229002", 0, d);
	niss_ok(d, &n);
	assert_int_equal(n.birth_year, 1984);
	assert_false(n.male);
	niss_make("010229002", 1, d);
	niss_refused(d, BE_DATE);
}

static void
test_niss_bis(void **state)
{
	struct be_niss n;
	char d[12];

	(void)state;
	/* month + 20: sex unknown when the number was given */
	niss_make("852730034", 0, d);
	niss_ok(d, &n);
	assert_int_equal(n.kind, BE_NISS_BIS);
	assert_int_equal(n.birth_year, 1985);
	assert_int_equal(n.birth_month, 7);
	assert_int_equal(n.birth_day, 30);
	assert_int_equal(n.sequence, 34);

	/* month + 40: sex known */
	niss_make("854730033", 0, d);
	niss_ok(d, &n);
	assert_int_equal(n.kind, BE_NISS_BIS);
	assert_int_equal(n.birth_month, 7);
	assert_true(n.male);

	/* BIS and 2000+ together, December */
	niss_make("055231123", 1, d);
	niss_ok(d, &n);
	assert_int_equal(n.kind, BE_NISS_BIS);
	assert_int_equal(n.birth_year, 2005);
	assert_int_equal(n.birth_month, 12);
	assert_int_equal(n.birth_day, 31);

	/* BIS with an unknown birth month and day */
	niss_make("852000045", 0, d);
	niss_ok(d, &n);
	assert_int_equal(n.kind, BE_NISS_BIS);
	assert_int_equal(n.birth_month, 0);
	assert_int_equal(n.birth_day, 0);
	niss_make("854000046", 0, d);
	niss_ok(d, &n);
	assert_int_equal(n.kind, BE_NISS_BIS);
	assert_int_equal(n.birth_month, 0);

	/* a BIS date is checked like any other: 30 Feb + 20 and + 40 */
	niss_make("852230033", 0, d);
	niss_refused(d, BE_DATE);
	niss_make("854230033", 0, d);
	niss_refused(d, BE_DATE);
}

static void
test_niss_unknown_date(void **state)
{
	struct be_niss n;
	char d[12];

	(void)state;
	niss_make("850000033", 0, d);
	niss_ok(d, &n);
	assert_int_equal(n.kind, BE_NISS_NATIONAL);
	assert_int_equal(n.birth_year, 1985);
	assert_int_equal(n.birth_month, 0);
	assert_int_equal(n.birth_day, 0);

	niss_make("850031033", 0, d);	/* month unknown, day known */
	niss_ok(d, &n);
	assert_int_equal(n.birth_month, 0);
	assert_int_equal(n.birth_day, 31);

	niss_make("850200033", 0, d);	/* month known, day unknown */
	niss_ok(d, &n);
	assert_int_equal(n.birth_month, 2);
	assert_int_equal(n.birth_day, 0);
}

static void
test_niss_refused(void **state)
{
	static const char *const bad_months[] = {
		"851301033", "851901033", "853301033", "853901033", "855301033",
		"856001033", "859901033",
	};
	char d[12];
	size_t i;

	(void)state;
	niss_refused(NULL, BE_EMPTY);
	niss_refused("", BE_EMPTY);
	niss_refused("   ", BE_EMPTY);
	niss_refused(".-. ", BE_EMPTY);

	niss_refused("85073003328a", BE_CHARS);
	niss_refused("85/07/30-033.28", BE_CHARS);
	niss_refused("85073003328\t", BE_CHARS);
	niss_refused("85,07,30,033,28", BE_CHARS);
	niss_refused("８5073003328", BE_CHARS);	/* full-width digit */

	niss_refused("8507300332", BE_LENGTH);
	niss_refused("850730033280", BE_LENGTH);
	niss_refused("8", BE_LENGTH);
	niss_refused("85073003328850730033288507300332885073003328", BE_LENGTH);

	niss_refused("85073003329", BE_CHECKSUM);
	niss_refused("85073003327", BE_CHECKSUM);
	niss_refused("58073003328", BE_CHECKSUM);
	niss_refused("17073003385", BE_CHECKSUM);
	niss_refused("98472899766", BE_CHECKSUM);
	niss_refused("00000000000", BE_CHECKSUM);

	niss_make("850230033", 0, d);	/* 30 Feb */
	niss_refused(d, BE_DATE);
	niss_make("850230033", 1, d);	/* 30 Feb 2085 */
	niss_refused(d, BE_DATE);
	niss_make("850431033", 0, d);	/* 31 Apr */
	niss_refused(d, BE_DATE);
	niss_make("850132033", 0, d);	/* day 32 */
	niss_refused(d, BE_DATE);
	niss_make("850099033", 0, d);	/* day 99, month unknown */
	niss_refused(d, BE_DATE);
	for (i = 0; i < sizeof(bad_months) / sizeof(bad_months[0]); i++) {
		niss_make(bad_months[i], 0, d);	/* month 13, 19, BIS 13, ... */
		niss_refused(d, BE_DATE);
	}

	niss_make("850730000", 0, d);
	niss_refused(d, BE_SEQUENCE);
	niss_make("850730999", 0, d);
	niss_refused(d, BE_SEQUENCE);
	niss_make("170730000", 1, d);
	niss_refused(d, BE_SEQUENCE);
	niss_make("984728999", 0, d);
	niss_refused(d, BE_SEQUENCE);
}

/* ---- enterprise, establishment, VAT ---- */

static void
test_enterprise_forms(void **state)
{
	static const char *const forms[] = {
		"0552.627.113",
		"0552627113",
		"BE 0552 627 113",
		"BE0552627113",
		"be 0552.627.113",
		"Be0552.627.113",
		"BE 0552.627.113",
		"BE-0552-627-113",
		"0552-627-113",
		"0552 627 113",
		"  0552.627.113  ",
		"552627113",
		"552.627.113",
		"BE 552.627.113",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		kbo_expect(be_enterprise_parse, forms[i], BE_OK, "0552627113");
	/* first digit 1, and out10 may be NULL */
	kbo_expect(be_enterprise_parse, "1012.706.130", BE_OK, "1012706130");
	assert_int_equal(be_enterprise_parse("0552.627.113", NULL), BE_OK);
}

static void
test_enterprise_refused(void **state)
{
	char d[11];

	(void)state;
	kbo_expect(be_enterprise_parse, NULL, BE_EMPTY, NULL);
	kbo_expect(be_enterprise_parse, "", BE_EMPTY, NULL);
	kbo_expect(be_enterprise_parse, "   ", BE_EMPTY, NULL);
	kbo_expect(be_enterprise_parse, "...", BE_EMPTY, NULL);

	kbo_expect(be_enterprise_parse, "0552.627.11x", BE_CHARS, NULL);
	kbo_expect(be_enterprise_parse, "0552/627/113", BE_CHARS, NULL);
	kbo_expect(be_enterprise_parse, "0552_627_113", BE_CHARS, NULL);
	kbo_expect(be_enterprise_parse, "FR0552627113", BE_CHARS, NULL);
	kbo_expect(be_enterprise_parse, "BEBE0552627113", BE_CHARS, NULL);
	kbo_expect(be_enterprise_parse, "0552627113BE", BE_CHARS, NULL);

	kbo_expect(be_enterprise_parse, "BE", BE_LENGTH, NULL);
	kbo_expect(be_enterprise_parse, "05526271", BE_LENGTH, NULL);
	kbo_expect(be_enterprise_parse, "05526271130", BE_LENGTH, NULL);
	kbo_expect(be_enterprise_parse, "0552.627.113.0552.627.113", BE_LENGTH, NULL);

	kbo_expect(be_enterprise_parse, "0552.627.114", BE_CHECKSUM, NULL);
	kbo_expect(be_enterprise_parse, "0552.627.131", BE_CHECKSUM, NULL);
	kbo_expect(be_enterprise_parse, "0525.627.113", BE_CHECKSUM, NULL);
	kbo_expect(be_enterprise_parse, "552627114", BE_CHECKSUM, NULL);

	/* establishment numbers and other first digits, with a valid check */
	kbo_expect(be_enterprise_parse, "2.190.171.611", BE_FIRST_DIGIT, NULL);
	kbo_make("95526271", d);
	kbo_expect(be_enterprise_parse, d, BE_FIRST_DIGIT, NULL);
	kbo_make("55526271", d);
	kbo_expect(be_enterprise_parse, d, BE_FIRST_DIGIT, NULL);
}

static void
test_establishment(void **state)
{
	static const char *const forms[] = {
		"2.190.171.611",
		"2190171611",
		"2 190 171 611",
		"2-190-171-611",
		" 2.190.171.611 ",
	};
	static const char *const firsts[] = {
		"01901716", "11901716", "91901716",
	};
	char d[11], out[14];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		kbo_expect(be_establishment_parse, forms[i], BE_OK, "2190171611");
	for (i = 2; i <= 8; i++) {	/* every allowed first digit */
		char eight[9];

		snprintf(eight, sizeof(eight), "%zu1901716", i);
		kbo_make(eight, d);
		kbo_expect(be_establishment_parse, d, BE_OK, d);
	}
	assert_int_equal(be_establishment_parse("2190171611", NULL), BE_OK);

	memset(out, '!', sizeof(out));
	be_establishment_format("2190171611", out);
	assert_string_equal(out, "2.190.171.611");

	kbo_expect(be_establishment_parse, "", BE_EMPTY, NULL);
	kbo_expect(be_establishment_parse, NULL, BE_EMPTY, NULL);
	kbo_expect(be_establishment_parse, "BE2190171611", BE_CHARS, NULL);
	kbo_expect(be_establishment_parse, "2.190.171.61a", BE_CHARS, NULL);
	kbo_expect(be_establishment_parse, "190171611", BE_LENGTH, NULL); /* no 9-digit form */
	kbo_expect(be_establishment_parse, "21901716110", BE_LENGTH, NULL);
	kbo_expect(be_establishment_parse, "2.190.171.612", BE_CHECKSUM, NULL);
	kbo_expect(be_establishment_parse, "0552.627.113", BE_FIRST_DIGIT, NULL);
	for (i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		kbo_make(firsts[i], d);
		kbo_expect(be_establishment_parse, d, BE_FIRST_DIGIT, NULL);
	}
}

static void
test_vat(void **state)
{
	static const char *const forms[] = {
		"BE0552627113",
		"BE 0552.627.113",
		"BE 0552 627 113",
		"be0552627113",
		"bE-0552-627-113",
		" BE0552627113 ",
		"BE552627113",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		kbo_expect(be_vat_parse, forms[i], BE_OK, "0552627113");
	assert_int_equal(be_vat_parse("BE0552627113", NULL), BE_OK);

	kbo_expect(be_vat_parse, NULL, BE_EMPTY, NULL);
	kbo_expect(be_vat_parse, "", BE_EMPTY, NULL);
	kbo_expect(be_vat_parse, "  ", BE_EMPTY, NULL);
	kbo_expect(be_vat_parse, "FR0552627113", BE_PREFIX, NULL);
	kbo_expect(be_vat_parse, "NL 0552.627.113", BE_PREFIX, NULL);
	kbo_expect(be_vat_parse, "0552627113", BE_PREFIX, NULL);
	kbo_expect(be_vat_parse, "0552.627.113", BE_PREFIX, NULL);
	kbo_expect(be_vat_parse, "#BE0552627113", BE_CHARS, NULL);
	kbo_expect(be_vat_parse, "BE0552627113x", BE_CHARS, NULL);
	kbo_expect(be_vat_parse, "BE", BE_LENGTH, NULL);
	kbo_expect(be_vat_parse, "BE 0552.627", BE_LENGTH, NULL);
	kbo_expect(be_vat_parse, "BE0552627114", BE_CHECKSUM, NULL);
	kbo_expect(be_vat_parse, "BE2190171611", BE_FIRST_DIGIT, NULL);
}

static void
test_kbo_format(void **state)
{
	char out[14];

	(void)state;
	memset(out, '!', sizeof(out));
	be_enterprise_format("0552627113", out);
	assert_string_equal(out, "0552.627.113");
	be_enterprise_format("1012706130", out);
	assert_string_equal(out, "1012.706.130");

	memset(out, '!', sizeof(out));
	be_vat_format("0552627113", out);
	assert_string_equal(out, "BE0552627113");
}

static void
test_reason_msgid(void **state)
{
	static const enum be_reason all[] = {
		BE_OK, BE_EMPTY, BE_CHARS, BE_LENGTH, BE_CHECKSUM, BE_DATE,
		BE_SEQUENCE, BE_FIRST_DIGIT, BE_PREFIX,
	};
	const size_t n = sizeof(all) / sizeof(all[0]);
	const char *fallback;
	size_t i, j;

	(void)state;
	assert_string_equal(be_reason_msgid(BE_CHECKSUM),
	    "Le numéro est invalide : les chiffres de contrôle ne correspondent pas.");
	fallback = be_reason_msgid((enum be_reason)99);
	assert_non_null(fallback);
	for (i = 0; i < n; i++) {
		const char *m = be_reason_msgid(all[i]);
		size_t len;

		assert_non_null(m);
		len = strlen(m);
		/* a full sentence: capital first, full stop last */
		assert_true(len > 10);
		assert_true(m[0] >= 'A' && m[0] <= 'Z');
		assert_int_equal(m[len - 1], '.');
		assert_string_not_equal(m, fallback);
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(m, be_reason_msgid(all[j]));
	}
}

/* ---- the real KBO extract ---- */

/*
 * Copies field k of a CSV line into out without its quotes. Quoted fields may
 * hold commas and doubled quotes (denominations do). Returns -1 when the line
 * has fewer fields or the field does not fit.
 */
static int
csv_field(const char *line, int k, char *out, size_t outsz)
{
	const char *p = line;
	size_t n = 0;
	int f = 0, quoted = 0;

	for (; *p != '\0' && *p != '\n' && *p != '\r'; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"')
				p++;
			else if (*p == '"') {
				quoted = 0;
				continue;
			}
		} else if (*p == '"') {
			quoted = 1;
			continue;
		} else if (*p == ',') {
			if (f == k)
				break;
			f++;
			continue;
		}
		if (f == k) {
			if (n + 1 >= outsz)
				return -1;
			out[n++] = *p;
		}
	}
	if (f != k)
		return -1;
	out[n] = '\0';
	return 0;
}

enum col_kind { COL_ENTITY, COL_ENTERPRISE, COL_ESTABLISHMENT };

static const struct {
	const char *name;
	enum col_kind kind;
} number_columns[] = {
	{ "EntityNumber", COL_ENTITY },
	{ "EnterpriseNumber", COL_ENTERPRISE },
	{ "EstablishmentNumber", COL_ESTABLISHMENT },
};

#define NCOLS	(sizeof(number_columns) / sizeof(number_columns[0]))
#define MAXFIELDS	32

struct kbo_count {
	size_t enterprises;
	size_t establishments;
	size_t files;		/* files with at least one number column */
};

static void
kbo_check_value(const char *file, size_t lineno, enum col_kind kind,
    const char *v, struct kbo_count *c)
{
	char d[11], shown[14];
	enum be_reason r;
	int establishment;

	establishment = kind == COL_ESTABLISHMENT ||
	    (kind == COL_ENTITY && v[0] >= '2' && v[0] <= '8');
	if (establishment) {
		r = be_establishment_parse(v, d);
		if (r == BE_OK)
			be_establishment_format(d, shown);
		c->establishments++;
	} else {
		r = be_enterprise_parse(v, d);
		if (r == BE_OK)
			be_enterprise_format(d, shown);
		c->enterprises++;
	}
	if (r != BE_OK)
		fail_msg("%s:%zu: \"%s\" refused, reason %d", file, lineno, v, (int)r);
	/* The official extract prints numbers exactly as we format them. */
	if (strcmp(shown, v) != 0)
		fail_msg("%s:%zu: \"%s\" formats as \"%s\"", file, lineno, v, shown);
}

static void
kbo_check_file(const char *path, const char *file, struct kbo_count *c)
{
	enum col_kind kinds[MAXFIELDS];
	int cols[MAXFIELDS];
	char name[64], v[64];
	char *line = NULL;
	size_t cap = 0, lineno = 1, i;
	int ncols = 0, f, k;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	if (getline(&line, &cap, fp) < 0)
		fail_msg("%s: no header line", path);
	for (f = 0; f < MAXFIELDS && csv_field(line, f, name, sizeof(name)) == 0; f++)
		for (i = 0; i < NCOLS; i++)
			if (strcmp(name, number_columns[i].name) == 0) {
				cols[ncols] = f;
				kinds[ncols] = number_columns[i].kind;
				ncols++;
			}
	if (ncols > 0)
		c->files++;
	while (ncols > 0 && getline(&line, &cap, fp) >= 0) {
		lineno++;
		for (k = 0; k < ncols; k++) {
			if (csv_field(line, cols[k], v, sizeof(v)) != 0)
				fail_msg("%s:%zu: no field %d", file, lineno, cols[k]);
			if (v[0] == '\0')	/* empty = NULL in the extract */
				continue;
			kbo_check_value(file, lineno, kinds[k], v, c);
		}
	}
	free(line);
	fclose(fp);
}

static int
kbo_csv_filter(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	/* code.csv holds code descriptions only, no numbers */
	return len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0 &&
	    strcmp(e->d_name, "code.csv") != 0;
}

static void
test_real_kbo_numbers(void **state)
{
	struct kbo_count c = { 0, 0, 0 };
	struct dirent **list;
	const char *base;
	char dir[1024], path[1300];
	int n, i;

	(void)state;
	base = getenv("PORTIER_TEST_DATA");
	if (base == NULL || *base == '\0')
		base = TEST_DATA_DEFAULT;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", base, KBO_UPDATE) >= sizeof(dir))
		fail_msg("PORTIER_TEST_DATA too long");
	n = scandir(dir, &list, kbo_csv_filter, alphasort);
	if (n < 0)
		fail_msg("cannot read %s (run from the repo root, or set "
		    "PORTIER_TEST_DATA to the test data folder)", dir);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    list[i]->d_name) >= sizeof(path))
			fail_msg("path too long: %s/%s", dir, list[i]->d_name);
		kbo_check_file(path, list[i]->d_name, &c);
		free(list[i]);
	}
	free(list);

	print_message("real KBO data: %zu enterprise and %zu establishment numbers "
	    "in %zu files\n", c.enterprises, c.establishments, c.files);
	assert_true(c.files >= 10);
	assert_true(c.establishments > 0);
	assert_true(c.enterprises + c.establishments > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_niss_vectors),
		cmocka_unit_test(test_niss_input_forms),
		cmocka_unit_test(test_niss_format_mask),
		cmocka_unit_test(test_niss_2000_rule),
		cmocka_unit_test(test_niss_bis),
		cmocka_unit_test(test_niss_unknown_date),
		cmocka_unit_test(test_niss_refused),
		cmocka_unit_test(test_enterprise_forms),
		cmocka_unit_test(test_enterprise_refused),
		cmocka_unit_test(test_establishment),
		cmocka_unit_test(test_vat),
		cmocka_unit_test(test_kbo_format),
		cmocka_unit_test(test_reason_msgid),
		cmocka_unit_test(test_real_kbo_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
