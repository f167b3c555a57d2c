/* search.c — user lists with the guide's filters and the audit trail. A list of a large
 * quality is read in name order through the person_name index so that its first page
 * stops early; a small one is read member by member and sorted (three statement plans,
 * chosen here from the sizes). */
#include "access/search.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access/quality.h"
#include "access/actor.h"
#include "access/service.h"
#include "access/sql.h"
#include "base/buf.h"
#include "base/msgid.h"
#include "be/be.h"
#include "value/value.h"

/* Above this many members, and when they are a good part of all people, the list walks
 * the name index rather than sorting every member. */
#define NAME_PLAN_MIN_MEMBERS 2000

/* Which index drives a list: members (then sorted), the name index (in order), one NISS,
 * the grants of one application, the members of one type, a user-name prefix, the
 * accounts of one status. */
enum plan_kind {
	PLAN_MEMBER, PLAN_NAME, PLAN_NISS, PLAN_GRANT, PLAN_TYPE, PLAN_USERNAME, PLAN_STATUS,
};

struct quality_name {
	int64_t id;
	const char *name;
};

struct search_plan {
	int64_t org;
	const char *qualities;        /* JSON array of activated-quality ids */
	size_t nqualities;
	struct quality_name *names;   /* their names in the reader's language */
	int64_t members, maxid;
	const char *last, *first, *username;   /* LIKE patterns or NULL */
	const char *type, *status, *application;
	const char *niss;             /* 11 digits, "" for any */
	bool filtered;
	bool org_manager;             /* the one acting is GAP or co-GAP */
	enum plan_kind kind;          /* the selective index, for counts and exports */
};

static const char *
text_or_empty(const char *s)
{
	return s ? s : "";
}

static const char *
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* The qualities of org the actor may act on with action: all for GAP/co-GAP, the ones
 * they manage for local managers. Returns the count, or -1; sets *why when none. */
static int
allowed_qualities(struct store_tx *tx, struct arena *a, int64_t org, int64_t only,
    const char *lang, const struct policy_actor *actor, enum policy_action action,
    struct buf *json, struct quality_name **names, enum policy_reason *why)
{
	struct policy_target t = { 0 };
	bool all = only > 0 || policy_check(action, actor, &t) == POLICY_ALLOWED;
	struct store_q *q;
	size_t cap = 0;
	int rc, n = 0;

	*why = policy_check(action, actor, &t);
	*names = NULL;
	if (store_query(tx, SQL_ACCESS_ORG_QUALITIES, &q, "it", org, lang) != 0)
		return -1;
	buf_putc(json, '[');
	while ((rc = store_next(q)) == 1) {
		int64_t id = store_int(q, ACCESS_ORG_QUALITY_ID);

		t.quality = id;
		if (only > 0 && id != only)
			continue;
		if (!all && policy_check(action, actor, &t) != POLICY_ALLOWED)
			continue;
		*names = access_grow(a, *names, (size_t)n, &cap, sizeof(**names));
		if (*names == NULL) {
			rc = -1;
			break;
		}
		(*names)[n].id = id;
		(*names)[n].name = arena_strdup(a,
		    store_text(q, ACCESS_ORG_QUALITY_NAME) ?
		    store_text(q, ACCESS_ORG_QUALITY_NAME) : "");
		buf_printf(json, "%s%" PRId64, n > 0 ? "," : "", id);
		n++;
	}
	store_done(q);
	buf_putc(json, ']');
	if (rc < 0)
		return -1;
	if (all)
		*why = POLICY_ALLOWED;
	return n;
}

static int64_t
count_of(struct store_tx *tx, int id, const char *fmt, const char *json)
{
	struct store_q *q;
	int64_t n = -1;

	if (store_query(tx, id, &q, fmt, json) != 0)
		return -1;
	if (store_next(q) == 1)
		n = store_int(q, ACCESS_COUNT_N);
	store_done(q);
	return n;
}

