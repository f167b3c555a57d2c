/* audit_feed.c — the audit trail as a feed for the REST API: one read transaction with the
 * audit page's policy check, then the events after a sequence number (audit_feed_sql.c). */
#include "access/audit_feed.h"

#include <string.h>

#include "access/account.h"
#include "access/audit_feed_sql.h"
#include "access/service.h"

static const char *
dup_text(struct arena *a, const char *s)
{
	return arena_strdup(a, s != NULL ? s : "");
}

/* Person names as "First Last", NULL when the column is NULL (no such person). */
static const char *
name_of(struct arena *a, const char *last, const char *first)
{
	return last != NULL ? arena_printf(a, "%s %s", first != NULL ? first : "", last) : NULL;
}

/* Fills r from the current row (strings in a); -1 when the arena is full. */
static int
row_of(struct store_q *q, struct arena *a, struct audit_row *r)
{
	memset(r, 0, sizeof(*r));
	r->seq = store_int(q, AUDIT_FEED_SEQ);
	r->at = dup_text(a, store_text(q, AUDIT_FEED_AT));
	r->actor = dup_text(a, store_text(q, AUDIT_FEED_ACTOR));
	r->actor_role = dup_text(a, store_text(q, AUDIT_FEED_ACTOR_ROLE));
	r->action = dup_text(a, store_text(q, AUDIT_FEED_ACTION));
	r->object = dup_text(a, store_text(q, AUDIT_FEED_OBJECT));
	r->details = dup_text(a, store_text(q, AUDIT_FEED_DETAILS));
	r->actor_name = name_of(a, store_text(q, AUDIT_FEED_ACTOR_LAST_NAME),
	    store_text(q, AUDIT_FEED_ACTOR_FIRST_NAME));
	r->object_name = name_of(a, store_text(q, AUDIT_FEED_OBJECT_LAST_NAME),
	    store_text(q, AUDIT_FEED_OBJECT_FIRST_NAME));
	return r->at && r->actor && r->actor_role && r->action && r->object && r->details ?
	    0 : -1;
}

enum access_rc
audit_feed_read(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t after, int limit, struct arena *a, struct audit_feed *out)
{
	struct policy_target t = { .quality = quality };
	struct policy_actor actor;
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc;
	char label[24];
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (limit < 1 || limit > AUDIT_FEED_MAX || after < 0)
		return ACCESS_INVALID;
	rc = access_open(s, STORE_READ, who, org, POLICY_READ_AUDIT, &t, &tx, NULL, NULL,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	out->rows = arena_alloc(a, (size_t)limit * sizeof(*out->rows));
	/* One more than asked: whether another page follows, without counting the trail. */
	if (out->rows == NULL || access_org_label(tx, org, label) != 0 ||
	    store_query(tx, SQL_AUDIT_FEED_PAGE, &q, "tiiI", label, after,
	    (int64_t)limit + 1, quality) != 0)
		goto done;
	while ((r = store_next(q)) == 1) {
		if (out->n == (size_t)limit) {
			out->more = true;
			break;
		}
		if (row_of(q, a, &out->rows[out->n]) != 0) {
			r = -1;
			break;
		}
		out->n++;
	}
	store_done(q);
done:
	store_rollback(&tx);
	return r < 0 ? ACCESS_ERROR : ACCESS_OK;
}
