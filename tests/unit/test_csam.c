/* test_csam.c — the standard procedure (csam/designate.h), the /csam organisation view
 * (csam/org_view.h) and its co-GAPs (access/hierarchy.h) on a
 * small registry written here, with today pinned: every check in its order and with its
 * own outcome (no eID session, bad checksum, unknown, stopped, not a representative,
 * function ended yesterday, function starting tomorrow, already registered), the form's
 * checks, "Confirmer" once for a replayed token, the GAP replaced with the previous one
 * notified, co-GAPs added, listed and removed by the GAP only; refusals audited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/hierarchy.h"
#include "csam/org_view.h"
#include "csam/designate.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"
#include "value/value.h"

#define TODAY "2030-06-15"
#define YESTERDAY "2030-06-14"
#define TOMORROW "2030-06-16"

/* Enterprises: E1 active (A, B), E2 stopped (A), E3 unknown, E4 active (C ended
 * yesterday, D starts tomorrow), E5 represented by enterprise E6, which A represents. */
#define E1 "1200000163"
#define E2 "1200000262"
#define E3 "1200000361"
#define E4 "1200000460"
#define E5 "1200000559"
#define E6 "1200000658"
/* E7 (stopped) has a denomination of 850 bytes and a seat whose street has 600: longer
 * than the arrays that held them once (801 and 512 bytes). */
#define E7 "1200000757"
/* People: A..D and F log in (person table), E is only in the persons register. */
#define NISS_A "80010100107"
#define NISS_B "80010100206"
#define NISS_C "75050500302"
#define NISS_D "66060600480"
#define NISS_E "91090900550"
#define NISS_F "82020200621"

/* The registers, in the imports' formats (docs/registry-formats.md); E7's long
 * denomination and street are added at setup. */
static const char kbo_enterprises[] =
    "\"1200.000.163\",\"AC\",\"000\",\"2\",\"014\",,01-01-2001\n"
    "\"1200.000.262\",\"ST\",\"014\",\"2\",\"610\",,01-01-1995\n"
    "\"1200.000.460\",\"AC\",\"000\",\"2\",\"610\",,01-01-2010\n"
    "\"1200.000.559\",\"AC\",\"000\",\"2\",\"610\",,01-01-2012\n"
    "\"1200.000.658\",\"AC\",\"000\",\"2\",\"014\",,01-01-2000\n"
    "\"1200.000.757\",\"ST\",\"014\",\"2\",\"610\",,01-01-1990\n";
static const char kbo_denominations[] =
    "\"1200.000.163\",\"1\",\"001\",\"Alpha Médical\"\n"
    "\"1200.000.262\",\"1\",\"001\",\"Bravo Stop\"\n"
    "\"1200.000.460\",\"2\",\"001\",\"Delta Zorg\"\n"
    "\"1200.000.559\",\"1\",\"001\",\"Echo Distribution\"\n"
    "\"1200.000.658\",\"1\",\"001\",\"Foxtrot Holding\"\n";
static const char kbo_address_e1[] =
    "\"1200.000.163\",\"REGO\",,,\"1000\",,\"Bruxelles\",,\"Rue de la Loi\",\"16\",,,\n";
static const char reg_persons[] =
    "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\",\"Country\"\n"
    "\"" NISS_A "\",\"Alpha\",\"Anne\",1980-01-01,\"F\",\"fr\",\"BE\"\n"
    "\"" NISS_B "\",\"Bravo\",\"Bruno\",1980-01-01,\"M\",\"nl\",\"BE\"\n"
    "\"" NISS_C "\",\"Charlie\",\"Chloé\",1975-05-05,\"F\",\"fr\",\"BE\"\n"
    "\"" NISS_D "\",\"Delta\",\"Dirk\",1966-06-06,\"M\",\"nl\",\"BE\"\n"
    "\"" NISS_E "\",\"Écho-Dupré\",\"Émilie\",1991-09-09,\"F\",\"fr\",\"BE\"\n"
    "\"" NISS_F "\",\"Foxtrot\",\"Fanny\",1982-02-02,\"F\",\"de\",\"BE\"\n";
