/* clock.h — the server's time in seconds since the epoch: the system clock, or, in a test
 * server started with `portier serve --test-clock FILE`, the system clock shifted by the
 * number of seconds that FILE holds (docs/testing.md), so that tests let time pass. */
#ifndef PORTIER_BASE_CLOCK_H
#define PORTIER_BASE_CLOCK_H

#include <stdint.h>

/* The current time: time(NULL), plus the test offset when a test clock is in use. */
int64_t clock_time(void);
/* Milliseconds of the monotonic clock (CLOCK_MONOTONIC): for how long something was kept,
 * unmoved by the test clock or by changes of the wall clock. */
int64_t clock_mono_ms(void);
/* The size of a time as the database stores it, "2026-01-31T12:00:00Z", with its NUL. */
#define CLOCK_TEXT_SIZE 21
/* t (seconds since the epoch) as that text, in UTC, into out: 0, or -1. Statements take
 * the time from C (docs/store-contract.md, rule 3) so that the test clock governs it. */
int clock_text(int64_t t, char out[CLOCK_TEXT_SIZE]);
/* The size of a time with milliseconds, "2026-01-31T12:00:00.123Z", with its NUL. */
#define CLOCK_TEXT_MS_SIZE 25
/* The current time (clock_time's, with the system clock's milliseconds) as that text:
 * 0, or -1. For the rows that are ordered finer than the second. */
int clock_text_ms(char out[CLOCK_TEXT_MS_SIZE]);
/* Uses the offset in path from now on (read at each clock_time; an absent or empty file
 * is 0). Called once at start, before threads; cmd/test_clock.c decides whether it may
 * be. Returns 0, or -1 when path is too long. */
int clock_use_file(const char *path);

#endif
