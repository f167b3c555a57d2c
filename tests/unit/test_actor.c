/* test_actor.c — who acts, as the audit trail names them (policy/actor.h): the person's
 * id, else the operator or program that acts, else "system"; never a cut name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "policy/actor.h"

static void
test_actor_name(void **state)
{
	char out[ACTOR_NAME_SIZE];

	(void)state;
	assert_string_equal(actor_name(&(struct actor){ .person_id = 42, .name = "cli" }, out),
	    "42");
	assert_string_equal(actor_name(&(struct actor){ .person_id = INT64_MAX }, out),
	    "9223372036854775807");
	assert_string_equal(actor_name(&(struct actor){ .name = "cli" }, out), "cli");
	assert_string_equal(actor_name(&(struct actor){ .name = "" }, out), "system");
	assert_string_equal(actor_name(&(struct actor){ 0 }, out), "system");
	assert_string_equal(actor_name(NULL, out), "system");
	/* A negative id is no person. */
	assert_string_equal(actor_name(&(struct actor){ .person_id = -3, .name = "cli" }, out),
	    "cli");
	/* Too long for the audit's column: "system", never a cut name. */
	assert_string_equal(actor_name(&(struct actor){
	    .name = "a-program-name-far-longer-than-the-buffer" }, out), "system");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_actor_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
