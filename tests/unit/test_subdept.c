/* test_subdept.c — sub-departments (issue 16 parts 4 and 7) against a real store (SQLite, or
 * PostgreSQL with PORTIER_TEST_PG): the policy cells as a table, then the services: creation
 * anchored on the enterprise's establishment units, nesting, appointment of their managers,
 * users added by them, and every refusal audited with nothing changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/account.h"
#include "access/org.h"
#include "access/quality.h"
#include "access/subdept.h"
#include "audit/audit.h"
#include "policy/loa.h"
#include "policy/policy.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

enum { P_GAP = 1, P_COGAP, P_GL, P_NORD, P_SUD };
#define ENTERPRISE "0552627113"
#define UNIT_1 "2190171611"      /* the enterprise's establishment units (mod 97) */
#define UNIT_2 "2190171710"
#define UNIT_OTHER "2190171809"  /* another enterprise's */

struct fixture {
	struct store_fixture fx;
	int64_t org, q;
	int64_t nord, sud;                /* sub-departments */
};

static struct fixture *F;

/* ---- the policy cells, pure ---- */

static struct policy_actor
actor(unsigned roles)
{
	struct policy_actor a = { .roles = roles, .level = LOA_LOW };

	return a;
}

static void
policy_cells(void **state)
{
	struct policy_actor gap = actor(ROLE_GAP), cogap = actor(ROLE_COGAP);
	struct policy_actor gl = actor(ROLE_GL), sub = actor(ROLE_SUB_GL | ROLE_USER);
	struct policy_actor user = actor(ROLE_USER);
	struct policy_target org_level = { .quality = 7 }, in_nord = { .quality = 7, .subdept = 1 };
	struct policy_target in_sud = { .quality = 7, .subdept = 2 };
	struct policy_target other_q = { .quality = 8, .subdept = 1 };

	(void)state;
	gl.managed[gl.nmanaged++] = 7;
	sub.managed_sub[0].quality = 7;
	sub.managed_sub[0].subdept = 1;
	sub.nmanaged_sub = 1;
	/* Shaping and appointing: the GAP and co-GAPs only. */
	for (int a = POLICY_MANAGE_SUBDEPTS; a <= POLICY_APPOINT_SUBDEPT_GL; a++) {
		assert_int_equal(policy_check(a, &gap, &in_nord), POLICY_ALLOWED);
		assert_int_equal(policy_check(a, &cogap, &in_nord), POLICY_ALLOWED);
		assert_int_equal(policy_check(a, &gl, &in_nord), POLICY_NO_ROLE);
		assert_int_equal(policy_check(a, &sub, &in_nord), POLICY_NO_ROLE);
		assert_int_equal(policy_check(a, &user, &in_nord), POLICY_NO_ROLE);
	}
	/* Moving: the GAP and co-GAPs only, even within one's own sub-department. */
	assert_int_equal(policy_check(POLICY_MOVE_SUBDEPT, &gap, &in_sud), POLICY_ALLOWED);
	assert_int_equal(policy_check(POLICY_MOVE_SUBDEPT, &cogap, &in_sud), POLICY_ALLOWED);
	assert_int_equal(policy_check(POLICY_MOVE_SUBDEPT, &gl, &in_sud), POLICY_NO_ROLE);
	assert_int_equal(policy_check(POLICY_MOVE_SUBDEPT, &sub, &in_nord), POLICY_NO_ROLE);
	/* Users: the sub-department's manager in it only; the quality's GL over all of it. */
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &sub, &in_nord), POLICY_ALLOWED);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &sub, &in_sud), POLICY_OTHER_SUBDEPT);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &sub, &org_level),
	    POLICY_OTHER_SUBDEPT);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &sub, &other_q), POLICY_OTHER_SUBDEPT);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &gl, &in_sud), POLICY_ALLOWED);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &gl, &other_q), POLICY_OTHER_QUALITY);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &user, &in_nord), POLICY_NO_ROLE);
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &gap, &in_sud), POLICY_ALLOWED);
	/* A sub-department's manager has no say in the quality's own pages. */
	assert_int_equal(policy_check(POLICY_MANAGE_USERS, &sub, &org_level), POLICY_NO_ROLE);
	/* Nor over someone above them (a co-GAP who is a user of the sub-department). */
	in_nord.target_roles = ROLE_COGAP;
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &sub, &in_nord), POLICY_TARGET_ABOVE);
	sub.suspended = true;
	in_nord.target_roles = 0;
	assert_int_equal(policy_check(POLICY_SUBDEPT_USERS, &sub, &in_nord), POLICY_SUSPENDED);
	assert_string_equal(policy_reason_name(POLICY_OTHER_SUBDEPT), "other_subdept");
	assert_string_equal(policy_action_name(POLICY_SUBDEPT_USERS), "subdept_users");
}

