/* login.c — user name + password verification, throttling and audit.
 * Unknown user names cost one hash too, so timing and answers do not tell who exists. */
#include "auth/login.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "audit/audit.h"
#include "auth/login_sql.h"
#include "auth/password.h"
#include "auth/person_sql.h"
#include "base/jsontext.h"
#include "base/log.h"

/* Failures slow down; they never lock. An account (user name) waits after its third
 * failure, twice as long after each further one, at most USER_MAX_DELAY: its attempts are
 * then refused unchecked, and the right password works once the wait is over; an eID
 * login, or a success at any door, clears it. An address (offices share one) is never
 * refused a right password: past ADDR_SLOW_AFTER failures, its attempts at a door with a
 * user name are held before their check, ADDR_MAX_HOLD seconds at most. */
#define USER_SLOW_AFTER 3
#define USER_MAX_DELAY 60
#define ADDR_SLOW_AFTER 20
#define ADDR_MAX_DELAY 60        /* a door without user name (activation codes) waits */
#define ADDR_MAX_HOLD 3
#define HOLDS_MAX 4              /* attempts held at once; more are told to wait */

struct throttle {
	char key[160];
	int64_t failures;
	int64_t next_allowed;
	int64_t updated_at;      /* the last failure */
	int64_t refused;         /* refused while waiting, not yet in the audit trail */
	int64_t noted_at;        /* when the audit event of the burst was written */
};

/* Column col (an encoded password hash, a fixed-format value) into hash of n bytes:
 * 1, or -1 when it is missing or longer than a hash can be (never cut). */
static int
hash_of(struct store_q *q, int col, char *hash, size_t n)
{
	const char *h = store_text(q, col);
	size_t len = h != NULL ? strlen(h) : 0;

	if (h == NULL || len >= n)
		return -1;
	memcpy(hash, h, len + 1);
	return 1;
}

static int64_t
real_now(void)
{
	return clock_time();
}

