/* clock.c — the server's time, with the test clock's offset read from its file. The file
 * is read at each call so that a test moves time while the server runs; a server without
 * a test clock pays one test of a byte. */
#include "base/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

/* Set once before threads start, read only afterwards. */
static char offset_file[1024];

/* The offset written in the file: an integer of seconds, at most ten years either way;
 * anything else counts as 0 (said in the log). */
static int64_t
offset(void)
{
	char buf[32], *end;
	long long v;
	ssize_t n;
	int fd;

	fd = open(offset_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno != 0 || end == buf || *end != '\0' || v < -315569520LL || v > 315569520LL) {
		log_warn(NULL, "test clock: %s does not hold a number of seconds: ignored",
		    offset_file);
		return 0;
	}
	return (int64_t)v;
}

int64_t
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_time(void)
{
	int64_t now = (int64_t)time(NULL);

	return offset_file[0] != '\0' ? now + offset() : now;
}

int
clock_text(int64_t t, char out[CLOCK_TEXT_SIZE])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, CLOCK_TEXT_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) != CLOCK_TEXT_SIZE - 1)
		return -1;
	return 0;
}

int
clock_text_ms(char out[CLOCK_TEXT_MS_SIZE])
{
	struct timespec ts;
	int64_t ms;
	char sec[CLOCK_TEXT_SIZE];

	/* The milliseconds of the system clock, the seconds shifted as clock_time's. */
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return -1;
	ms = (int64_t)(ts.tv_nsec / 1000000);
	if (clock_text(offset_file[0] != '\0' ? (int64_t)ts.tv_sec + offset() :
	    (int64_t)ts.tv_sec, sec) != 0)
		return -1;
	/* "…:SS" then ".mmmZ", as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ','now'). */
	if (snprintf(out, CLOCK_TEXT_MS_SIZE, "%.19s.%03dZ", sec, (int)ms) !=
	    CLOCK_TEXT_MS_SIZE - 1)
		return -1;
	return 0;
}

int
clock_use_file(const char *path)
{
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(offset_file))
		return -1;
	memcpy(offset_file, path, n + 1);
	return 0;
}
