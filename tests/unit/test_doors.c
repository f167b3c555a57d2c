/* test_doors.c — the table of login doors and the reading of `doors =` (apps/login/doors.c):
 * every known name, spaces around names, and the refusals that name the bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "apps/login/doors.h"
#include "policy/loa.h"

static void
test_parse(void **state)
{
	struct login_doors d;
	char err[512];

	(void)state;
	assert_int_equal(login_doors_parse("eid,passkey,password+totp,idp", &d, err, sizeof(err)), 0);
	assert_int_equal(d.on, (1u << DOOR_EID) | (1u << DOOR_PASSKEY) |
	    (1u << DOOR_PASSWORD_TOTP) | (1u << DOOR_IDP));
	assert_int_equal(login_doors_parse(" password+email ,\tpassword+tokencard, eid ,eid", &d,
	    err, sizeof(err)), 0);
	assert_int_equal(d.on, (1u << DOOR_PASSWORD_EMAIL) | (1u << DOOR_PASSWORD_TOKENCARD) |
	    (1u << DOOR_EID));
	assert_int_equal(login_doors_parse("password", &d, err, sizeof(err)), 0);
	assert_int_equal(d.on, 1u << DOOR_PASSWORD);
}

static void
test_refusals(void **state)
{
	struct login_doors d;
	char err[512];

	(void)state;
	assert_int_equal(login_doors_parse("eid,token", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown door \"token\""));
	assert_non_null(strstr(err, "known: eid, passkey, idp, password+totp"));
	assert_int_equal(login_doors_parse("eid,", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "an empty name"));
	assert_int_equal(login_doors_parse("", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no door named"));
	assert_int_equal(login_doors_parse("Password+TOTP", &d, err, sizeof(err)), -1);
	assert_int_equal(login_doors_parse("password+totp;eid", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"password+totp;eid\""));
}

/* The page's order is the table's: eID first, then the levels never rise. */
static void
test_table(void **state)
{
	const struct login_door *t;
	size_t n;

	(void)state;
	t = login_door_table(&n);
	assert_int_equal(n, DOOR__N);
	assert_string_equal(t[0].name, "eid");
	assert_int_equal(t[0].level, LOA_HIGH);
	for (size_t i = 1; i < n; i++) {
		assert_true(t[i].level <= t[i - 1].level);
		assert_true(t[i].level >= LOA_LOW);
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, "password+email") == 0)
			assert_int_equal(t[i].level, LOA_LOW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
