/* value.h — the one place where a typed value (e-mail, phone, user name, NISS, ...) is
 * checked and normalised; pure code, no I/O. Forms declare their fields in tables of it. */
#ifndef PORTIER_VALUE_H
#define PORTIER_VALUE_H

#include <stdbool.h>
#include <stddef.h>

enum value_type {
	VALUE_TEXT,           /* visible UTF-8 text without control characters */
	VALUE_PERSON_NAME,    /* a person's name: text without < and > */
	VALUE_EMAIL,          /* local@domain.tld, ASCII, RFC 5321 sizes */
	VALUE_PHONE,          /* digits, spaces and + . / - ( ), 6 to 20 digits */
	VALUE_USERNAME,       /* 3 to 64 ASCII letters, digits, . _ - @; a letter or digit first */
	VALUE_NISS,           /* national register or BIS number: 11 digits */
	VALUE_ENTERPRISE,     /* enterprise number: 10 digits */
	VALUE_ESTABLISHMENT,  /* establishment unit number: 10 digits */
	VALUE_DATE,           /* a calendar date yyyy-mm-dd, years 1800 to 9999 */
	VALUE_URL,            /* an absolute http(s) URL with a host, no user, no fragment */
	VALUE_INAMI,          /* INAMI/RIZIV number: 11 digits, typed bare or X-XXXXX-XX-XXX */
	VALUE__TYPES
};

enum value_status {
	VALUE_OK = 0,
	VALUE_EMPTY,          /* nothing typed */
	VALUE_TOO_LONG,       /* longer than the limit */
	VALUE_INVALID,        /* refused by the type's rule */
	VALUE_NOSPACE,        /* the output buffer is too small (a caller's mistake) */
};

/* The longest e-mail address (RFC 5321 path) and the user-name bounds. */
#define VALUE_EMAIL_MAX 254
#define VALUE_USERNAME_MIN 3
#define VALUE_USERNAME_MAX 64
#define VALUE_PHONE_DIGITS_MIN 6
#define VALUE_PHONE_DIGITS_MAX 20

/* An INAMI/RIZIV number's 11 digits as shown: "1-23456-78-901" (out: 15 bytes). */
void value_inami_format(const char digits[12], char out[15]);

/* Checks in as type t: limit is the most characters (code points for text types, bytes
 * otherwise; 0 = the type's own bound, which only texts may exceed). On VALUE_OK writes the normalised value into out
 * (outlen bytes; out may be NULL): the text itself, or the bare digits of a number.
 * *msgid (msgid may be NULL) receives the French msgid of the reason, for the UI.
 * The input is not trimmed: callers that accept surrounding spaces trim first. */
enum value_status value_parse(enum value_type t, const char *in, size_t limit, char *out,
    size_t outlen, const char **msgid);
/* True when s is a valid, non-empty value of type t within limit (0 = the type's bound). */
bool value_ok(enum value_type t, const char *s, size_t limit);
/* The type's name ("email", "phone", ...), for tests and logs. */
const char *value_type_name(enum value_type t);

/* One field of a form: its name, type, whether it is required, its limit, and the
 * messages the page shows at the field (NULL = the module's default message). */
struct value_field {
	const char *name;
	enum value_type type;
	bool required;
	size_t limit;
	const char *msg_missing;
	const char *msg_invalid;
};

/* Checks one field's typed value in (NULL = absent) against its declaration. Returns
 * NULL when it passes (an absent optional field passes with out ""), or the msgid to show
 * at the field. out as in value_parse. */
const char *value_field_check(const struct value_field *f, const char *in, char *out,
    size_t outlen);

/* Where a form's refusals go: the service's error list (access_errors, access/result.h). */
typedef void (*value_report_fn)(void *arg, const char *field, const char *msgid);

/* Checks a form declared as a table: in[i] is what was typed in fields[i] (NULL = absent).
 * Each refused field is reported once, in table order. Returns how many were refused. */
size_t value_check_fields(const struct value_field *fields, size_t n, const char *const in[],
    value_report_fn report, void *arg);

/* Compares two names ignoring case, accents of Latin letters, spaces, hyphens and
 * apostrophes ("Van den Broeck" = "van den broeck" = "VANDENBROECK"); false when either
 * is empty. */
bool value_same_name(const char *a, const char *b);

#endif
