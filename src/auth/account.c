/* account.c — a person's own account: user name, password change, chosen capacity.
 * Each change is one transaction with its audit event. */
#include "auth/account.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/arena.h"
#include "base/clock.h"
#include "auth/factor_sql.h"
#include "auth/login.h"
#include "auth/person_sql.h"

#define HASH_MAX 256

/* Reads the user name (into a) and the hash (a fixed-format encoded Argon2id string, into
 * hash of HASH_MAX bytes; NULL: not wanted) of person. Returns 0, 1 none, -1 (also when a
 * is full or the stored hash is longer than a hash can be). */
static int
credential(struct store *s, struct arena *a, int64_t person, const char **user,
    char hash[HASH_MAX])
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_FACTOR_CREDENTIAL_OF, &q, "i", person) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		const char *u = store_text(q, FACTOR_CREDENTIAL_OF_USERNAME),
		    *h = store_text(q, FACTOR_CREDENTIAL_OF_HASH);
		size_t hn = h != NULL ? strlen(h) : 0;

		*user = arena_strdup(a, u != NULL ? u : "");
		if (*user == NULL || (hash != NULL && hn >= HASH_MAX))
			rc = -1;
		else if (hash != NULL)
			memcpy(hash, h != NULL ? h : "", hn + 1);
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

int
account_username(struct store *s, struct arena *a, int64_t person, const char **out)
{
	return credential(s, a, person, out, NULL);
}

enum account_result
account_change_password(struct store *s, struct account_password_change *c)
{
	char hash[HASH_MAX], fresh[HASH_MAX], actor[24], object[32], at[CLOCK_TEXT_SIZE];
	struct arena *a = arena_new(16 * 1024);
	const char *user = NULL;
	struct login_attempt la = { .by = c->by, .pwcfg = c->pwcfg };
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = "password.change",
		.object = object, .source = c->by.source, .request_id = c->by.request_id,
	};
	enum account_result res = ACCOUNT_ERROR;
	struct store_tx *tx = NULL;
	int rc;

	fresh[0] = '\0';
	hash[0] = '\0';
	rc = a != NULL ? credential(s, a, c->by.person_id, &user, hash) : -1;
	if (rc != 0) {
		arena_free(a);
		return rc == 1 ? ACCOUNT_NO_PASSWORD : ACCOUNT_ERROR;
	}
	la.username = user;
	switch (login_gate(s, &la, "password_change")) {
	case LOGIN_OK:
		break;
	case LOGIN_THROTTLED:
		res = ACCOUNT_THROTTLED;
		goto done;
	default:
		goto done;
	}
	if (!password_verify(hash, c->current)) {
		if (store_begin(s, STORE_WRITE, &tx) != 0)
			goto done;
		if (login_note_failure(tx, &la, "password_change", "wrong current password") != 0)
			goto done;
		rc = store_commit(&tx);
		tx = NULL;
		res = rc == 0 ? ACCOUNT_WRONG_CURRENT : ACCOUNT_ERROR;
		goto done;
	}
	c->problem = password_check(c->pwcfg, c->fresh, user);
	if (c->problem != PASSWORD_OK) {
		res = ACCOUNT_POLICY;
		goto done;
	}
	/* The new hash takes the costs configured now: a change is also a rehash. */
	if (password_hash(c->pwcfg, c->fresh, fresh, sizeof(fresh)) != 0)
		goto done;
	snprintf(actor, sizeof(actor), "%" PRId64, c->by.person_id);
	snprintf(object, sizeof(object), "person:%" PRId64, c->by.person_id);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	if (clock_text(clock_time(), at) != 0 ||
	    store_exec(tx, SQL_PASSWORD_SET_HASH, "itt", c->by.person_id, fresh, at) != 1 ||
	    audit_append(tx, &ev) != 0)
		goto done;
	rc = store_commit(&tx);
	tx = NULL;
	res = rc == 0 ? ACCOUNT_OK : ACCOUNT_ERROR;
done:
	store_rollback(&tx);
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(fresh, sizeof(fresh));
	arena_free(a);
	return res;
}

int
account_record_capacity(struct store *s, const struct actor *by, const char *capacity)
{
	char actor[ACTOR_NAME_SIZE], details[64];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = "person", .action = "session.capacity",
		.details = details, .source = by->source, .request_id = by->request_id,
	};
	struct store_tx *tx;

	if (json_text(details, sizeof(details), "{s:s}", "capacity", capacity) != 0 ||
	    store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}
