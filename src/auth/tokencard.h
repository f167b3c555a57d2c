/* tokencard.h — personal token cards: 24 numbered codes of 6 digits, printed by the person.
 * Login asks for the code at one random unused position; a code serves once; a new card
 * revokes the old when it is activated. Codes are kept as Argon2id hashes only. */
#ifndef PORTIER_AUTH_TOKENCARD_H
#define PORTIER_AUTH_TOKENCARD_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/login.h"
#include "policy/actor.h"
#include "store/store.h"

#define TOKENCARD_CODES 24
#define TOKENCARD_DIGITS 6
#define TOKENCARD_SEED_BYTES 32
#define TOKENCARD_PENDING_SECONDS 3600   /* a new card can be printed again for an hour */
#define TOKENCARD_CHALLENGE_SECONDS 300  /* "Code n° 17" must be answered within 5 minutes */
#define TOKENCARD_TOKEN_MAX 48           /* the challenge token in the form, base64url */

/* A card's serial: a fixed-format value, "1234-5678" (tokencard_issue draws it). */
#define TOKENCARD_SERIAL_LEN 9

/* A card to print: only while it is pending (before activation). The serial and the codes
 * are fixed-format values (digits), hence arrays. */
struct tokencard_print {
	int64_t card_id;
	char serial[TOKENCARD_SERIAL_LEN + 1];   /* "1234-5678" */
	int64_t issued_at;                   /* unix seconds */
	int confirm_position;                /* the code asked to activate it */
	char codes[TOKENCARD_CODES][TOKENCARD_DIGITS + 1];   /* codes[i] is n° i + 1 */
};

struct tokencard_status {
	bool active;
	char serial[TOKENCARD_SERIAL_LEN + 1];   /* of the active card (fixed format), or "" */
	int64_t activated_at;
	int unused;                          /* codes of the active card not used yet */
	bool pending;                        /* a new card waits for activation */
};

enum tokencard_result {
	TOKENCARD_OK,
	TOKENCARD_WRONG,     /* not the code at that position, or no such card */
	TOKENCARD_USED,      /* the code served already */
	TOKENCARD_NONE,      /* no card waiting (activation) */
	TOKENCARD_ERROR,
};

/* Pure: the codes a seed gives (keyed BLAKE2b per position, reduced to 6 digits). */
void tokencard_derive(const unsigned char seed[TOKENCARD_SEED_BYTES],
    char codes[TOKENCARD_CODES][TOKENCARD_DIGITS + 1]);

/* Reads person's cards. Returns 0 or -1. */
int tokencard_status(struct store *s, int64_t person, int64_t now, struct tokencard_status *out);
/* Issues a new pending card (replacing a pending one) and fills out. Slow: 24 Argon2id
 * hashes at cfg's costs; run it on a worker. Returns 0 or -1; the caller wipes out after
 * use. */
int tokencard_issue(struct store *s, const struct password_cfg *cfg, const struct actor *by,
    struct tokencard_print *out);
/* The pending card of person to print again. Returns 0, 1 when none, -1 on error. */
int tokencard_pending(struct store *s, int64_t person, int64_t now, struct tokencard_print *out);
/* Activates the pending card with its code at confirm_position: the active card before it
 * is revoked and the seed wiped. */
enum tokencard_result tokencard_activate(struct store *s, const struct actor *by,
    const char *code, int64_t now);
/* Revokes person's cards. Returns 0, 1 when there was none, -1 on error. */
int tokencard_revoke(struct store *s, const struct actor *by, int64_t now);
/* Verifies the code at position of card card_id (active) of the person acting and marks it
 * used, audited as done by them. Slow (one Argon2id; cfg's costs when there is nothing to
 * compare). */
enum tokencard_result tokencard_use(struct store *s, const struct password_cfg *cfg,
    const struct actor *by, int64_t card_id, int position, const char *code);

/* The door "Avec votre token", first step: user name + password (throttled and audited as
 * door "token"). On LOGIN_OK, token and *position hold the challenge to show ("Code n° 17"),
 * valid TOKENCARD_CHALLENGE_SECONDS and only for binding (the session id). A person
 * without a usable card gets a position too; the answer will be refused. Slow. */
enum login_result tokencard_login_begin(struct store *s, struct login_attempt *a,
    const char *binding, char token[TOKENCARD_TOKEN_MAX], int *position);
/* Second step: the code for the challenge token, from the session binding. The challenge
 * serves once whatever the outcome. a->username is ignored (the challenge names the
 * account); on LOGIN_OK a->person_id is set. Slow. */
enum login_result tokencard_login_finish(struct store *s, struct login_attempt *a,
    const char *token, const char *binding, const char *code);

#endif
