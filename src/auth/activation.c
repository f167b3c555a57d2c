/* activation.c — helpdesk activation codes: 16 letters and digits from an alphabet without
 * look-alikes (80 random bits), stored as BLAKE2b, single use, 14 days; redeeming one sets
 * the person's access codes in the same transaction that uses it. */
#include "auth/activation.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "audit/audit.h"
#include "auth/factor_sql.h"
#include "auth/login.h"
#include "auth/person.h"
#include "auth/person_sql.h"
#include "base/arena.h"
#include "value/value.h"

#define CODE_LEN 16
#define HASH_MAX 256

/* 32 symbols: no I, O, 0 or 1, which people misread. */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

int
activation_find_person(struct store *s, const char *username, const char *niss,
    int64_t *person)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if ((username == NULL || username[0] == '\0') && (niss == NULL || niss[0] == '\0'))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (username != NULL && username[0] != '\0')
		rc = store_query(tx, SQL_PASSWORD_BY_USERNAME, &q, "t", username);
	else
		rc = store_query(tx, SQL_PERSON_BY_NISS, &q, "t", niss);
	if (rc != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1)
		*person = store_int(q, PERSON_ID);
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

int
activation_code_normalise(const char *typed, char out[17])
{
	size_t n = 0;

	if (typed == NULL)
		return -1;
	for (const char *p = typed; *p != '\0'; p++) {
		char c = *p;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == CODE_LEN || strchr(alphabet, c) == NULL)
			return -1;
		out[n++] = c;
	}
	if (n != CODE_LEN)
		return -1;
	out[n] = '\0';
	return 0;
}

static void
code_hash(const char norm[17], unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)norm, CODE_LEN, NULL, 0);
}

int
activation_issue(struct store *s, const struct actor *by, int64_t person,
    char code[ACTIVATION_CODE_MAX], int64_t *expires_at)
{
	char norm[CODE_LEN + 1], object[32], actor[ACTOR_NAME_SIZE];
	unsigned char h[32];
	int64_t now = clock_time(), exp = now + (int64_t)ACTIVATION_DAYS * 86400;
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = by->role, .action = "activation.issue",
		.object = object, .source = by->source, .request_id = by->request_id,
	};
	struct store_tx *tx;
	struct arena *a;
	struct person who;
	size_t o = 0;
	int rc;

	for (int i = 0; i < CODE_LEN; i++)
		norm[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	norm[CODE_LEN] = '\0';
	code_hash(norm, h);
	snprintf(object, sizeof(object), "person:%" PRId64, person);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto fail;
	a = arena_new(16 * 1024);
	rc = a != NULL ? person_read(tx, a, person, &who) : -1;
	arena_free(a);
	if (rc != 0) {
		store_rollback(&tx);
		sodium_memzero(norm, sizeof(norm));
		return rc;
	}
	if (store_exec(tx, SQL_FACTOR_ACTIVATION_REVOKE_OPEN, "ii", person, now) < 0 ||
	    store_exec(tx, SQL_FACTOR_ACTIVATION_INSERT, "ibtii", person, h, sizeof(h),
	    actor, now, exp) != 1 ||
	    audit_append(tx, &ev) != 0)
		goto fail_tx;
	if (store_commit(&tx) != 0)
		goto fail;
	for (int i = 0; i < CODE_LEN; i++) {
		if (i > 0 && i % 4 == 0)
			code[o++] = '-';
		code[o++] = norm[i];
	}
	code[o] = '\0';
	*expires_at = exp;
	sodium_memzero(norm, sizeof(norm));
	return 0;
fail_tx:
	store_rollback(&tx);
fail:
	sodium_memzero(norm, sizeof(norm));
	return -1;
}

/* What the checks before the slow hash found. */
struct found {
	int64_t code_id;
	int64_t person;
	bool alive;              /* not expired, used or revoked */
	char username[72];       /* the person's user name, or "" */
	int64_t owner;           /* person holding the typed user name, or 0 */
};

static int
look_up(struct store *s, const unsigned char h[32], const char *typed, struct found *f)
{
	int64_t now = clock_time();
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(f, 0, sizeof(*f));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_FACTOR_ACTIVATION_BY_HASH, &q, "b", h, (size_t)32) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1) {
		f->code_id = store_int(q, FACTOR_ACTIVATION_BY_HASH_ID);
		f->person = store_int(q, FACTOR_ACTIVATION_BY_HASH_PERSON_ID);
		f->alive = store_int(q, FACTOR_ACTIVATION_BY_HASH_EXPIRES_AT) > now &&
		    store_null(q, FACTOR_ACTIVATION_BY_HASH_USED_AT) &&
		    store_null(q, FACTOR_ACTIVATION_BY_HASH_REVOKED_AT);
	}
	store_done(q);
	if (rc < 0)
		goto fail;
	if (f->person != 0) {
		if (store_query(tx, SQL_FACTOR_CREDENTIAL_OF, &q, "i", f->person) != 0)
			goto fail;
		rc = store_next(q);
		if (rc == 1) {
			const char *u = store_text(q, FACTOR_CREDENTIAL_OF_USERNAME);
			size_t n = u != NULL ? strlen(u) : 0;

			/* At most 64 bytes where a user name enters: longer is an error, never
			 * cut. */
			if (n < sizeof(f->username))
				memcpy(f->username, u != NULL ? u : "", n + 1);
			else
				rc = -1;
		}
		store_done(q);
		if (rc < 0)
			goto fail;
		if (store_query(tx, SQL_PASSWORD_BY_USERNAME, &q, "t", typed) != 0)
			goto fail;
		rc = store_next(q);
		if (rc == 1)
			f->owner = store_int(q, PASSWORD_BY_USERNAME_PERSON_ID);
		store_done(q);
		if (rc < 0)
			goto fail;
	}
	store_rollback(&tx);
	return 0;
