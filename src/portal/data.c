/* data.c — the agency portal's database operations: sessions for the web layer, the
 * login under way, users, companies and their contact points, activities, self-check
 * files and their history. One transaction per function; bound parameters only. */
#include "portal/data.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "portal/sql.h"

/* Room for one activity's row (pdata_dossier_save reads it on its own). */
#define ACTIVITY_ARENA (64 * 1024)

const char *const portal_contact_kinds[PORTAL_CONTACT_KINDS] = {
	"general", "materiovigilance", "regulatory",
};

/* A column's text whole in a (NULL gives ""); NULL only when a is full. */
static char *
col_dup(struct store_q *q, int col, struct arena *a)
{
	const char *v = store_text(q, col);

	return arena_strdup(a, v ? v : "");
}

static void
sid_hash(const char *sid, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)sid, strlen(sid), NULL, 0);
}

static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

/* Ends a write transaction: commits when ok, otherwise rolls back. Returns 0, or -1
 * (rolled back). */
static int
tx_end(struct store_tx **tx, bool ok)
{
	if (!ok) {
		store_rollback(tx);
		return -1;
	}
	return store_commit(tx);
}

/* Starts a transaction in mode and runs query sql on a session's hash h. Returns 0 with
 * *tx and *q open, or -1 with nothing open. */
