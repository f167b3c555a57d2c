/* tokencard.c — token cards: issue (a random seed gives the 24 codes, stored as Argon2id
 * hashes; the seed is kept only until activation to print the card), activation, use,
 * and the two steps of the door "Avec votre token". */
#include "auth/tokencard.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/factor_sql.h"
#include "auth/factors.h"
#include "auth/password.h"

#define HASH_MAX 256

void
tokencard_derive(const unsigned char seed[TOKENCARD_SEED_BYTES],
    char codes[TOKENCARD_CODES][TOKENCARD_DIGITS + 1])
{
	static const char label[] = "portier token card code";

	for (int i = 0; i < TOKENCARD_CODES; i++) {
		unsigned char msg[sizeof(label) + 1], out[16];
		uint64_t v = 0;

		memcpy(msg, label, sizeof(label));
		msg[sizeof(label)] = (unsigned char)(i + 1);
		crypto_generichash(out, sizeof(out), msg, sizeof(msg), seed, TOKENCARD_SEED_BYTES);
		for (int b = 0; b < 8; b++)
			v = (v << 8) | out[b];
		/* 2^64 mod 10^6 is tiny next to 2^64: the bias is negligible. */
		snprintf(codes[i], TOKENCARD_DIGITS + 1, "%06" PRIu64, v % 1000000u);
		sodium_memzero(out, sizeof(out));
	}
}

static bool
code_well_formed(const char *code)
{
	if (code == NULL || strlen(code) != TOKENCARD_DIGITS)
		return false;
	for (int i = 0; i < TOKENCARD_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

/* The serial of column col into out: -1 unless it has the fixed format's length. */
static int
serial_of(struct store_q *q, int col, char out[TOKENCARD_SERIAL_LEN + 1])
{
	const char *s = store_text(q, col);

	if (s == NULL || strlen(s) != TOKENCARD_SERIAL_LEN)
		return -1;
	memcpy(out, s, TOKENCARD_SERIAL_LEN + 1);
	return 0;
}

int
tokencard_status(struct store *s, int64_t person, int64_t now, struct tokencard_status *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_FACTOR_CARD_ACTIVE, &q, "i", person) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1) {
		out->active = true;
		if (serial_of(q, FACTOR_CARD_ACTIVE_SERIAL, out->serial) != 0)
			rc = -1;
		out->activated_at = store_int(q, FACTOR_CARD_ACTIVE_ACTIVATED_AT);
		out->unused = (int)store_int(q, FACTOR_CARD_ACTIVE_UNUSED);
	}
	store_done(q);
	if (rc < 0)
		goto fail;
	if (store_query(tx, SQL_FACTOR_CARD_PENDING, &q, "i", person) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1)
		out->pending = store_int(q, FACTOR_CARD_PENDING_ISSUED_AT) >
		    now - TOKENCARD_PENDING_SECONDS;
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
fail:
	store_rollback(&tx);
	return -1;
}

int
tokencard_issue(struct store *s, const struct password_cfg *cfg, const struct actor *by,
    struct tokencard_print *out)
{
	int64_t person = by->person_id;
	unsigned char seed[TOKENCARD_SEED_BYTES];
	char hash_buf[TOKENCARD_CODES][HASH_MAX];
	struct store_tx *tx = NULL;
	int64_t now = (int64_t)time(NULL);
	int rc = -1;

	memset(out, 0, sizeof(*out));
	randombytes_buf(seed, sizeof(seed));
	tokencard_derive(seed, out->codes);
	for (int i = 0; i < TOKENCARD_CODES; i++)
		if (password_hash(cfg, out->codes[i], hash_buf[i], HASH_MAX) != 0)
			goto done;
	snprintf(out->serial, sizeof(out->serial), "%04" PRIu32 "-%04" PRIu32,
	    randombytes_uniform(10000), randombytes_uniform(10000));
	out->issued_at = now;
	out->confirm_position = (int)randombytes_uniform(TOKENCARD_CODES) + 1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	if (store_exec(tx, SQL_FACTOR_CARD_DROP_PENDING, "i", person) < 0 ||
	    store_insert(tx, SQL_FACTOR_CARD_INSERT, &out->card_id, "itbii", person, out->serial,
	    seed, sizeof(seed), (int64_t)out->confirm_position, now) != 1)
		goto done;
	for (int i = 0; i < TOKENCARD_CODES; i++)
		if (store_exec(tx, SQL_FACTOR_CARD_CODE_INSERT, "iit", out->card_id,
		    (int64_t)(i + 1), hash_buf[i]) != 1)
			goto done;
	if (factors_audit(tx, by, "token.issue", "ok") != 0)
		goto done;
	rc = store_commit(&tx);
	tx = NULL;
done:
	store_rollback(&tx);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(hash_buf, sizeof(hash_buf));
	if (rc != 0)
		sodium_memzero(out, sizeof(*out));
	return rc;
}

