/* scim_users.c — SCIM Users (RFC 7643 §4.1) of the token's quality: each operation is the
 * access service the pages call (account_create, account_update, account_set_status,
 * account_remove, search_users), so the same policy decides and audits. */
#include "apps/api/scim.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access/account.h"
#include "access/quality.h"
#include "access/result.h"
#include "access/search.h"
#include "base/msgid.h"
#include "scim/filter.h"
#include "scim/ids.h"
#include "scim/patch.h"
#include "scim/user.h"

/* A user as SCIM shows it, from the edition page's view or a list's row. */
struct suser {
	int64_t account, version;
	const char *id, *niss, *username, *last, *first, *email, *lang, *status;
	const char *created, *modified;
	const char **apps;
	size_t napps;
};

/* The quality's applications (codes and names), for display and checks. */
struct qapps {
	struct app_info *v;
	size_t n;
};

static struct store *
store_of(struct scim_req *c)
{
	return c->app->store;
}

static int
quality_apps_of(struct scim_req *c, struct qapps *qa, struct scim_out *o)
{
	struct quality_view qv;
	int rc;

	rc = quality_get(store_of(c), &c->p.actor, c->p.actor.org_id, c->p.actor.quality_id,
	    web_arena(c->r), &qv);
	if (rc != ACCESS_OK) {
		scim_fail_access(c, o, rc, NULL);
		return 1;
	}
	qa->v = qv.apps;
	qa->n = qv.napps;
	return 0;
}

static const char *
app_name(const struct qapps *qa, const char *code)
{
	for (size_t i = 0; qa != NULL && i < qa->n; i++)
		if (strcmp(qa->v[i].code, code) == 0)
			return qa->v[i].name;
	return code;
}

static const char *
etag_of(struct scim_req *c, int64_t version)
{
	return arena_printf(web_arena(c->r), "W/\"%lld\"", (long long)version);
}

static void
from_view(struct suser *u, const struct user_view *v, const char *id)
{
	memset(u, 0, sizeof(*u));
	u->account = v->account_id;
	u->version = v->version;
	u->id = id;
	u->niss = v->niss;
	u->username = v->username;
	u->last = v->last_name;
	u->first = v->first_name;
	u->email = v->data.email;
	u->lang = v->data.language;
	u->status = v->status;
	u->created = v->created_at;
	u->modified = v->modified_at;
	u->apps = v->apps;
	u->napps = v->napps;
}

/* A list row (its applications separated by spaces) into u, texts in a. */
static int
from_row(struct arena *a, struct suser *u, const struct user_row *row)
{
	char *s, *w;
	size_t cap = 1;

	memset(u, 0, sizeof(*u));
	u->account = row->account_id;
	u->version = row->version;
	u->id = "";
	u->niss = row->niss;
	u->username = row->username;
	u->last = row->last_name;
	u->first = row->first_name;
	u->email = row->data.email;
	u->lang = row->data.language;
	u->status = row->status;
	u->created = row->created_at;
	u->modified = row->modified_at;
	for (const char *p = row->apps; *p != '\0'; p++)
		cap += *p == ' ';
	s = arena_strdup(a, row->apps);
	u->apps = arena_alloc(a, cap * sizeof(*u->apps));
	if (s == NULL || u->apps == NULL)
		return -1;
	for (w = s; *w != '\0';) {
		size_t n = strcspn(w, " ");

		if (n > 0 && u->napps < cap)
			u->apps[u->napps++] = w;
		w += n;
		if (*w == ' ')
			*w++ = '\0';
	}
	return 0;
}