static int
query_by_hash(struct store *s, enum store_mode mode, int sql, const unsigned char h[32],
    struct store_tx **tx, struct store_q **q)
{
	if (store_begin(s, mode, tx) != 0)
		return -1;
	if (store_query(*tx, sql, q, "b", h, (size_t)32) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

/* Starts a read transaction and runs query sql on the row id id. Returns 0 with *tx and
 * *q open, or -1 with nothing open. */
static int
query_by_id(struct store *s, int sql, int64_t id, struct store_tx **tx, struct store_q **q)
{
	if (store_begin(s, STORE_READ, tx) != 0)
		return -1;
	if (store_query(*tx, sql, q, "i", id) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

/* Ends a read: the rows, then the transaction. */
static void
query_end(struct store_tx **tx, struct store_q *q)
{
	store_done(q);
	store_rollback(tx);
}

/* The answer of a one-row read from store_next's rc: 0 (found), 1 (none) or -1. */
static int
row_found(int rc)
{
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* ---- sessions of the web layer ---- */

static int
sess_load(void *arg, struct arena *a, const unsigned char h[32], struct web_session *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (query_by_hash(arg, STORE_READ, SQL_PORTAL_SESS_GET, h, &tx, &q) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		/* The web layer's session keeps the CSRF token in an array of its own
		 * (web/web.h): a stored value that does not fit is refused, never cut. */
		const char *csrf = store_text(q, PORTAL_SESS_GET_CSRF);
		size_t ncsrf = csrf ? strlen(csrf) : 0;

		memset(out, 0, sizeof(*out));
		out->lang = col_dup(q, PORTAL_SESS_GET_LANG, a);
		if (ncsrf >= sizeof(out->csrf) || out->lang == NULL)
			rc = -1;
		else
			memcpy(out->csrf, csrf ? csrf : "", ncsrf);
		out->person_id = store_int(q, PORTAL_SESS_GET_USER_ID);
		out->created_at = store_int(q, PORTAL_SESS_GET_CREATED_AT);
		out->seen_at = store_int(q, PORTAL_SESS_GET_SEEN_AT);
		/* The portal demands the eID level of portier at login; it does not log in
		 * by itself. */
		out->auth_level = out->person_id != 0 ? 3 : 0;
	}
	query_end(&tx, q);
	return row_found(rc);
}

static int
sess_create(void *arg, const unsigned char h[32], const struct web_session *w)
{
	struct store_tx *tx;

	if (store_begin(arg, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_SESS_INSERT, "bttiii", h, (size_t)32,
	    w->csrf, w->lang, w->person_id, w->created_at, w->seen_at) == 1);
}

static int
sess_touch(void *arg, const unsigned char h[32], int64_t now)
{
	struct store_tx *tx;

	if (store_begin(arg, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_SESS_TOUCH, "bi", h, (size_t)32, now) >= 0);
}

static int
sess_rotate(void *arg, const unsigned char old[32], const unsigned char neu[32],
    const struct web_session *w)
{
	struct store_tx *tx;

	if (store_begin(arg, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_SESS_ROTATE, "bbttii", old, (size_t)32, neu,
	    (size_t)32, w->csrf, w->lang, w->person_id, w->seen_at) == 1);
}

static int
sess_destroy(void *arg, const unsigned char h[32])
{
	struct store_tx *tx;

	if (store_begin(arg, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_SESS_DELETE, "b", h, (size_t)32) >= 0);
}

void
portal_session_ops(struct web_session_ops *ops, struct store *s)
{
	memset(ops, 0, sizeof(*ops));
	ops->arg = s;
	ops->load = sess_load;
	ops->create = sess_create;
	ops->touch = sess_touch;
	ops->rotate = sess_rotate;
	ops->destroy = sess_destroy;
}

int
pdata_sessions_purge(struct store *s, int64_t idle_before, int64_t created_before)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_SESS_PURGE, "ii", idle_before,
	    created_before) >= 0);
}

/* ---- the login under way, who is logged in ---- */

int
pdata_login_save(struct store *s, const char *sid, const struct portal_login *l)
{
	unsigned char h[32];
	struct store_tx *tx;

	sid_hash(sid, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_LOGIN_SET, "btttit", h, (size_t)32, l->state,
	    l->nonce, l->verifier, l->started, l->next) == 1);
}

int
pdata_login_take(struct store *s, struct arena *a, const char *sid, struct portal_login *out)
{
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	sid_hash(sid, h);
	memset(out, 0, sizeof(*out));
	if (query_by_hash(s, STORE_WRITE, SQL_PORTAL_LOGIN_GET, h, &tx, &q) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		out->state = col_dup(q, PORTAL_LOGIN_GET_LOGIN_STATE, a);
		out->nonce = col_dup(q, PORTAL_LOGIN_GET_LOGIN_NONCE, a);
		out->verifier = col_dup(q, PORTAL_LOGIN_GET_LOGIN_VERIFIER, a);
		out->next = col_dup(q, PORTAL_LOGIN_GET_LOGIN_NEXT, a);
		if (out->state == NULL || out->nonce == NULL || out->verifier == NULL ||
		    out->next == NULL)
			rc = -1;
		out->started = store_int(q, PORTAL_LOGIN_GET_LOGIN_STARTED);
	}
	store_done(q);
	if (rc == 1 && store_exec(tx, SQL_PORTAL_LOGIN_CLEAR, "b", h, (size_t)32) != 1)
		rc = -1;
	if (tx_end(&tx, rc >= 0) != 0)
		return -1;
	return rc == 1 ? 0 : 1;
}

void
pdata_login_wipe(struct portal_login *l)
{
	char *secret[3] = { l->state, l->nonce, l->verifier };

	for (size_t i = 0; i < 3; i++)
		if (secret[i] != NULL)
			sodium_memzero(secret[i], strlen(secret[i]));
}

int
pdata_user_seen(struct store *s, const char *sub, const char *name, int64_t *user_id)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_PORTAL_USER_UPSERT, "tti", sub, name, now_s()) != 1 ||
	    store_query(tx, SQL_PORTAL_USER_ID, &q, "t", sub) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1)
		*user_id = store_int(q, PORTAL_USER_ID_ID);
	store_done(q);
	return tx_end(&tx, rc == 1);
}