/* Reads the pending card of person inside tx; the seed goes to seed. 0, 1 none, -1. */
static int
read_pending(struct store_tx *tx, int64_t person, int64_t now, struct tokencard_print *out,
    unsigned char seed[TOKENCARD_SEED_BYTES])
{
	struct store_q *q;
	const void *b;
	size_t len = 0;
	int rc, res = 1;

	if (store_query(tx, SQL_FACTOR_CARD_PENDING, &q, "i", person) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 &&
	    store_int(q, FACTOR_CARD_PENDING_ISSUED_AT) > now - TOKENCARD_PENDING_SECONDS &&
	    !store_null(q, FACTOR_CARD_PENDING_SEED)) {
		b = store_blob(q, FACTOR_CARD_PENDING_SEED, &len);
		if (b != NULL && len == TOKENCARD_SEED_BYTES) {
			memcpy(seed, b, len);
			out->card_id = store_int(q, FACTOR_CARD_PENDING_ID);
			out->confirm_position =
			    (int)store_int(q, FACTOR_CARD_PENDING_CONFIRM_POSITION);
			out->issued_at = store_int(q, FACTOR_CARD_PENDING_ISSUED_AT);
			res = serial_of(q, FACTOR_CARD_PENDING_SERIAL, out->serial) == 0 ?
			    0 : -1;
		}
	}
	store_done(q);
	return rc < 0 ? -1 : res;
}

int
tokencard_pending(struct store *s, int64_t person, int64_t now, struct tokencard_print *out)
{
	unsigned char seed[TOKENCARD_SEED_BYTES];
	struct store_tx *tx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = read_pending(tx, person, now, out, seed);
	store_rollback(&tx);
	if (rc == 0)
		tokencard_derive(seed, out->codes);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

enum tokencard_result
tokencard_activate(struct store *s, const struct actor *by, const char *code, int64_t now)
{
	int64_t person = by->person_id;
	unsigned char seed[TOKENCARD_SEED_BYTES];
	struct tokencard_print p;
	struct store_tx *tx;
	enum tokencard_result res = TOKENCARD_ERROR;
	bool ok = false;
	int rc;

	memset(&p, 0, sizeof(p));
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return TOKENCARD_ERROR;
	rc = read_pending(tx, person, now, &p, seed);
	if (rc < 0)
		goto done;
	if (rc == 0) {
		tokencard_derive(seed, p.codes);
		ok = code_well_formed(code) && p.confirm_position >= 1 &&
		    p.confirm_position <= TOKENCARD_CODES &&
		    sodium_memcmp(code, p.codes[p.confirm_position - 1], TOKENCARD_DIGITS) == 0;
	}
	if (!ok) {
		if (factors_audit(tx, by, "token.activate.failure", rc == 1 ? "no card waiting" :
		    "wrong code") != 0)
			goto done;
		res = store_commit(&tx) != 0 ? TOKENCARD_ERROR : rc == 1 ? TOKENCARD_NONE :
		    TOKENCARD_WRONG;
		tx = NULL;
		goto done;
	}
	if (store_exec(tx, SQL_FACTOR_CARD_REVOKE_ACTIVE, "ii", person, now) < 0 ||
	    store_exec(tx, SQL_FACTOR_CARD_ACTIVATE, "ii", p.card_id, now) != 1 ||
	    factors_audit(tx, by, "token.activate", "ok") != 0)
		goto done;
	res = store_commit(&tx) == 0 ? TOKENCARD_OK : TOKENCARD_ERROR;
	tx = NULL;
done:
	store_rollback(&tx);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(&p, sizeof(p));
	return res;
}

int
tokencard_revoke(struct store *s, const struct actor *by, int64_t now)
{
	int64_t person = by->person_id;
	struct store_tx *tx;
	int n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_FACTOR_CARD_REVOKE_ALL, "ii", person, now);
	return factors_removed(&tx, by, n, "token.revoke");
}

/* Compares code with the hash of position on person's active card card_id (slow, reads
 * only). A missing row (used, revoked, another person's card) costs a hash too. */
