/* totp.c — RFC 6238 codes through liboath (comparison in constant time through its
 * callback), the enrolment of an app, and the door "code from a mobile app". */
#include "auth/totp.h"

#include <inttypes.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/factor_sql.h"
#include "auth/factors.h"
#include "base/envelope.h"

/* Process-wide on purpose: liboath's library initialisation, once per process. */
static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;

static void
oath_start(void)
{
	oath_ready = oath_init() == OATH_OK;
}

void
totp_key_new(unsigned char key[TOTP_KEY_BYTES])
{
	randombytes_buf(key, TOTP_KEY_BYTES);
}

int
totp_base32(const unsigned char *key, size_t n, bool grouped, char *out, size_t outlen)
{
	char *b32 = NULL;
	size_t len = 0, o = 0;
	int rc = -1;

	pthread_once(&oath_once, oath_start);
	if (!oath_ready || oath_base32_encode((const char *)key, n, &b32, &len) != OATH_OK)
		return -1;
	for (size_t i = 0; i < len && b32[i] != '='; i++) {
		if (grouped && i > 0 && i % 4 == 0) {
			if (o + 1 >= outlen)
				goto done;
			out[o++] = ' ';
		}
		if (o + 1 >= outlen)
			goto done;
		out[o++] = b32[i];
	}
	if (o >= outlen)
		goto done;
	out[o] = '\0';
	rc = 0;
done:
	sodium_memzero(b32, len);
	free(b32);
	if (rc != 0 && outlen > 0)
		sodium_memzero(out, outlen);
	return rc;
}

/* Percent-encodes s (all but RFC 3986 unreserved characters) into out at *o. */
static int
pct_encode(const char *s, char *out, size_t outlen, size_t *o)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';

		if (*o + (plain ? 1 : 3) >= outlen)
			return -1;
		if (plain) {
			out[(*o)++] = (char)c;
		} else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
	out[*o] = '\0';
	return 0;
}

int
totp_uri(const unsigned char key[TOTP_KEY_BYTES], const char *account, char *out,
    size_t outlen)
{
	char b32[TOTP_BASE32_MAX];
	size_t o;
	int n;

	if (totp_base32(key, TOTP_KEY_BYTES, false, b32, sizeof(b32)) != 0)
		return -1;
	n = snprintf(out, outlen, "otpauth://totp/portier:");
	if (n < 0 || (size_t)n >= outlen)
		goto fail;
	o = (size_t)n;
	if (pct_encode(account, out, outlen, &o) != 0)
		goto fail;
	n = snprintf(out + o, outlen - o, "?secret=%s&issuer=portier&algorithm=SHA1&digits=%d"
	    "&period=%d", b32, TOTP_DIGITS, TOTP_STEP);
	if (n < 0 || (size_t)n >= outlen - o)
		goto fail;
	sodium_memzero(b32, sizeof(b32));
	return 0;
fail:
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(out, outlen);
	return -1;
}

struct otp_cmp {
	const char *code;
	size_t n;
};

/* liboath's comparison hook: 0 when equal, in constant time. */
static int
otp_equal(void *handle, const char *test)
{
	const struct otp_cmp *c = handle;

	if (strlen(test) != c->n)
		return 1;
	return sodium_memcmp(test, c->code, c->n) == 0 ? 0 : 1;
}