static json_t *
user_json(struct scim_req *c, const struct suser *u, const struct qapps *qa)
{
	struct arena *a = web_arena(c->r);
	const char **names = arena_alloc(a, (u->napps + 1) * sizeof(*names));
	struct scim_user su = {
		.id = u->id, .niss = u->niss, .username = u->username, .last = u->last,
		.first = u->first, .email = u->email, .lang = u->lang,
		.active = strcmp(u->status, "active") == 0, .created = u->created,
		.modified = u->modified, .version = etag_of(c, u->version),
		.location = arena_printf(a, "%s/Users/%s", c->base, u->id),
		.apps = u->apps, .names = names, .napps = u->napps,
	};

	if (names == NULL || su.version == NULL || su.location == NULL)
		return NULL;
	for (size_t i = 0; i < u->napps; i++)
		names[i] = app_name(qa, u->apps[i]);
	return scim_user_json(&su, a);
}

/* Reads the user of public id pid into v: 0, or 1 with o set (404, 403 …). */
static int
load_user(struct scim_req *c, const char *pid, struct user_view *v, struct scim_out *o)
{
	int64_t account = 0;
	int rc;

	rc = scim_account_of(store_of(c), c->p.actor.org_id, c->p.actor.quality_id, pid,
	    &account);
	if (rc < 0)
		return scim_fail(o, 500, NULL, "internal error"), 1;
	if (rc > 0)
		return scim_fail(o, 404, NULL, "no such user in this quality"), 1;
	rc = account_get(store_of(c), &c->p.actor, c->p.actor.org_id, c->p.actor.quality_id,
	    account, web_arena(c->r), v);
	if (rc != ACCESS_OK)
		return scim_fail_access(c, o, rc, NULL), 1;
	return 0;
}

/* The resource of the user of public id pid into o (200). */
static int
answer_user(struct scim_req *c, const char *pid, int status, struct scim_out *o)
{
	struct user_view v;
	struct suser u;
	struct qapps qa;

	if (load_user(c, pid, &v, o) != 0 || quality_apps_of(c, &qa, o) != 0)
		return 0;
	from_view(&u, &v, pid);
	json_decref(o->body);
	o->body = user_json(c, &u, &qa);
	if (o->body == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	o->status = status;
	o->etag = etag_of(c, v.version);
	o->location = arena_printf(web_arena(c->r), "%s/Users/%s", c->base, pid);
	return 0;
}

int
scim_user_get(struct scim_req *c, const char *id, struct scim_out *o)
{
	return answer_user(c, id, 200, o);
}

/* ---- input ---- */

/* A request names no more applications than the pages' form takes. */
_Static_assert(SCIM_USER_APPS_MAX <= ACCESS_MAX_APPS, "applications of one request");


/* Reads a User resource into in: 0, or 1 with o set (400). */
static int
parse_user(struct scim_req *c, json_t *body, struct scim_user_in *in, struct scim_out *o)
{
	const char *type = NULL, *detail = NULL;
	int rc = scim_user_parse(body, web_arena(c->r), in, &type, &detail);

	if (rc < 0)
		return scim_fail(o, 500, NULL, "internal error"), 1;
	if (rc > 0)
		return scim_fail(o, 400, type, detail), 1;
	return 0;
}

/* Whether two names are the same (the register's spelling, any case). */
static bool
same_name(const char *typed, const char *known)
{
	return typed == NULL || strcasecmp(typed, known) == 0;
}

/* Every application of apps that is not in the token's scope: the first, or NULL. */
static const char *
outside_scope(struct scim_req *c, const char *const *apps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!api_scope_has(&c->p, apps[i]))
			return apps[i];
	return NULL;
}

static bool
in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* ---- create ---- */

