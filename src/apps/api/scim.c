/* scim.c — the SCIM 2.0 service provider's routes (RFC 7644, /scim/v2/…; docs/scim.md):
 * the caller from a machine's bearer token, errors in the SCIM schema, the discovery
 * documents, list parameters, and /Bulk, which runs the same operations one by one. */
#include "apps/api/scim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access/result.h"
#include "base/log.h"
#include "oidc/provider.h"
#include "scim/filter.h"

#define SCIM_CTYPE "application/scim+json"

/* ---- answers ---- */

int
scim_fail(struct scim_out *o, int status, const char *type, const char *detail)
{
	char st[8];

	json_decref(o->body);
	snprintf(st, sizeof(st), "%d", status);
	o->status = status;
	o->etag = o->location = NULL;
	o->body = json_pack("{s:[s], s:s, s:s}", "schemas", SCIM_URN_ERROR, "status", st,
	    "detail", detail != NULL ? detail : "");
	if (o->body != NULL && type != NULL)
		json_object_set_new(o->body, "scimType", json_string(type));
	return 0;
}

int
scim_fail_scope(struct scim_req *c, struct scim_out *o, const char *app)
{
	/* Audited as every refusal is (access.denied, reason insufficient_scope): a grant
	 * is the table's manage_users. */
	if (api_record_scope_refusal(c->r, &c->p, POLICY_MANAGE_USERS) != 0)
		return scim_fail(o, 500, NULL, "internal error");
	scim_fail(o, 403, NULL, "an application outside the access token's scope: nothing "
	    "was changed");
	o->insufficient_scope = true;
	/* app may point into the request's JSON, released before the answer is written. */
	o->scope = app != NULL ? arena_strdup(web_arena(c->r), app) : NULL;
	return 0;
}

/* Field errors of a service in SCIM's words: "userName: <message>; …". */
static const char *field_attr[][2] = {
	{ "niss", "externalId" }, { "username", "userName" }, { "last_name", "name.familyName" },
	{ "first_name", "name.givenName" }, { "email", "emails" }, { "language",
	"preferredLanguage" }, { "apps", SCIM_URN_EXT ":applications" },
};

static const char *
errors_text(struct scim_req *c, const struct access_errors *err, bool *taken)
{
	const char *s = "";

	*taken = false;
	for (size_t i = 0; err != NULL && i < err->n && s != NULL; i++) {
		const char *f = err->e[i].field;

		for (size_t k = 0; k < sizeof(field_attr) / sizeof(field_attr[0]); k++)
			if (strcmp(f, field_attr[k][0]) == 0)
				f = field_attr[k][1];
		if (strcmp(err->e[i].field, "username") == 0 &&
		    strstr(err->e[i].msgid, "déjà utilisé") != NULL)
			*taken = true;
		s = arena_printf(web_arena(c->r), "%s%s%s: %s", s, i ? "; " : "", f,
		    web_t(c->r, err->e[i].msgid));
	}
	return s;
}

int
scim_fail_access(struct scim_req *c, struct scim_out *o, int rc, const void *errors)
{
	const struct access_errors *err = errors;
	bool taken;
	const char *t;

	switch (rc) {
	case ACCESS_DENIED:
		return scim_fail(o, 403, NULL, "refused by the access policy (the manager who "
		    "registered the certificate may not do this): nothing was changed");
	case ACCESS_NOT_FOUND:
		return scim_fail(o, 404, NULL, "no such resource");
	case ACCESS_INVALID:
		t = errors_text(c, err, &taken);
		if (taken)
			return scim_fail(o, 409, "uniqueness", t);
		return scim_fail(o, 400, "invalidValue", t != NULL ? t : "invalid value");
	case ACCESS_EXISTS:
		return scim_fail(o, 409, "uniqueness", "the person is already a user of the "
		    "quality");
	case ACCESS_CONFLICT:
		return scim_fail(o, 412, NULL, "the resource changed meanwhile: read it again");
	default:
		return scim_fail(o, 500, NULL, "internal error");
	}
}

