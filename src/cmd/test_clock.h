/* test_clock.h — `portier serve|demo --test-clock FILE`: the test suites' way of letting
 * time pass in a running server (base/clock.h), kept out of reach of production. */
#ifndef PORTIER_CMD_TEST_CLOCK_H
#define PORTIER_CMD_TEST_CLOCK_H

#include "cmd/config.h"

/* Takes "--test-clock FILE" (or "--test-clock=FILE") out of argv, moving the rest down
 * and lowering *argc; *file receives FILE or stays NULL. Only the command line gives it:
 * no settings file or environment variable does. Returns 0, or -1 (said) without FILE. */
int test_clock_take(int *argc, char **argv, const char **file);
/* With a test clock (file not NULL): refused (-1, said on stderr) unless every listener
 * of c is on the loopback interface; else the clock reads file from now on and the log
 * says so at start. 0 without a test clock. */
int test_clock_start(const struct config *c, const char *file);

#endif
