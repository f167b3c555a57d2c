/* pct.h — percent-decoding (RFC 3986 §2.1), the one decoder of forms, query strings,
 * form-encoded client credentials and URL-encoded headers; and the one encoder. Pure code. */
#ifndef PORTIER_BASE_PCT_H
#define PORTIER_BASE_PCT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* Decodes s[0..n) into out (outsize bytes, NUL-terminated): "%41" is 'A' and, when
 * plus_space, '+' is a space (application/x-www-form-urlencoded). Returns the decoded
 * length, or -1 for a malformed escape or too small an out. The result may hold NUL
 * bytes ("%00"): callers check what they accept. out may be s (decoding in place). */
long pct_decode(const char *s, size_t n, char *out, size_t outsize, bool plus_space);

/* s percent-encoded into arena a: the unreserved characters of RFC 3986 §2.3 (letters,
 * digits, - _ . ~) and those of keep stay as they are, every other byte is %XX (upper
 * case). NULL when a is full. */
char *pct_encode(struct arena *a, const char *s, const char *keep);

#endif
