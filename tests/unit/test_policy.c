/* test_policy.c — the permission table cell by cell, as the product design (§2) writes it, and the
 * rules around it: other quality, other organisation, suspended, level, acting on the GAP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "policy/policy.h"

enum cell { NO, YES, OWN };

static const unsigned roles[7] = {
	ROLE_LEGAL_REP, ROLE_GAP, ROLE_COGAP, ROLE_GL, ROLE_COGL, ROLE_USER, ROLE_HELPDESK,
};
static const char *const role_names[7] = {
	"legal rep", "GAP", "co-GAP", "GL", "co-GL", "USER", "helpdesk",
};

/* The product design (§2), row by row: legal rep, GAP, co-GAP, GL, co-GL, USER, helpdesk. */
static const enum cell expected[POLICY__ACTIONS][7] = {
	[POLICY_DESIGNATE_GAP] = { YES, NO, NO, NO, NO, NO, NO },
	[POLICY_MANAGE_COGAPS] = { NO, YES, NO, NO, NO, NO, NO },
	[POLICY_ACTIVATE_QUALITY] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_DESIGNATE_COGL] = { NO, YES, YES, OWN, NO, NO, NO },
	[POLICY_MANAGE_USERS] = { NO, YES, YES, OWN, OWN, NO, NO },
	[POLICY_EXPORT_USERS] = { NO, YES, YES, OWN, OWN, NO, NO },
	[POLICY_READ_AUDIT] = { NO, YES, YES, OWN, OWN, NO, YES },
	[POLICY_CHANGE_OWN_DATA] = { YES, YES, YES, YES, YES, YES, YES },
	[POLICY_DECIDE_EXCEPTION] = { NO, NO, NO, NO, NO, NO, YES },
	/* issue 16 (docs/mandates.md) */
	[POLICY_MANDATE_PROPOSE] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_MANDATE_ACCEPT] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_MANDATE_END] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_MANDATE_ASSIGN] = { NO, YES, YES, OWN, OWN, NO, NO },
	[POLICY_MANDATE_VIEW] = { NO, YES, YES, OWN, OWN, NO, NO },
	[POLICY_CHANGE_ORG_ID] = { NO, NO, NO, NO, NO, NO, YES },
	/* Sub-departments (issue 16 part 4; a sub-department's own managers: test_subdept.c). */
	[POLICY_MANAGE_SUBDEPTS] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_APPOINT_SUBDEPT_GL] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_SUBDEPT_USERS] = { NO, YES, YES, OWN, OWN, NO, NO },
	[POLICY_MOVE_SUBDEPT] = { NO, YES, YES, NO, NO, NO, NO },
	[POLICY_MANAGE_SYSTEM_CERTS] = { NO, YES, YES, OWN, OWN, NO, NO },
	[POLICY_MANAGE_CHANNELS] = { NO, YES, YES, OWN, OWN, NO, NO },
};

static struct policy_actor
actor(unsigned r, enum loa level)
{
	struct policy_actor a = { .roles = r, .level = level };

	if (r & (ROLE_GL | ROLE_COGL)) {
		a.managed[0] = 7;       /* quality A */
		a.nmanaged = 1;
	}
	return a;
}

static void
every_cell(void **state)
{
	(void)state;
	for (int act = 0; act < POLICY__ACTIONS; act++) {
		for (int k = 0; k < 7; k++) {
			struct policy_actor who = actor(roles[k], LOA_HIGH);
			struct policy_target own_q = { .quality = 7, .own_data = true };
			struct policy_target other_q = { .quality = 9, .own_data = true };
			struct policy_target org = { .quality = 0, .own_data = true };
			enum policy_reason in_own = policy_check(act, &who, &own_q);
			enum policy_reason in_other = policy_check(act, &who, &other_q);
			enum policy_reason at_org = policy_check(act, &who, &org);

			switch (expected[act][k]) {
			case YES:
				if (in_own != POLICY_ALLOWED || in_other != POLICY_ALLOWED ||
				    at_org != POLICY_ALLOWED)
					fail_msg("%s should be allowed to %s", role_names[k],
					    policy_action_name(act));
				break;
			case OWN:
				if (in_own != POLICY_ALLOWED)
					fail_msg("%s should be allowed to %s in own quality",
					    role_names[k], policy_action_name(act));
				if (in_other != POLICY_OTHER_QUALITY || at_org != POLICY_OTHER_QUALITY)
					fail_msg("%s must not %s outside own quality",
					    role_names[k], policy_action_name(act));
				break;
			case NO:
				if (in_own == POLICY_ALLOWED || in_other == POLICY_ALLOWED ||
				    at_org == POLICY_ALLOWED)
					fail_msg("%s must not %s", role_names[k],
					    policy_action_name(act));
				assert_int_equal(in_own, POLICY_NO_ROLE);
				break;
			}
		}
	}
}