static int
send_out(struct scim_req *c, struct scim_out *o)
{
	struct web_req *r = c->r;
	char *text = NULL;
	int rc;

	if (o->insufficient_scope && api_insufficient_scope(r, o->scope) != 0)
		goto fail;
	/* The web layer keeps the header's pointer: copies that outlive the body. */
	if (o->etag != NULL && web_add_header(r, "ETag", arena_strdup(web_arena(r), o->etag)) != 0)
		goto fail;
	if (o->location != NULL && web_add_header(r, "Location",
	    arena_strdup(web_arena(r), o->location)) != 0)
		goto fail;
	if (web_add_header(r, "Cache-Control", "no-store") != 0)
		goto fail;
	if (o->body == NULL) {
		rc = web_send(r, o->status, SCIM_CTYPE, "", 0);
		return rc;
	}
	text = json_dumps(o->body, JSON_COMPACT);
	json_decref(o->body);
	o->body = NULL;
	if (text == NULL)
		return web_error(r, 500);
	rc = web_send(r, o->status, SCIM_CTYPE, text, strlen(text));
	free(text);
	return rc;
fail:
	json_decref(o->body);
	o->body = NULL;
	return -1;
}

/* ---- the caller ---- */

/* Reads the caller into c: 0, or 1 when the request was answered (a refusal). */
static int
begin(struct web_req *r, struct scim_req *c)
{
	struct scim_out o = { 0 };
	enum api_auth a;
	const char *iss;

	memset(c, 0, sizeof(*c));
	c->r = r;
	c->app = web_app(r);
	iss = c->app->oidc != NULL ? oidc_provider_issuer(c->app->oidc) : "";
	c->base = arena_printf(web_arena(r), "%s/scim/v2", iss);
	a = api_principal(r, &c->p);
	if (a == API_AUTH_OK && c->base != NULL)
		return 0;
	scim_fail(&o, a == API_AUTH_OK ? 500 : api_auth_status(a), NULL, api_auth_detail(a));
	return send_out(c, &o) == 0 ? 1 : -1;
}