static const char reg_functions[] =
    "\"EnterpriseNumber\",\"RepresentativeNISS\",\"RepresentativeEnterpriseNumber\","
    "\"FunctionCode\",\"FunctionLabel\",\"BeginDate\",\"EndDate\"\n"
    "\"" E1 "\",\"" NISS_A "\",,\"ADM\",\"Administrateur\",2010-01-01,\n"
    "\"" E1 "\",\"" NISS_B "\",,\"ADM\",\"Administrateur\",2015-01-01,\n"
    "\"" E2 "\",\"" NISS_A "\",,\"GER\",\"Gérant\",2000-01-01,\n"
    "\"" E4 "\",\"" NISS_C "\",,\"GER\",\"Gérant\",2010-01-01," YESTERDAY "\n"
    "\"" E4 "\",\"" NISS_D "\",,\"GER\",\"Gérant\"," TOMORROW ",\n"
    "\"" E5 "\",,\"" E6 "\",\"ADM\",\"Administrateur\",2012-01-01,\n"
    "\"" E6 "\",\"" NISS_A "\",,\"ADD\",\"Administrateur délégué\",2000-01-01,\n";
/* The people who log in: A..D and F, by person_create in this order (ids 1 to 5). */
#define P_F 5

static struct store_fixture F;
/* The texts the services return live here until the group ends. */
static struct arena *A;

static struct actor
who(int64_t person, int level)
{
	struct actor w = {
		.person_id = person, .level = level, .lang = "fr", .source = "127.0.0.1",
		.request_id = "0123456789abcdef",
	};

	return w;
}

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F, sql);
}

/* The KBO extract, with E7 (stopped): a denomination of 850 bytes and a seat whose street
 * has 600. */
static int
load_registers(void)
{
	char den[sizeof(kbo_denominations) + 1024], adr[sizeof(kbo_address_e1) + 1024];
	char golf[846], street[597];

	memset(golf, 'g', sizeof(golf) - 1);
	golf[sizeof(golf) - 1] = '\0';
	memset(street, 'x', sizeof(street) - 1);
	street[sizeof(street) - 1] = '\0';
	snprintf(den, sizeof(den), "%s\"1200.000.757\",\"1\",\"001\",\"Golf %s\"\n",
	    kbo_denominations, golf);
	snprintf(adr, sizeof(adr), "%s\"1200.000.757\",\"REGO\",,,\"4000\",,\"Liège\",,"
	    "\"Rue %s\",\"1\",,,\n", kbo_address_e1, street);
	return store_fixture_kbo(&F, kbo_enterprises, den, adr);
}

/* The people who log in, through person_create: ids 1 (A) to 4 (D), then P_F. */
static int
make_people(void)
{
	static const struct {
		const char *niss, *last, *first, *lang, *email;
	} p[] = {
		{ NISS_A, "Alpha", "Anne", "fr", "anne@alpha.example" },
		{ NISS_B, "Bravo", "Bruno", "nl", NULL },
		{ NISS_C, "Charlie", "Chloé", "fr", NULL },
		{ NISS_D, "Delta", "Dirk", "nl", NULL },
		{ NISS_F, "Foxtrot", "Fanny", "de", NULL },
	};

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		struct person n = { .niss = p[i].niss, .last_name = p[i].last,
		    .first_name = p[i].first, .language = p[i].lang, .email = p[i].email };

		if (person_create(F.s, &(struct actor){ .name = "test" }, &n) != 0 ||
		    n.id != (int64_t)i + 1)
			return -1;
	}
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	A = arena_new(0);
	if (A == NULL || store_fixture_open(&F, "csam", 2) != 0 || load_registers() != 0 ||
	    store_fixture_registry(&F, false, reg_persons) != 0 ||
	    store_fixture_registry(&F, true, reg_functions) != 0)
		return -1;
	return make_people();
}

static int
group_teardown(void **state)
{
	(void)state;
	arena_free(A);
	return store_fixture_close(&F);
}

static enum access_rc
check(int64_t person, int level, const char *typed, bool replace, struct csam_enterprise *e)
{
	struct actor w = who(person, level);

	return csam_check(F.s, A, &w, typed, TODAY, replace, e);
}

/* ---- the checks, in order ---- */

