/* test_mandate.c — mandates between organisations (issue 16, access/mandate.c) on a real
 * store (SQLite, or PostgreSQL under PORTIER_TEST_PG): the life cycle with its history,
 * audit events and mails, every refusal of the policy (audited, nothing changed), the
 * field errors, optimistic concurrency, who serves with the mandate as ceiling, expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/mandate.h"
#include "access/org.h"
#include "access/quality.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

enum { P_GAP_A = 1, P_GAP_B, P_COGAP_B, P_GAP_C, P_USER_B };

struct fixture {
	struct store_fixture fx;
	int64_t a, b, c;
	char now_q[16];          /* the current quarter as typed */
};

static struct fixture *F;

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F->fx, sql);
}

static struct actor
who(int64_t person, enum loa level)
{
	struct actor w = STORE_FIXTURE_WHO(person, level);

	return w;
}

/* The GAP activates health_related for itself (it becomes its GL). */
static void
activate(int64_t org, int64_t gap, const char *username)
{
	struct actor w = who(gap, LOA_LOW);
	struct activation_input in = {
		.quality = "health_related", .email = "q@example.be", .mode = "self",
		.gl = {
			.username = username, .data.title = "Mme", .data.language = "fr",
			.data.email = "gl@example.be",
		},
	};
	struct access_errors err = { 0 };
	int64_t q = 0;

	assert_int_equal(quality_activate(F->fx.s, &w, org, &in, &err, &q, NULL), ACCESS_OK);
}

static int
setup(void **state)
{
	int64_t q;

	F = calloc(1, sizeof(*F));
	if (F == NULL || store_fixture_open(&F->fx, "mandate", 2) != 0)
		return -1;
	assert_true(store_fixture_person(F->fx.s, "17073003384", "Dubois", "Claire", "fr",
	    "system") == P_GAP_A);
	assert_true(store_fixture_person(F->fx.s, "85073003328", "Peeters", "Jan", "nl",
	    "system") == P_GAP_B);
	assert_true(store_fixture_person(F->fx.s, "90022800193", "Schmitz", "Lukas", "de",
	    "system") == P_COGAP_B);
	assert_true(store_fixture_person(F->fx.s, "80010100305", "Janssens", "Marie", "fr",
	    "system") == P_GAP_C);
	assert_true(store_fixture_person(F->fx.s, "80010100503", "Lambert", "Paul", "fr",
	    "system") == P_USER_B);
	F->a = store_fixture_org(F->fx.s, "0552627113", "Mandant SA", P_GAP_A);
	assert_true(F->a > 0);
	F->b = store_fixture_org(F->fx.s, "0403170701", "Mandataire SRL", P_GAP_B);
	assert_true(F->b > 0);
	F->c = store_fixture_org(F->fx.s, "0202239951", "Tierce ASBL", P_GAP_C);
	assert_true(F->c > 0);
	{
		struct store_tx *tx;
		struct actor by = { .person_id = P_GAP_B, .role = "GAP" };

		assert_int_equal(store_begin(F->fx.s, STORE_WRITE, &tx), 0);
		assert_int_equal(org_add_cogap(tx, F->b, P_COGAP_B, &by), 0);
		assert_int_equal(store_commit(&tx), 0);
	}
	activate(F->a, P_GAP_A, "claire.a");
	activate(F->b, P_GAP_B, "jan.b");
	q = mandate_quarter_of(clock_time());
	snprintf(F->now_q, sizeof(F->now_q), "%d-%d", (int)(q / 10), (int)(q % 10));
	*state = F;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(store_fixture_end(&F->fx, test_arena()), 0);
	free(F);
	return 0;
}

static const char *const health_apps[] = { "MEDSEIP", "SADM" };

/* A's GAP (eID) proposes health_related to B from now on. */
static enum access_rc
propose(const struct actor *w, int64_t org, const char *side, const char *counterparty,
    const char *quality, const char *const *apps, size_t napps, const char *start,
    const char *end, struct access_errors *err, char id[MANDATE_ID_LEN + 1])
{
	struct mandate_input in = {
		.side = side, .counterparty = counterparty, .quality = quality, .apps = apps,
		.napps = napps, .start = start, .end = end,
	};

	return mandate_propose(F->fx.s, NULL, w, org, &in, err, id);
}

static int64_t
denied(void)
{
	return store_fixture_audit(F->fx.s, "access.denied", NULL, NULL, NULL, NULL);
}

