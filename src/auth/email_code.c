/* email_code.c — the door "security code by e-mail" (level low): the code is drawn by
 * libsodium, mailed through the outbox in the transaction that stores its Argon2id hash,
 * and checked once; its token and session binding work as the token card's challenge. */
#include "auth/email_code.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/email_code_sql.h"
#include "auth/factors.h"
#include "auth/person.h"
#include "base/arena.h"
#include "base/clock.h"

#define DOOR "email"
#define KEEP_SECONDS 86400   /* rows older than a day are purged (sends counted per hour) */

static void
hash_text(const char *text, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)text, strlen(text), NULL, 0);
}

/* A code of digits decimal digits, uniform (libsodium), with its leading zeros. */
static void
draw_code(int digits, char out[EMAIL_CODE_DIGITS_MAX + 1])
{
	uint32_t bound = 1;

	for (int i = 0; i < digits; i++)
		bound *= 10;
	snprintf(out, EMAIL_CODE_DIGITS_MAX + 1, "%0*" PRIu32, digits,
	    randombytes_uniform(bound));
}

/* Inside tx: audits action on the door, for person, with reason (fixed text). 0 or -1. */
static int
audit_door(struct store_tx *tx, const struct login_attempt *a, int64_t person,
    const char *action, const char *reason)
{
	char actor[24], details[64];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = action, .object = "door:" DOOR,
		.details = details, .source = a->by.source, .request_id = a->by.request_id,
	};

	snprintf(actor, sizeof(actor), "%" PRId64, person);
	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* The person's address and language, read in tx: 0 (address in email, may be ""), -1. */
static int
person_address(struct store_tx *tx, int64_t person, char *email, size_t emaillen,
    char lang[3])
{
	struct arena *a = arena_new(16 * 1024);
	struct person p;
	int rc = -1;

	if (a == NULL)
		return -1;
	if (person_read(tx, a, person, &p) == 0 && strlen(p.email) < emaillen &&
	    strlen(p.language) == 2) {
		memcpy(email, p.email, strlen(p.email) + 1);
		memcpy(lang, p.language, 3);
		rc = 0;
	}
	arena_free(a);
	return rc;
}

/* How many codes went to person since since: 0 and *n, or -1. */
static int
sent_since(struct store_tx *tx, int64_t person, int64_t since, int64_t *n)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_EMAIL_CODE_SENT_SINCE, &q, "ii", person, since) != 0)
		return -1;
	rc = store_next(q);
	*n = rc == 1 ? store_int(q, EMAIL_CODE_SENT_SINCE_N) : 0;
	store_done(q);
	return rc == 1 ? 0 : -1;
}

/* Stores a new code for person (earlier ones void) and queues its mail, inside tx. The
 * code never leaves this function but in the mail. 0 or -1. */
static int
store_and_mail(struct store_tx *tx, const struct login_attempt *a, int64_t person,
    const struct email_code_cfg *cfg, const struct mail_texts *mt, const char *to,
    const char *lang, const char *binding, char token[EMAIL_CODE_TOKEN_MAX])
{
	char code[EMAIL_CODE_DIGITS_MAX + 1], hash[crypto_pwhash_STRBYTES], minutes[16];
	unsigned char raw[32], token_hash[32], bind_hash[32];
	int64_t now = clock_time();
	const char *args[2] = { code, minutes };
	int rc = -1;

	draw_code(cfg->digits, code);
	if (password_hash(a->pwcfg, code, hash, sizeof(hash)) != 0)
		goto done;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, EMAIL_CODE_TOKEN_MAX, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	hash_text(token, token_hash);
	hash_text(binding, bind_hash);
	snprintf(minutes, sizeof(minutes), "%d", cfg->minutes);
	if (store_exec(tx, SQL_EMAIL_CODE_VOID_OPEN, "ii", person, now) < 0 ||
	    store_exec(tx, SQL_EMAIL_CODE_INSERT, "bbittii", token_hash, sizeof(token_hash),
	    bind_hash, sizeof(bind_hash), person, a->username, hash, now,
	    now + (int64_t)cfg->minutes * 60) != 1 ||
	    mail_queue(tx, mt, MAIL_LOGIN_CODE, to, lang, NULL, args, 2) != 0 ||
	    audit_door(tx, a, person, "login.email.sent", "ok") != 0)
		goto done;
	rc = 0;
done:
	sodium_memzero(code, sizeof(code));
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

static bool
lang_ok(const char *l)
{
	return l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "nl") == 0 ||
	    strcmp(l, "de") == 0 || strcmp(l, "en") == 0);
}

