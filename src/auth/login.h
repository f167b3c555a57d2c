/* login.h — the access-codes door: user name + password, with throttling of failures
 * per account and per address (it slows, never locks), and an audit event for every
 * success and failure (one per burst of throttled attempts). */
#ifndef PORTIER_AUTH_LOGIN_H
#define PORTIER_AUTH_LOGIN_H

#include <stdint.h>

#include "auth/password.h"
#include "policy/actor.h"
#include "store/store.h"

enum login_result {
	LOGIN_OK,
	LOGIN_REFUSED,     /* wrong password or unknown user name: the same answer */
	LOGIN_THROTTLED,   /* the account waits after failures: wait_seconds, unchecked (the
	                    * same answer whether the account exists) */
	LOGIN_ERROR,       /* store error */
};

struct login_attempt {
	const char *username;
	const char *password;
	struct actor by;          /* nobody yet: the client address and the request id */
	const struct password_cfg *pwcfg;   /* the application's costs (rehash, burn) */
	int64_t person_id;        /* out: on LOGIN_OK */
	int wait_seconds;         /* out: on LOGIN_THROTTLED */
};

/* Checks the attempt; slow (one Argon2id verification whatever the outcome).
 * Run it on a worker thread. */
enum login_result login_password(struct store *s, struct login_attempt *a);

/* Inside tx (STORE_WRITE): clears the failures of person's user name (after an eID login,
 * which proves who they are). Returns 0 or -1. */
int login_clear_person(struct store_tx *tx, int64_t person);

/* For tests: the clock (unix seconds) and the pause of a held attempt the throttling
 * uses; NULL puts back the real ones. Not thread-safe: call before serving. */
void login_set_clock(int64_t (*now)(void), void (*pause)(int seconds));

/* Records the logout of the person acting in the audit trail. Returns 0 or -1. */
int login_record_logout(struct store *s, const struct actor *by);

/* ---- Pieces for the doors that add a one-time code to the access codes (auth/totp.c,
 * auth/tokencard.c) and for other checks of a person's secrets (activation codes,
 * password change): the same throttling per user name and per address as the password
 * door, and audit events "login.<door>.success|failure|throttled" on object "door:<door>". */

/* Refuses (LOGIN_THROTTLED, audited, wait in a->wait_seconds) while the user name (when
 * not NULL) or the address waits; LOGIN_OK otherwise; LOGIN_ERROR on store errors. */
enum login_result login_gate(struct store *s, struct login_attempt *a, const char *door);
/* Verifies a->username and a->password (slow: one Argon2id whatever the outcome) and
 * rehashes when the costs changed. Returns the person's id (> 0), 0 for a wrong password,
 * -2 for an unknown user name, -1 on store errors. Counts nothing: see login_note_*. */
int64_t login_verify_password(struct store *s, const struct login_attempt *a);
/* Inside tx (STORE_WRITE): counts one failure against a->username (when not NULL) and the
 * address, and audits it with reason (a short fixed text, never input). Returns 0 or -1. */
int login_note_failure(struct store_tx *tx, const struct login_attempt *a, const char *door,
    const char *reason);
/* Inside tx (STORE_WRITE): clears the failures of a->username and audits the success of
 * person. Returns 0 or -1. */
int login_note_success(struct store_tx *tx, const struct login_attempt *a, const char *door,
    int64_t person);

/* ---- for operators (`portier login-throttle`) ---- */

/* The slow-down of a user name or of an address as stored (times in unix seconds). */
struct login_throttle_view {
	int64_t failures, next_allowed, updated_at, refused, noted_at;
};
/* Reads the slow-down of username (any case), or of the address source when username is
 * NULL. Returns 0 (out filled), 1 (no failure recorded) or -1. */
int login_throttle_show(struct store *s, const char *username, const char *source,
    struct login_throttle_view *out);
/* Lifts it (the failures forgotten), audited as done by actor with reason "operator".
 * Returns 0, 1 (nothing to lift) or -1. */
int login_throttle_clear(struct store *s, const char *username, const char *source,
    const char *actor);

#endif
