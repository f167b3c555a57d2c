/* account.h — what a logged-in person does to their own account: read their user name,
 * change their password ("Modifier mon mot de passe"), record the capacity they chose. */
#ifndef PORTIER_AUTH_ACCOUNT_H
#define PORTIER_AUTH_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "auth/password.h"
#include "policy/actor.h"
#include "store/store.h"

struct arena;

/* Sets *out to person's user name, in a. Returns 0, 1 when they have no access codes, -1. */
int account_username(struct store *s, struct arena *a, int64_t person, const char **out);

enum account_result {
	ACCOUNT_OK,
	ACCOUNT_WRONG_CURRENT,  /* the current password does not match */
	ACCOUNT_POLICY,         /* the new password breaks the policy (see problem) */
	ACCOUNT_NO_PASSWORD,    /* the person has no access codes yet */
	ACCOUNT_THROTTLED,      /* too many wrong current passwords: wait */
	ACCOUNT_ERROR,
};

struct account_password_change {
	struct actor by;                 /* the person changing their own password */
	const char *current;
	const char *fresh;
	const struct password_cfg *pwcfg;   /* the application's costs and common list */
	enum password_problem problem;   /* out: on ACCOUNT_POLICY */
};

/* Checks the current password (throttled and audited like logins, door
 * "password_change"), the policy, and stores the hash of the new one with the current
 * costs, audited "password.change". Slow (two Argon2id): run it on a worker. */
enum account_result account_change_password(struct store *s, struct account_password_change *c);

/* Records in the audit trail the capacity the person acting chose for the session.
 * Returns 0 or -1. */
int account_record_capacity(struct store *s, const struct actor *by, const char *capacity);

#endif
