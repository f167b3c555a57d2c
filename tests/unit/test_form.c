/* test_form.c — query strings, urlencoded and multipart bodies, cookies: values,
 * limits, malformed input and UTF-8 checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "web/form.h"

static struct arena *a;

static int
setup(void **state)
{
	(void)state;
	a = arena_new(1 << 20);
	return a ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static void
urlencoded_values(void **state)
{
	struct form f = { 0 };
	const char *s = "a=1&b=h%C3%A9llo+w&c=&d&a=2&&e=%2B%26%3D";

	(void)state;
	assert_int_equal(form_parse_urlencoded(a, s, strlen(s), 16, 64, &f), FORM_OK);
	assert_int_equal(f.n, 6);
	assert_string_equal(form_get(&f, "a")->value, "1");
	assert_string_equal(form_get(&f, "b")->value, "h\xc3\xa9llo w");
	assert_string_equal(form_get(&f, "c")->value, "");
	assert_string_equal(form_get(&f, "d")->value, "");
	assert_string_equal(form_get(&f, "e")->value, "+&=");
	assert_string_equal(f.v[4].value, "2");
	assert_null(form_get(&f, "zz"));
}

static void
urlencoded_refusals(void **state)
{
	struct form f = { 0 };

	(void)state;
	assert_int_equal(form_parse_urlencoded(a, "a=%zz", 5, 16, 64, &f), FORM_BAD);
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_urlencoded(a, "a=%4", 4, 16, 64, &f), FORM_BAD);
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_urlencoded(a, "a=%ff", 5, 16, 64, &f), FORM_ENCODING);
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_urlencoded(a, "a=%00", 5, 16, 64, &f), FORM_ENCODING);
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_urlencoded(a, "a=%C0%AF", 8, 16, 64, &f), FORM_ENCODING);
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_urlencoded(a, "a=1&b=2&c=3", 11, 2, 64, &f), FORM_TOO_MANY);
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_urlencoded(a, "a=123456789", 11, 16, 8, &f), FORM_TOO_LONG);
}

static const char mp_ct[] = "multipart/form-data; boundary=XyZ";

static void
multipart_fields_and_files(void **state)
{
	struct form f = { 0 };
	const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"nom\"\r\n\r\n"
	    "Dupont\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"doc\"; filename=\"a.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n\r\n"
	    "%PDF\0\xff\r\n"
	    "--XyZ--\r\n";

	(void)state;
	assert_int_equal(form_parse_multipart(a, mp_ct, body, sizeof(body) - 1, 16, 64, &f),
	    FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "nom")->value, "Dupont");
	assert_null(form_get(&f, "nom")->filename);
	assert_string_equal(form_get(&f, "doc")->filename, "a.pdf");
	assert_string_equal(form_get(&f, "doc")->ctype, "application/pdf");
	assert_int_equal(form_get(&f, "doc")->len, 6);
	assert_memory_equal(form_get(&f, "doc")->value, "%PDF\0\xff", 6);
}

static void
multipart_refusals(void **state)
{
	struct form f = { 0 };
	const char no_end[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";
	const char no_name[] =
	    "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--\r\n";
	const char bad_utf8[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc3\x28\r\n--XyZ--\r\n";
	const char too_long[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n0123456789\r\n--XyZ--\r\n";

	(void)state;
	assert_int_equal(form_parse_multipart(a, "multipart/form-data", "x", 1, 16, 64, &f),
	    FORM_BAD);
	assert_int_equal(form_parse_multipart(a, mp_ct, no_end, sizeof(no_end) - 1, 16, 64, &f),
	    FORM_BAD);
	assert_int_equal(form_parse_multipart(a, mp_ct, no_name, sizeof(no_name) - 1, 16, 64, &f),
	    FORM_BAD);
	assert_int_equal(form_parse_multipart(a, mp_ct, bad_utf8, sizeof(bad_utf8) - 1, 16, 64,
	    &f), FORM_ENCODING);
	assert_int_equal(form_parse_multipart(a, mp_ct, too_long, sizeof(too_long) - 1, 16, 4,
	    &f), FORM_TOO_LONG);
}

static void
cookies(void **state)
{
	struct form f = { 0 };

	(void)state;
	assert_int_equal(form_parse_cookies(a, "a=1; portier_lang=nl;b=\"q\"; junk; =x", 16, &f),
	    FORM_OK);
	assert_string_equal(form_get(&f, "a")->value, "1");
	assert_string_equal(form_get(&f, "portier_lang")->value, "nl");
	assert_string_equal(form_get(&f, "b")->value, "q");
	assert_null(form_get(&f, "junk"));
	memset(&f, 0, sizeof(f));
	assert_int_equal(form_parse_cookies(a, "a=1; b=2; c=3", 2, &f), FORM_TOO_MANY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urlencoded_values),
		cmocka_unit_test(urlencoded_refusals),
		cmocka_unit_test(multipart_fields_and_files),
		cmocka_unit_test(multipart_refusals),
		cmocka_unit_test(cookies),
	};

	return cmocka_run_group_tests_name("form", tests, setup, teardown);
}