fail:
	store_rollback(&tx);
	return -1;
}

static enum activation_result
refuse(struct store *s, const struct login_attempt *la, enum activation_result res,
    const char *reason)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return ACTIVATION_ERROR;
	if (login_note_failure(tx, la, "activation", reason) != 0) {
		store_rollback(&tx);
		return ACTIVATION_ERROR;
	}
	return store_commit(&tx) == 0 ? res : ACTIVATION_ERROR;
}

enum activation_result
activation_redeem(struct store *s, struct activation_attempt *a)
{
	struct login_attempt la = {
		.username = a->username, .by = a->by, .pwcfg = a->pwcfg,
	};
	char norm[CODE_LEN + 1], hash[HASH_MAX], actor[24], object[32], at[CLOCK_TEXT_SIZE];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .object = object,
		.source = a->by.source, .request_id = a->by.request_id,
	};
	enum activation_result res = ACTIVATION_ERROR;
	unsigned char h[32];
	struct store_tx *tx = NULL;
	struct found f;
	bool new_name;
	int rc;

	if (a->username == NULL || a->username[0] == '\0' || strlen(a->username) > 64 ||
	    a->password == NULL)
		return ACTIVATION_REFUSED;
	switch (login_gate(s, &la, "activation")) {
	case LOGIN_OK:
		break;
	case LOGIN_THROTTLED:
		return ACTIVATION_THROTTLED;
	default:
		return ACTIVATION_ERROR;
	}
	if (activation_code_normalise(a->code, norm) != 0)
		return refuse(s, &la, ACTIVATION_REFUSED, "malformed code");
	code_hash(norm, h);
	sodium_memzero(norm, sizeof(norm));
	if (look_up(s, h, a->username, &f) != 0)
		return ACTIVATION_ERROR;
	if (f.person == 0)
		return refuse(s, &la, ACTIVATION_REFUSED, "unknown code");
	if (!f.alive)
		return refuse(s, &la, ACTIVATION_EXPIRED, "expired, used or replaced code");
	new_name = f.username[0] == '\0';
	if (!new_name && strcasecmp(f.username, a->username) != 0)
		return refuse(s, &la, ACTIVATION_REFUSED, "user name of another person");
	if (new_name && !value_ok(VALUE_USERNAME, a->username, 0))
		return ACTIVATION_USERNAME;
	if (new_name && f.owner != 0 && f.owner != f.person)
		return ACTIVATION_TAKEN;
	a->problem = password_check(a->pwcfg, a->password, a->username);
	if (a->problem != PASSWORD_OK)
		return ACTIVATION_POLICY;
	if (password_hash(a->pwcfg, a->password, hash, sizeof(hash)) != 0)
		return ACTIVATION_ERROR;

	snprintf(actor, sizeof(actor), "%" PRId64, f.person);
	snprintf(object, sizeof(object), "person:%" PRId64, f.person);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	/* Used once: a second request with the same code changes no row. */
	rc = store_exec(tx, SQL_FACTOR_ACTIVATION_USE, "ii", f.code_id, clock_time());
	if (rc != 1) {
		store_rollback(&tx);
		tx = NULL;
		res = rc == 0 ? refuse(s, &la, ACTIVATION_EXPIRED, "used code") : ACTIVATION_ERROR;
		goto done;
	}
	rc = clock_text(clock_time(), at) != 0 ? -1 :
	    store_exec_try(tx, SQL_PASSWORD_PUT, "ittt", f.person,
	    new_name ? a->username : f.username, hash, at);
	if (rc == -2) {
		res = ACTIVATION_TAKEN;
		goto done;
	}
	ev.action = "activation.redeem";
	if (rc != 1 || audit_append(tx, &ev) != 0)
		goto done;
	ev.action = "password.set";
	if (audit_append(tx, &ev) != 0 || login_note_success(tx, &la, "activation", f.person) != 0)
		goto done;
	rc = store_commit(&tx);
	tx = NULL;
	if (rc == 0) {
		a->person_id = f.person;
		res = ACTIVATION_OK;
	}
done:
	store_rollback(&tx);
	sodium_memzero(hash, sizeof(hash));
	return res;
}
