/* test_mandate_profiles.c — issue 16 part 3: the SQL of the profile choice under a mandate
 * (access_mandates_for, access_mandate_now, access_mandate_apps) and the federation
 * service's use of it (fed_mandates_for, fed_mandate_pick, fed_grant_profile_read), on a
 * real store: SQLite, and PostgreSQL under make unit-pg (PORTIER_TEST_PG). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/profiles.h"
#include "base/arena.h"
#include "fed/profiles.h"
#include "store/store.h"
#include "store_fixture.h"

static const struct store_fixture_spec spec = { "mandprof", 2 };

/* The world: the social secretariat B (101) where P (account 401) and Q (402) work; the
 * mandators 201…209 each with its activated quality 301…309; the mandates 501…509 of
 * each to B, quarter 20264 being "now" for the SQL (the tests of fed/ use the clock, and
 * only open-ended mandates begun in 2020). */
static int64_t person_p, person_q;

#define ORG(id, num, name) \
	"INSERT INTO organisation(id, enterprise, country, name, contact_email, contact_phone, " \
	"procedure, created_at) VALUES (" #id ", '" num "', 'BE', '" name "', 'a@example.be', " \
	"'02 000 00 00', 'standard', '2026-01-01T00:00:00Z');\n"
#define OQ(id, org) \
	"INSERT INTO org_quality(id, org_id, quality, email, activated_at) VALUES (" #id ", " \
	#org ", 'health_related', 'q@example.be', '2026-01-01T00:00:00Z');\n"
/* A mandate of org to B: start, end (NULL open), status, serve_all; proposed by P (%1$). */
#define MANDATE(id, org, start, end, status, all) \
	"INSERT INTO mandate(id, public_id, mandator_org, mandatary_org, quality, start_quarter, " \
	"end_quarter, status, proposed_side, proposed_by, serve_all, created_at, changed_at) " \
	"VALUES (" #id ", 'pub-" #id "', " #org ", 101, 'health_related', " #start ", " #end \
	", '" status "', 'mandator', %1$" PRId64 ", " #all ", '2026-01-01T00:00:00Z', " \
	"'2026-01-01T00:00:00Z');\n"
#define MAPP(m, app) "INSERT INTO mandate_app(mandate_id, application) VALUES (" #m ", '" app "');\n"
#define MEMBER(m, acc) "INSERT INTO mandate_member(mandate_id, account_id, since) VALUES (" \
	#m ", " #acc ", '2026-01-01T00:00:00Z');\n"
#define MGRANT(m, acc, app) "INSERT INTO mandate_grant(mandate_id, account_id, application, " \
	"granted_at) VALUES (" #m ", " #acc ", '" app "', '2026-01-01T00:00:00Z');\n"

static const char world_sql[] =
	"INSERT INTO application(code, quality, name_fr, name_nl, name_de, name_en, desc_fr, "
	"desc_nl, desc_de, desc_en, min_level, sort) VALUES "
	"('MAPP', 'health_related', 'M', 'M', 'M', 'M', 'd', 'd', 'd', 'd', 1, 900), "
	"('OAPP', 'health_related', 'O', 'O', 'O', 'O', 'd', 'd', 'd', 'd', 1, 901);\n"
	ORG(101, "0403170701", "Secrétariat B")
	ORG(201, "0200000142", "Alpha") ORG(202, "0200000241", "Beta")
	ORG(203, "0200000340", "Gamma") ORG(204, "0200000439", "Delta futur")
	ORG(205, "0200000538", "Epsilon terminé") ORG(206, "0200000637", "Zeta échu")
	ORG(207, "0200000736", "Eta sans MAPP") ORG(208, "0200000835", "Theta de Q")
	ORG(209, "0200000934", "Iota OAPP de P")
	OQ(301, 201) OQ(302, 202) OQ(303, 203) OQ(304, 204) OQ(305, 205) OQ(306, 206)
	OQ(307, 207) OQ(308, 208) OQ(309, 209)
	"INSERT INTO account(id, org_id, person_id, username, email, status, created_at, "
	"modified_at) VALUES (401, 101, %1$" PRId64 ", 'p', 'p@example.be', 'active', "
	"'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), (402, 101, %2$" PRId64 ", 'q', "
	"'q@example.be', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');\n"
	MANDATE(501, 201, 20201, NULL, "active", 1) MAPP(501, "MAPP")
	MANDATE(502, 202, 20261, 20264, "active", 1) MAPP(502, "MAPP") MAPP(502, "OAPP")
	MANDATE(503, 203, 20201, NULL, "active", 0) MAPP(503, "MAPP") MAPP(503, "OAPP")
	MEMBER(503, 401) MGRANT(503, 401, "MAPP")
	MANDATE(504, 204, 20271, NULL, "active", 1) MAPP(504, "MAPP")
	MANDATE(505, 205, 20201, NULL, "ended", 1) MAPP(505, "MAPP")
	MANDATE(506, 206, 20201, 20254, "active", 1) MAPP(506, "MAPP")
	MANDATE(507, 207, 20201, NULL, "active", 1) MAPP(507, "OAPP")
	MANDATE(508, 208, 20201, NULL, "active", 0) MAPP(508, "MAPP")
	MEMBER(508, 402) MGRANT(508, 402, "MAPP")
	MANDATE(509, 209, 20201, NULL, "active", 0) MAPP(509, "MAPP") MAPP(509, "OAPP")
	MEMBER(509, 401) MGRANT(509, 401, "OAPP");

