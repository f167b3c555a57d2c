/* clock_fixture.h — the test clock in unit tests (what `portier serve --test-clock FILE`
 * gives a server, docs/testing.md): the service's clock moved 1,095 days back, so that a
 * test can tell a time the service wrote (then) from one the database wrote (today). */
#ifndef PORTIER_TESTS_CLOCK_FIXTURE_H
#define PORTIER_TESTS_CLOCK_FIXTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"

/* The real time two years ago, as the stored text: every time the services write while
 * the clock is back is older than that; one the database's clock wrote is newer. */
struct clock_fixture {
	char path[64];
	char before[CLOCK_TEXT_SIZE];
};

/* Moves the clock back (clock_use_file on a file of its own): 0, or -1. */
static inline int
clock_fixture_back(struct clock_fixture *c)
{
	static const char back[] = "-94608000\n";
	int fd;

	snprintf(c->path, sizeof(c->path), "/tmp/portier-clock-XXXXXX");
	fd = mkstemp(c->path);
	if (fd < 0)
		return -1;
	if (write(fd, back, sizeof(back) - 1) != (ssize_t)(sizeof(back) - 1)) {
		close(fd);
		return -1;
	}
	close(fd);
	if (clock_use_file(c->path) != 0 ||
	    clock_text((int64_t)time(NULL) - 2 * 365 * 86400, c->before) != 0)
		return -1;
	return 0;
}

/* The real clock again (an absent file is an offset of 0). */
static inline int
clock_fixture_end(struct clock_fixture *c)
{
	return unlink(c->path);
}

#endif