enum access_rc
search_plan(struct store *s, enum store_mode mode, struct store_tx **tx,
    const struct actor *who, int64_t org, int64_t quality, enum policy_action action,
    const struct user_filter *f, struct arena *a, struct search_plan **out,
    struct access_errors *err)
{
	static const char *const types[] = { "GL", "COGL", "USER", NULL };
	static const char *const statuses[] = { "active", "suspended", NULL };
	struct policy_actor actor;
	struct search_plan *p;
	enum policy_reason why = POLICY_ALLOWED;
	enum access_rc rc = ACCESS_ERROR;
	struct buf json;
	int64_t maxid;
	int n;

	memset(err, 0, sizeof(*err));
	*out = NULL;
	p = arena_alloc(a, sizeof(*p));
	if (p == NULL)
		return ACCESS_ERROR;
	rc = access_begin(s, mode, org, quality, tx, NULL, &(struct org){ 0 });
	if (rc != ACCESS_OK)
		return rc;
	buf_init(&json, 64 * 1024);
	p->org = org;
	/* One quality: its policy check; all of them: those the actor may act on (below). */
	if (quality > 0) {
		struct policy_target t = { .quality = quality };

		rc = access_check(s, tx, who, org, action, &t, 0, &actor);
		if (rc != ACCESS_OK) {
			buf_free(&json);
			return rc;
		}
	} else if (access_actor(*tx, who->person_id, org, (enum loa)who->level, &actor) != 0) {
		rc = ACCESS_ERROR;
		goto fail;
	}
	rc = ACCESS_ERROR;
	n = allowed_qualities(*tx, a, org, quality, who->lang ? who->lang : "fr", &actor, action,
	    &json, &p->names, &why);
	if (n < 0)
		goto fail;
	if (n == 0 && quality == 0 && why != POLICY_ALLOWED) {
		buf_free(&json);
		return access_refuse(s, tx, who, org, action, why, 0, NULL);
	}
	p->nqualities = (size_t)n;
	p->org_manager = (actor.roles & (ROLE_GAP | ROLE_COGAP)) != 0 && !actor.suspended;
	p->qualities = arena_strdup(a, json.data ? json.data : "[]");
	buf_free(&json);
	rc = ACCESS_ERROR;
	if (p->qualities == NULL)
		goto fail;
	/* Filters: bounded, each of its kind. */
	if ((f->last_name && strlen(f->last_name) > SEARCH_FILTER_MAX) ||
	    (f->first_name && strlen(f->first_name) > SEARCH_FILTER_MAX) ||
	    (f->username && strlen(f->username) > SEARCH_FILTER_MAX))
		access_error_add(err, "f_filter", N_("Un critère de recherche est trop long."));
	p->last = access_like_prefix(a, f->last_name, false);
	p->first = access_like_prefix(a, f->first_name, false);
	p->username = access_like_prefix(a, f->username, false);
	p->type = nonempty(f->type);
	if (p->type != NULL && !access_one_of(p->type, types))
		access_error_add(err, "f_type", N_("Choisissez un type d'utilisateur de la liste."));
	p->status = nonempty(f->status);
	if (p->status != NULL && !access_one_of(p->status, statuses))
		access_error_add(err, "f_status", N_("Choisissez un statut de la liste."));
	p->application = nonempty(f->application);
	if (p->application != NULL && strlen(p->application) > 31)
		access_error_add(err, "f_application", N_("Choisissez une application de la liste."));
	p->niss = "";
	if (nonempty(f->niss) != NULL) {
		struct be_niss parsed;
		enum be_reason r = strlen(f->niss) > 31 ? BE_LENGTH : be_niss_parse(f->niss, &parsed);

		if (r != BE_OK)
			access_error_add(err, "f_niss", be_reason_msgid(r));
		else if ((p->niss = arena_strdup(a, parsed.digits)) == NULL)
			goto fail;
	}
	if (err->n > 0) {
		rc = ACCESS_INVALID;
		goto fail;
	}
	p->filtered = p->last || p->first || p->username || p->type || p->status ||
	    p->application || p->niss[0];
	/* The most selective typed filter with an index drives the reading; the others are
	 * checked on the way. Without one, members are read and sorted. */
	if (p->niss[0] != '\0')
		p->kind = PLAN_NISS;
	else if (p->last != NULL)
		p->kind = PLAN_NAME;
	else if (p->username != NULL)
		p->kind = PLAN_USERNAME;
	else if (p->application != NULL)
		p->kind = PLAN_GRANT;
	else if (p->type != NULL)
		p->kind = PLAN_TYPE;
	else if (p->status != NULL)
		p->kind = PLAN_STATUS;
	else
		p->kind = PLAN_MEMBER;
	/* The sizes decide between the name index and a sort (page_plan); counting a large
	 * quality's members costs a few milliseconds, so only when it matters. */
	p->members = p->maxid = -1;
	if (p->kind == PLAN_MEMBER || p->kind == PLAN_GRANT || p->kind == PLAN_TYPE ||
	    p->kind == PLAN_STATUS) {
		p->members = count_of(*tx, SQL_ACCESS_MEMBER_COUNT, "t", p->qualities);
		maxid = count_of(*tx, SQL_ACCESS_PERSON_MAX_ID, "", NULL);
		if (p->members < 0 || maxid < 0)
			goto fail;
		p->maxid = maxid;
	}
	*out = p;
	return ACCESS_OK;
fail:
	buf_free(&json);
	store_rollback(tx);
	*tx = NULL;
	return rc;
}

