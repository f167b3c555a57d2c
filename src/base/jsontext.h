/* jsontext.h — small JSON texts (audit details, JOSE headers) built by jansson into a
 * fixed array: escaped by the library, checked, and never cut. */
#ifndef PORTIER_BASE_JSONTEXT_H
#define PORTIER_BASE_JSONTEXT_H

#include <stddef.h>

/* Builds with jansson's json_pack (fmt such as "{s:s, s:I}"; 'I' takes a json_int_t)
 * compact JSON, members in the order of fmt, into out (n bytes). Returns 0, or -1 when
 * the value cannot be built (a NULL or non-UTF-8 string) or does not fit; out is then "".
 * A caller that gets -1 fails its operation: no empty or cut object is ever recorded. */
int json_text(char *out, size_t n, const char *fmt, ...);

#endif