static void
real_pause(int seconds)
{
	struct timespec ts = { .tv_sec = seconds };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A test seam (login_set_clock), not a setting: the real clock unless a test says. */
static int64_t (*clock_now)(void) = real_now;
static void (*clock_pause)(int) = real_pause;
/* Process-wide on purpose: HOLDS_MAX bounds the threads of this process asleep in a hold,
 * whichever application they serve; threads are the process's resource. */
static atomic_int holds;

void
login_set_clock(int64_t (*now)(void), void (*pause)(int seconds))
{
	clock_now = now != NULL ? now : real_now;
	clock_pause = pause != NULL ? pause : real_pause;
}

static int
throttle_read(struct store_tx *tx, struct throttle *t)
{
	struct store_q *q;
	int rc;

	t->failures = t->next_allowed = t->updated_at = t->refused = t->noted_at = 0;
	if (store_query(tx, SQL_THROTTLE_GET, &q, "t", t->key) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		t->failures = store_int(q, THROTTLE_GET_FAILURES);
		t->next_allowed = store_int(q, THROTTLE_GET_NEXT_ALLOWED);
		t->updated_at = store_int(q, THROTTLE_GET_UPDATED_AT);
		t->refused = store_int(q, THROTTLE_GET_REFUSED);
		t->noted_at = store_int(q, THROTTLE_GET_NOTED_AT);
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* Wait after the n-th failure: none at first, then 1 s doubling up to max. */
static int64_t
delay_after(int64_t failures, int64_t slow_after, int64_t max)
{
	int64_t d;

	if (failures < slow_after)
		return 0;
	d = (int64_t)1 << (failures - slow_after < 16 ? failures - slow_after : 16);
	return d > max ? max : d;
}

static int
throttle_fail(struct store_tx *tx, struct throttle *t, int64_t now, int64_t slow, int64_t max)
{
	t->failures++;
	t->next_allowed = now + delay_after(t->failures, slow, max);
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
	snprintf(ad->key, sizeof(ad->key), "a:%s", a->by.source ? a->by.source : "?");
}

static int
audit_login(struct store_tx *tx, const struct login_attempt *a, const char *action,
    const char *actor, const char *reason)
{
	char details[256];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = action,
		.object = "door:password", .details = details, .source = a->by.source,
		.request_id = a->by.request_id,
	};

	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* ---- The same throttling and audit for the doors that add a one-time code (login.h). */

static int
audit_door(struct store_tx *tx, const struct login_attempt *a, const char *door,
    const char *what, const char *actor, const char *reason)
{
	char details[256], action[48], object[40];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = action,
		.object = object, .details = details, .source = a->by.source,
		.request_id = a->by.request_id,
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

/* One burst of refusals, one audit event: the first attempt refused while t waits is
 * audited (with the count of the previous burst's unaudited ones), the next ones only
 * counted in t's row. Returns LOGIN_THROTTLED or LOGIN_ERROR. */
static enum login_result
refuse_waiting(struct store *s, const struct login_attempt *a, const char *door,
    struct throttle *t, int64_t now)
{
	char details[80], action[48], object[40];
	struct audit_event ev = {
		.actor_role = "person", .action = action, .object = object, .details = details,
		.source = a->by.source, .request_id = a->by.request_id,
	};
	struct store_tx *tx;
	bool first;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return LOGIN_ERROR;
	if (throttle_read(tx, t) != 0)
		goto fail;
	first = t->noted_at == 0;      /* a failure (throttle_fail) opened a new burst */
	snprintf(action, sizeof(action), "login.%s.throttled", door);
	snprintf(object, sizeof(object), "door:%s", door);
	if (json_text(details, sizeof(details), "{s:I, s:s}", "earlier", (json_int_t)t->refused,
	    "reason", "throttled") != 0)
		goto fail;
	/* (A row cleared meanwhile by a success counts nothing: 0 rows is fine.) */
	if (first ? audit_append(tx, &ev) != 0 ||
	    store_exec(tx, SQL_THROTTLE_REFUSED, "tii", t->key, (int64_t)0, now) < 0 :
	    store_exec(tx, SQL_THROTTLE_REFUSED, "tii", t->key, t->refused + 1,
	    t->noted_at) < 0)
		goto fail;
	return store_commit(&tx) == 0 ? LOGIN_THROTTLED : LOGIN_ERROR;
fail:
	store_rollback(&tx);
	return LOGIN_ERROR;
}

/* Holds the attempt of a busy address for up to seconds (ADDR_MAX_HOLD at most): true, or
 * false when HOLDS_MAX attempts are held already. */
static bool
hold(int64_t seconds)
{
	bool held = atomic_fetch_add(&holds, 1) < HOLDS_MAX;

	if (held)
		clock_pause((int)(seconds < ADDR_MAX_HOLD ? seconds : ADDR_MAX_HOLD));
	atomic_fetch_sub(&holds, 1);
	return held;
}

/* Before a check at door: LOGIN_OK to go on (after a hold when the address is busy and
 * the door has a user name), LOGIN_THROTTLED while the account waits, or the address at
 * a door without user name (a->wait_seconds; audited once per burst), LOGIN_ERROR. */
static enum login_result
gate(struct store *s, struct login_attempt *a, const char *door, bool has_user,
    struct throttle *u, struct throttle *ad)
{
	int64_t now = clock_now();
	struct throttle *waiting = NULL;
	struct store_tx *tx;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return LOGIN_ERROR;
	if ((has_user && throttle_read(tx, u) != 0) || throttle_read(tx, ad) != 0) {
		store_rollback(&tx);
		return LOGIN_ERROR;
	}
	store_rollback(&tx);
	if (has_user && u->next_allowed > now)
		waiting = u;
	else if (ad->next_allowed > now && (!has_user || !hold(ad->next_allowed - now)))
		waiting = ad;
	if (waiting == NULL)
		return LOGIN_OK;
	a->wait_seconds = (int)(waiting->next_allowed - now);
	return refuse_waiting(s, a, door, waiting, now);
}

enum login_result
login_password(struct store *s, struct login_attempt *a)
{
	struct throttle u, ad;
	struct store_tx *tx;
	struct store_q *q;
	char hash[256] = "", actor[24];
	int64_t person = 0, now;
	enum login_result res;
	bool ok;
	int rc;

	keys_for(a, &u, &ad);
	res = gate(s, a, "password", true, &u, &ad);
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
		person = store_int(q, PASSWORD_BY_USERNAME_PERSON_ID);
		rc = hash_of(q, PASSWORD_BY_USERNAME_HASH, hash, sizeof(hash));
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return LOGIN_ERROR;

	/* The slow part, outside any transaction. */
	if (person != 0) {
		ok = password_verify(hash, a->password);
	} else {
		password_burn(a->pwcfg, a->password);
		ok = false;
	}

	now = clock_now();
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return LOGIN_ERROR;
	if (!ok) {
		if (throttle_read(tx, &u) != 0 || throttle_read(tx, &ad) != 0 ||
		    throttle_fail(tx, &u, now, USER_SLOW_AFTER, USER_MAX_DELAY) != 0 ||
		    throttle_fail(tx, &ad, now, ADDR_SLOW_AFTER, ADDR_MAX_DELAY) != 0 ||
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
	if (password_needs_rehash(a->pwcfg, hash)) {
		char fresh[256], at[CLOCK_TEXT_SIZE];

		if (password_hash(a->pwcfg, a->password, fresh, sizeof(fresh)) == 0 &&
		    clock_text(clock_time(), at) == 0)
			store_exec(tx, SQL_PASSWORD_SET_HASH, "itt", person, fresh, at);
	}
	if (store_commit(&tx) != 0)
		return LOGIN_ERROR;
	a->person_id = person;
	return LOGIN_OK;
}

int
login_record_logout(struct store *s, const struct actor *by)
{
	struct store_tx *tx;
	char actor[ACTOR_NAME_SIZE];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = "person", .action = "logout",
		.source = by->source, .request_id = by->request_id,
	};

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

enum login_result
login_gate(struct store *s, struct login_attempt *a, const char *door)
{
	struct throttle u, ad;
	bool has_user = door_keys(a, &u, &ad);

	return gate(s, a, door, has_user, &u, &ad);
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
		person = store_int(q, PASSWORD_BY_USERNAME_PERSON_ID);
		rc = hash_of(q, PASSWORD_BY_USERNAME_HASH, hash, sizeof(hash));
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return -1;
	if (person == 0) {
		password_burn(a->pwcfg, a->password);
		return -2;
	}
	ok = password_verify(hash, a->password);
	if (ok && password_needs_rehash(a->pwcfg, hash)) {
		char fresh[256], at[CLOCK_TEXT_SIZE];

		if (password_hash(a->pwcfg, a->password, fresh, sizeof(fresh)) == 0 &&
		    clock_text(clock_time(), at) == 0 && store_begin(s, STORE_WRITE, &tx) == 0) {
			if (store_exec(tx, SQL_PASSWORD_SET_HASH, "itt", person, fresh, at) != 1 ||
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
	int64_t now = clock_now();
	bool has_user = door_keys(a, &u, &ad);

	if (has_user && (throttle_read(tx, &u) != 0 ||
	    throttle_fail(tx, &u, now, USER_SLOW_AFTER, USER_MAX_DELAY) != 0))
		return -1;
	if (throttle_read(tx, &ad) != 0 ||
	    throttle_fail(tx, &ad, now, ADDR_SLOW_AFTER, ADDR_MAX_DELAY) != 0)
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

int
login_clear_person(struct store_tx *tx, int64_t person)
{
	return store_exec(tx, SQL_THROTTLE_CLEAR_PERSON, "i", person) < 0 ? -1 : 0;
}

/* The throttle key of a user name (lowered) or else of an address, as keys_for makes it. */
static void
operator_key(const char *username, const char *source, struct throttle *t)
{
	struct login_attempt a = { .username = username ? username : "", .by = { .source = source } };
	struct throttle u, ad;

	keys_for(&a, &u, &ad);
	memcpy(t->key, username ? u.key : ad.key, sizeof(t->key));
}

int
login_throttle_show(struct store *s, const char *username, const char *source,
    struct login_throttle_view *out)
{
	struct store_tx *tx;
	struct throttle t;
	int rc;

	operator_key(username, source, &t);
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = throttle_read(tx, &t);
	store_rollback(&tx);
	if (rc != 0)
		return -1;
	out->failures = t.failures;
	out->next_allowed = t.next_allowed;
	out->updated_at = t.updated_at;
	out->refused = t.refused;
	out->noted_at = t.noted_at;
	return t.failures == 0 && t.next_allowed == 0 && t.updated_at == 0 ? 1 : 0;
}

int
login_throttle_clear(struct store *s, const char *username, const char *source,
    const char *actor)
{
	struct audit_event ev = {
		.actor = actor, .actor_role = "operator", .action = "login.throttle.clear",
		.details = "{\"reason\":\"operator\"}", .source = "cli",
	};
	struct store_tx *tx;
	struct throttle t;
	int rc;

	operator_key(username, source, &t);
	ev.object = t.key[0] == 'u' ? "throttle:user" : "throttle:address";
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_THROTTLE_CLEAR, "t", t.key);
	if (rc == 0) {
		store_rollback(&tx);
		return 1;
	}
	if (rc != 1 || audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}