static void
row_of(struct store_q *q, struct user_row *r)
{
	r->account_id = store_int(q, ACCESS_USERS_ID);
	r->last_name = text_or_empty(store_text(q, ACCESS_USERS_LAST_NAME));
	r->first_name = text_or_empty(store_text(q, ACCESS_USERS_FIRST_NAME));
	r->username = text_or_empty(store_text(q, ACCESS_USERS_USERNAME));
	r->type = text_or_empty(store_text(q, ACCESS_USERS_TYPE));
	r->niss = text_or_empty(store_text(q, ACCESS_USERS_NISS));
	r->status = text_or_empty(store_text(q, ACCESS_USERS_STATUS));
	r->quality = store_int(q, ACCESS_USERS_ORG_QUALITY_ID);
	r->quality_name = text_or_empty(store_text(q, ACCESS_USERS_QUALITY_NAME));
	r->created_at = text_or_empty(store_text(q, ACCESS_USERS_CREATED_AT));
	r->modified_at = text_or_empty(store_text(q, ACCESS_USERS_MODIFIED_AT));
	r->apps = text_or_empty(store_text(q, ACCESS_USERS_GRANTS));
	r->version = store_int(q, ACCESS_USERS_VERSION);
	r->person_id = store_int(q, ACCESS_USERS_PERSON_ID);
	account_data_read(q, ACCESS_USERS_TITLE, NULL, &r->data);   /* no arena: cannot fail */
}

static int
list_id(enum plan_kind kind, bool count)
{
	static const int ids[][2] = {
		[PLAN_MEMBER] = { SQL_ACCESS_USERS_BY_MEMBER, SQL_ACCESS_USERS_COUNT_BY_MEMBER },
		[PLAN_NAME] = { SQL_ACCESS_USERS_BY_NAME, SQL_ACCESS_USERS_COUNT_BY_NAME },
		[PLAN_NISS] = { SQL_ACCESS_USERS_BY_NISS, SQL_ACCESS_USERS_COUNT_BY_NISS },
		[PLAN_GRANT] = { SQL_ACCESS_USERS_BY_GRANT, SQL_ACCESS_USERS_COUNT_BY_GRANT },
		[PLAN_TYPE] = { SQL_ACCESS_USERS_BY_TYPE, SQL_ACCESS_USERS_COUNT_BY_TYPE },
		[PLAN_USERNAME] = { SQL_ACCESS_USERS_BY_USERNAME,
		    SQL_ACCESS_USERS_COUNT_BY_USERNAME },
		[PLAN_STATUS] = { SQL_ACCESS_USERS_BY_STATUS, SQL_ACCESS_USERS_COUNT_BY_STATUS },
	};

	return ids[kind][count ? 1 : 0];
}