/* Proposing, accepting and ending a mandate bind the organisation: eID only, for the GAP
 * and the co-GAPs alike; who serves under it is managing users (any level). */
static void
mandates_need_eid(void **state)
{
	static const enum policy_action eid_only[] = {
		POLICY_MANDATE_PROPOSE, POLICY_MANDATE_ACCEPT, POLICY_MANDATE_END,
	};
	struct policy_target org = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(eid_only) / sizeof(eid_only[0]); i++) {
		for (unsigned r = ROLE_GAP; r <= ROLE_COGAP; r <<= 1) {
			struct policy_actor low = actor(r, LOA_LOW), sub = actor(r, LOA_SUBSTANTIAL);
			struct policy_actor high = actor(r, LOA_HIGH);

			assert_int_equal(policy_check(eid_only[i], &low, &org), POLICY_LEVEL);
			assert_int_equal(policy_check(eid_only[i], &sub, &org), POLICY_LEVEL);
			assert_int_equal(policy_check(eid_only[i], &high, &org), POLICY_ALLOWED);
		}
	}
	{
		struct policy_actor gap = actor(ROLE_GAP, LOA_LOW);

		struct policy_target side = { .wrong_side = true };

		assert_int_equal(policy_check(POLICY_MANDATE_ASSIGN, &gap, &org), POLICY_ALLOWED);
		/* The proposing side does not accept its own proposal; the mandator does not
		 * choose who serves the mandatary. */
		gap.level = LOA_HIGH;
		assert_int_equal(policy_check(POLICY_MANDATE_ACCEPT, &gap, &side), POLICY_WRONG_SIDE);
		assert_int_equal(policy_check(POLICY_MANDATE_ASSIGN, &gap, &side), POLICY_WRONG_SIDE);
		assert_int_equal(policy_check(POLICY_MANDATE_END, &gap, &side), POLICY_ALLOWED);
	}
}

static void
gl_of_a_on_b(void **state)
{
	struct policy_actor gl = actor(ROLE_GL, LOA_LOW);
	struct policy_target b = { .quality = 9 };

	(void)state;
	assert_int_equal(policy_check(POLICY_MANAGE_USERS, &gl, &b), POLICY_OTHER_QUALITY);
	assert_int_equal(policy_check(POLICY_EXPORT_USERS, &gl, &b), POLICY_OTHER_QUALITY);
	assert_int_equal(policy_check(POLICY_DESIGNATE_COGL, &gl, &b), POLICY_OTHER_QUALITY);
}

static void
manager_of_another_organisation(void **state)
{
	/* The service computes roles for the target's organisation: a GAP of X holds no
	 * role in Y, so the actor arrives with none. */
	struct policy_actor stranger = actor(0, LOA_HIGH);
	struct policy_target y = { .quality = 7 };

	(void)state;
	for (int act = 0; act < POLICY__ACTIONS; act++)
		if (act != POLICY_CHANGE_OWN_DATA)
			assert_int_equal(policy_check(act, &stranger, &y), POLICY_NO_ROLE);
}

static void
suspended_acts_on_nothing(void **state)
{
	struct policy_actor gap = actor(ROLE_GAP | ROLE_GL, LOA_HIGH);
	struct policy_target q = { .quality = 7, .own_data = true };

	(void)state;
	gap.suspended = true;
	for (int act = 0; act < POLICY__ACTIONS; act++)
		assert_int_equal(policy_check(act, &gap, &q), POLICY_SUSPENDED);
}

static void
cogap_cannot_touch_gap(void **state)
{
	struct policy_actor cogap = actor(ROLE_COGAP, LOA_HIGH);
	struct policy_actor gap = actor(ROLE_GAP, LOA_HIGH);
	struct policy_target the_gap = { .quality = 7, .target_is_gap = true };

	(void)state;
	assert_int_equal(policy_check(POLICY_MANAGE_COGAPS, &cogap, &the_gap), POLICY_NO_ROLE);
	assert_int_equal(policy_check(POLICY_MANAGE_USERS, &cogap, &the_gap), POLICY_TARGET_GAP);
	assert_int_equal(policy_check(POLICY_MANAGE_USERS, &gap, &the_gap), POLICY_ALLOWED);
}

