/* test_scim_patch.c — a SCIM PATCH applied to a resource's JSON (src/scim/patch.c): the
 * operations of RFC 7644 §3.5.2 with and without path, value paths on elements and their
 * sub-attributes, extension URNs, and each refusal with its scimType. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "scim/patch.h"

#define EXT "urn:portier:params:scim:schemas:extension:2.0:User"

enum { U_USERNAME, U_NAME, U_FAMILY, U_EMAILS, U_EMAILS_VALUE, U_EMAILS_TYPE, U_ACTIVE,
	U_APPS, U_APPS_VALUE };

static const struct scim_attr attrs[] = {
	{ "userName", U_USERNAME, SCIM_STRING, false },
	{ "name", U_NAME, SCIM_STRING, false },
	{ "name.familyName", U_FAMILY, SCIM_STRING, false },
	{ "emails", U_EMAILS, SCIM_STRING, false },
	{ "emails.value", U_EMAILS_VALUE, SCIM_STRING, false },
	{ "emails.type", U_EMAILS_TYPE, SCIM_STRING, false },
	{ "active", U_ACTIVE, SCIM_BOOLEAN, false },
	{ "applications", U_APPS, SCIM_STRING, true },
	{ "applications.value", U_APPS_VALUE, SCIM_STRING, true },
};

static const struct scim_json_attr map[] = {
	{ U_USERNAME, NULL, "userName", -1, false },
	{ U_NAME, NULL, "name", -1, false },
	{ U_FAMILY, "name", "familyName", -1, false },
	{ U_EMAILS, NULL, "emails", -1, true },
	{ U_EMAILS_VALUE, NULL, "value", U_EMAILS, false },
	{ U_EMAILS_TYPE, NULL, "type", U_EMAILS, false },
	{ U_ACTIVE, NULL, "active", -1, false },
	{ U_APPS, EXT, "applications", -1, true },
	{ U_APPS_VALUE, NULL, "value", U_APPS, false },
};

static const char *const urns[] = { "urn:ietf:params:scim:schemas:core:2.0:User", EXT, NULL };

static const struct scim_schema schema = {
	attrs, sizeof(attrs) / sizeof(attrs[0]), urns, map, sizeof(map) / sizeof(map[0]),
};

static const char user[] =
    "{\"userName\":\"ann\",\"name\":{\"familyName\":\"V\",\"givenName\":\"Ann\"},"
    "\"emails\":[{\"value\":\"a@x.be\",\"type\":\"work\"},{\"value\":\"a@home.be\","
    "\"type\":\"home\"}],\"active\":true,\"" EXT "\":{\"applications\":[{\"value\":\"A\"},"
    "{\"value\":\"B\"}]}}";

/* Applies ops (the Operations array's JSON) to the user; returns the rc and, on 0, the
 * result's JSON text in out. */
static int
run(const char *ops, char *out, size_t outlen, const char **type)
{
	struct arena *a = arena_new(1 << 16);
	json_t *res = json_loads(user, 0, NULL), *body;
	const char *detail = NULL;
	char *text;
	int rc;

	assert_non_null(a);
	assert_non_null(res);
	body = json_loads(ops, 0, NULL);
	assert_non_null(body);
	*type = NULL;
	rc = scim_patch_apply(a, res, body, 10, &schema, type, &detail);
	if (rc == 0) {
		text = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);
		assert_non_null(text);
		snprintf(out, outlen, "%s", text);
		free(text);
	} else if (rc > 0) {
		assert_non_null(detail);
	}
	json_decref(body);
	json_decref(res);
	arena_free(a);
	return rc;
}

#define P(ops) "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]," \
	"\"Operations\":" ops "}"

static void
assert_has(const char *json, const char *part)
{
	if (strstr(json, part) == NULL)
		fail_msg("%s not in %s", part, json);
}

static void
assert_lacks(const char *json, const char *part)
{
	if (strstr(json, part) != NULL)
		fail_msg("%s in %s", part, json);
}