static const char *
last_pattern(const struct search_plan *p, enum plan_kind kind)
{
	/* The name plan needs a pattern: '%' walks the whole index in order. */
	return kind == PLAN_NAME && p->last == NULL ? "%" : p->last;
}

/* Prepares the rows from offset, at most limit (-1: all), read with plan kind. */
static int
list_open(struct store_tx *tx, const struct search_plan *p, enum plan_kind kind,
    int64_t limit, int64_t offset, struct store_q **q)
{
	return store_query(tx, list_id(kind, false), q, "ittttttttni" "i", p->org,
	    p->qualities, last_pattern(p, kind), p->first, p->username, p->type,
	    p->niss[0] ? p->niss : NULL, p->status, p->application, limit, offset);
}

/* The next row of a list with its quality's name: 1, 0 at the end, -1 on error. */
static int
list_next(struct store_q *q, const struct search_plan *p, struct user_row *row)
{
	int rc = store_next(q);

	if (rc != 1)
		return rc;
	row_of(q, row);
	row->quality_name = "";
	for (size_t i = 0; i < p->nqualities; i++)
		if (p->names[i].id == row->quality)
			row->quality_name = p->names[i].name;
	return 1;
}

/* Rows from offset, at most limit (-1: all), read with plan kind, to fn. Returns the
 * number read or -1. */
static int64_t
run_list(struct store_tx *tx, const struct search_plan *p, enum plan_kind kind,
    int64_t limit, int64_t offset, int (*fn)(void *arg, const struct user_row *row),
    void *arg)
{
	struct store_q *q;
	struct user_row row;
	int64_t n = 0;
	int rc;

	if (list_open(tx, p, kind, limit, offset, &q) != 0)
		return -1;
	while ((rc = list_next(q, p, &row)) == 1) {
		n++;
		if (fn(arg, &row) != 0)
			break;
	}
	store_done(q);
	return rc < 0 ? -1 : n;
}

/* How many rows match: index-only counts for one filter alone, else the driving plan. */
static int64_t
run_count(struct store_tx *tx, const struct search_plan *p)
{
	struct store_q *q;
	int64_t n = -1;
	bool only_type = p->type && !p->last && !p->first && !p->username && !p->status &&
	    !p->application && !p->niss[0];
	bool only_app = p->application && !p->last && !p->first && !p->username && !p->status &&
	    !p->type && !p->niss[0];
	int rc;

	if (!p->filtered)
		return p->members;
	if (only_type || only_app)
		rc = store_query(tx, only_type ? SQL_ACCESS_COUNT_TYPE_ONLY :
		    SQL_ACCESS_COUNT_APP_ONLY, &q, "tt", p->qualities,
		    only_type ? p->type : p->application);
	else
		rc = store_query(tx, list_id(p->kind, true), &q, "ittttttt" "t", p->org,
		    p->qualities, last_pattern(p, p->kind), p->first, p->username, p->type,
		    p->niss[0] ? p->niss : NULL, p->status, p->application);
	if (rc != 0)
		return -1;
	if (store_next(q) == 1)
		n = store_int(q, ACCESS_COUNT_N);
	store_done(q);
	return n;
}

/* The plan of one page: when matches are many in a large quality, walking the name
 * index finds the first page at once; otherwise the selective index, then a sort. */
static enum plan_kind
page_plan(const struct search_plan *p, int64_t total)
{
	if ((p->kind == PLAN_MEMBER || p->kind == PLAN_GRANT || p->kind == PLAN_TYPE ||
	    p->kind == PLAN_STATUS) &&
	    p->members >= NAME_PLAN_MIN_MEMBERS && p->members * 20 >= p->maxid &&
	    total * 10 >= p->members)
		return PLAN_NAME;
	return p->kind;
}

int64_t
search_each(struct store_tx *tx, const struct search_plan *p,
    int (*fn)(void *arg, const struct user_row *row), void *arg)
{
	/* Every row: the selective index (or all members) then one sort in memory reads the
	 * tables in order, faster than the name index's random walk. */
	return run_list(tx, p, p->kind, -1, 0, fn, arg);
}

