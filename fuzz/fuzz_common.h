/* fuzz_common.h — what the libFuzzer drivers share: the entry point's prototype, check()
 * (a property that does not hold aborts, which libFuzzer reports), the input as a C string. */
#ifndef PORTIER_FUZZ_COMMON_H
#define PORTIER_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
check(int cond)
{
	if (!cond)
		abort();
}

/* data[0..size) in a new NUL-terminated string (so it ends at its first NUL, as a header
 * or a parameter would), for free(); aborts when there is no memory. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	check(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
