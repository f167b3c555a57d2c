/* test_people_import.c — `portier import persons` and `portier import functions` as
 * services: every kind of invalid row reported as file:line: reason with nothing applied
 * (the previous content stays), malformed files refused whole, --skip-invalid storing the
 * valid rows and writing the rejects with their reason, the table replaced on success. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "registry/functions_import.h"
#include "registry/kbo_import.h"
#include "registry/persons_import.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"
#include "test_arena.h"

#define PERSONS_HEADER "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\"," \
	"\"Country\"\n"
#define FUNCTIONS_HEADER "\"EnterpriseNumber\",\"RepresentativeNISS\"," \
	"\"RepresentativeEnterpriseNumber\",\"FunctionCode\",\"FunctionLabel\",\"BeginDate\"," \
	"\"EndDate\"\n"
#define ZORGTECH "1099001189"
#define TODAY "2026-11-28"

static struct store_fixture F;
static char messages[64 * 1024];
static int nmessages;

static void
collect(void *arg, const char *m)
{
	size_t n = strlen(messages);

	(void)arg;
	snprintf(messages + n, sizeof(messages) - n, "%s\n", m);
	nmessages++;
}

static struct reg_import_opts
opts(bool skip, const char *rejects)
{
	struct reg_import_opts o = { .skip_invalid = skip, .rejects = rejects,
	    .report = collect };

	messages[0] = '\0';
	nmessages = 0;
	return o;
}

/* Writes text to dir/name and returns the path (static, one at a time per name slot). */
static const char *
file(const char *name, const char *text)
{
	static char paths[4][256];
	static int k;
	char *p = paths[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", F.dir, name);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}

static char *
slurp(const char *path)
{
	static char buf[16 * 1024];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int
count_persons(void)
{
	static const char *const niss[] = { "85073003328", "17073003384", "90022800193",
	    "72110512256", "65041808787" };
	struct arena *a = arena_new(0);
	struct store_tx *tx;
	struct reg_person p;
	int n = 0;

	assert_int_equal(store_begin(F.s, STORE_READ, &tx), 0);
	for (size_t i = 0; i < sizeof(niss) / sizeof(niss[0]); i++)
		n += registry_person(tx, a, niss[i], &p) == 0;
	store_rollback(&tx);
	arena_free(a);
	return n;
}

static int
zorgtech_functions(void)
{
	struct arena *a = arena_new(0);
	struct store_tx *tx;
	struct reg_function *f;
	int n;

	assert_int_equal(store_begin(F.s, STORE_READ, &tx), 0);
	n = registry_current_functions(tx, a, ZORGTECH, TODAY, &f);
	store_rollback(&tx);
	arena_free(a);
	return n;
}

static int
group_setup(void **state)
{
	struct kbo_import_opts ko = { .quiet = true };
	char err[1024] = "";

	(void)state;
	if (store_fixture_open(&F, "people", 2) != 0)
		return -1;
	if (registry_empty(F.s) != 1 ||
	    kbo_import(F.s, "demo/kbo", &ko, NULL, err, sizeof(err)) != 0 || registry_empty(F.s) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return store_fixture_close(&F);
}

/* Loads the demo persons and functions: the "previous content" of each test. */
static int
setup(void **state)
{
	struct reg_import_result r;
	char err[1024];

	(void)state;
	if (persons_import(F.s, test_arena(), "demo/persons.csv", NULL, &r, err, sizeof(err)) != 0 ||
	    r.rows != 11 ||
	    functions_import(F.s, test_arena(), "demo/functions.csv", NULL, &r, err, sizeof(err)) != 0 ||
	    r.rows != 38) {
		fprintf(stderr, "demo: %s\n", err);
		return -1;
	}
	return 0;
}

/* Imports text as persons and expects a refusal naming each line: reason. */
static void
persons_refused(const char *text, const char *expect)
{
	struct reg_import_opts o = opts(false, NULL);
	struct reg_import_result r;
	const char *path = file("p.csv", text);
	char err[1024], want[512];

	assert_int_equal(persons_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s", path, expect);
	if (strstr(messages, want) == NULL && strstr(err, want) == NULL)
		fail_msg("expected \"%s\"\nmessages: %s\nerr: %s", want, messages, err);
	assert_int_equal(count_persons(), 5);
}

static void
functions_refused(const char *text, const char *expect)
{
	struct reg_import_opts o = opts(false, NULL);
	struct reg_import_result r;
	const char *path = file("f.csv", text);
	char err[1024], want[512];

	assert_int_equal(functions_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s", path, expect);
	if (strstr(messages, want) == NULL && strstr(err, want) == NULL)
		fail_msg("expected \"%s\"\nmessages: %s\nerr: %s", want, messages, err);
	assert_int_equal(zorgtech_functions(), 2);
}

#define OK_PERSON "\"85073003328\",\"Peeters\",\"Jan\",1985-07-30,\"M\",\"nl\",\"BE\"\n"
#define OK_FUNCTION "\"1099.001.189\",\"85.07.30-033.28\",,\"ADM\",\"Administrateur\"," \
	"2014-03-17,\n"

static void
test_persons_invalid_rows(void **state)
{
	(void)state;
	persons_refused(PERSONS_HEADER OK_PERSON
	    "\"85073003329\",\"Peeters\",\"Jan\",1985-07-30,\"M\",\"nl\",\"BE\"\n",
	    "3: NISS: check digits do not match");
	persons_refused(PERSONS_HEADER "\"8507300332\",\"A\",\"B\",,,,\"BE\"\n",
	    "2: NISS: wrong number of digits");
	persons_refused(PERSONS_HEADER ",\"A\",\"B\",,,,\"BE\"\n", "2: NISS is empty");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",1985-07-31,,,\"BE\"\n",
	    "2: BirthDate does not match the birth date in the NISS");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",1985-02-30,,,\"BE\"\n",
	    "2: BirthDate \"1985-02-30\": not a date");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",30/07/1985,,,\"BE\"\n",
	    "2: BirthDate \"30/07/1985\": not a date");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",,\"Q\",,\"BE\"\n",
	    "2: Sex \"Q\": M, F or X expected");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",,,\"es\",\"BE\"\n",
	    "2: Language \"es\": fr, nl, de or en expected");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",,,,\"BEL\"\n",
	    "2: Country \"BEL\": a two-letter ISO 3166 code expected");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"  \",\"Jan\",,,,\"BE\"\n",
	    "2: LastName is empty");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Pee\tters\",\"Jan\",,,,\"BE\"\n",
	    "2: LastName is empty, has a control character");
	persons_refused(PERSONS_HEADER OK_PERSON "\"17073003384\",\"Dubois\",\"Claire\",,,,\"BE\"\n"
	    "\"85.07.30-033.28\",\"Peeters\",\"Jan\",,,,\"BE\"\n",
	    "4: the same NISS is already given on line 2");
	/* Every invalid row is reported, not only the first. */
	persons_refused(PERSONS_HEADER "\"1\",\"A\",\"B\",,,,\"BE\"\n" OK_PERSON
	    "\"2\",\"A\",\"B\",,,,\"BE\"\n", "4: NISS: wrong number of digits");
	assert_int_equal(nmessages, 2);
	assert_non_null(strstr(messages, ":2: NISS"));
	/* A NISS is never quoted in a message. */
	assert_null(strstr(messages, "\"1\""));
}