int
search_rows_open(struct store_tx *tx, const struct search_plan *p, struct store_q **q)
{
	/* The plan of search_each, so that both give the same rows in the same order. */
	return list_open(tx, p, p->kind, -1, 0, q);
}

int
search_rows_next(struct store_q *q, const struct search_plan *p, struct user_row *row)
{
	return list_next(q, p, row);
}

struct collect {
	struct arena *a;
	struct user_row *rows;
	size_t n, max;
	bool failed;
};

static const char *
keep(struct arena *a, const char *s, bool *failed)
{
	char *c = arena_strdup(a, s);

	if (c == NULL)
		*failed = true;
	return c ? c : "";
}

static int
collect_row(void *arg, const struct user_row *row)
{
	struct collect *c = arg;
	struct user_row *r;

	if (c->n == c->max)
		return 1;
	r = &c->rows[c->n++];
	*r = *row;
	r->last_name = keep(c->a, row->last_name, &c->failed);
	r->first_name = keep(c->a, row->first_name, &c->failed);
	r->username = keep(c->a, row->username, &c->failed);
	r->type = keep(c->a, row->type, &c->failed);
	r->niss = keep(c->a, row->niss, &c->failed);
	r->status = keep(c->a, row->status, &c->failed);
	r->quality_name = keep(c->a, row->quality_name, &c->failed);
	for (size_t i = 0; i < account_nfields; i++)
		*account_data_at(&r->data, i) = keep(c->a, account_data_get(&row->data, i),
		    &c->failed);
	r->created_at = keep(c->a, row->created_at, &c->failed);
	r->modified_at = keep(c->a, row->modified_at, &c->failed);
	r->apps = keep(c->a, row->apps, &c->failed);
	return c->failed ? 1 : 0;
}

enum access_rc
search_users(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct user_filter *f, int page, int per, struct arena *a, struct user_page *out,
    struct access_errors *err)
{
	struct search_plan *p;
	struct store_tx *tx = NULL;
	struct collect c = { .a = a };
	enum access_rc rc;
	int64_t total;

	memset(out, 0, sizeof(*out));
	if (per < 1 || per > SEARCH_PAGE_MAX)
		per = 25;
	if (page < 1)
		page = 1;
	rc = search_plan(s, STORE_READ, &tx, who, org, quality, POLICY_MANAGE_USERS, f, a, &p,
	    err);
	if (rc != ACCESS_OK)
		return rc;
	if (org_get(tx, a, org, &out->org) != 0)
		goto fail;
	out->nqualities = p->nqualities;
	out->org_manager = p->org_manager;
	total = run_count(tx, p);
	if (total < 0)
		goto fail;
	out->total = total;
	out->pages = total == 0 ? 1 : (int)((total + per - 1) / per);
	if (page > out->pages)
		page = out->pages;
	out->page = page;
	c.max = (size_t)per;
	c.rows = arena_alloc(a, (size_t)per * sizeof(*c.rows));
	if (c.rows == NULL)
		goto fail;
	if (total > 0 && run_list(tx, p, page_plan(p, total), per, (int64_t)(page - 1) * per,
	    collect_row, &c) < 0)
		goto fail;
	if (c.failed)
		goto fail;
	out->rows = c.rows;
	out->n = c.n;
	store_rollback(&tx);
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

/* ---- the audit trail ---- */

/* "YYYY-MM-DD" of a valid date into out (11 bytes); with next, the day after. */
static bool
date_bound(const char *s, bool next, char out[11])
{
	struct tm tm = { 0 };
	time_t t;
	int y, m, d;

	if (!value_ok(VALUE_DATE, s, 0))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	/* The audit trail starts in 1970; 9999-12-31 has no day after. */
	if (y < 1970 || y > 9998)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + (next ? 1 : 0);
	tm.tm_hour = 12;
	t = timegm(&tm);
	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL)
		return false;
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10;
}

struct audit_query {
	char org[24];
	int64_t quality;
	const char *action, *person;
	char from[11], to[11];
};

