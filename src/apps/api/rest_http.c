/* rest_http.c — the REST API's answers and input checks: problem details (RFC 9457), the
 * caller from the bearer token, and the refusal of what the OpenAPI document does not
 * describe (unknown query parameters, wrong Content-Type, bodies that are not objects). */
#include "apps/api/rest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apps/app.h"
#include "base/log.h"

static const char *
title_of(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static int
send_text(struct web_req *r, int status, const char *ctype, json_t *o)
{
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	int rc;

	json_decref(o);
	if (text == NULL)
		return -1;
	/* Answers name people and the organisation: never kept by a shared cache. */
	rc = web_add_header(r, "Cache-Control", "no-store");
	if (rc == 0)
		rc = web_send(r, status, ctype, text, strlen(text));
	free(text);
	return rc;
}

int
rest_problem(struct web_req *r, int status, const char *detail, json_t *errors)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
	    title_of(status), "status", status, "detail", detail);

	if (o != NULL && errors != NULL && json_object_set(o, "errors", errors) != 0) {
		json_decref(o);
		o = NULL;
	}
	json_decref(errors);
	return send_text(r, status, "application/problem+json", o);
}

int
rest_json(struct web_req *r, int status, json_t *o)
{
	return send_text(r, status, "application/json", o);
}

/* The field errors as [{"field", "detail"}], translated into the request's language. */
static json_t *
errors_json(struct web_req *r, const struct access_errors *err)
{
	json_t *list = json_array();
	int bad = list == NULL;

	for (size_t i = 0; !bad && err != NULL && i < err->n; i++)
		rest_push(list, json_pack("{s:s, s:s}", "field", err->e[i].field, "detail",
		    web_t(r, err->e[i].msgid)), &bad);
	if (bad) {
		json_decref(list);
		return NULL;
	}
	return list;
}

int
rest_fail(struct web_req *r, enum access_rc rc, const struct access_errors *err)
{
	switch (rc) {
	case ACCESS_DENIED:
	case ACCESS_REFUSED:
		return rest_problem(r, 403, "the access policy refuses this to the manager who "
		    "registered the certificate", NULL);
	case ACCESS_NOT_FOUND:
		return rest_problem(r, 404, "no such resource", NULL);
	case ACCESS_CONFLICT:
	case ACCESS_EXISTS:
		return rest_problem(r, 409, "the state of the resource does not allow this",
		    err != NULL && err->n > 0 ? errors_json(r, err) : NULL);
	case ACCESS_INVALID:
		return rest_problem(r, 422, "the request's values are refused", errors_json(r, err));
	case ACCESS_BUSY:
		if (web_add_header(r, "Retry-After", "5") != 0)
			return -1;
		return rest_problem(r, 503, "too many exports under way: try again later", NULL);
	default:
		log_err(web_rid(r), "rest: service error");
		return rest_problem(r, 500, "internal error", NULL);
	}
}

/* Whether name (len bytes) is one of allowed. */
static bool
allowed_name(const char *name, size_t len, const char *const *allowed)
{
	for (size_t i = 0; allowed != NULL && allowed[i] != NULL; i++)
		if (strlen(allowed[i]) == len && memcmp(allowed[i], name, len) == 0)
			return true;
	return false;
}

/* The first query parameter not allowed, in r's arena; NULL when all are. Names are
 * compared as sent: the documented ones need no escaping. */
static const char *
unknown_param(struct web_req *r, const char *const *allowed)
{
	const char *q = web_raw_query(r);

	while (*q != '\0') {
		size_t seg = strcspn(q, "&"), name = strcspn(q, "=&");

		if (seg > 0 && !allowed_name(q, name, allowed)) {
			char *out = arena_alloc(web_arena(r), name + 1);

			if (out == NULL)
				return "?";
			memcpy(out, q, name);
			out[name] = '\0';
			return out;
		}
		q += seg;
		if (*q == '&')
			q++;
	}
	return NULL;
}

int
rest_enter(struct web_req *r, struct api_principal *p, const char *const *query)
{
	enum api_auth a = api_principal(r, p);
	const char *bad;

	if (a == API_AUTH_ERROR)
		return -1;
	if (a != API_AUTH_OK)
		return rest_problem(r, api_auth_status(a), api_auth_detail(a), NULL) == 0 ? 0 : -1;
	bad = unknown_param(r, query);
	if (bad == NULL && web_repeated_param(r, false) != NULL)
		bad = web_repeated_param(r, false);
	if (bad != NULL)
		return rest_problem(r, 400, arena_printf(web_arena(r),
		    "query parameter not allowed here or given twice: %.64s", bad),
		    NULL) == 0 ? 0 : -1;
	return 1;
}

int
rest_own_quality(struct web_req *r, const struct api_principal *p, enum policy_action action)
{
	const char *code = web_param(r, "code");

	if (code != NULL && p->quality != NULL && strcmp(code, p->quality) == 0)
		return 1;
	if (api_refuse_scope(r, p, action, NULL) != 0)
		return -1;
	return rest_problem(r, 403, "the access token is for another quality", NULL) == 0 ?
	    0 : -1;
}

/* Whether the Content-Type is application/json (parameters such as charset allowed). */
static bool
is_json_type(const char *ct)
{
	size_t n = sizeof("application/json") - 1;

	return ct != NULL && strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
rest_body(struct web_req *r, json_t **out)
{
	size_t len = 0;
	const char *body = web_body(r, &len);
	json_error_t e;

	*out = NULL;
	if (!is_json_type(web_header(r, "Content-Type")))
		return rest_problem(r, 415, "the body must be application/json", NULL) == 0 ? 0 : -1;
	if (len > REST_BODY_MAX)
		return rest_problem(r, 413, "the body is too large", NULL) == 0 ? 0 : -1;
	*out = body != NULL ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &e) : NULL;
	if (*out == NULL || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return rest_problem(r, 400, "the body is not a JSON object", NULL) == 0 ? 0 : -1;
	}
	return 1;
}

bool
rest_query_int(struct web_req *r, const char *name, int64_t *v)
{
	const char *s = web_query(r, name);
	int64_t x = 0;
	size_t n;

	if (s == NULL)
		return true;
	n = strlen(s);
	if (n == 0 || n > 15 || strspn(s, "0123456789") != n)
		return false;
	for (size_t i = 0; i < n; i++)
		x = x * 10 + (s[i] - '0');
	*v = x;
	return true;
}

void
rest_put(json_t *o, const char *key, json_t *v, int *bad)
{
	if (o == NULL || v == NULL) {
		json_decref(v);
		*bad = 1;
	} else if (json_object_set_new(o, key, v) != 0) {
		*bad = 1;
	}
}

void
rest_str(json_t *o, const char *key, const char *s, int *bad)
{
	rest_put(o, key, json_string(s != NULL ? s : ""), bad);
}

void
rest_push(json_t *list, json_t *x, int *bad)
{
	if (list == NULL || x == NULL) {
		json_decref(x);
		*bad = 1;
	} else if (json_array_append_new(list, x) != 0) {
		*bad = 1;
	}
}