int
scim_user_create(struct scim_req *c, json_t *body, struct scim_out *o)
{
	struct access_errors err = { 0 };
	struct user_names names = { 0 };
	struct user_input in = { 0 };
	struct scim_user_in si;
	const char *out_app, *pid = NULL;
	int64_t account = 0;
	int rc;

	if (parse_user(c, body, &si, o) != 0)
		return 0;
	if (si.niss == NULL)
		return scim_fail(o, 400, "invalidValue",
		    "externalId (the national number) is required");
	if (si.username == NULL || si.email == NULL)
		return scim_fail(o, 400, "invalidValue", "userName and emails are required");
	if ((out_app = outside_scope(c, si.apps, si.napps)) != NULL)
		return scim_fail_scope(c, o, out_app);
	in.niss = si.niss;
	in.username = si.username;
	in.last_name = si.family;
	in.first_name = si.given;
	account_data_empty(&in.data);
	in.data.email = si.email;
	if (si.lang != NULL)
		in.data.language = si.lang;
	in.type = "USER";
	in.apps = si.apps;
	in.napps = si.napps;
	in.suspend = si.active == 0;      /* created suspended, in the same transaction */
	rc = account_check_names(store_of(c), &c->p.actor, c->p.actor.org_id,
	    c->p.actor.quality_id, &in, &err, web_arena(c->r), &names);
	if (rc != ACCESS_OK)
		return scim_fail_access(c, o, rc, &err);
	/* Names come from the person's record or the persons register: one that disagrees
	 * is refused (the pages do not let a manager type them either). */
	if (names.locked && (!same_name(si.family, names.last_name) ||
	    !same_name(si.given, names.first_name)))
		return scim_fail(o, 400, "invalidValue", "name disagrees with the persons "
		    "register: leave it out or give the registered name");
	rc = account_create(store_of(c), &c->p.actor, c->p.actor.org_id, c->p.actor.quality_id,
	    &in, &err, &account);
	if (rc != ACCESS_OK)
		return scim_fail_access(c, o, rc, &err);
	if (scim_public_ids(store_of(c), web_arena(c->r), c->p.actor.org_id, &account, 1,
	    &pid) != 0 || pid == NULL || pid[0] == '\0')
		return scim_fail(o, 500, NULL, "internal error");
	return answer_user(c, pid, 201, o);
}

/* ---- change ---- */

static bool
etag_ok(struct scim_req *c, const char *if_match, int64_t version)
{
	return if_match == NULL || strcmp(if_match, "*") == 0 ||
	    strcmp(if_match, etag_of(c, version)) == 0;
}

/* Changes the user v to what si asks (absent: unchanged): account_update's fields and
 * account_set_status's status, in one call (account_update_status); then answers the
 * resource. */
static int
apply_changes(struct scim_req *c, const char *pid, const struct user_view *v,
    const struct scim_user_in *si, struct scim_out *o)
{
	struct access_errors err = { 0 };
	struct user_input in = { 0 };
	const char *const *want = si->has_apps ? si->apps : v->apps;
	size_t nwant = si->has_apps ? si->napps : v->napps;
	bool changed = false;
	int rc, suspend;

	if (si->niss != NULL && strcmp(si->niss, v->niss) != 0)
		return scim_fail(o, 400, "mutability", "externalId (the national number) cannot "
		    "change");
	if (!same_name(si->family, v->last_name) || !same_name(si->given, v->first_name))
		return scim_fail(o, 400, "mutability", "name is the person's registered name and "
		    "cannot change here");
	/* Grants added or revoked: each within the token's scope. */
	for (size_t i = 0; i < nwant; i++)
		if (!in_list(v->apps, v->napps, want[i])) {
			if (!api_scope_has(&c->p, want[i]))
				return scim_fail_scope(c, o, want[i]);
			changed = true;
		}
	for (size_t i = 0; i < v->napps; i++)
		if (!in_list(want, nwant, v->apps[i])) {
			if (!api_scope_has(&c->p, v->apps[i]))
				return scim_fail_scope(c, o, v->apps[i]);
			changed = true;
		}
	in.username = si->username != NULL ? si->username : v->username;
	in.data = v->data;
	if (si->email != NULL)
		in.data.email = si->email;
	if (si->lang != NULL)
		in.data.language = si->lang;
	in.apps = want;
	in.napps = nwant;
	changed = changed || strcmp(in.username, v->username) != 0 ||
	    strcmp(in.data.email, v->data.email) != 0 ||
	    strcmp(in.data.language, v->data.language) != 0;
	/* The change and the status in one service call, one transaction: both or neither. */
	suspend = si->active < 0 || si->active == (strcmp(v->status, "active") == 0) ? -1 :
	    si->active == 0;
	if (changed || suspend >= 0) {
		rc = account_update_status(store_of(c), &c->p.actor, c->p.actor.org_id,
		    c->p.actor.quality_id, v->account_id, v->version, changed ? &in : NULL,
		    suspend, &err);
		if (rc != ACCESS_OK)
			return scim_fail_access(c, o, rc, &err);
	}
	return answer_user(c, pid, 200, o);
}

