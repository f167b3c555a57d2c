/* email_code.h — the low-level second factor "security code by e-mail": after the access
 * codes, a code of 6 to 8 digits mailed through the outbox; hashed, single use, short-lived,
 * void after a few wrong answers, a few sends an hour per person (docs/second-factors.md). */
#ifndef PORTIER_AUTH_EMAIL_CODE_H
#define PORTIER_AUTH_EMAIL_CODE_H

#include <stdint.h>

#include "auth/login.h"
#include "mail/mail.h"
#include "store/store.h"

#define EMAIL_CODE_TOKEN_MAX 48   /* the form's token naming the code sent, base64url */
#define EMAIL_CODE_DIGITS_MIN 6
#define EMAIL_CODE_DIGITS_MAX 8

/* The deployment's settings (email_code_* in portier.conf). */
struct email_code_cfg {
	int digits;          /* 6 to 8 */
	int minutes;         /* how long a code lives */
	int attempts;        /* answers a code accepts: the last wrong one voids it */
	int sends_per_hour;  /* codes sent to one person in the last hour, at most */
};

enum email_send_result {
	EMAIL_SEND_OK,          /* the code is queued; token set */
	EMAIL_SEND_NO_ADDRESS,  /* right access codes, but no e-mail address: nothing written */
	EMAIL_SEND_LIMIT,       /* right access codes, but sends_per_hour went out already */
	EMAIL_SEND_REFUSED,     /* wrong access codes (counted and audited) */
	EMAIL_SEND_THROTTLED,   /* login_gate says wait (a->wait_seconds) */
	EMAIL_SEND_ERROR,
};

/* The first step, slow (Argon2id twice): checks the access codes as the other code doors
 * do (factors_login_password, door "email"); then, for a person with an e-mail address and
 * sends left, voids their earlier codes, stores the new one (Argon2id hash with the
 * deployment's costs, bound to the browser session id binding, valid cfg->minutes) and
 * queues the mail with it in lang (through mt), audited, in one transaction. */
enum email_send_result email_code_send(struct store *s, struct login_attempt *a,
    const struct email_code_cfg *cfg, const struct mail_texts *mt, const char *lang,
    const char *binding, char token[EMAIL_CODE_TOKEN_MAX]);

enum email_code_result {
	EMAIL_CODE_OK,          /* a->person_id set; the code is used */
	EMAIL_CODE_WRONG,       /* a wrong code: one attempt counted, the code lives on */
	EMAIL_CODE_VOID,        /* no such code for this session, or expired, used, or void
	                         * (the wrong answer that used the last attempt included) */
	EMAIL_CODE_THROTTLED,   /* login_gate says wait */
	EMAIL_CODE_ERROR,
};

/* The second step (slow: one Argon2id): the code typed for the code sent under token, from
 * the browser session binding. Refusals are login failures of door "email" (counted against
 * the code's user name, audited). Comparison by libsodium (constant time). */
enum email_code_result email_code_check(struct store *s, struct login_attempt *a,
    const struct email_code_cfg *cfg, const char *token, const char *binding,
    const char *code);

#endif