int
pdata_session_who_set(struct store *s, const char *sid, const struct portal_who *w)
{
	unsigned char h[32];
	struct store_tx *tx;

	sid_hash(sid, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	return tx_end(&tx, store_exec(tx, SQL_PORTAL_SESS_USER_SET, "bttttt", h, (size_t)32,
	    w->sub, w->name, w->enterprise, w->org_name, w->id_token) == 1);
}

int
pdata_session_who(struct store *s, const char *sid, struct arena *a, struct portal_who *out)
{
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	sid_hash(sid, h);
	memset(out, 0, sizeof(*out));
	if (query_by_hash(s, STORE_READ, SQL_PORTAL_SESS_USER_GET, h, &tx, &q) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		out->sub = col_dup(q, PORTAL_SESS_USER_GET_SUB, a);
		out->name = col_dup(q, PORTAL_SESS_USER_GET_NAME, a);
		out->enterprise = col_dup(q, PORTAL_SESS_USER_GET_ENTERPRISE, a);
		out->org_name = col_dup(q, PORTAL_SESS_USER_GET_ORG_NAME, a);
		out->id_token = col_dup(q, PORTAL_SESS_USER_GET_ID_TOKEN, a);
		out->user_id = store_int(q, PORTAL_SESS_USER_GET_USER_ID);
		if (out->sub == NULL || out->name == NULL || out->enterprise == NULL ||
		    out->org_name == NULL || out->id_token == NULL)
			rc = -1;
	}
	query_end(&tx, q);
	return row_found(rc);
}

/* ---- companies and contact points ---- */

static int
company_read(struct store_tx *tx, struct arena *a, const char *enterprise,
    struct portal_company *out)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_PORTAL_COMPANY_GET, &q, "t", enterprise) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		out->id = store_int(q, PORTAL_COMPANY_GET_ID);
		out->enterprise = col_dup(q, PORTAL_COMPANY_GET_ENTERPRISE, a);
		out->agency_number = col_dup(q, PORTAL_COMPANY_GET_AGENCY_NUMBER, a);
		out->name = col_dup(q, PORTAL_COMPANY_GET_NAME, a);
		if (out->enterprise == NULL || out->agency_number == NULL || out->name == NULL)
			rc = -1;
		out->created_at = store_int(q, PORTAL_COMPANY_GET_CREATED_AT);
	}
	store_done(q);
	return row_found(rc);
}

int
pdata_company_visit(struct store *s, struct arena *a, const char *enterprise,
    const char *name, struct portal_company *out)
{
	struct store_tx *tx;
	bool ok;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	ok = store_exec(tx, SQL_PORTAL_COMPANY_INSERT, "tti", enterprise, name, now_s()) >= 0 &&
	    store_exec(tx, SQL_PORTAL_COMPANY_NUMBER, "t", enterprise) >= 0 &&
	    store_exec(tx, SQL_PORTAL_COMPANY_NAME, "tt", enterprise, name) >= 0 &&
	    company_read(tx, a, enterprise, out) == 0;
	return tx_end(&tx, ok);
}

int
pdata_company_get(struct store *s, struct arena *a, const char *enterprise,
    struct portal_company *out)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = company_read(tx, a, enterprise, out);
	store_rollback(&tx);
	return rc;
}

static int
contact_index(const char *kind)
{
	for (int i = 0; i < PORTAL_CONTACT_KINDS; i++)
		if (kind != NULL && strcmp(kind, portal_contact_kinds[i]) == 0)
			return i;
	return -1;
}

int
pdata_contacts(struct store *s, struct arena *a, int64_t company_id,
    struct portal_contact out[PORTAL_CONTACT_KINDS])
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out) * PORTAL_CONTACT_KINDS);
	for (int i = 0; i < PORTAL_CONTACT_KINDS; i++) {
		out[i].kind = portal_contact_kinds[i];
		out[i].name = out[i].email = out[i].phone = "";
	}
	if (query_by_id(s, SQL_PORTAL_CONTACT_LIST, company_id, &tx, &q) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		int i = contact_index(store_text(q, PORTAL_CONTACT_LIST_KIND));

		if (i < 0)
			continue;
		out[i].name = col_dup(q, PORTAL_CONTACT_LIST_NAME, a);
		out[i].email = col_dup(q, PORTAL_CONTACT_LIST_EMAIL, a);
		out[i].phone = col_dup(q, PORTAL_CONTACT_LIST_PHONE, a);
		if (out[i].name == NULL || out[i].email == NULL || out[i].phone == NULL) {
			rc = -1;
			break;
		}
		out[i].updated_at = store_int(q, PORTAL_CONTACT_LIST_UPDATED_AT);
	}
	query_end(&tx, q);
	return rc == 0 ? 0 : -1;
}