/* The rows a refusal must leave alone. */
static int64_t
rows(void)
{
	return count("SELECT (SELECT count(*) FROM mandate) * 1000000 + "
	    "(SELECT count(*) FROM mandate_event) * 10000 + (SELECT count(*) FROM mandate_member) "
	    "* 100 + (SELECT count(*) FROM mandate_grant) + (SELECT sum(version) FROM mandate) "
	    "* 0 + (SELECT count(*) FROM mail_outbox) * 10000000");
}

static void
quarters(void **state)
{
	int64_t q;
	char text[MANDATE_QUARTER_TEXT];

	(void)state;
	assert_int_equal(mandate_quarter_parse("2027-1", &q), 0);
	assert_int_equal(q, 20271);
	assert_int_equal(mandate_quarter_parse(" 2027-T4 ", &q), 0);
	assert_int_equal(q, 20274);
	assert_int_equal(mandate_quarter_parse("Q2 2028", &q), 0);
	assert_int_equal(q, 20282);
	assert_int_equal(mandate_quarter_parse("20283", &q), 0);
	assert_int_equal(q, 20283);
	assert_int_equal(mandate_quarter_parse("2027-5", &q), -1);
	assert_int_equal(mandate_quarter_parse("2027-0", &q), -1);
	assert_int_equal(mandate_quarter_parse("27-1", &q), -1);
	assert_int_equal(mandate_quarter_parse("2027-1x", &q), -1);
	assert_int_equal(mandate_quarter_parse("", &q), -1);
	/* 2026-12-31T23:59:59Z is Q4, 2027-01-01T00:00:00Z Q1. */
	assert_int_equal(mandate_quarter_of(1798761599), 20264);
	assert_int_equal(mandate_quarter_of(1798761600), 20271);
	mandate_quarter_text(20273, "nl", text);
	assert_string_equal(text, "K3 2027");
	mandate_quarter_text(20273, "fr", text);
	assert_string_equal(text, "T3 2027");
}

static void
life_cycle(void **state)
{
	struct actor gap_a = who(P_GAP_A, LOA_HIGH), gap_b = who(P_GAP_B, LOA_HIGH);
	struct access_errors err;
	char id[MANDATE_ID_LEN + 1];
	struct mandate_view v;
	struct arena *a = arena_new(0);
	struct mandate_view *list;
	size_t n;
	bool main_manager = false;

	(void)state;
	assert_int_equal(propose(&gap_a, F->a, "mandator", "0403.170.701", "health_related",
	    health_apps, 2, F->now_q, "", &err, id), ACCESS_OK);
	assert_int_equal(strlen(id), MANDATE_ID_LEN);
	assert_int_equal(count("SELECT count(*) FROM mandate WHERE status = 'proposed' AND "
	    "proposed_side = 'mandator' AND end_quarter IS NULL AND version = 1"), 1);
	assert_int_equal(count("SELECT count(*) FROM mandate_app"), 2);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'mandate_proposed'"),
	    2);
	/* B's GAP reads Dutch: the mail to B is in Dutch (untranslated catalogue: the kind). */
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE language = 'nl'"), 1);
	assert_int_equal(store_fixture_audit(F->fx.s, "mandate.propose", NULL, NULL, NULL, NULL),
	    1);

	/* Both sides list it: given by A, received by B. */
	assert_int_equal(mandate_list(F->fx.s, &gap_b, F->b, a, &list, &n, &main_manager),
	    ACCESS_OK);
	assert_true(main_manager);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].side, "mandatary");
	assert_string_equal(list[0].mandator_enterprise, "0552627113");

	/* The proposing side cannot accept its own proposal. */
	assert_int_equal(mandate_decide(F->fx.s, NULL, &gap_a, F->a, id, 1, true), ACCESS_DENIED);
	assert_int_equal(store_fixture_audit(F->fx.s, "access.denied", "1", NULL, "reason",
	    "wrong_side"), 1);
	assert_int_equal(mandate_get(F->fx.s, &gap_b, F->b, id, a, &v), ACCESS_OK);
	assert_true(v.may_decide);
	assert_true(v.may_assign);
	assert_int_equal(v.napps, 2);
	assert_int_equal(mandate_decide(F->fx.s, NULL, &gap_b, F->b, id, 1, true), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM mandate WHERE status = 'active' AND "
	    "version = 2"), 1);
	/* A stale version changes nothing. */
	assert_int_equal(mandate_end(F->fx.s, NULL, &gap_a, F->a, id, 1), ACCESS_CONFLICT);
	assert_int_equal(count("SELECT count(*) FROM mandate WHERE status = 'active'"), 1);
	assert_int_equal(mandate_decide(F->fx.s, NULL, &gap_b, F->b, id, 2, false),
	    ACCESS_CONFLICT);
	/* Either side ends it; the status and its history row in one transaction. */
	assert_int_equal(mandate_end(F->fx.s, NULL, &gap_a, F->a, id, 2), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM mandate WHERE status = 'ended'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mandate_event"), 3);
	assert_int_equal(count("SELECT count(*) FROM mandate_event WHERE status = 'ended' AND "
	    "actor = 1 AND side = 'mandator'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind LIKE 'mandate_%'"), 6);
	assert_int_equal(mandate_get(F->fx.s, &gap_b, F->b, id, a, &v), ACCESS_OK);
	assert_false(v.may_end);
	assert_false(v.may_assign);
	assert_int_equal(v.nevents, 3);
	/* A third organisation does not see it at all. */
	{
		struct actor gap_c = who(P_GAP_C, LOA_HIGH);

		assert_int_equal(mandate_get(F->fx.s, &gap_c, F->c, id, a, &v), ACCESS_NOT_FOUND);
		assert_int_equal(mandate_end(F->fx.s, NULL, &gap_c, F->c, id, 3), ACCESS_NOT_FOUND);
	}
	arena_free(a);
}