static enum tokencard_result
verify_code(struct store *s, const struct password_cfg *cfg, int64_t person, int64_t card_id,
    int position, const char *code)
{
	char hash[HASH_MAX] = "";
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return TOKENCARD_ERROR;
	if (store_query(tx, SQL_FACTOR_CARD_CODE_HASH, &q, "iii", card_id, (int64_t)position,
	    person) != 0) {
		store_rollback(&tx);
		return TOKENCARD_ERROR;
	}
	rc = store_next(q);
	if (rc == 1) {
		/* An encoded hash (fixed format): a longer stored text is an error, never cut. */
		const char *h = store_text(q, FACTOR_CARD_CODE_HASH_HASH);
		size_t n = h != NULL ? strlen(h) : 0;

		if (h == NULL || n >= sizeof(hash))
			rc = -1;
		else
			memcpy(hash, h, n + 1);
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return TOKENCARD_ERROR;
	if (rc == 0 || !code_well_formed(code)) {
		password_burn(cfg, code ? code : "");
		return rc == 0 ? TOKENCARD_USED : TOKENCARD_WRONG;
	}
	return password_verify(hash, code) ? TOKENCARD_OK : TOKENCARD_WRONG;
}

/* Inside tx: marks the code used; TOKENCARD_USED when another request was first. */
static enum tokencard_result
use_code_tx(struct store_tx *tx, int64_t card_id, int position, int64_t now)
{
	int n = store_exec(tx, SQL_FACTOR_CARD_CODE_USE, "iii", card_id, (int64_t)position, now);

	if (n < 0)
		return TOKENCARD_ERROR;
	return n == 1 ? TOKENCARD_OK : TOKENCARD_USED;
}

enum tokencard_result
tokencard_use(struct store *s, const struct password_cfg *cfg, const struct actor *by,
    int64_t card_id, int position, const char *code)
{
	enum tokencard_result res = verify_code(s, cfg, by->person_id, card_id, position, code);
	struct store_tx *tx;

	if (res == TOKENCARD_ERROR || store_begin(s, STORE_WRITE, &tx) != 0)
		return TOKENCARD_ERROR;
	if (res == TOKENCARD_OK)
		res = use_code_tx(tx, card_id, position, (int64_t)time(NULL));
	if (res == TOKENCARD_ERROR ||
	    factors_audit(tx, by, res == TOKENCARD_OK ? "token.use" : "token.use.failure",
	    res == TOKENCARD_OK ? "ok" : res == TOKENCARD_USED ? "used code" : "wrong code") != 0) {
		store_rollback(&tx);
		return TOKENCARD_ERROR;
	}
	return store_commit(&tx) == 0 ? res : TOKENCARD_ERROR;
}

/* BLAKE2b-256 of a text (challenge tokens, session bindings). */
static void
hash_text(const char *text, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)text, strlen(text), NULL, 0);
}

/* Picks the position to ask on card_id (0: no card): a random unused one; *card_id
 * becomes 0 when the card has no unused code left. */
static int
pick_position(struct store_tx *tx, int64_t *card_id, int *position)
{
	int unused[TOKENCARD_CODES], n = 0, rc;
	struct store_q *q;

	*position = (int)randombytes_uniform(TOKENCARD_CODES) + 1;
	if (*card_id == 0)
		return 0;
	if (store_query(tx, SQL_FACTOR_CARD_UNUSED, &q, "i", *card_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1)
		if (n < TOKENCARD_CODES)
			unused[n++] = (int)store_int(q, FACTOR_CARD_UNUSED_POSITION);
	store_done(q);
	if (rc < 0)
		return -1;
	if (n == 0)
		*card_id = 0;
	else
		*position = unused[randombytes_uniform((uint32_t)n)];
	return 0;
}

enum login_result
tokencard_login_begin(struct store *s, struct login_attempt *a, const char *binding,
    char token[TOKENCARD_TOKEN_MAX], int *position)
{
	unsigned char raw[32], token_hash[32], bind_hash[32];
	int64_t person, card_id = 0, now = (int64_t)time(NULL);
	struct store_tx *tx;
	struct store_q *q;
	char actor[24];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = "login.token.challenge",
		.object = "door:token", .source = a->by.source, .request_id = a->by.request_id,
	};
	enum login_result res;
	int rc;

	res = factors_login_password(s, a, "token", &tx, &person);
	if (res != LOGIN_OK)
		return res;
	if (store_exec(tx, SQL_FACTOR_CHALLENGE_PURGE, "i", now) < 0 ||
	    store_query(tx, SQL_FACTOR_CARD_ACTIVE, &q, "i", person) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1)
		card_id = store_int(q, FACTOR_CARD_ACTIVE_ID);
	store_done(q);
	if (rc < 0 || pick_position(tx, &card_id, position) != 0)
		goto fail;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, TOKENCARD_TOKEN_MAX, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	hash_text(token, token_hash);
	hash_text(binding, bind_hash);
	snprintf(actor, sizeof(actor), "%" PRId64, person);
	if (store_exec(tx, SQL_FACTOR_CHALLENGE_INSERT, "bbiItii", token_hash, sizeof(token_hash),
	    bind_hash, sizeof(bind_hash), person, card_id, a->username, (int64_t)*position,
	    now + TOKENCARD_CHALLENGE_SECONDS) != 1 ||
	    audit_append(tx, &ev) != 0)
		goto fail;
	if (store_commit(&tx) != 0)
		return LOGIN_ERROR;
	return LOGIN_OK;
fail:
	store_rollback(&tx);
	return LOGIN_ERROR;
}

