/* rest_api.c — the REST API (issue 19 part 3, docs/api.md): what the access pages do
 * beyond SCIM, as JSON for a machine's access token: the organisation, its qualities, a
 * quality's local managers (designate and remove co-GLs), the audit trail and the CSV
 * export. Each operation calls the pages' service, so the same policy table decides. */
#include "apps/app.h"

#include <stdbool.h>
#include <string.h>

#include "access/audit_feed.h"
#include "access/export.h"
#include "access/hierarchy.h"
#include "access/quality.h"
#include "apps/api/rest.h"

#define V1 "/api/v1"

static const char *const no_query[] = { NULL };

static struct store *
store_of(struct web_req *r)
{
	const struct app *app = web_app(r);

	return app->store;
}

/* ---- the organisation and its qualities ---- */

static json_t *
org_json(const struct org *o, int *bad)
{
	json_t *x = json_object(), *c = json_object(), *id = json_object();

	rest_str(x, "enterprise_number", o->enterprise, bad);
	rest_str(x, "name", o->name, bad);
	rest_str(x, "country", o->country, bad);
	rest_str(x, "address", o->address, bad);
	rest_str(c, "email", o->contact_email, bad);
	rest_str(c, "phone", o->contact_phone, bad);
	rest_put(x, "contact", c, bad);
	rest_str(id, "type", o->id_type, bad);
	rest_str(id, "value", o->id_value, bad);
	rest_put(x, "identifier", id, bad);
	return x;
}

static int
organisation(struct web_req *r)
{
	struct api_principal p;
	struct managers_view mv;
	enum access_rc rc;
	json_t *o, *list;
	int bad = 0, in = rest_enter(r, &p, no_query);

	if (in <= 0)
		return in;
	rc = hierarchy_managers(store_of(r), &p.actor, p.actor.org_id, web_arena(r), &mv);
	if (rc != ACCESS_OK)
		return rest_fail(r, rc, NULL);
	o = org_json(&mv.org, &bad);
	list = json_array();
	/* Names and roles: a manager's NISS is not the machine's business. */
	for (size_t i = 0; i < mv.n; i++) {
		json_t *m = json_object();

		rest_str(m, "role", mv.rows[i].role, &bad);
		rest_str(m, "last_name", mv.rows[i].last_name, &bad);
		rest_str(m, "first_name", mv.rows[i].first_name, &bad);
		rest_str(m, "since", mv.rows[i].since, &bad);
		rest_push(list, m, &bad);
	}
	rest_put(o, "managers", list, &bad);
	if (bad) {
		json_decref(o);
		return -1;
	}
	return rest_json(r, 200, o);
}

static json_t *
quality_json(const struct quality_info *q, int *bad)
{
	json_t *x = json_object();

	rest_str(x, "code", q->code, bad);
	rest_str(x, "name", q->name, bad);
	rest_str(x, "email", q->email, bad);
	rest_str(x, "activated_at", q->activated_at, bad);
	return x;
}

static int
qualities(struct web_req *r)
{
	struct api_principal p;
	struct entity_view ev;
	enum access_rc rc;
	json_t *list;
	int bad = 0, in = rest_enter(r, &p, no_query);

	if (in <= 0)
		return in;
	rc = quality_entity(store_of(r), &p.actor, p.actor.org_id, web_arena(r), &ev);
	if (rc != ACCESS_OK)
		return rest_fail(r, rc, NULL);
	list = json_array();
	for (size_t i = 0; i < ev.nactive; i++)
		rest_push(list, quality_json(&ev.active[i], &bad), &bad);
	if (bad) {
		json_decref(list);
		return -1;
	}
	return rest_json(r, 200, json_pack("{s:o}", "qualities", list));
}

/* The caller, the path's quality (the token's: another is refused as action would
 * be) and its detail read by the pages' service. 1 go on; 0 answered; -1 error. */
static int
enter_quality(struct web_req *r, struct api_principal *p, const char *const *query,
    enum policy_action action, struct quality_view *q)
{
	enum access_rc rc;
	int in = rest_enter(r, p, query);

