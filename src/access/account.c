/* account.c — users of an activated quality: validation of what managers type, the
 * person/account/member/grants they create or change, suspension and removal; the policy
 * check with its audited refusal shared by every service of access management. */
#include "access/account.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/actor.h"
#include "access/catalogue.h"
#include "access/org.h"
#include "access/quality.h"
#include "access/service.h"
#include "access/sql.h"
#include "oidc/backchannel.h"
#include "saml/saml.h"
#include "audit/audit.h"
#include "auth/person.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/msgid.h"
#include "base/utf8.h"
#include "be/be.h"
#include "registry/registry.h"
#include "value/value.h"

/* ---- policy and audit ---- */

static const char *
role_name(const struct policy_actor *a)
{
	if (a == NULL)
		return "none";
	if (a->roles & ROLE_GAP)
		return "GAP";
	if (a->roles & ROLE_COGAP)
		return "COGAP";
	if (a->roles & ROLE_GL)
		return "GL";
	if (a->roles & ROLE_COGL)
		return "COGL";
	if (a->roles & ROLE_HELPDESK)
		return "helpdesk";
	if (a->roles & ROLE_USER)
		return "USER";
	return "none";
}

int
access_org_label(struct store_tx *tx, int64_t org, char out[24])
{
	struct store_q *q;
	const char *e;
	size_t len;

	snprintf(out, 24, "org:%" PRId64, org);
	if (store_query(tx, SQL_ACCESS_ORG_GET, &q, "i", org) != 0)
		return 0;
	/* The enterprise number (10 digits) whole; anything else keeps org:<id>. */
	e = store_next(q) == 1 ? store_text(q, ACCESS_ORG_GET_ENTERPRISE) : NULL;
	len = e != NULL ? strlen(e) : 0;
	if (len > 0 && len < 24)
		memcpy(out, e, len + 1);
	store_done(q);
	return 0;
}

int
access_audit_as(struct store_tx *tx, const struct actor *who, const char *role,
    const char *org, const char *action, const char *object, const char *details)
{
	char by[ACTOR_NAME_SIZE], as[128];
	struct audit_event ev = {
		.actor = actor_name(who, by), .actor_role = role, .org = org, .object = object,
		.action = action, .details = details, .source = who->source,
		.request_id = who->request_id,
	};
	int n;

	/* A machine on the person's delegation: the trail names both ("GL via
	 * machine:<client id>"); a name that does not fit is not recorded as less. */
	if (who->via != NULL) {
		n = snprintf(as, sizeof(as), "%s via machine:%s", role != NULL ? role : "none",
		    who->via);
		if (n < 0 || (size_t)n >= sizeof(as))
			return -1;
		ev.actor_role = as;
	}
	return audit_append(tx, &ev);
}

int
access_audit(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, const char *action, const char *object,
    const char *details)
{
	char label[24];

	access_org_label(tx, org, label);
	return access_audit_as(tx, who, role_name(actor), org > 0 ? label : NULL, action, object,
	    details);
}

enum access_rc
access_allow(struct store_tx *tx, const struct actor *who, int64_t org,
    enum policy_action action, const struct policy_target *target, struct policy_actor *actor,
    enum policy_reason *why)
{
	enum policy_reason r;

	if (access_actor(tx, who->person_id, org, (enum loa)who->level, actor) != 0)
		return ACCESS_ERROR;
	r = policy_check(action, actor, target);
	if (why != NULL)
		*why = r;
	return r == POLICY_ALLOWED ? ACCESS_OK : ACCESS_DENIED;
}

/* access_refuse; when named, the organisation is recorded as label (who's roles read in
 * org all the same). */
static enum access_rc
refuse(struct store *s, struct store_tx **tx, const struct actor *who, int64_t org,
    bool named, const char *label, enum policy_action action, enum policy_reason why,
    int64_t quality, const char *object)
{
	struct policy_actor actor;
	json_t *j;
	char *details = NULL;
	int rc = -1;

	store_rollback(tx);
	*tx = NULL;
	j = json_pack("{s:s,s:s}", "action", policy_action_name(action), "reason",
	    policy_reason_name(why));
	/* Details that cannot be built whole are not recorded as less: the refusal fails. */
	if (j != NULL && (quality <= 0 ||
	    json_object_set_new(j, "quality", json_integer(quality)) == 0))
		details = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (details != NULL && store_begin(s, STORE_WRITE, tx) == 0) {
		if (access_actor(*tx, who->person_id, org, (enum loa)who->level, &actor) == 0 &&
		    (named ? access_audit_as(*tx, who, role_name(&actor), label, "access.denied",
		    object, details) : access_audit(*tx, who, &actor, org, "access.denied", object,
		    details)) == 0)
			rc = store_commit(tx);
		else
			store_rollback(tx);
		*tx = NULL;
	}
	free(details);
	if (rc != 0)
		log_err(who->request_id, "access: cannot record a refusal (%s)",
		    policy_action_name(action));
	return rc == 0 ? ACCESS_DENIED : ACCESS_ERROR;
}

enum access_rc
access_refuse(struct store *s, struct store_tx **tx, const struct actor *who,
    int64_t org, enum policy_action action, enum policy_reason why, int64_t quality,
    const char *object)
{
	return refuse(s, tx, who, org, false, NULL, action, why, quality, object);
}

enum access_rc
access_refuse_named(struct store *s, struct store_tx **tx, const struct actor *who,
    const char *org_label, enum policy_action action, enum policy_reason why,
    const char *object)
{
	return refuse(s, tx, who, 0, true, org_label, action, why, 0, object);
}

/* ---- checks of typed values ---- */