static bool
action_name_ok(const char *s)
{
	if (strlen(s) > 64)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		    *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Opens a read tx, checks the policy and the filters. */
static enum access_rc
audit_open(struct store *s, enum store_mode mode, struct store_tx **tx,
    const struct actor *who, int64_t org, int64_t quality, const struct audit_filter *f,
    struct arena *a, struct org *o, struct audit_query *q, struct access_errors *err)
{
	struct policy_target t = { .quality = quality };
	struct policy_actor actor;
	enum access_rc rc;

	memset(err, 0, sizeof(*err));
	memset(q, 0, sizeof(*q));
	rc = access_open(s, mode, who, org, POLICY_READ_AUDIT, &t, tx, a, o, &actor);
	if (rc != ACCESS_OK)
		return rc;
	access_org_label(*tx, org, q->org);
	q->quality = quality;
	q->action = nonempty(f->action);
	if (q->action != NULL && !action_name_ok(q->action))
		access_error_add(err, "action", N_("Choisissez une action de la liste."));
	if (nonempty(f->person) != NULL && strlen(f->person) > SEARCH_FILTER_MAX)
		access_error_add(err, "person", N_("Un critère de recherche est trop long."));
	else
		q->person = access_like_prefix(a, f->person, true);
	if (nonempty(f->from) != NULL && !date_bound(f->from, false, q->from))
		access_error_add(err, "from", N_("La date n'est pas valide (format AAAA-MM-JJ)."));
	if (nonempty(f->to) != NULL && !date_bound(f->to, true, q->to))
		access_error_add(err, "to", N_("La date n'est pas valide (format AAAA-MM-JJ)."));
	if (err->n > 0) {
		store_rollback(tx);
		*tx = NULL;
		return ACCESS_INVALID;
	}
	return ACCESS_OK;
}

static void
audit_row_of(struct store_q *sq, struct arena *a, struct audit_row *r)
{
	const char *al = store_text(sq, ACCESS_AUDIT_TRAIL_ACTOR_LAST_NAME),
	    *af = store_text(sq, ACCESS_AUDIT_TRAIL_ACTOR_FIRST_NAME);
	const char *ol = store_text(sq, ACCESS_AUDIT_TRAIL_OBJECT_LAST_NAME),
	    *of = store_text(sq, ACCESS_AUDIT_TRAIL_OBJECT_FIRST_NAME);

	r->seq = store_int(sq, ACCESS_AUDIT_TRAIL_SEQ);
	r->at = arena_strdup(a, text_or_empty(store_text(sq, ACCESS_AUDIT_TRAIL_AT)));
	r->actor = arena_strdup(a, text_or_empty(store_text(sq, ACCESS_AUDIT_TRAIL_ACTOR)));
	r->actor_role = arena_strdup(a,
	    text_or_empty(store_text(sq, ACCESS_AUDIT_TRAIL_ACTOR_ROLE)));
	r->action = arena_strdup(a, text_or_empty(store_text(sq, ACCESS_AUDIT_TRAIL_ACTION)));
	r->object = arena_strdup(a, text_or_empty(store_text(sq, ACCESS_AUDIT_TRAIL_OBJECT)));
	r->details = arena_strdup(a, text_or_empty(store_text(sq, ACCESS_AUDIT_TRAIL_DETAILS)));
	r->actor_name = al ? arena_printf(a, "%s %s", text_or_empty(af), al) : NULL;
	r->object_name = ol ? arena_printf(a, "%s %s", text_or_empty(of), ol) : NULL;
}

#define AUDIT_FMT "tItttt"

/* access_row_fn: an action name of SQL_ACCESS_AUDIT_ACTIONS. */
static int
action_row(struct store_q *q, struct arena *a, void *elem)
{
	return access_dup(a, elem, store_text(q, ACCESS_AUDIT_ACTIONS_ACTION));
}

enum access_rc
search_audit(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct audit_filter *f, int page, int per, struct arena *a, struct audit_page *out,
    struct access_errors *err)
{
	struct audit_query q;
	struct store_tx *tx;
	struct access_list actions = { 0 };
	struct store_q *sq;
	enum access_rc rc;
	int r;

	memset(out, 0, sizeof(*out));
	if (per < 1 || per > SEARCH_PAGE_MAX)
		per = 50;
	if (page < 1)
		page = 1;
	rc = audit_open(s, STORE_READ, &tx, who, org, quality, f, a, &out->org, &q, err);
	if (rc != ACCESS_OK)
		return rc;
	if (store_query(tx, SQL_ACCESS_AUDIT_TRAIL_COUNT, &sq, AUDIT_FMT, q.org, q.quality,
	    q.action, q.from[0] ? q.from : NULL, q.to[0] ? q.to : NULL, q.person) != 0)
		goto fail;
	r = store_next(sq);
	out->total = r == 1 ? store_int(sq, ACCESS_COUNT_N) : 0;
	store_done(sq);
	if (r != 1)
		goto fail;
	out->pages = out->total == 0 ? 1 : (int)((out->total + per - 1) / per);
	if (page > out->pages)
		page = out->pages;
	out->page = page;
	out->rows = arena_alloc(a, (size_t)per * sizeof(*out->rows));
	if (out->rows == NULL)
		goto fail;
	if (store_query(tx, SQL_ACCESS_AUDIT_TRAIL, &sq, AUDIT_FMT "ii", q.org, q.quality,
	    q.action, q.from[0] ? q.from : NULL, q.to[0] ? q.to : NULL, q.person, (int64_t)per,
	    (int64_t)(page - 1) * per) != 0)
		goto fail;
	while ((r = store_next(sq)) == 1 && out->n < (size_t)per)
		audit_row_of(sq, a, &out->rows[out->n++]);
	store_done(sq);
	if (r < 0)
		goto fail;
	if (store_query(tx, SQL_ACCESS_AUDIT_ACTIONS, &sq, "t", q.org) != 0 ||
	    access_read_rows(sq, a, &actions, sizeof(*out->actions), action_row) != 0)
		goto fail;
	out->actions = actions.v;
	out->nactions = actions.n;
	store_rollback(&tx);
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

enum access_rc
search_audit_open(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, struct arena *a, struct store_tx **tx,
    struct store_q **sq, struct access_errors *err)
{
	struct audit_query q;
	struct org o;
	enum access_rc rc;

	*sq = NULL;
	/* Every event of the trail, sent as it is read: a long read. */
	rc = audit_open(s, STORE_READ_LONG, tx, who, org, quality, f, a, &o, &q, err);
	if (rc != ACCESS_OK)
		return rc;
	if (store_query(*tx, SQL_ACCESS_AUDIT_TRAIL, sq, AUDIT_FMT "ii", q.org, q.quality,
	    q.action, q.from[0] ? q.from : NULL, q.to[0] ? q.to : NULL, q.person, (int64_t)-1,
	    (int64_t)0) != 0) {
		store_rollback(tx);
		*tx = NULL;
		*sq = NULL;
		return ACCESS_ERROR;
	}
	return ACCESS_OK;
}

int
search_audit_next(struct store_q *sq, struct arena *a, struct audit_row *row)
{
	int r = store_next(sq);

	if (r == 1)
		audit_row_of(sq, a, row);
	return r;
}

enum access_rc
search_audit_each(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, struct access_errors *err,
    int (*fn)(void *arg, const struct audit_row *row), void *arg, int64_t *count)
{
	struct store_tx *tx;
	struct store_q *sq;
	struct arena *a = arena_new(1 << 20), *row;
	enum access_rc rc;
	int r;

	*count = 0;
	if (a == NULL)
		return ACCESS_ERROR;
	rc = search_audit_open(s, who, org, quality, f, a, &tx, &sq, err);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	/* One small arena per event: the trail may be long. */
	for (;;) {
		struct audit_row ar;

		row = arena_new(1 << 16);
		if (row == NULL) {
			r = -1;
			break;
		}
		r = search_audit_next(sq, row, &ar);
		if (r == 1) {
			(*count)++;
			r = fn(arg, &ar) != 0 ? -1 : 1;
		}
		arena_free(row);
		if (r != 1)
			break;
	}
	store_done(sq);
	store_rollback(&tx);
	arena_free(a);
	return r < 0 ? ACCESS_ERROR : ACCESS_OK;
}
