/* subdept.c — sub-departments of an organisation (issue 16 part 4): their tree, their
 * managers and users per quality, and the policy cells around them (docs/subdepartments.md).
 * Each operation is one transaction; a refusal is audited and changes nothing. */
#include "access/subdept.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "access/actor.h"
#include "access/quality.h"
#include "access/service.h"
#include "access/sql.h"
#include "access/subdept_sql.h"
#include "base/clock.h"
#include "base/msgid.h"
#include "value/value.h"

int
subdept_actor(struct store_tx *tx, int64_t org, int64_t person, struct policy_actor *actor)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_SUBDEPT_MANAGED, &q, "ii", org, person) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		actor->roles |= ROLE_SUB_GL;
		if (actor->nmanaged_sub < POLICY_MAX_QUALITIES) {
			actor->managed_sub[actor->nmanaged_sub].quality =
			    store_int(q, SUBDEPT_MANAGED_QUALITY);
			actor->managed_sub[actor->nmanaged_sub++].subdept =
			    store_int(q, SUBDEPT_MANAGED_SUBDEPT);
		}
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

int
subdept_of_member(struct store_tx *tx, struct arena *a, int64_t quality, int64_t account,
    const char **name)
{
	struct store_q *q;
	int rc;

	*name = "";
	if (store_query(tx, SQL_SUBDEPT_OF_MEMBER, &q, "ii", quality, account) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && access_dup(a, name, store_text(q, SUBDEPT_OF_MEMBER_NAME)) != 0)
		rc = -1;
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* The actor of who in org with their sub-departments, and the policy's answer for action
 * on t. Returns ACCESS_OK, ACCESS_DENIED (*why set) or ACCESS_ERROR. */
static enum access_rc
allow(struct store_tx *tx, const struct actor *who, int64_t org, enum policy_action action,
    const struct policy_target *t, struct policy_actor *actor, enum policy_reason *why)
{
	if (access_actor(tx, who->person_id, org, (enum loa)who->level, actor) != 0 ||
	    subdept_actor(tx, org, who->person_id, actor) != 0)
		return ACCESS_ERROR;
	*why = policy_check(action, actor, t);
	return *why == POLICY_ALLOWED ? ACCESS_OK : ACCESS_DENIED;
}

/* Asks the policy inside *tx; a refusal ends *tx and is audited with object (may be
 * NULL), an error ends it too. */
static enum access_rc
check(struct store *s, struct store_tx **tx, const struct actor *who, int64_t org,
    enum policy_action action, const struct policy_target *t, const char *object,
    struct policy_actor *actor)
{
	enum policy_reason why = POLICY_ALLOWED;
	enum access_rc rc = allow(*tx, who, org, action, t, actor, &why);

	if (rc == ACCESS_DENIED)
		return access_refuse(s, tx, who, org, action, why, t->quality, object);
	if (rc != ACCESS_OK) {
		store_rollback(tx);
		*tx = NULL;
	}
	return rc;
}

/* Ends *tx with rc (a rollback unless rc is ACCESS_OK and the commit succeeds). */
static enum access_rc
finish(struct store_tx **tx, enum access_rc rc)
{
	if (rc == ACCESS_OK)
		return store_commit(tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
	store_rollback(tx);
	return rc;
}

static const char *
object_of(char buf[40], const char *kind, int64_t id)
{
	snprintf(buf, 40, "%s:%" PRId64, kind, id);
	return buf;
}

/* Reads sub-department id of org into *row (texts in a, may be NULL). Returns 0, 1 (none
 * there) or -1. */
static int
read_one(struct store_tx *tx, struct arena *a, int64_t org, int64_t id, struct subdept_row *row)
{
	struct store_q *q;
	int rc;

	memset(row, 0, sizeof(*row));
	if (id <= 0)
		return 1;
	if (store_query(tx, SQL_SUBDEPT_GET, &q, "ii", org, id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		row->id = store_int(q, SUBDEPT_ID);
		row->parent_id = store_int(q, SUBDEPT_PARENT);
		row->version = store_int(q, SUBDEPT_VERSION);
		row->members = store_int(q, SUBDEPT_MEMBERS_N);
		row->children = store_int(q, SUBDEPT_CHILDREN_N);
		if (a != NULL && (access_dup(a, &row->name, store_text(q, SUBDEPT_NAME)) |
		    access_dup(a, &row->establishment, store_text(q, SUBDEPT_ESTABLISHMENT))) != 0)
			rc = -1;
	}
	store_done(q);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

/* Column col of q's first row (0: no row), or -1 when the read fails; q is done after. */
static int64_t
first_int(struct store_q *q, int col)
{
	int rc = store_next(q);
	int64_t v = rc == 1 ? store_int(q, col) : 0;

	store_done(q);
	return rc < 0 ? -1 : v;
}

/* The id found by a one-column statement (0: none), or -1. */
static int64_t
find_id(struct store_tx *tx, int id, int64_t org, const char *text)
{
	struct store_q *q;

	if (store_query(tx, id, &q, "it", org, text) != 0)
		return -1;
	return first_int(q, SUBDEPT_ID_ID);
}

/* A positive decimal id of at most 18 digits, or 0. */
static int64_t
parse_id(const char *s)
{
	int64_t v = 0;
	size_t n = 0;

	for (; s != NULL && *s >= '0' && *s <= '9' && n < 18; s++, n++)
		v = v * 10 + (*s - '0');
	return s != NULL && *s == '\0' && n > 0 ? v : 0;
}

/* ---- reading ---- */

static int
row_subdept(struct store_q *q, struct arena *a, void *elem)
{
	struct subdept_row *r = elem;

	r->id = store_int(q, SUBDEPT_ID);
	r->parent_id = store_int(q, SUBDEPT_PARENT);
	r->version = store_int(q, SUBDEPT_VERSION);
	r->members = store_int(q, SUBDEPT_MEMBERS_N);
	r->children = store_int(q, SUBDEPT_CHILDREN_N);
	return access_dup(a, &r->name, store_text(q, SUBDEPT_NAME)) |
	    access_dup(a, &r->establishment, store_text(q, SUBDEPT_ESTABLISHMENT));
}

static int
row_member(struct store_q *q, struct arena *a, void *elem)
{
	struct subdept_member_row *m = elem;

	m->subdept_id = store_int(q, SUBDEPT_M_SUBDEPT);
	m->quality = store_int(q, SUBDEPT_M_QUALITY);
	m->account_id = store_int(q, SUBDEPT_M_ACCOUNT);
	return access_dup(a, &m->type, store_text(q, SUBDEPT_M_TYPE)) |
	    access_dup(a, &m->username, store_text(q, SUBDEPT_M_USERNAME)) |
	    access_dup(a, &m->status, store_text(q, SUBDEPT_M_STATUS)) |
	    access_dup(a, &m->last_name, store_text(q, SUBDEPT_M_LAST_NAME)) |
	    access_dup(a, &m->first_name, store_text(q, SUBDEPT_M_FIRST_NAME)) |
	    access_dup(a, &m->apps, store_text(q, SUBDEPT_M_APPS));
}

static int
row_unit(struct store_q *q, struct arena *a, void *elem)
{
	struct subdept_unit *u = elem;

	return access_dup(a, &u->number, store_text(q, SUBDEPT_UNIT_NUMBER)) |
	    access_dup(a, &u->name, store_text(q, SUBDEPT_UNIT_NAME));
}

static int
row_quality(struct store_q *q, struct arena *a, void *elem)
{
	struct subdept_quality *x = elem;

	x->id = store_int(q, ACCESS_ORG_QUALITY_ID);
	return access_dup(a, &x->code, store_text(q, ACCESS_ORG_QUALITY_QUALITY)) |
	    access_dup(a, &x->name, store_text(q, ACCESS_ORG_QUALITY_NAME));
}

/* Puts rows in tree order (each parent followed by its children, by name within a level)
 * with their depth. A parent outside the list (cannot happen: same organisation, foreign
 * key) leaves the row at the top. Returns 0, or -1 when a is full. */
static int
tree_order(struct arena *a, struct subdept_row *rows, size_t n)
{
	struct subdept_row *out;
	bool *done;
	size_t k = 0;

	if (n == 0)
		return 0;
	out = arena_alloc(a, n * sizeof(*out));
	done = arena_alloc(a, n * sizeof(*done));
	if (out == NULL || done == NULL)
		return -1;
	memset(done, 0, n * sizeof(*done));
	/* Depth-first from the roots; the stack is the output itself (children appended right
	 * after their parent by a scan per placed row: n is small, a page's worth). */
	for (size_t i = 0; i < n; i++) {
		bool root = rows[i].parent_id == 0;

		for (size_t j = 0; !root && j < n; j++)
			if (rows[j].id == rows[i].parent_id)
				break;
			else if (j == n - 1)
				root = true;
		if (!root || done[i])
			continue;
		done[i] = true;
		out[k] = rows[i];
		out[k++].depth = 0;
		for (size_t p = k - 1; p < k; p++)
			for (size_t j = 0, at = p + 1; j < n; j++)
				if (!done[j] && rows[j].parent_id == out[p].id) {
					done[j] = true;
					memmove(&out[at + 1], &out[at], (k - at) * sizeof(*out));
					out[at] = rows[j];
					out[at++].depth = out[p].depth + 1;
					k++;
				}
	}
	/* A cycle (not storable through the services) would leave rows out: keep them. */
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			out[k++] = rows[i];
	memcpy(rows, out, n * sizeof(*out));
	return 0;
}

static enum access_rc
read_lists(struct store_tx *tx, const struct actor *who, int64_t org, struct arena *a,
    struct subdept_view *out)
{
	struct access_list l = { 0 };
	struct store_q *q;

	if (store_query(tx, SQL_SUBDEPT_LIST, &q, "i", org) != 0 ||
	    access_read_rows(q, a, &l, sizeof(struct subdept_row), row_subdept) != 0)
		return ACCESS_ERROR;
	out->rows = l.v;
	out->n = l.n;
	if (tree_order(a, out->rows, out->n) != 0)
		return ACCESS_ERROR;
	memset(&l, 0, sizeof(l));
	if (store_query(tx, SQL_SUBDEPT_MEMBERS, &q, "ii", org, (int64_t)SUBDEPT_MEMBERS_MAX) != 0 ||
	    access_read_rows(q, a, &l, sizeof(struct subdept_member_row), row_member) != 0)
		return ACCESS_ERROR;
	out->members = l.v;
	out->nmembers = l.n;
	memset(&l, 0, sizeof(l));
	if (store_query(tx, SQL_ACCESS_ORG_QUALITIES, &q, "it", org,
	    who->lang ? who->lang : "fr") != 0 ||
	    access_read_rows(q, a, &l, sizeof(struct subdept_quality), row_quality) != 0)
		return ACCESS_ERROR;
	out->qualities = l.v;
	out->nqualities = l.n;
	for (size_t i = 0; i < out->nqualities; i++) {
		int n = quality_apps(tx, a, out->qualities[i].code, who->lang ? who->lang : "fr",
		    &out->qualities[i].apps);

		if (n < 0)
			return ACCESS_ERROR;
		out->qualities[i].napps = (size_t)n;
	}
	memset(&l, 0, sizeof(l));
	if (out->org.enterprise[0] != '\0' &&
	    (store_query(tx, SQL_SUBDEPT_KBO_UNITS, &q, "t", out->org.enterprise) != 0 ||
	    access_read_rows(q, a, &l, sizeof(struct subdept_unit), row_unit) != 0))
		return ACCESS_ERROR;
	out->units = l.v;
	out->nunits = l.n;
	return ACCESS_OK;
}

/* Keeps the members the actor may see (and marks those they may manage) and lists the
 * (quality, sub-department) pairs where they may add users. */
static enum access_rc
filter(const struct policy_actor *actor, struct arena *a, struct subdept_view *out)
{
	size_t k = 0, n = out->n * out->nqualities;

	for (size_t i = 0; i < out->nmembers; i++) {
		struct policy_target t = {
			.quality = out->members[i].quality, .subdept = out->members[i].subdept_id,
		};

		if (policy_check(POLICY_SUBDEPT_USERS, actor, &t) != POLICY_ALLOWED)
			continue;
		out->members[k] = out->members[i];
		out->members[k++].may_manage = true;
	}
	out->nmembers = k;
	out->addable = n ? arena_alloc(a, n * sizeof(*out->addable)) : NULL;
	if (n > 0 && out->addable == NULL)
		return ACCESS_ERROR;
	for (size_t i = 0; i < out->n; i++)
		for (size_t j = 0; j < out->nqualities; j++) {
			struct policy_target t = {
				.quality = out->qualities[j].id, .subdept = out->rows[i].id,
			};

			if (policy_check(POLICY_SUBDEPT_USERS, actor, &t) != POLICY_ALLOWED)
				continue;
			out->addable[out->naddable].quality = t.quality;
			out->addable[out->naddable++].subdept = t.subdept;
		}
	return ACCESS_OK;
}

enum access_rc
subdept_read(struct store *s, const struct actor *who, int64_t org, struct arena *a,
    struct subdept_view *out)
{
	struct policy_target none = { 0 };
	struct policy_actor actor;
	enum policy_reason why = POLICY_ALLOWED;
	struct store_tx *tx;
	enum access_rc rc;

	memset(out, 0, sizeof(*out));
	rc = access_begin(s, STORE_READ, org, 0, &tx, a, &out->org);
	if (rc != ACCESS_OK)
		return rc;
	rc = allow(tx, who, org, POLICY_MANAGE_SUBDEPTS, &none, &actor, &why);
	if (rc == ACCESS_ERROR)
		return finish(&tx, rc);
	out->may_shape = rc == ACCESS_OK;
	/* Anyone who manages something in the organisation reads the page; the others are
	 * refused as for the shaping itself. */
	if (!(actor.roles & (ROLE_GAP | ROLE_COGAP | ROLE_GL | ROLE_COGL | ROLE_SUB_GL)) ||
	    actor.suspended)
		return access_refuse(s, &tx, who, org, POLICY_MANAGE_SUBDEPTS, why, 0, NULL);
	rc = read_lists(tx, who, org, a, out);
	if (rc == ACCESS_OK)
		rc = filter(&actor, a, out);
	store_rollback(&tx);
	return rc;
}

/* ---- shaping: create, rename, remove ---- */

/* Checks a sub-department's name into *name (trimmed, in a): required, visible text, at
 * most SUBDEPT_NAME_MAX characters, free in the organisation (except for self). */
static int
check_name(struct store_tx *tx, struct arena *a, int64_t org, const char *typed, int64_t self,
    const char **name, struct access_errors *err)
{
	size_t len;
	int64_t other;

	if (typed == NULL)
		typed = "";
	while (*typed == ' ' || *typed == '\t')
		typed++;
	len = strlen(typed);
	while (len > 0 && (typed[len - 1] == ' ' || typed[len - 1] == '\t'))
		len--;
	*name = arena_strndup(a, typed, len);
	if (*name == NULL)
		return -1;
	if (len == 0) {
		access_error_add(err, "name", N_("Indiquez le nom du sous-département."));
		return 0;
	}
	if (!value_ok(VALUE_TEXT, *name, SUBDEPT_NAME_MAX)) {
		access_error_add(err, "name",
		    N_("Le nom compte au plus 100 caractères visibles, sans caractère de contrôle."));
		return 0;
	}
	other = find_id(tx, SQL_SUBDEPT_BY_NAME, org, *name);
	if (other < 0)
		return -1;
	if (other > 0 && other != self)
		access_error_add(err, "name",
		    N_("Un sous-département de ce nom existe déjà dans l'entité."));
	return 0;
}

/* Checks the establishment unit typed (empty: none) into out (10 digits or ""): a unit of
 * the organisation's enterprise in the imported KBO data, not yet anchoring another
 * sub-department. */
static int
check_unit(struct store_tx *tx, const struct org *o, const char *typed, char out[11],
    struct access_errors *err)
{
	const char *msgid = NULL;
	struct store_q *q;
	int64_t n = 0, other;

	out[0] = '\0';
	if (typed == NULL || typed[0] == '\0')
		return 0;
	if (value_parse(VALUE_ESTABLISHMENT, typed, 0, out, 11, &msgid) != VALUE_OK) {
		out[0] = '\0';
		access_error_add(err, "establishment",
		    N_("Indiquez un numéro d'unité d'établissement valable (10 chiffres, par exemple 2.190.171.611)."));
		return 0;
	}
	if (o->enterprise[0] != '\0') {
		if (store_query(tx, SQL_SUBDEPT_KBO_UNIT, &q, "tt", out, o->enterprise) != 0)
			return -1;
		n = first_int(q, SUBDEPT_N);
		if (n < 0)
			return -1;
	}
	if (n == 0) {
		access_error_add(err, "establishment",
		    N_("Cette unité d'établissement n'appartient pas à l'entreprise dans la Banque-Carrefour des Entreprises."));
		return 0;
	}
	other = find_id(tx, SQL_SUBDEPT_BY_ESTABLISHMENT, o->id, out);
	if (other < 0)
		return -1;
	if (other > 0)
		access_error_add(err, "establishment",
		    N_("Un sous-département est déjà ancré sur cette unité d'établissement."));
	return 0;
}

/* The parent typed ("" = none) into *parent: a sub-department of org. */
static int
check_parent(struct store_tx *tx, int64_t org, const char *typed, int64_t *parent,
    struct access_errors *err)
{
	struct subdept_row row;
	int r;

	*parent = 0;
	if (typed == NULL || typed[0] == '\0')
		return 0;
	*parent = parse_id(typed);
	r = read_one(tx, NULL, org, *parent, &row);
	if (r < 0)
		return -1;
	if (r > 0)
		access_error_add(err, "parent",
		    N_("Choisissez un sous-département parent de la liste."));
	return 0;
}

enum access_rc
subdept_create(struct store *s, const struct actor *who, int64_t org,
    const struct subdept_input *in, struct access_errors *err, int64_t *id)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	struct store_tx *tx = NULL;
	struct org o;
	const char *name = NULL;
	char unit[11], at[CLOCK_TEXT_SIZE];
	int64_t parent = 0, rowid = 0;
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = access_begin(s, STORE_WRITE, org, 0, &tx, a, &o);
	if (rc == ACCESS_OK)
		rc = check(s, &tx, who, org, POLICY_MANAGE_SUBDEPTS, &t, NULL, &actor);
	if (rc != ACCESS_OK)
		goto done;
	if (check_name(tx, a, org, in->name, 0, &name, err) != 0 ||
	    check_unit(tx, &o, in->establishment, unit, err) != 0 ||
	    check_parent(tx, org, in->parent, &parent, err) != 0) {
		rc = finish(&tx, ACCESS_ERROR);
		goto done;
	}
	if (err->n > 0) {
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	r = clock_text(clock_time(), at) != 0 ? -1 :
	    store_insert_try(tx, SQL_SUBDEPT_INSERT, &rowid, "iIttti", org, parent, name,
	    unit[0] ? unit : NULL, at, who->person_id);
	if (r == -2) {
		/* Taken meanwhile (the unique name or unit): said at the name. */
		access_error_add(err, "name",
		    N_("Un sous-département de ce nom existe déjà dans l'entité."));
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	rc = r == 1 ? ACCESS_OK : ACCESS_ERROR;
	if (rc == ACCESS_OK) {
		char obj[40];

		rc = access_audit_json(tx, who, &actor, org, "subdept.create",
		    object_of(obj, "subdept", rowid), json_pack("{s:s,s:s?,s:I}", "name", name,
		    "establishment", unit[0] ? unit : NULL, "parent", (json_int_t)parent)) == 0 ?
		    ACCESS_OK : ACCESS_ERROR;
	}
	rc = finish(&tx, rc);
	if (rc == ACCESS_OK && id != NULL)
		*id = rowid;
done:
	arena_free(a);
	return rc;
}

/* Opens a write transaction on sub-department id of org for a shaping action, read into
 * *row; on anything but ACCESS_OK *tx has been ended. */
static enum access_rc
open_subdept(struct store *s, const struct actor *who, int64_t org, int64_t id,
    enum policy_action action, int64_t quality, struct store_tx **tx, struct arena *a,
    struct subdept_row *row, struct policy_actor *actor)
{
	struct policy_target t = { .quality = quality, .subdept = id };
	enum access_rc rc = access_begin(s, STORE_WRITE, org, quality, tx, NULL, NULL);
	char obj[40];
	int r;

	if (rc != ACCESS_OK)
		return rc;
	r = read_one(*tx, a, org, id, row);
	if (r != 0) {
		store_rollback(tx);
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	return check(s, tx, who, org, action, &t, object_of(obj, "subdept", id), actor);
}

enum access_rc
subdept_rename(struct store *s, const struct actor *who, int64_t org, int64_t id,
    int64_t version, const char *typed, struct access_errors *err)
{
	struct policy_actor actor;
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	struct subdept_row row;
	struct store_tx *tx = NULL;
	const char *name = NULL;
	char obj[40];
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_subdept(s, who, org, id, POLICY_MANAGE_SUBDEPTS, 0, &tx, a, &row, &actor);
	if (rc != ACCESS_OK)
		goto done;
	if (check_name(tx, a, org, typed, id, &name, err) != 0) {
		rc = finish(&tx, ACCESS_ERROR);
		goto done;
	}
	if (err->n > 0) {
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	r = store_exec_try(tx, SQL_SUBDEPT_RENAME, "iiti", org, id, name, version);
	if (r == 0) {
		/* Changed since the form was read: said on the form, which shows it anew. */
		access_error_add(err, "name", N_("Ce sous-département a été modifié entre-temps. Vérifiez-le et recommencez."));
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	if (r == -2) {
		access_error_add(err, "name",
		    N_("Un sous-département de ce nom existe déjà dans l'entité."));
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	rc = r == 1 && access_audit_json(tx, who, &actor, org, "subdept.rename",
	    object_of(obj, "subdept", id), json_pack("{s:s,s:s}", "from", row.name, "to",
	    name)) == 0 ? ACCESS_OK : ACCESS_ERROR;
	rc = finish(&tx, rc);
done:
	arena_free(a);
	return rc;
}

enum access_rc
subdept_remove(struct store *s, const struct actor *who, int64_t org, int64_t id,
    int64_t version, struct access_errors *err)
{
	struct policy_actor actor;
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	struct subdept_row row;
	struct store_tx *tx = NULL;
	char obj[40];
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_subdept(s, who, org, id, POLICY_MANAGE_SUBDEPTS, 0, &tx, a, &row, &actor);
	if (rc != ACCESS_OK)
		goto done;
	if (row.version != version) {
		access_error_add(err, "subdept", N_("Ce sous-département a été modifié entre-temps. Vérifiez-le et recommencez."));
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	if (row.members > 0 || row.children > 0) {
		access_error_add(err, "subdept",
		    N_("Ce sous-département n'est pas vide : déplacez d'abord ses membres et retirez les sous-départements qui en dépendent."));
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	r = store_exec(tx, SQL_SUBDEPT_DELETE, "iii", org, id, version);
	rc = r == 1 && access_audit_json(tx, who, &actor, org, "subdept.remove",
	    object_of(obj, "subdept", id), json_pack("{s:s}", "name", row.name)) == 0 ?
	    ACCESS_OK : r == 0 ? ACCESS_CONFLICT : ACCESS_ERROR;
	rc = finish(&tx, rc);
done:
	arena_free(a);
	return rc;
}

/* ---- members ---- */

/* The member's place: its type in the quality (NULL: not a member), its sub-department
 * (0: organisation level) and type there. Texts are static. Returns 0 or -1. */
static int
member_place(struct store_tx *tx, int64_t quality, int64_t account, const char **qtype,
    int64_t *subdept, const char **stype)
{
	static const char *const types[] = { "GL", "COGL", "USER", NULL };
	struct store_q *q;
	int rc;

	*qtype = NULL;
	*subdept = 0;
	*stype = NULL;
	if (store_query(tx, SQL_ACCESS_MEMBER_GET, &q, "ii", quality, account) != 0)
		return -1;
	rc = store_next(q);
	for (size_t i = 0; rc == 1 && types[i] != NULL; i++)
		if (strcmp(store_text(q, ACCESS_MEMBER_GET_TYPE), types[i]) == 0)
			*qtype = types[i];
	store_done(q);
	if (rc < 0)
		return -1;
	if (store_query(tx, SQL_SUBDEPT_MEMBER_GET, &q, "ii", quality, account) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		*subdept = store_int(q, SUBDEPT_MEMBER_SUBDEPT);
		for (size_t i = 0; types[i] != NULL; i++)
			if (strcmp(store_text(q, SUBDEPT_MEMBER_TYPE), types[i]) == 0)
				*stype = types[i];
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* Places account in quality at sub-department to (0: the organisation level) as type. */
static int
place(struct store_tx *tx, int64_t quality, int64_t account, int64_t from, int64_t to,
    const char *type)
{
	char at[CLOCK_TEXT_SIZE];

	if (clock_text(clock_time(), at) != 0)
		return -1;
	if (to == 0)
		return from == 0 ? 0 : store_exec(tx, SQL_SUBDEPT_MEMBER_DELETE, "ii", quality,
		    account) == 1 ? 0 : -1;
	if (from == 0)
		return store_exec(tx, SQL_SUBDEPT_MEMBER_INSERT, "iiitt", quality, account, to,
		    type, at) == 1 ? 0 : -1;
	return store_exec(tx, SQL_SUBDEPT_MEMBER_UPDATE, "iiitt", quality, account, to, type,
	    at) == 1 ? 0 : -1;
}

/* The person of account in org (0: no such account), or -1. */
static int64_t
account_person(struct store_tx *tx, int64_t org, int64_t account)
{
	struct store_q *q;

	if (store_query(tx, SQL_SUBDEPT_ACCOUNT, &q, "ii", org, account) != 0)
		return -1;
	return first_int(q, SUBDEPT_ACCOUNT_PERSON);
}

/* The account of username in org (0: none), or -1. */
static int64_t
account_by_username(struct store_tx *tx, int64_t org, const char *username)
{
	struct store_q *q;

	if (store_query(tx, SQL_ACCESS_ACCOUNT_BY_USERNAME, &q, "it", org, username) != 0)
		return -1;
	return first_int(q, ACCESS_ACCOUNT_BY_USERNAME_ID);
}

/* Asks the policy again now that the person acted on is known: nobody acts on someone
 * above them (a co-GAP on the GAP …). A refusal ends *tx, audited. */
static enum access_rc
check_person(struct store *s, struct store_tx **tx, const struct actor *who, int64_t org,
    enum policy_action action, int64_t quality, int64_t subdept, int64_t person,
    struct policy_actor *actor)
{
	struct policy_target t = { .quality = quality, .subdept = subdept };
	char obj[40];

	if (person > 0 && access_manager_roles(*tx, who, org, person, &t.target_roles) != 0) {
		store_rollback(tx);
		return ACCESS_ERROR;
	}
	return check(s, tx, who, org, action, &t, person > 0 ? object_of(obj, "person", person) :
	    NULL, actor);
}

static const char *
appoint_type(const char *type)
{
	if (type != NULL && strcmp(type, "GL") == 0)
		return "GL";
	if (type != NULL && strcmp(type, "COGL") == 0)
		return "COGL";
	return NULL;
}

/* The appointment inside tx once allowed: account (of person) as type of sub-department id
 * in quality; *from receives where it was. Field errors in err. */
static enum access_rc
appoint_in(struct store_tx *tx, int64_t quality, int64_t id, int64_t account,
    const char *type, int64_t *from, struct access_errors *err)
{
	const char *qtype, *stype;
	char at[CLOCK_TEXT_SIZE];
	struct store_q *q;
	int64_t gl;

	if (member_place(tx, quality, account, &qtype, from, &stype) != 0)
		return ACCESS_ERROR;
	if (qtype != NULL && strcmp(qtype, "USER") != 0) {
		access_error_add(err, "username",
		    N_("Cette personne gère déjà la qualité au niveau de l'entité."));
		return ACCESS_INVALID;
	}
	if (qtype == NULL && (clock_text(clock_time(), at) != 0 ||
	    store_exec(tx, SQL_ACCESS_MEMBER_INSERT, "iitt", quality, account, "USER", at) != 1))
		return ACCESS_ERROR;
	if (strcmp(type, "GL") == 0) {
		/* One GL per sub-department and quality: the former one stays as a user. */
		if (store_query(tx, SQL_SUBDEPT_MEMBER_GL, &q, "ii", id, quality) != 0)
			return ACCESS_ERROR;
		gl = first_int(q, SUBDEPT_GL_ACCOUNT);
		if (gl < 0 || (gl > 0 && gl != account && place(tx, quality, gl, id, id, "USER") != 0))
			return ACCESS_ERROR;
	}
	return place(tx, quality, account, *from, id, type) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

enum access_rc
subdept_appoint(struct store *s, const struct actor *who, int64_t org, int64_t id,
    int64_t quality, const char *username, const char *type, struct access_errors *err)
{
	struct policy_actor actor;
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	struct subdept_row row;
	struct store_tx *tx = NULL;
	const char *t = appoint_type(type);
	int64_t account = 0, person = 0, from = 0;
	char obj[40];
	enum access_rc rc;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_subdept(s, who, org, id, POLICY_APPOINT_SUBDEPT_GL, quality > 0 ? quality : 0,
	    &tx, a, &row, &actor);
	if (rc != ACCESS_OK)
		goto done;
	if (quality <= 0)
		access_error_add(err, "quality", N_("Choisissez une qualité de la liste."));
	if (t == NULL)
		access_error_add(err, "type", N_("Choisissez un type d'utilisateur de la liste."));
	if (username != NULL && username[0] != '\0') {
		account = account_by_username(tx, org, username);
		person = account > 0 ? account_person(tx, org, account) : account;
		if (account < 0 || person < 0) {
			rc = finish(&tx, ACCESS_ERROR);
			goto done;
		}
	}
	if (account == 0)
		access_error_add(err, "username",
		    N_("Aucun compte de ce nom d'utilisateur dans l'entité."));
	if (err->n > 0) {
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	rc = check_person(s, &tx, who, org, POLICY_APPOINT_SUBDEPT_GL, quality, id, person,
	    &actor);
	if (rc != ACCESS_OK)
		goto done;
	rc = appoint_in(tx, quality, id, account, t, &from, err);
	if (rc == ACCESS_OK && access_audit_json(tx, who, &actor, org, "subdept.manager.appoint",
	    object_of(obj, "person", person), json_pack("{s:I,s:I,s:s,s:I}", "subdept",
	    (json_int_t)id, "quality", (json_int_t)quality, "type", t, "from",
	    (json_int_t)from)) != 0)
		rc = ACCESS_ERROR;
	rc = finish(&tx, rc);
done:
	arena_free(a);
	return rc;
}

/* Whether code is one of the n applications. */
static bool
has_app(const struct app_info *apps, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (code != NULL && strcmp(apps[i].code, code) == 0)
			return true;
	return false;
}

enum access_rc
subdept_add_user(struct store *s, const struct actor *who, int64_t org, int64_t id,
    int64_t quality, const struct user_input *in, struct access_errors *err, int64_t *account)
{
	struct policy_actor actor;
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	struct subdept_row row;
	struct store_tx *tx = NULL;
	struct user_input typed = *in;
	struct user_norm n;
	const char *qcode = NULL, *qtype = NULL, *stype;
	int64_t from = 0;
	char obj[40];
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	if (quality <= 0) {
		arena_free(a);
		return ACCESS_NOT_FOUND;
	}
	rc = open_subdept(s, who, org, id, POLICY_SUBDEPT_USERS, quality, &tx, a, &row, &actor);
	if (rc != ACCESS_OK)
		goto done;
	typed.type = "USER";
	r = quality_read(tx, a, org, quality, "fr", &qcode, NULL);
	if (r == 0)
		r = account_validate(tx, a, org, qcode, &typed, NULL, &n, err);
	if (r >= 0 && n.account_id != 0)
		r = member_place(tx, quality, n.account_id, &qtype, &from, &stype);
	if (r < 0) {
		rc = finish(&tx, ACCESS_ERROR);
		goto done;
	}
	if (qtype != NULL)
		access_error_add(err, "niss",
		    N_("Cette personne est déjà membre de la qualité : seuls le Gestionnaire d'Accès Principal et les co-responsables la déplacent d'un sous-département à l'autre."));
	if (err->n > 0) {
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	rc = check_person(s, &tx, who, org, POLICY_SUBDEPT_USERS, quality, id, n.person_id,
	    &actor);
	if (rc != ACCESS_OK)
		goto done;
	rc = account_add_member(tx, who, &actor, org, quality, "USER", &n);
	if (rc == ACCESS_CONFLICT || rc == ACCESS_EXISTS) {
		access_error_add(err, "username",
		    N_("Les données de cette personne ont été modifiées entre-temps. Vérifiez-les et recommencez."));
		rc = ACCESS_INVALID;
	}
	if (rc == ACCESS_OK && (place(tx, quality, n.account_id, 0, id, "USER") != 0 ||
	    access_audit_json(tx, who, &actor, org, "subdept.user.add",
	    object_of(obj, "person", n.person_id), json_pack("{s:I,s:I,s:I}", "subdept",
	    (json_int_t)id, "quality", (json_int_t)quality, "account",
	    (json_int_t)n.account_id)) != 0))
		rc = ACCESS_ERROR;
	rc = finish(&tx, rc);
	if (rc == ACCESS_OK && account != NULL)
		*account = n.account_id;
done:
	arena_free(a);
	return rc;
}

/* Opens a write transaction for a change of member account of quality in org: the
 * account's person and place read, the policy asked for action in the sub-department
 * target (or, when target is -1, the member's own). */
static enum access_rc
open_member(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account, enum policy_action action, int64_t target, struct store_tx **tx,
    struct policy_actor *actor, int64_t *person, int64_t *from)
{
	enum access_rc rc = access_begin(s, STORE_WRITE, org, quality, tx, NULL, NULL);
	const char *qtype = NULL, *stype;

	if (rc != ACCESS_OK)
		return rc;
	*person = account_person(*tx, org, account);
	if (*person > 0 && member_place(*tx, quality, account, &qtype, from, &stype) != 0)
		*person = -1;
	if (*person <= 0 || qtype == NULL) {
		store_rollback(tx);
		return *person < 0 ? ACCESS_ERROR : ACCESS_NOT_FOUND;
	}
	return check_person(s, tx, who, org, action, quality, target < 0 ? *from : target,
	    *person, actor);
}

/* The member's grants set to apps inside tx (those gone deleted, the new ones added). */
static int
regrant(struct store_tx *tx, const struct actor *who, int64_t quality, int64_t account,
    const char *const *apps, size_t napps, struct arena *a)
{
	char at[CLOCK_TEXT_SIZE];
	struct store_q *q;
	const char **had = NULL;
	size_t nhad = 0, cap = 0;
	int rc;

	if (clock_text(clock_time(), at) != 0 ||
	    store_query(tx, SQL_ACCESS_GRANTS_OF, &q, "ii", quality, account) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		had = access_grow(a, had, nhad, &cap, sizeof(*had));
		if (had == NULL || access_dup(a, &had[nhad++],
		    store_text(q, ACCESS_GRANTS_OF_APPLICATION)) != 0) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < nhad; i++)
		if (!access_one_of(had[i], (const char *const *)apps) &&
		    store_exec(tx, SQL_ACCESS_GRANT_DELETE, "iit", quality, account, had[i]) != 1)
			return -1;
	for (size_t i = 0; i < napps; i++) {
		bool present = false;

		for (size_t k = 0; k < nhad; k++)
			present = present || strcmp(had[k], apps[i]) == 0;
		if (!present && store_exec(tx, SQL_ACCESS_GRANT_INSERT, "iitIt", quality, account,
		    apps[i], who->person_id, at) != 1)
			return -1;
	}
	return 0;
}

enum access_rc
subdept_set_grants(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account, const char *const *apps, size_t napps, struct access_errors *err)
{
	struct policy_actor actor;
	struct arena *a = arena_new(ACCESS_CALL_ARENA);
	struct store_tx *tx = NULL;
	struct app_info *known = NULL;
	const char *qcode = NULL, **list = NULL;
	int64_t person = 0, from = 0;
	char obj[40];
	enum access_rc rc;
	int nknown = -1;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_member(s, who, org, quality, account, POLICY_SUBDEPT_USERS, -1, &tx, &actor,
	    &person, &from);
	if (rc != ACCESS_OK)
		goto done;
	if (quality_read(tx, a, org, quality, "fr", &qcode, NULL) == 0)
		nknown = quality_apps(tx, a, qcode, "fr", &known);
	list = arena_alloc(a, (napps + 1) * sizeof(*list));
	if (nknown < 0 || list == NULL) {
		rc = finish(&tx, ACCESS_ERROR);
		goto done;
	}
	if (napps > ACCESS_MAX_APPS) {
		access_error_add(err, "apps", N_("Choisissez des applications de la liste."));
		napps = 0;
	}
	list[0] = NULL;
	for (size_t i = 0, k = 0; i < napps; i++) {
		if (!has_app(known, nknown, apps[i]))
			access_error_add(err, "apps", N_("Choisissez des applications de la liste."));
		else if (!access_one_of(apps[i], list)) {
			/* Each once: a code ticked twice is one grant. */
			list[k++] = apps[i];
			list[k] = NULL;
		}
	}
	for (napps = 0; list[napps] != NULL; napps++)
		;
	if (err->n > 0) {
		rc = finish(&tx, ACCESS_INVALID);
		goto done;
	}
	rc = regrant(tx, who, quality, account, list, napps, a) == 0 ? ACCESS_OK : ACCESS_ERROR;
	if (rc == ACCESS_OK) {
		json_t *j = json_pack("{s:I,s:I,s:I,s:[]}", "subdept", (json_int_t)from, "quality",
		    (json_int_t)quality, "account", (json_int_t)account, "applications");
		json_t *arr = j ? json_object_get(j, "applications") : NULL;

		for (size_t i = 0; arr != NULL && i < napps; i++)
			if (json_array_append_new(arr, json_string(list[i])) != 0)
				arr = NULL;
		if (arr == NULL) {
			json_decref(j);
			j = NULL;
		}
		if (access_audit_json(tx, who, &actor, org, "subdept.user.grants",
		    object_of(obj, "person", person), j) != 0)
			rc = ACCESS_ERROR;
	}
	rc = finish(&tx, rc);
done:
	arena_free(a);
	return rc;
}

enum access_rc
subdept_move(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account, int64_t to, struct access_errors *err)
{
	struct policy_actor actor;
	struct subdept_row row;
	struct store_tx *tx = NULL;
	const char *qtype, *stype;
	int64_t person = 0, from = 0;
	char obj[40];
	enum access_rc rc;
	int r = 0;

	memset(err, 0, sizeof(*err));
	rc = open_member(s, who, org, quality, account, POLICY_MOVE_SUBDEPT, to > 0 ? to : 0,
	    &tx, &actor, &person, &from);
	if (rc != ACCESS_OK)
		return rc;
	if (to > 0)
		r = read_one(tx, NULL, org, to, &row);
	if (r == 0)
		r = member_place(tx, quality, account, &qtype, &from, &stype);
	if (r < 0)
		return finish(&tx, ACCESS_ERROR);
	if (r > 0 || to < 0)
		access_error_add(err, "to", N_("Choisissez une destination de la liste."));
	else if (strcmp(qtype, "USER") != 0)
		access_error_add(err, "to",
		    N_("Les gestionnaires de la qualité au niveau de l'entité restent au niveau de l'entité."));
	if (err->n > 0)
		return finish(&tx, ACCESS_INVALID);
	if (from == to)
		return finish(&tx, ACCESS_OK);
	rc = place(tx, quality, account, from, to, "USER") == 0 &&
	    access_audit_json(tx, who, &actor, org, "subdept.move",
	    object_of(obj, "person", person), json_pack("{s:I,s:I,s:I}", "quality",
	    (json_int_t)quality, "from", (json_int_t)from, "to", (json_int_t)to)) == 0 ?
	    ACCESS_OK : ACCESS_ERROR;
	return finish(&tx, rc);
}

static int
row_managed(struct store_q *q, struct arena *a, void *elem)
{
	struct subdept_managed *m = elem;

	m->id = store_int(q, SUBDEPT_BY_ID);
	return access_dup(a, &m->name, store_text(q, SUBDEPT_BY_NAME)) |
	    access_dup(a, &m->type, store_text(q, SUBDEPT_BY_TYPE));
}

enum access_rc
subdept_managed_by(struct store *s, const struct actor *who, int64_t org, struct arena *a,
    struct subdept_managed **out, size_t *n)
{
	struct access_list l = { 0 };
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	rc = store_query(tx, SQL_SUBDEPT_MANAGED_BY, &q, "ii", org, who->person_id) != 0 ||
	    access_read_rows(q, a, &l, sizeof(struct subdept_managed), row_managed) != 0;
	store_rollback(&tx);
	if (rc != 0)
		return ACCESS_ERROR;
	*out = l.v;
	*n = l.n;
	return ACCESS_OK;
}
