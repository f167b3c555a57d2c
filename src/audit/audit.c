/* audit.c — appending to and verifying the hash chain of audit events.
 * hash = SHA-256(prev_hash_hex || canonical content); content fields are length-prefixed. */
#include "audit/audit.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "audit/checkpoint.h"
#include "audit/sql.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"

#define HASH_HEX (crypto_hash_sha256_BYTES * 2 + 1)
#define DETAILS_MAX 16384

static const char zero_hash[HASH_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* Canonical JSON of details: object with sorted keys, compact; NULL for invalid input. */
static char *
canonical_details(const char *details)
{
	json_error_t jerr;
	json_t *j;
	char *out;

	if (details == NULL || details[0] == '\0')
		return strdup("{}");
	if (strlen(details) > DETAILS_MAX)
		return NULL;
	j = json_loads(details, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	out = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	return out;
}

static void
field(crypto_hash_sha256_state *st, const char *v)
{
	char len[24];
	size_t n = v ? strlen(v) : 0;

	/* "-" marks NULL so that NULL and "" hash differently. */
	snprintf(len, sizeof(len), v ? "%zu:" : "-:", n);
	crypto_hash_sha256_update(st, (const unsigned char *)len, strlen(len));
	if (v)
		crypto_hash_sha256_update(st, (const unsigned char *)v, n);
}

/* The hash of one event: the previous hash then every field in a fixed order. */
static void
event_hash(int64_t seq, const char *at, const struct audit_event *ev, const char *details,
    const char *prev, char out[HASH_HEX])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char seqs[24];

	snprintf(seqs, sizeof(seqs), "%" PRId64, seq);
	crypto_hash_sha256_init(&st);
	field(&st, prev);
	field(&st, seqs);
	field(&st, at);
	field(&st, ev->actor);
	field(&st, ev->actor_role);
	field(&st, ev->org);
	field(&st, ev->object);
	field(&st, ev->action);
	field(&st, details);
	field(&st, ev->source);
	field(&st, ev->request_id);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, HASH_HEX, h, sizeof(h));
}

static void
now_iso(char out[32])
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

/* The chain's head as this transaction leaves it: read once (SQL_AUDIT_LAST) at the
 * transaction's first append, then carried from append to append, and written once to
 * the "audit.head" setting just before the commit (store_tx_attach). Valid because the
 * transaction is the chain's only writer while it lasts: SQLite's one writer, PostgreSQL's
 * writer lock (docs/store-contract.md rule 15) — and even without that lock (measurements
 * only) a SERIALIZABLE transaction reads its own snapshot plus its own rows, which is what
 * it carries. A rollback to a savepoint may undo appends: the store clears the head then,
 * and the next append (or the commit) reads it again. */
struct chain_head {
	int64_t seq;    /* last event, 0 for an empty chain */
	char hash[HASH_HEX];
};

