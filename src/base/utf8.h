/* utf8.h — UTF-8 validation for everything that arrives from outside. */
#ifndef PORTIER_BASE_UTF8_H
#define PORTIER_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no NUL). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s, size_t n);

#endif
