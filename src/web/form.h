/* form.h — parsers for what a browser sends: query strings, urlencoded and multipart
 * bodies, Cookie headers. Pure code with limits; every value is checked to be UTF-8. */
#ifndef PORTIER_WEB_FORM_H
#define PORTIER_WEB_FORM_H

#include <stddef.h>

#include "base/arena.h"

struct form_field {
	const char *name;
	const char *value;       /* NUL-terminated; for files, the content (may hold NULs) */
	size_t len;              /* value length in bytes */
	const char *filename;    /* multipart file parts only */
	const char *ctype;       /* multipart file parts only */
};

struct form {
	struct form_field *v;
	size_t n;
	size_t cap;
};

enum form_status {
	FORM_OK = 0,
	FORM_BAD,         /* malformed */
	FORM_TOO_MANY,    /* more fields than allowed */
	FORM_TOO_LONG,    /* a value longer than allowed */
	FORM_ENCODING,    /* not UTF-8 */
	FORM_NOMEM,
};

/* Parses a=1&b=2 (query string or application/x-www-form-urlencoded) into f.
 * max_fields and max_value bound the result. */
enum form_status form_parse_urlencoded(struct arena *a, const char *s, size_t len,
    size_t max_fields, size_t max_value, struct form *f);
/* Parses multipart/form-data with the boundary taken from content_type. Text fields are
 * bounded by max_value and must be UTF-8; file parts are bounded only by the body size. */
enum form_status form_parse_multipart(struct arena *a, const char *content_type,
    const char *body, size_t len, size_t max_fields, size_t max_value, struct form *f);
/* Parses a Cookie header ("a=1; b=2") into f; malformed pairs are skipped. */
enum form_status form_parse_cookies(struct arena *a, const char *header, size_t max_fields,
    struct form *f);
/* First value of name, or NULL. */
const struct form_field *form_get(const struct form *f, const char *name);

#endif