/* ---- the services ---- */

static struct actor
who(int64_t person)
{
	struct actor w = STORE_FIXTURE_WHO(person, LOA_LOW);

	return w;
}

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F->fx, sql);
}

/* Every row a refusal must leave alone, summed into one number per table. */
static void
snapshot(int64_t out[4])
{
	out[0] = count("SELECT count(*) + coalesce(sum(version), 0) FROM subdept");
	out[1] = count("SELECT count(*) + coalesce(sum(subdept_id), 0) + "
	    "sum(CASE type WHEN 'GL' THEN 100 WHEN 'COGL' THEN 10 ELSE 1 END) FROM subdept_member");
	out[2] = count("SELECT count(*) FROM quality_member");
	out[3] = count("SELECT count(*) FROM app_grant");
}

static int64_t
denials(const char *actor_id)
{
	return store_fixture_audit(F->fx.s, "access.denied", actor_id, NULL, NULL, NULL);
}

static int64_t
account_id(const char *username)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT id FROM account WHERE username = '%s'", username);
	return count(sql);
}

static void
add_member(int64_t person, const char *niss, const char *username)
{
	struct actor gap = who(P_GAP);
	struct user_input in = {
		.niss = niss, .username = username, .last_name = "X", .first_name = "Y",
		.data.title = "Mme", .data.language = "fr", .data.email = "x@example.be",
		.type = "USER",
	};
	struct access_errors err = { 0 };
	int64_t account = 0;

	(void)person;
	assert_int_equal(account_create(F->fx.s, &gap, F->org, F->q, &in, &err, &account),
	    ACCESS_OK);
}

static int
setup(void **state)
{
	static const char *const apps[] = { "MEDSEIP", "SADM" };
	struct activation_input act = {
		.quality = "health_related", .email = "q@example.be", .mode = "gl",
		.niss = "90022800193",
		.gl = { .username = "lukas", .last_name = "Schmitz", .first_name = "Lukas",
		    .data.title = "M.", .data.language = "de", .data.email = "l@example.be",
		    .apps = apps, .napps = 2 },
	};
	struct actor by = { .person_id = P_GAP, .role = "legal_rep" }, gap = who(P_GAP);
	struct access_errors err = { 0 };
	struct store_tx *tx;

	F = calloc(1, sizeof(*F));
	if (F == NULL || store_fixture_open(&F->fx, "subdept", 2) != 0)
		return -1;
	assert_int_equal(store_fixture_person(F->fx.s, "17073003384", "Dubois", "Claire", "fr",
	    "system"), P_GAP);
	assert_int_equal(store_fixture_person(F->fx.s, "85073003328", "Peeters", "Jan", "fr",
	    "system"), P_COGAP);
	assert_int_equal(store_fixture_person(F->fx.s, "90022800193", "Schmitz", "Lukas", "de",
	    "system"), P_GL);
	assert_int_equal(store_fixture_person(F->fx.s, "80010100305", "Lambert", "Marie", "fr",
	    "system"), P_NORD);
	assert_int_equal(store_fixture_person(F->fx.s, "80010100701", "Leroy", "Sophie", "fr",
	    "system"), P_SUD);
	F->org = store_fixture_org(F->fx.s, ENTERPRISE, "Pharma Test SA", P_GAP);
	assert_true(F->org > 0);
	assert_int_equal(store_begin(F->fx.s, STORE_WRITE, &tx), 0);
	assert_int_equal(org_add_cogap(tx, F->org, P_COGAP, &by), 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(quality_activate(F->fx.s, &gap, F->org, &act, &err, &F->q, NULL),
	    ACCESS_OK);
	assert_int_equal(store_fixture_script(&F->fx,
	    "INSERT INTO kbo_establishment(establishment_number, start_date, enterprise_number, "
	    "extract_id, source_line) VALUES ('" UNIT_1 "', '01-01-2020', '" ENTERPRISE "', 1, 1), "
	    "('" UNIT_2 "', '01-01-2020', '" ENTERPRISE "', 1, 2), "
	    "('" UNIT_OTHER "', '01-01-2020', '0403170701', 1, 3);"), 0);
	add_member(P_NORD, "80010100305", "marie.nord");
	add_member(P_SUD, "80010100701", "sophie.sud");
	*state = F;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(store_fixture_end(&F->fx, test_arena()), 0);
	free(F);
	F = NULL;
	return 0;
}

static enum access_rc
create(int64_t by, const char *name, const char *unit, const char *parent,
    struct access_errors *err, int64_t *id)
{
	struct actor w = who(by);
	struct subdept_input in = { .name = name, .establishment = unit, .parent = parent };

	return subdept_create(F->fx.s, &w, F->org, &in, err, id);
}

/* The GAP's sub-departments Nord (on UNIT_1) and Sud (under Nord), Marie GL of Nord and
 * Sophie GL of Sud. */
static void
shape(void)
{
	struct actor gap = who(P_GAP);
	struct access_errors err;
	char parent[24];

	assert_int_equal(create(P_GAP, "Nord", "2.190.171.611", "", &err, &F->nord), ACCESS_OK);
	snprintf(parent, sizeof(parent), "%lld", (long long)F->nord);
	assert_int_equal(create(P_COGAP, "Sud", "", parent, &err, &F->sud), ACCESS_OK);
	assert_int_equal(subdept_appoint(F->fx.s, &gap, F->org, F->nord, F->q, "marie.nord", "GL",
	    &err), ACCESS_OK);
	assert_int_equal(subdept_appoint(F->fx.s, &gap, F->org, F->sud, F->q, "sophie.sud", "GL",
	    &err), ACCESS_OK);
}

static void
creation_and_field_errors(void **state)
{
	struct access_errors err;
	struct subdept_view v;
	struct actor gap = who(P_GAP);
	int64_t before[4], after[4], id = 0;

	(void)state;
	shape();
	assert_int_equal(count("SELECT count(*) FROM subdept WHERE establishment = '" UNIT_1 "'"),
	    1);
	snapshot(before);
	assert_int_equal(create(P_GAP, "  ", "", "", &err, &id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "name"));
	assert_int_equal(create(P_GAP, "NORD", "", "", &err, &id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "name"));
	assert_int_equal(create(P_GAP, "Est", UNIT_OTHER, "", &err, &id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "establishment"));
	assert_int_equal(create(P_GAP, "Est", UNIT_1, "", &err, &id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "establishment"));
	assert_int_equal(create(P_GAP, "Est", "2190171612", "", &err, &id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "establishment"));
	assert_int_equal(create(P_GAP, "Est", "", "12x", &err, &id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "parent"));
	snapshot(after);
	assert_memory_equal(before, after, sizeof(before));
	/* The tree: Sud under Nord, one level down. */
	assert_int_equal(subdept_read(F->fx.s, &gap, F->org, test_arena(), &v), ACCESS_OK);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.rows[0].name, "Nord");
	assert_int_equal(v.rows[0].depth, 0);
	assert_string_equal(v.rows[1].name, "Sud");
	assert_int_equal(v.rows[1].depth, 1);
	assert_true(v.may_shape);
	assert_int_equal(v.nunits, 2);
	assert_int_equal(store_fixture_audit(F->fx.s, "subdept.create", NULL, NULL, NULL, NULL), 2);
}

