/* fuzz_urlencoded.c — libFuzzer target for query strings and urlencoded bodies
 * (form_parse_urlencoded): accepted fields must respect the limits and be UTF-8, and
 * encoding them again must parse back to the same fields. Built by `make fuzz`. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "fuzz_common.h"
#include "web/form.h"

#define FIELDS 64
#define VALUE 512

/* Encodes s[0..n) into b as sparingly as the parser allows ('%', '&', '+' and, in a name,
 * '=' escaped; space as '+'), so that the encoded form is never longer than the input it
 * came from and the limits give the same answer. */
static void
encode(struct buf *b, const char *s, size_t n, bool name)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[3] = { '%', hex[c >> 4], hex[c & 15] };

		if (c == ' ')
			check(buf_putc(b, '+') == 0);
		else if (c == '%' || c == '&' || c == '+' || (name && c == '='))
			check(buf_add(b, e, 3) == 0);
		else
			check(buf_putc(b, (char)c) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(1 << 20);
	struct form f = { 0 }, g = { 0 };
	struct buf b;

	check(a != NULL);
	buf_init(&b, 1 << 20);
	if (form_parse_urlencoded(a, (const char *)data, size, FIELDS, VALUE, &f) != FORM_OK)
		goto done;
	check(f.n <= FIELDS);
	for (size_t i = 0; i < f.n; i++) {
		const struct form_field *x = &f.v[i];

		check(x->len <= VALUE && strlen(x->value) == x->len);
		check(utf8_valid(x->name, strlen(x->name)) && utf8_valid(x->value, x->len));
		check(form_get(&f, x->name) != NULL);
		if (i > 0)
			check(buf_putc(&b, '&') == 0);
		encode(&b, x->name, strlen(x->name), true);
		check(buf_putc(&b, '=') == 0);
		encode(&b, x->value, x->len, false);
	}
	/* Fields with an empty name re-encode as "=v": those still parse (as empty names). */
	check(form_parse_urlencoded(a, b.data ? b.data : "", b.len, FIELDS, VALUE, &g) ==
	    FORM_OK);
	check(g.n == f.n);
	for (size_t i = 0; i < f.n; i++)
		check(strcmp(g.v[i].name, f.v[i].name) == 0 && g.v[i].len == f.v[i].len &&
		    memcmp(g.v[i].value, f.v[i].value, f.v[i].len) == 0);
done:
	buf_free(&b);
	arena_free(a);
	return 0;
}