struct challenge {
	int64_t person;
	int64_t card_id;
	int position;
	char username[128];
};

/* Takes (reads and deletes) the challenge of token if it is alive and bound to binding.
 * Returns 0, 1 when refused, -1 on error. */
static int
take_challenge(struct store *s, const char *token, const char *binding, struct challenge *c)
{
	unsigned char token_hash[32], bind_hash[32];
	int64_t now = (int64_t)time(NULL);
	struct store_tx *tx;
	struct store_q *q;
	bool ok = false;
	int rc;

	if (token == NULL || strlen(token) >= TOKENCARD_TOKEN_MAX)
		return 1;
	hash_text(token, token_hash);
	hash_text(binding, bind_hash);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_FACTOR_CHALLENGE_GET, &q, "b", token_hash,
	    sizeof(token_hash)) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		size_t len = 0, ulen;
		const void *b = store_blob(q, FACTOR_CHALLENGE_GET_BINDING_HASH, &len);
		const char *u = store_text(q, FACTOR_CHALLENGE_GET_USERNAME);

		/* A user name is at most 64 bytes where it enters: a longer one is refused,
		 * never cut. */
		ulen = u != NULL ? strlen(u) : 0;
		ok = b != NULL && len == sizeof(bind_hash) &&
		    sodium_memcmp(b, bind_hash, sizeof(bind_hash)) == 0 &&
		    store_int(q, FACTOR_CHALLENGE_GET_EXPIRES_AT) >= now && u != NULL &&
		    ulen < sizeof(c->username);
		c->person = store_int(q, FACTOR_CHALLENGE_GET_PERSON_ID);
		c->card_id = store_null(q, FACTOR_CHALLENGE_GET_CARD_ID) ?
		    0 : store_int(q, FACTOR_CHALLENGE_GET_CARD_ID);
		if (ok)
			memcpy(c->username, u, ulen + 1);
		c->position = (int)store_int(q, FACTOR_CHALLENGE_GET_POSITION);
	}
	store_done(q);
	if (rc < 0 || (rc == 1 && store_exec(tx, SQL_FACTOR_CHALLENGE_DELETE, "b", token_hash,
	    sizeof(token_hash)) != 1)) {
		store_rollback(&tx);
		return -1;
	}
	if (store_commit(&tx) != 0)
		return -1;
	return ok ? 0 : 1;
}

enum login_result
tokencard_login_finish(struct store *s, struct login_attempt *a, const char *token,
    const char *binding, const char *code)
{
	const char *typed = a->username;
	struct challenge c = { 0 };
	enum tokencard_result t = TOKENCARD_WRONG;
	enum login_result res = LOGIN_ERROR;
	struct store_tx *tx;
	const char *reason;
	int rc;

	rc = take_challenge(s, token, binding, &c);
	if (rc < 0)
		return LOGIN_ERROR;
	/* The challenge names the account: throttling counts against it, not what was typed. */
	a->username = rc == 0 ? c.username : NULL;
	if (rc == 0) {
		res = login_gate(s, a, "token");
		if (res != LOGIN_OK)
			goto done;
		if (c.card_id == 0) {
			password_burn(a->pwcfg, code ? code : "");
			t = TOKENCARD_NONE;
		} else {
			t = verify_code(s, a->pwcfg, c.person, c.card_id, c.position, code);
		}
	}
	res = LOGIN_ERROR;
	if (t == TOKENCARD_ERROR || store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	if (t == TOKENCARD_OK)
		t = use_code_tx(tx, c.card_id, c.position, (int64_t)time(NULL));
	if (t == TOKENCARD_OK) {
		if (login_note_success(tx, a, "token", c.person) != 0) {
			store_rollback(&tx);
			goto done;
		}
		if (store_commit(&tx) == 0) {
			a->person_id = c.person;
			res = LOGIN_OK;
		}
		goto done;
	}
	reason = rc != 0 ? "unknown or expired challenge" : t == TOKENCARD_USED ? "used code" :
	    t == TOKENCARD_NONE ? "no token card" : "wrong code";
	if (t == TOKENCARD_ERROR) {
		store_rollback(&tx);
		goto done;
	}
	res = factors_login_refuse(&tx, a, "token", reason);
done:
	a->username = typed;
	sodium_memzero(&c, sizeof(c));
	return res;
}
