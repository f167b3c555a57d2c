/* result.h — what every service of the access domain answers with (access/: organisations,
 * qualities, accounts; csam/: the GAP designation workflow): one set of result codes, one
 * shape of field errors, the input limits the forms of both share. */
#ifndef PORTIER_ACCESS_RESULT_H
#define PORTIER_ACCESS_RESULT_H

#include <stddef.h>

#include "value/value.h"

/* Input limits: characters for names, bytes for the rest. */
#define ACCESS_USERNAME_MAX 64
#define ACCESS_NAME_MAX 100
#define ACCESS_EMAIL_MAX 254
#define ACCESS_PHONE_MAX 32
#define ACCESS_MAX_ERRORS 32      /* field errors of one form */

/* The answer of a service operation. The web surfaces turn it into an HTTP status through
 * one table (apps/result_http.h), the same for /acces, /csam and /helpdesk. */
enum access_rc {
	ACCESS_ERROR = -1,         /* store failure: nothing changed */
	ACCESS_OK = 0,
	ACCESS_DENIED,             /* refused by the policy: audited, nothing changed */
	ACCESS_NOT_FOUND,          /* no such organisation, quality, user or request there */
	ACCESS_INVALID,            /* input refused: see the field errors */
	ACCESS_CONFLICT,           /* changed by someone else since it was read, or not
	                            * possible in the current state (already decided …) */
	ACCESS_EXISTS,             /* already so: nothing changed */
	ACCESS_BUSY,               /* too many of these under way (streamed exports): later */
	ACCESS_REFUSED,            /* a rule of the procedure refused it: see the reason */
};

/* Field errors: the field's form name and the French msgid to show next to it. Every
 * service taking one clears it first. */
struct access_errors {
	size_t n;
	struct {
		const char *field;
		const char *msgid;
	} e[ACCESS_MAX_ERRORS];
};

/* Adds an error (the first one of a field wins; err may be NULL). */
void access_error_add(struct access_errors *err, const char *field, const char *msgid);
/* The msgid of field's error, or NULL. */
const char *access_error_of(const struct access_errors *err, const char *field);
/* Checks a form's fields declared as a table (src/value); each refusal is added to err at
 * its field. */
void access_check_fields(struct access_errors *err, const struct value_field *fields, size_t n,
    const char *const in[]);

#endif