	if (in > 0)
		in = rest_own_quality(r, p, action);
	if (in <= 0 || q == NULL)
		return in;
	rc = quality_get(store_of(r), &p->actor, p->actor.org_id, p->actor.quality_id,
	    web_arena(r), q);
	if (rc != ACCESS_OK)
		return rest_fail(r, rc, NULL) == 0 ? 0 : -1;
	return 1;
}

static int
quality(struct web_req *r)
{
	struct api_principal p;
	struct quality_view q;
	struct quality_info info;
	json_t *o, *apps;
	int bad = 0, in = enter_quality(r, &p, no_query, POLICY_MANAGE_USERS, &q);

	if (in <= 0)
		return in;
	info = (struct quality_info){ .code = q.code, .name = q.name, .email = q.email,
	    .activated_at = q.activated_at };
	o = quality_json(&info, &bad);
	apps = json_array();
	for (size_t i = 0; i < q.napps; i++)
		rest_push(apps, json_pack("{s:s, s:s}", "code", q.apps[i].code, "name",
		    q.apps[i].name), &bad);
	rest_put(o, "applications", apps, &bad);
	if (bad) {
		json_decref(o);
		return -1;
	}
	return rest_json(r, 200, o);
}

/* ---- local managers ---- */

static json_t *
manager_json(const struct quality_manager *m, int *bad)
{
	json_t *x = json_object();

	rest_put(x, "id", json_integer(m->account_id), bad);
	rest_str(x, "type", m->type, bad);
	rest_str(x, "last_name", m->last_name, bad);
	rest_str(x, "first_name", m->first_name, bad);
	rest_str(x, "username", m->username, bad);
	rest_str(x, "status", m->status, bad);
	rest_str(x, "since", m->since, bad);
	return x;
}

static int
managers(struct web_req *r)
{
	struct api_principal p;
	struct quality_view q;
	json_t *list;
	int bad = 0, in = enter_quality(r, &p, no_query, POLICY_MANAGE_USERS, &q);

	if (in <= 0)
		return in;
	list = json_array();
	for (size_t i = 0; i < q.nmanagers; i++)
		rest_push(list, manager_json(&q.managers[i], &bad), &bad);
	if (bad) {
		json_decref(list);
		return -1;
	}
	return rest_json(r, 200, json_pack("{s:o}", "managers", list));
}

/* Characters (code points) of the UTF-8 text s: JSON Schema's lengths count them. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The text members of the schema's DesignateCoManager with their lengths (characters). */
static const struct {
	const char *name;
	size_t min, max;
} designation[] = {
	{ "niss", 11, 11 }, { "username", 3, 64 }, { "email", 0, 254 },
	{ "last_name", 0, 100 }, { "first_name", 0, 100 }, { "language", 2, 2 },
};
#define NDESIGNATION (sizeof(designation) / sizeof(designation[0]))

/* What the schema says of one text member (after its length): NULL when it holds. */
static const char *
member_pattern(const char *name, const char *v)
{
	static const char *const langs[] = { "fr", "nl", "de", "en" };

	if (strcmp(name, "niss") == 0 && strspn(v, "0123456789") != 11)
		return "niss must be 11 digits";
	if (strcmp(name, "language") == 0) {
		for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
			if (strcmp(v, langs[i]) == 0)
				return NULL;
		return "language must be fr, nl, de or en";
	}
	return NULL;
}

/* The applications member: an array of at most 64 codes of at most 32 characters. */
static const char *
read_apps(struct web_req *r, json_t *list, struct user_input *in)
{
	size_t n = json_array_size(list);
	const char **apps;

	if (!json_is_array(list) || n > 64)
		return "applications must be an array of at most 64 codes";
	apps = arena_alloc(web_arena(r), (n + 1) * sizeof(*apps));
	if (apps == NULL)
		return "out of memory";
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(list, i);

		if (!json_is_string(x) || strlen(json_string_value(x)) != json_string_length(x) ||
		    chars(json_string_value(x)) > 32)
			return "applications must be an array of application codes";
		apps[i] = json_string_value(x);
	}
	in->apps = apps;
	in->napps = n;
	return NULL;
}

