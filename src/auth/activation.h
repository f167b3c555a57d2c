/* activation.h — one-time activation codes for people without eID: the helpdesk issues one
 * (command line now, the helpdesk back office later: the same service), valid 14 days,
 * kept as a hash; the person redeems it once with their user name and a new password,
 * then may enrol a mobile app or a token card. */
#ifndef PORTIER_AUTH_ACTIVATION_H
#define PORTIER_AUTH_ACTIVATION_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/password.h"
#include "policy/actor.h"
#include "store/store.h"

#define ACTIVATION_DAYS 14
#define ACTIVATION_CODE_MAX 24           /* "ABCD-EFGH-JKMN-PQRS" and NUL */
#define ACTIVATION_SESSION_SECONDS 1800  /* enrolment stays open this long after redeeming */

/* Finds the person named by a user name (when not NULL) or else a NISS (11 digits).
 * Returns 0 with *person set, 1 when nobody matches, -1 on error. */
int activation_find_person(struct store *s, const char *username, const char *niss,
    int64_t *person);
/* Issues a code for person, valid ACTIVATION_DAYS, given by who (its role: "helpdesk" …);
 * earlier unused codes of the person are revoked. Writes the code (grouped by 4 with
 * dashes) into code and its expiry into *expires_at. Returns 0, 1 when person does not
 * exist, -1 on error. */
int activation_issue(struct store *s, const struct actor *by, int64_t person,
    char code[ACTIVATION_CODE_MAX], int64_t *expires_at);
/* Normalises a typed code (case, spaces, dashes) into out (17 bytes). Returns 0, or -1
 * when it cannot be a code. */
int activation_code_normalise(const char *typed, char out[17]);

enum activation_result {
	ACTIVATION_OK,
	ACTIVATION_REFUSED,   /* unknown code, or a user name that is not the person's */
	ACTIVATION_EXPIRED,   /* the code expired, was used or was replaced */
	ACTIVATION_USERNAME,  /* the person has no user name yet and this one is not valid */
	ACTIVATION_TAKEN,     /* the person has no user name yet and this one is someone else's */
	ACTIVATION_POLICY,    /* the password breaks the policy (see problem) */
	ACTIVATION_THROTTLED, /* too many failures: wait */
	ACTIVATION_ERROR,
};

struct activation_attempt {
	const char *code;
	const char *username;
	const char *password;
	struct actor by;                  /* nobody yet: the client address and the request id */
	const struct password_cfg *pwcfg; /* the application's costs and common list */
	int64_t person_id;                /* out: on ACTIVATION_OK */
	enum password_problem problem;    /* out: on ACTIVATION_POLICY */
};

/* Redeems a code: checks it, the user name (the person's own, or a new free one when the
 * person has none) and the password policy, then in one transaction sets the password and
 * marks the code used. Failures are throttled and audited like logins (door
 * "activation"). Slow (one Argon2id): run it on a worker. */
enum activation_result activation_redeem(struct store *s, struct activation_attempt *a);

#endif
