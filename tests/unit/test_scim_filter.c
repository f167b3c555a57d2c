/* test_scim_filter.c — SCIM filters (src/scim/filter.c): every example filter of RFC 7644
 * §3.4.2.2 parsed and matched against hand-made users, precedence, case rules, refusals
 * with their messages, the seek condition, attribute lookup and PATCH paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "scim/filter.h"
#include "test_arena.h"

enum { A_USERNAME = 100, A_FAMILY, A_GIVEN, A_TITLE, A_USERTYPE, A_EMAILS, A_EMAILS_VALUE,
	A_EMAILS_TYPE, A_IMS_VALUE, A_IMS_TYPE, A_LASTMOD, A_RESTYPE, A_SCHEMAS, A_ACTIVE, A_ID,
	A_LOGINS, A_APPS_VALUE, A_MEMBERS, A_MEMBERS_VALUE };

static const struct scim_attr attrs[] = {
	{ "userName", A_USERNAME, SCIM_STRING, false },
	{ "name.familyName", A_FAMILY, SCIM_STRING, false },
	{ "name.givenName", A_GIVEN, SCIM_STRING, false },
	{ "title", A_TITLE, SCIM_STRING, false },
	{ "userType", A_USERTYPE, SCIM_STRING, false },
	{ "emails", A_EMAILS, SCIM_STRING, false },
	{ "emails.value", A_EMAILS_VALUE, SCIM_STRING, false },
	{ "emails.type", A_EMAILS_TYPE, SCIM_STRING, false },
	/* ims itself is not listed: its value paths scan elements until one is empty. */
	{ "ims.value", A_IMS_VALUE, SCIM_STRING, false },
	{ "ims.type", A_IMS_TYPE, SCIM_STRING, false },
	{ "meta.lastModified", A_LASTMOD, SCIM_DATETIME, false },
	{ "meta.resourceType", A_RESTYPE, SCIM_STRING, true },
	{ "schemas", A_SCHEMAS, SCIM_STRING, true },
	{ "active", A_ACTIVE, SCIM_BOOLEAN, false },
	{ "id", A_ID, SCIM_STRING, true },
	{ "x-logins", A_LOGINS, SCIM_INTEGER, false },
	{ "urn:ietf:params:scim:schemas:extension:portier:2.0:User:applications.value",
	    A_APPS_VALUE, SCIM_STRING, true },
	{ "members", A_MEMBERS, SCIM_STRING, true },
	{ "members.value", A_MEMBERS_VALUE, SCIM_STRING, true },
};
#define NATTRS (sizeof(attrs) / sizeof(attrs[0]))

static const char *const urns[] = {
	"urn:ietf:params:scim:schemas:core:2.0:User",
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
	"urn:ietf:params:scim:schemas:extension:portier:2.0:User",
	NULL,
};

struct elem {
	const char *type, *value;
};

struct user {
	const char *id, *userName, *family, *given, *title, *userType, *lastmod, *active,
	    *logins;
	const char *schemas[3];
	struct elem emails[4];
	struct elem ims[4];
	const char *apps[3];
};

static size_t
one(const char *v, const char **vals, size_t max)
{
	if (v == NULL || max == 0)
		return 0;
	vals[0] = v;
	return 1;
}

static size_t
list(const char *const *v, size_t cap, const char **vals, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < cap && v[i] != NULL && k < max; i++)
		vals[k++] = v[i];
	return k;
}

/* Sub-attribute type (1) or value (0) of elements of a list, one element or all. */
static size_t
elems(const struct elem *e, size_t cap, bool type, int which, const char **vals, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < cap && (e[i].type != NULL || e[i].value != NULL) && k < max;
	    i++) {
		const char *v = type ? e[i].type : e[i].value;

		if ((which < 0 || (size_t)which == i) && v != NULL)
			vals[k++] = v;
	}
	return k;
}

