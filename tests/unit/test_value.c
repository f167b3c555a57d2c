/* test_value.c — the value module against the one vector table per type
 * (tests/data/value_vectors.json, shared with tests/http/value_vectors.test.js), its limits,
 * the field declarations and the percent-decoder. */
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
#include "base/pct.h"
#include "portal/http.h"
#include "web/web.h"
#include "value/value.h"

#define TEST_DATA_DEFAULT "tests/data"

static json_t *vectors;

static int
load(void **state)
{
	const char *base = getenv("PORTIER_TEST_DATA");
	char path[512];
	json_error_t e;

	(void)state;
	if (base == NULL)
		base = TEST_DATA_DEFAULT;
	if ((size_t)snprintf(path, sizeof(path), "%s/value_vectors.json", base) >= sizeof(path))
		return -1;
	vectors = json_load_file(path, 0, &e);
	if (vectors == NULL)
		fprintf(stderr, "%s: %s (run from the repository root or set PORTIER_TEST_DATA)\n",
		    path, e.text);
	return vectors ? 0 : -1;
}

static int
unload(void **state)
{
	(void)state;
	json_decref(vectors);
	return 0;
}

/* Every vector of one type: the valid ones give their normalised form, the invalid ones
 * their message id; a table with too few cases is itself a failure. */
static void
run_table(enum value_type t)
{
	json_t *tab = json_object_get(vectors, value_type_name(t)), *v;
	size_t i;
	char out[512];

	assert_non_null(tab);
	assert_true(json_array_size(json_object_get(tab, "valid")) >= 1);
	assert_true(json_array_size(json_object_get(tab, "invalid")) >= 3);
	json_array_foreach(json_object_get(tab, "valid"), i, v) {
		const char *in = json_string_value(json_array_get(v, 0)), *msgid = "x";
		enum value_status st = value_parse(t, in, 0, out, sizeof(out), &msgid);

		if (st != VALUE_OK)
			fail_msg("%s: \"%s\" refused (%d: %s)", value_type_name(t), in, st, msgid);
		assert_null(msgid);
		assert_string_equal(out, json_string_value(json_array_get(v, 1)));
		assert_true(value_ok(t, in, 0));
	}
	json_array_foreach(json_object_get(tab, "invalid"), i, v) {
		const char *in = json_string_value(json_array_get(v, 0)), *msgid = NULL;
		enum value_status st;

		memcpy(out, "untouched", sizeof("untouched"));
		st = value_parse(t, in, 0, out, sizeof(out), &msgid);
		if (st == VALUE_OK)
			fail_msg("%s: \"%s\" accepted as \"%s\"", value_type_name(t), in, out);
		assert_string_equal(out, "untouched");
		assert_non_null(msgid);
		assert_string_equal(msgid, json_string_value(json_array_get(v, 1)));
		assert_false(value_ok(t, in, 0));
	}
}

static void
t_email(void **state)
{
	(void)state;
	run_table(VALUE_EMAIL);
}

static void
t_phone(void **state)
{
	(void)state;
	run_table(VALUE_PHONE);
}

static void
t_username(void **state)
{
	(void)state;
	run_table(VALUE_USERNAME);
}

static void
t_person_name(void **state)
{
	(void)state;
	run_table(VALUE_PERSON_NAME);
}

static void
t_text(void **state)
{
	(void)state;
	run_table(VALUE_TEXT);
}

static void
t_numbers(void **state)
{
	(void)state;
	run_table(VALUE_NISS);
	run_table(VALUE_ENTERPRISE);
	run_table(VALUE_ESTABLISHMENT);
}

static void
t_date(void **state)
{
	(void)state;
	run_table(VALUE_DATE);
}

static void
t_url(void **state)
{
	(void)state;
	run_table(VALUE_URL);
}

/* INAMI/RIZIV numbers: the vector table, and the digits shown in their four groups. */
static void
t_inami(void **state)
{
	char out[15];

	(void)state;
	run_table(VALUE_INAMI);
	value_inami_format("12345678901", out);
	assert_string_equal(out, "1-23456-78-901");
}

/* Limits: bytes for the ASCII types, characters for text; NULL is empty; a too small out
 * buffer is reported, not overrun. */
