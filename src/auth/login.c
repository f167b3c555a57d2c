/* login.c — user name + password verification, throttling and audit.
 * Unknown user names cost one hash too, so timing and answers do not tell who exists. */
#include "auth/login.h"

#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "base/log.h"

#define USER_SLOW_AFTER 3        /* failures before delays start, per user name */
#define USER_LOCK_AFTER 10       /* failures before a lock, per user name */
#define ADDR_SLOW_AFTER 20       /* the same per address (offices share one) */
#define ADDR_LOCK_AFTER 100
#define LOCK_SECONDS (15 * 60)
#define MAX_DELAY 60

struct throttle {
	char key[160];
	int64_t failures;
	int64_t next_allowed;
};

static int
throttle_read(struct store_tx *tx, struct throttle *t)
{
	struct store_q *q;
	int rc;

	t->failures = 0;
	t->next_allowed = 0;
	if (store_query(tx, SQL_THROTTLE_GET, &q, "t", t->key) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		t->failures = store_int(q, 0);
		t->next_allowed = store_int(q, 1);
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* Delay after the n-th failure: none at first, then doubling, then a lock. */
static int64_t
delay_after(int64_t failures, int64_t slow_after, int64_t lock_after)
{
	int64_t d;

	if (failures >= lock_after)
		return LOCK_SECONDS;
	if (failures < slow_after)
		return 0;
	d = (int64_t)1 << (failures - slow_after < 6 ? failures - slow_after : 6);
	return d > MAX_DELAY ? MAX_DELAY : d;
}

static int
throttle_fail(struct store_tx *tx, struct throttle *t, int64_t now, int64_t slow, int64_t lock)
{
	t->failures++;
	t->next_allowed = now + delay_after(t->failures, slow, lock);
	return store_exec(tx, SQL_THROTTLE_PUT, "tiii", t->key, t->failures, t->next_allowed,
	    now) == 1 ? 0 : -1;
}

static void
keys_for(const struct login_attempt *a, struct throttle *u, struct throttle *ad)
{
	size_t n;

	snprintf(u->key, sizeof(u->key), "u:%s", a->username);
	for (n = 2; u->key[n] != '\0'; n++)
		u->key[n] = (char)tolower((unsigned char)u->key[n]);
	snprintf(ad->key, sizeof(ad->key), "a:%s", a->source ? a->source : "?");
}

static int
audit_login(struct store_tx *tx, const struct login_attempt *a, const char *action,
    const char *actor, const char *reason)
{
	char details[256];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = action,
		.object = "door:password", .details = details, .source = a->source,
		.request_id = a->request_id,
	};

	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* Refuses at once when either key is waiting; the refusal is audited. */
static enum login_result
check_throttle(struct store *s, struct login_attempt *a, struct throttle *u,
    struct throttle *ad, int64_t now)
{
	struct store_tx *tx;
	int64_t until;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return LOGIN_ERROR;
	if (throttle_read(tx, u) != 0 || throttle_read(tx, ad) != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	store_rollback(&tx);
	until = u->next_allowed > ad->next_allowed ? u->next_allowed : ad->next_allowed;
	if (until <= now)
		return LOGIN_OK;
	a->wait_seconds = (int)(until - now);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return LOGIN_ERROR;
	if (audit_login(tx, a, "login.password.throttled", NULL, "throttled") != 0 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	return LOGIN_THROTTLED;
}

enum login_result
login_password(struct store *s, struct login_attempt *a)
{
	struct throttle u, ad;
	struct store_tx *tx;
	struct store_q *q;
	char hash[256] = "", actor[24];
	int64_t person = 0, now = (int64_t)time(NULL);
	enum login_result res;
	bool ok;
	int rc;

	keys_for(a, &u, &ad);
	res = check_throttle(s, a, &u, &ad, now);
	if (res != LOGIN_OK)
		return res;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return LOGIN_ERROR;
	if (store_query(tx, SQL_PASSWORD_BY_USERNAME, &q, "t", a->username) != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	rc = store_next(q);
	if (rc == 1) {
		person = store_int(q, 0);
		snprintf(hash, sizeof(hash), "%s", store_text(q, 1));
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return LOGIN_ERROR;

	/* The slow part, outside any transaction. */
	if (person != 0) {
		ok = password_verify(hash, a->password);
	} else {
		password_burn(a->password);
		ok = false;
	}

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return LOGIN_ERROR;
	if (!ok) {
		if (throttle_read(tx, &u) != 0 || throttle_read(tx, &ad) != 0 ||
		    throttle_fail(tx, &u, now, USER_SLOW_AFTER, USER_LOCK_AFTER) != 0 ||
		    throttle_fail(tx, &ad, now, ADDR_SLOW_AFTER, ADDR_LOCK_AFTER) != 0 ||
		    audit_login(tx, a, "login.password.failure", NULL,
		    person ? "wrong password" : "unknown user name") != 0 ||
		    store_commit(&tx) != 0) {
			store_rollback(&tx);
			return LOGIN_ERROR;
		}
		return LOGIN_REFUSED;
	}
	snprintf(actor, sizeof(actor), "%" PRId64, person);
	if (store_exec(tx, SQL_THROTTLE_CLEAR, "t", u.key) < 0 ||
	    audit_login(tx, a, "login.password.success", actor, "ok") != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	if (password_needs_rehash(hash)) {
		char fresh[256];

		if (password_hash(a->password, fresh, sizeof(fresh)) == 0)
			store_exec(tx, SQL_PASSWORD_SET_HASH, "it", person, fresh);
	}
	if (store_commit(&tx) != 0)
		return LOGIN_ERROR;
	a->person_id = person;
	return LOGIN_OK;
}

int
login_record_logout(struct store *s, int64_t person_id, const char *source,
    const char *request_id)
{
	struct store_tx *tx;
	char actor[24];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = "logout",
		.source = source, .request_id = request_id,
	};

	snprintf(actor, sizeof(actor), "%" PRId64, person_id);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

/* ---- The same throttling and audit for the doors that add a one-time code (login.h). */

static int
audit_door(struct store_tx *tx, const struct login_attempt *a, const char *door,
    const char *what, const char *actor, const char *reason)
{
	char details[256], action[48], object[40];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = action,
		.object = object, .details = details, .source = a->source,
		.request_id = a->request_id,
	};

	snprintf(action, sizeof(action), "login.%s.%s", door, what);
	snprintf(object, sizeof(object), "door:%s", door);
	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* keys_for() with an absent user name: the address alone is throttled. */
static bool
door_keys(const struct login_attempt *a, struct throttle *u, struct throttle *ad)
{
	struct login_attempt k = *a;

	k.username = a->username ? a->username : "";
	keys_for(&k, u, ad);
	return a->username != NULL && a->username[0] != '\0';
}

enum login_result
login_gate(struct store *s, struct login_attempt *a, const char *door)
{
	struct throttle u, ad;
	struct store_tx *tx;
	int64_t now = (int64_t)time(NULL), until;
	bool has_user = door_keys(a, &u, &ad);

	if (store_begin(s, STORE_READ, &tx) != 0)
		return LOGIN_ERROR;
	if ((has_user && throttle_read(tx, &u) != 0) || throttle_read(tx, &ad) != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	store_rollback(&tx);
	until = has_user && u.next_allowed > ad.next_allowed ? u.next_allowed : ad.next_allowed;
	if (until <= now)
		return LOGIN_OK;
	a->wait_seconds = (int)(until - now);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return LOGIN_ERROR;
	if (audit_door(tx, a, door, "throttled", NULL, "throttled") != 0 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	return LOGIN_THROTTLED;
}

int64_t
login_verify_password(struct store *s, const struct login_attempt *a)
{
	struct store_tx *tx;
	struct store_q *q;
	char hash[256] = "";
	int64_t person = 0;
	bool ok;
	int rc;

	if (a->username == NULL || a->password == NULL)
		return -1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_PASSWORD_BY_USERNAME, &q, "t", a->username) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		person = store_int(q, 0);
		snprintf(hash, sizeof(hash), "%s", store_text(q, 1));
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return -1;
	if (person == 0) {
		password_burn(a->password);
		return -2;
	}
	ok = password_verify(hash, a->password);
	if (ok && password_needs_rehash(hash)) {
		char fresh[256];

		if (password_hash(a->password, fresh, sizeof(fresh)) == 0 &&
		    store_begin(s, STORE_WRITE, &tx) == 0) {
			if (store_exec(tx, SQL_PASSWORD_SET_HASH, "it", person, fresh) != 1 ||
			    store_commit(&tx) != 0)
				store_rollback(&tx);
		}
		sodium_memzero(fresh, sizeof(fresh));
	}
	return ok ? person : 0;
}

int
login_note_failure(struct store_tx *tx, const struct login_attempt *a, const char *door,
    const char *reason)
{
	struct throttle u, ad;
	int64_t now = (int64_t)time(NULL);
	bool has_user = door_keys(a, &u, &ad);

	if (has_user && (throttle_read(tx, &u) != 0 ||
	    throttle_fail(tx, &u, now, USER_SLOW_AFTER, USER_LOCK_AFTER) != 0))
		return -1;
	if (throttle_read(tx, &ad) != 0 ||
	    throttle_fail(tx, &ad, now, ADDR_SLOW_AFTER, ADDR_LOCK_AFTER) != 0)
		return -1;
	return audit_door(tx, a, door, "failure", NULL, reason);
}

int
login_note_success(struct store_tx *tx, const struct login_attempt *a, const char *door,
    int64_t person)
{
	struct throttle u, ad;
	char actor[24];

	snprintf(actor, sizeof(actor), "%" PRId64, person);
	if (door_keys(a, &u, &ad) && store_exec(tx, SQL_THROTTLE_CLEAR, "t", u.key) < 0)
		return -1;
	return audit_door(tx, a, door, "success", actor, "ok");
}