static size_t
get_user(void *res, int id, int elem, const char **vals, size_t max)
{
	const struct user *u = res;
	size_t k = 0;

	switch (id) {
	case A_ID: return one(u->id, vals, max);
	case A_USERNAME: return one(u->userName, vals, max);
	case A_FAMILY: return one(u->family, vals, max);
	case A_GIVEN: return one(u->given, vals, max);
	case A_TITLE: return one(u->title, vals, max);
	case A_USERTYPE: return one(u->userType, vals, max);
	case A_LASTMOD: return one(u->lastmod, vals, max);
	case A_RESTYPE: return one("User", vals, max);
	case A_ACTIVE: return one(u->active, vals, max);
	case A_LOGINS: return one(u->logins, vals, max);
	case A_SCHEMAS: return list(u->schemas, 3, vals, max);
	case A_APPS_VALUE: return list(u->apps, 3, vals, max);
	case A_EMAILS:
		/* One value per element ("" without one): the number of elements. */
		for (; k < 4 && k < max && (u->emails[k].type || u->emails[k].value); k++)
			vals[k] = u->emails[k].value ? u->emails[k].value : "";
		return k;
	case A_EMAILS_VALUE: return elems(u->emails, 4, false, elem, vals, max);
	case A_EMAILS_TYPE: return elems(u->emails, 4, true, elem, vals, max);
	case A_IMS_VALUE: return elems(u->ims, 4, false, elem, vals, max);
	case A_IMS_TYPE: return elems(u->ims, 4, true, elem, vals, max);
	default: return 0;
	}
}

#define CORE "urn:ietf:params:scim:schemas:core:2.0:User"
#define ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

static const struct user bjensen = {
	.id = "2819c223-7f76-453a-919d-413861904646", .userName = "bjensen",
	.family = "O'Malley Jensen", .given = "Barbara", .title = "Tour Guide",
	.userType = "Employee", .lastmod = "2011-05-13T04:42:34Z", .active = "true",
	.logins = "12", .schemas = { CORE, ENTERPRISE },
	.emails = { { "home", "babs@jensen.org" }, { "work", "bjensen@example.com" } },
	.ims = { { "xmpp", "someaimhandle@foo.com" } },
	.apps = { "crm", "Payroll" },
};

/* An intern without a title, whose work mail is at example.org and home mail at
 * example.com: the value path must keep type and value on one element. */
static const struct user jdoe = {
	.id = "c3a26dd3-27a0-4dec-a2ac-ce211e105f97", .userName = "JDoe", .family = "Doe",
	.given = "\xc3\xa9lodie",
	.userType = "Intern", .lastmod = "2011-05-13T06:42:34+02:00", .active = "false",
	.logins = "-3", .schemas = { CORE },
	.emails = { { "work", "jdoe@example.org" }, { "home", "jdoe@example.com" } },
	.ims = { { NULL, "lost@bar.com" }, { "xmpp", "jdoe@foo.com" } },
};

static struct scim_filter *
parse_ok(const char *text)
{
	struct scim_filter *f = NULL;
	const char *err = "unset";
	int rc = scim_filter_parse(test_arena(), text, attrs, NATTRS, urns, &f, &err);

	if (rc != 0)
		fail_msg("%s: refused (%d): %s", text, rc, err ? err : "(null)");
	assert_non_null(f);
	assert_null(err);
	return f;
}

/* Whether the filter matches each of bjensen and jdoe. */
static void
expect(const char *text, bool b, bool j)
{
	struct scim_filter *f = parse_ok(text);

	if (scim_filter_match(f, get_user, (void *)&bjensen) != b)
		fail_msg("%s: bjensen should %smatch", text, b ? "" : "not ");
	if (scim_filter_match(f, get_user, (void *)&jdoe) != j)
		fail_msg("%s: jdoe should %smatch", text, j ? "" : "not ");
}

