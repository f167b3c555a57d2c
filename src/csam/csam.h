/* csam.h — designating an enterprise's main access manager (GAP), guide §2.2: what the
 * services of this folder share — who acts, result codes, field errors, input limits and
 * the checks of typed values. The services themselves: designate.h (standard procedure,
 * GAP replacement), org_view.h (the organisation as its managers and legal
 * representatives see it; its co-GAPs are access/hierarchy.h's), exception.h (exception
 * procedure), helpdesk.h (back office and the helpdesk role). Each operation is one
 * transaction with its policy check, its audit event and its mails (mail/mail.h). */
#ifndef PORTIER_CSAM_H
#define PORTIER_CSAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/actor.h"
#include "value/value.h"

/* Input limits: characters for names and texts, bytes for the rest. */
#define CSAM_NAME_MAX 100
#define CSAM_COMPANY_MAX 200
#define CSAM_ADDRESS_MAX 300
#define CSAM_REG_MAX 64
#define CSAM_EMAIL_MAX 254
#define CSAM_PHONE_MAX 32
#define CSAM_REASON_MAX 1000
#define CSAM_TYPED_MAX 64          /* a typed enterprise number or NISS */
#define CSAM_TOKEN_LEN 32          /* hex of 128 random bits */
#define CSAM_MAX_ERRORS 32

enum csam_rc {
	CSAM_ERROR = -1,           /* store failure: nothing changed */
	CSAM_OK = 0,
	CSAM_DENIED,               /* refused by the policy: audited, nothing changed */
	CSAM_INVALID,              /* input refused: see the field errors */
	CSAM_REFUSED,              /* a rule of the procedure refused it: see the reason */
	CSAM_NOT_FOUND,
	CSAM_CONFLICT,             /* not possible in the current state (already decided …) */
};

/* Field errors: the form field's name and the French msgid shown next to it; args fill
 * {1} in the msgid (a date, a name) when set. */
struct csam_errors {
	size_t n;
	struct {
		const char *field;
		const char *msgid;
		const char *arg;   /* NULL when none; not copied: see csam_error_add */
	} e[CSAM_MAX_ERRORS];
};

/* Adds an error (the first one of a field wins); arg may be NULL, else it must live as
 * long as err (a literal, or a text in the request's arena). */
void csam_error_add(struct csam_errors *err, const char *field, const char *msgid,
    const char *arg);
/* The error of field, or NULL; *arg (may be NULL) receives its argument ("" when none). */
const char *csam_error_of(const struct csam_errors *err, const char *field, const char **arg);

/* ---- checks of typed values (pure) ---- */

/* Phones, e-mail addresses and texts are checked by src/value/value.h. */
/* Checks a form's fields declared as a table; each refusal is added to err at its field. */
void csam_check_fields(struct csam_errors *err, const struct value_field *fields, size_t n,
    const char *const in[]);
/* An ISO date yyyy-mm-dd that exists, from 1900-01-01 and before today (ISO). */
bool csam_valid_birth_date(const char *s, const char *today);
/* A 32-hex-digit token. */
bool csam_valid_token(const char *s);
/* Writes 32 hex digits of fresh randomness (and a NUL) into out. */
void csam_token_new(char out[CSAM_TOKEN_LEN + 1]);

/* ---- countries (exception procedure) ---- */

struct csam_country {
	const char *code;          /* ISO 3166-1 alpha-2 */
	const char *msgid;         /* French name */
};
/* The countries the forms offer, Belgium first, then in French alphabetical order;
 * *n receives their count. */
const struct csam_country *csam_countries(size_t *n);
/* The country of code, or NULL when not in the list. */
const struct csam_country *csam_country(const char *code);

#endif