/* The members of the designation body into in: NULL when the body holds to the schema
 * (members known, of their type, length and pattern; the required ones present), else
 * what is wrong (English, never a value: a NISS is not echoed). */
static const char *
read_designation(struct web_req *r, json_t *body, struct user_input *in)
{
	const char **v[NDESIGNATION] = { &in->niss, &in->username, &in->data.email,
	    &in->last_name, &in->first_name, &in->data.language };
	const char *key, *why;
	json_t *val;
	size_t i, n;

	memset(in, 0, sizeof(*in));
	json_object_foreach(body, key, val) {
		if (strcmp(key, "applications") == 0) {
			why = read_apps(r, val, in);
			if (why != NULL)
				return why;
			continue;
		}
		for (i = 0; i < NDESIGNATION && strcmp(designation[i].name, key) != 0; i++)
			;
		if (i == NDESIGNATION)
			return arena_printf(web_arena(r), "unknown member: %.64s", key);
		if (!json_is_string(val) || strlen(json_string_value(val)) !=
		    json_string_length(val))
			return arena_printf(web_arena(r), "%s must be a string", key);
		*v[i] = json_string_value(val);
		n = chars(*v[i]);
		if (n < designation[i].min || n > designation[i].max)
			return arena_printf(web_arena(r), "%s must have %zu to %zu characters", key,
			    designation[i].min, designation[i].max);
		why = member_pattern(key, *v[i]);
		if (why != NULL)
			return why;
	}
	if (in->niss == NULL || in->username == NULL || in->data.email == NULL ||
	    in->data.language == NULL)
		return "niss, username, email and language are required";
	return NULL;
}

/* The applications asked must be within the token's scope: 1 yes, 0 answered 403. */
static int
apps_in_scope(struct web_req *r, const struct api_principal *p, const struct user_input *in)
{
	for (size_t i = 0; i < in->napps; i++)
		if (!api_scope_has(p, in->apps[i])) {
			if (api_refuse_scope(r, p, POLICY_DESIGNATE_COGL, in->apps[i]) != 0)
				return -1;
			return rest_problem(r, 403, "an application outside the token's scope",
			    NULL) == 0 ? 0 : -1;
		}
	return 1;
}

/* 201 with the co-manager just designated, read back as the managers' list gives them. */
static int
send_created(struct web_req *r, const struct api_principal *p, int64_t account)
{
	struct quality_view q;
	enum access_rc rc = quality_get(store_of(r), &p->actor, p->actor.org_id,
	    p->actor.quality_id, web_arena(r), &q);
	json_t *m;
	int bad = 0;

	if (rc != ACCESS_OK)
		return rest_fail(r, rc, NULL);
	for (size_t i = 0; i < q.nmanagers; i++) {
		if (q.managers[i].account_id != account)
			continue;
		m = manager_json(&q.managers[i], &bad);
		if (bad || web_add_header(r, "Location", arena_printf(web_arena(r),
		    V1 "/qualities/%s/managers/%lld", p->quality, (long long)account)) != 0) {
			json_decref(m);
			return -1;
		}
		return rest_json(r, 201, m);
	}
	return rest_fail(r, ACCESS_ERROR, NULL);
}

static int
manager_add(struct web_req *r)
{
	struct api_principal p;
	struct access_errors err = { 0 };
	struct user_input in;
	const char *why;
	enum access_rc rc;
	int64_t account = 0;
	json_t *body = NULL;
	int out = -1, in_ok = enter_quality(r, &p, no_query, POLICY_DESIGNATE_COGL, NULL);

	if (in_ok <= 0)
		return in_ok;
	in_ok = rest_body(r, &body);
	if (in_ok <= 0)
		return in_ok;
	why = read_designation(r, body, &in);
	if (why != NULL) {
		out = rest_problem(r, 400, why, NULL);
		goto done;
	}
	in.type = "COGL";
	in_ok = apps_in_scope(r, &p, &in);
	if (in_ok <= 0) {
		out = in_ok;
		goto done;
	}
	rc = account_create(store_of(r), &p.actor, p.actor.org_id, p.actor.quality_id, &in,
	    &err, &account);
	out = rc == ACCESS_OK ? send_created(r, &p, account) : rest_fail(r, rc, &err);
done:
	json_decref(body);
	return out;
}

