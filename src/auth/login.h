/* login.h — the access-codes door: user name + password, with throttling of failures
 * per account and per address, and an audit event for every success and failure. */
#ifndef PORTIER_AUTH_LOGIN_H
#define PORTIER_AUTH_LOGIN_H

#include <stdint.h>

#include "store/store.h"

enum login_result {
	LOGIN_OK,
	LOGIN_REFUSED,     /* wrong password or unknown user name: the same answer */
	LOGIN_THROTTLED,   /* too many failures: wait (same answer whether the account exists) */
	LOGIN_ERROR,       /* store error */
};

struct login_attempt {
	const char *username;
	const char *password;
	const char *source;       /* client address */
	const char *request_id;
	int64_t person_id;        /* out: on LOGIN_OK */
	int wait_seconds;         /* out: on LOGIN_THROTTLED */
};

/* Checks the attempt; slow (one Argon2id verification whatever the outcome).
 * Run it on a worker thread. */
enum login_result login_password(struct store *s, struct login_attempt *a);

/* Records a logout of person_id in the audit trail. Returns 0 or -1. */
int login_record_logout(struct store *s, int64_t person_id, const char *source,
    const char *request_id);

#endif