static void
world(struct store_fixture *f)
{
	char *sql;

	person_p = store_fixture_person(f->s, "", "Peeters", "Paul", "fr", "test");
	person_q = store_fixture_person(f->s, "", "Quinet", "Quentin", "fr", "test");
	assert_true(person_p > 0 && person_q > 0);
	assert_int_not_equal(asprintf(&sql, world_sql, person_p, person_q), -1);
	assert_int_equal(store_fixture_script(f, sql), 0);
	free(sql);
}

/* The mandator names access_mandates_for lists, joined by ",". */
static char *
listed(struct store_fixture *f, int64_t person, const char *app, int quarter,
    const struct access_mandate_query *mq)
{
	struct access_mandate_profile out[16];
	struct arena *a = arena_new(0);
	struct store_tx *tx;
	char buf[512] = "";
	size_t n = 0;

	assert_non_null(a);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(access_mandates_for(tx, a, person, app, quarter, mq, out, 16, &n), 0);
	store_rollback(&tx);
	for (size_t i = 0; i < n; i++) {
		/* Every row comes through B, the person's account there. */
		assert_string_equal(out[i].via_name, "Secrétariat B");
		assert_string_equal(out[i].via_enterprise, "0403170701");
		assert_int_equal(out[i].account_id, person == person_p ? 401 : 402);
		assert_int_equal(out[i].org_quality_id, out[i].org_id + 100);
		assert_int_equal(out[i].mandate_id, out[i].org_id + 300);
		if (i > 0)
			strncat(buf, ",", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, out[i].org_name, sizeof(buf) - strlen(buf) - 1);
	}
	arena_free(a);
	return strdup(buf);
}

#define ALL(limit, offset) (&(struct access_mandate_query){ NULL, NULL, NULL, limit, offset, NULL, false })
#define LISTED_IS(want, person, app, quarter, mq) do { \
		char *got_ = listed(f, person, app, quarter, mq); \
		assert_string_equal(got_, want); \
		free(got_); \
	} while (0)

/* Active, begun, not over, the application among the person's: serve_all or named. */
static void
listing_filters(void **state)
{
	struct store_fixture *f = *state;

	world(f);
	LISTED_IS("Alpha,Beta,Gamma", person_p, "MAPP", 20264, ALL(50, 0));
	LISTED_IS("Alpha,Beta,Theta de Q", person_q, "MAPP", 20264, ALL(50, 0));
	LISTED_IS("Beta,Eta sans MAPP,Iota OAPP de P", person_p, "OAPP", 20264, ALL(50, 0));
	/* A quarter later: Beta is over (its end is inclusive), Delta has begun. */
	LISTED_IS("Alpha,Delta futur,Gamma", person_p, "MAPP", 20271, ALL(50, 0));
	/* Beta's first quarter counts, the one before it does not. */
	LISTED_IS("Alpha,Beta,Gamma", person_p, "MAPP", 20261, ALL(50, 0));
	/* Zeta's last quarter: still on (the end is inclusive). */
	LISTED_IS("Alpha,Gamma,Zeta échu", person_p, "MAPP", 20254, ALL(50, 0));
	LISTED_IS("", person_p, "NOAPP", 20264, ALL(50, 0));
	/* A suspended account serves no mandate. */
	assert_int_equal(store_fixture_script(f, "UPDATE account SET status = 'suspended' "
	    "WHERE id = 401;"), 0);
	LISTED_IS("", person_p, "MAPP", 20264, ALL(50, 0));
	/* Nor does a person without an account in the mandatary. */
	LISTED_IS("", person_p + person_q + 1000, "MAPP", 20264, ALL(50, 0));
}