int
totp_match(const unsigned char *key, size_t n, int64_t now, const char *code, int64_t *step)
{
	struct otp_cmp c = { code, 0 };
	uint64_t counter = 0;
	int pos = 0, rc;

	if (code == NULL || key == NULL || n == 0 || now < 0)
		return -1;
	c.n = strlen(code);
	if (c.n != 6 && c.n != 8)
		return -1;
	for (size_t i = 0; i < c.n; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	pthread_once(&oath_once, oath_start);
	if (!oath_ready)
		return -1;
	/* validate3 is oath_totp_validate that also tells which time step matched. */
	rc = oath_totp_validate3_callback((const char *)key, n, (time_t)now, TOTP_STEP, 0,
	    (unsigned)c.n, 1, &pos, &counter, otp_equal, &c);
	if (rc >= 0) {
		*step = (int64_t)counter;
		return 0;
	}
	return rc == OATH_INVALID_OTP ? 1 : -1;
}

int
totp_code(const unsigned char *key, size_t n, int64_t now, unsigned digits, char out[9])
{
	pthread_once(&oath_once, oath_start);
	if (!oath_ready || (digits != 6 && digits != 8))
		return -1;
	return oath_totp_generate((const char *)key, n, (time_t)now, TOTP_STEP, 0, digits,
	    out) == OATH_OK ? 0 : -1;
}

/* ---- the service ---- */

/* The associated data of a person's key: pending and confirmed keys share it, since
 * SQL_FACTOR_TOTP_CONFIRM moves the pending one into secret as it is. */
static void
key_ad(int64_t person, char ad[64])
{
	snprintf(ad, 64, "factor_totp.secret:%" PRId64, person);
}

/* A blob column holding a key of TOTP_KEY_BYTES (sealed when a KEK is configured) into
 * key; false when NULL, of another size or not readable. */
static bool
read_key(struct store_q *q, int col, int64_t person, unsigned char key[TOTP_KEY_BYTES])
{
	size_t len = 0, out = 0;
	const void *b;
	char ad[64];

	if (store_null(q, col))
		return false;
	b = store_blob(q, col, &len);
	key_ad(person, ad);
	if (b == NULL || secret_decode(ad, b, len, key, TOTP_KEY_BYTES, &out) != 0 ||
	    out != TOTP_KEY_BYTES) {
		sodium_memzero(key, TOTP_KEY_BYTES);
		return false;
	}
	return true;
}

struct totp_rewrap_row {
	int64_t person;
	unsigned char *secret, *pending;
	size_t secret_n, pending_n;
	bool secret_null, pending_null, changed;
};

/* Rewraps one column's value of row r into *out (NULL when the column is NULL; a copy of
 * the stored value when it needs no change); 0, 1 (wrong key) or -1. *out is set only on
 * success, so that the caller owns exactly what it is given. */
static int
rewrap_col(const struct kek *old, const struct kek *new_k, struct store_q *q, int col,
    int64_t person, unsigned char **out, size_t *outn, bool *is_null, bool *changed)
{
	unsigned char *buf = NULL;
	const void *b;
	size_t n = 0, bn = 0;
	char ad[64];
	int rc;

	*out = NULL;
	*outn = 0;
	*is_null = store_null(q, col);
	if (*is_null)
		return 0;
	b = store_blob(q, col, &n);
	key_ad(person, ad);
	rc = secret_rewrap(old, new_k, ad, b, n, &buf, &bn);
	if (rc != 0)
		return rc;   /* secret_rewrap gives nothing back on failure */
	if (buf != NULL) {
		*changed = true;
	} else if (b != NULL) {
		/* Unchanged: the stored value is written back as it is. */
		buf = malloc(n > 0 ? n : 1);
		if (buf == NULL)
			return -1;
		memcpy(buf, b, n);
		bn = n;
	}
	*out = buf;
	*outn = bn;
	return 0;
}

/* Forgets and frees a row's copies. */
static void
rewrap_row_free(struct totp_rewrap_row *r)
{
	if (r->secret != NULL)
		sodium_memzero(r->secret, r->secret_n);
	if (r->pending != NULL)
		sodium_memzero(r->pending, r->pending_n);
	free(r->secret);
	free(r->pending);
	r->secret = r->pending = NULL;
}

/* Appends row to *rows (grown as needed); 0, or -1 when out of memory (row not taken). */
static int
rewrap_rows_add(struct totp_rewrap_row **rows, size_t *n, size_t *cap,
    const struct totp_rewrap_row *row)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct totp_rewrap_row *grown = realloc(*rows, c * sizeof(**rows));

		if (grown == NULL)
			return -1;
		*rows = grown;
		*cap = c;
	}
	(*rows)[(*n)++] = *row;
	return 0;
}

