/* audit_feed.h — the audit trail of an organisation read as a feed (the REST API): pages by
 * sequence (keyset: the events after the last one seen, oldest first), so that a machine
 * that polls reads each event once however long the trail. Read-only; the pages' policy. */
#ifndef PORTIER_ACCESS_AUDIT_FEED_H
#define PORTIER_ACCESS_AUDIT_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "access/result.h"
#include "access/search.h"
#include "base/arena.h"
#include "policy/actor.h"
#include "store/store.h"

#define AUDIT_FEED_MAX 200         /* events of one page */

struct audit_feed {
	struct audit_row *rows;        /* oldest first */
	size_t n;
	bool more;                     /* events after the last one given exist */
};

/* The events of org's trail (quality 0), or of its activated quality, whose sequence is
 * after `after`, oldest first, at most limit (1 … AUDIT_FEED_MAX). The policy as the
 * audit page's (POLICY_READ_AUDIT: a refusal audited, ACCESS_DENIED). Strings in a. */
enum access_rc audit_feed_read(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t after, int limit, struct arena *a, struct audit_feed *out);

#endif
