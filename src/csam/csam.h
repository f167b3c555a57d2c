/* csam.h — designating an enterprise's main access manager (GAP), guide §2.2: what the
 * services of this folder share — input limits and the checks of typed values (result
 * codes, field errors and the shared limits are the access domain's: access/result.h).
 * The services themselves: designate.h (standard procedure, GAP replacement), org_view.h (the organisation as its managers and legal
 * representatives see it; its co-GAPs are access/hierarchy.h's), exception.h (exception
 * procedure), helpdesk.h (back office and the helpdesk role). Each operation is one
 * transaction with its policy check, its audit event and its mails (mail/mail.h). */
#ifndef PORTIER_CSAM_H
#define PORTIER_CSAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/result.h"
#include "policy/actor.h"
#include "value/value.h"

/* Input limits of the designation forms (characters for names and texts, bytes for the
 * rest); names, e-mail addresses and phones have the domain's (access/result.h). */
#define CSAM_COMPANY_MAX 200
#define CSAM_ADDRESS_MAX 300
#define CSAM_REG_MAX 64
#define CSAM_REASON_MAX 1000
#define CSAM_TYPED_MAX 64          /* a typed enterprise number or NISS */
#define CSAM_TOKEN_LEN 32          /* hex of 128 random bits */

/* ---- checks of typed values (pure) ---- */

/* Phones, e-mail addresses and texts are checked by src/value/value.h, forms declared as
 * tables by access_check_fields (access/result.h). */
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
