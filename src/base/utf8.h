/* utf8.h — UTF-8 validation for everything that arrives from outside. */
#ifndef PORTIER_BASE_UTF8_H
#define PORTIER_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no NUL). */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s, size_t n);

/* Bytes that hold n characters of UTF-8 and the NUL: limits are counted in characters,
 * arrays in bytes, and a character takes up to 4 bytes. */
#define UTF8_SIZE(n) (4 * (n) + 1)
/* The longest personal name portier stores, in characters: the forms accept 100, a
 * register import 200 (REG_TEXT_MAX); every array holding a stored name is this size. */
#define PERSON_NAME_CHARS 200
#define PERSON_NAME_SIZE UTF8_SIZE(PERSON_NAME_CHARS)
/* "first last" of two stored names. */
#define FULL_NAME_SIZE (2 * PERSON_NAME_SIZE)
/* The longest organisation name held in an array, in characters (CSAM_COMPANY_MAX). */
#define ORG_NAME_CHARS 200
#define ORG_NAME_SIZE UTF8_SIZE(ORG_NAME_CHARS)

#endif
