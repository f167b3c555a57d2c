/* fuzz_value.c — libFuzzer driver for src/value and base/pct: every type on arbitrary
 * bytes; an accepted value's normalised form is accepted again unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/pct.h"
#include "value/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
fuzz_type(enum value_type t, const char *in, size_t limit)
{
	char out[8200], again[8200];
	const char *msgid = NULL;
	enum value_status st = value_parse(t, in, limit, out, sizeof(out), &msgid);

	check(value_ok(t, in, limit) == (st == VALUE_OK));
	if (st != VALUE_OK) {
		check(msgid != NULL);
		return;
	}
	check(msgid == NULL);
	/* The limit bounds what is typed: a number's digits may be longer ("552627113" is
	 * 0552627113), so they are read again within the type's own bound. */
	if (t == VALUE_NISS || t == VALUE_ENTERPRISE || t == VALUE_ESTABLISHMENT)
		limit = 0;
	check(value_parse(t, out, limit, again, sizeof(again), NULL) == VALUE_OK);
	check(strcmp(out, again) == 0);
}

static void
fuzz_pct(const char *s, size_t n)
{
	char out[8200];
	long k = pct_decode(s, n, out, sizeof(out), true);
	long k2 = pct_decode(s, n, out, sizeof(out), false);

	/* Both modes agree on what is malformed; decoding never lengthens. */
	check((k < 0) == (k2 < 0));
	check(k <= (long)n);
	if (k >= 0 && memchr(s, '%', n) == NULL)
		check((size_t)k2 == n && memcmp(out, s, n) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;
	size_t limit;

	if (size < 2 || size > 8000)
		return 0;
	limit = data[1] % 4 == 0 ? 0 : data[1];
	in = malloc(size - 1);
	if (in == NULL)
		return 0;
	memcpy(in, data + 2, size - 2);
	in[size - 2] = '\0';
	fuzz_type((enum value_type)(data[0] % VALUE__TYPES), in, limit);
	fuzz_pct((const char *)data + 2, size - 2);
	free(in);
	return 0;
}
