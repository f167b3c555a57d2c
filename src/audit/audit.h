/* audit.h — the append-only, hash-chained audit trail.
 * Services append their event inside the transaction of the change they record. */
#ifndef PORTIER_AUDIT_H
#define PORTIER_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/jsontext.h"
#include "store/store.h"

/* Who did what to what, from where. All strings may be NULL except action.
 * details is a JSON object text (re-serialised canonically) or NULL for {}. */
struct audit_event {
	const char *actor;
	const char *actor_role;
	const char *org;
	const char *object;
	const char *action;
	const char *details;
	const char *source;
	const char *request_id;
};

/* Appends ev to the chain inside tx (a STORE_WRITE transaction). Returns 0 or -1. */
int audit_append(struct store_tx *tx, const struct audit_event *ev);

/* audit_append with details the caller built as a JSON object (ev->details is not read):
 * dumped once in the canonical form the chain hashes (sorted keys, compact, ASCII, at
 * most 16 KiB), the very text audit_append makes of the same object given as text, so
 * that a hot path (a machine's token) does not dump, parse and dump again. details is
 * the caller's (not freed). Returns 0 or -1 (also when details is not an object). */
struct json_t;
int audit_append_json(struct store_tx *tx, const struct audit_event *ev,
    const struct json_t *details);

/* Result of a verification. */
struct audit_report {
	int64_t events;        /* events read */
	int64_t first_bad;     /* sequence number of the first broken or missing event, 0 if none */
	const char *reason;    /* what is wrong with it (in the arena given), "" if nothing */
	int64_t checked;       /* checkpoints compared with the chain (audit_verify_against) */
	int64_t last_good;     /* the last checkpointed event that matched, 0 if none */
};

struct arena;

/* Walks the whole chain; the reason goes to a. Returns 0 when intact, 1 when broken (see
 * report), -1 on error (also when a is full). */
int audit_verify(struct store *s, struct arena *a, struct audit_report *report);

/* audit_verify, and the chain compared with signed checkpoints (audit/checkpoint.h; cps
 * sorted by seq, their signatures already checked): the hash recomputed at each one's
 * event must be the signed one, and the chain must reach the last. Returns as
 * audit_verify, or 3 when the chain is consistent in itself but disagrees with a
 * checkpoint or ends before one (rewritten or cut): report->first_bad is then the first
 * event after the last checkpoint that matched. */
struct audit_cp;
int audit_verify_against(struct store *s, struct arena *a, const struct audit_cp *cps,
    size_t n, struct audit_report *report);

/* Calls fn on every event, oldest first, inside one read transaction (details is the
 * stored JSON object text). fn returns 0 to go on, non-zero to stop. Returns 0 when all
 * were visited or fn stopped, -1 on a database error. For reading the trail (the CLI). */
typedef int (*audit_visit_fn)(void *ctx, int64_t seq, const char *at,
    const struct audit_event *ev);
int audit_each(struct store *s, audit_visit_fn fn, void *ctx);

#endif
