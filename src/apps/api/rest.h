/* rest.h — private to the REST API's handlers (apps/api/rest*.c): the caller read from the
 * bearer token, answers as JSON or RFC 9457 problem details, and the checks that refuse
 * what the OpenAPI document (data/openapi.json) does not allow. */
#ifndef PORTIER_APPS_API_REST_H
#define PORTIER_APPS_API_REST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "access/result.h"
#include "apps/api/bearer.h"
#include "web/web.h"

/* A JSON body of at most this many bytes (the largest documented one is far smaller). */
#define REST_BODY_MAX 16384

/* Sends an application/problem+json answer (RFC 9457): type about:blank, the status's
 * title, status and detail (English). errors (taken, may be NULL): the field errors.
 * Returns 0 or -1 as a handler does. */
int rest_problem(struct web_req *r, int status, const char *detail, json_t *errors);
/* Sends o (taken; NULL: 500) as application/json with status. */
int rest_json(struct web_req *r, int status, json_t *o);
/* A service's refusal as a problem: 403 denied/refused, 404, 409, 422 with the field
 * errors (err may be NULL), 503 busy, 500 error. */
int rest_fail(struct web_req *r, enum access_rc rc, const struct access_errors *err);

/* Reads the caller (api_principal) and checks the query string against the names
 * allowed (NULL-terminated; none: NULL): an unknown or repeated name is refused with 400.
 * Returns 1 when the handler goes on, 0 when it was answered (401/403/400), -1 on error. */
int rest_enter(struct web_req *r, struct api_principal *p, const char *const *query);
/* Whether the path's quality code (":code") is the token's: 1 yes; 0 answered 403
 * insufficient_scope, audited as a refusal of action (api_refuse_scope); -1 error. */
int rest_own_quality(struct web_req *r, const struct api_principal *p,
    enum policy_action action);
/* The request's JSON body as an object (Content-Type application/json, else 415; not
 * JSON or not an object: 400). 1 with *out set (to be released), 0 answered, -1 error. */
int rest_body(struct web_req *r, json_t **out);
/* A decimal query value of at most 15 digits into *v: 1 (absent: *v untouched), 0 bad. */
bool rest_query_int(struct web_req *r, const char *name, int64_t *v);

/* Sets key to v (taken); a NULL v or a failure marks *bad. */
void rest_put(json_t *o, const char *key, json_t *v, int *bad);
/* Sets key to the string s ("" for NULL). */
void rest_str(json_t *o, const char *key, const char *s, int *bad);
/* Appends x (taken) to list; a failure marks *bad. */
void rest_push(json_t *list, json_t *x, int *bad);

/* The OpenAPI document's handler (rest_doc.c). */
int rest_openapi(struct web_req *r);

#endif
