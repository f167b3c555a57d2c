/* backchannel.c — a suspension or a removal of an account ends its SAML sessions at the SPs
 * (saml.h, docs/saml.md): queued in the access service's transaction, the signed SOAP
 * LogoutRequests sent from an outbox (saml_logout_outbox) by OpenID's delivery thread, with
 * its retry policy (oidc/backchannel.h), each outcome audited. */
#include "saml/saml.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/jsontext.h"
#include "base/log.h"
#include "oidc/backchannel.h"
#include "saml/sql.h"

#define BATCH 20
#define LEASE_SECONDS 60              /* a claimed request waits this long */
#define ACCOUNT_ARENA (8u << 20)      /* the sessions of one account, as read */

/* Audits a back-channel event of person_id's session at the SP entity_id inside tx:
 * why is the account's change (suspended, removed), error what went wrong (NULL: none). */
static int
audit_bcl(struct store_tx *tx, const char *action, const char *entity_id, int64_t person_id,
    const char *why, const char *error, int64_t attempts)
{
	char actor[24], details[1600];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .object = "saml:slo", .action = action,
		.details = details,
	};

	snprintf(actor, sizeof(actor), "%" PRId64, person_id);
	if (json_text(details, sizeof(details), "{s:s, s:s, s:s, s:I}", "entity_id", entity_id,
	    "reason", why, "error", error != NULL ? error : "", "attempts",
	    (json_int_t)attempts) != 0)
		return -1;
	return audit_append(tx, &ev);
}

/* ---- queuing ---- */

/* A session of the account, as read. */
struct sess_row {
	struct saml_session_sp sp;
	int64_t person_id;
	int soap;                          /* 1 a SOAP SingleLogoutService, 0 none, -1 SP gone */
	struct sess_row *next;
};

/* Whether metadata (NULL: the SP is no longer registered) has a SOAP SingleLogoutService
 * first in saml_sp_slo's order: 1, 0, -1 SP gone, -2 error. */
static int
soap_of(struct arena *a, const char *metadata)
{
	const char *loc, *binding;
	int rc;

	if (metadata == NULL)
		return -1;
	rc = saml_sp_slo(a, metadata, &loc, &binding);
	if (rc < 0)
		return -2;
	return rc == 0 && strcmp(binding, SAML_BINDING_SOAP_URI) == 0;
}

/* The live sessions of the account (saml_backchannel_account's terms), in a. 0 or -1. */
static int
sessions_of(struct store_tx *tx, struct arena *a, int64_t account_id, int64_t org_quality_id,
    int64_t person_id, int64_t now, struct sess_row **out)
{
	struct sess_row **tail = out, *prev = NULL;
	struct store_q *q = NULL;
	int rc = 0, step = 0;

	*out = NULL;
	if (store_query(tx, SQL_SAML_SESS_OF_ACCOUNT, &q, "iiii", account_id, org_quality_id,
	    person_id, now) != 0)
		return -1;
	while (rc == 0 && (step = store_next(q)) == 1) {
		struct sess_row *r = arena_alloc(a, sizeof(*r));
		const char *md = store_text(q, SAML_SESS_OF_ACCOUNT_METADATA);

		if (r == NULL) {
			rc = -1;
			break;
		}
		r->sp.entity_id = arena_strdup(a, store_text(q, SAML_SESS_OF_ACCOUNT_ENTITY_ID));
		r->sp.name_id = arena_strdup(a, store_text(q, SAML_SESS_OF_ACCOUNT_NAME_ID));
		r->sp.name_format = arena_strdup(a, store_text(q, SAML_SESS_OF_ACCOUNT_NAME_FORMAT));
		r->sp.session_index = arena_strdup(a,
		    store_text(q, SAML_SESS_OF_ACCOUNT_SESSION_INDEX));
		r->person_id = store_int(q, SAML_SESS_OF_ACCOUNT_PERSON_ID);
		if (r->sp.entity_id == NULL || r->sp.name_id == NULL || r->sp.name_format == NULL ||
		    r->sp.session_index == NULL) {
			rc = -1;
			break;
		}
		/* Ordered by SP: its metadata is read once for its sessions. */
		r->soap = prev != NULL && strcmp(prev->sp.entity_id, r->sp.entity_id) == 0 ?
		    prev->soap : soap_of(a, md);
		if (r->soap < -1) {
			rc = -1;
			break;
		}
		*tail = prev = r;
		tail = &r->next;
	}
	if (rc == 0 && step < 0)
		rc = -1;
	store_done(q);
	return rc;
}