/* Asserts a refusal: ACCESS_DENIED, one more access.denied of by, nothing changed. */
#define REFUSED(by_str, call) do { \
		int64_t b_[4], a_[4], d_ = denials(by_str); \
		snapshot(b_); \
		assert_int_equal((call), ACCESS_DENIED); \
		snapshot(a_); \
		assert_memory_equal(b_, a_, sizeof(b_)); \
		assert_int_equal(denials(by_str), d_ + 1); \
	} while (0)

static void
grants_never_cross(void **state)
{
	static const char *const sadm[] = { "SADM" }, *const both[] = { "SADM", "MEDSEIP" };
	struct actor nord = who(P_NORD), sud = who(P_SUD), gl = who(P_GL), gap = who(P_GAP);
	struct access_errors err;
	struct user_input in = {
		.niss = "75050500203", .username = "nadia", .last_name = "Nouveau",
		.first_name = "Nadia", .data.title = "Mme", .data.language = "fr",
		.data.email = "n@example.be", .apps = sadm, .napps = 1,
	};
	struct subdept_view v;
	int64_t nadia = 0, lukas;
	struct subdept_input sd = { .name = "X", .establishment = "", .parent = "" };

	(void)state;
	shape();
	/* Marie adds Nadia to Nord. */
	assert_int_equal(subdept_add_user(F->fx.s, &nord, F->org, F->nord, F->q, &in, &err,
	    &nadia), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM subdept_member WHERE type = 'USER'"), 1);
	assert_int_equal(count("SELECT count(*) FROM app_grant WHERE application = 'SADM'"), 2);
	/* Sophie (Sud) may not add to Nord, nor grant or move Nadia; Marie may not move her. */
	in.niss = "75050500401";
	in.username = "other";
	REFUSED("5", subdept_add_user(F->fx.s, &sud, F->org, F->nord, F->q, &in, &err, NULL));
	REFUSED("5", subdept_set_grants(F->fx.s, &sud, F->org, F->q, nadia, both, 2, &err));
	REFUSED("5", subdept_move(F->fx.s, &sud, F->org, F->q, nadia, F->sud, &err));
	REFUSED("4", subdept_move(F->fx.s, &nord, F->org, F->q, nadia, F->sud, &err));
	/* Nor at the organisation level (Lukas' own account), nor the shaping. */
	lukas = account_id("lukas");
	REFUSED("4", subdept_set_grants(F->fx.s, &nord, F->org, F->q, lukas, sadm, 1, &err));
	REFUSED("4", subdept_create(F->fx.s, &nord, F->org, &sd, &err, NULL));
	REFUSED("3", subdept_create(F->fx.s, &gl, F->org, &sd, &err, NULL));
	REFUSED("3", subdept_appoint(F->fx.s, &gl, F->org, F->nord, F->q, "sophie.sud", "COGL",
	    &err));
	/* Sophie sees nothing of Nord's people; Marie sees Nadia. */
	assert_int_equal(subdept_read(F->fx.s, &sud, F->org, test_arena(), &v), ACCESS_OK);
	for (size_t i = 0; i < v.nmembers; i++)
		assert_int_equal(v.members[i].subdept_id, F->sud);
	assert_false(v.may_shape);
	/* The quality's GL stands above; the GAP moves her to Sud, where Sophie manages her. */
	assert_int_equal(subdept_set_grants(F->fx.s, &gl, F->org, F->q, nadia, both, 2, &err),
	    ACCESS_OK);
	assert_int_equal(subdept_move(F->fx.s, &gap, F->org, F->q, nadia, F->sud, &err),
	    ACCESS_OK);
	REFUSED("4", subdept_set_grants(F->fx.s, &nord, F->org, F->q, nadia, sadm, 1, &err));
	assert_int_equal(subdept_set_grants(F->fx.s, &sud, F->org, F->q, nadia, sadm, 1, &err),
	    ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM app_grant WHERE application = 'MEDSEIP'"),
	    1);
	/* Nord still has Marie: not removable; an unknown application is refused. */
	assert_int_equal(subdept_remove(F->fx.s, &gap, F->org, F->nord, 1, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "subdept"));
	{
		static const char *const bad[] = { "NOPE" };

		assert_int_equal(subdept_set_grants(F->fx.s, &sud, F->org, F->q, nadia, bad, 1, &err),
		    ACCESS_INVALID);
	}
	/* A plain user reads nothing. */
	{
		int64_t paul = store_fixture_person(F->fx.s, "80010100503", "Martin", "Paul", "fr",
		    "system");
		struct actor stranger = who(paul);
		char id[24];

		assert_true(paul > 0);
		snprintf(id, sizeof(id), "%lld", (long long)paul);
		REFUSED(id, subdept_read(F->fx.s, &stranger, F->org, test_arena(), &v));
	}
}

static void
appoint_replaces_and_profiles(void **state)
{
	struct actor gap = who(P_GAP);
	struct access_errors err;
	struct store_tx *tx;
	const char *name = NULL;

	(void)state;
	shape();
	/* A new GL of Nord: Marie stays there as a user. */
	assert_int_equal(subdept_appoint(F->fx.s, &gap, F->org, F->nord, F->q, "sophie.sud", "GL",
	    &err), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM subdept_member WHERE type = 'GL'"), 1);
	assert_int_equal(count("SELECT count(*) FROM subdept_member WHERE type = 'USER'"), 1);
	/* The quality's own GL is not appointed; an unknown user name neither. */
	assert_int_equal(subdept_appoint(F->fx.s, &gap, F->org, F->nord, F->q, "lukas", "COGL",
	    &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "username"));
	assert_int_equal(subdept_appoint(F->fx.s, &gap, F->org, F->nord, F->q, "nobody", "XX",
	    &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "type"));
	/* The profile's sub-department. */
	assert_int_equal(store_begin(F->fx.s, STORE_READ, &tx), 0);
	assert_int_equal(subdept_of_member(tx, test_arena(), F->q, account_id("sophie.sud"),
	    &name), 0);
	assert_string_equal(name, "Nord");
	assert_int_equal(subdept_of_member(tx, test_arena(), F->q, account_id("lukas"), &name), 0);
	assert_string_equal(name, "");
	store_rollback(&tx);
	/* Rename at a stale version: said, nothing changed. */
	assert_int_equal(subdept_rename(F->fx.s, &gap, F->org, F->sud, 1, "Zuid", &err), ACCESS_OK);
	assert_int_equal(subdept_rename(F->fx.s, &gap, F->org, F->sud, 1, "Sud", &err),
	    ACCESS_INVALID);
	assert_int_equal(count("SELECT count(*) FROM subdept WHERE name = 'Zuid'"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_cells),
		cmocka_unit_test_setup_teardown(creation_and_field_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(grants_never_cross, setup, teardown),
		cmocka_unit_test_setup_teardown(appoint_replaces_and_profiles, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