enum email_send_result
email_code_send(struct store *s, struct login_attempt *a, const struct email_code_cfg *cfg,
    const struct mail_texts *mt, const char *lang, const char *binding,
    char token[EMAIL_CODE_TOKEN_MAX])
{
	char to[MAIL_ADDRESS_MAX + 1], plang[3];
	enum login_result res;
	struct store_tx *tx;
	int64_t person, n, now = clock_time();

	res = factors_login_password(s, a, DOOR, &tx, &person);
	if (res != LOGIN_OK)
		return res == LOGIN_REFUSED ? EMAIL_SEND_REFUSED :
		    res == LOGIN_THROTTLED ? EMAIL_SEND_THROTTLED : EMAIL_SEND_ERROR;
	if (person_address(tx, person, to, sizeof(to), plang) != 0)
		goto fail;
	if (to[0] == '\0') {
		store_rollback(&tx);
		return EMAIL_SEND_NO_ADDRESS;
	}
	if (store_exec(tx, SQL_EMAIL_CODE_PURGE, "i", now - KEEP_SECONDS) < 0 ||
	    sent_since(tx, person, now - 3600, &n) != 0)
		goto fail;
	if (n >= cfg->sends_per_hour) {
		if (audit_door(tx, a, person, "login.email.limit", "sends per hour") != 0)
			goto fail;
		return store_commit(&tx) == 0 ? EMAIL_SEND_LIMIT : EMAIL_SEND_ERROR;
	}
	/* The page's language: the person reads the mail while on the page. */
	if (store_and_mail(tx, a, person, cfg, mt, to, lang_ok(lang) ? lang : plang, binding,
	    token) != 0)
		goto fail;
	return store_commit(&tx) == 0 ? EMAIL_SEND_OK : EMAIL_SEND_ERROR;
fail:
	store_rollback(&tx);
	return EMAIL_SEND_ERROR;
}

struct sent_code {
	int64_t id, person, attempts, expires_at;
	bool live;                 /* bound to this session, not used nor void */
	char username[128];
	char hash[crypto_pwhash_STRBYTES];
};

/* Reads the code sent under token for binding into c: 0, 1 when there is none, -1. */
static int
read_code(struct store *s, const char *token, const char *binding, struct sent_code *c)
{
	unsigned char token_hash[32], bind_hash[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	hash_text(token, token_hash);
	hash_text(binding, bind_hash);
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_EMAIL_CODE_GET, &q, "b", token_hash, sizeof(token_hash)) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		size_t len = 0;
		const void *b = store_blob(q, EMAIL_CODE_GET_BINDING_HASH, &len);
		const char *u = store_text(q, EMAIL_CODE_GET_USERNAME);
		const char *h = store_text(q, EMAIL_CODE_GET_CODE_HASH);

		c->id = store_int(q, EMAIL_CODE_GET_ID);
		c->person = store_int(q, EMAIL_CODE_GET_PERSON_ID);
		c->attempts = store_int(q, EMAIL_CODE_GET_ATTEMPTS);
		c->expires_at = store_int(q, EMAIL_CODE_GET_EXPIRES_AT);
		c->live = b != NULL && len == sizeof(bind_hash) &&
		    sodium_memcmp(b, bind_hash, sizeof(bind_hash)) == 0 &&
		    store_null(q, EMAIL_CODE_GET_USED_AT) && store_null(q, EMAIL_CODE_GET_VOID_AT) &&
		    u != NULL && strlen(u) < sizeof(c->username) &&
		    h != NULL && h[0] != '\0' && strlen(h) < sizeof(c->hash);
		if (c->live) {
			memcpy(c->username, u, strlen(u) + 1);
			memcpy(c->hash, h, strlen(h) + 1);
		}
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return -1;
	return rc == 1 && c->live ? 0 : 1;
}