/* Whether the Content-Type is SCIM's or plain JSON (RFC 7644 §3.1), parameters allowed. */
static bool
json_media_type(const char *ct)
{
	static const char *const types[] = { "application/scim+json", "application/json" };

	for (size_t i = 0; ct != NULL && i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = strlen(types[i]);

		if (strncasecmp(ct, types[i], n) == 0 &&
		    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
			return true;
	}
	return false;
}

/* The request's JSON object into *j: 0, or 1 with o set to the error. */
static int
read_body(struct scim_req *c, json_t **j, struct scim_out *o)
{
	size_t len = 0;
	const char *b = web_body(c->r, &len);
	json_error_t e;

	*j = NULL;
	if (len > SCIM_BODY_MAX)
		return scim_fail(o, 413, NULL, "the body is too large"), 1;
	/* A form or text body is refused, as the REST API does: not read as JSON. */
	if (len > 0 && !json_media_type(web_header(c->r, "Content-Type")))
		return scim_fail(o, 415, NULL, "the body is application/scim+json"), 1;
	if (b == NULL || len == 0)
		return scim_fail(o, 400, "invalidSyntax", "a JSON body is required"), 1;
	*j = json_loadb(b, len, JSON_REJECT_DUPLICATES, &e);
	if (*j == NULL)
		return scim_fail(o, 400, "invalidSyntax", "the body is not valid JSON"), 1;
	if (!json_is_object(*j)) {
		json_decref(*j);
		*j = NULL;
		return scim_fail(o, 400, "invalidSyntax", "the body is not a JSON object"), 1;
	}
	return 0;
}

/* ---- list parameters ---- */

static int
int_param(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
scim_list_params(struct scim_req *c, json_t *j, struct scim_list_params *lp,
    struct scim_out *o)
{
	const char *start, *count;

	memset(lp, 0, sizeof(*lp));
	lp->start = 1;
	lp->count = SCIM_COUNT_MAX;
	if (j == NULL) {
		lp->filter = web_query(c->r, "filter");
		lp->sort_by = web_query(c->r, "sortBy");
		lp->sort_order = web_query(c->r, "sortOrder");
		lp->attributes = web_query(c->r, "attributes");
		lp->excluded = web_query(c->r, "excludedAttributes");
		start = web_query(c->r, "startIndex");
		count = web_query(c->r, "count");
	} else {
		json_t *s = json_object_get(j, "startIndex"), *n = json_object_get(j, "count");
		json_t *a = json_object_get(j, "attributes"), *x = json_object_get(j,
		    "excludedAttributes");

		lp->filter = json_string_value(json_object_get(j, "filter"));
		lp->sort_by = json_string_value(json_object_get(j, "sortBy"));
		lp->sort_order = json_string_value(json_object_get(j, "sortOrder"));
		/* attributes are arrays of strings in a SearchRequest: joined by commas. */
		for (int k = 0; k < 2; k++) {
			json_t *arr = k == 0 ? a : x;
			const char *joined = NULL;
			size_t i;
			json_t *e;

			json_array_foreach(arr, i, e) {
				if (!json_is_string(e))
					return scim_fail(o, 400, "invalidValue",
					    "attributes are strings"), 1;
				/* Refused at the limit, not after: each join copies the whole
				 * list, so a long array would cost its square in the arena. */
				if ((joined != NULL ? strlen(joined) : 0) +
				    json_string_length(e) + 1 > SCIM_ATTRS_MAX)
					return scim_fail(o, 400, "invalidValue", k == 0 ?
					    "attributes is too long" :
					    "excludedAttributes is too long"), 1;
				joined = arena_printf(web_arena(c->r), "%s%s%s", joined ? joined :
				    "", joined ? "," : "", json_string_value(e));
			}
			if (k == 0)
				lp->attributes = joined;
			else
				lp->excluded = joined;
		}
		start = count = NULL;
		if (json_is_integer(s)) {
			lp->start = (long)json_integer_value(s);
		} else if (s != NULL) {
			return scim_fail(o, 400, "invalidValue", "startIndex is an integer"), 1;
		}
		if (json_is_integer(n))
			lp->count = (long)json_integer_value(n);
		else if (n != NULL)
			return scim_fail(o, 400, "invalidValue", "count is an integer"), 1;
	}
	if (start != NULL && int_param(start, &lp->start) != 0)
		return scim_fail(o, 400, "invalidValue", "startIndex is an integer"), 1;
	if (count != NULL && int_param(count, &lp->count) != 0)
		return scim_fail(o, 400, "invalidValue", "count is an integer"), 1;
	if (lp->start < 1)
		lp->start = 1;
	if (lp->count < 0)
		lp->count = 0;
	if (lp->count > SCIM_COUNT_MAX)
		lp->count = SCIM_COUNT_MAX;
	if (lp->filter != NULL && strlen(lp->filter) > SCIM_FILTER_MAX)
		return scim_fail(o, 400, "invalidFilter", "the filter is too long"), 1;
	if (lp->sort_order != NULL && strcmp(lp->sort_order, "ascending") != 0 &&
	    strcmp(lp->sort_order, "descending") != 0)
		return scim_fail(o, 400, "invalidValue",
		    "sortOrder is ascending or descending"), 1;
	for (const char *s2 = lp->attributes; s2 != NULL; s2 = NULL)
		if (strlen(s2) > SCIM_ATTRS_MAX)
			return scim_fail(o, 400, "invalidValue", "attributes is too long"), 1;
	for (const char *s2 = lp->excluded; s2 != NULL; s2 = NULL)
		if (strlen(s2) > SCIM_ATTRS_MAX)
			return scim_fail(o, 400, "invalidValue",
			    "excludedAttributes is too long"), 1;
	return 0;
}

/* Whether the top-level key k is named in the comma-separated list (a name's URN prefix
 * and sub-attribute left out: "name.familyName" names "name"). */
static bool
listed(const char *list, const char *k)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, ","), kl;
		const char *w = p, *colon;

		while (n > 0 && *w == ' ')
			w++, n--;
		/* after the last ':' of a URN-qualified name */
		for (colon = w; colon < w + n; colon++)
			if (*colon == ':')
				w = colon + 1, n = (size_t)(p + strcspn(p, ",") - w);
		kl = strcspn(w, ".,");
		if (kl > n)
			kl = n;
		if (kl == strlen(k) && strncasecmp(w, k, kl) == 0)
			return true;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return false;
}

