/* helpdesk.c — the back office of the exception procedure: every operation checks the
 * policy (helpdesk role), runs in one transaction with its decision row, its audit event
 * and its mail; the four-eyes rule lets an operator approve a request once only, and no
 * operator acts on a request she filed or that names her as GAP (separation of duties). */
#include "csam/helpdesk.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access/org.h"
#include "access/org_id.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "base/jsontext.h"
#include "csam/internal.h"
#include "csam/sql.h"
#include "mail/mail.h"
#include "value/value.h"

#define ARENA_MAX (1u << 20)

/* Whether who may decide exception requests; *why receives the reason. */
static int
allowed(struct store_tx *tx, const struct actor *who, enum policy_reason *why)
{
	struct policy_target target = { 0 };
	struct policy_actor actor;

	return access_allow(tx, who, 0, POLICY_DECIDE_EXCEPTION, &target, &actor,
	    why) == ACCESS_ERROR ? -1 : 0;
}

/* Starts a transaction in mode after the policy check. Returns ACCESS_OK with *tx open,
 * ACCESS_DENIED (recorded) or ACCESS_ERROR. */
static enum access_rc
begin(struct store *s, const struct actor *who, enum store_mode mode, struct store_tx **tx)
{
	enum policy_reason why;

	if (store_begin(s, mode, tx) != 0)
		return ACCESS_ERROR;
	if (allowed(*tx, who, &why) != 0) {
		store_rollback(tx);
		return ACCESS_ERROR;
	}
	if (why != POLICY_ALLOWED)
		return access_refuse_named(s, tx, who, NULL, POLICY_DECIDE_EXCEPTION, why, NULL);
	return ACCESS_OK;
}

static const char *
dup(struct arena *a, struct store_q *q, int col)
{
	return csam_text(a, store_text(q, col));
}

