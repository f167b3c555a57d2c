/* test_arena.h — one arena per test program for the texts services hand back (issue 12
 * part 5: texts are arena-owned); it lives until the program exits. */
#ifndef PORTIER_TESTS_TEST_ARENA_H
#define PORTIER_TESTS_TEST_ARENA_H

#include "base/arena.h"

/* The program's arena (cmocka's assert stops the test when it cannot be made). */
static inline struct arena *
test_arena(void)
{
	static struct arena *a;

	if (a == NULL)
		a = arena_new(0);
	assert_non_null(a);
	return a;
}

#endif