int
saml_backchannel_account(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int64_t person_id, const char *why, int64_t now)
{
	struct arena *a = arena_new(ACCOUNT_ARENA);
	struct sess_row *rows = NULL;
	int rc = -1;

	if (a == NULL)
		return -1;
	if (sessions_of(tx, a, account_id, org_quality_id, person_id, now, &rows) != 0)
		goto done;
	for (const struct sess_row *r = rows; r != NULL; r = r->next) {
		/* An SP removed since has nothing to be told (as a browser's logout). */
		if (r->soap == 1 ? store_exec(tx, SQL_SAML_BCL_ENQUEUE, "titttti",
		    r->sp.entity_id, r->person_id, r->sp.name_id, r->sp.name_format,
		    r->sp.session_index, why, now) != 1 :
		    r->soap == 0 && audit_bcl(tx, "saml.backchannel.unreachable", r->sp.entity_id,
		    r->person_id, why, "no_back_channel", 0) != 0)
			goto done;
	}
	/* Ended at portier: no browser's logout visits them again. */
	if (store_exec(tx, SQL_SAML_SESS_END_ACCOUNT, "iii", account_id, org_quality_id,
	    person_id) < 0)
		goto done;
	rc = 0;
done:
	arena_free(a);
	return rc;
}

/* ---- delivery ---- */

/* What one request needs, read under its lease. */
struct bcl_item {
	struct saml_session_sp row;
	const char *why;
	int64_t person_id, attempts;
};

/* Claims request id (due at due) and reads it. 0 claimed, 1 taken by another node or
 * gone, -1. */
static int
claim(struct store *s, struct arena *a, int64_t id, int64_t due, int64_t now,
    struct bcl_item *it)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_SAML_BCL_CLAIM, "iii", id, due, now + LEASE_SECONDS);
	if (rc == 1 && store_query(tx, SQL_SAML_BCL_GET, &q, "i", id) == 0) {
		rc = store_next(q);
		if (rc == 1) {
			it->row.entity_id = arena_strdup(a, store_text(q, SAML_BCL_GET_ENTITY_ID));
			it->row.name_id = arena_strdup(a, store_text(q, SAML_BCL_GET_NAME_ID));
			it->row.name_format = arena_strdup(a, store_text(q, SAML_BCL_GET_NAME_FORMAT));
			it->row.session_index = arena_strdup(a,
			    store_text(q, SAML_BCL_GET_SESSION_INDEX));
			it->why = arena_strdup(a, store_text(q, SAML_BCL_GET_REASON));
			it->person_id = store_int(q, SAML_BCL_GET_PERSON_ID);
			it->attempts = store_int(q, SAML_BCL_GET_ATTEMPTS);
			if (it->row.entity_id == NULL || it->row.name_id == NULL ||
			    it->row.name_format == NULL || it->row.session_index == NULL ||
			    it->why == NULL)
				rc = -1;
		}
		store_done(q);
	} else if (rc == 1) {
		rc = -1;
	}
	if (rc != 1) {
		store_rollback(&tx);
		return rc < 0 ? -1 : 1;
	}
	return store_commit(&tx) == 0 ? 0 : -1;
}

/* Signs a new LogoutRequest for the item (a fresh ID and IssueInstant at each attempt) and
 * POSTs it. 0 sent (the SP answered 200); 1 not sent (why), retried; 2 the SP is gone or
 * has no SOAP endpoint any more (why), given up at once. */