static void
test_paths(void **state)
{
	char out[2048];
	const char *type;

	(void)state;
	assert_int_equal(run(P("[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]"),
	    out, sizeof(out), &type), 0);
	assert_has(out, "\"active\":false");
	assert_int_equal(run(P("[{\"op\":\"replace\",\"path\":\"name.familyName\","
	    "\"value\":\"W\"}]"), out, sizeof(out), &type), 0);
	assert_has(out, "\"familyName\":\"W\"");
	assert_has(out, "\"givenName\":\"Ann\"");
	/* A value path's sub-attribute: only the matching element. */
	assert_int_equal(run(P("[{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"]"
	    ".value\",\"value\":\"n@x.be\"}]"), out, sizeof(out), &type), 0);
	assert_has(out, "\"value\":\"n@x.be\"");
	assert_has(out, "\"value\":\"a@home.be\"");
	assert_lacks(out, "a@x.be");
	/* add to a multi-valued attribute appends, once. */
	assert_int_equal(run(P("[{\"op\":\"add\",\"path\":\"" EXT ":applications\","
	    "\"value\":[{\"value\":\"B\"},{\"value\":\"C\"}]}]"), out, sizeof(out), &type), 0);
	assert_has(out, "[{\"value\":\"A\"},{\"value\":\"B\"},{\"value\":\"C\"}]");
	/* remove with a filter, and with a value list (as some clients send members). */
	assert_int_equal(run(P("[{\"op\":\"remove\",\"path\":\"applications[value eq "
	    "\\\"A\\\"]\"}]"), out, sizeof(out), &type), 0);
	assert_has(out, "\"applications\":[{\"value\":\"B\"}]");
	assert_int_equal(run(P("[{\"op\":\"remove\",\"path\":\"applications\","
	    "\"value\":[{\"value\":\"B\"}]}]"), out, sizeof(out), &type), 0);
	assert_has(out, "\"applications\":[{\"value\":\"A\"}]");
	/* replace of the whole multi-valued attribute, remove of a single one. */
	assert_int_equal(run(P("[{\"op\":\"replace\",\"path\":\"emails\",\"value\":"
	    "[{\"value\":\"z@x.be\"}]},{\"op\":\"remove\",\"path\":\"userName\"}]"), out,
	    sizeof(out), &type), 0);
	assert_has(out, "\"emails\":[{\"value\":\"z@x.be\"}]");
	assert_lacks(out, "userName");
}

static void
test_no_path(void **state)
{
	char out[2048];
	const char *type;

	(void)state;
	/* An object of attributes, an extension's under its URN; op names in any case. */
	assert_int_equal(run(P("[{\"op\":\"Replace\",\"value\":{\"active\":false,"
	    "\"name\":{\"familyName\":\"Q\"},\"" EXT "\":{\"applications\":[{\"value\":\"Z\"}]},"
	    "\"id\":\"ignored\"}}]"), out, sizeof(out), &type), 0);
	assert_has(out, "\"active\":false");
	assert_has(out, "\"familyName\":\"Q\"");
	assert_has(out, "\"givenName\":\"Ann\"");
	assert_has(out, "\"applications\":[{\"value\":\"Z\"}]");
	assert_lacks(out, "ignored");
}

static void
test_refusals(void **state)
{
	static const struct {
		const char *ops, *type;
	} cases[] = {
		{ "{\"Operations\":[{\"op\":\"add\",\"path\":\"active\",\"value\":true}]}",
		    "invalidSyntax" },
		{ P("[]"), "invalidSyntax" },
		{ P("{}"), "invalidSyntax" },
		{ P("[{\"op\":\"copy\",\"path\":\"active\"}]"), "invalidSyntax" },
		{ P("[{\"op\":\"add\",\"path\":3,\"value\":1}]"), "invalidPath" },
		{ P("[{\"op\":\"add\",\"path\":\"nope\",\"value\":1}]"), "invalidPath" },
		{ P("[{\"op\":\"add\",\"path\":\"emails[\",\"value\":1}]"), "invalidPath" },
		{ P("[{\"op\":\"replace\",\"path\":\"emails.value\",\"value\":\"x\"}]"),
		    "invalidPath" },
		{ P("[{\"op\":\"remove\"}]"), "noTarget" },
		{ P("[{\"op\":\"remove\",\"path\":\"emails[type eq \\\"other\\\"]\"}]"),
		    "noTarget" },
		{ P("[{\"op\":\"remove\",\"path\":\"applications\",\"value\":[{\"value\":"
		    "\"none\"}]}]"), "noTarget" },
		{ P("[{\"op\":\"replace\",\"path\":\"active\"}]"), "invalidValue" },
		{ P("[{\"op\":\"add\",\"value\":\"text\"}]"), "invalidValue" },
		{ P("[{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true},"
		    "{\"op\":\"replace\",\"path\":\"active\",\"value\":true}]"), "tooMany" },
	};
	char out[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *type = NULL;

		if (run(cases[i].ops, out, sizeof(out), &type) != 1 || type == NULL ||
		    strcmp(type, cases[i].type) != 0)
			fail_msg("case %zu: %s, want %s", i, type ? type : "(none)", cases[i].type);
	}
}

/* The getter over JSON, as lists use it with a filter. */
static void
test_getter(void **state)
{
	struct arena *a = arena_new(1 << 16);
	json_t *res = json_loads(user, 0, NULL);
	struct scim_json_res jr = { &schema, res, NULL };
	struct scim_filter *f = NULL;
	const char *err = NULL;

	(void)state;
	jr.a = a;
	assert_int_equal(scim_filter_parse(a, "emails[type eq \"home\" and value ew \"home.be\"] "
	    "and applications.value eq \"B\" and active eq true", attrs,
	    sizeof(attrs) / sizeof(attrs[0]), urns, &f, &err), 0);
	assert_true(scim_filter_match(f, scim_json_get, &jr));
	assert_int_equal(scim_filter_parse(a, "emails[type eq \"work\" and value ew \"home.be\"]",
	    attrs, sizeof(attrs) / sizeof(attrs[0]), urns, &f, &err), 0);
	assert_false(scim_filter_match(f, scim_json_get, &jr));
	json_decref(res);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_no_path),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_getter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