static void
refusals(void **state)
{
	struct actor low = who(P_GAP_A, LOA_LOW), user = who(P_USER_B, LOA_HIGH);
	struct actor gap_a = who(P_GAP_A, LOA_HIGH), cogap_b = who(P_COGAP_B, LOA_HIGH);
	struct access_errors err;
	char id[MANDATE_ID_LEN + 1];
	int64_t before = rows(), d = denied();
	static const char *const youth[] = { "MEDSEIP" };

	(void)state;
	/* Password level: eID required. */
	assert_int_equal(propose(&low, F->a, "mandator", "0403170701", "health_related",
	    health_apps, 2, F->now_q, "", &err, id), ACCESS_DENIED);
	assert_int_equal(store_fixture_audit(F->fx.s, "access.denied", "1", NULL, "reason",
	    "level"), 1);
	/* Somebody with no role in the organisation. */
	assert_int_equal(propose(&user, F->b, "mandatary", "0552627113", "health_related",
	    health_apps, 2, F->now_q, "", &err, id), ACCESS_DENIED);
	assert_int_equal(denied(), d + 2);
	assert_int_equal(rows(), before);

	/* Field errors, all at once, nothing written. */
	assert_int_equal(propose(&gap_a, F->a, "mandator", "0403170702", "health_related",
	    health_apps, 2, "2020-1", "2019-4", &err, id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "counterparty"));
	assert_non_null(access_error_of(&err, "start"));
	assert_non_null(access_error_of(&err, "end"));
	assert_int_equal(propose(&gap_a, F->a, "mandator", "0552627113", "health_related",
	    health_apps, 2, "2030-5", "", &err, id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "counterparty"));    /* itself */
	assert_non_null(access_error_of(&err, "start"));
	/* Applications outside the quality. */
	assert_int_equal(propose(&gap_a, F->a, "mandator", "0403170701", "youth_care", youth, 1,
	    F->now_q, "", &err, id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "apps"));
	assert_non_null(access_error_of(&err, "quality"));        /* not activated at A */
	/* B (co-GAP) proposes for a quality A has not activated. */
	assert_int_equal(propose(&cogap_b, F->b, "mandatary", "0552627113", "youth_care", NULL, 0,
	    F->now_q, "", &err, id), ACCESS_INVALID);
	assert_string_equal(access_error_of(&err, "quality"),
	    "Le mandant n'a pas activé cette qualité.");
	assert_non_null(access_error_of(&err, "apps"));
	assert_int_equal(rows(), before);
	assert_int_equal(denied(), d + 2);
	/* The co-GAP of B may propose (eID) as B's GAP may. */
	assert_int_equal(propose(&cogap_b, F->b, "mandatary", "0552627113", "health_related",
	    health_apps, 1, F->now_q, "2099-4", &err, id), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM mandate WHERE proposed_side = 'mandatary' "
	    "AND end_quarter = 20994"), 1);
}