static void
t_limits(void **state)
{
	char name[402], out[8];
	const char *msgid;

	(void)state;
	assert_true(value_ok(VALUE_PHONE, "+32 2 511 51 51", 15));
	assert_int_equal(value_parse(VALUE_PHONE, "+32 2 511 51 51", 14, NULL, 0, &msgid),
	    VALUE_TOO_LONG);
	assert_non_null(msgid);
	assert_int_equal(value_parse(VALUE_EMAIL, NULL, 0, NULL, 0, &msgid), VALUE_EMPTY);
	/* 100 two-byte characters: 200 bytes, within a limit of 100 characters. */
	for (size_t i = 0; i < 100; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[200] = '\0';
	assert_true(value_ok(VALUE_PERSON_NAME, name, 100));
	assert_false(value_ok(VALUE_PERSON_NAME, name, 99));
	assert_int_equal(value_parse(VALUE_EMAIL, "jan@zorg.be", 0, out, sizeof(out), NULL),
	    VALUE_NOSPACE);
	/* A limit above the type's bound does not widen it: a 255-byte address is refused. */
	{
		char mail[300];

		memset(mail, 'a', 60);
		memcpy(mail + 60, "@", 1);
		for (size_t i = 0; i < 4; i++) {
			memset(mail + 61 + 48 * i, 'b', 47);
			mail[61 + 48 * i + 47] = '.';
		}
		memcpy(mail + 61 + 192, "be", 3);   /* 255 bytes */
		assert_int_equal(strlen(mail), 255);
		assert_false(value_ok(VALUE_EMAIL, mail, 300));
		mail[254] = '\0';                  /* 254 bytes: "...b" */
		mail[253] = 'e';
		mail[252] = 'b';
		assert_true(value_ok(VALUE_EMAIL, mail, 300));
	}
	assert_int_equal(value_parse((enum value_type)99, "x", 0, NULL, 0, &msgid), VALUE_INVALID);
	assert_string_equal(value_type_name((enum value_type)99), "unknown");
}

/* A field declaration: required or optional, the page's own messages or the module's. */
static void
t_field(void **state)
{
	static const struct value_field req = { "email", VALUE_EMAIL, true, 254, "missing",
		"invalid" };
	static const struct value_field opt = { "local_email", VALUE_EMAIL, false, 254, NULL,
		NULL };
	char out[256];

	(void)state;
	assert_null(value_field_check(&req, "jan@zorg.be", out, sizeof(out)));
	assert_string_equal(out, "jan@zorg.be");
	assert_string_equal(value_field_check(&req, "", out, sizeof(out)), "missing");
	assert_string_equal(value_field_check(&req, NULL, out, sizeof(out)), "missing");
	assert_string_equal(value_field_check(&req, "jan@zorg-.be", out, sizeof(out)), "invalid");
	assert_null(value_field_check(&opt, "", out, sizeof(out)));
	assert_string_equal(out, "");
	assert_string_equal(value_field_check(&opt, "jan@", out, sizeof(out)),
	    "L'adresse e-mail n'est pas valide (exemple : nom@exemple.be).");
}

static void
t_pct(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(pct_decode("a+b%41%7e", 9, out, sizeof(out), true), 5);
	assert_string_equal(out, "a bA~");
	assert_int_equal(pct_decode("a+b", 3, out, sizeof(out), false), 3);
	assert_string_equal(out, "a+b");
	assert_int_equal(pct_decode("%00x", 4, out, sizeof(out), true), 2);
	assert_int_equal(out[0], 0);
	assert_int_equal(pct_decode("", 0, out, sizeof(out), true), 0);
	assert_int_equal(pct_decode("%4", 2, out, sizeof(out), true), -1);
	assert_int_equal(pct_decode("%4g", 3, out, sizeof(out), true), -1);
	assert_int_equal(pct_decode("%g4", 3, out, sizeof(out), true), -1);
	assert_int_equal(pct_decode("%", 1, out, sizeof(out), true), -1);
	/* "%41" with n = 2 must not read the '1' beyond the given length. */
	assert_int_equal(pct_decode("%41", 2, out, sizeof(out), true), -1);
	assert_int_equal(pct_decode("0123456789abcdef", 16, out, sizeof(out), true), -1);
	assert_int_equal(pct_decode("0123456789abcde", 15, out, sizeof(out), true), 15);
	assert_int_equal(pct_decode("x", 1, out, 0, true), -1);
}

/* The one encoder and its two users: links keep their slashes, credentials do not. */
static void
t_pct_encode(void **state)
{
	struct arena *a = arena_new(0);
	const char *in = "a/b c~-_.%+\xc3\xa9&=?";

	(void)state;
	assert_non_null(a);
	assert_string_equal(pct_encode(a, in, ""), "a%2Fb%20c~-_.%25%2B%C3%A9%26%3D%3F");
	assert_string_equal(pct_encode(a, in, "/"), "a/b%20c~-_.%25%2B%C3%A9%26%3D%3F");
	assert_string_equal(web_url_encode(a, in), "a/b%20c~-_.%25%2B%C3%A9%26%3D%3F");
	assert_string_equal(phttp_encode(a, in), "a%2Fb%20c~-_.%25%2B%C3%A9%26%3D%3F");
	assert_string_equal(pct_encode(a, "", ""), "");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_email),
		cmocka_unit_test(t_phone),
		cmocka_unit_test(t_username),
		cmocka_unit_test(t_person_name),
		cmocka_unit_test(t_text),
		cmocka_unit_test(t_numbers),
		cmocka_unit_test(t_date),
		cmocka_unit_test(t_url),
		cmocka_unit_test(t_limits),
		cmocka_unit_test(t_field),
		cmocka_unit_test(t_inami),
		cmocka_unit_test(t_pct),
		cmocka_unit_test(t_pct_encode),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