/* Nobody acts on the account of someone above them: a co-GAP is above the local managers,
 * the GAP above everyone; only the GAP acts on a co-GAP's account or on their own. */
static void
nobody_acts_on_someone_above(void **state)
{
	static const unsigned actors[] = { ROLE_GAP, ROLE_COGAP, ROLE_GL, ROLE_COGL,
	    ROLE_COGAP | ROLE_GL };
	/* Allowed on a co-GAP's account, on the GAP's: per actor above. */
	static const bool on_cogap[] = { true, false, false, false, false };
	static const bool on_gap[] = { true, false, false, false, false };
	struct policy_target cogap = { .quality = 7, .target_roles = ROLE_COGAP };
	struct policy_target gap = { .quality = 7, .target_roles = ROLE_GAP };
	struct policy_target gl = { .quality = 7, .target_roles = ROLE_GL };
	const enum policy_action acts[] = { POLICY_MANAGE_USERS, POLICY_DESIGNATE_COGL };

	(void)state;
	for (size_t k = 0; k < sizeof(actors) / sizeof(actors[0]); k++) {
		struct policy_actor who = actor(actors[k], LOA_HIGH);

		for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
			enum policy_reason r = policy_check(acts[i], &who, &cogap);

			if (actors[k] == ROLE_COGL && acts[i] == POLICY_DESIGNATE_COGL)
				continue;          /* not theirs at all (no_role) */
			if (on_cogap[k] ? r != POLICY_ALLOWED : r != POLICY_TARGET_ABOVE)
				fail_msg("roles %#x, %s on a co-GAP: %s", actors[k],
				    policy_action_name(acts[i]), policy_reason_name(r));
			r = policy_check(acts[i], &who, &gap);
			if (on_gap[k] ? r != POLICY_ALLOWED : r != POLICY_TARGET_GAP)
				fail_msg("roles %#x, %s on the GAP: %s", actors[k],
				    policy_action_name(acts[i]), policy_reason_name(r));
			/* A local manager's account: not above the organisation's managers. */
			if (actors[k] != ROLE_COGL)
				assert_int_equal(policy_check(acts[i], &who, &gl), POLICY_ALLOWED);
		}
	}
	/* The GAP as a co-GAP's target through the older flag means the same. */
	gap.target_roles = 0;
	gap.target_is_gap = true;
	{
		struct policy_actor c = actor(ROLE_COGAP, LOA_HIGH);

		assert_int_equal(policy_check(POLICY_MANAGE_USERS, &c, &gap), POLICY_TARGET_GAP);
	}
	assert_string_equal(policy_reason_name(POLICY_TARGET_ABOVE), "target_above");
}

static void
gap_designation_needs_eid(void **state)
{
	struct policy_actor rep = actor(ROLE_LEGAL_REP, LOA_SUBSTANTIAL);
	struct policy_target t = { 0 };

	(void)state;
	assert_int_equal(policy_check(POLICY_DESIGNATE_GAP, &rep, &t), POLICY_LEVEL);
	rep.level = LOA_HIGH;
	assert_int_equal(policy_check(POLICY_DESIGNATE_GAP, &rep, &t), POLICY_ALLOWED);
}

static void
own_data_only(void **state)
{
	struct policy_actor user = actor(ROLE_USER, LOA_LOW);
	struct policy_target someone_else = { .own_data = false };

	(void)state;
	assert_int_equal(policy_check(POLICY_CHANGE_OWN_DATA, &user, &someone_else),
	    POLICY_NOT_OWN);
	assert_string_equal(policy_reason_name(POLICY_NOT_OWN), "not_own");
	assert_string_equal(policy_action_name(POLICY_DECIDE_EXCEPTION), "decide_exception");
	assert_int_equal(policy_check((enum policy_action)99, &user, &someone_else),
	    POLICY_NO_ROLE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cell),
		cmocka_unit_test(gl_of_a_on_b),
		cmocka_unit_test(mandates_need_eid),
		cmocka_unit_test(manager_of_another_organisation),
		cmocka_unit_test(suspended_acts_on_nothing),
		cmocka_unit_test(cogap_cannot_touch_gap),
		cmocka_unit_test(nobody_acts_on_someone_above),
		cmocka_unit_test(gap_designation_needs_eid),
		cmocka_unit_test(own_data_only),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