enum access_rc
csam_queue(struct store *s, struct arena *a, const struct actor *who,
    const struct csam_queue_filter *f, struct csam_queue_item **items, size_t *n,
    size_t *total)
{
	char before[32], ref[CSAM_REFERENCE_MAX];
	const char *cutoff = NULL, *reference = NULL;
	struct csam_queue_item *v;
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc;
	int x = 0;

	*n = 0;
	*total = 0;
	rc = begin(s, who, STORE_READ, &tx);
	if (rc != ACCESS_OK)
		return rc;
	if (f->older_than_days > 0) {
		/* The service's clock, which dated the requests (submitted_at). */
		time_t t = (time_t)clock_time() - (time_t)f->older_than_days * 86400;
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL &&
		    strftime(before, sizeof(before), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			cutoff = before;
	}
	if (f->reference != NULL && f->reference[0] != '\0')
		reference = csam_reference_parse(f->reference, ref) ? ref : "-";
	v = arena_alloc(a, CSAM_QUEUE_PAGE * sizeof(*v));
	if (v == NULL || store_query(tx, SQL_CSAM_EXC_QUEUE_COUNT, &q, "tttt", f->status,
	    f->case_kind, cutoff, reference) != 0)
		goto fail;
	if (store_next(q) == 1)
		*total = (size_t)store_int(q, CSAM_EXC_QUEUE_COUNT_N);
	store_done(q);
	if (store_query(tx, SQL_CSAM_EXC_QUEUE, &q, "ttttii", f->status, f->case_kind, cutoff,
	    reference, (int64_t)CSAM_QUEUE_PAGE, (int64_t)f->offset) != 0)
		goto fail;
	while (*n < CSAM_QUEUE_PAGE && (x = store_next(q)) == 1) {
		struct csam_queue_item *it = &v[(*n)++];

		it->reference = dup(a, q, CSAM_EXC_QUEUE_REFERENCE);
		it->case_kind = dup(a, q, CSAM_EXC_QUEUE_CASE_KIND);
		it->status = dup(a, q, CSAM_EXC_QUEUE_STATUS);
		it->company_name = dup(a, q, CSAM_EXC_QUEUE_COMPANY_NAME);
		it->enterprise = dup(a, q, CSAM_EXC_QUEUE_ENTERPRISE);
		it->country = dup(a, q, CSAM_EXC_QUEUE_COMPANY_COUNTRY);
		it->submitted_at = dup(a, q, CSAM_EXC_QUEUE_SUBMITTED_AT);
		it->id_type = dup(a, q, CSAM_EXC_QUEUE_ID_TYPE);
		it->id_value = dup(a, q, CSAM_EXC_QUEUE_ID_VALUE);
	}
	store_done(q);
	if (x < 0)
		goto fail;
	store_rollback(&tx);
	*items = v;
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

static int
decisions(struct store_tx *tx, struct arena *a, int64_t id, struct csam_decision **out,
    size_t *n)
{
	struct csam_decision *v = arena_alloc(a, 100 * sizeof(*v));
	struct store_q *q;
	int rc = 0;

	*n = 0;
	if (v == NULL || store_query(tx, SQL_CSAM_DECISIONS_OF, &q, "i", id) != 0)
		return -1;
	while (*n < 100 && (rc = store_next(q)) == 1) {
		struct csam_decision *d = &v[(*n)++];

		d->action = dup(a, q, CSAM_DECISIONS_OF_ACTION);
		d->reason = dup(a, q, CSAM_DECISIONS_OF_REASON);
		d->at = dup(a, q, CSAM_DECISIONS_OF_AT);
		d->operator_id = store_int(q, CSAM_DECISIONS_OF_OPERATOR);
		d->operator_name = arena_printf(a, "%s %s",
		    store_text(q, CSAM_DECISIONS_OF_FIRST_NAME) ?
		    store_text(q, CSAM_DECISIONS_OF_FIRST_NAME) : "",
		    store_text(q, CSAM_DECISIONS_OF_LAST_NAME) ?
		    store_text(q, CSAM_DECISIONS_OF_LAST_NAME) : "");
	}
	store_done(q);
	*out = v;
	return rc < 0 ? -1 : 0;
}

/* Whether x is the operator's own business: she filed it (logged in), or it names her as
 * the GAP. Separation of duties: she may read it, not act on it. 1, 0 or -1. */
static int
own_request(struct store_tx *tx, struct arena *a, const struct actor *who,
    const struct csam_exc *x)
{
	struct person me;
	int r;

	if (x->submitted_by != 0 && x->submitted_by == who->person_id)
		return 1;
	r = person_read(tx, a, who->person_id, &me);
	if (r != 0)
		return r < 0 ? -1 : 0;
	return me.niss[0] != '\0' && strcmp(me.niss, x->gap_niss) == 0;
}

enum access_rc
csam_request(struct store *s, struct arena *a, const struct actor *who,
    const char *reference, struct csam_exc *x, struct csam_decision **d, size_t *n)
{
	char ref[CSAM_REFERENCE_MAX];
	struct store_tx *tx;
	enum access_rc rc;
	int found;

	*n = 0;
	rc = begin(s, who, STORE_READ, &tx);
	if (rc != ACCESS_OK)
		return rc;
	found = csam_reference_parse(reference, ref) ? csam_exception_read(tx, a, ref, x) : 1;
	if (found == 0 && decisions(tx, a, x->id, d, n) != 0)
		found = -1;
	if (found == 0) {
		int own = own_request(tx, a, who, x);

		found = own < 0 ? -1 : 0;
		x->own = own > 0;
	}
	store_rollback(&tx);
	return found == 0 ? ACCESS_OK : found == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
}

static int
audit_decision(struct store_tx *tx, const struct actor *who, const struct csam_exc *x,
    const char *action, const char *details);

/* A decision refused (four-eyes, separation of duties), recorded on its own as
 * "<action>.refused" with reason (nothing else changed). Returns ACCESS_REFUSED or
 * ACCESS_ERROR. */
static enum access_rc
refuse(struct store *s, const struct actor *who, const struct csam_exc *x,
    const char *action, const char *reason)
{
	char name[48], details[48];
	struct store_tx *tx;

	snprintf(name, sizeof(name), "%s.refused", action);
	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0 ||
	    store_begin(s, STORE_WRITE, &tx) != 0)
		return ACCESS_ERROR;
	if (audit_decision(tx, who, x, name, details) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return store_commit(&tx) == 0 ? ACCESS_REFUSED : ACCESS_ERROR;
}

/* Opens a write transaction on request reference for the decision action (its audit
 * name, "exception.paper" …). A request of the operator's own (own_request) is refused
 * and audited: ACCESS_REFUSED with *why CSAM_REFUSAL_OWN, tx ended. */
static enum access_rc
decision_begin(struct store *s, struct arena *a, const struct actor *who,
    const char *reference, const char *action, struct store_tx **tx, struct csam_exc *x,
    enum csam_refusal *why)
{
	char ref[CSAM_REFERENCE_MAX];
	enum access_rc rc = begin(s, who, STORE_WRITE, tx);
	int found;

	if (rc != ACCESS_OK)
		return rc;
	found = csam_reference_parse(reference, ref) ? csam_exception_read(*tx, a, ref, x) : 1;
	if (found == 0) {
		int own = own_request(*tx, a, who, x);

		found = own == 0 ? 0 : own > 0 ? 2 : -1;
	}
	if (found != 0) {
		store_rollback(tx);
		*tx = NULL;
		if (found == 2) {
			*why = CSAM_REFUSAL_OWN;
			return refuse(s, who, x, action, "own_request");
		}
		return found == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	return ACCESS_OK;
}

static int
audit_decision(struct store_tx *tx, const struct actor *who, const struct csam_exc *x,
    const char *action, const char *details)
{
	char object[40];

	snprintf(object, sizeof(object), "exception:%s", x->reference);
	return access_audit_as(tx, who, "helpdesk", x->enterprise[0] ? x->enterprise : NULL, action,
	    object, details);
}

/* The time of a decision from the service's clock (docs/store-contract.md, rule 3): the
 * decision row's at with milliseconds (as the column has always been written), and the
 * request's paper_at/decided_at, the same instant to the second. */
struct decision_time {
	char ms[CLOCK_TEXT_MS_SIZE];
	char s[CLOCK_TEXT_SIZE];
};

static int
decision_time(struct decision_time *t)
{
	if (clock_text_ms(t->ms) != 0 ||
	    snprintf(t->s, sizeof(t->s), "%.19sZ", t->ms) != CLOCK_TEXT_SIZE - 1)
		return -1;
	return 0;
}

static enum access_rc
finish(struct store_tx **tx)
{
	return store_commit(tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

enum access_rc
csam_paper_received(struct store *s, const struct actor *who, const char *reference,
    enum csam_refusal *why)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct decision_time at;
	struct store_tx *tx = NULL;
	struct csam_exc x;
	enum access_rc rc;

	*why = CSAM_REFUSAL_NONE;
	if (a == NULL)
		return ACCESS_ERROR;
	rc = decision_begin(s, a, who, reference, "exception.paper", &tx, &x, why);
	if (rc != ACCESS_OK)
		goto done;
	if (strcmp(x.status, "received") != 0) {
		*why = CSAM_REFUSAL_STATE;
		rc = ACCESS_CONFLICT;
		store_rollback(&tx);
		goto done;
	}
	if (decision_time(&at) != 0 ||
	    store_exec(tx, SQL_CSAM_EXC_PAPER, "it", x.id, at.s) != 1 ||
	    store_exec(tx, SQL_CSAM_DECISION_INSERT, "iitnt", x.id, who->person_id, "paper",
	    at.ms) != 1 ||
	    audit_decision(tx, who, &x, "exception.paper", NULL) != 0) {
		store_rollback(&tx);
		rc = ACCESS_ERROR;
		goto done;
	}
	rc = finish(&tx);
done:
	arena_free(a);
	return rc;
}

enum access_rc
csam_approve(struct store *s, const struct mail_texts *mt, const struct actor *who,
    const char *reference, bool four_eyes, struct csam_approval *out, enum csam_refusal *why)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct actor by = {
		.person_id = who->person_id, .role = "helpdesk", .source = who->source,
		.request_id = who->request_id,
	};
	struct decision_time at;
	struct store_tx *tx = NULL;
	struct store_q *q;
	struct csam_exc x;
	struct person gap;
	const char *args[3];
	int64_t count = 0, mine = 0, gap_id = 0, org_id;
	enum access_rc rc;

	memset(out, 0, sizeof(*out));
	*why = CSAM_REFUSAL_NONE;
	if (a == NULL)
		return ACCESS_ERROR;
	rc = decision_begin(s, a, who, reference, "exception.approve", &tx, &x, why);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_CONFLICT;
	if (strcmp(x.status, "received") == 0) {
		*why = CSAM_REFUSAL_NO_PAPER;
		goto rollback;
	}
	if (strcmp(x.status, "paper") != 0 && strcmp(x.status, "approving") != 0) {
		*why = CSAM_REFUSAL_STATE;
		goto rollback;
	}
	rc = ACCESS_ERROR;
	if (store_query(tx, SQL_CSAM_APPROVALS_BY, &q, "ii", x.id, who->person_id) != 0)
		goto rollback;
	if (store_next(q) == 1) {
		count = store_int(q, CSAM_APPROVALS_BY_N);
		mine = store_int(q, CSAM_APPROVALS_BY_MINE);
	}
	store_done(q);
	if (mine > 0) {
		store_rollback(&tx);
		*why = CSAM_REFUSAL_SAME_OPERATOR;
		rc = refuse(s, who, &x, "exception.approve", "same_operator");
		goto done;
	}
	if (decision_time(&at) != 0 ||
	    store_exec(tx, SQL_CSAM_DECISION_INSERT, "iitnt", x.id, who->person_id,
	    "approve", at.ms) != 1)
		goto rollback;
	if (four_eyes && count == 0) {
		if (store_exec(tx, SQL_CSAM_EXC_APPROVING, "i", x.id) != 1 ||
		    audit_decision(tx, who, &x, "exception.approve.first", NULL) != 0)
			goto rollback;
		out->waiting = true;
		rc = finish(&tx);
		goto done;
	}
	if (x.enterprise[0] != '\0') {
		org_id = org_by_enterprise(tx, x.enterprise);
		if (org_id < 0)
			goto rollback;
		if (org_id > 0) {
			*why = CSAM_REFUSAL_REGISTERED;
			rc = ACCESS_REFUSED;
			goto rollback;
		}
	}
	if (csam_person_ensure(tx, who, x.gap_niss, x.gap_last_name, x.gap_first_name,
	    x.language, &gap_id) != 0 || person_read(tx, a, gap_id, &gap) != 0)
		goto rollback;
	{
		char assigned[ORG_ID_HELPDESK_SIZE];
		bool other = x.id_type != NULL && x.id_type[0] != '\0';
		bool draw = other && strcmp(x.id_type, "helpdesk") == 0;
		struct org_new n = {
			.enterprise = x.enterprise[0] ? x.enterprise : NULL,
			.country = x.company_country,
			.foreign_reg = x.enterprise[0] || other ? NULL : x.company_reg,
			.name = x.company_name, .address = x.company_address,
			.contact_email = x.contact_email, .contact_phone = x.contact_phone,
			.procedure = "exception",
			.id_type = other ? x.id_type : NULL,
			.id_value = other && !draw ? x.id_value : NULL,
		};

		/* An organisation without any number gets one from the helpdesk: random, drawn
		 * again on the rare repeat the unique index refuses. */
		for (int i = 0; i < 8; i++) {
			if (draw) {
				org_id_helpdesk_new(assigned);
				n.id_value = assigned;
			}
			org_id = org_create(tx, &n, gap_id, &by);
			if (org_id != -2 || !draw)
				break;
		}
	}
	if (org_id == -2) {
		*why = CSAM_REFUSAL_REGISTERED;
		rc = ACCESS_REFUSED;
		goto rollback;
	}
	args[0] = x.reference;
	args[1] = x.company_name;
	args[2] = csam_person_name(a, &gap);
	if (org_id < 0 || args[2] == NULL ||
	    store_exec(tx, SQL_CSAM_EXC_APPROVED, "iiit", x.id, org_id, gap_id, at.s) != 1 ||
	    audit_decision(tx, who, &x, "exception.approve", four_eyes ?
	    "{\"four_eyes\":true}" : "{\"four_eyes\":false}") != 0 ||
	    mail_queue(tx, mt, MAIL_REQUEST_APPROVED, x.contact_email, x.language,
	    x.enterprise[0] ? x.enterprise : NULL, args, 3) != 0)
		goto rollback;
	out->org_id = org_id;
	out->gap_person = gap_id;
	out->letter = !x.gap_has_eid;
	rc = finish(&tx);
	goto done;
rollback:
	store_rollback(&tx);
done:
	arena_free(a);
	return rc;
}

enum access_rc
csam_reject(struct store *s, const struct mail_texts *mt, const struct actor *who,
    const char *reference, const char *reason, enum csam_refusal *why)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct decision_time at;
	struct store_tx *tx = NULL;
	struct csam_exc x;
	const char *args[3];
	enum access_rc rc;

	*why = CSAM_REFUSAL_NONE;
	if (a == NULL)
		return ACCESS_ERROR;
	rc = decision_begin(s, a, who, reference, "exception.reject", &tx, &x, why);
	if (rc != ACCESS_OK)
		goto done;
	if (!value_ok(VALUE_TEXT, reason, CSAM_REASON_MAX)) {
		*why = CSAM_REFUSAL_REASON;
		rc = ACCESS_REFUSED;
		goto rollback;
	}
	if (strcmp(x.status, "received") != 0 && strcmp(x.status, "paper") != 0 &&
	    strcmp(x.status, "approving") != 0) {
		*why = CSAM_REFUSAL_STATE;
		rc = ACCESS_CONFLICT;
		goto rollback;
	}
	args[0] = x.reference;
	args[1] = x.company_name;
	args[2] = reason;
	rc = ACCESS_ERROR;
	if (decision_time(&at) != 0 ||
	    store_exec(tx, SQL_CSAM_EXC_REJECTED, "itt", x.id, reason, at.s) != 1 ||
	    store_exec(tx, SQL_CSAM_DECISION_INSERT, "iittt", x.id, who->person_id, "reject",
	    reason, at.ms) != 1 ||
	    audit_decision(tx, who, &x, "exception.reject", NULL) != 0 ||
	    mail_queue(tx, mt, MAIL_REQUEST_REJECTED, x.contact_email, x.language,
	    x.enterprise[0] ? x.enterprise : NULL, args, 3) != 0)
		goto rollback;
	rc = finish(&tx);
	goto done;
rollback:
	store_rollback(&tx);
done:
	arena_free(a);
	return rc;
}

enum access_rc
csam_activation_letter(struct store *s, struct arena *a, const struct actor *who,
    const char *reference, struct csam_letter *out)
{
	struct store_tx *tx = NULL;
	struct person gap;
	struct csam_exc x;
	enum csam_refusal why;
	struct actor by = *who;
	enum access_rc rc;
	int x_rc;

	memset(out, 0, sizeof(*out));
	rc = decision_begin(s, a, who, reference, "exception.letter", &tx, &x, &why);
	if (rc != ACCESS_OK)
		return rc;
	if (strcmp(x.status, "approved") != 0 || x.gap_person <= 0) {
		store_rollback(&tx);
		return ACCESS_CONFLICT;
	}
	if (person_read(tx, a, x.gap_person, &gap) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	store_rollback(&tx);
	out->gap_name = csam_person_name(a, &gap);
	out->org_name = x.company_name;
	out->reference = x.reference;
	out->language = gap.language[0] ? gap.language : x.language;
	/* The code straight into the arena: its only copy, which the caller wipes. */
	out->code = arena_alloc(a, ACTIVATION_CODE_MAX);
	if (out->gap_name == NULL || out->code == NULL)
		return ACCESS_ERROR;
	/* The code service keeps only its hash and audits the issue (activation.issue). */
	by.role = "helpdesk";
	x_rc = activation_issue(s, &by, x.gap_person, out->code, &out->expires_at);
	rc = x_rc == 0 ? ACCESS_OK : x_rc == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	return rc;
}

/* ---- the helpdesk role ---- */

static int
role_audit(struct store_tx *tx, const struct actor *by, int64_t person, const char *action)
{
	char object[32], actor[ACTOR_NAME_SIZE];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = "operator", .object = object,
		.action = action, .request_id = by->request_id,
	};

	snprintf(object, sizeof(object), "person:%" PRId64, person);
	return audit_append(tx, &ev);
}

enum access_rc
csam_helpdesk_grant(struct store *s, const struct actor *by, const char *niss)
{
	char since[CLOCK_TEXT_SIZE];
	struct store_tx *tx;
	int64_t id = 0;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return ACCESS_ERROR;
	rc = csam_person_ensure(tx, by, niss, NULL, NULL, NULL, &id);
	if (rc != 0) {
		store_rollback(&tx);
		return rc == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	rc = clock_text(clock_time(), since) != 0 ? -1 :
	    store_exec_try(tx, SQL_CSAM_HELPDESK_ADD, "it", id, since);
	if (rc != 1) {
		store_rollback(&tx);
		return rc == -2 ? ACCESS_CONFLICT : ACCESS_ERROR;
	}
	if (role_audit(tx, by, id, "helpdesk.grant") != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return finish(&tx);
}

enum access_rc
csam_helpdesk_revoke(struct store *s, const struct actor *by, const char *niss)
{
	struct arena *a = arena_new(ARENA_MAX);
	struct person p;
	struct store_tx *tx;
	int rc;

	if (a == NULL || store_begin(s, STORE_WRITE, &tx) != 0) {
		arena_free(a);
		return ACCESS_ERROR;
	}
	rc = person_find_niss(tx, a, niss, &p);
	arena_free(a);
	if (rc == 0)
		rc = store_exec(tx, SQL_CSAM_HELPDESK_REMOVE, "i", p.id) == 1 ? 0 : 1;
	if (rc != 0 || role_audit(tx, by, p.id, "helpdesk.revoke") != 0) {
		store_rollback(&tx);
		return rc == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	return finish(&tx);
}

int
csam_helpdesk_list(struct store *s, struct arena *a, struct csam_operator **out)
{
	struct csam_operator *v = arena_alloc(a, 1000 * sizeof(*v));
	struct store_tx *tx;
	struct store_q *q;
	int n = 0, rc = 0;

	if (v == NULL || store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_CSAM_HELPDESK_LIST, &q, "") != 0) {
		store_rollback(&tx);
		return -1;
	}
	while (n < 1000 && (rc = store_next(q)) == 1) {
		v[n].person_id = store_int(q, CSAM_HELPDESK_LIST_ID);
		v[n].niss = dup(a, q, CSAM_HELPDESK_LIST_NISS);
		v[n].last_name = dup(a, q, CSAM_HELPDESK_LIST_LAST_NAME);
		v[n].first_name = dup(a, q, CSAM_HELPDESK_LIST_FIRST_NAME);
		v[n].since = dup(a, q, CSAM_HELPDESK_LIST_SINCE);
		n++;
	}
	store_done(q);
	store_rollback(&tx);
	*out = v;
	return rc < 0 ? -1 : n;
}
