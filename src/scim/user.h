/* user.h — the SCIM User resource of portier (RFC 7643 §4.1 and the portier extension):
 * its attributes for filters and PATCH, its JSON written from a user and read from a
 * request. Pure (jansson); the handlers (apps/api/scim_users.c) call the services. */
#ifndef PORTIER_SCIM_USER_H
#define PORTIER_SCIM_USER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "scim/filter.h"
#include "scim/patch.h"

#define SCIM_URN_USER "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_URN_EXT "urn:portier:params:scim:schemas:extension:2.0:User"
#define SCIM_USER_APPS_MAX 32   /* applications in one request (the pages' form's) */

/* The attributes a filter, sortBy or PATCH path may name. */
enum {
	U_ID, U_EXTERNAL, U_USERNAME, U_NAME, U_FAMILY, U_GIVEN, U_EMAILS, U_EMAILS_VALUE,
	U_EMAILS_TYPE, U_EMAILS_PRIMARY, U_LANG, U_ACTIVE, U_CREATED, U_MODIFIED, U_APPS,
	U_APPS_VALUE, U_APPS_DISPLAY,
};
extern const struct scim_schema scim_user_schema;

/* A user as the resource shows it (texts whole; apps[i] named names[i]). */
struct scim_user {
	const char *id, *niss, *username, *last, *first, *email, *lang;
	bool active;
	const char *created, *modified, *version, *location;
	const char *const *apps, *const *names;
	size_t napps;
};
/* The resource's JSON (NULL: no memory). */
json_t *scim_user_json(const struct scim_user *u, struct arena *a);

/* What a request asks of a user (NULL / -1 / has_apps false: absent). Texts point into
 * the request's JSON or a. */
struct scim_user_in {
	const char *username, *niss, *family, *given, *email, *lang;
	int active;
	bool has_apps;
	const char *apps[SCIM_USER_APPS_MAX];
	size_t napps;
};
/* Reads a User resource (schemas must name the core schema; unknown attributes are
 * ignored, RFC 7644 §3.3). 0; 1 refused (*type: invalidSyntax or invalidValue, *detail:
 * English, never the value sent); -1 no memory. */
int scim_user_parse(json_t *body, struct arena *a, struct scim_user_in *in, const char **type,
    const char **detail);

#endif
