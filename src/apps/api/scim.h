/* scim.h — private to the SCIM handlers (apps/api/scim*.c): one request's caller and the
 * answer each operation builds, so that a single request and a /Bulk operation share them. */
#ifndef PORTIER_APPS_API_SCIM_H
#define PORTIER_APPS_API_SCIM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "apps/api/bearer.h"
#include "apps/app.h"
#include "scim/user.h"

#define SCIM_URN_GROUP "urn:ietf:params:scim:schemas:core:2.0:Group"
#define SCIM_URN_ERROR "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_URN_LIST "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_URN_PATCH "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCIM_URN_SEARCH "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
#define SCIM_URN_BULK_REQ "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
#define SCIM_URN_BULK_RESP "urn:ietf:params:scim:api:messages:2.0:BulkResponse"

#define SCIM_COUNT_MAX 200          /* resources in one list answer */
#define SCIM_SCAN_MAX 10000         /* users one filter may look at */
#define SCIM_MEMBERS_MAX 1000       /* members of a group in one answer */
#define SCIM_PATCH_OPS_MAX 100      /* operations of one PATCH */
#define SCIM_BULK_OPS_MAX 50        /* operations of one /Bulk */
#define SCIM_BODY_MAX 65536         /* bytes of a request body (the web layer's limit) */
#define SCIM_ATTRS_MAX 1024         /* bytes of an attributes or excludedAttributes list */

/* One request's caller: the machine's principal and the service provider's base URL. */
struct scim_req {
	struct web_req *r;
	struct app *app;
	struct api_principal p;
	const char *base;           /* ".../scim/v2", for meta.location */
};

/* What an operation answers. body is owned (NULL: no body, 204); texts in r's arena. */
struct scim_out {
	int status;
	json_t *body;
	const char *etag;           /* W/"<version>" or NULL */
	const char *location;
	const char *scope;          /* a 403 for want of scope: the application named */
	bool insufficient_scope;
};

/* The query of a list (GET ?… or POST /.search). NULL: absent. */
struct scim_list_params {
	const char *filter, *sort_by, *sort_order, *attributes, *excluded;
	long start, count;
};

/* Sets o to a SCIM error (RFC 7644 §3.12); type may be NULL. Returns 0. */
int scim_fail(struct scim_out *o, int status, const char *type, const char *detail);
/* A 403 for an application outside the token's scope (nothing changed). Returns 0. */
int scim_fail_scope(struct scim_req *c, struct scim_out *o, const char *app);
/* Sets o from an access service's answer other than ACCESS_OK. Returns 0. */
int scim_fail_access(struct scim_req *c, struct scim_out *o, int rc,
    const void *errors);
/* Parses the list parameters of a GET (query) or of a SearchRequest body (j NULL: the
 * query). 0, or 1 with o set to the error. */
int scim_list_params(struct scim_req *c, json_t *j, struct scim_list_params *lp,
    struct scim_out *o);
/* Applies attributes= / excludedAttributes= to a resource (top-level names). */
void scim_project(json_t *res, const struct scim_list_params *lp);

/* Users (scim_users.c). if_match: the If-Match header or NULL. */
int scim_user_get(struct scim_req *c, const char *id, struct scim_out *o);
int scim_user_list(struct scim_req *c, const struct scim_list_params *lp, bool search,
    struct scim_out *o);
int scim_user_create(struct scim_req *c, json_t *body, struct scim_out *o);
int scim_user_replace(struct scim_req *c, const char *id, json_t *body, const char *if_match,
    struct scim_out *o);
int scim_user_patch(struct scim_req *c, const char *id, json_t *body, const char *if_match,
    struct scim_out *o);
int scim_user_delete(struct scim_req *c, const char *id, const char *if_match,
    struct scim_out *o);
/* Grants (add true) or revokes application app of the user of public id pid, for a
 * group's PATCH: 0 with o->status 0 done, else o holds the error. */
int scim_user_grant(struct scim_req *c, const char *pid, const char *app, bool add,
    struct scim_out *o);

/* Groups (scim_groups.c). */
int scim_group_get(struct scim_req *c, const char *id, bool members, struct scim_out *o);
int scim_group_list(struct scim_req *c, const struct scim_list_params *lp,
    struct scim_out *o);
int scim_group_patch(struct scim_req *c, const char *id, json_t *body, struct scim_out *o);
/* PUT: the members replaced (the group's other attributes are the catalogue's). */
int scim_group_replace(struct scim_req *c, const char *id, json_t *body, struct scim_out *o);

#endif