/* The head in the table, read in tx: 0, or -1. */
static int
head_read(struct store_tx *tx, struct chain_head *h)
{
	struct store_q *q;
	int rc;

	h->seq = 0;
	memcpy(h->hash, zero_hash, HASH_HEX);
	if (store_query(tx, SQL_AUDIT_LAST, &q, "") != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *hash = store_text(q, AUDIT_LAST_HASH);

		h->seq = store_int(q, AUDIT_LAST_SEQ);
		if (hash != NULL && strlen(hash) == HASH_HEX - 1)
			memcpy(h->hash, hash, HASH_HEX);
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* Before the commit: records the head (last sequence and hash) apart from the events,
 * so that cutting events off the end of the chain is detected too. A head cleared by a
 * rollback to a savepoint is read again. */
static int
head_write(struct store_tx *tx, void *state)
{
	struct chain_head read, *h = state;
	char text[96];

	if (h == NULL) {
		if (head_read(tx, &read) != 0)
			return -1;
		if (read.seq == 0)
			return 0;   /* every append was undone, and the chain is empty */
		h = &read;
	}
	snprintf(text, sizeof(text), "%" PRId64 ":%s", h->seq, h->hash);
	if (store_exec(tx, SQL_SETTING_PUT, "tt", "audit.head", text) != 1) {
		log_err(NULL, "audit: the chain's head was not recorded");
		return -1;
	}
	return 0;
}

static const struct store_tx_hook head_hook = { head_write, free };

/* The head kept in tx, read and attached at its first append: NULL on error. */
static struct chain_head *
head_of(struct store_tx *tx)
{
	struct chain_head *h = store_tx_state(tx, &head_hook);

	if (h != NULL)
		return h;
	h = malloc(sizeof(*h));
	if (h == NULL)
		return NULL;
	if (head_read(tx, h) != 0) {
		free(h);
		return NULL;
	}
	return store_tx_attach(tx, &head_hook, h) == 0 ? h : NULL;
}

/* Appends the event with its canonical details text. */
static int
append_canonical(struct store_tx *tx, const struct audit_event *ev, const char *details)
{
	struct chain_head *h = head_of(tx);
	char hash[HASH_HEX], at[32];
	int64_t seq;

	if (h == NULL)
		return -1;
	seq = h->seq + 1;
	now_iso(at);
	event_hash(seq, at, ev, details, h->hash, hash);
	if (store_exec(tx, SQL_AUDIT_INSERT, "ittttttttttt", seq, at, ev->actor, ev->actor_role,
	    ev->org, ev->object, ev->action, details, ev->source, ev->request_id, h->hash,
	    hash) != 1)
		return -1;
	/* Only once the row is there: a failed insert leaves the head as it was. */
	h->seq = seq;
	memcpy(h->hash, hash, HASH_HEX);
	return 0;
}

int
audit_append(struct store_tx *tx, const struct audit_event *ev)
{
	char *details;
	int rc;

	if (ev->action == NULL)
		return -1;
	details = canonical_details(ev->details);
	if (details == NULL) {
		log_err(ev->request_id, "audit: details of %s are not a JSON object", ev->action);
		return -1;
	}
	rc = append_canonical(tx, ev, details);
	free(details);
	return rc;
}

int
audit_append_json(struct store_tx *tx, const struct audit_event *ev, const json_t *details)
{
	const size_t flags = JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII;
	char small[1024], *text = small;
	size_t n;
	int rc;

	if (ev->action == NULL || details == NULL || !json_is_object(details))
		return -1;
	/* On the stack when it fits (the common case), else once more into the heap. */
	n = json_dumpb(details, small, sizeof(small) - 1, flags);
	if (n == 0 || n > DETAILS_MAX) {
		log_err(ev->request_id, "audit: details of %s are empty or too long", ev->action);
		return -1;
	}
	if (n >= sizeof(small)) {
		text = malloc(n + 1);
		if (text == NULL || json_dumpb(details, text, n, flags) != n) {
			free(text);
			return -1;
		}
	}
	text[n] = '\0';
	rc = append_canonical(tx, ev, text);
	if (text != small)
		free(text);
	return rc;
}

/* Compares the recorded head with the last event read: events cut off the end show here. */
static int
check_head(struct store_tx *tx, struct arena *a, struct audit_report *r, int64_t last,
    const char *last_hash)
{
	struct store_q *q;
	char expect[96];
	int rc, result = 0;

	if (store_query(tx, SQL_SETTING_GET, &q, "t", "audit.head") != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *head = store_text(q, SETTING_GET_VALUE);

		snprintf(expect, sizeof(expect), "%" PRId64 ":%s", last, last_hash);
		if (head == NULL || strcmp(head, expect) != 0) {
			r->first_bad = last + 1;
			r->reason = arena_printf(a, "the chain ends at event %" PRId64
			    " but the recorded head is %.24s…", last, head ? head : "(none)");
			result = 1;
		}
	} else if (rc == 0 && last > 0) {
		r->first_bad = 1;
		r->reason = "the recorded head of the chain is missing";
		result = 1;
	}
	store_done(q);
	return rc < 0 ? -1 : result;
}

/* Opens a read transaction on the whole chain, SQL_AUDIT_ALL in order of seq: 0 or -1
 * (*tx ended). */
static int
read_all(struct store *s, struct store_tx **tx, struct store_q **q)
{
	if (store_begin(s, STORE_READ, tx) != 0)
		return -1;
	if (store_query(*tx, SQL_AUDIT_ALL, q, "") != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

/* The event of the current row of SQL_AUDIT_ALL, its texts pointing into the row (valid
 * until the next store_next); seq, at and the hashes are read by the caller. */
static struct audit_event
event_of_row(struct store_q *q)
{
	return (struct audit_event){
		.actor = store_text(q, AUDIT_ALL_ACTOR),
		.actor_role = store_text(q, AUDIT_ALL_ACTOR_ROLE),
		.org = store_text(q, AUDIT_ALL_ORG),
		.object = store_text(q, AUDIT_ALL_OBJECT),
		.action = store_text(q, AUDIT_ALL_ACTION),
		.details = store_text(q, AUDIT_ALL_DETAILS),
		.source = store_text(q, AUDIT_ALL_SOURCE),
		.request_id = store_text(q, AUDIT_ALL_REQUEST_ID),
	};
}

/* Compares the recomputed hash of event seq with the checkpoints at seq (from *i on).
 * 0 when they agree (or there is none), 3 with the reason when one does not. */
static int
check_cps(struct arena *a, struct audit_report *r, const struct audit_cp *cps, size_t n,
    size_t *i, int64_t seq, const char *hash)
{
	for (; *i < n && cps[*i].seq <= seq; (*i)++) {
		if (cps[*i].seq < seq)
			continue;
		r->checked++;
		if (sodium_memcmp(cps[*i].hash, hash, HASH_HEX - 1) != 0) {
			r->first_bad = r->last_good + 1;
			r->reason = arena_printf(a, "event %" PRId64 " does not have the hash signed "
			    "by the checkpoint at that event: the chain was rewritten between event %"
			    PRId64 " and event %" PRId64, seq, r->last_good + 1, seq);
			return 3;
		}
		r->last_good = seq;
	}
	return 0;
}

/* Checkpoints past the chain's end: events were cut off the end (the head rewritten too). */
static int
check_cut(struct arena *a, struct audit_report *r, const struct audit_cp *cps, size_t n,
    size_t i, int64_t last)
{
	if (i >= n || cps[n - 1].seq <= last)
		return 0;
	r->first_bad = r->last_good + 1;
	r->reason = arena_printf(a, "the chain ends at event %" PRId64 " but a signed checkpoint "
	    "covers event %" PRId64 ": events were removed after event %" PRId64, last,
	    cps[n - 1].seq, r->last_good);
	return 3;
}

int
audit_verify(struct store *s, struct arena *a, struct audit_report *r)
{
	return audit_verify_against(s, a, NULL, 0, r);
}

int
audit_verify_against(struct store *s, struct arena *a, const struct audit_cp *cps, size_t n,
    struct audit_report *r)
{
	struct store_tx *tx;
	struct store_q *q;
	char prev[HASH_HEX], hash[HASH_HEX];
	int64_t expect = 1;
	size_t ci = 0;
	int rc, result = 0;

	memset(r, 0, sizeof(*r));
	r->reason = "";
	memcpy(prev, zero_hash, HASH_HEX);
	if (read_all(s, &tx, &q) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		struct audit_event ev = event_of_row(q);
		int64_t seq = store_int(q, AUDIT_ALL_SEQ);
		const char *at = store_text(q, AUDIT_ALL_AT);
		const char *stored_prev = store_text(q, AUDIT_ALL_PREV_HASH),
		    *stored = store_text(q, AUDIT_ALL_HASH);

		r->events++;
		if (seq != expect) {
			r->first_bad = expect;
			r->reason = arena_printf(a,
			    "event %" PRId64 " is missing (next present is %" PRId64 ")", expect, seq);
			result = 1;
			break;
		}
		if (stored_prev == NULL || strcmp(stored_prev, prev) != 0) {
			r->first_bad = seq;
			r->reason = arena_printf(a,
			    "event %" PRId64 " does not point to the hash of the event before it", seq);
			result = 1;
			break;
		}
		event_hash(seq, at, &ev, ev.details, prev, hash);
		if (stored == NULL || strlen(stored) != HASH_HEX - 1 ||
		    sodium_memcmp(stored, hash, HASH_HEX - 1) != 0) {
			r->first_bad = seq;
			r->reason = arena_printf(a,
			    "event %" PRId64 " was changed after it was written (hash mismatch)", seq);
			result = 1;
			break;
		}
		result = check_cps(a, r, cps, n, &ci, seq, hash);
		if (result != 0)
			break;
		memcpy(prev, hash, HASH_HEX);
		expect++;
	}
	store_done(q);
	if (rc < 0) {
		store_rollback(&tx);
		return -1;
	}
	if (result == 0)
		result = check_cut(a, r, cps, n, ci, expect - 1);
	if (result == 0)
		result = check_head(tx, a, r, expect - 1, prev);
	store_rollback(&tx);
	/* A broken chain whose reason could not be written is an error, not a silence. */
	return result > 0 && r->reason == NULL ? -1 : result;
}

int
audit_each(struct store *s, audit_visit_fn fn, void *ctx)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (read_all(s, &tx, &q) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		struct audit_event ev = event_of_row(q);

		if (fn(ctx, store_int(q, AUDIT_ALL_SEQ), store_text(q, AUDIT_ALL_AT),
		    &ev) != 0) {
			rc = 0;
			break;
		}
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}