char *
access_like_prefix(struct arena *a, const char *typed, bool contains)
{
	size_t n;
	char *out, *o;

	if (typed == NULL)
		return NULL;
	while (*typed == ' ')
		typed++;
	n = strlen(typed);
	while (n > 0 && typed[n - 1] == ' ')
		n--;
	if (n == 0)
		return NULL;
	out = arena_alloc(a, n * 2 + 3);
	if (out == NULL)
		return NULL;
	o = out;
	if (contains)
		*o++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (typed[i] == '%' || typed[i] == '_' || typed[i] == '\\')
			*o++ = '\\';
		*o++ = typed[i];
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

/* s without leading and trailing spaces and tabs, copied whole in a ("" for NULL); NULL
 * when a is full. The value module checks the length, not the copy. */
static const char *
trimmed(struct arena *a, const char *s)
{
	size_t len;

	if (s == NULL)
		return "";
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return arena_strndup(a, s, len);
}

/* Adds the error required (nothing typed) or invalid (characters not admitted, too long)
 * for field when the trimmed name is refused. */
static void
check_name(struct access_errors *err, const char *field, const char *name,
    const char *required, const char *invalid)
{
	if (!value_ok(VALUE_PERSON_NAME, name, ACCESS_NAME_MAX))
		access_error_add(err, field, name[0] == '\0' ? required : invalid);
}

/* Checks the trimmed text as type within limit; adds the error required (empty) or
 * invalid (too long, refused) for field. Returns whether it passed. */
static bool
check_required(struct access_errors *err, const char *field, const char *text,
    enum value_type type, size_t limit, const char *required, const char *invalid)
{
	if (text[0] == '\0') {
		access_error_add(err, field, required);
		return false;
	}
	if (!value_ok(type, text, limit)) {
		access_error_add(err, field, invalid);
		return false;
	}
	return true;
}

/* The element of the NULL-terminated set equal to s (a static text), or NULL. */
static const char *
member_of(const char *s, const char *const *set)
{
	for (; s != NULL && *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return *set;
	return NULL;
}

/* Reports a refused field to the error list arg. */
static void
report_error(void *arg, const char *field, const char *msgid)
{
	access_error_add(arg, field, msgid);
}

/* The account data as typed into out, text inputs trimmed (in a), choices as given; absent
 * is "". Returns 0, or -1 when a is full. */
static int
trimmed_data(struct arena *a, const struct account_data *in, struct account_data *out)
{
	for (size_t i = 0; i < account_nfields; i++) {
		const char *t = account_data_get(in, i);

		t = account_fields[i].choices == NULL ? trimmed(a, t) : t != NULL ? t : "";
		if (t == NULL)
			return -1;
		*account_data_at(out, i) = t;
	}
	return 0;
}

/* ---- reading ---- */

/* A person as account.c reads them (texts in the caller's arena). */
struct person_row {
	int64_t id;
	const char *niss, *last_name, *first_name, *language, *email;
};

/* The person of a NISS, read through auth/person.h (the person table's owner), texts in
 * a: 0 found, 1 unknown, -1 error. */
static int
person_by_niss(struct store_tx *tx, struct arena *a, const char *niss,
    struct person_row *out)
{
	struct person p;
	int rc = person_find_niss(tx, a, niss, &p);

	if (rc != 0)
		return rc;
	out->id = p.id;
	return access_dup(a, &out->niss, p.niss) | access_dup(a, &out->last_name, p.last_name) |
	    access_dup(a, &out->first_name, p.first_name) |
	    access_dup(a, &out->language, p.language) | access_dup(a, &out->email, p.email);
}

/* Reads the current row of SQL_ACCESS_ACCOUNT_GET / _OF_PERSON into v, texts in a (type
 * and since ""): 0, or -1 when a is full. */
static int
account_row(struct store_q *q, struct arena *a, struct user_view *v)
{
	v->account_id = store_int(q, ACCESS_ACCOUNT_ID);
	v->person_id = store_int(q, ACCESS_ACCOUNT_PERSON_ID);
	v->version = store_int(q, ACCESS_ACCOUNT_VERSION);
	v->type = v->since = "";
	return access_dup(a, &v->username, store_text(q, ACCESS_ACCOUNT_USERNAME)) |
	    access_dup(a, &v->status, store_text(q, ACCESS_ACCOUNT_STATUS)) |
	    access_dup(a, &v->created_at, store_text(q, ACCESS_ACCOUNT_CREATED_AT)) |
	    access_dup(a, &v->modified_at, store_text(q, ACCESS_ACCOUNT_MODIFIED_AT)) |
	    access_dup(a, &v->niss, store_text(q, ACCESS_ACCOUNT_NISS)) |
	    access_dup(a, &v->last_name, store_text(q, ACCESS_ACCOUNT_LAST_NAME)) |
	    access_dup(a, &v->first_name, store_text(q, ACCESS_ACCOUNT_FIRST_NAME)) |
	    account_data_read(q, ACCESS_ACCOUNT_TITLE, a, &v->data);
}

/* The account that statement id (SQL_ACCESS_ACCOUNT_GET / _OF_PERSON) finds with its two
 * parameters, into v (texts in a): 0 found, 1 none, -1 error. */
static int
account_query(struct store_tx *tx, struct arena *a, int id, int64_t p1, int64_t p2,
    struct user_view *v)
{
	struct store_q *q;
	int rc;

	memset(v, 0, sizeof(*v));
	if (store_query(tx, id, &q, "ii", p1, p2) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && account_row(q, a, v) != 0)
		rc = -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* The account id in org (texts in a): 0 found, 1 not there, -1 error. */
static int
account_read(struct store_tx *tx, struct arena *a, int64_t org, int64_t id,
    struct user_view *v)
{
	return account_query(tx, a, SQL_ACCESS_ACCOUNT_GET, id, org, v);
}

int
account_of_person(struct store_tx *tx, struct arena *a, int64_t org, int64_t person,
    struct user_view *v)
{
	return account_query(tx, a, SQL_ACCESS_ACCOUNT_OF_PERSON, org, person, v);
}

/* The person of a NISS (p) and their account in org (acc), texts in a: 0 both found, 1
 * unknown person, 2 a person without an account there, -1 error. */
static int
person_account(struct store_tx *tx, struct arena *a, int64_t org, const char *niss,
    struct person_row *p, struct user_view *acc)
{
	int rc = person_by_niss(tx, a, niss, p);

	if (rc != 0)
		return rc;
	rc = account_of_person(tx, a, org, p->id, acc);
	return rc > 0 ? 2 : rc;
}

/* The member type of account in quality into *type and since when into *since (each may
 * be NULL, a too when both are; texts in a): 0, 1 not a member, -1. */
static int
member_type(struct store_tx *tx, struct arena *a, int64_t quality, int64_t account,
    const char **type, const char **since)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_MEMBER_GET, &q, "ii", quality, account) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && ((type != NULL &&
	    access_dup(a, type, store_text(q, ACCESS_MEMBER_GET_TYPE)) != 0) ||
	    (since != NULL &&
	    access_dup(a, since, store_text(q, ACCESS_MEMBER_GET_SINCE)) != 0)))
		rc = -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* access_row_fn: an application code of SQL_ACCESS_GRANTS_OF. */
static int
grant_row(struct store_q *q, struct arena *a, void *elem)
{
	return access_dup(a, elem, store_text(q, ACCESS_GRANTS_OF_APPLICATION));
}

/* The applications granted to account in quality, all of them, into *apps (in a).
 * Returns the count or -1. */
static int
grants_read(struct store_tx *tx, struct arena *a, int64_t quality, int64_t account,
    const char ***apps)
{
	struct access_list l = { 0 };
	struct store_q *q;

	*apps = NULL;
	if (store_query(tx, SQL_ACCESS_GRANTS_OF, &q, "ii", quality, account) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**apps), grant_row) != 0)
		return -1;
	*apps = l.v;
	return (int)l.n;
}

/* The application code belongs to catalogue quality qcode: 1 yes, 0 no, -1 error. */
static int
app_of_quality(struct store_tx *tx, const char *code, const char *qcode)
{
	struct store_q *q;
	int rc, yes = 0;

	if (store_query(tx, SQL_ACCESS_APP_GET, &q, "tt", code, "fr") != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *of = store_text(q, ACCESS_APP_GET_QUALITY);
		yes = of != NULL && strcmp(of, qcode) == 0;
	}
	store_done(q);
	return rc < 0 ? -1 : yes;
}

/* ---- bulk reads: what classifying a whole file needs, read at once (the CSV import) ----
 * The checks stay those above and below: a loaded key answers from memory what its
 * statement would answer; a key never loaded (or forgotten after a write) goes to the
 * statement, so the bulk is only ever a faster way to the same answer. */

#define BULK_MISS (-3)          /* a key the bulk does not know: ask the store */

/* One loaded key: a NISS (person, account, membership), a user name (lower case), an
 * account id (its NISS entry), a register NISS. */
struct bulk_entry {
	const char *key;
	bool stale;                /* written since it was read: ask the store */
	bool found;
	struct person_row p;       /* NISS: the person when found */
	bool has_account, member;
	struct user_view acc;      /* their account in the organisation; type, since and
	                            * apps when a member of the quality */
	size_t apps_cap;
	int64_t id;                /* user name: the account holding it (0: free) */
	const char *last_name, *first_name;   /* register */
	struct bulk_entry *of;     /* account id: the NISS entry */
};

struct bulk_map {
	struct bulk_entry **e;
	size_t cap, n;             /* n < cap: a free slot always ends a probe */
};

struct account_bulk {
	struct arena *a;
	int64_t org, quality;
	struct bulk_map persons, accounts, usernames, reg;
	const char **apps;         /* the quality's application codes */
	size_t napps;
	int64_t *managers;         /* the organisation's GAP and co-GAPs */
	unsigned *manager_roles;
	size_t nmanagers;
};

static uint64_t
bulk_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
bulk_map_init(struct arena *a, struct bulk_map *m, size_t n)
{
	m->cap = 2 * n + 1;
	m->e = arena_alloc(a, m->cap * sizeof(*m->e));
	if (m->e == NULL)
		return -1;
	memset(m->e, 0, m->cap * sizeof(*m->e));
	return 0;
}

/* The slot of key in m: its entry, or the empty slot where it goes. */
static struct bulk_entry **
bulk_slot(const struct bulk_map *m, const char *key)
{
	size_t i = (size_t)(bulk_hash(key) % m->cap);

	while (m->e[i] != NULL && strcmp(m->e[i]->key, key) != 0)
		i = (i + 1) % m->cap;
	return &m->e[i];
}

/* The entry of key, made (not found) when new; NULL when the map or the arena is full. */
static struct bulk_entry *
bulk_put(struct arena *a, struct bulk_map *m, const char *key)
{
	struct bulk_entry **slot = bulk_slot(m, key);

	if (*slot != NULL)
		return *slot;
	if (m->n + 1 >= m->cap)
		return NULL;       /* more rows than keys asked: refused, never a full table */
	m->n++;
	*slot = arena_alloc(a, sizeof(**slot));
	if (*slot == NULL)
		return NULL;
	memset(*slot, 0, sizeof(**slot));
	(*slot)->key = arena_strdup(a, key);
	return (*slot)->key != NULL ? *slot : NULL;
}

/* The loaded, current entry of key, or NULL (not loaded, or stale). */
static const struct bulk_entry *
bulk_get(const struct bulk_map *m, const char *key)
{
	const struct bulk_entry *e;

	if (m->e == NULL)
		return NULL;
	e = *bulk_slot(m, key);
	return e != NULL && !e->stale ? e : NULL;
}

/* A user name as a key: ASCII lower case (valid user names are ASCII, and the store
 * compares them in any case), in a. */