static int
manager_remove(struct web_req *r)
{
	struct api_principal p;
	struct access_errors err;
	struct quality_view q;
	int64_t account = web_id(web_param(r, "id"));
	const struct quality_manager *m = NULL;
	enum access_rc rc;
	size_t removed;
	int in = enter_quality(r, &p, no_query, POLICY_DESIGNATE_COGL, &q);

	if (in <= 0)
		return in;
	for (size_t i = 0; account > 0 && i < q.nmanagers; i++)
		if (q.managers[i].account_id == account)
			m = &q.managers[i];
	if (m == NULL)
		return rest_problem(r, 404, "no such co-manager of the quality", NULL);
	if (strcmp(m->type, "COGL") != 0)
		return rest_problem(r, 409, "the local manager is not removed: designate another "
		    "one first (on the pages)", NULL);
	rc = account_remove(store_of(r), &p.actor, p.actor.org_id, p.actor.quality_id,
	    &account, 1, &removed, &err);
	if (rc != ACCESS_OK)
		return rest_fail(r, rc, &err);
	return web_send(r, 204, "application/json", "", 0);
}

/* ---- the audit trail ---- */

static json_t *
event_json(const struct audit_row *e, int *bad)
{
	json_t *x = json_object(), *details = json_loads(e->details, 0, NULL);

	rest_put(x, "seq", json_integer(e->seq), bad);
	rest_str(x, "at", e->at, bad);
	rest_str(x, "actor", e->actor, bad);
	if (e->actor_name != NULL)
		rest_str(x, "actor_name", e->actor_name, bad);
	rest_str(x, "actor_role", e->actor_role, bad);
	rest_str(x, "action", e->action, bad);
	rest_str(x, "object", e->object, bad);
	if (e->object_name != NULL)
		rest_str(x, "object_name", e->object_name, bad);
	/* Details are a JSON object when written by the services; anything else (an old
	 * event without details) is given as an empty one. */
	if (!json_is_object(details)) {
		json_decref(details);
		details = json_object();
	}
	rest_put(x, "details", details, bad);
	return x;
}

static int
audit(struct web_req *r)
{
	static const char *const query[] = { "after", "limit", "quality", NULL };
	struct api_principal p;
	struct audit_feed f;
	const char *qcode;
	int64_t after = 0, limit = 100, quality_id = 0;
	enum access_rc rc;
	json_t *list;
	int bad = 0, in = rest_enter(r, &p, query);

	if (in <= 0)
		return in;
	if (!rest_query_int(r, "after", &after) || !rest_query_int(r, "limit", &limit) ||
	    limit < 1 || limit > AUDIT_FEED_MAX)
		return rest_problem(r, 400, "after must be a sequence number, limit 1 to 200",
		    NULL);
	qcode = web_query(r, "quality");
	if (qcode != NULL) {
		if (strcmp(qcode, p.quality) != 0) {
			if (api_refuse_scope(r, &p, POLICY_READ_AUDIT, NULL) != 0)
				return -1;
			return rest_problem(r, 403, "the access token is for another quality", NULL);
		}
		quality_id = p.actor.quality_id;
	}
	rc = audit_feed_read(store_of(r), &p.actor, p.actor.org_id, quality_id, after,
	    (int)limit, web_arena(r), &f);
	if (rc != ACCESS_OK)
		return rest_fail(r, rc, NULL);
	list = json_array();
	for (size_t i = 0; i < f.n; i++)
		rest_push(list, event_json(&f.rows[i], &bad), &bad);
	if (bad) {
		json_decref(list);
		return -1;
	}
	return rest_json(r, 200, json_pack("{s:o, s:I, s:b}", "events", list, "next_after",
	    (json_int_t)(f.n > 0 ? f.rows[f.n - 1].seq : after), "more", f.more));
}

/* ---- the CSV export ---- */

