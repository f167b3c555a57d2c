/* patch.h — a SCIM PATCH request (RFC 7644 §3.5.2: add, replace, remove, with and
 * without path, value paths such as members[value eq "x"]) applied to a resource's JSON,
 * which the caller then saves as a replacement. Pure (jansson, scim/filter.h). */
#ifndef PORTIER_SCIM_PATCH_H
#define PORTIER_SCIM_PATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "scim/filter.h"

/* Where attribute id (of the filter table) sits in the resource's JSON: under the object
 * parent (NULL: the top level; "name"; an extension's URN) at key; a sub-attribute of a
 * multi-valued complex attribute names that attribute's id in multi_of (else -1), and
 * its key inside each element. multi: the attribute is a JSON array of elements. */
struct scim_json_attr {
	int id;
	const char *parent;
	const char *key;
	int multi_of;
	bool multi;
};

/* The resource's schema for PATCH: the filter table and URNs, and the JSON map. */
struct scim_schema {
	const struct scim_attr *attrs;
	size_t nattrs;
	const char *const *urns;   /* NULL-terminated; urns[0] the core schema */
	const struct scim_json_attr *map;
	size_t nmap;
};

/* Applies the PatchOp body (its "Operations", at most max_ops) to res. 0 applied; 1
 * refused (*type: the scimType — invalidSyntax, invalidPath, invalidValue, noTarget,
 * invalidFilter — and *detail, English), res then partly changed (the caller drops it);
 * -1 no memory. */
int scim_patch_apply(struct arena *a, json_t *res, json_t *body, size_t max_ops,
    const struct scim_schema *sc, const char **type, const char **detail);

/* A JSON resource seen through scim_json_get, the getter of scim/filter.h (filters on
 * lists, value paths of PATCH). Numbers and booleans are written into a. */
struct scim_json_res {
	const struct scim_schema *sc;
	json_t *res;
	struct arena *a;
};
size_t scim_json_get(void *res, int id, int elem, const char **vals, size_t max);

#endif