static void
who_serves(void **state)
{
	struct actor gap_a = who(P_GAP_A, LOA_HIGH), gap_b = who(P_GAP_B, LOA_LOW);
	struct actor gap_b_eid = who(P_GAP_B, LOA_HIGH);
	struct access_errors err;
	char id[MANDATE_ID_LEN + 1];
	static const char *const one[] = { "MEDSEIP" };
	static const char *const outside[] = { "SARA" };
	int64_t before, d;

	(void)state;
	assert_int_equal(propose(&gap_a, F->a, "mandator", "0403170701", "health_related",
	    health_apps, 2, F->now_q, "", &err, id), ACCESS_OK);
	assert_int_equal(mandate_decide(F->fx.s, NULL, &gap_b_eid, F->b, id, 1, true), ACCESS_OK);
	/* The mandator does not choose who serves B. */
	d = denied();
	before = rows();
	assert_int_equal(mandate_member_set(F->fx.s, &gap_a, F->a, id, 2, "claire.a", one, 1,
	    &err), ACCESS_DENIED);
	assert_int_equal(denied(), d + 1);
	/* An application outside the mandate, a user of another organisation. */
	assert_int_equal(mandate_member_set(F->fx.s, &gap_b, F->b, id, 2, "jan.b", outside, 1,
	    &err), ACCESS_INVALID);
	assert_string_equal(access_error_of(&err, "apps"),
	    "Ces applications ne sont pas couvertes par le mandat.");
	assert_int_equal(mandate_member_set(F->fx.s, &gap_b, F->b, id, 2, "claire.a", one, 1,
	    &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "username"));
	assert_int_equal(rows(), before);
	/* B's GAP names its user with one application, then both, then all users. */
	assert_int_equal(mandate_member_set(F->fx.s, &gap_b, F->b, id, 2, "JAN.B", one, 1, &err),
	    ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM mandate_grant"), 1);
	assert_int_equal(mandate_member_set(F->fx.s, &gap_b, F->b, id, 3, "jan.b", health_apps, 2,
	    &err), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM mandate_grant"), 2);
	assert_int_equal(count("SELECT count(*) FROM mandate_member"), 1);
	assert_int_equal(mandate_serve_all(F->fx.s, &gap_b, F->b, id, 3, true), ACCESS_CONFLICT);
	assert_int_equal(mandate_serve_all(F->fx.s, &gap_b, F->b, id, 4, true), ACCESS_OK);
	assert_int_equal(count("SELECT serve_all FROM mandate"), 1);
	/* The mandate is the ceiling in the schema too: a grant outside it cannot be stored. */
	assert_int_equal(store_fixture_script(&F->fx, "INSERT INTO mandate_grant(mandate_id, "
	    "account_id, application, granted_at) SELECT m.id, mm.account_id, 'SARA', 'x' "
	    "FROM mandate m JOIN mandate_member mm ON mm.mandate_id = m.id"), -1);
	{
		int64_t acc = count("SELECT account_id FROM mandate_member");

		assert_int_equal(mandate_member_remove(F->fx.s, &gap_b, F->b, id, 5, acc), ACCESS_OK);
		assert_int_equal(count("SELECT count(*) FROM mandate_grant"), 0);
		assert_int_equal(mandate_member_remove(F->fx.s, &gap_b, F->b, id, 6, acc),
		    ACCESS_NOT_FOUND);
	}
}

static void
expiry(void **state)
{
	struct actor gap_a = who(P_GAP_A, LOA_HIGH), sys = { .name = "test" };
	struct access_errors err;
	char id[MANDATE_ID_LEN + 1];
	struct arena *a = arena_new(0);
	struct mandate_view v;
	int n = -1;

	(void)state;
	assert_int_equal(propose(&gap_a, F->a, "mandator", "0403170701", "health_related",
	    health_apps, 2, F->now_q, F->now_q, &err, id), ACCESS_OK);
	assert_int_equal(mandate_expire_due(F->fx.s, NULL, &sys, &n), ACCESS_OK);
	assert_int_equal(n, 0);
	/* Its end quarter passes (moved back in the table, as time would). */
	assert_int_equal(store_fixture_script(&F->fx,
	    "UPDATE mandate SET start_quarter = 20201, end_quarter = 20204"), 0);
	assert_int_equal(mandate_get(F->fx.s, &gap_a, F->a, id, a, &v), ACCESS_OK);
	assert_string_equal(v.status, "expired");          /* reads as expired at once */
	assert_false(v.may_end);
	assert_int_equal(mandate_end(F->fx.s, NULL, &gap_a, F->a, id, 1), ACCESS_CONFLICT);
	assert_int_equal(mandate_expire_due(F->fx.s, NULL, &sys, &n), ACCESS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(count("SELECT count(*) FROM mandate WHERE status = 'expired'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mandate_event WHERE status = 'expired' "
	    "AND actor IS NULL AND side IS NULL"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'mandate_expired'"),
	    2);
	assert_int_equal(mandate_expire_due(F->fx.s, NULL, &sys, &n), ACCESS_OK);
	assert_int_equal(n, 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quarters),
		cmocka_unit_test_setup_teardown(life_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(who_serves, setup, teardown),
		cmocka_unit_test_setup_teardown(expiry, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
