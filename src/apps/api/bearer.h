/* bearer.h — who calls the management API (SCIM, REST): a machine's access token (RFC 6750
 * bearer, issued by the client_credentials grant to a system certificate), read into the
 * actor the services take, on the delegation of the manager who registered the certificate. */
#ifndef PORTIER_APPS_API_BEARER_H
#define PORTIER_APPS_API_BEARER_H

#include <stdbool.h>
#include <stddef.h>

#include "oidc/client_auth.h"
#include "policy/actor.h"
#include "policy/policy.h"

struct web_req;

/* The caller of an API request. The services ask the policy for actor.person_id, the
 * manager who registered the certificate (their roles today: a manager who lost the
 * quality takes their machines' rights with them); actor.via names the machine in the
 * audit trail. The token's scope (application codes) is the ceiling of what the machine
 * may grant, within the certificate's quality (actor.quality_id) and organisation. */
struct api_principal {
	struct actor actor;            /* person_id, org_id, quality_id, level, via */
	const char *client_id;         /* the system certificate's public id */
	const char *quality;           /* the quality's code */
	const char *enterprise;        /* the organisation's enterprise number ("" if none) */
	size_t napps;
	const char *apps[OIDC_MACHINE_APPS_MAX];   /* the token's scope */
};

enum api_auth {
	API_AUTH_OK = 0,
	API_AUTH_MISSING,              /* no bearer token: 401, WWW-Authenticate: Bearer */
	API_AUTH_INVALID,              /* unknown, expired, revoked, its certificate no longer
	                                * usable, or bound to a certificate not presented: 401
	                                * error="invalid_token" */
	API_AUTH_NO_QUALITY,           /* the certificate's quality is no longer activated:
	                                * 403 error="insufficient_scope" */
	API_AUTH_ERROR,                /* 500 */
};

/* Reads the request's Authorization: Bearer token (RFC 6750 §2.1; a token in the query
 * or the form is not accepted) into p. A token bound to a certificate (cnf x5t#S256,
 * RFC 8705 §3) is accepted only with that certificate presented (own TLS listener or a
 * trusted proxy's header), compared in constant time. On every answer but API_AUTH_OK
 * and API_AUTH_ERROR, sets the WWW-Authenticate header RFC 6750 §3 asks for; the caller
 * writes the body in its API's error format with api_auth_status() and
 * api_auth_detail(). Never logs the token. */
enum api_auth api_principal(struct web_req *r, struct api_principal *p);
/* The HTTP status and an English detail for a refusal of api_principal(). */
int api_auth_status(enum api_auth a);
const char *api_auth_detail(enum api_auth a);

/* Whether the application code is within the token's scope. */
bool api_scope_has(const struct api_principal *p, const char *app);
/* Sets WWW-Authenticate: Bearer error="insufficient_scope" (RFC 6750 §3.1) naming the
 * scope that would be needed (an application code; NULL: none named), for a 403 the
 * caller then writes. 0 or -1. */
int api_insufficient_scope(struct web_req *r, const char *scope);

/* Refuses what the token's scope does not reach, as every "no" is: the access.denied
 * audit event (reason insufficient_scope, the policy action the request was for, the
 * token's quality) through the access service, then the WWW-Authenticate header of
 * api_insufficient_scope(). The caller writes the 403 body. 0 or -1. */
int api_refuse_scope(struct web_req *r, const struct api_principal *p,
    enum policy_action action, const char *scope);
/* The audit half of api_refuse_scope(), for an answer written later (one operation of a
 * SCIM Bulk). 0 or -1. */
int api_record_scope_refusal(struct web_req *r, const struct api_principal *p,
    enum policy_action action);

#endif