int
totp_keys_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed)
{
	struct totp_rewrap_row *rows = NULL;
	size_t n = 0, cap = 0;
	struct store_q *q;
	int rc, res = -1;

	*changed = 0;
	if (store_query(tx, SQL_FACTOR_TOTP_ALL_KEYS, &q, "") != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		struct totp_rewrap_row r;

		memset(&r, 0, sizeof(r));
		r.person = store_int(q, FACTOR_TOTP_ALL_KEYS_PERSON_ID);
		rc = rewrap_col(old, new_k, q, FACTOR_TOTP_ALL_KEYS_SECRET, r.person, &r.secret,
		    &r.secret_n, &r.secret_null, &r.changed);
		if (rc == 0)
			rc = rewrap_col(old, new_k, q, FACTOR_TOTP_ALL_KEYS_PENDING, r.person,
			    &r.pending, &r.pending_n, &r.pending_null, &r.changed);
		if (rc == 0)
			rc = rewrap_rows_add(&rows, &n, &cap, &r);
		if (rc != 0) {
			rewrap_row_free(&r);
			break;
		}
	}
	store_done(q);
	if (rc != 0) {
		res = rc > 0 ? 1 : -1;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].changed)
			continue;
		if (store_exec(tx, SQL_FACTOR_TOTP_SET_KEYS, "ibb", rows[i].person,
		    rows[i].secret_null ? NULL : rows[i].secret, rows[i].secret_n,
		    rows[i].pending_null ? NULL : rows[i].pending, rows[i].pending_n) != 1)
			goto done;
		(*changed)++;
	}
	res = 0;
done:
	for (size_t i = 0; i < n; i++)
		rewrap_row_free(&rows[i]);
	free(rows);
	return res;
}

int
totp_status(struct store *s, int64_t person, struct totp_status *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_FACTOR_TOTP_GET, &q, "i", person) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1 && !store_null(q, FACTOR_TOTP_GET_SECRET)) {
		out->active = true;
		out->enrolled_at = store_int(q, FACTOR_TOTP_GET_ENROLLED_AT);
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

int
totp_enrol_begin(struct store *s, const struct actor *by, int64_t now,
    unsigned char key[TOTP_KEY_BYTES])
{
	int64_t person = by->person_id;
	struct store_tx *tx;
	struct store_q *q;
	unsigned char *sealed = NULL;
	size_t sealed_n = 0;
	bool have = false;
	char ad[64];
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_FACTOR_TOTP_GET, &q, "i", person) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1 && !store_null(q, FACTOR_TOTP_GET_PENDING_AT) &&
	    store_int(q, FACTOR_TOTP_GET_PENDING_AT) > now - TOTP_PENDING_SECONDS &&
	    store_int(q, FACTOR_TOTP_GET_PENDING_AT) <= now)
		have = read_key(q, FACTOR_TOTP_GET_PENDING, person, key);
	store_done(q);
	if (rc < 0)
		goto fail;
	if (have) {
		store_rollback(&tx);
		return 0;
	}
	totp_key_new(key);
	key_ad(person, ad);
	if (secret_encode(ad, key, TOTP_KEY_BYTES, &sealed, &sealed_n) != 0)
		goto fail;
	rc = store_exec(tx, SQL_FACTOR_TOTP_SET_PENDING, "ibi", person, sealed, sealed_n, now);
	sodium_memzero(sealed, sealed_n);   /* the key itself when no KEK is configured */
	free(sealed);
	if (rc != 1 || factors_audit(tx, by, "totp.enrol.key", "new key shown") != 0)
		goto fail;
	if (store_commit(&tx) != 0)
		goto wipe;
	return 0;
fail:
	store_rollback(&tx);
wipe:
	sodium_memzero(key, TOTP_KEY_BYTES);
	return -1;
}