static void
test_no_eid_session(void **state)
{
	struct csam_enterprise e;
	int64_t before = count("SELECT count(*) FROM audit_event WHERE action = 'access.denied'");

	(void)state;
	assert_int_equal(check(1, LOA_SUBSTANTIAL, E1, false, &e), ACCESS_DENIED);
	assert_int_equal(e.check, CSAM_CHECK_LEVEL);
	assert_int_equal(check(0, LOA_NONE, E1, false, &e), ACCESS_DENIED);
	assert_int_equal(e.check, CSAM_CHECK_LEVEL);
	assert_int_equal(store_fixture_audit2(F.s, "access.denied", NULL, NULL,
	    "reason", "level", "action", "designate_gap"), before + 2);
}

static void
test_bad_numbers(void **state)
{
	struct csam_enterprise e;

	(void)state;
	assert_int_equal(check(1, LOA_HIGH, "1200.000.164", false, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_NUMBER);
	assert_int_equal(e.be, BE_CHECKSUM);
	assert_int_equal(check(1, LOA_HIGH, "12000abc63", false, &e), ACCESS_REFUSED);
	assert_int_equal(e.be, BE_CHARS);
	assert_int_equal(check(1, LOA_HIGH, "", false, &e), ACCESS_REFUSED);
	assert_int_equal(e.be, BE_EMPTY);
	assert_int_equal(check(1, LOA_HIGH, "1234", false, &e), ACCESS_REFUSED);
	assert_int_equal(e.be, BE_LENGTH);
	/* Longer than any number could be, typed or pasted: refused before parsing. */
	assert_int_equal(check(1, LOA_HIGH, "0000000000000000000000000000000000000000000000000"
	    "0000000000000000000000", false, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_NUMBER);
}

static void
test_unknown_and_stopped(void **state)
{
	struct csam_enterprise e;

	(void)state;
	assert_int_equal(check(1, LOA_HIGH, "BE 1200.000.361", false, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_UNKNOWN);
	assert_string_equal(e.number, E3);
	assert_int_equal(check(1, LOA_HIGH, E2, false, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_STOPPED);
	assert_string_equal(e.name, "Bravo Stop");
}

/* Texts longer than the arrays that once held them come back whole (issue 12 part 5). */
static void
test_long_texts_whole(void **state)
{
	struct csam_enterprise e;
	char name[851], street[601], *address;

	(void)state;
	memcpy(name, "Golf ", 5);
	memset(name + 5, 'g', 845);
	name[850] = '\0';
	memcpy(street, "Rue ", 4);
	memset(street + 4, 'x', 596);
	street[600] = '\0';
	assert_int_equal(check(1, LOA_HIGH, E7, false, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_STOPPED);
	assert_int_equal(strlen(e.name), 850);
	assert_string_equal(e.name, name);
	address = arena_printf(A, "%s 1, 4000 Liège", street);
	assert_non_null(address);
	assert_string_equal(e.address, address);
}

static void
test_not_a_representative(void **state)
{
	struct csam_enterprise e;
	int64_t before = store_fixture_audit(F.s, "access.denied", NULL, NULL,
	    "reason", "no_role");

	(void)state;
	assert_int_equal(check(P_F, LOA_HIGH, E1, false, &e), ACCESS_DENIED);
	assert_int_equal(e.check, CSAM_CHECK_NOT_REP);
	assert_string_equal(e.ended, "");
	assert_string_equal(e.starts, "");
	assert_int_equal(store_fixture_audit(F.s, "access.denied", NULL, E1,
	    "reason", "no_role"), before + 1);
}

static void
test_function_ended_yesterday(void **state)
{
	struct csam_enterprise e;

	(void)state;
	assert_int_equal(check(3, LOA_HIGH, E4, false, &e), ACCESS_DENIED);
	assert_int_equal(e.check, CSAM_CHECK_NOT_REP);
	assert_string_equal(e.ended, YESTERDAY);
	assert_string_equal(e.starts, "");
	/* The day before, the same function was current. */
	{
		struct actor w = who(3, LOA_HIGH);

		assert_int_equal(csam_check(F.s, A, &w, E4, "2030-06-13", false, &e), ACCESS_OK);
	}
}

static void
test_function_starting_tomorrow(void **state)
{
	struct csam_enterprise e;
	struct actor w = who(4, LOA_HIGH);

	(void)state;
	assert_int_equal(check(4, LOA_HIGH, E4, false, &e), ACCESS_DENIED);
	assert_int_equal(e.check, CSAM_CHECK_NOT_REP);
	assert_string_equal(e.starts, TOMORROW);
	assert_string_equal(e.ended, "");
	assert_int_equal(csam_check(F.s, A, &w, E4, TOMORROW, false, &e), ACCESS_OK);
}

/* ---- the form ---- */

static void
test_form_checks(void **state)
{
	struct actor w = who(1, LOA_HIGH);
	struct access_errors err = { 0 };
	struct csam_gap gap;
	struct csam_gap_form f = {
		.enterprise = E1, .email = "not an address", .phone = "12", .today = TODAY,
	};

	(void)state;
	assert_int_equal(csam_gap_form_check(F.s, A, &w, &f, 0, &gap, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "email"));
	assert_non_null(access_error_of(&err, "phone"));
	assert_true(gap.self);
	assert_string_equal(gap.last_name, "Alpha");

	/* "Autre personne": the NISS in the register, and the name typed must match it. */
	memset(&err, 0, sizeof(err));
	f.email = "direction@alpha.example";
	f.phone = "+32 2 511 51 51";
	f.other = true;
	f.niss = "91.09.09-005.50";
	f.last_name = "Martin";
	assert_int_equal(csam_gap_form_check(F.s, A, &w, &f, 0, &gap, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "last_name"));
	assert_null(access_error_of(&err, "niss"));

	memset(&err, 0, sizeof(err));
	f.last_name = "ECHO DUPRE";          /* case, accents and hyphen do not matter */
	assert_int_equal(csam_gap_form_check(F.s, A, &w, &f, 0, &gap, &err), ACCESS_OK);
	assert_string_equal(gap.niss, NISS_E);
	assert_string_equal(gap.first_name, "Émilie");
	assert_int_equal(gap.person_id, 0);
	assert_false(gap.self);

	memset(&err, 0, sizeof(err));
	f.niss = "91090900551";              /* bad check digits */
	assert_int_equal(csam_gap_form_check(F.s, A, &w, &f, 0, &gap, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "niss"));

	memset(&err, 0, sizeof(err));
	f.niss = "85073003328";              /* valid, but in neither register */
	assert_int_equal(csam_gap_form_check(F.s, A, &w, &f, 0, &gap, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "niss"));
}

/* ---- Confirmer ---- */

static enum access_rc
confirm(int64_t person, const char *enterprise, bool replace, const char *token, bool other,
    const char *niss, const char *last, const char *email, struct csam_done *done,
    struct access_errors *err)
{
	struct actor w = who(person, LOA_HIGH);
	struct csam_enterprise e;
	struct csam_gap gap;
	struct csam_gap_form f = {
		.enterprise = enterprise, .other = other, .niss = niss, .last_name = last,
		.email = email, .phone = "02 511 51 51", .token = token, .today = TODAY,
	};

	memset(err, 0, sizeof(*err));
	return csam_designate(F.s, NULL, A, &w, &f, replace, &e, &gap, err, done);
}

#define T1 "0123456789abcdef0123456789abcdef"
#define T2 "1123456789abcdef0123456789abcdef"
#define T3 "2123456789abcdef0123456789abcdef"
#define T4 "3123456789abcdef0123456789abcdef"
#define T5 "4123456789abcdef0123456789abcdef"

static void
test_register_once(void **state)
{
	struct access_errors err;
	struct csam_done done, again;
	struct csam_enterprise e;
	struct actor w = who(1, LOA_HIGH);

	(void)state;
	assert_int_equal(confirm(1, "1200.000.163", false, "nothex", false, NULL, NULL,
	    "direction@alpha.example", &done, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "token"));

	assert_int_equal(confirm(1, "1200.000.163", false, T1, false, NULL, NULL,
	    "direction@alpha.example", &done, &err), ACCESS_OK);
	assert_false(done.replayed);
	assert_true(done.self);
	assert_string_equal(done.enterprise, E1);
	assert_string_equal(done.name, "Alpha Médical");
	assert_string_equal(done.gap_name, "Anne Alpha");
	assert_int_equal(count("SELECT count(*) FROM organisation WHERE enterprise = '" E1 "' "
	    "AND procedure = 'standard' AND contact_email = 'direction@alpha.example' AND "
	    "address = 'Rue de la Loi 16, 1000 Bruxelles'"), 1);
	assert_int_equal(count("SELECT count(*) FROM org_manager m JOIN organisation o ON "
	    "o.id = m.org_id WHERE o.enterprise = '" E1 "' AND m.role = 'GAP' AND "
	    "m.person_id = 1"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'gap_designated' "
	    "AND recipient = 'direction@alpha.example' AND org = '" E1 "' "
	    "AND body LIKE '%Alpha Médical (numéro d''entreprise 1200.000.163)%Anne Alpha%'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE org = '" E1 "' AND "
	    "action IN ('org.register', 'org.gap.designate') AND actor = '1'"), 2);

	/* Double click, back button, replay: the same token changes nothing. */
	assert_int_equal(confirm(1, E1, false, T1, false, NULL, NULL, "direction@alpha.example",
	    &again, &err), ACCESS_OK);
	assert_true(again.replayed);
	assert_int_equal(again.org_id, done.org_id);
	assert_int_equal(count("SELECT count(*) FROM organisation"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox"), 1);
	assert_int_equal(csam_submission(F.s, A, &w, T1, &again), ACCESS_OK);
	assert_int_equal(again.org_id, done.org_id);
	/* Someone else's token is not theirs to see. */
	{
		struct actor b = who(2, LOA_HIGH);

		assert_int_equal(csam_submission(F.s, A, &b, T1, &again), ACCESS_NOT_FOUND);
	}

	/* A new form (another token) for a registered enterprise: who its GAP is. */
	assert_int_equal(confirm(2, E1, false, T2, false, NULL, NULL, "b@alpha.example", &again,
	    &err), ACCESS_REFUSED);
	assert_int_equal(check(2, LOA_HIGH, E1, false, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_REGISTERED);
	assert_string_equal(e.gap_name, "Anne Alpha");
	assert_true(e.org_id > 0);
	assert_int_equal(count("SELECT count(*) FROM organisation"), 1);
}

static void
test_through_an_enterprise_and_other_person(void **state)
{
	struct access_errors err;
	struct csam_done done;

	(void)state;
	/* A represents E6, which represents E5; she designates Émilie (not yet a person). */
	assert_int_equal(confirm(1, E5, false, T3, true, NISS_E, "Écho-Dupré", "info@echo.example",
	    &done, &err), ACCESS_OK);
	assert_false(done.self);
	assert_string_equal(done.gap_name, "Émilie Écho-Dupré");
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '" NISS_E "' AND "
	    "language = 'fr'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'person.create' "
	    "AND actor = '1'"), 1);
}

static void
test_replace_gap(void **state)
{
	struct access_errors err;
	struct csam_done done;
	struct csam_enterprise e;

	(void)state;
	/* Replacement of an enterprise not registered yet. */
	assert_int_equal(check(1, LOA_HIGH, E6, true, &e), ACCESS_REFUSED);
	assert_int_equal(e.check, CSAM_CHECK_NOT_REGISTERED);
	/* Someone who is not a representative cannot replace. */
	assert_int_equal(check(P_F, LOA_HIGH, E1, true, &e), ACCESS_DENIED);
	/* Replacing the GAP by the GAP. */
	assert_int_equal(confirm(2, E1, true, T4, true, NISS_A, "Alpha", "b@alpha.example", &done,
	    &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "choice"));
	/* Bruno, also a representative, becomes GAP; Anne is told at her own address. */
	assert_int_equal(confirm(2, E1, true, T4, false, NULL, NULL, "b@alpha.example", &done,
	    &err), ACCESS_OK);
	assert_true(done.replaced);
	assert_string_equal(done.gap_name, "Bruno Bravo");
	assert_int_equal(count("SELECT count(*) FROM org_manager m JOIN organisation o ON "
	    "o.id = m.org_id WHERE o.enterprise = '" E1 "' AND m.role = 'GAP' AND "
	    "m.person_id = 2"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = "
	    "'gap_replaced_previous' AND recipient = 'anne@alpha.example' AND language = 'fr'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'gap_replaced' "
	    "AND recipient = 'b@alpha.example'"), 1);
	assert_int_equal(count("SELECT count(*) FROM organisation WHERE enterprise = '" E1 "' "
	    "AND contact_email = 'b@alpha.example'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
	    "'org.gap.replace' AND org = '" E1 "' AND actor = '2'"), 1);
}

static int64_t
org_of(const char *enterprise)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT id FROM organisation WHERE enterprise = '%s'",
	    enterprise);
	return count(sql);
}

/* The co-GAP operations are the organisation service's (access/hierarchy.h): the /csam
 * page calls them with who acts. */
static enum access_rc
cogap_add(const struct actor *w, int64_t org, const char *niss, const char *last_name,
    const char *email, struct access_errors *err)
{
	struct actor a = { .person_id = w->person_id, .level = w->level, .lang = w->lang,
	    .source = w->source, .request_id = w->request_id };

	return hierarchy_cogap_add(F.s, NULL, &a, org, &(struct cogap_input){ .niss = niss,
	    .last_name = last_name, .email = email }, err);
}

static enum access_rc
cogap_remove(const struct actor *w, int64_t org, int64_t person)
{
	struct actor a = { .person_id = w->person_id, .level = w->level, .lang = w->lang,
	    .source = w->source, .request_id = w->request_id };
	struct access_errors err;

	return hierarchy_cogap_remove(F.s, &a, org, person, &err);
}

static void
test_cogaps(void **state)
{
	struct arena *a = arena_new(0);
	struct actor gap = who(2, LOA_LOW), anne = who(1, LOA_HIGH), fanny = who(P_F, LOA_HIGH);
	struct access_errors err = { 0 };
	struct csam_org_view v;
	int64_t org = org_of(E1);
	struct managed_org *mine;
	size_t nmine;

	(void)state;
	assert_true(org > 0);
	/* Only the GAP designates co-GAPs (Anne, a legal representative, may not). */
	assert_int_equal(cogap_add(&anne, org, NISS_C, "Charlie", "c@alpha.example",
	    &err), ACCESS_DENIED);
	assert_int_equal(cogap_add(&gap, org, NISS_C, "Dupont", "c@alpha.example",
	    &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "last_name"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(cogap_add(&gap, org, "75.05.05-003.02", "charlie",
	    "c@alpha.example", &err), ACCESS_OK);
	memset(&err, 0, sizeof(err));
	assert_int_equal(cogap_add(&gap, org, NISS_C, "Charlie", "c@alpha.example",
	    &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "niss"));
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'cogap_added' AND "
	    "recipient = 'c@alpha.example' AND body LIKE '%Bruno Bravo%Chloé Charlie%'"), 1);

	assert_int_equal(csam_org_view(F.s, a, &gap, org, TODAY, &v), ACCESS_OK);
	assert_true(v.is_gap);
	assert_true(v.may_manage_cogaps);
	assert_int_equal(v.nmanagers, 2);
	assert_string_equal(v.managers[0].role, "GAP");
	assert_string_equal(v.managers[0].last_name, "Bravo");
	assert_string_equal(v.managers[1].role, "COGAP");
	assert_string_equal(v.managers[1].last_name, "Charlie");
	assert_int_equal(strlen(v.managers[1].since), 20);
	/* A legal representative sees it and may replace the GAP; a stranger may not see it. */
	assert_int_equal(csam_org_view(F.s, a, &anne, org, TODAY, &v), ACCESS_OK);
	assert_true(v.is_legal_rep);
	assert_true(v.may_replace_gap);
	assert_false(v.may_manage_cogaps);
	assert_int_equal(csam_org_view(F.s, a, &fanny, org, TODAY, &v), ACCESS_DENIED);
	assert_int_equal(csam_org_view(F.s, a, &fanny, 999, TODAY, &v), ACCESS_NOT_FOUND);

	assert_int_equal(hierarchy_managed_orgs(F.s, 3, a, &mine, &nmine), ACCESS_OK);
	assert_int_equal(nmine, 1);
	assert_string_equal(mine[0].role, "COGAP");
	assert_string_equal(mine[0].enterprise, E1);

	assert_int_equal(cogap_remove(&anne, org, 3), ACCESS_DENIED);
	assert_int_equal(cogap_remove(&gap, org, 3), ACCESS_OK);
	assert_int_equal(cogap_remove(&gap, org, 3), ACCESS_INVALID);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action IN "
	    "('org.cogap.add', 'org.cogap.remove') AND actor = '2'"), 2);
	arena_free(a);
}

/* A designation's record (csam_submission.created_at), the new GAP's since and the mails
 * come from the service's clock (docs/store-contract.md, rule 3): with the clock 1,095
 * days back, Anne taking the GAP's place again is dated then, not today. */
static void
test_times_follow_the_clock(void **state)
{
	struct access_errors err;
	struct csam_done done;
	struct clock_fixture c;
	char sql[256];
	int64_t n[3];

	(void)state;
	assert_int_equal(clock_fixture_back(&c), 0);
	assert_int_equal(confirm(1, E1, true, T5, false, NULL, NULL, "a@alpha.example", &done,
	    &err), ACCESS_OK);
	assert_int_equal(clock_fixture_end(&c), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM csam_submission WHERE token = '" T5
	    "' AND created_at < '%s'", c.before);
	n[0] = count(sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM org_manager m JOIN organisation o ON "
	    "o.id = m.org_id WHERE o.enterprise = '" E1 "' AND m.role = 'GAP' AND "
	    "m.person_id = 1 AND m.since < '%s'", c.before);
	n[1] = count(sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM mail_outbox WHERE kind = 'gap_replaced' "
	    "AND recipient = 'a@alpha.example' AND created_at < '%s'", c.before);
	n[2] = count(sql);
	/* All at once: a failure shows every table. */
	snprintf(sql, sizeof(sql), "csam_submission %lld, org_manager %lld, mail_outbox %lld",
	    (long long)n[0], (long long)n[1], (long long)n[2]);
	assert_string_equal(sql, "csam_submission 1, org_manager 1, mail_outbox 1");
}

static void
test_values(void **state)
{
	(void)state;
	assert_true(value_same_name("Van den Broeck", "VANDENBROECK"));
	assert_true(value_same_name("Lemaître", "lemaitre"));
	assert_true(value_same_name("O'Neill", "oneill"));
	assert_false(value_same_name("Martin", "Martens"));
	assert_false(value_same_name("", ""));
	assert_true(value_ok(VALUE_PHONE, "+32 (0)2 511.51.51", ACCESS_PHONE_MAX));
	assert_false(value_ok(VALUE_PHONE, "12345", ACCESS_PHONE_MAX));
	assert_false(value_ok(VALUE_PHONE, "02 511 51 51 ext", ACCESS_PHONE_MAX));
	assert_true(csam_valid_birth_date("2000-02-29", TODAY));
	assert_false(csam_valid_birth_date("1900-02-29", TODAY));
	assert_false(csam_valid_birth_date(TOMORROW, TODAY));
	assert_false(csam_valid_birth_date("1970-13-01", TODAY));
	assert_true(value_ok(VALUE_TEXT, "Émilie", 6));
	assert_false(value_ok(VALUE_TEXT, "Émilie", 5));
	assert_false(value_ok(VALUE_TEXT, "a\tb", 10));
	assert_false(value_ok(VALUE_TEXT, "   ", 10));
	assert_false(csam_valid_token("0123456789ABCDEF0123456789abcdef"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_no_eid_session),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_unknown_and_stopped),
		cmocka_unit_test(test_long_texts_whole),
		cmocka_unit_test(test_not_a_representative),
		cmocka_unit_test(test_function_ended_yesterday),
		cmocka_unit_test(test_function_starting_tomorrow),
		cmocka_unit_test(test_form_checks),
		cmocka_unit_test(test_register_once),
		cmocka_unit_test(test_through_an_enterprise_and_other_person),
		cmocka_unit_test(test_replace_gap),
		cmocka_unit_test(test_cogaps),
		cmocka_unit_test(test_times_follow_the_clock),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