int
scim_user_replace(struct scim_req *c, const char *id, json_t *body, const char *if_match,
    struct scim_out *o)
{
	struct user_view v;
	struct scim_user_in si;

	if (parse_user(c, body, &si, o) != 0 || load_user(c, id, &v, o) != 0)
		return 0;
	if (!etag_ok(c, if_match, v.version))
		return scim_fail(o, 412, NULL, "the resource changed since that version");
	return apply_changes(c, id, &v, &si, o);
}

int
scim_user_patch(struct scim_req *c, const char *id, json_t *body, const char *if_match,
    struct scim_out *o)
{
	struct user_view v;
	struct suser u;
	struct qapps qa;
	struct scim_user_in si;
	const char *type = NULL, *detail = NULL;
	json_t *res;
	int rc;

	if (load_user(c, id, &v, o) != 0 || quality_apps_of(c, &qa, o) != 0)
		return 0;
	if (!etag_ok(c, if_match, v.version))
		return scim_fail(o, 412, NULL, "the resource changed since that version");
	from_view(&u, &v, id);
	res = user_json(c, &u, &qa);
	if (res == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	rc = scim_patch_apply(web_arena(c->r), res, body, SCIM_PATCH_OPS_MAX, &scim_user_schema,
	    &type, &detail);
	if (rc != 0) {
		json_decref(res);
		return rc < 0 ? scim_fail(o, 500, NULL, "internal error") :
		    scim_fail(o, 400, type, detail);
	}
	if (!json_is_string(json_object_get(res, "id")) ||
	    strcmp(json_string_value(json_object_get(res, "id")), id) != 0) {
		json_decref(res);
		return scim_fail(o, 400, "mutability", "id cannot change");
	}
	rc = parse_user(c, res, &si, o);
	if (rc == 0 && (si.username == NULL || si.email == NULL))
		rc = scim_fail(o, 400, "invalidValue", "userName and emails cannot be removed") + 1;
	if (rc == 0 && json_object_get(res, SCIM_URN_EXT) == NULL)
		si.has_apps = true;   /* the extension removed: no applications */
	if (rc == 0 && si.niss == NULL)
		rc = scim_fail(o, 400, "mutability", "externalId cannot be removed") + 1;
	if (rc == 0)
		apply_changes(c, id, &v, &si, o);
	json_decref(res);
	return 0;
}

int
scim_user_delete(struct scim_req *c, const char *id, const char *if_match,
    struct scim_out *o)
{
	struct access_errors err = { 0 };
	struct user_view v;
	size_t removed = 0;
	int rc;

	if (load_user(c, id, &v, o) != 0)
		return 0;
	if (!etag_ok(c, if_match, v.version))
		return scim_fail(o, 412, NULL, "the resource changed since that version");
	rc = account_remove(store_of(c), &c->p.actor, c->p.actor.org_id, c->p.actor.quality_id,
	    &v.account_id, 1, &removed, &err);
	if (rc != ACCESS_OK)
		return scim_fail_access(c, o, rc, &err);
	json_decref(o->body);
	o->body = NULL;
	o->status = 204;
	return 0;
}

int
scim_user_grant(struct scim_req *c, const char *pid, const char *app, bool add,
    struct scim_out *o)
{
	struct user_view v;
	struct scim_user_in si;
	bool has;