static void
test_functions_invalid_rows(void **state)
{
	(void)state;
	functions_refused(FUNCTIONS_HEADER OK_FUNCTION
	    "\"1099.001.188\",\"85073003328\",,\"ADM\",\"Administrateur\",2014-03-17,\n",
	    "3: EnterpriseNumber \"1099.001.188\": check digits do not match");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003327\",,\"ADM\",\"Administrateur\",2014-03-17,\n",
	    "2: RepresentativeNISS: check digits do not match");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",,\"1099.005.546\",\"ADM\",\"Administrateur\",2014-03-17,\n",
	    "2: RepresentativeEnterpriseNumber \"1099.005.546\": check digits do not match");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003328\",,\"ADM\",\"Administrateur\",2020-02-30,\n",
	    "2: BeginDate \"2020-02-30\": not a date");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003328\",,\"ADM\",\"Administrateur\",2020-01-01,2019-12-31\n",
	    "2: EndDate 2019-12-31 is not after BeginDate 2020-01-01");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003328\",,\"ADM\",\"Administrateur\",,\n",
	    "2: BeginDate is empty");
	/* A valid number that is not in the KBO registry. */
	functions_refused(FUNCTIONS_HEADER
	    "\"0552.627.113\",\"85073003328\",,\"ADM\",\"Administrateur\",2014-03-17,\n",
	    "2: unknown enterprise 0552.627.113");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",,\"0552.627.113\",\"ADM\",\"Administrateur\",2014-03-17,\n",
	    "2: unknown representing enterprise 0552.627.113");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003328\",\"1099.005.545\",\"ADM\",\"Adm\",2014-03-17,\n",
	    "2: give the representative either as RepresentativeNISS or as "
	    "RepresentativeEnterpriseNumber, not both");
	functions_refused(FUNCTIONS_HEADER "\"1099.001.189\",,,\"ADM\",\"Adm\",2014-03-17,\n",
	    "2: give the representative either as RepresentativeNISS or as "
	    "RepresentativeEnterpriseNumber, none is given");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",,\"1099.001.189\",\"ADM\",\"Adm\",2014-03-17,\n",
	    "2: an enterprise cannot represent itself");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003328\",,\"AD M\",\"Adm\",2014-03-17,\n",
	    "2: FunctionCode \"AD M\"");
	functions_refused(FUNCTIONS_HEADER
	    "\"1099.001.189\",\"85073003328\",,\"ADM\",,2014-03-17,\n", "2: FunctionLabel is empty");
	/* The same function twice, the NISS written differently. */
	functions_refused(FUNCTIONS_HEADER OK_FUNCTION
	    "\"BE 1099001189\",\"85073003328\",,\"ADM\",\"Administrateur\",17-03-2014,\n",
	    "3: the same function of the same representative from the same day is already "
	    "given on line 2");
}