/* Ends the check in a write transaction: uses the code (right) or counts the wrong
 * answer, and notes the login's success or failure. */
static enum email_code_result
settle(struct store *s, struct login_attempt *a, const struct email_code_cfg *cfg,
    const struct sent_code *c, bool right, bool expired)
{
	enum email_code_result res = EMAIL_CODE_ERROR;
	int64_t now = clock_time();
	struct store_tx *tx;
	const char *reason;
	int n = 0;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return EMAIL_CODE_ERROR;
	if (right && !expired) {
		n = store_exec(tx, SQL_EMAIL_CODE_USE, "iii", c->id, now, (int64_t)cfg->attempts);
		if (n < 0)
			goto fail;
		if (n == 1) {
			if (login_note_success(tx, a, DOOR, c->person) != 0)
				goto fail;
			if (store_commit(&tx) != 0)
				return EMAIL_CODE_ERROR;
			a->person_id = c->person;
			return EMAIL_CODE_OK;
		}
		reason = "used code";   /* taken by a concurrent answer */
		res = EMAIL_CODE_VOID;
	} else if (expired) {
		reason = "expired code";
		res = EMAIL_CODE_VOID;
	} else {
		n = store_exec(tx, SQL_EMAIL_CODE_WRONG, "iii", c->id, (int64_t)cfg->attempts, now);
		if (n < 0)
			goto fail;
		reason = "wrong code";
		res = n == 1 && c->attempts + 1 < cfg->attempts ? EMAIL_CODE_WRONG : EMAIL_CODE_VOID;
	}
	return factors_login_refuse(&tx, a, DOOR, reason) == LOGIN_REFUSED ? res : EMAIL_CODE_ERROR;
fail:
	store_rollback(&tx);
	return EMAIL_CODE_ERROR;
}

enum email_code_result
email_code_check(struct store *s, struct login_attempt *a, const struct email_code_cfg *cfg,
    const char *token, const char *binding, const char *code)
{
	const char *typed = a->username;
	struct sent_code c = { 0 };
	enum email_code_result res = EMAIL_CODE_ERROR;
	struct store_tx *tx;
	bool right;
	int rc;

	rc = token != NULL && strlen(token) < EMAIL_CODE_TOKEN_MAX ?
	    read_code(s, token, binding, &c) : 1;
	if (rc < 0)
		return EMAIL_CODE_ERROR;
	/* The code names the account: throttling counts against it, not what was typed. */
	a->username = rc == 0 ? c.username : NULL;
	if (rc == 0) {
		enum login_result g = login_gate(s, a, DOOR);

		if (g != LOGIN_OK) {
			res = g == LOGIN_THROTTLED ? EMAIL_CODE_THROTTLED : EMAIL_CODE_ERROR;
			goto done;
		}
		right = code != NULL && password_verify(c.hash, code);
		res = settle(s, a, cfg, &c, right, c.expires_at < clock_time() ||
		    c.attempts >= cfg->attempts);
		goto done;
	}
	/* No live code: the same cost as a check, then a counted refusal. */
	password_burn(a->pwcfg, code ? code : "");
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	res = factors_login_refuse(&tx, a, DOOR, "unknown, used or void code") == LOGIN_REFUSED ?
	    EMAIL_CODE_VOID : EMAIL_CODE_ERROR;
done:
	a->username = typed;
	sodium_memzero(&c, sizeof(c));
	return res;
}
