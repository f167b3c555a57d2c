/* test_result_http.c — the access domain's one set of result codes and field errors
 * (access/result.h) and the one table that turns a code into an HTTP status for /acces,
 * /csam and /helpdesk (apps/result_http.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "access/result.h"
#include "apps/result_http.h"

/* Every code, with the status both surfaces now give. The rows marked "was" are the ones
 * where the two former mappings (uman_fail, csam_app_fail through csam_rc_of) disagreed. */
static void
test_status_of_every_code(void **state)
{
	static const struct {
		enum access_rc rc;
		int status;
	} rows[] = {
		{ ACCESS_DENIED, 403 },
		{ ACCESS_NOT_FOUND, 404 },
		{ ACCESS_INVALID, 400 },     /* was 400 on /acces, 500 on /csam */
		{ ACCESS_CONFLICT, 400 },
		{ ACCESS_EXISTS, 400 },      /* was 400 on /acces, 500 on /csam */
		{ ACCESS_BUSY, 503 },        /* was 503 only for the /acces exports */
		{ ACCESS_REFUSED, 403 },     /* csam only: was 500 */
		{ ACCESS_ERROR, 500 },
		{ ACCESS_OK, 500 },          /* no failure: a caller's mistake, never a 200 */
		{ (enum access_rc)99, 500 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "code %d", (int)rows[i].rc);
		if (app_status_of(rows[i].rc) != rows[i].status)
			fail_msg("%s: %d, expected %d", what, app_status_of(rows[i].rc), rows[i].status);
	}
}

/* One shape of field errors: the first error of a field wins, the list is bounded, and a
 * NULL list is ignored (a service called without one). */
static void
test_field_errors(void **state)
{
	struct access_errors err = { 0 };
	char names[ACCESS_MAX_ERRORS + 2][8];

	(void)state;
	access_error_add(&err, "email", "first");
	access_error_add(&err, "email", "second");
	assert_int_equal(err.n, 1);
	assert_string_equal(access_error_of(&err, "email"), "first");
	assert_null(access_error_of(&err, "phone"));
	for (size_t i = 0; i < ACCESS_MAX_ERRORS + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		access_error_add(&err, names[i], "x");
	}
	assert_int_equal(err.n, ACCESS_MAX_ERRORS);
	assert_null(access_error_of(&err, names[ACCESS_MAX_ERRORS]));
	access_error_add(NULL, "email", "ignored");
	assert_null(access_error_of(NULL, "email"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_of_every_code),
		cmocka_unit_test(test_field_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
