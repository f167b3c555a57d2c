/* pct.h — percent-decoding (RFC 3986 §2.1), the one decoder of forms, query strings,
 * form-encoded client credentials and URL-encoded headers. Pure code. */
#ifndef PORTIER_BASE_PCT_H
#define PORTIER_BASE_PCT_H

#include <stdbool.h>
#include <stddef.h>

/* Decodes s[0..n) into out (outsize bytes, NUL-terminated): "%41" is 'A' and, when
 * plus_space, '+' is a space (application/x-www-form-urlencoded). Returns the decoded
 * length, or -1 for a malformed escape or too small an out. The result may hold NUL
 * bytes ("%00"): callers check what they accept. out may be s (decoding in place). */
long pct_decode(const char *s, size_t n, char *out, size_t outsize, bool plus_space);

#endif