int
pdata_contacts_save(struct store *s, int64_t company_id, int64_t user_id,
    const struct portal_contact c[PORTAL_CONTACT_KINDS])
{
	struct store_tx *tx;
	int64_t now = now_s();
	int rc = 0;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	for (int i = 0; i < PORTAL_CONTACT_KINDS && rc >= 0; i++) {
		if (c[i].name[0] == '\0' && c[i].email[0] == '\0' && c[i].phone[0] == '\0')
			rc = store_exec(tx, SQL_PORTAL_CONTACT_DELETE, "it", company_id,
			    portal_contact_kinds[i]);
		else
			rc = store_exec(tx, SQL_PORTAL_CONTACT_UPSERT, "ittttiI", company_id,
			    portal_contact_kinds[i], c[i].name, c[i].email, c[i].phone, now,
			    user_id);
	}
	return tx_end(&tx, rc >= 0);
}

/* ---- activities ---- */

/* Reads an activity row, texts in ar: 0, or -1 when ar is full. */
static int
activity_read(struct store_q *q, struct arena *ar, struct portal_activity *a)
{
	memset(a, 0, sizeof(*a));
	a->id = store_int(q, PORTAL_ACT_ID);
	a->kind = col_dup(q, PORTAL_ACT_KIND, ar);
	a->establishment = col_dup(q, PORTAL_ACT_ESTABLISHMENT, ar);
	a->classes = col_dup(q, PORTAL_ACT_CLASSES, ar);
	a->started_on = col_dup(q, PORTAL_ACT_STARTED_ON, ar);
	a->ended_on = col_dup(q, PORTAL_ACT_ENDED_ON, ar);
	return a->kind && a->establishment && a->classes && a->started_on && a->ended_on ?
	    0 : -1;
}

int
pdata_activities(struct store *s, struct arena *a, int64_t company_id,
    struct portal_activity *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*n = 0;
	if (query_by_id(s, SQL_PORTAL_ACT_LIST, company_id, &tx, &q) != 0)
		return -1;
	while ((rc = store_next(q)) == 1 && *n < max)
		if (activity_read(q, a, &out[(*n)++]) != 0) {
			rc = -1;
			break;
		}
	query_end(&tx, q);
	return rc < 0 ? -1 : 0;
}

static int
activity_in(struct store_tx *tx, struct arena *a, int64_t company_id, int64_t id,
    struct portal_activity *out)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_PORTAL_ACT_GET, &q, "ii", id, company_id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && activity_read(q, a, out) != 0)
		rc = -1;
	store_done(q);
	return row_found(rc);
}

int
pdata_activity_get(struct store *s, struct arena *a, int64_t company_id, int64_t id,
    struct portal_activity *out)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = activity_in(tx, a, company_id, id, out);
	store_rollback(&tx);
	return rc;
}

static void
today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
event_add(struct store_tx *tx, int64_t activity_id, const char *action, const char *user_name)
{
	return store_exec(tx, SQL_PORTAL_EVENT_INSERT, "iitt", activity_id, now_s(), action,
	    user_name ? user_name : "") == 1 ? 0 : -1;
}

int
pdata_activity_declare(struct store *s, int64_t company_id,
    const struct portal_activity *a, const char *user_name, int64_t *id)
{
	struct store_tx *tx;
	char date[11];
	int rc;

	today(date);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_insert_try(tx, SQL_PORTAL_ACT_INSERT, id, "itttti", company_id, a->kind,
	    a->establishment, a->classes, date, now_s());
	if (rc != 1) {
		store_rollback(&tx);
		return rc == -2 ? -2 : -1;
	}
	return tx_end(&tx, event_add(tx, *id, "declared", user_name) == 0);
}

