/* fuzz_scim_filter.c — libFuzzer driver for src/scim/filter.c: arbitrary SCIM filters and
 * PATCH paths. Byte 0 chooses the mode and the resource's values, the rest is the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "fuzz_common.h"
#include "scim/filter.h"

enum { F_USERNAME, F_FAMILY, F_TITLE, F_EMAILS, F_EMAILS_VALUE, F_EMAILS_TYPE, F_IMS_VALUE,
	F_IMS_TYPE, F_LASTMOD, F_ACTIVE, F_ID, F_LOGINS, F_APPS, F_MEMBERS, F_MEMBERS_VALUE };

static const struct scim_attr attrs[] = {
	{ "userName", F_USERNAME, SCIM_STRING, false },
	{ "name.familyName", F_FAMILY, SCIM_STRING, false },
	{ "title", F_TITLE, SCIM_STRING, false },
	{ "emails", F_EMAILS, SCIM_STRING, false },
	{ "emails.value", F_EMAILS_VALUE, SCIM_STRING, false },
	{ "emails.type", F_EMAILS_TYPE, SCIM_STRING, false },
	{ "ims.value", F_IMS_VALUE, SCIM_STRING, false },
	{ "ims.type", F_IMS_TYPE, SCIM_STRING, false },
	{ "meta.lastModified", F_LASTMOD, SCIM_DATETIME, false },
	{ "active", F_ACTIVE, SCIM_BOOLEAN, false },
	{ "id", F_ID, SCIM_STRING, true },
	{ "x-logins", F_LOGINS, SCIM_INTEGER, false },
	{ "urn:ietf:params:scim:schemas:extension:portier:2.0:User:applications.value", F_APPS,
	    SCIM_STRING, true },
	{ "members", F_MEMBERS, SCIM_STRING, true },
	{ "members.value", F_MEMBERS_VALUE, SCIM_STRING, true },
};
#define NATTRS (sizeof(attrs) / sizeof(attrs[0]))

static const char *const urns[] = {
	"urn:ietf:params:scim:schemas:core:2.0:User",
	"urn:ietf:params:scim:schemas:extension:portier:2.0:User",
	NULL,
};

/* Values a resource may hold: texts of every kind, some not valid for their type. */
static const char *const pool[] = {
	"", "bjensen", "BJensen", "work", "home", "a@example.com", "2011-05-13T04:42:34Z",
	"2011-05-13T06:42:34.5+02:00", "not a date", "true", "false", "12", "-3",
	"99999999999999999999", "\xc3\x89lodie", "\xff\xfe", "x",
};
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

struct res {
	unsigned seed;
	int absent;   /* an attribute id this resource lacks, or -1 */
};

static size_t
get(void *p, int id, int elem, const char **vals, size_t max)
{
	const struct res *r = p;
	unsigned h = r->seed * 31u + (unsigned)id * 7u + (unsigned)(elem + 1) * 13u;
	size_t k = elem >= 0 ? h % 2 : h % 4;

	check(max == SCIM_VALUES_MAX && vals != NULL && elem >= -1 && elem < SCIM_VALUES_MAX);
	if (id == r->absent)
		return 0;
	for (size_t i = 0; i < k; i++)
		vals[i] = pool[(h + i * 5u) % NPOOL];
	return k;
}

/* A refusal's message: says where, and holds only printable ASCII (nothing of the
 * client's bytes but attribute-name characters). */
static void
check_message(const char *err, const char *what)
{
	check(err != NULL && strncmp(err, what, strlen(what)) == 0);
	for (const char *c = err; *c != '\0'; c++)
		check(*c >= 0x20 && *c < 0x7f);
}

static void
fuzz_filter(struct arena *a, const char *text, size_t n, unsigned seed)
{
	static const int seekable[] = { F_USERNAME, F_ID, F_EMAILS_VALUE, F_MEMBERS_VALUE };
	struct scim_filter *f = NULL;
	const char *err = NULL, *value = NULL;
	enum scim_op op;
	int rc = scim_filter_parse(a, text, attrs, NATTRS, urns, &f, &err), id;
	struct res r = { seed, -1 };

	if (rc != 0) {
		check(f == NULL);
		if (rc == 1)
			check_message(err, "invalid filter");
		return;
	}
	check(f != NULL && err == NULL && n <= SCIM_FILTER_MAX);
	(void)scim_filter_match(f, get, &r);
	if (scim_filter_seek(f, seekable, 4, &id, &op, &value) == 0) {
		check(op == SCIM_EQ || op == SCIM_SW);
		check(value != NULL && scim_filter_names(f, id));
		/* Every match meets the seek condition: without that attribute, none. */
		r.absent = id;
		check(!scim_filter_match(f, get, &r));
	}
}

static void
fuzz_path(struct arena *a, const char *text, unsigned seed)
{
	struct scim_path p;
	const char *err = NULL;
	int rc = scim_path_parse(a, text, attrs, NATTRS, urns, &p, &err);
	struct res r = { seed, -1 };

	if (rc != 0) {
		check(p.attr == -1 && p.filter == NULL && p.sub == -1);
		if (rc == 1)
			check_message(err, "invalid path");
		return;
	}
	check(err == NULL && p.attr >= 0 && (p.filter != NULL || p.sub == -1));
	for (int e = 0; e < 3; e++)
		(void)scim_path_match_elem(&p, get, &r, e);
	check(scim_attr_find(attrs, NATTRS, urns, text) >= 0 || p.filter != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	char *text;

	if (size < 1 || size > 4 * SCIM_FILTER_MAX)
		return 0;
	text = fuzz_string(data + 1, size - 1);
	a = arena_new(1u << 20);
	check(a != NULL);
	if (data[0] & 1)
		fuzz_path(a, text, data[0] >> 1);
	else
		fuzz_filter(a, text, strlen(text), data[0] >> 1);
	arena_free(a);
	free(text);
	return 0;
}