void
scim_project(json_t *res, const struct scim_list_params *lp)
{
	const char *k;
	json_t *v;
	void *tmp;

	if (lp == NULL || (lp->attributes == NULL && lp->excluded == NULL))
		return;
	json_object_foreach_safe(res, tmp, k, v) {
		bool keep;

		if (strcmp(k, "id") == 0 || strcmp(k, "schemas") == 0)
			continue;
		if (strcmp(k, SCIM_URN_EXT) == 0) {
			if (lp->attributes != NULL && !listed(lp->attributes, "applications"))
				json_object_del(res, k);
			else if (lp->excluded != NULL && listed(lp->excluded, "applications"))
				json_object_del(res, k);
			continue;
		}
		keep = lp->attributes != NULL ? listed(lp->attributes, k) : true;
		if (lp->excluded != NULL && listed(lp->excluded, k))
			keep = false;
		if (!keep)
			json_object_del(res, k);
	}
}

/* ---- discovery (RFC 7644 §4, RFC 7643 §5-7) ---- */

static const char service_provider_config[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig\"],"
    "\"documentationUri\":\"https://github.com/portier/portier/blob/main/docs/scim.md\","
    "\"patch\":{\"supported\":true},"
    "\"bulk\":{\"supported\":true,\"maxOperations\":50,\"maxPayloadSize\":65536},"
    "\"filter\":{\"supported\":true,\"maxResults\":200},"
    "\"changePassword\":{\"supported\":false},"
    "\"sort\":{\"supported\":true},"
    "\"etag\":{\"supported\":true},"
    "\"authenticationSchemes\":[{\"type\":\"oauthbearertoken\",\"name\":\"OAuth Bearer Token\","
    "\"description\":\"An access token of the client_credentials grant of a system "
    "certificate (RFC 6750)\",\"specUri\":\"https://www.rfc-editor.org/rfc/rfc6750\","
    "\"primary\":true}],"
    "\"meta\":{\"resourceType\":\"ServiceProviderConfig\"}}";

#define ATTR(n, t, multi, req, mut, uniq) \
	"{\"name\":\"" n "\",\"type\":\"" t "\",\"multiValued\":" multi ",\"required\":" req \
	",\"caseExact\":false,\"mutability\":\"" mut "\",\"returned\":\"default\"," \
	"\"uniqueness\":\"" uniq "\"}"

static const char schemas_user[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Schema\"],"
    "\"id\":\"" SCIM_URN_USER "\",\"name\":\"User\",\"description\":\"A user of the quality\","
    "\"attributes\":["
    ATTR("userName", "string", "false", "true", "readWrite", "server") ","
    ATTR("externalId", "string", "false", "true", "immutable", "server") ","
    "{\"name\":\"name\",\"type\":\"complex\",\"multiValued\":false,\"required\":false,"
    "\"mutability\":\"immutable\",\"returned\":\"default\",\"subAttributes\":["
    ATTR("givenName", "string", "false", "false", "immutable", "none") ","
    ATTR("familyName", "string", "false", "false", "immutable", "none") "]},"
    "{\"name\":\"emails\",\"type\":\"complex\",\"multiValued\":true,\"required\":true,"
    "\"mutability\":\"readWrite\",\"returned\":\"default\",\"subAttributes\":["
    ATTR("value", "string", "false", "true", "readWrite", "none") ","
    ATTR("type", "string", "false", "false", "readWrite", "none") ","
    ATTR("primary", "boolean", "false", "false", "readWrite", "none") "]},"
    ATTR("preferredLanguage", "string", "false", "false", "readWrite", "none") ","
    ATTR("active", "boolean", "false", "false", "readWrite", "none") "]}";

static const char schemas_ext[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Schema\"],"
    "\"id\":\"" SCIM_URN_EXT "\",\"name\":\"PortierUser\","
    "\"description\":\"The user's applications in the quality\",\"attributes\":["
    "{\"name\":\"applications\",\"type\":\"complex\",\"multiValued\":true,\"required\":false,"
    "\"mutability\":\"readWrite\",\"returned\":\"default\",\"subAttributes\":["
    ATTR("value", "string", "false", "true", "readWrite", "none") ","
    ATTR("display", "string", "false", "false", "readOnly", "none") "]}]}";

static const char schemas_group[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Schema\"],"
    "\"id\":\"" SCIM_URN_GROUP "\",\"name\":\"Group\","
    "\"description\":\"An application of the quality; its members are the users granted it\","
    "\"attributes\":["
    ATTR("displayName", "string", "false", "true", "readOnly", "server") ","
    "{\"name\":\"members\",\"type\":\"complex\",\"multiValued\":true,\"required\":false,"
    "\"mutability\":\"readWrite\",\"returned\":\"default\",\"subAttributes\":["
    ATTR("value", "string", "false", "true", "immutable", "none") ","
    ATTR("display", "string", "false", "false", "readOnly", "none") "]}]}";

static const char rt_user[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:ResourceType\"],"
    "\"id\":\"User\",\"name\":\"User\",\"endpoint\":\"/Users\",\"schema\":\"" SCIM_URN_USER "\","
    "\"schemaExtensions\":[{\"schema\":\"" SCIM_URN_EXT "\",\"required\":false}],"
    "\"meta\":{\"resourceType\":\"ResourceType\"}}";
static const char rt_group[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:ResourceType\"],"
    "\"id\":\"Group\",\"name\":\"Group\",\"endpoint\":\"/Groups\","
    "\"schema\":\"" SCIM_URN_GROUP "\",\"meta\":{\"resourceType\":\"ResourceType\"}}";

static int
send_doc(struct web_req *r, const char *text)
{
	return web_send(r, 200, SCIM_CTYPE, text, strlen(text));
}

static int
send_list_of(struct web_req *r, const char *const *docs, size_t n)
{
	json_t *res = json_array(), *o;
	char *text;
	int rc;

	for (size_t i = 0; res != NULL && i < n; i++)
		json_array_append_new(res, json_loads(docs[i], 0, NULL));
	o = json_pack("{s:[s], s:I, s:I, s:I, s:o}", "schemas", SCIM_URN_LIST, "totalResults",
	    (json_int_t)n, "startIndex", (json_int_t)1, "itemsPerPage", (json_int_t)n,
	    "Resources", res);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL)
		return web_error(r, 500);
	rc = web_send(r, 200, SCIM_CTYPE, text, strlen(text));
	free(text);
	return rc;
}

static int
spc(struct web_req *r)
{
	return send_doc(r, service_provider_config);
}

static int
schemas(struct web_req *r)
{
	static const char *const all[] = { schemas_user, schemas_ext, schemas_group };

	return send_list_of(r, all, 3);
}

static int
schema_one(struct web_req *r)
{
	const char *id = web_param(r, "id");
	struct scim_req c = { .r = r };
	struct scim_out o = { 0 };

	if (strcmp(id, SCIM_URN_USER) == 0)
		return send_doc(r, schemas_user);
	if (strcmp(id, SCIM_URN_EXT) == 0)
		return send_doc(r, schemas_ext);
	if (strcmp(id, SCIM_URN_GROUP) == 0)
		return send_doc(r, schemas_group);
	scim_fail(&o, 404, NULL, "no such schema");
	return send_out(&c, &o);
}

static int
resource_types(struct web_req *r)
{
	static const char *const all[] = { rt_user, rt_group };

	return send_list_of(r, all, 2);
}

static int
resource_type_one(struct web_req *r)
{
	const char *id = web_param(r, "id");
	struct scim_req c = { .r = r };
	struct scim_out o = { 0 };

	if (strcmp(id, "User") == 0)
		return send_doc(r, rt_user);
	if (strcmp(id, "Group") == 0)
		return send_doc(r, rt_group);
	scim_fail(&o, 404, NULL, "no such resource type");
	return send_out(&c, &o);
}

/* ---- Users and Groups ---- */

static int
users_list(struct web_req *r)
{
	struct scim_list_params lp;
	struct scim_out o = { 0 };
	struct scim_req c;
	int rc = begin(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (scim_list_params(&c, NULL, &lp, &o) == 0)
		scim_user_list(&c, &lp, false, &o);
	return send_out(&c, &o);
}

static int
users_post(struct web_req *r)
{
	struct scim_out o = { 0 };
	struct scim_req c;
	json_t *j = NULL;
	int rc = begin(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (read_body(&c, &j, &o) == 0)
		scim_user_create(&c, j, &o);
	json_decref(j);
	return send_out(&c, &o);
}

/* POST /Users/.search (RFC 7644 §3.4.3), the one way to filter on externalId. */
static int
users_search(struct web_req *r)
{
	struct scim_list_params lp;
	struct scim_out o = { 0 };
	struct scim_req c;
	json_t *j = NULL;
	int rc;

	/* A user takes no POST (RFC 9110 §15.5.6: a 405 names what the resource allows). */
	if (strcmp(web_param(r, "id"), ".search") != 0)
		return web_add_header(r, "Allow", "GET, HEAD, PUT, PATCH, DELETE") == 0 ?
		    web_error(r, 405) : -1;
	rc = begin(r, &c);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (read_body(&c, &j, &o) == 0 && scim_list_params(&c, j, &lp, &o) == 0)
		scim_user_list(&c, &lp, true, &o);
	json_decref(j);
	return send_out(&c, &o);
}

static int
user_one(struct web_req *r)
{
	const char *m = web_method(r), *id = web_param(r, "id");
	const char *if_match = web_header(r, "If-Match");
	struct scim_out o = { 0 };
	struct scim_req c;
	json_t *j = NULL;
	int rc = begin(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
		const char *inm = web_header(r, "If-None-Match");
		struct scim_list_params lp;

		if (scim_list_params(&c, NULL, &lp, &o) == 0 && scim_user_get(&c, id, &o) == 0 &&
		    o.status == 200) {
			if (inm != NULL && o.etag != NULL && strcmp(inm, o.etag) == 0) {
				json_decref(o.body);
				o.body = NULL;
				o.status = 304;
			} else {
				scim_project(o.body, &lp);
			}
		}
	} else if (strcmp(m, "DELETE") == 0) {
		scim_user_delete(&c, id, if_match, &o);
	} else if (read_body(&c, &j, &o) == 0) {
		if (strcmp(m, "PUT") == 0)
			scim_user_replace(&c, id, j, if_match, &o);
		else
			scim_user_patch(&c, id, j, if_match, &o);
	}
	json_decref(j);
	return send_out(&c, &o);
}

static int
groups_list(struct web_req *r)
{
	struct scim_list_params lp;
	struct scim_out o = { 0 };
	struct scim_req c;
	int rc = begin(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (scim_list_params(&c, NULL, &lp, &o) == 0)
		scim_group_list(&c, &lp, &o);
	return send_out(&c, &o);
}

static int
group_one(struct web_req *r)
{
	const char *m = web_method(r), *id = web_param(r, "id");
	struct scim_out o = { 0 };
	struct scim_req c;
	json_t *j = NULL;
	int rc = begin(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
		struct scim_list_params lp;

		if (scim_list_params(&c, NULL, &lp, &o) == 0) {
			bool members = !(lp.excluded != NULL && listed(lp.excluded, "members")) &&
			    !(lp.attributes != NULL && !listed(lp.attributes, "members"));

			if (scim_group_get(&c, id, members, &o) == 0 && o.status == 200)
				scim_project(o.body, &lp);
		}
	} else if (read_body(&c, &j, &o) == 0) {
		if (strcmp(m, "PUT") == 0)
			scim_group_replace(&c, id, j, &o);
		else
			scim_group_patch(&c, id, j, &o);
	}
	json_decref(j);
	return send_out(&c, &o);
}

/* ---- /Bulk (RFC 7644 §3.7) ---- */

struct bulk_ids {
	const char *bulk[SCIM_BULK_OPS_MAX];
	const char *id[SCIM_BULK_OPS_MAX];
	size_t n;
};

static const char *
bulk_resolve(const struct bulk_ids *b, const char *ref)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->bulk[i], ref) == 0)
			return b->id[i];
	return NULL;
}

/* Replaces "bulkId:x" strings in j by the ids made so far: 0, or 1 for one unknown. */
static int
bulk_subst(const struct bulk_ids *b, json_t *j, int depth)
{
	const char *k;
	json_t *v;
	size_t i;

	if (depth > 8)
		return 0;
	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			if (json_is_string(v) && strncmp(json_string_value(v), "bulkId:", 7) == 0) {
				const char *id = bulk_resolve(b, json_string_value(v) + 7);

				if (id == NULL)
					return 1;
				json_object_set_new(j, k, json_string(id));
			} else if (bulk_subst(b, v, depth + 1) != 0) {
				return 1;
			}
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (bulk_subst(b, v, depth + 1) != 0)
				return 1;
	}
	return 0;
}

/* Runs one operation of a /Bulk into o. */
static void
bulk_one(struct scim_req *c, struct bulk_ids *b, json_t *op, struct scim_out *o)
{
	const char *m = json_string_value(json_object_get(op, "method"));
	const char *path = json_string_value(json_object_get(op, "path"));
	const char *version = json_string_value(json_object_get(op, "version"));
	const char *bulk_id = json_string_value(json_object_get(op, "bulkId"));
	json_t *data = json_object_get(op, "data");
	const char *id = NULL;
	bool users;

	if (m == NULL || path == NULL) {
		scim_fail(o, 400, "invalidSyntax", "an operation needs method and path");
		return;
	}
	if (strncmp(path, "/Users", 6) == 0)
		users = true, path += 6;
	else if (strncmp(path, "/Groups", 7) == 0)
		users = false, path += 7;
	else {
		scim_fail(o, 400, "invalidPath", "path is /Users or /Groups");
		return;
	}
	if (*path == '/') {
		id = path + 1;
		if (strncmp(id, "bulkId:", 7) == 0 && (id = bulk_resolve(b, id + 7)) == NULL) {
			scim_fail(o, 409, "invalidValue", "an unknown bulkId");
			return;
		}
	} else if (*path != '\0') {
		scim_fail(o, 400, "invalidPath", "path is /Users or /Groups");
		return;
	}
	if (data != NULL && (!json_is_object(data) || bulk_subst(b, data, 0) != 0)) {
		scim_fail(o, 409, "invalidValue", "data is not an object or names an unknown "
		    "bulkId");
		return;
	}
	if (strcmp(m, "POST") == 0 && users && id == NULL && data != NULL) {
		if (bulk_id == NULL) {
			scim_fail(o, 400, "invalidValue", "a POST needs a bulkId");
			return;
		}
		scim_user_create(c, data, o);
		if (o->status == 201 && b->n < SCIM_BULK_OPS_MAX) {
			b->bulk[b->n] = bulk_id;
			b->id[b->n] = arena_strdup(web_arena(c->r),
			    json_string_value(json_object_get(o->body, "id")));
			if (b->id[b->n] != NULL)
				b->n++;
		}
	} else if (users && id != NULL && strcmp(m, "PUT") == 0 && data != NULL) {
		scim_user_replace(c, id, data, version, o);
	} else if (users && id != NULL && strcmp(m, "PATCH") == 0 && data != NULL) {
		scim_user_patch(c, id, data, version, o);
	} else if (users && id != NULL && strcmp(m, "DELETE") == 0) {
		scim_user_delete(c, id, version, o);
	} else if (!users && id != NULL && strcmp(m, "PATCH") == 0 && data != NULL) {
		scim_group_patch(c, id, data, o);
	} else if (!users && id != NULL && strcmp(m, "PUT") == 0 && data != NULL) {
		scim_group_replace(c, id, data, o);
	} else {
		scim_fail(o, 405, NULL, "this method is not supported on this path in /Bulk");
	}
}

static json_t *
bulk_result(json_t *op, const struct scim_out *o)
{
	json_t *res = json_object();
	char st[8];

	if (res == NULL)
		return NULL;
	snprintf(st, sizeof(st), "%d", o->status);
	json_object_set(res, "method", json_object_get(op, "method"));
	if (json_object_get(op, "bulkId") != NULL)
		json_object_set(res, "bulkId", json_object_get(op, "bulkId"));
	if (o->location != NULL)
		json_object_set_new(res, "location", json_string(o->location));
	if (o->etag != NULL)
		json_object_set_new(res, "version", json_string(o->etag));
	json_object_set_new(res, "status", json_string(st));
	if (o->status >= 400 && o->body != NULL)
		json_object_set(res, "response", o->body);
	return res;
}

static int
bulk(struct web_req *r)
{
	struct scim_out o = { 0 };
	struct bulk_ids *b;
	struct scim_req c;
	json_t *j = NULL, *ops, *results, *op;
	json_int_t fail_on;
	size_t i, errors = 0;
	int rc = begin(r, &c);

	if (rc != 0)
		return rc > 0 ? 0 : -1;
	b = arena_alloc(web_arena(r), sizeof(*b));
	if (b == NULL)
		return -1;
	memset(b, 0, sizeof(*b));
	if (read_body(&c, &j, &o) != 0)
		goto done;
	ops = json_object_get(j, "Operations");
	fail_on = json_integer_value(json_object_get(j, "failOnErrors"));
	if (!json_is_array(ops)) {
		scim_fail(&o, 400, "invalidSyntax", "Operations must be an array");
		goto done;
	}
	if (json_array_size(ops) > SCIM_BULK_OPS_MAX) {
		scim_fail(&o, 413, NULL, "more operations than maxOperations (50)");
		goto done;
	}
	results = json_array();
	o.status = 200;
	o.body = json_pack("{s:[s], s:o}", "schemas", SCIM_URN_BULK_RESP, "Operations", results);
	if (o.body == NULL)
		goto done;
	json_array_foreach(ops, i, op) {
		struct scim_out one = { 0 };

		if (!json_is_object(op))
			scim_fail(&one, 400, "invalidSyntax", "an operation is an object");
		else
			bulk_one(&c, b, op, &one);
		json_array_append_new(results, bulk_result(op, &one));
		json_decref(one.body);
		if (one.status >= 400)
			errors++;
		if (fail_on > 0 && errors >= (size_t)fail_on)
			break;
	}
done:
	json_decref(j);
	return send_out(&c, &o);
}

int
scim_routes(struct web_server *s)
{
	static const struct {
		const char *method, *path;
		web_handler h;
	} routes[] = {
		{ "GET", "/scim/v2/ServiceProviderConfig", spc },
		{ "GET", "/scim/v2/Schemas", schemas },
		{ "GET", "/scim/v2/Schemas/:id", schema_one },
		{ "GET", "/scim/v2/ResourceTypes", resource_types },
		{ "GET", "/scim/v2/ResourceTypes/:id", resource_type_one },
		{ "GET", "/scim/v2/Users", users_list },
		{ "POST", "/scim/v2/Users", users_post },
		{ "POST", "/scim/v2/Users/:id", users_search },
		{ "GET", "/scim/v2/Users/:id", user_one },
		{ "PUT", "/scim/v2/Users/:id", user_one },
		{ "PATCH", "/scim/v2/Users/:id", user_one },
		{ "DELETE", "/scim/v2/Users/:id", user_one },
		{ "GET", "/scim/v2/Groups", groups_list },
		{ "GET", "/scim/v2/Groups/:id", group_one },
		{ "PATCH", "/scim/v2/Groups/:id", group_one },
		{ "PUT", "/scim/v2/Groups/:id", group_one },
		{ "POST", "/scim/v2/Bulk", bulk },
	};

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (web_route(s, routes[i].method, routes[i].path, routes[i].h, WEB_NO_CSRF) != 0)
			return -1;
	return 0;
}