/* Sets one column of a current activity of the company with statement sql (parameters:
 * id, company, value, now) and records action in its history. Returns 0, 1 (unknown or
 * ended) or -1. */
static int
activity_update(struct store *s, int sql, int64_t company_id, int64_t id, const char *value,
    const char *action, const char *user_name)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, sql, "iiti", id, company_id, value, now_s());
	if (rc == 1 && event_add(tx, id, action, user_name) != 0)
		rc = -1;
	if (rc != 1) {
		store_rollback(&tx);
		return rc == 0 ? 1 : -1;
	}
	return store_commit(&tx);
}

int
pdata_activity_change(struct store *s, int64_t company_id, int64_t id, const char *classes,
    const char *user_name)
{
	return activity_update(s, SQL_PORTAL_ACT_UPDATE, company_id, id, classes, "changed",
	    user_name);
}

int
pdata_activity_end(struct store *s, int64_t company_id, int64_t id, const char *date,
    const char *user_name)
{
	return activity_update(s, SQL_PORTAL_ACT_END, company_id, id, date, "ended", user_name);
}

/* ---- self-check files ---- */

int
pdata_dossier_get(struct store *s, struct arena *a, int64_t activity_id,
    struct portal_dossier *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	out->status = "";
	out->answers = "{}";
	if (query_by_id(s, SQL_PORTAL_DOSSIER_GET, activity_id, &tx, &q) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		out->exists = true;
		out->status = col_dup(q, PORTAL_DOSSIER_GET_STATUS, a);
		out->answers = col_dup(q, PORTAL_DOSSIER_GET_ANSWERS, a);
		out->updated_at = store_int(q, PORTAL_DOSSIER_GET_UPDATED_AT);
		out->submitted_at = store_int(q, PORTAL_DOSSIER_GET_SUBMITTED_AT);
		if (out->status == NULL || out->answers == NULL)
			rc = -1;
	}
	query_end(&tx, q);
	return rc < 0 ? -1 : 0;
}

int
pdata_dossier_save(struct store *s, int64_t company_id, int64_t activity_id,
    const char *answers, bool submit, const char *user_name)
{
	struct portal_activity act;
	struct arena *a;
	struct store_tx *tx;
	int64_t now = now_s();
	int rc;

	if (strlen(answers) > PORTAL_ANSWERS_MAX)
		return -1;
	/* The activity's row is read only to know whether it is current. */
	a = arena_new(ACTIVITY_ARENA);
	if (a == NULL)
		return -1;
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		arena_free(a);
		return -1;
	}
	rc = activity_in(tx, a, company_id, activity_id, &act);
	if (rc == 0 && act.ended_on[0] != '\0')
		rc = 1;
	if (rc == 0 && (store_exec(tx, SQL_PORTAL_DOSSIER_SAVE, "ittiI", activity_id,
	    submit ? "submitted" : "draft", answers, now, submit ? now : 0) != 1 ||
	    event_add(tx, activity_id, submit ? "submitted" : "saved", user_name) != 0))
		rc = -1;
	arena_free(a);
	if (rc != 0) {
		store_rollback(&tx);
		return rc;
	}
	return store_commit(&tx);
}

int
pdata_events(struct store *s, struct arena *a, int64_t activity_id,
    struct portal_event *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*n = 0;
	if (query_by_id(s, SQL_PORTAL_EVENT_LIST, activity_id, &tx, &q) != 0)
		return -1;
	while ((rc = store_next(q)) == 1 && *n < max) {
		struct portal_event *e = &out[(*n)++];

		e->at = store_int(q, PORTAL_EVENT_LIST_AT);
		e->action = col_dup(q, PORTAL_EVENT_LIST_ACTION, a);
		e->user_name = col_dup(q, PORTAL_EVENT_LIST_USER_NAME, a);
		if (e->action == NULL || e->user_name == NULL) {
			rc = -1;
			break;
		}
	}
	query_end(&tx, q);
	return rc < 0 ? -1 : 0;
}