	if (load_user(c, pid, &v, o) != 0)
		return 0;
	has = in_list(v.apps, v.napps, app);
	o->status = 0;
	if (has == add)
		return 0;
	memset(&si, 0, sizeof(si));
	si.active = -1;
	si.has_apps = true;
	for (size_t i = 0; i < v.napps; i++)
		if (add || strcmp(v.apps[i], app) != 0)
			si.apps[si.napps++] = v.apps[i];
	if (add) {
		if (si.napps == SCIM_USER_APPS_MAX)
			return scim_fail(o, 400, "invalidValue", "too many applications");
		si.apps[si.napps++] = app;
	}
	apply_changes(c, pid, &v, &si, o);
	if (o->status == 200) {
		json_decref(o->body);
		o->body = NULL;
		o->status = 0;
	}
	return 0;
}

/* ---- lists ---- */

struct cand {
	json_t *res;
	struct suser u;
};

struct sort_ctx {
	int id;
	bool desc, exact;
	struct arena *a;
};

static const char *
first_value(json_t *res, int id, struct arena *a)
{
	struct scim_json_res jr = { &scim_user_schema, res, a };
	const char *v[1];

	return scim_json_get(&jr, id, -1, v, 1) == 1 ? v[0] : "";
}

static int
cmp_cand(const void *x, const void *y, void *arg)
{
	const struct cand *p = x, *q = y;
	struct sort_ctx *s = arg;
	const char *a = first_value(p->res, s->id, s->a), *b = first_value(q->res, s->id, s->a);
	int r = s->exact ? strcmp(a, b) : strcasecmp(a, b);

	return s->desc ? -r : r;
}

static bool
ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The filter's seek into the search's filters: false when no row can match. */
static bool
seek_into(const struct scim_filter *f, struct user_filter *uf, struct arena *a)
{
	static const int seekable[] = { U_USERNAME, U_EXTERNAL, U_FAMILY, U_APPS_VALUE };
	enum scim_op op;
	const char *value;
	int id;

	(void)a;
	if (f == NULL || scim_filter_seek(f, seekable, 4, &id, &op, &value) != 0)
		return true;
	if (strlen(value) > SEARCH_FILTER_MAX)
		return true;
	/* The search's prefixes ignore case by SQLite's LIKE, ASCII only: a value with other
	 * letters ("MÜLLER") would miss rows the filter's Unicode folding matches, so those
	 * are read whole and matched. */
	if ((id == U_USERNAME || id == U_FAMILY) && !ascii(value))
		return true;
	if (id == U_USERNAME)
		uf->username = value;
	else if (id == U_FAMILY)
		uf->last_name = value;
	else if (id == U_APPS_VALUE && op == SCIM_EQ)
		uf->application = value;
	else if (id == U_EXTERNAL && op == SCIM_EQ) {
		if (strlen(value) != 11 || strspn(value, "0123456789") != 11)
			return false;
		uf->niss = value;
	}
	return true;
}

static void
free_cands(struct cand *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(v[i].res);
}

/* A filter the search matches exactly, without sortBy: a case-insensitive prefix (sw) on
 * userName or name.familyName, alone, in ASCII (the search's LIKE folds ASCII as the
 * filter does; other letters are matched in C, see seek_into). Fills the search's filter. */
static bool
seek_exact(const struct scim_filter *f, struct user_filter *uf)
{
	static const int exact[] = { U_USERNAME, U_FAMILY };
	enum scim_op op;
	const char *value;
	int id;

	if (!scim_filter_is_seek_only(f, exact, 2) ||
	    scim_filter_seek(f, exact, 2, &id, &op, &value) != 0)
		return false;
	if (op != SCIM_SW || value[0] == '\0' || strlen(value) > SEARCH_FILTER_MAX ||
	    !ascii(value))
		return false;
	if (id == U_USERNAME)
		uf->username = value;
	else
		uf->last_name = value;
	return true;
}

/* A list without filter (or with one the search matches exactly, uf) nor sortBy: the users
 * page's own paging (its count and at most two of its pages), not every user read. */
static int
list_plain(struct scim_req *c, const struct scim_list_params *lp, const struct user_filter *fu,
    const struct qapps *qa, struct scim_out *o)
{
	struct arena *a = web_arena(c->r);
	struct user_filter uf = *fu;
	struct access_errors err = { 0 };
	size_t from = (size_t)lp->start - 1, to = from + (size_t)lp->count, shown = 0;
	int64_t total = 0;
	json_t *list = json_array();
	int rc;

	if (list == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	for (size_t at = from; at < to;) {
		struct user_page pg;
		int page = (int)(at / SEARCH_PAGE_MAX) + 1;

		if (at / SEARCH_PAGE_MAX >= (size_t)1 << 30)
			break;
		rc = search_users(store_of(c), &c->p.actor, c->p.actor.org_id,
		    c->p.actor.quality_id, &uf, page, SEARCH_PAGE_MAX, a, &pg, &err);
		if (rc != ACCESS_OK) {
			json_decref(list);
			return scim_fail_access(c, o, rc, &err);
		}
		total = pg.total;
		/* search_users shows its last page for one beyond: nothing there. */
		if (pg.page != page)
			break;
		for (size_t i = at % SEARCH_PAGE_MAX; i < pg.n && at < to; i++, at++) {
			struct suser u;
			json_t *res;

			if (from_row(a, &u, &pg.rows[i]) != 0 || scim_public_ids(store_of(c), a,
			    c->p.actor.org_id, &u.account, 1, &u.id) != 0 ||
			    (res = user_json(c, &u, qa)) == NULL) {
				json_decref(list);
				return scim_fail(o, 500, NULL, "internal error");
			}
			scim_project(res, lp);
			json_array_append_new(list, res);
			shown++;
		}
		if (pg.n < SEARCH_PAGE_MAX || at % SEARCH_PAGE_MAX != 0)
			break;
	}
	if (lp->count == 0) {
		struct user_page pg;

		rc = search_users(store_of(c), &c->p.actor, c->p.actor.org_id,
		    c->p.actor.quality_id, &uf, 1, 1, a, &pg, &err);
		if (rc != ACCESS_OK) {
			json_decref(list);
			return scim_fail_access(c, o, rc, &err);
		}
		total = pg.total;
	}
	json_decref(o->body);
	o->body = json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas", SCIM_URN_LIST,
	    "totalResults", (json_int_t)total, "startIndex", (json_int_t)lp->start,
	    "itemsPerPage", (json_int_t)shown, "Resources", list);
	if (o->body == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	o->status = 200;
	return 0;
}

int
scim_user_list(struct scim_req *c, const struct scim_list_params *lp, bool search,
    struct scim_out *o)
{
	struct arena *a = web_arena(c->r);
	struct scim_filter *f = NULL;
	struct user_filter uf = { 0 };
	struct access_errors err = { 0 };
	struct cand *cand = NULL;
	struct qapps qa;
	size_t n = 0, cap = 0, from, to;
	const char *ferr = NULL;
	json_t *list = NULL;
	bool names_id = false;
	int page = 1, rc;

	if (lp->filter != NULL) {
		rc = scim_filter_parse(a, lp->filter, scim_user_schema.attrs, scim_user_schema.nattrs, scim_user_schema.urns, &f, &ferr);
		if (rc < 0)
			return scim_fail(o, 500, NULL, "internal error");
		if (rc > 0)
			return scim_fail(o, 400, "invalidFilter", ferr);
		/* The national number never travels in a URL (nor its logs). */
		if (!search && scim_filter_names(f, U_EXTERNAL))
			return scim_fail(o, 400, "invalidFilter", "a filter on externalId (the "
			    "national number) is refused in a URL: use POST /Users/.search");
		names_id = scim_filter_names(f, U_ID);
	}
	if (quality_apps_of(c, &qa, o) != 0)
		return 0;
	if (lp->sort_by == NULL && (f == NULL || seek_exact(f, &uf)))
		return list_plain(c, lp, &uf, &qa, o);
	if (!seek_into(f, &uf, a))
		goto answer;
	for (;;) {
		struct user_page pg;

		rc = search_users(store_of(c), &c->p.actor, c->p.actor.org_id,
		    c->p.actor.quality_id, &uf, page, SEARCH_PAGE_MAX, a, &pg, &err);
		if (rc == ACCESS_INVALID)
			break;
		if (rc != ACCESS_OK) {
			free_cands(cand, n);
			return scim_fail_access(c, o, rc, &err);
		}
		if (pg.total > SCIM_SCAN_MAX) {
			free_cands(cand, n);
			return scim_fail(o, 400, "tooMany", "the filter selects more users than "
			    "the service looks at (10000): narrow it (userName, name.familyName, "
			    "applications.value)");
		}
		for (size_t i = 0; i < pg.n; i++) {
			struct cand *cv;

			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct cand *nv = arena_alloc(a, ncap * sizeof(*nv));

				if (nv == NULL)
					goto oom;
				if (n > 0)
					memcpy(nv, cand, n * sizeof(*nv));
				cand = nv;
				cap = ncap;
			}
			cv = &cand[n];
			if (from_row(a, &cv->u, &pg.rows[i]) != 0)
				goto oom;
			if (names_id && scim_public_ids(store_of(c), a, c->p.actor.org_id,
			    &cv->u.account, 1, &cv->u.id) != 0)
				goto oom;
			cv->res = user_json(c, &cv->u, &qa);
			if (cv->res == NULL)
				goto oom;
			if (f != NULL) {
				struct scim_json_res jr = { &scim_user_schema, cv->res, a };

				if (!scim_filter_match(f, scim_json_get, &jr)) {
					json_decref(cv->res);
					continue;
				}
			}
			n++;
		}
		if (pg.page >= pg.pages)
			break;
		page++;
	}
	if (lp->sort_by != NULL) {
		int k = scim_attr_find(scim_user_schema.attrs, scim_user_schema.nattrs, scim_user_schema.urns, lp->sort_by);
		struct sort_ctx sc = { 0, false, false, a };

		if (k < 0) {
			free_cands(cand, n);
			return scim_fail(o, 400, "invalidValue", "sortBy names an unknown attribute");
		}
		sc.id = scim_user_schema.attrs[k].id;
		sc.exact = scim_user_schema.attrs[k].case_exact;
		sc.desc = lp->sort_order != NULL && strcmp(lp->sort_order, "descending") == 0;
		if (n > 1)
			qsort_r(cand, n, sizeof(*cand), cmp_cand, &sc);
	}
answer:
	list = json_array();
	from = (size_t)lp->start - 1;
	to = from + (size_t)lp->count;
	if (to > n)
		to = n;
	for (size_t i = from; list != NULL && i < to; i++) {
		struct cand *cv = &cand[i];

		if (!names_id && scim_public_ids(store_of(c), a, c->p.actor.org_id,
		    &cv->u.account, 1, &cv->u.id) != 0)
			goto oom;
		json_object_set_new(cv->res, "id", json_string(cv->u.id));
		json_object_set_new(json_object_get(cv->res, "meta"), "location",
		    json_string(arena_printf(a, "%s/Users/%s", c->base, cv->u.id)));
		scim_project(cv->res, lp);
		json_array_append(list, cv->res);
	}
	free_cands(cand, n);
	json_decref(o->body);
	o->body = json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas", SCIM_URN_LIST,
	    "totalResults", (json_int_t)n, "startIndex", (json_int_t)lp->start,
	    "itemsPerPage", (json_int_t)(to > from ? to - from : 0), "Resources", list);
	if (o->body == NULL)
		return scim_fail(o, 500, NULL, "internal error");
	o->status = 200;
	return 0;
oom:
	free_cands(cand, n);
	json_decref(list);
	return scim_fail(o, 500, NULL, "internal error");
}