static const char *
tr(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

static long
csv_read(void *arg, char *dst, size_t max)
{
	return export_read(arg, dst, max);
}

static void
csv_close(void *arg)
{
	export_close(arg);
}

static int
users_csv(struct web_req *r)
{
	static const char *const query[] = { "sep", NULL };
	struct api_principal p;
	struct access_errors err;
	struct user_filter f = { 0 };
	struct export_stream *x;
	const char *sep;
	enum access_rc rc;
	int in = enter_quality(r, &p, query, POLICY_EXPORT_USERS, NULL);

	if (in <= 0)
		return in;
	sep = web_query(r, "sep");
	if (sep != NULL && strcmp(sep, ";") != 0 && strcmp(sep, ",") != 0)
		return rest_problem(r, 400, "sep must be ; or ,", NULL);
	rc = export_users_open(store_of(r), &p.actor, p.actor.org_id, p.actor.quality_id,
	    &f, sep != NULL && sep[0] == ',' ? ',' : ';', tr, r, &x, &err);
	if (rc != ACCESS_OK)
		return rest_fail(r, rc, &err);
	/* The rows are read from the database as the client takes them (docs/csv-export.md). */
	if (web_stream(r, 200, "text/csv; charset=utf-8", csv_read, csv_close, x) != 0)
		return -1;
	return web_add_header(r, "Content-Disposition", arena_printf(web_arena(r),
	    "attachment; filename=\"users-%s.csv\"", p.quality));
}

/* ---- methods and paths the document does not describe ---- */

static const struct {
	const char *path, *allow;
} documented[] = {
	{ "/api/openapi.json", "GET, HEAD" },
	{ V1 "/organisation", "GET, HEAD" },
	{ V1 "/qualities", "GET, HEAD" },
	{ V1 "/qualities/:code", "GET, HEAD" },
	{ V1 "/qualities/:code/managers", "GET, HEAD, POST" },
	{ V1 "/qualities/:code/managers/:id", "DELETE" },
	{ V1 "/audit", "GET, HEAD" },
	{ V1 "/qualities/:code/users.csv", "GET, HEAD" },
};

/* Whether path matches pattern, ":name" standing for one non-empty segment. */
static bool
path_matches(const char *pattern, const char *path)
{
	while (*pattern != '\0' && *path != '\0') {
		if (*pattern == ':') {
			size_t n = strcspn(path, "/");

			if (n == 0)
				return false;
			pattern += strcspn(pattern, "/");
			path += n;
		} else if (*pattern++ != *path++) {
			return false;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

/* Every request under the API that no operation took: a 405 naming the methods of a
 * documented path, else a 404, both as problem+json (the router's own are HTML pages).
 * Registered after the operations, so that they match first. */
static int
undocumented(struct web_req *r)
{
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (path_matches(documented[i].path, web_path(r))) {
			if (web_add_header(r, "Allow", documented[i].allow) != 0)
				return -1;
			return rest_problem(r, 405, "method not allowed on this resource", NULL);
		}
	return rest_problem(r, 404, "no such resource", NULL);
}

static int
refuse_others(struct web_server *s)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };

	for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++)
		if (web_route(s, methods[k], V1 "/*", undocumented, WEB_NO_CSRF) != 0 ||
		    (k > 0 && web_route(s, methods[k], "/api/openapi.json", undocumented,
		    WEB_NO_CSRF) != 0))
			return -1;
	return 0;
}

int
rest_api_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/api/openapi.json", rest_openapi, 0) != 0 ||
	    web_route(s, "GET", V1 "/organisation", organisation, 0) != 0 ||
	    web_route(s, "GET", V1 "/qualities", qualities, 0) != 0 ||
	    web_route(s, "GET", V1 "/qualities/:code", quality, 0) != 0 ||
	    web_route(s, "GET", V1 "/qualities/:code/managers", managers, 0) != 0 ||
	    web_route(s, "POST", V1 "/qualities/:code/managers", manager_add, WEB_NO_CSRF) != 0 ||
	    web_route(s, "DELETE", V1 "/qualities/:code/managers/:id", manager_remove,
	    WEB_NO_CSRF) != 0 ||
	    web_route(s, "GET", V1 "/audit", audit, 0) != 0 ||
	    web_route(s, "GET", V1 "/qualities/:code/users.csv", users_csv, 0) != 0)
		return -1;
	return refuse_others(s);
}