enum totp_result
totp_enrol_confirm(struct store *s, const struct actor *by, const char *code, int64_t now)
{
	int64_t person = by->person_id;
	unsigned char key[TOTP_KEY_BYTES];
	struct store_tx *tx;
	struct store_q *q;
	enum totp_result res = TOTP_ERROR;
	int64_t step = 0;
	bool have = false;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return TOTP_ERROR;
	if (store_query(tx, SQL_FACTOR_TOTP_GET, &q, "i", person) != 0)
		goto done;
	rc = store_next(q);
	/* A waiting key is good for twice the time it is shown: scanning takes a while. */
	if (rc == 1 && !store_null(q, FACTOR_TOTP_GET_PENDING_AT) &&
	    store_int(q, FACTOR_TOTP_GET_PENDING_AT) > now - 2 * TOTP_PENDING_SECONDS)
		have = read_key(q, FACTOR_TOTP_GET_PENDING, person, key);
	store_done(q);
	if (rc < 0)
		goto done;
	if (have)
		rc = totp_match(key, sizeof(key), now, code, &step);
	if (!have || rc != 0) {
		if (factors_audit(tx, by, "totp.enrol.failure", have ? "wrong code" :
		    "no key waiting") != 0)
			goto done;
		res = store_commit(&tx) != 0 ? TOTP_ERROR : have ? TOTP_WRONG : TOTP_NONE;
		tx = NULL;
		goto done;
	}
	/* The first code counts as used: it cannot open a session afterwards. */
	if (store_exec(tx, SQL_FACTOR_TOTP_CONFIRM, "iii", person, step, now) != 1 ||
	    factors_audit(tx, by, "totp.enrol", "ok") != 0)
		goto done;
	res = store_commit(&tx) == 0 ? TOTP_OK : TOTP_ERROR;
	tx = NULL;
done:
	store_rollback(&tx);
	sodium_memzero(key, sizeof(key));
	return res;
}

int
totp_remove(struct store *s, const struct actor *by)
{
	int64_t person = by->person_id;
	struct store_tx *tx;
	int n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_FACTOR_TOTP_DELETE, "i", person);
	return factors_removed(&tx, by, n, "totp.remove");
}

enum totp_result
totp_check_tx(struct store_tx *tx, int64_t person, const char *code, int64_t now)
{
	unsigned char key[TOTP_KEY_BYTES];
	struct store_q *q;
	int64_t step = 0;
	bool have = false;
	int rc;

	if (store_query(tx, SQL_FACTOR_TOTP_GET, &q, "i", person) != 0)
		return TOTP_ERROR;
	rc = store_next(q);
	if (rc == 1)
		have = read_key(q, FACTOR_TOTP_GET_SECRET, person, key);
	store_done(q);
	if (rc < 0)
		return TOTP_ERROR;
	if (!have)
		return TOTP_NONE;
	rc = totp_match(key, sizeof(key), now, code, &step);
	sodium_memzero(key, sizeof(key));
	if (rc != 0)
		return TOTP_WRONG;
	rc = store_exec(tx, SQL_FACTOR_TOTP_USE_STEP, "ii", person, step);
	if (rc < 0)
		return TOTP_ERROR;
	return rc == 1 ? TOTP_OK : TOTP_REPLAYED;
}

static const char *
refusal_reason(enum totp_result r)
{
	switch (r) {
	case TOTP_WRONG:
		return "wrong code";
	case TOTP_REPLAYED:
		return "replayed code";
	case TOTP_NONE:
		return "no app enrolled";
	default:
		return "error";
	}
}

enum login_result
totp_login(struct store *s, struct login_attempt *a, const char *code)
{
	enum login_result res;
	enum totp_result t;
	struct store_tx *tx;
	int64_t person;

	res = factors_login_password(s, a, "totp", &tx, &person);
	if (res != LOGIN_OK)
		return res;
	t = totp_check_tx(tx, person, code, (int64_t)time(NULL));
	if (t == TOTP_ERROR)
		goto fail;
	if (t != TOTP_OK)
		return factors_login_refuse(&tx, a, "totp", refusal_reason(t));
	if (login_note_success(tx, a, "totp", person) != 0)
		goto fail;
	if (store_commit(&tx) != 0)
		return LOGIN_ERROR;
	a->person_id = person;
	return LOGIN_OK;
fail:
	store_rollback(&tx);
	return LOGIN_ERROR;
}