static int
send_one(struct store *s, struct arena *a, const char *idp, const struct bcl_item *it,
    int64_t now, char *why, size_t whylen)
{
	const char *url, *env;
	struct saml_sp sp;
	struct saml_keys k;
	int rc = saml_sp_get(s, a, it->row.entity_id, &sp);

	if (rc != 0) {
		snprintf(why, whylen, rc > 0 ? "sp_removed" : "database");
		return rc > 0 ? 2 : 1;
	}
	if (saml_init() != 0 || saml_keys_load(s, &k) != 0) {
		snprintf(why, whylen, "keys");
		return 1;
	}
	rc = saml_logout_request_soap(a, idp, &k, &sp, &it->row, SAML_LOGOUT_REASON_ADMIN, now,
	    &url, &env);
	saml_keys_free(&k);
	if (rc != 0) {
		snprintf(why, whylen, rc > 0 ? "no_back_channel" : "signature");
		return rc > 0 ? 2 : 1;
	}
	if (saml_soap_send(url, env) != 0) {
		snprintf(why, whylen, "not_answered_200");
		return 1;
	}
	return 0;
}

/* Records the outcome of an attempt, as OpenID's back-channel logout: sent, a retry after
 * a doubling delay, or failed after OIDC_BCL_ATTEMPTS (or at once when the SP cannot be
 * told any more); sent and failed are audited. */
static void
record(struct store *s, int64_t id, const struct bcl_item *it, int sent, const char *why)
{
	int64_t now = clock_time(), delay = oidc_bcl_delay(it->attempts);
	bool failed = sent == 2 || (sent != 0 && it->attempts + 1 >= OIDC_BCL_ATTEMPTS);
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return;
	if (sent == 0)
		rc = store_exec(tx, SQL_SAML_BCL_SENT, "ii", id, now) != 1 ||
		    audit_bcl(tx, "saml.backchannel.sent", it->row.entity_id, it->person_id,
		    it->why, NULL, it->attempts + 1) != 0 ? -1 : 0;
	else if (failed)
		rc = store_exec(tx, SQL_SAML_BCL_FAILED, "it", id, why) != 1 ||
		    audit_bcl(tx, "saml.backchannel.failed", it->row.entity_id, it->person_id,
		    it->why, why, it->attempts + 1) != 0 ? -1 : 0;
	else
		rc = store_exec(tx, SQL_SAML_BCL_RETRY, "iit", id, now + delay, why);
	if (rc < 0 || store_commit(&tx) != 0)
		store_rollback(&tx);
	if (sent != 0)
		log_warn(NULL, "saml: back-channel logout to %s: %s (attempt %" PRId64 " of %d)",
		    it->row.entity_id, why, it->attempts + 1, failed ? (int)(it->attempts + 1) :
		    OIDC_BCL_ATTEMPTS);
}

static int
deliver_one(struct store *s, const char *idp, int64_t id, int64_t due, int64_t now)
{
	struct arena *a = arena_new(2u << 20);
	struct bcl_item it = { 0 };
	char why[160] = "";
	int rc, sent;

	if (a == NULL)
		return -1;
	rc = claim(s, a, id, due, now, &it);
	if (rc == 0) {
		sent = send_one(s, a, idp, &it, now, why, sizeof(why));
		record(s, id, &it, sent, why);
	}
	arena_free(a);
	return rc < 0 ? -1 : 0;
}

int
saml_backchannel_deliver_due(struct store *s, const char *idp, int64_t now, int max)
{
	int64_t ids[BATCH], due[BATCH];
	int n;

	if (max <= 0 || max > BATCH)
		max = BATCH;
	_Static_assert(SAML_BCL_DUE_ID == 0 && SAML_BCL_DUE_NEXT_ATTEMPT == 1,
	    "store_read_pairs reads id and next_attempt as columns 0 and 1");
	n = store_read_pairs(s, SQL_SAML_BCL_DUE, now, max, ids, due, max);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (deliver_one(s, idp, ids[i], due[i], now) < 0)
			log_warn(NULL, "saml: back-channel logout %" PRId64 " not attempted", ids[i]);
	return n;
}

int
saml_backchannel_tick(void *arg, int64_t now)
{
	struct saml_bcl *b = arg;
	struct store_tx *tx;
	int n = saml_backchannel_deliver_due(b->store, b->idp_entity_id, now, BATCH);

	/* Sent and failed requests are kept a while (inspection), then dropped. */
	if (now - b->purged_at >= 3600 && store_begin(b->store, STORE_WRITE, &tx) == 0) {
		b->purged_at = now;
		if (store_exec(tx, SQL_SAML_BCL_PURGE, "i", now - OIDC_BCL_KEEP) < 0 ||
		    store_commit(&tx) != 0)
			store_rollback(&tx);
	}
	return n;
}