/* Every example of RFC 7644 §3.4.2.2 (Figure 3's list). */
static void
test_rfc_examples(void **state)
{
	(void)state;
	expect("userName eq \"bjensen\"", true, false);
	expect("name.familyName co \"O'Malley\"", true, false);
	expect("userName sw \"J\"", false, true);
	expect("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"", false, true);
	expect("title pr", true, false);
	/* jdoe's lastModified is 04:42:34Z too, written with an offset. */
	expect("meta.lastModified gt \"2011-05-13T04:42:34Z\"", false, false);
	expect("meta.lastModified ge \"2011-05-13T04:42:34Z\"", true, true);
	expect("meta.lastModified lt \"2011-05-13T04:42:34Z\"", false, false);
	expect("meta.lastModified le \"2011-05-13T04:42:34Z\"", true, true);
	expect("meta.lastModified gt \"2011-05-13T04:42:33.999Z\"", true, true);
	expect("meta.lastModified lt \"2011-05-13T06:42:34+01:00\"", true, true);
	expect("meta.lastModified gt \"2011-05-13T06:42:34+03:00\"", true, true);
	expect("title pr and userType eq \"Employee\"", true, false);
	expect("title pr or userType eq \"Intern\"", true, true);
	expect("schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"",
	    true, false);
	expect("userType eq \"Employee\" and (emails co \"example.com\" or "
	    "emails.value co \"example.org\")", true, false);
	expect("userType ne \"Employee\" and not (emails co \"example.com\" or "
	    "emails.value co \"example.org\")", false, false);
	expect("userType ne \"Employee\" and not (emails co \"example.net\" or "
	    "emails.value co \"example.gov\")", false, true);
	expect("userType eq \"Employee\" and (emails.type eq \"work\")", true, false);
	expect("userType eq \"Employee\" and emails[type eq \"work\" and "
	    "value co \"@example.com\"]", true, false);
	expect("emails[type eq \"work\" and value co \"@example.com\"] or "
	    "ims[type eq \"xmpp\" and value co \"@foo.com\"]", true, true);
}

/* A value path's conditions hold on one element, not across two. */
static void
test_value_path_same_element(void **state)
{
	(void)state;
	/* jdoe has a work mail and an example.com mail, but not one work mail at
	 * example.com; the plain conditions do not tie them. */
	expect("emails[type eq \"work\" and value co \"@example.com\"]", true, false);
	expect("emails.type eq \"work\" and emails.value co \"@example.com\"", true, true);
	expect("emails[not (type eq \"home\")]", true, true);
	expect("emails[type eq \"home\" and value ew \".org\"]", true, false);
	/* ims is not in the table: elements are scanned; jdoe's first has no type. */
	expect("ims[type eq \"xmpp\" and value sw \"jdoe\"]", false, true);
	expect("ims[value eq \"lost@bar.com\"]", false, true);
	expect("emails pr", true, true);
	expect("urn:ietf:params:scim:schemas:core:2.0:User:emails[TYPE EQ \"WORK\"]", true, true);
}

static void
test_precedence(void **state)
{
	(void)state;
	/* a or b and c = a or (b and c): with a true and c false, true. */
	expect("userName eq \"bjensen\" or title pr and userType eq \"Nobody\"", true, false);
	expect("(userName eq \"bjensen\" or title pr) and userType eq \"Nobody\"", false, false);
	/* a and b or c = (a and b) or c. */
	expect("userType eq \"Nobody\" and title pr or userName eq \"JDoe\"", false, true);
	/* not binds tighter than and. */
	expect("not (title pr) and userType eq \"Intern\"", false, true);
	expect("not (title pr and userType eq \"Employee\")", false, true);
	/* Left association of a chain, and keywords in any case. */
	expect("title pr OR userName eq \"x\" Or userName eq \"JDoe\"", true, true);
	expect("((((userName eq \"bjensen\"))))", true, false);
	expect("userName eq \"bjensen\"and title pr", true, false);
	expect("  userName   eq   \"bjensen\"  ", true, false);
}

static void
test_case_rules(void **state)
{
	(void)state;
	/* userName is case-insensitive; the names and operators always are. */
	expect("userName eq \"BJENSEN\"", true, false);
	expect("USERNAME Eq \"jdoe\"", false, true);
	expect("NAME.FAMILYNAME ew \"JENSEN\"", true, false);
	/* id and schemas are case-exact. */
	expect("id eq \"2819C223-7F76-453A-919D-413861904646\"", false, false);
	expect("id sw \"2819c223\"", true, false);
	expect("schemas eq \"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER\"", false, false);
	expect("meta.resourceType eq \"user\"", false, false);
	expect("meta.resourceType eq \"User\"", true, true);
	/* Unicode case folding, not ASCII only; escapes decoded. */
	expect("name.givenName eq \"BARBARA\"", true, false);
	expect("name.givenName eq \"\\u00c9LODIE\"", false, true);
	expect("name.givenName eq \"\xc3\x89lodie\"", false, true);
	expect("userName gt \"B\" and userName lt \"c\"", true, false);
	expect("userName ge \"JDOE\" and userName le \"jdoe\"", false, true);
}

/* The ASCII path (no allocation) and the glib path agree: a literal whose folding is ASCII
 * (the Kelvin sign folds to k) matches an ASCII value; a long value and a non-ASCII one go
 * through glib; a stored value that is not UTF-8 matches nothing. */
static void
test_folding_paths(void **state)
{
	static char longname[400];
	struct user u = { .userName = "KELVIN", .title = "\xff\xfe", .family = longname,
	    .given = "\xc3\x89LODIE" };
	struct scim_filter *f;

	(void)state;
	memset(longname, 'A', sizeof(longname) - 1);
	f = parse_ok("userName eq \"\\u212aelvin\"");
	assert_true(scim_filter_match(f, get_user, &u));
	f = parse_ok("title pr and not (title eq \"x\") and title ne \"\\u00ff\"");
	assert_true(scim_filter_match(f, get_user, &u));
	f = parse_ok("title sw \"\" or title ge \"\"");
	assert_false(scim_filter_match(f, get_user, &u));
	f = parse_ok("name.familyName sw \"aaaa\" and name.familyName ew \"aaaa\"");
	assert_true(scim_filter_match(f, get_user, &u));
	f = parse_ok("name.givenName eq \"\\u00e9lodie\"");
	assert_true(scim_filter_match(f, get_user, &u));
}

static void
test_types(void **state)
{
	(void)state;
	expect("active eq true", true, false);
	expect("active ne true", false, true);
	expect("active eq FALSE", false, true);
	expect("x-logins gt 0", true, false);
	expect("x-logins le -3", false, true);
	expect("x-logins eq 12", true, false);
	/* ne is "not eq": absent attributes are ne anything; null tests presence. */
	expect("title ne \"Tour Guide\"", false, true);
	expect("title eq null", false, true);
	expect("title ne null", true, false);
	expect("emails.value ne \"babs@jensen.org\"", false, true);
	/* An extension attribute with or without its URN. */
	expect("urn:ietf:params:scim:schemas:extension:portier:2.0:User:applications.value "
	    "eq \"crm\"", true, false);
	expect("applications.value eq \"payroll\"", false, false);
	expect("applications.value eq \"Payroll\"", true, false);
	expect("name.familyName co \"\\\"\" or userName eq \"\\u0062jensen\"", true, false);
}

/* A filter that must be refused, with a message containing want. */
static void
refuse(const char *text, const char *want)
{
	struct scim_filter *f = (struct scim_filter *)1;
	const char *err = NULL;
	int rc = scim_filter_parse(test_arena(), text, attrs, NATTRS, urns, &f, &err);

	if (rc != 1)
		fail_msg("%.60s: rc %d, not refused", text, rc);
	assert_null(f);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("%.60s: message \"%s\" lacks \"%s\"", text, err, want);
}

static void
test_refusals(void **state)
{
	char big[SCIM_FILTER_MAX + 2], deep[200], many[2000];
	size_t n = 0;

	(void)state;
	refuse("", "empty");
	refuse("(userName eq \"x\"", "at character 1: unbalanced parenthesis");
	refuse("userName eq \"x\")", "at character 16: unbalanced parenthesis");
	refuse(")", "unbalanced");
	refuse("emails[type eq \"work\"", "expected ]");
	refuse("nickName eq \"x\"", "at character 1: unknown attribute \"nickName\"");
	refuse("emails[display eq \"x\"]", "at character 8: unknown attribute");
	refuse("urn:ietf:params:scim:schemas:core:2.0:Group:userName eq \"x\"",
	    "unknown attribute");
	refuse("userName like \"x\"", "at character 10: unknown operator");
	refuse("userName eqq \"x\"", "unknown operator");
	refuse("userName", "expected a space then an operator");
	refuse("userName eq", "expected a space then a value");
	refuse("userName eq bjensen", "expected a value");
	refuse("userName eq 'bjensen'", "expected a value");
	refuse("userName eq \"bjensen", "closing quote");
	refuse("userName eq \"a\\qb\"", "at character 15: bad escape");
	refuse("userName eq \"a\\u00zz\"", "bad \\u escape");
	refuse("userName eq \"a\\ud800\"", "bad \\u escape");
	refuse("userName eq \"a\\udc00\\ud800\"", "bad \\u escape");
	refuse("userName eq \"a\\u0000\"", "bad \\u escape");
	refuse("userName eq \"a\xff\"", "not valid UTF-8");
	refuse("userName eq \"\xc3\x28\"", "not valid UTF-8");
	refuse("userName eq \"\xed\xa0\x80\"", "not valid UTF-8");
	refuse("userName eq \"a\tb\"", "control character");
	refuse("userName eq 12", "takes a string");
	refuse("userName eq true", "takes a string");
	refuse("x-logins eq 1.5", "takes an integer");
	refuse("x-logins eq 1e3", "takes an integer");
	refuse("x-logins eq 99999999999999999999", "takes an integer");
	refuse("x-logins eq 01", "bad number");
	refuse("x-logins eq -", "bad number");
	refuse("x-logins co \"1\"", "co, sw and ew");
	refuse("active gt true", "a boolean takes only eq or ne");
	refuse("active eq \"true\"", "true or false");
	refuse("meta.lastModified gt \"yesterday\"", "date and time");
	refuse("meta.lastModified gt \"2011-02-29T00:00:00Z\"", "date and time");
	refuse("meta.lastModified gt \"2011-05-13T04:42:34+2:00\"", "date and time");
	refuse("userName gt null", "null goes only with eq or ne");
	refuse("not userName eq \"x\"", "expected ( after not");
	refuse("userName eq \"x\" and", "expected an attribute, found the end");
	refuse("userName eq \"x\" and \"y\"",
	    "at character 21: expected an attribute name, not or (");
	refuse("1 eq 1", "at character 1: expected an attribute name");
	refuse("userName eq \"x\" xor title pr", "expected and, or or the end");
	refuse("emails[type eq \"work\" and emails[value pr]]", "value paths do not nest");
	refuse("name.familyName[value pr]", "brackets follow a multi-valued attribute");
	refuse("userName eq \"x\" \x01", "expected and, or or the end");

	memset(big, ' ', sizeof(big));
	memcpy(big, "title pr", 8);
	big[SCIM_FILTER_MAX + 1] = '\0';
	refuse(big, "longer than 2048 bytes");
	big[SCIM_FILTER_MAX] = '\0';
	assert_non_null(parse_ok(big));

	/* 17 levels of parentheses; 16 pass. */
	for (int i = 0; i < 17; i++)
		deep[n++] = '(';
	memcpy(deep + n, "title pr", 8);
	n += 8;
	for (int i = 0; i < 17; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	refuse(deep, "nested too deeply");
	deep[n - 1] = '\0';
	assert_non_null(parse_ok(deep + 1));
	refuse("not (not (not (not (not (not (not (not (not (not (not (not (not (not (not "
	    "(not (not (title pr)))))))))))))))))", "nested too deeply");

	/* 33 conditions and 32 ands: 65 nodes; one less pass. */
	n = 0;
	for (int i = 0; i < 33; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%stitle pr",
		    i > 0 ? " and " : "");
	refuse(many, "too many conditions");
	many[n - strlen(" and title pr")] = '\0';
	assert_non_null(parse_ok(many));
}

static void
seek_expect(const char *text, int want_id, enum scim_op want_op, const char *want_value)
{
	static const int seekable[] = { A_USERNAME, A_ID, A_EMAILS_VALUE };
	struct scim_filter *f = parse_ok(text);
	int id = -1;
	enum scim_op op = SCIM_PR;
	const char *v = NULL;
	int rc = scim_filter_seek(f, seekable, 3, &id, &op, &v);

	if (want_id < 0) {
		if (rc != 1)
			fail_msg("%s: a seek condition found (%d)", text, id);
		return;
	}
	if (rc != 0)
		fail_msg("%s: no seek condition", text);
	assert_int_equal(id, want_id);
	assert_int_equal(op, want_op);
	assert_string_equal(v, want_value);
}

static void
test_seek(void **state)
{
	(void)state;
	seek_expect("userName eq \"BJensen\"", A_USERNAME, SCIM_EQ, "BJensen");
	seek_expect("title pr and userName sw \"b\\u00e9\"", A_USERNAME, SCIM_SW, "b\xc3\xa9");
	seek_expect("userName sw \"b\" and (title pr and id eq \"42\")", A_ID, SCIM_EQ, "42");
	seek_expect("emails[type eq \"work\" and value eq \"a@b\"]", A_EMAILS_VALUE, SCIM_EQ,
	    "a@b");
	/* Not through or, not, nor from an attribute that is not seekable or an operator
	 * that cannot start a lookup. */
	seek_expect("userName eq \"a\" or title pr", -1, SCIM_EQ, NULL);
	seek_expect("not (userName eq \"a\")", -1, SCIM_EQ, NULL);
	seek_expect("title pr and (userName eq \"a\" or userName eq \"b\")", -1, SCIM_EQ, NULL);
	seek_expect("title eq \"a\" and userName co \"b\" and userName ne \"c\"", -1, SCIM_EQ,
	    NULL);
	seek_expect("userName eq null", -1, SCIM_EQ, NULL);
	seek_expect("emails[type eq \"work\" or value eq \"a@b\"]", -1, SCIM_EQ, NULL);
}

/* The seek alone (the caller may page in its store) or with more to match. */
static void
test_seek_only(void **state)
{
	static const int seekable[] = { A_USERNAME, A_ID };

	(void)state;
	assert_true(scim_filter_is_seek_only(parse_ok("userName sw \"b\""), seekable, 2));
	assert_true(scim_filter_is_seek_only(parse_ok("id eq \"42\""), seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("userName sw \"b\" and title pr"),
	    seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("userName sw \"b\" and userName sw "
	    "\"bo\""), seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("userName co \"b\""), seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("userName eq null"), seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("title eq \"b\""), seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("not (userName sw \"b\")"), seekable, 2));
	assert_false(scim_filter_is_seek_only(parse_ok("emails[value eq \"a@b\"]"), seekable, 2));
	assert_false(scim_filter_is_seek_only(NULL, seekable, 2));
}

static void
test_names_and_find(void **state)
{
	struct scim_filter *f;

	(void)state;
	f = parse_ok("title pr or not (emails[type eq \"work\"])");
	assert_true(scim_filter_names(f, A_TITLE));
	assert_true(scim_filter_names(f, A_EMAILS_TYPE));
	assert_true(scim_filter_names(f, A_EMAILS));
	assert_false(scim_filter_names(f, A_EMAILS_VALUE));
	assert_false(scim_filter_names(f, A_USERNAME));
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns, "USERNAME"), 0);
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns, CORE ":name.familyName"), 1);
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns, "applications.value"), 16);
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns,
	    "urn:ietf:params:scim:schemas:extension:portier:2.0:User:applications.value"), 16);
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns, "name"), -1);
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns, CORE ":"), -1);
	assert_int_equal(scim_attr_find(attrs, NATTRS, NULL, CORE ":userName"), -1);
	assert_int_equal(scim_attr_find(attrs, NATTRS, urns, NULL), -1);
}

