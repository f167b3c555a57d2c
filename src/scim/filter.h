/* filter.h — SCIM 2.0 filters (RFC 7644 §3.4.2.2) and PATCH paths: parsed into an arena
 * against a table of the attributes a resource type exposes, matched through a getter. Pure. */
#ifndef PORTIER_SCIM_FILTER_H
#define PORTIER_SCIM_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* Limits on what a client may send (each refusal is an invalidFilter answer). */
#define SCIM_FILTER_MAX 2048   /* bytes of filter text */
#define SCIM_FILTER_NODES 64   /* conditions + and/or/not + value paths */
#define SCIM_FILTER_DEPTH 16   /* nesting of parentheses, not and value paths */
/* Values of one attribute (or elements of one complex attribute) looked at per resource:
 * the getter is given an array of this many pointers. */
#define SCIM_VALUES_MAX 64

enum scim_op { SCIM_EQ, SCIM_NE, SCIM_CO, SCIM_SW, SCIM_EW, SCIM_PR, SCIM_GT, SCIM_GE, SCIM_LT,
	SCIM_LE };
enum scim_type { SCIM_STRING, SCIM_BOOLEAN, SCIM_DATETIME, SCIM_INTEGER };

/* An attribute a filter (or sortBy) may name: its path as RFC 7643 writes it ("userName",
 * "name.familyName", "emails.value", "meta.lastModified", "urn:…:User:applications.value"),
 * matched case-insensitively, with or without the schema URN prefix given to the parser
 * (an exact match wins over one found by leaving the prefix out).
 *
 * A multi-valued complex attribute ("emails", "members") may be listed itself as well as
 * its sub-attributes: value paths then know how many elements a resource has (see
 * scim_get_fn), PATCH paths can name it, and `emails pr` works. Its type is SCIM_STRING
 * and its values are those of its "value" sub-attribute, one per element.
 * The table must outlive the filters parsed against it (a static table). */
struct scim_attr {
	const char *path;
	int id;
	enum scim_type type;
	bool case_exact;
};

struct scim_filter;   /* a parsed filter, in the arena */

/* Parses text (at most SCIM_FILTER_MAX bytes, SCIM_FILTER_NODES nodes, depth
 * SCIM_FILTER_DEPTH) naming only attrs[] (schema URNs accepted as prefixes: urns[],
 * NULL-terminated, may be NULL). 0 (*out set), 1 invalid (*err: an English message for the
 * scimType invalidFilter answer, naming the position, 1-based, in bytes), -1 no memory.
 * Supports and/or/not, parentheses, precedence (not > and > or), the ten operators
 * (case-insensitive, as are and/or/not and attribute names), string/true/false/null/number
 * literals with JSON string escapes (\" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs;
 * invalid UTF-8, lone surrogates and \u0000 refused), and value paths
 * `emails[type eq "work" and value co "@x"]` (conditions on emails.type / emails.value of
 * the same element; the names inside the brackets are relative to the attribute).
 * Refused as well: a literal of the wrong kind for the attribute (a string for STRING and
 * DATETIME, which must be an xsd:dateTime; true/false for BOOLEAN; an integer for INTEGER),
 * co/sw/ew on anything but STRING, gt/ge/lt/le on BOOLEAN, null with anything but eq/ne. */
int scim_filter_parse(struct arena *a, const char *text, const struct scim_attr *attrs,
    size_t nattrs, const char *const *urns, struct scim_filter **out, const char **err);

/* The values of attribute id in one resource: writes up to max pointers (NUL-terminated
 * UTF-8 texts: "true"/"false" for BOOLEAN, decimal digits for INTEGER, xsd:dateTime for
 * DATETIME), returns how many (0: absent). Multi-valued attributes give several; element
 * index elem >= 0 asks only that element of a multi-valued complex attribute (value
 * paths), -1 all.
 * How many elements a value path looks at: when the complex attribute itself is in attrs[]
 * ("emails"), what the getter returns for it with elem -1 (one value per element, "" for an
 * element without a value); otherwise elements 0, 1, … until the first one where every
 * attribute the brackets name is absent. At most SCIM_VALUES_MAX either way. */
typedef size_t (*scim_get_fn)(void *res, int id, int elem, const char **vals, size_t max);

/* Whether a resource matches. RFC 7644 semantics: case-exact or not per attribute (not:
 * Unicode case folding); gt/ge/lt/le on strings lexical (by bytes, after folding when not
 * case-exact), on DATETIME by time, on INTEGER by value; BOOLEAN only eq/ne; pr = present
 * and non-empty; a multi-valued attribute matches when one value does, except ne, which is
 * "not eq" (so an absent attribute is ne anything, and eq null / ne null mean absent /
 * present). A value the type cannot read (a DATETIME that is no date) matches nothing. */
bool scim_filter_match(const struct scim_filter *f, scim_get_fn get, void *res);

/* The one condition every match must meet that a store lookup can start from: an EQ or
 * SW with a string or number literal on one of seekable[] (attribute ids), reached through
 * ANDs only from the root (a value path's brackets count as an AND: `emails[value eq "x"]`
 * gives emails.value eq "x"). An EQ is preferred to a SW, then the leftmost.
 * 0 (*id, *op, *value set: the literal unescaped, not case-folded, in the arena), 1 none. */
int scim_filter_seek(const struct scim_filter *f, const int *seekable, size_t n, int *id,
    enum scim_op *op, const char **value);

/* Whether the filter is its seek alone: one comparison, the root, that scim_filter_seek
 * returns; nothing else remains to match (a caller whose store matches that comparison
 * exactly can page in the store). */
bool scim_filter_is_seek_only(const struct scim_filter *f, const int *seekable, size_t n);

/* Finds an attribute by path (sortBy, attributes=, excludedAttributes=): its index in
 * attrs[] or -1. Same rules as the filter's names (case, URN prefixes). */
int scim_attr_find(const struct scim_attr *attrs, size_t nattrs, const char *const *urns,
    const char *path);

/* Whether the filter names attribute id anywhere (e.g. to refuse a national number in a
 * URL). A value path names its complex attribute too when that is in attrs[]. */
bool scim_filter_names(const struct scim_filter *f, int id);

/* A PATCH operation's "path" (RFC 7644 §3.5.2): attrPath, or valuePath with an optional
 * sub-attribute.
 *   "name.familyName"            attr = name.familyName's id, filter NULL, sub -1
 *   "members[value eq \"x\"]"    attr = members' id, filter on members.value, sub -1
 *   "emails[type eq \"work\"].value"  attr = emails' id, filter, sub = emails.value's id
 * The attribute before the brackets must be in attrs[] itself; the filter is matched per
 * element with scim_path_match_elem(). */
struct scim_path {
	int attr;                  /* attrs[].id of the attribute named (before any '[') */
	struct scim_filter *filter;/* the brackets' filter, NULL for a plain attrPath */
	int sub;                   /* attrs[].id of the sub-attribute after "].", or -1 */
};

/* Parses path (same limits as a filter). 0 (*out set), 1 invalid (*err as for a filter),
 * -1 no memory. */
int scim_path_parse(struct arena *a, const char *path, const struct scim_attr *attrs,
    size_t nattrs, const char *const *urns, struct scim_path *out, const char **err);

/* Whether element elem of the path's complex attribute meets its filter (the getter is
 * asked for that element only): which elements a PATCH operation acts on. */
bool scim_path_match_elem(const struct scim_path *p, scim_get_fn get, void *res, int elem);

#endif