/* The search (name, number, as bound LIKE patterns), one mandate, pages. */
static void
listing_search_pages(void **state)
{
	struct store_fixture *f = *state;

	world(f);
	LISTED_IS("Beta", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ "%bet%", NULL, NULL, 50, 0, NULL, false }));
	LISTED_IS("Gamma", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ "%0200000340%", "%0200000340%", NULL, 50, 0, NULL, false }));
	LISTED_IS("Alpha,Beta,Gamma", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ "%a%", NULL, NULL, 50, 0, NULL, false }));
	/* A pattern's own quote is data. */
	LISTED_IS("", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ "%' OR 1=1 --%", NULL, NULL, 50, 0, NULL, false }));
	LISTED_IS("Gamma", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, "pub-503", 50, 0, NULL, false }));
	LISTED_IS("", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, "pub-508", 50, 0, NULL, false }));
	LISTED_IS("Alpha,Beta", person_p, "MAPP", 20264, ALL(2, 0));
	LISTED_IS("Gamma", person_p, "MAPP", 20264, ALL(2, 2));
	LISTED_IS("", person_p, "MAPP", 20264, ALL(2, 4));
	/* Keyset pages: after a mandate, before it (nearest first), an unknown key. */
	LISTED_IS("Beta,Gamma", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-501", false }));
	LISTED_IS("Gamma", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-502", false }));
	LISTED_IS("Beta,Alpha", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-503", true }));
	LISTED_IS("", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-501", true }));
	/* The key may be a mandate not listed (Theta is Q's): its place in the order counts. */
	LISTED_IS("Gamma,Beta,Alpha", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-508", true }));
	LISTED_IS("", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "nope", false }));
	/* Two mandators of the same name: the public id orders them, none lost between pages. */
	assert_int_equal(store_fixture_script(f, "UPDATE organisation SET name = 'Beta' "
	    "WHERE id = 203;"), 0);
	LISTED_IS("Beta", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 1, 0, "pub-502", false }));
	LISTED_IS("Beta,Beta", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-501", false }));
	LISTED_IS("Beta,Alpha", person_p, "MAPP", 20264,
	    (&(struct access_mandate_query){ NULL, NULL, NULL, 50, 0, "pub-503", true }));
}

/* The grant's check: still active, still serving with the application; what the claims
 * show (the mandator, the quality, "USER"; the mandatary in via); the applications. */
static void
mandate_now_and_apps(void **state)
{
	struct store_fixture *f = *state;
	struct access_profile_now p, via;
	struct arena *a = arena_new(0);
	struct store_tx *tx;

	assert_non_null(a);
	world(f);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(access_mandate_now(tx, a, 501, 401, "MAPP", 20264, &p, &via), 0);
	assert_string_equal(p.org_name, "Alpha");
	assert_string_equal(p.enterprise, "0200000142");
	assert_string_equal(p.quality, "health_related");
	assert_string_equal(p.role, "USER");
	assert_string_equal(via.org_name, "Secrétariat B");
	assert_int_equal(access_mandate_now(tx, a, 503, 401, "MAPP", 20264, &p, &via), 0);
	assert_int_equal(access_mandate_now(tx, a, 503, 401, "OAPP", 20264, &p, &via), 1);
	assert_int_equal(access_mandate_now(tx, a, 508, 401, "MAPP", 20264, &p, &via), 1);
	assert_int_equal(access_mandate_now(tx, a, 505, 401, "MAPP", 20264, &p, &via), 1);
	assert_int_equal(access_mandate_now(tx, a, 506, 401, "MAPP", 20264, &p, &via), 1);
	assert_int_equal(access_mandate_now(tx, a, 504, 401, "MAPP", 20264, &p, &via), 1);
	assert_int_equal(access_mandate_now(tx, a, 504, 401, "MAPP", 20271, &p, &via), 0);
	/* An account of another organisation than the mandatary. */
	assert_int_equal(access_mandate_now(tx, a, 501, 999, "MAPP", 20264, &p, &via), 1);
	store_rollback(&tx);
	/* A member removed (the grants go with it) no longer serves. */
	assert_int_equal(store_fixture_script(f, "DELETE FROM mandate_grant WHERE mandate_id = 503;"
	    "DELETE FROM mandate_member WHERE mandate_id = 503;"), 0);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(access_mandate_now(tx, a, 503, 401, "MAPP", 20264, &p, &via), 1);
	store_rollback(&tx);
	arena_free(a);
}

/* fed/: the search typed becomes the patterns; the pick; the claims' data. */
static void
fed_search_pick_read(void **state)
{
	struct store_fixture *f = *state;
	struct access_mandate_profile out[FED_MANDATES_PAGE], one;
	struct fed_profile_data d;
	struct arena *a = arena_new(0);
	struct store_tx *tx;
	size_t n;
	bool more;

	assert_non_null(a);
	world(f);
	assert_int_equal(fed_mandates_for(f->s, a, person_p, "MAPP", "  alp ", NULL, false, out, &n, &more), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].org_name, "Alpha");
	assert_false(more);
	for (size_t i = 0; i < 3; i++) {
		static const char *const typed[] = { "0200.000.340", "BE 0200 000 340", "000340" };

		assert_int_equal(fed_mandates_for(f->s, a, person_p, "MAPP", typed[i], NULL, false,
		    out, &n, &more), 0);
		assert_int_equal(n, 1);
		assert_string_equal(out[0].org_name, "Gamma");
	}
	/* LIKE's own characters are plain text. */
	assert_int_equal(fed_mandates_for(f->s, a, person_p, "MAPP", "%", NULL, false, out, &n, &more), 0);
	assert_int_equal(n, 0);
	assert_int_equal(fed_mandates_for(f->s, a, person_p, "MAPP", "_", NULL, false, out, &n, &more), 0);
	assert_int_equal(n, 0);
	/* The page before a mandate comes in the order of the names. */
	assert_int_equal(fed_mandates_for(f->s, a, person_p, "MAPP", NULL, "pub-503", true, out,
	    &n, &more), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].org_name, "Alpha");
	assert_string_equal(out[1].org_name, "Beta");
	assert_false(more);
	assert_int_equal(fed_mandate_pick(f->s, a, person_p, "MAPP", "pub-501", &one), 0);
	assert_int_equal(one.mandate_id, 501);
	assert_int_equal(fed_mandate_pick(f->s, a, person_p, "MAPP", "pub-508", &one), 1);
	assert_int_equal(fed_mandate_pick(f->s, a, person_q, "MAPP", "pub-503", &one), 1);
	assert_int_equal(fed_mandate_pick(f->s, a, person_p, "OAPP", "pub-501", &one), 1);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(fed_grant_profile_read(tx, a, 401, 301, 501, "MAPP", person_p, &d), 0);
	assert_int_equal(d.mandate_id, 501);
	assert_string_equal(d.profile.org_name, "Alpha");
	assert_string_equal(d.via.org_name, "Secrétariat B");
	assert_string_equal(d.last_name, "Peeters");
	assert_int_equal(d.n_apps, 1);
	assert_string_equal(d.apps[0], "MAPP");
	/* Under 503 P is granted MAPP only, though the mandate covers OAPP too. */
	assert_int_equal(fed_grant_profile_read(tx, a, 401, 303, 503, "MAPP", person_p, &d), 0);
	assert_int_equal(d.n_apps, 1);
	assert_int_equal(fed_grant_profile_read(tx, a, 401, 305, 505, "MAPP", person_p, &d), 1);
	store_rollback(&tx);
	arena_free(a);
}

static void
quarters(void **state)
{
	(void)state;
	assert_int_equal(fed_quarter(0), 19701);
	assert_int_equal(fed_quarter(1798761599), 20264);   /* 2026-12-31T23:59:59Z */
	assert_int_equal(fed_quarter(1798761600), 20271);   /* 2027-01-01T00:00:00Z */
	assert_int_equal(fed_quarter(1782863999), 20262);   /* 2026-06-30T23:59:59Z */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(listing_filters, &spec),
		STORE_FIXTURE_TEST(listing_search_pages, &spec),
		STORE_FIXTURE_TEST(mandate_now_and_apps, &spec),
		STORE_FIXTURE_TEST(fed_search_pick_read, &spec),
		cmocka_unit_test(quarters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
