/* test_fed.c — the federation service's pure parts (docs/federation.md): the attribute
 * set and its release rules, pairwise subjects per sector, and the signers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fed/attrs.h"

/* ---- attribute set ---- */

static const unsigned char secret[32] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 };
static const char *const apps[2] = { "TESTAPP", "OTHERAPP" };

static struct fed_profile_data
person(void)
{
	struct fed_profile_data d;

	memset(&d, 0, sizeof(d));
	d.niss = "85073003328";
	d.last_name = "Peeters";
	d.first_name = "Marie";
	d.language = "nl";
	d.email = "marie@example.test";
	d.profile.enterprise = "0552627113";
	d.profile.org_name = "Cabinet Peeters";
	d.profile.quality = "MED";
	d.profile.role = "USER";
	d.apps = (const char **)apps;
	d.n_apps = 2;
	return d;
}

/* Only the subject and the profile when nothing else is asked. */
static void
attrs_minimal(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release rel = { .sector = "medseip-portal" };
	struct fed_attrs at;

	(void)state;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	/* The same vector as test_oidc's pairwise (Python's hmac). */
	assert_string_equal(at.sub, "pnCyPyU3G2L-QVUFs3_7n44v0SNQnsCI9Eq2YKEK6VE");
	assert_null(at.first_name);
	assert_null(at.last_name);
	assert_null(at.language);
	assert_null(at.email);
	assert_null(at.national_number);
	assert_ptr_equal(at.profile, &d.profile);
	assert_string_equal(at.profile->org_name, "Cabinet Peeters");
	assert_int_equal(at.n_apps, 2);
	assert_string_equal(at.apps[1], "OTHERAPP");
}

/* Names, language and e-mail when asked; the e-mail only when known. */
static void
attrs_names_email(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release rel = { .sector = "medseip-portal", .names = true, .email = true };
	struct fed_attrs at;

	(void)state;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_string_equal(at.first_name, "Marie");
	assert_string_equal(at.last_name, "Peeters");
	assert_string_equal(at.language, "nl");
	assert_string_equal(at.email, "marie@example.test");
	assert_null(at.national_number);
	d.email = "";
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.email);
}

/* The national number needs both: asked for and allowed; and known. */
static void
attrs_national_number(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release rel = { .sector = "s", .national_number = true };
	struct fed_attrs at;

	(void)state;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.national_number);                 /* asked, not allowed */
	rel.national_number = false;
	rel.allow_national_number = true;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.national_number);                 /* allowed, not asked */
	rel.national_number = true;
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_string_equal(at.national_number, "85073003328");
	d.niss = "";
	assert_int_equal(fed_attributes(secret, 1, &d, &rel, &at), 0);
	assert_null(at.national_number);                 /* none known */
}

/* One subject per sector and per person; no sector, no attributes. */
static void
attrs_sectors(void **state)
{
	struct fed_profile_data d = person();
	struct fed_release a = { .sector = "sector-a" }, b = { .sector = "sector-b" };
	struct fed_attrs x, y;
	char sub[FED_SUB_LEN + 1];

	(void)state;
	assert_int_equal(fed_attributes(secret, 7, &d, &a, &x), 0);
	assert_int_equal(fed_attributes(secret, 7, &d, &b, &y), 0);
	assert_string_not_equal(x.sub, y.sub);
	assert_int_equal(strlen(x.sub), FED_SUB_LEN);
	fed_pairwise_sub(secret, "sector-a", 7, sub);
	assert_string_equal(x.sub, sub);
	assert_int_equal(fed_attributes(secret, 8, &d, &a, &y), 0);
	assert_string_not_equal(x.sub, y.sub);
	a.sector = NULL;
	assert_int_equal(fed_attributes(secret, 7, &d, &a, &x), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attrs_minimal),
		cmocka_unit_test(attrs_names_email),
		cmocka_unit_test(attrs_national_number),
		cmocka_unit_test(attrs_sectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