static void
test_malformed_files(void **state)
{
	struct reg_import_opts o;
	struct reg_import_result r;
	char err[1024];
	const char *path;

	(void)state;
	/* Broken quoting: refused whole, even with --skip-invalid. */
	functions_refused(FUNCTIONS_HEADER OK_FUNCTION
	    "\"1099.001.189\",\"850730\"03328\",,\"ADM\",\"Adm\",2014-03-17,\n",
	    "3: broken quoting");
	o = opts(true, NULL);
	path = file("q.csv", FUNCTIONS_HEADER OK_FUNCTION "\"1099.001.189\",\"8507\"x,,,,,\n");
	assert_int_equal(functions_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: broken quoting"));
	assert_int_equal(zorgtech_functions(), 2);
	/* A quote left open until the end. */
	functions_refused(FUNCTIONS_HEADER OK_FUNCTION "\"1099.001.189\",\"8507300\n",
	    "3: quoted field not closed");
	/* Wrong header, missing column, too many fields, empty file. */
	functions_refused("\"Enterprise\",\"RepresentativeNISS\",\"RepresentativeEnterpriseNumber\","
	    "\"FunctionCode\",\"FunctionLabel\",\"BeginDate\",\"EndDate\"\n" OK_FUNCTION,
	    "1: unexpected column 1 \"Enterprise\", expected \"EnterpriseNumber\"");
	persons_refused("\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\"\n",
	    "1: missing column 7 \"Country\"");
	persons_refused(PERSONS_HEADER "\"85073003328\",\"Peeters\",\"Jan\",,,,\"BE\",\"x\"\n",
	    "2: 8 fields, expected 7");
	persons_refused("", "1: empty file: no header");
	/* Not UTF-8. */
	persons_refused(PERSONS_HEADER "\"85073003328\",\"P\xe9" "eters\",\"Jan\",,,,\"BE\"\n",
	    "2: LastName is not valid UTF-8 text");
	/* Missing file. */
	o = opts(false, NULL);
	assert_int_equal(persons_import(F.s, test_arena(), "/nonexistent/p.csv", &o, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/p.csv: cannot open"));
	assert_int_equal(count_persons(), 5);
}

static void
test_skip_invalid(void **state)
{
	struct reg_import_opts o = opts(true, NULL);
	struct reg_import_result r;
	char err[1024], rejects[300];
	const char *path, *text;

	(void)state;
	path = file("skip.csv", FUNCTIONS_HEADER OK_FUNCTION
	    "\"1099.001.188\",\"85073003328\",,\"ADM\",\"Administrateur\",2014-03-17,\n"
	    "\"1099.002.278\",\"17073003384\",,\"GER\",\"G\xc3\xa9rant \"\"X\"\"\",2009-06-01,\n"
	    "\"0552.627.113\",\"85073003328\",,\"ADM\",\"Administrateur\",2014-03-17,\n");
	assert_int_equal(functions_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rows, 2);
	assert_int_equal(r.rejected, 2);
	snprintf(rejects, sizeof(rejects), "%s.rejected.csv", path);
	assert_string_equal(r.rejects, rejects);
	assert_int_equal(nmessages, 2);
	text = slurp(rejects);
	assert_non_null(text);
	assert_string_equal(text,
	    "\"EnterpriseNumber\",\"RepresentativeNISS\",\"RepresentativeEnterpriseNumber\","
	    "\"FunctionCode\",\"FunctionLabel\",\"BeginDate\",\"EndDate\",\"Line\",\"Reason\"\n"
	    "\"1099.001.188\",\"85073003328\",,\"ADM\",\"Administrateur\",\"2014-03-17\",,\"3\","
	    "\"EnterpriseNumber \"\"1099.001.188\"\": check digits do not match\"\n"
	    "\"0552.627.113\",\"85073003328\",,\"ADM\",\"Administrateur\",\"2014-03-17\",,\"5\","
	    "\"unknown enterprise 0552.627.113: not in the KBO registry (import the KBO "
	    "extract first)\"\n");
	/* The valid rows replaced the previous functions. */
	assert_int_equal(zorgtech_functions(), 1);

	/* --rejects FILE; no invalid row: no rejects file at all. */
	o = opts(true, NULL);
	snprintf(rejects, sizeof(rejects), "%s/mine.csv", F.dir);
	o.rejects = rejects;
	path = file("skip2.csv", PERSONS_HEADER OK_PERSON "\"1\",\"A\",\"B\",,,,\"BE\"\n");
	assert_int_equal(persons_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rows, 1);
	assert_int_equal(r.rejected, 1);
	assert_string_equal(r.rejects, rejects);
	assert_non_null(strstr(slurp(rejects), "\"1\",\"A\",\"B\",,,,\"BE\",\"3\",\"NISS: wrong"));
	assert_int_equal(count_persons(), 1);
	unlink(rejects);
	o = opts(true, NULL);
	o.rejects = rejects;
	path = file("skip3.csv", PERSONS_HEADER OK_PERSON);
	assert_int_equal(persons_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rejected, 0);
	assert_string_equal(r.rejects, "");
	assert_int_equal(access(rejects, F_OK), -1);
}

/* A rejects file whose path is longer than the 1 KiB the result once held: written and
 * named whole (issue 12 part 5). */
static void
test_long_rejects_path(void **state)
{
	struct reg_import_opts o = opts(true, NULL);
	struct reg_import_result r;
	char dir[1400], rejects[1500], err[1024];
	size_t cut[5];
	const char *path;

	(void)state;
	/* Five nested folders of 240 characters each. */
	assert_true(strlen(F.dir) < 100);
	memcpy(dir, F.dir, strlen(F.dir) + 1);
	for (int i = 0; i < 5; i++) {
		size_t n = strlen(dir);

		cut[i] = n;
		dir[n] = '/';
		memset(dir + n + 1, 'd' + i, 240);
		dir[n + 241] = '\0';
		assert_int_equal(mkdir(dir, 0700), 0);
	}
	snprintf(rejects, sizeof(rejects), "%s/rejected.csv", dir);
	assert_true(strlen(rejects) > 1024);
	o.rejects = rejects;
	path = file("long.csv", PERSONS_HEADER OK_PERSON "\"1\",\"A\",\"B\",,,,\"BE\"\n");
	assert_int_equal(persons_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rejected, 1);
	assert_string_equal(r.rejects, rejects);
	assert_int_equal(access(rejects, R_OK), 0);
	assert_int_equal(unlink(rejects), 0);
	for (int i = 4; i >= 0; i--) {
		assert_int_equal(rmdir(dir), 0);
		dir[cut[i]] = '\0';
	}
}

static void
test_replace_and_formats(void **state)
{
	struct reg_import_opts o = opts(false, NULL);
	struct reg_import_result r;
	char err[1024];
	const char *path;

	(void)state;
	/* CRLF line ends, a byte order mark, dd-mm-yyyy dates, formatted numbers, lower case. */
	path = file("crlf.csv", "\xef\xbb\xbf" "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\","
	    "\"Sex\",\"Language\",\"Country\"\r\n"
	    "\"85.07.30-033.28\",\"Peeters\",\"Jan\",30-07-1985,\"m\",\"NL\",\"be\"\r\n"
	    "\"17 07 30 033 84\",\"Dubois\",\"Claire\",,,,\"BE\"\r\n");
	assert_int_equal(persons_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rows, 2);
	assert_int_equal(count_persons(), 2);
	{
		struct arena *a = arena_new(0);
		struct store_tx *tx;
		struct reg_person p;

		assert_int_equal(store_begin(F.s, STORE_READ, &tx), 0);
		assert_int_equal(registry_person(tx, a, "85073003328", &p), 0);
		assert_string_equal(p.birth_date, "1985-07-30");
		assert_string_equal(p.sex, "M");
		assert_string_equal(p.language, "nl");
		assert_string_equal(p.country, "BE");
		assert_int_equal(registry_person(tx, a, "17073003384", &p), 0);
		assert_null(p.birth_date);
		assert_null(p.sex);
		store_rollback(&tx);
		arena_free(a);
	}
	/* A header-only file empties the table. */
	path = file("empty.csv", FUNCTIONS_HEADER);
	assert_int_equal(functions_import(F.s, test_arena(), path, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rows, 0);
	assert_int_equal(zorgtech_functions(), 0);
}

static void
test_many_invalid(void **state)
{
	static char text[64 * 1024];
	struct reg_import_opts o = opts(false, NULL);
	struct reg_import_result r;
	char err[1024];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "%s", PERSONS_HEADER);
	for (int i = 0; i < 150; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\"1\",\"A\",\"B\",,,,\"BE\"\n");
	assert_int_equal(persons_import(F.s, test_arena(), file("many.csv", text), &o, &r, err, sizeof(err)), -1);
	assert_int_equal(nmessages, 100);
	assert_non_null(strstr(err, "150 invalid rows"));
	assert_int_equal(count_persons(), 5);
}

/* The import records' applied_at (reg_import, kbo_extract) come from the service's clock
 * (docs/store-contract.md, rule 3): with the clock 1,095 days back, a persons import and
 * a KBO extract applied again are dated then, not today. */
static void
test_times_follow_the_clock(void **state)
{
	struct reg_import_opts o = opts(false, NULL);
	struct kbo_import_opts ko = { .quiet = true, .force = true };
	struct reg_import_result r;
	struct clock_fixture c;
	char err[1024] = "", sql[256];
	int64_t n[3];

	(void)state;
	assert_int_equal(clock_fixture_back(&c), 0);
	assert_int_equal(persons_import(F.s, test_arena(), file("clock.csv", PERSONS_HEADER
	    "\"75050501191\",\"Horloge\",\"Henri\",1975-05-05,\"M\",\"fr\",\"BE\"\n"), &o, &r,
	    err, sizeof(err)), 0);
	assert_int_equal(kbo_import(F.s, "demo/kbo", &ko, NULL, err, sizeof(err)), 0);
	assert_int_equal(clock_fixture_end(&c), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM reg_import WHERE source = 'clock.csv' "
	    "AND applied_at < '%s'", c.before);
	n[0] = store_fixture_count(&F, sql);
	/* The extract applied again, not the group's first one (applied today). */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM kbo_extract WHERE id = (SELECT "
	    "max(id) FROM kbo_extract) AND applied_at < '%s'", c.before);
	n[1] = store_fixture_count(&F, sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM kbo_extract WHERE applied_at < '%s'",
	    c.before);
	n[2] = store_fixture_count(&F, sql);
	/* All at once: a failure shows both tables. */
	snprintf(sql, sizeof(sql), "reg_import %lld, kbo_extract %lld of %lld", (long long)n[0],
	    (long long)n[1], (long long)n[2]);
	assert_string_equal(sql, "reg_import 1, kbo_extract 1 of 1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_persons_invalid_rows, setup),
		cmocka_unit_test_setup(test_functions_invalid_rows, setup),
		cmocka_unit_test_setup(test_malformed_files, setup),
		cmocka_unit_test_setup(test_skip_invalid, setup),
		cmocka_unit_test_setup(test_long_rejects_path, setup),
		cmocka_unit_test_setup(test_replace_and_formats, setup),
		cmocka_unit_test_setup(test_many_invalid, setup),
		cmocka_unit_test(test_times_follow_the_clock),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
