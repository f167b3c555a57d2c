/* fuzz_multipart.c — libFuzzer target for multipart/form-data bodies
 * (form_parse_multipart): the first line of the input is the Content-Type header, the rest
 * the body. Accepted text fields must respect the limits and be UTF-8; every value must be
 * NUL-terminated at its length. Built by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "fuzz_common.h"
#include "web/form.h"

#define FIELDS 32
#define VALUE 512

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t clen = nl ? (size_t)(nl - data) : size;
	struct arena *a;
	struct form f = { 0 };
	char *ctype, *body;
	size_t blen = nl ? size - clen - 1 : 0;

	/* A header value is a C string: it ends at its first NUL. */
	ctype = fuzz_string(data, clen);
	body = malloc(blen ? blen : 1);
	a = arena_new(1 << 20);
	check(body != NULL && a != NULL);
	if (blen)
		memcpy(body, nl + 1, blen);
	if (form_parse_multipart(a, ctype, body, blen, FIELDS, VALUE, &f) == FORM_OK) {
		check(f.n <= FIELDS);
		for (size_t i = 0; i < f.n; i++) {
			const struct form_field *x = &f.v[i];

			check(x->name != NULL && x->name[0] != '\0' && strlen(x->name) <= 256);
			check(utf8_valid(x->name, strlen(x->name)));
			check(x->value != NULL && x->value[x->len] == '\0' && x->len < blen);
			if (x->filename == NULL)
				check(x->len <= VALUE && utf8_valid(x->value, x->len));
			else
				check(utf8_valid(x->filename, strlen(x->filename)));
		}
	}
	arena_free(a);
	free(body);
	free(ctype);
	return 0;
}
