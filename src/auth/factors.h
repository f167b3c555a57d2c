/* factors.h — what the second factors (auth/totp.c, auth/tokencard.c) share: the audit
 * event of a person's change to their own factor, the end of a removal, and the steps
 * their login doors have in common (access codes first, then refusals). */
#ifndef PORTIER_AUTH_FACTORS_H
#define PORTIER_AUTH_FACTORS_H

#include <stdint.h>

#include "auth/login.h"
#include "policy/actor.h"
#include "store/store.h"

/* Inside tx (STORE_WRITE): audits action ("totp.enrol", "token.revoke" …) done by the
 * person acting on their own factors, with reason (a short fixed text, never input).
 * Returns 0 or -1. */
int factors_audit(struct store_tx *tx, const struct actor *by, const char *action,
    const char *reason);

/* Ends *tx (then NULL), a STORE_WRITE transaction in which a person's factor was removed: n is what
 * the removal statement returned (rows, or < 0 when it failed). Audits action with reason
 * "ok" or "none" and commits. Returns 0, 1 when there was nothing to remove, -1 on
 * error. */
int factors_removed(struct store_tx **tx, const struct actor *by, int n, const char *action);

/* The first step of a code door (door "totp" or "token"): the throttling gate, then the
 * user name and password (slow: one Argon2id). LOGIN_OK: *tx is an open STORE_WRITE
 * transaction for the rest of the door, which commits or rolls it back, and *person is
 * the person's id. Any other result is final and *tx is NULL: LOGIN_REFUSED (counted,
 * audited and committed), LOGIN_THROTTLED (audited by login_gate) or LOGIN_ERROR. */
enum login_result factors_login_password(struct store *s, struct login_attempt *a,
    const char *door, struct store_tx **tx, int64_t *person);

/* Inside *tx (STORE_WRITE), then ends it (*tx NULL): counts and audits a refusal of door with reason
 * (see login_note_failure) and commits. LOGIN_REFUSED, or LOGIN_ERROR on store errors. */
enum login_result factors_login_refuse(struct store_tx **tx, const struct login_attempt *a,
    const char *door, const char *reason);

#endif
