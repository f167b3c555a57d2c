/* fuzz_cookie.c — libFuzzer target for Cookie headers (form_parse_cookies): every pair
 * kept has a name without '=', ';' or leading blanks, a value without ';', and its
 * length. Built by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "fuzz_common.h"
#include "web/form.h"

#define FIELDS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(1 << 20);
	struct form f = { 0 };
	char *hdr = fuzz_string(data, size);
	enum form_status st;

	check(a != NULL);
	st = form_parse_cookies(a, hdr, FIELDS, &f);
	check(st == FORM_OK || st == FORM_TOO_MANY);
	check(f.n <= FIELDS);
	for (size_t i = 0; i < f.n; i++) {
		const struct form_field *x = &f.v[i];

		check(x->name[0] != '\0' && x->name[0] != ' ' && x->name[0] != '\t');
		check(strpbrk(x->name, "=;") == NULL && strchr(x->value, ';') == NULL);
		check(strlen(x->value) == x->len);
		check(form_get(&f, x->name) != NULL);
	}
	free(hdr);
	arena_free(a);
	return 0;
}