static void
test_patch_paths(void **state)
{
	struct scim_path p;
	const char *err = "unset";

	(void)state;
	assert_int_equal(scim_path_parse(test_arena(), "name.familyName", attrs, NATTRS, urns,
	    &p, &err), 0);
	assert_null(err);
	assert_int_equal(p.attr, A_FAMILY);
	assert_null(p.filter);
	assert_int_equal(p.sub, -1);

	assert_int_equal(scim_path_parse(test_arena(), "emails[type eq \"work\"].value", attrs,
	    NATTRS, urns, &p, &err), 0);
	assert_int_equal(p.attr, A_EMAILS);
	assert_int_equal(p.sub, A_EMAILS_VALUE);
	assert_non_null(p.filter);
	assert_false(scim_path_match_elem(&p, get_user, (void *)&bjensen, 0));
	assert_true(scim_path_match_elem(&p, get_user, (void *)&bjensen, 1));
	assert_true(scim_path_match_elem(&p, get_user, (void *)&jdoe, 0));

	assert_int_equal(scim_path_parse(test_arena(), "members[value eq \"x\"]", attrs,
	    NATTRS, urns, &p, &err), 0);
	assert_int_equal(p.attr, A_MEMBERS);
	assert_int_equal(p.sub, -1);
	assert_true(scim_filter_names(p.filter, A_MEMBERS_VALUE));

	assert_int_equal(scim_path_parse(test_arena(), CORE ":emails", attrs, NATTRS, urns,
	    &p, &err), 0);
	assert_int_equal(p.attr, A_EMAILS);

	/* Refusals. */
	{
		static const char *const bad[][2] = {
			{ "", "empty" },
			{ "nickName", "unknown attribute" },
			{ "emails[type eq \"work\"", "expected ]" },
			{ "emails[type eq \"work\"].display", "unknown attribute" },
			{ "emails[type eq \"work\"]value", "expected . and a sub-attribute" },
			{ "emails[type eq \"work\"].", "expected a sub-attribute name" },
			{ "emails[type eq \"work\"].value.x", "expected a sub-attribute name" },
			{ "emails[type zz \"work\"]", "unknown operator" },
			{ "emails[value pr] ", "expected . and a sub-attribute" },
			{ "name.familyName[value pr]", "brackets follow" },
			{ "emails members", "expected [ or the end" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			err = NULL;
			if (scim_path_parse(test_arena(), bad[i][0], attrs, NATTRS, urns, &p,
			    &err) != 1 || err == NULL || strstr(err, bad[i][1]) == NULL)
				fail_msg("path %s: %s", bad[i][0], err ? err : "accepted");
			assert_string_equal(strncmp(err, "invalid path", 12) == 0 ? "y" : err, "y");
			assert_int_equal(p.attr, -1);
			assert_null(p.filter);
		}
	}
}

/* A full arena answers -1 (no memory), not a refusal nor a crash. */
static void
test_no_memory(void **state)
{
	struct arena *a = arena_new(64);
	struct scim_filter *f;
	const char *err = "unset";

	(void)state;
	assert_non_null(a);
	assert_int_equal(scim_filter_parse(a, "userName eq \"bjensen\" and title pr and "
	    "emails[type eq \"work\"]", attrs, NATTRS, urns, &f, &err), -1);
	assert_null(f);
	assert_null(err);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_value_path_same_element),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_case_rules),
		cmocka_unit_test(test_folding_paths),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_seek_only),
		cmocka_unit_test(test_names_and_find),
		cmocka_unit_test(test_patch_paths),
		cmocka_unit_test(test_no_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