static char *
bulk_username_key(struct arena *a, const char *s)
{
	char *k = arena_strdup(a, s);

	for (char *p = k; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

static char *
bulk_id_key(char out[24], int64_t id)
{
	snprintf(out, 24, "%" PRId64, id);
	return out;
}

/* keys as a JSON array text (malloc'd), NULL on failure; texts jansson refuses are left
 * out (their lookups go to the store). */
static char *
bulk_json(const char *const *keys, size_t n)
{
	json_t *arr = json_array();
	char *out;

	if (arr == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *s = keys[i] != NULL ? json_string(keys[i]) : NULL;

		if (s != NULL && json_array_append_new(arr, s) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	out = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return out;
}

/* The persons of the NISS in json, their account in the organisation and membership of
 * the quality. */
static int
bulk_read_persons(struct store_tx *tx, struct account_bulk *b, const char *json)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_BULK_PERSONS, &q, "iit", b->org, b->quality, json) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		struct bulk_entry *e = bulk_put(b->a, &b->persons,
		    store_text(q, ACCESS_BULK_PERSONS_NISS));
		struct user_view *v;
		char k[24];

		if (e == NULL) {
			rc = -1;
			break;
		}
		e->found = true;
		e->p.id = store_int(q, ACCESS_BULK_PERSONS_ID);
		if ((access_dup(b->a, &e->p.niss, store_text(q, ACCESS_BULK_PERSONS_NISS)) |
		    access_dup(b->a, &e->p.last_name, store_text(q, ACCESS_BULK_PERSONS_LAST_NAME)) |
		    access_dup(b->a, &e->p.first_name, store_text(q, ACCESS_BULK_PERSONS_FIRST_NAME)) |
		    access_dup(b->a, &e->p.language, store_text(q, ACCESS_BULK_PERSONS_P_LANGUAGE)) |
		    access_dup(b->a, &e->p.email, store_text(q, ACCESS_BULK_PERSONS_P_EMAIL))) != 0) {
			rc = -1;
			break;
		}
		if (store_null(q, ACCESS_BULK_PERSONS_ACCOUNT_ID))
			continue;
		/* As account_row and member_view read them. */
		e->has_account = true;
		v = &e->acc;
		v->account_id = store_int(q, ACCESS_BULK_PERSONS_ACCOUNT_ID);
		v->person_id = e->p.id;
		v->version = store_int(q, ACCESS_BULK_PERSONS_VERSION);
		v->quality = b->quality;
		v->niss = e->p.niss;
		v->last_name = e->p.last_name;
		v->first_name = e->p.first_name;
		v->type = v->since = "";
		e->member = !store_null(q, ACCESS_BULK_PERSONS_TYPE);
		if ((access_dup(b->a, &v->username, store_text(q, ACCESS_BULK_PERSONS_USERNAME)) |
		    access_dup(b->a, &v->status, store_text(q, ACCESS_BULK_PERSONS_STATUS)) |
		    access_dup(b->a, &v->created_at, store_text(q, ACCESS_BULK_PERSONS_CREATED_AT)) |
		    access_dup(b->a, &v->modified_at, store_text(q, ACCESS_BULK_PERSONS_MODIFIED_AT)) |
		    account_data_read(q, ACCESS_BULK_PERSONS_TITLE, b->a, &v->data)) != 0 ||
		    (e->member &&
		    (access_dup(b->a, &v->type, store_text(q, ACCESS_BULK_PERSONS_TYPE)) |
		    access_dup(b->a, &v->since, store_text(q, ACCESS_BULK_PERSONS_SINCE))) != 0)) {
			rc = -1;
			break;
		}
		{
			struct bulk_entry *byid = bulk_put(b->a, &b->accounts,
			    bulk_id_key(k, v->account_id));

			if (byid == NULL) {
				rc = -1;
				break;
			}
			byid->of = e;
			byid->found = true;
		}
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* The grants of the members read, in the order of SQL_ACCESS_GRANTS_OF. */
static int
bulk_read_grants(struct store_tx *tx, struct account_bulk *b, const char *json)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_BULK_GRANTS, &q, "iit", b->org, b->quality, json) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		char k[24];
		const struct bulk_entry *byid = bulk_get(&b->accounts,
		    bulk_id_key(k, store_int(q, ACCESS_BULK_GRANTS_ACCOUNT_ID)));
		struct bulk_entry *e = byid != NULL ? byid->of : NULL;

		if (e == NULL || !e->member)
			continue;
		e->acc.apps = access_grow(b->a, e->acc.apps, e->acc.napps, &e->apps_cap,
		    sizeof(*e->acc.apps));
		if (e->acc.apps == NULL ||
		    access_dup(b->a, &e->acc.apps[e->acc.napps],
		    store_text(q, ACCESS_BULK_GRANTS_APPLICATION)) != 0) {
			rc = -1;
			break;
		}
		e->acc.napps++;
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* registry_persons' callback: the register's names of a NISS ("" for none, as
 * register_names takes them). */
static int
bulk_register_one(void *arg, const struct reg_person *rp)
{
	struct account_bulk *b = arg;
	struct bulk_entry *e = bulk_put(b->a, &b->reg, rp->niss);

	if (e == NULL)
		return -1;
	e->found = true;
	e->last_name = rp->last_name != NULL ? rp->last_name : "";
	e->first_name = rp->first_names != NULL ? rp->first_names : "";
	return 0;
}

/* The accounts of the organisation holding the user names in json. */
static int
bulk_read_usernames(struct store_tx *tx, struct account_bulk *b, const char *json)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_BULK_USERNAMES, &q, "it", b->org, json) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		char *k = bulk_username_key(b->a, store_text(q, ACCESS_BULK_USERNAMES_NAME));
		struct bulk_entry *e = k != NULL ? bulk_put(b->a, &b->usernames, k) : NULL;

		if (e == NULL) {
			rc = -1;
			break;
		}
		e->found = true;
		e->id = store_int(q, ACCESS_BULK_USERNAMES_ID);
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* The quality's applications and the organisation's GAP and co-GAPs. */
static int
bulk_read_apps_managers(struct store_tx *tx, struct account_bulk *b, const char *qcode)
{
	struct store_q *q;
	size_t cap = 0;
	int rc;

	if (store_query(tx, SQL_ACCESS_APPS_OF_QUALITY, &q, "tt", qcode, "fr") != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		b->apps = access_grow(b->a, b->apps, b->napps, &cap, sizeof(*b->apps));
		if (b->apps == NULL ||
		    access_dup(b->a, &b->apps[b->napps++], store_text(q, ACCESS_APPS_OF_QUALITY_CODE)) != 0) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	if (rc < 0 || store_query(tx, SQL_ACCESS_MANAGERS_OF_ORG, &q, "i", b->org) != 0)
		return -1;
	cap = 0;
	while ((rc = store_next(q)) == 1) {
		size_t c2 = cap;

		b->managers = access_grow(b->a, b->managers, b->nmanagers, &cap,
		    sizeof(*b->managers));
		b->manager_roles = access_grow(b->a, b->manager_roles, b->nmanagers, &c2,
		    sizeof(*b->manager_roles));
		if (b->managers == NULL || b->manager_roles == NULL) {
			rc = -1;
			break;
		}
		b->managers[b->nmanagers] = store_int(q, ACCESS_MANAGERS_OF_ORG_PERSON_ID);
		b->manager_roles[b->nmanagers++] =
		    access_role_bit(store_text(q, ACCESS_MANAGERS_OF_ORG_ROLE));
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

int
account_bulk_load(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    const char *qcode, const char *const *niss, const char *const *usernames, size_t n,
    struct account_bulk **out)
{
	struct account_bulk *b = arena_alloc(a, sizeof(*b));
	char *json_niss = NULL, *json_users = NULL;
	const char **keys = NULL;
	int rc = -1;

	*out = NULL;
	if (b == NULL)
		return -1;
	memset(b, 0, sizeof(*b));
	b->a = a;
	b->org = org;
	b->quality = quality;
	keys = arena_alloc(a, (n + 1) * sizeof(*keys));
	if (keys == NULL || bulk_map_init(a, &b->persons, n) != 0 ||
	    bulk_map_init(a, &b->accounts, n) != 0 || bulk_map_init(a, &b->usernames, n) != 0 ||
	    bulk_map_init(a, &b->reg, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* As validate reads it: trimmed, then any case. */
		const char *t = usernames[i] != NULL ? trimmed(a, usernames[i]) : NULL;

		keys[i] = t != NULL ? bulk_username_key(a, t) : NULL;
		if (usernames[i] != NULL && keys[i] == NULL)
			return -1;
	}
	json_niss = bulk_json(niss, n);
	json_users = bulk_json(keys, n);
	if (json_niss == NULL || json_users == NULL ||
	    bulk_read_persons(tx, b, json_niss) != 0 || bulk_read_grants(tx, b, json_niss) != 0 ||
	    registry_persons(tx, a, json_niss, bulk_register_one, b) != 0 ||
	    bulk_read_usernames(tx, b, json_users) != 0 ||
	    bulk_read_apps_managers(tx, b, qcode) != 0)
		goto done;
	/* The keys asked and not found are known to be absent: entries, not found. */
	for (size_t i = 0; i < n; i++) {
		if ((niss[i] != NULL && (bulk_put(a, &b->persons, niss[i]) == NULL ||
		    bulk_put(a, &b->reg, niss[i]) == NULL)) ||
		    (keys[i] != NULL && bulk_put(a, &b->usernames, keys[i]) == NULL))
			goto done;
	}
	*out = b;
	rc = 0;
done:
	free(json_niss);
	free(json_users);
	return rc;
}

void
account_bulk_forget(struct account_bulk *b, const char *niss, const char *username,
    const char *old_username)
{
	const char *names[2] = { username, old_username };
	struct bulk_entry *e;

	if (b == NULL)
		return;
	if (niss != NULL && (e = *bulk_slot(&b->persons, niss)) != NULL)
		e->stale = true;
	if (niss != NULL && (e = *bulk_slot(&b->reg, niss)) != NULL)
		e->stale = true;
	for (int i = 0; i < 2; i++) {
		const char *t = names[i] != NULL ? trimmed(b->a, names[i]) : NULL;
		char *k = t != NULL ? bulk_username_key(b->a, t) : NULL;

		if (k != NULL && (e = *bulk_slot(&b->usernames, k)) != NULL)
			e->stale = true;
	}
}

/* person_account from the bulk: 0, 1, 2 as there, or BULK_MISS. */
static int
bulk_person_account(const struct account_bulk *b, const char *niss, struct person_row *p,
    struct user_view *acc)
{
	const struct bulk_entry *e = b != NULL ? bulk_get(&b->persons, niss) : NULL;

	if (e == NULL)
		return BULK_MISS;
	if (!e->found)
		return 1;
	*p = e->p;
	if (!e->has_account)
		return 2;
	*acc = e->acc;
	acc->type = acc->since = "";
	acc->apps = NULL;
	acc->napps = 0;
	return 0;
}

/* member_view from the bulk: ACCESS_OK, ACCESS_NOT_FOUND, or BULK_MISS. */
static int
bulk_member_view(const struct account_bulk *b, int64_t account, struct user_view *v)
{
	char k[24];
	const struct bulk_entry *byid = b != NULL ?
	    bulk_get(&b->accounts, bulk_id_key(k, account)) : NULL;

	if (byid == NULL || byid->of == NULL || byid->of->stale)
		return BULK_MISS;
	if (!byid->of->member)
		return ACCESS_NOT_FOUND;
	*v = byid->of->acc;
	return ACCESS_OK;
}

/* register_names from the bulk: 0, or BULK_MISS. */
static int
bulk_register_names(const struct account_bulk *b, struct user_norm *n)
{
	const struct bulk_entry *e = b != NULL ? bulk_get(&b->reg, n->niss) : NULL;

	if (e == NULL)
		return BULK_MISS;
	if (e->found) {
		n->names_from_register = true;
		n->last_name = e->last_name;
		n->first_name = e->first_name;
	}
	return 0;
}

/* The account holding username (0: none) from the bulk: 0, or BULK_MISS. */
static int
bulk_username(const struct account_bulk *b, struct arena *a, const char *username,
    int64_t *id)
{
	const struct bulk_entry *e;
	char *k;

	if (b == NULL)
		return BULK_MISS;
	k = bulk_username_key(a, username);
	e = k != NULL ? bulk_get(&b->usernames, k) : NULL;
	if (e == NULL)
		return BULK_MISS;
	*id = e->found ? e->id : 0;
	return 0;
}

/* app_of_quality from the bulk (the quality's applications; the quality is the one the
 * bulk was loaded for): 1, 0, or BULK_MISS. */
static int
bulk_app_of_quality(const struct account_bulk *b, const char *code)
{
	if (b == NULL)
		return BULK_MISS;
	for (size_t i = 0; i < b->napps; i++)
		if (strcmp(b->apps[i], code) == 0)
			return 1;
	return 0;
}

int
account_bulk_manager_roles(const struct account_bulk *b, const struct actor *who,
    int64_t person, unsigned *roles)
{
	*roles = 0;
	if (person == 0 || person == who->person_id)
		return 0;
	for (size_t i = 0; i < b->nmanagers; i++)
		if (b->managers[i] == person)
			*roles |= b->manager_roles[i];
	return 0;
}

/* ---- prefill and validation ---- */

/* A user name suggested from names: "first.last", ASCII letters only, lower case, in a
 * ("" when none is valid); NULL when a is full. */
static const char *
suggest_username(struct arena *a, const char *first, const char *last)
{
	size_t n = ACCESS_USERNAME_MAX + 1, o = 0;
	const char *parts[2] = { first, last };
	char *out = arena_alloc(a, n);

	if (out == NULL)
		return NULL;
	for (int k = 0; k < 2; k++) {
		if (k == 1 && o > 0 && o + 1 < n)
			out[o++] = '.';
		for (const char *p = parts[k]; p && *p && o + 1 < n && o < 40; p++)
			if (isalpha((unsigned char)*p) && !((unsigned char)*p & 0x80))
				out[o++] = (char)tolower((unsigned char)*p);
	}
	out[o] = '\0';
	if (!value_ok(VALUE_USERNAME, out, ACCESS_USERNAME_MAX))
		out[0] = '\0';
	return out;
}

int
account_prefill(struct store_tx *tx, struct arena *a, int64_t org, const char *niss,
    struct user_prefill *out)
{
	static const char *const langs[] = { "fr", "nl", "de", "en", NULL };
	struct person_row p;
	struct user_view acc;
	struct reg_person rp;
	int rc;

	memset(out, 0, sizeof(*out));
	out->username = out->last_name = out->first_name = "";
	account_data_empty(&out->data);
	out->niss = arena_strdup(a, niss != NULL ? niss : "");
	if (out->niss == NULL)
		return -1;
	rc = person_account(tx, a, org, out->niss, &p, &acc);
	if (rc < 0)
		return -1;
	if (rc != 1) {
		out->names_locked = true;
		out->last_name = p.last_name;
		out->first_name = p.first_name;
		out->data.language = p.language;
		out->data.email = p.email;
	}
	if (rc == 0) {
		out->has_account = true;
		out->username = acc.username;
		out->data = acc.data;
	} else if (rc == 1 && registry_person(tx, a, niss, &rp) == 0) {
		/* Best effort: an unknown person or a register not imported leaves the names
		 * to type. The register's names: shown, not typed (account_validate keeps
		 * them). */
		out->names_locked = true;
		out->last_name = rp.last_name != NULL ? rp.last_name : "";
		out->first_name = rp.first_names != NULL ? rp.first_names : "";
		if (member_of(rp.language, langs) != NULL)
			out->data.language = member_of(rp.language, langs);
	}
	if (out->username[0] == '\0')
		out->username = suggest_username(a, out->first_name, out->last_name);
	return out->username != NULL ? 0 : -1;
}

/* The persons register's names for n->niss into n (names_from_register), texts in a: 0
 * (known or not), -1 on store errors. */
static int
register_names(struct store_tx *tx, struct arena *a, struct user_norm *n)
{
	struct reg_person rp;
	int rc = registry_person(tx, a, n->niss, &rp);

	if (rc == 0) {
		n->names_from_register = true;
		n->last_name = rp.last_name != NULL ? rp.last_name : "";
		n->first_name = rp.first_names != NULL ? rp.first_names : "";
	}
	return rc < 0 ? -1 : 0;
}

/* The NISS of in (or fixed_niss) into n->niss, in a; an error at "niss" when it is not
 * valid. Returns 0, or -1 when a is full. */
static int
validate_niss(struct arena *a, const struct user_input *in, const char *fixed_niss,
    struct user_norm *n, struct access_errors *err)
{
	struct be_niss parsed;
	enum be_reason why;

	if (fixed_niss != NULL) {
		n->niss = arena_strdup(a, fixed_niss);
		return n->niss != NULL ? 0 : -1;
	}
	if (in->niss == NULL || strlen(in->niss) > 31)
		why = in->niss == NULL || in->niss[0] == '\0' ? BE_EMPTY : BE_LENGTH;
	else
		why = be_niss_parse(in->niss, &parsed);
	if (why != BE_OK) {
		access_error_add(err, "niss", be_reason_msgid(why));
		return 0;
	}
	n->niss = arena_strdup(a, parsed.digits);
	return n->niss != NULL ? 0 : -1;
}

/* The applications ticked in in into n->apps (in a), each of catalogue quality qcode,
 * once. Returns 0 (refusals in err), or -1. */
static int
validate_apps(struct store_tx *tx, const struct account_bulk *b, struct arena *a,
    const char *qcode, const struct user_input *in, struct user_norm *n,
    struct access_errors *err)
{
	int rc;

	if (in->napps > ACCESS_MAX_APPS) {
		access_error_add(err, "apps", N_("Trop d'applications cochées."));
		return 0;
	}
	n->apps = arena_alloc(a, (in->napps + 1) * sizeof(*n->apps));
	if (n->apps == NULL)
		return -1;
	for (size_t i = 0; i < in->napps; i++) {
		const char *code = in->apps[i];
		bool dup = false;

		if (code == NULL || code[0] == '\0' || strlen(code) > CATALOGUE_CODE_MAX) {
			access_error_add(err, "apps",
			    N_("Une application cochée n'appartient pas à cette qualité."));
			break;
		}
		rc = bulk_app_of_quality(b, code);
		if (rc == BULK_MISS)
			rc = app_of_quality(tx, code, qcode);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			access_error_add(err, "apps",
			    N_("Une application cochée n'appartient pas à cette qualité."));
			break;
		}
		for (size_t k = 0; k < n->napps; k++)
			if (strcmp(n->apps[k], code) == 0)
				dup = true;
		if (dup)
			continue;
		n->apps[n->napps] = arena_strdup(a, code);
		if (n->apps[n->napps++] == NULL)
			return -1;
	}
	return 0;
}

/* account_validate, its reads answered by b where it knows them (b may be NULL). */
static int
validate(struct store_tx *tx, const struct account_bulk *b, struct arena *a, int64_t org,
    const char *qcode, const struct user_input *in, const char *fixed_niss,
    struct user_norm *n, struct access_errors *err)
{
	size_t before = err->n;
	struct person_row p;
	struct user_view acc;
	int rc;

	memset(n, 0, sizeof(*n));
	n->niss = n->last_name = n->first_name = "";
	n->username = trimmed(a, in->username);
	if (n->username == NULL || trimmed_data(a, &in->data, &n->data) != 0 ||
	    validate_niss(a, in, fixed_niss, n, err) != 0)
		return -1;
	/* The person: known people keep the names of their record. */
	if (n->niss[0] != '\0') {
		rc = bulk_person_account(b, n->niss, &p, &acc);
		if (rc == BULK_MISS)
			rc = person_account(tx, a, org, n->niss, &p, &acc);
		if (rc < 0)
			return -1;
		if (rc != 1) {
			n->person_id = p.id;
			n->last_name = p.last_name;
			n->first_name = p.first_name;
		}
		if (rc == 0) {
			n->account_id = acc.account_id;
			n->version = acc.version;
		}
	}
	/* Unknown to portier but known to the persons register: the register's names; a
	 * manager types names only for a person nobody knows (until their eID login). */
	if (n->person_id == 0 && n->niss[0] != '\0') {
		rc = bulk_register_names(b, n);
		if (rc == BULK_MISS)
			rc = register_names(tx, a, n);
		if (rc < 0)
			return -1;
	}
	if (n->person_id == 0 && !n->names_from_register) {
		n->last_name = trimmed(a, in->last_name);
		n->first_name = trimmed(a, in->first_name);
		if (n->last_name == NULL || n->first_name == NULL)
			return -1;
		check_name(err, "last_name", n->last_name, N_("Le nom est obligatoire."),
		    N_("Le nom contient des caractères non admis ou est trop long."));
		check_name(err, "first_name", n->first_name, N_("Le prénom est obligatoire."),
		    N_("Le prénom contient des caractères non admis ou est trop long."));
	}
	/* User name: free in the organisation, or already this person's. */
	if (check_required(err, "username", n->username, VALUE_USERNAME, ACCESS_USERNAME_MAX,
	    N_("Le nom d'utilisateur est obligatoire."),
	    N_("Le nom d'utilisateur compte de 3 à 64 caractères : lettres, chiffres, point, tiret, trait de soulignement ou @."))) {
		struct store_q *q;
		int64_t other = 0;

		rc = bulk_username(b, a, n->username, &other);
		if (rc == BULK_MISS) {
			if (store_query(tx, SQL_ACCESS_ACCOUNT_BY_USERNAME, &q, "it", org,
			    n->username) != 0)
				return -1;
			rc = store_next(q);
			if (rc == 1)
				other = store_int(q, ACCESS_ACCOUNT_BY_USERNAME_ID);
			store_done(q);
			if (rc < 0)
				return -1;
		}
		if (other != 0 && other != n->account_id)
			access_error_add(err, "username",
			    N_("Ce nom d'utilisateur est déjà utilisé dans votre organisation. Choisissez-en un autre."));
	}
	account_data_check(&n->data, report_error, err);
	/* Applications: each of this quality, once. */
	if (validate_apps(tx, b, a, qcode, in, n, err) != 0)
		return -1;
	return err->n > before ? 1 : 0;
}

int
account_validate(struct store_tx *tx, struct arena *a, int64_t org, const char *qcode,
    const struct user_input *in, const char *fixed_niss, struct user_norm *n,
    struct access_errors *err)
{
	return validate(tx, NULL, a, org, qcode, in, fixed_niss, n, err);
}

int
account_validate_bulk(struct store_tx *tx, const struct account_bulk *b, struct arena *a,
    int64_t org, const char *qcode, const struct user_input *in, struct user_norm *n,
    struct access_errors *err)
{
	return validate(tx, b, a, org, qcode, in, NULL, n, err);
}

/* ---- changes ---- */

/* A JSON object {"quality":q,"account":a,…} with the extra members given (NULL when out
 * of memory); audit_person releases it. */
static json_t *
details_json(int64_t quality, int64_t account, const char *key, const char *value,
    const char *list_key, const char *const *apps, size_t napps)
{
	json_t *j = json_object(), *arr;
	int bad = j == NULL;

	/* Any member that cannot be set (out of memory, text not UTF-8) drops the whole
	 * object: the change then fails rather than being audited with less. */
	if (!bad && quality > 0)
		bad = json_object_set_new(j, "quality", json_integer(quality)) != 0;
	if (!bad && account > 0)
		bad = json_object_set_new(j, "account", json_integer(account)) != 0;
	if (!bad && key != NULL && value != NULL)
		bad = json_object_set_new(j, key, json_string(value)) != 0;
	if (!bad && list_key != NULL) {
		arr = json_array();
		bad = arr == NULL;
		for (size_t i = 0; !bad && i < napps; i++)
			bad = json_array_append_new(arr, json_string(apps[i])) != 0;
		if (json_object_set_new(j, list_key, arr) != 0)
			bad = 1;
	}
	if (bad) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Audits action on person with details (released here; NULL fails). Returns 0 or -1. */
static int
audit_person(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, const char *action, int64_t person,
    json_t *details)
{
	char object[32];

	snprintf(object, sizeof(object), "person:%" PRId64, person);
	return access_audit_json(tx, who, actor, org, action, object, details);
}

/* The id of org's account named username (any case, as the unique index): 0, or -1 when
 * there is none or the read failed. */
static int
account_id_by_username(struct store_tx *tx, int64_t org, const char *username, int64_t *id)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_ACCOUNT_BY_USERNAME, &q, "it", org, username) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		*id = store_int(q, ACCESS_ACCOUNT_BY_USERNAME_ID);
	store_done(q);
	return rc == 1 ? 0 : -1;
}

/* Grants the n applications to account in quality, by person at time at, in one
 * statement. Returns 0, or -1 unless every one was inserted. */
static int
grants_insert(struct store_tx *tx, int64_t quality, int64_t account,
    const char *const *apps, size_t n, int64_t by, const char *at)
{
	char *json;
	int rc;

	if (n == 0)
		return 0;
	json = bulk_json(apps, n);
	if (json == NULL)
		return -1;
	rc = store_exec(tx, SQL_ACCESS_GRANT_INSERT_MANY, "iitIt", quality, account, json, by,
	    at);
	free(json);
	return rc == (int)n ? 0 : -1;
}

enum access_rc
account_add_member(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, int64_t quality, const char *type,
    struct user_norm *n)
{
	char at[CLOCK_TEXT_SIZE];
	int rc;

	if (n->person_id == 0) {
		struct person_seed seed = {
			.niss = n->niss, .last_name = n->last_name, .first_name = n->first_name,
			.language = n->data.language, .email = n->data.email,
			.names_from = n->names_from_register ? "register" : "manager",
		};
		bool created;

		if (person_ensure(tx, &seed, &n->person_id, &created) != 0)
			return ACCESS_ERROR;
		if (created && audit_person(tx, who, actor, org, "person.create", n->person_id,
		    details_json(0, 0, NULL, NULL, NULL, NULL, 0)) != 0)
			return ACCESS_ERROR;
	}
	if (n->account_id == 0) {
		rc = account_data_write(tx, SQL_ACCESS_ACCOUNT_INSERT, org, n->person_id,
		    n->username, &n->data);
		if (rc != 1)
			return ACCESS_ERROR;
		/* The new row's id by its unique key (org, user name), in this transaction: the
		 * insert goes through store_exec_vals, which returns no row. */
		if (account_id_by_username(tx, org, n->username, &n->account_id) != 0)
			return ACCESS_ERROR;
		n->version = 1;
	} else {
		rc = account_data_write(tx, SQL_ACCESS_ACCOUNT_UPDATE, n->account_id, n->version,
		    n->username, &n->data);
		if (rc == 0)
			return ACCESS_CONFLICT;
		if (rc != 1)
			return ACCESS_ERROR;
		n->version++;
	}
	rc = clock_text(clock_time(), at) != 0 ? -1 :
	    store_exec_try(tx, SQL_ACCESS_MEMBER_INSERT, "iitt", quality, n->account_id, type, at);
	if (rc == -2)
		return ACCESS_EXISTS;
	if (rc != 1)
		return ACCESS_ERROR;
	if (grants_insert(tx, quality, n->account_id, n->apps, n->napps, who->person_id,
	    at) != 0)
		return ACCESS_ERROR;
	if (audit_person(tx, who, actor, org, "user.add", n->person_id,
	    details_json(quality, n->account_id, "type", type, "applications", n->apps,
	    n->napps)) != 0)
		return ACCESS_ERROR;
	return ACCESS_OK;
}

/* Asks the policy for action on quality (on a person holding target_roles in org, the
 * GAP or a co-GAP, or 0); a refusal ends tx and is audited with target_person (0: none) as
 * object, an error ends it too. */
static enum access_rc
check(struct store *s, struct store_tx **tx, const struct actor *who, int64_t org,
    enum policy_action action, int64_t quality, unsigned target_roles, int64_t target_person,
    struct policy_actor *actor)
{
	struct policy_target t = { .quality = quality, .target_roles = target_roles };

	return access_check(s, tx, who, org, action, &t, target_person, actor);
}

/* Opens tx on org's quality (its catalogue code to qcode, which may be NULL) and asks the
 * policy whether who manages its users. On anything but ACCESS_OK tx has been ended. */
static enum access_rc
open_quality(struct store *s, enum store_mode mode, const struct actor *who,
    int64_t org, int64_t quality, struct store_tx **tx, struct arena *a, const char **qcode,
    struct policy_actor *actor)
{
	int rc;

	if (store_begin(s, mode, tx) != 0)
		return ACCESS_ERROR;
	rc = quality_read(*tx, a, org, quality, "fr", qcode, NULL);
	if (rc != 0) {
		store_rollback(tx);
		*tx = NULL;
		return rc > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	return check(s, tx, who, org, POLICY_MANAGE_USERS, quality, 0, 0, actor);
}

/* open_quality to add a user of type to the quality: a co-manager (COGL) also needs the
 * right to designate one. */
static enum access_rc
open_to_add(struct store *s, enum store_mode mode, const struct actor *who,
    int64_t org, int64_t quality, const char *type, struct store_tx **tx, struct arena *a,
    const char **qcode, struct policy_actor *actor)
{
	enum access_rc rc = open_quality(s, mode, who, org, quality, tx, a, qcode, actor);

	if (rc == ACCESS_OK && type != NULL && strcmp(type, "COGL") == 0)
		rc = check(s, tx, who, org, POLICY_DESIGNATE_COGL, quality, 0, 0, actor);
	return rc;
}

static bool
valid_type(const char *type)
{
	return type != NULL && (strcmp(type, "USER") == 0 || strcmp(type, "COGL") == 0);
}

/* Whether the person is org's GAP: 1, 0, or -1. */
static int
is_gap(struct store_tx *tx, int64_t org, int64_t person)
{
	int64_t gap = org_gap(tx, org);

	if (gap < 0)
		return -1;
	return person != 0 && gap == person;
}

/* When person's account is another manager's (manager_roles), asks the policy again for
 * the quality's users with that person as target; *roles (may be NULL) receives their
 * roles. On anything but ACCESS_OK tx has been ended. */
static enum access_rc
check_other_manager(struct store *s, struct store_tx **tx, const struct actor *who,
    int64_t org, int64_t quality, int64_t person, struct policy_actor *actor,
    unsigned *roles)
{
	unsigned r;

	if (access_manager_roles(*tx, who, org, person, &r) != 0) {
		store_rollback(tx);
		*tx = NULL;
		return ACCESS_ERROR;
	}
	if (roles != NULL)
		*roles = r;
	if (r == 0)
		return ACCESS_OK;
	return check(s, tx, who, org, POLICY_MANAGE_USERS, quality, r, person, actor);
}

enum access_rc
account_prepare(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *niss, const char *type, struct arena *a,
    struct user_prefill *out, struct access_errors *err)
{
	struct policy_actor actor;
	struct store_tx *tx;
	struct be_niss parsed;
	struct person_row p;
	struct user_view acc;
	enum be_reason why;
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	memset(out, 0, sizeof(*out));
	rc = open_to_add(s, STORE_READ, who, org, quality, type, &tx, NULL, NULL, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (!valid_type(type))
		access_error_add(err, "type", N_("Choisissez un type d'utilisateur de la liste."));
	why = niss == NULL || niss[0] == '\0' ? BE_EMPTY : strlen(niss) > 31 ? BE_LENGTH :
	    be_niss_parse(niss, &parsed);
	if (why != BE_OK) {
		access_error_add(err, "niss", be_reason_msgid(why));
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	r = person_account(tx, a, org, parsed.digits, &p, &acc);
	if (r == 0)
		r = member_type(tx, NULL, quality, acc.account_id, NULL, NULL);
	if (r < 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	if (r == 0)
		access_error_add(err, "niss",
		    N_("Cette personne est déjà utilisateur de cette qualité."));
	if (err->n > 0) {
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	r = account_prefill(tx, a, org, parsed.digits, out);
	store_rollback(&tx);
	return r == 0 ? ACCESS_OK : ACCESS_ERROR;
}

static enum access_rc member_view(struct store_tx *tx, struct arena *a, int64_t org,
    int64_t quality, int64_t account, struct user_view *v);
static enum access_rc status_write(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, int64_t quality,
    const struct user_view *v, int64_t version, bool suspend);

/* Suspends the account just added to quality (a creation asked suspended: SCIM
 * active:false), in the creation's transaction; one already suspended stays so. */
static enum access_rc
suspend_new(struct store_tx *tx, const struct actor *who, const struct policy_actor *actor,
    int64_t org, int64_t quality, int64_t account, struct arena *a)
{
	struct user_view v;
	enum access_rc rc = member_view(tx, a, org, quality, account, &v);

	if (rc != ACCESS_OK)
		return rc == ACCESS_NOT_FOUND ? ACCESS_ERROR : rc;
	if (strcmp(v.status, "active") != 0)
		return ACCESS_OK;
	return status_write(tx, who, actor, org, quality, &v, v.version, true);
}

/* Creation (commit) or its check (no commit), read in a; names (may be NULL) receives
 * the names the person will carry. */
static enum access_rc
user_new(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct user_input *in, struct access_errors *err, bool commit, int64_t *account_id,
    struct arena *a, struct user_names *names)
{
	struct policy_actor actor;
	struct store_tx *tx;
	struct user_norm n;
	const char *qcode;
	enum access_rc rc;
	int r;

	rc = open_to_add(s, commit ? STORE_WRITE : STORE_READ, who, org, quality, in->type,
	    &tx, a, &qcode, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (!valid_type(in->type))
		access_error_add(err, "type", N_("Choisissez un type d'utilisateur de la liste."));
	r = account_validate(tx, a, org, qcode, in, NULL, &n, err);
	if (r < 0)
		goto fail;
	if (names != NULL) {
		names->locked = n.person_id != 0 || n.names_from_register;
		if (names->locked) {
			names->last_name = n.last_name;
			names->first_name = n.first_name;
		}
	}
	if (n.account_id != 0) {
		r = member_type(tx, NULL, quality, n.account_id, NULL, NULL);
		if (r < 0)
			goto fail;
		if (r == 0) {
			access_error_add(err, "niss",
			    N_("Cette personne est déjà utilisateur de cette qualité."));
			store_rollback(&tx);
			return ACCESS_EXISTS;
		}
	}
	if (in->suspend && n.person_id != 0 && n.person_id == who->person_id)
		access_error_add(err, "status", N_("Vous ne pouvez pas suspendre votre propre compte."));
	if (err->n > 0) {
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	/* Changing the account of the GAP or a co-GAP is acting on the GAP. */
	rc = check_other_manager(s, &tx, who, org, quality, n.person_id, &actor, NULL);
	if (rc != ACCESS_OK)
		return rc;
	if (!commit) {
		store_rollback(&tx);
		return ACCESS_OK;
	}
	rc = account_add_member(tx, who, &actor, org, quality, in->type, &n);
	if (rc == ACCESS_CONFLICT)
		access_error_add(err, "username",
		    N_("Les données de cette personne ont été modifiées entre-temps. Vérifiez-les et recommencez."));
	if (rc == ACCESS_OK && in->suspend)
		rc = suspend_new(tx, who, &actor, org, quality, n.account_id, a);
	if (rc != ACCESS_OK) {
		store_rollback(&tx);
		return rc;
	}
	if (store_commit(&tx) != 0)
		return ACCESS_ERROR;
	if (account_id != NULL)
		*account_id = n.account_id;
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

/* user_new in an arena of this call's own (nothing read is returned). */
static enum access_rc
user_new_own(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct user_input *in, struct access_errors *err, bool commit, int64_t *account_id)
{
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	enum access_rc rc;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = user_new(s, who, org, quality, in, err, commit, account_id, a, NULL);
	arena_free(a);
	return rc;
}

enum access_rc
account_check(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct user_input *in, struct access_errors *err)
{
	return user_new_own(s, who, org, quality, in, err, false, NULL);
}

enum access_rc
account_check_names(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_input *in, struct access_errors *err,
    struct arena *a, struct user_names *names)
{
	memset(err, 0, sizeof(*err));
	memset(names, 0, sizeof(*names));
	if ((access_dup(a, &names->last_name, in->last_name) |
	    access_dup(a, &names->first_name, in->first_name)) != 0)
		return ACCESS_ERROR;
	return user_new(s, who, org, quality, in, err, false, NULL, a, names);
}

enum access_rc
account_create(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct user_input *in, struct access_errors *err, int64_t *account_id)
{
	return user_new_own(s, who, org, quality, in, err, true, account_id);
}

enum access_rc
account_member_view(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    int64_t account, struct user_view *v);

/* Reads account and its membership of quality into v (texts in a): ACCESS_OK or
 * ACCESS_NOT_FOUND. */
static enum access_rc
member_view(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    int64_t account, struct user_view *v)
{
	int r = account_read(tx, a, org, account, v);

	if (r == 0)
		r = member_type(tx, a, quality, account, &v->type, &v->since);
	if (r < 0)
		return ACCESS_ERROR;
	if (r > 0)
		return ACCESS_NOT_FOUND;
	v->quality = quality;
	r = grants_read(tx, a, quality, account, &v->apps);
	if (r < 0)
		return ACCESS_ERROR;
	v->napps = (size_t)r;
	return ACCESS_OK;
}

enum access_rc
account_member_view(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    int64_t account, struct user_view *v)
{
	return member_view(tx, a, org, quality, account, v);
}

enum access_rc
account_member_view_bulk(struct store_tx *tx, const struct account_bulk *b,
    struct arena *a, int64_t org, int64_t quality, int64_t account, struct user_view *v)
{
	int rc = b != NULL && b->quality == quality ? bulk_member_view(b, account, v) : BULK_MISS;

	return rc == BULK_MISS ? member_view(tx, a, org, quality, account, v) :
	    (enum access_rc)rc;
}

/* Opens a write tx for a change of the member account of quality (open_quality), reads it
 * into v (member_view, texts in a) and, when it is another manager's, checks the policy
 * again (check_other_manager, *other). On anything but ACCESS_OK tx has been ended. */
static enum access_rc
open_member(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account, struct store_tx **tx, struct arena *a, const char **qcode,
    struct policy_actor *actor, struct user_view *v, unsigned *other)
{
	enum access_rc rc = open_quality(s, STORE_WRITE, who, org, quality, tx, a, qcode, actor);

	if (rc != ACCESS_OK)
		return rc;
	rc = member_view(*tx, a, org, quality, account, v);
	if (rc != ACCESS_OK) {
		store_rollback(tx);
		*tx = NULL;
		return rc;
	}
	return check_other_manager(s, tx, who, org, quality, v->person_id, actor, other);
}

enum access_rc
account_get(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account_id, struct arena *a, struct user_view *out)
{
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	int r;

	rc = open_quality(s, STORE_READ, who, org, quality, &tx, NULL, NULL, &actor);
	if (rc != ACCESS_OK)
		return rc;
	rc = member_view(tx, a, org, quality, account_id, out);
	if (rc == ACCESS_OK) {
		r = is_gap(tx, org, out->person_id);
		if (r < 0)
			rc = ACCESS_ERROR;
		out->is_gap = r == 1;
		out->is_self = out->person_id == who->person_id;
	}
	store_rollback(&tx);
	return rc;
}

static bool
contains(const char *const *apps, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(apps[i], code) == 0)
			return true;
	return false;
}

enum access_rc
account_change_member(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, int64_t quality, const char *qcode,
    const struct user_view *v, const struct user_input *in, const char *new_type,
    bool apply, struct arena *a, struct access_errors *err, bool *changed)
{
	return account_change_member_bulk(tx, NULL, who, actor, org, quality, qcode, v, in,
	    new_type, apply, a, err, changed);
}

enum access_rc
account_change_member_bulk(struct store_tx *tx, const struct account_bulk *b,
    const struct actor *who, const struct policy_actor *actor, int64_t org, int64_t quality,
    const char *qcode, const struct user_view *v, const struct user_input *in,
    const char *new_type, bool apply, struct arena *a, struct access_errors *err,
    bool *changed)
{
	char at[CLOCK_TEXT_SIZE];
	const char **added, **removed;
	size_t nadded = 0, nremoved = 0;
	bool data_changed, type_changed = strcmp(new_type, v->type) != 0;
	struct user_norm n;
	int r;

	*changed = false;
	r = validate(tx, b, a, org, qcode, in, v->niss, &n, err);
	if (r < 0)
		return ACCESS_ERROR;
	if (err->n > 0)
		return ACCESS_INVALID;
	added = arena_alloc(a, (n.napps + 1) * sizeof(*added));
	removed = arena_alloc(a, (v->napps + 1) * sizeof(*removed));
	if (added == NULL || removed == NULL)
		return ACCESS_ERROR;
	for (size_t i = 0; i < n.napps; i++)
		if (!contains(v->apps, v->napps, n.apps[i]))
			added[nadded++] = n.apps[i];
	for (size_t i = 0; i < v->napps; i++)
		if (!contains(n.apps, n.napps, v->apps[i]))
			removed[nremoved++] = v->apps[i];
	data_changed = strcmp(n.username, v->username) != 0 ||
	    !account_data_same(&n.data, &v->data);
	*changed = data_changed || nadded > 0 || nremoved > 0 || type_changed;
	if (!*changed || !apply)
		return ACCESS_OK;       /* nothing to save, or only the classification */
	r = data_changed ?
	    account_data_write(tx, SQL_ACCESS_ACCOUNT_UPDATE, v->account_id, v->version,
	    n.username, &n.data) :
	    clock_text(clock_time(), at) != 0 ? -1 :
	    store_exec(tx, SQL_ACCESS_ACCOUNT_TOUCH, "iit", v->account_id, v->version, at);
	if (r == 0)
		return ACCESS_CONFLICT;
	if (r != 1)
		return ACCESS_ERROR;
	if (data_changed && audit_person(tx, who, actor, org, "user.update", v->person_id,
	    details_json(quality, v->account_id, NULL, NULL, NULL, NULL, 0)) != 0)
		return ACCESS_ERROR;
	/* The membership's since and the grants' granted_at: the service's clock. */
	if (clock_text(clock_time(), at) != 0)
		return ACCESS_ERROR;
	if (type_changed && (store_exec(tx, SQL_ACCESS_MEMBER_SET_TYPE, "iitt", quality,
	    v->account_id, new_type, at) != 1 ||
	    audit_person(tx, who, actor, org, strcmp(new_type, "COGL") == 0 ?
	    "user.cogl.designate" : "user.cogl.withdraw", v->person_id,
	    details_json(quality, v->account_id, "type", new_type, NULL, NULL, 0)) != 0))
		return ACCESS_ERROR;
	if (grants_insert(tx, quality, v->account_id, added, nadded, who->person_id, at) != 0)
		return ACCESS_ERROR;
	for (size_t i = 0; i < nremoved; i++)
		if (store_exec(tx, SQL_ACCESS_GRANT_DELETE, "iit", quality, v->account_id,
		    removed[i]) != 1)
			return ACCESS_ERROR;
	if (nadded > 0 && audit_person(tx, who, actor, org, "grant.add", v->person_id,
	    details_json(quality, v->account_id, NULL, NULL, "applications", added,
	    nadded)) != 0)
		return ACCESS_ERROR;
	if (nremoved > 0 && audit_person(tx, who, actor, org, "grant.remove", v->person_id,
	    details_json(quality, v->account_id, NULL, NULL, "applications", removed,
	    nremoved)) != 0)
		return ACCESS_ERROR;
	return ACCESS_OK;
}

/* Sets the status of the member v (read at version, in tx) to suspended or active, with
 * its audit event; a suspension ends the account's sessions at the relying parties
 * (back-channel logout) and at the SAML SPs (SOAP LogoutRequests), in this transaction.
 * ACCESS_OK, ACCESS_CONFLICT or ACCESS_ERROR. */
static enum access_rc
status_write(struct store_tx *tx, const struct actor *who, const struct policy_actor *actor,
    int64_t org, int64_t quality, const struct user_view *v, int64_t version, bool suspend)
{
	char at[CLOCK_TEXT_SIZE];
	int r = clock_text(clock_time(), at) != 0 ? -1 :
	    store_exec(tx, SQL_ACCESS_ACCOUNT_SET_STATUS, "iitt", v->account_id, version,
	    suspend ? "suspended" : "active", at);

	if (r != 1)
		return r == 0 ? ACCESS_CONFLICT : ACCESS_ERROR;
	if (audit_person(tx, who, actor, org, suspend ? "user.suspend" : "user.reactivate",
	    v->person_id, details_json(quality, v->account_id, NULL, NULL, NULL, NULL, 0)) != 0 ||
	    (suspend && (oidc_backchannel_account(tx, v->account_id, 0, "suspended") != 0 ||
	    saml_backchannel_account(tx, v->account_id, 0, v->person_id, "suspended",
	    clock_time()) != 0)))
		return ACCESS_ERROR;
	return ACCESS_OK;
}

/* The edition form's changes (in, NULL: none) and the status (suspend: 1 suspends, 0
 * reactivates, -1 leaves it) of the member read at version, in one transaction: both
 * or neither. */
static enum access_rc
update(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account_id, int64_t version, const struct user_input *in, int suspend,
    struct access_errors *err)
{
	const char *qcode, *new_type;
	struct policy_actor actor;
	struct store_tx *tx = NULL;
	struct user_view v;
	enum access_rc rc;
	unsigned other_manager;
	struct arena *a;
	bool changed = false, status_changes;

	memset(err, 0, sizeof(*err));
	/* What is read and validated here: this call's own arena. */
	a = arena_new(ACCESS_CALL_ARENA);
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_member(s, who, org, quality, account_id, &tx, a, &qcode, &actor, &v,
	    &other_manager);
	if (rc != ACCESS_OK)
		goto done;
	status_changes = suspend >= 0 && (strcmp(v.status, "active") == 0) == (suspend == 1);
	if (status_changes && suspend == 1 && v.person_id == who->person_id)
		access_error_add(err, "status", N_("Vous ne pouvez pas suspendre votre propre compte."));
	/* USER <-> COGL is designating (or withdrawing) a co-manager. */
	new_type = v.type;
	if (in != NULL && strcmp(v.type, "GL") != 0 && in->type != NULL && in->type[0] != '\0') {
		if (!valid_type(in->type)) {
			access_error_add(err, "type", N_("Choisissez un type d'utilisateur de la liste."));
		} else if (strcmp(in->type, v.type) != 0) {
			rc = check(s, &tx, who, org, POLICY_DESIGNATE_COGL, quality, other_manager,
			    v.person_id, &actor);
			if (rc != ACCESS_OK)
				goto done;
			new_type = in->type;
		}
	}
	if (err->n > 0) {
		/* The other fields' errors too, as before. */
		struct user_norm n;

		rc = in != NULL && account_validate(tx, a, org, qcode, in, v.niss, &n, err) < 0 ?
		    ACCESS_ERROR : ACCESS_INVALID;
		goto done;
	}
	/* Validated first: a stale version is a conflict only once the input is valid. */
	if (in != NULL) {
		rc = account_change_member(tx, who, &actor, org, quality, qcode, &v, in, new_type,
		    false, a, err, &changed);
		if (rc != ACCESS_OK)
			goto done;
	}
	if (version != v.version) {
		rc = ACCESS_CONFLICT;
		goto done;
	}
	if (!changed && !status_changes)
		goto done;          /* nothing to save */
	if (changed) {
		rc = account_change_member(tx, who, &actor, org, quality, qcode, &v, in, new_type,
		    true, a, err, &changed);
		version++;          /* the account's row was updated (or touched) once */
	}
	if (rc == ACCESS_OK && status_changes)
		rc = status_write(tx, who, &actor, org, quality, &v, version, suspend == 1);
	if (rc == ACCESS_OK)
		rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

enum access_rc
account_update(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account_id, int64_t version, const struct user_input *in,
    struct access_errors *err)
{
	return update(s, who, org, quality, account_id, version, in, -1, err);
}

enum access_rc
account_update_status(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account_id, int64_t version, const struct user_input *in,
    int suspend, struct access_errors *err)
{
	return update(s, who, org, quality, account_id, version, in, suspend, err);
}

enum access_rc
account_set_status(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account_id, int64_t version, bool suspend,
    struct access_errors *err)
{
	const char *status = suspend ? "suspended" : "active";
	struct policy_actor actor;
	struct store_tx *tx = NULL;
	struct user_view v;
	enum access_rc rc;
	struct arena *a;

	memset(err, 0, sizeof(*err));
	a = arena_new(ACCESS_CALL_ARENA);     /* the account as read, for this call */
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_member(s, who, org, quality, account_id, &tx, a, NULL, &actor, &v, NULL);
	if (rc != ACCESS_OK)
		goto done;
	if (v.person_id == who->person_id) {
		access_error_add(err, "status", N_("Vous ne pouvez pas suspendre votre propre compte."));
		rc = ACCESS_INVALID;
		goto done;
	}
	if (version != v.version) {
		rc = ACCESS_CONFLICT;
		goto done;
	}
	if (strcmp(v.status, status) == 0) {
		rc = ACCESS_EXISTS;
		goto done;
	}
	rc = status_write(tx, who, &actor, org, quality, &v, version, suspend);
	if (rc == ACCESS_OK)
		rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

enum access_rc
account_remove(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const int64_t *accounts, size_t n, size_t *removed, struct access_errors *err)
{
	struct policy_actor actor;
	struct store_tx *tx = NULL;
	struct user_view v;
	enum access_rc rc;
	struct arena *a;
	size_t count = 0;
	unsigned roles;

	memset(err, 0, sizeof(*err));
	*removed = 0;
	if (n == 0 || n > ACCESS_MAX_SELECTED) {
		access_error_add(err, "selection", n == 0 ?
		    N_("Sélectionnez au moins un utilisateur.") :
		    N_("Trop d'utilisateurs sélectionnés en une fois."));
		return ACCESS_INVALID;
	}
	a = arena_new(ACCESS_CALL_ARENA);     /* the accounts as read, for this call */
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_quality(s, STORE_WRITE, who, org, quality, &tx, NULL, NULL, &actor);
	if (rc != ACCESS_OK)
		goto done;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen = seen || accounts[k] == accounts[i];
		if (seen)
			continue;
		rc = member_view(tx, a, org, quality, accounts[i], &v);
		if (rc != ACCESS_OK)
			goto done;
		if (access_manager_roles(tx, who, org, v.person_id, &roles) != 0) {
			rc = ACCESS_ERROR;
			goto done;
		}
		if (roles != 0 || strcmp(v.type, "COGL") == 0) {
			rc = check(s, &tx, who, org, strcmp(v.type, "COGL") == 0 ?
			    POLICY_DESIGNATE_COGL : POLICY_MANAGE_USERS, quality, roles,
			    v.person_id, &actor);
			if (rc != ACCESS_OK)
				goto done;
		}
		if (strcmp(v.type, "GL") == 0) {
			access_error_add(err, "selection",
			    N_("Le gestionnaire local ne peut pas être supprimé : désignez d'abord un autre gestionnaire local."));
			rc = ACCESS_INVALID;
			goto done;
		}
		count++;
		/* Before the rows go (grants of a deleted account go with it): the relying
		 * parties and the SAML SPs with a session of the removed user are told
		 * (back-channel logout, SOAP LogoutRequests). */
		if (oidc_backchannel_account(tx, accounts[i], quality, "removed") != 0 ||
		    saml_backchannel_account(tx, accounts[i], quality, v.person_id, "removed",
		    clock_time()) != 0 ||
		    store_exec(tx, SQL_ACCESS_MEMBER_DELETE, "ii", quality, accounts[i]) != 1 ||
		    store_exec(tx, SQL_ACCESS_ACCOUNT_DELETE_UNUSED, "i", accounts[i]) < 0 ||
		    audit_person(tx, who, &actor, org, "user.remove", v.person_id,
		    details_json(quality, accounts[i], "type", v.type, "applications", v.apps,
		    v.napps)) != 0) {
			rc = ACCESS_ERROR;
			goto done;
		}
	}
	rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
	if (rc == ACCESS_OK)
		*removed = count;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}
