/* test_long_names.c — names of 100 characters (Cyrillic, Greek, accented Latin) and of the
 * register's 200 read back whole from a real store, the OIDC claims built from them, a
 * stored text too long for its array refused rather than cut, audit details built by
 * jansson, and a PDF that writes a Cyrillic name in an embedded Unicode font. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/account.h"
#include "access/catalogue.h"
#include "access/org.h"
#include "access/quality.h"
#include "auth/person.h"
#include "auth/person_sql.h"
#include "base/arena.h"
#include "base/jsontext.h"
#include "base/utf8.h"
#include "oidc/claims.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "fed/profiles.h"
#include "oidc/provider.h"
#include "pdf/pdf.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"

/* A name of exactly n characters: word repeated with spaces, never ending with a space. */
static char *
named(const char *word, size_t n)
{
	size_t wl = strlen(word), cap = 4 * n + 8, len = 0, chars = 0;
	char *s = calloc(1, cap);
	const char *p = word;

	assert_non_null(s);
	while (chars < n) {
		size_t k = 1;

		if (p == word + wl) {
			/* Between words a space; a name ends on a letter. */
			p = word;
			if (chars + 1 < n) {
				s[len++] = ' ';
				chars++;
				continue;
			}
		}
		while (((unsigned char)p[k] & 0xC0) == 0x80)
			k++;
		memcpy(s + len, p, k);
		len += k;
		p += k;
		chars++;
	}
	s[len] = '\0';
	assert_int_equal(utf8_len(s, len), n);
	return s;
}

static const struct store_fixture_spec spec = { "longnames", 2 };

/* Inserts person id with the names given; 0 or -1. */
static int
add_person(struct store_fixture *f, int id, const char *last, const char *first)
{
	struct store_tx *tx;
	int64_t got = 0;
	int rc;

	if (store_begin(f->s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_insert(tx, SQL_PERSON_INSERT, &got, "ttttttt", NULL, last, first, "fr", NULL,
	    "manager", "2026-01-31T12:00:00Z");
	if (rc != 1 || got != id) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

/* ---- people read back whole ---- */

static void
person_names_whole(void **state)
{
	struct store_fixture *f = *state;
	const char *words[][2] = {
		{ "Жанна-Мария", "Ёлка-Щукина Чебурашка" },
		{ "Παπαδοπούλου-Αικατερίνη", "Ελένη-Χρυσούλα" },
		{ "Éléonore-Bérénice Ñúñez-Çàçèöü", "Ådèlïne-Ærøskøbing Œuvré" },
	};
	struct arena *a = arena_new(0);
	struct person p;

	assert_non_null(a);
	for (int i = 0; i < 3; i++) {
		char *last = named(words[i][0], 100), *first = named(words[i][1], 100);

		assert_true(strlen(last) > 128);
		assert_int_equal(add_person(f, i + 1, last, first), 0);
		assert_int_equal(person_get(f->s, a, i + 1, &p), 0);
		assert_string_equal(p.last_name, last);
		assert_string_equal(p.first_name, first);
		free(last);
		free(first);
	}
	/* The register's limit, 200 characters of three bytes each (600 bytes). */
	{
		char *last = named("ქართველი", 200), *first = named("ნინო", 200);

		assert_int_equal(add_person(f, 4, last, first), 0);
		assert_int_equal(person_get(f->s, a, 4, &p), 0);
		assert_string_equal(p.last_name, last);
		assert_string_equal(p.first_name, first);
		free(last);
		free(first);
	}
	arena_free(a);
}

static void
person_too_long_whole(void **state)
{
	struct store_fixture *f = *state;
	char *last = named("ქართველი", 300);
	struct arena *a = arena_new(0);
	struct person p;

	/* 900 bytes: more than any form or import accepts. The limits are the forms' and the
	 * imports'; the reader gives back what is stored, whole (no array to cut it). */
	assert_non_null(a);
	assert_int_equal(add_person(f, 1, last, "Nino"), 0);
	assert_int_equal(person_get(f->s, a, 1, &p), 0);
	assert_string_equal(p.last_name, last);
	assert_string_equal(p.first_name, "Nino");
	assert_string_equal(p.email, "");
	arena_free(a);
	free(last);
}

/* ---- claims ---- */

/* The ids of the grant's world claims_world built (one world per test). */
static int64_t w_person, w_org, w_quality, w_account;

/* Writes org as the organisation's name in SQL: a name no form takes (over the limit,
 * or not UTF-8), which the readers must still give back whole or refuse. */
static void
org_name_in_sql(struct store_fixture *f, const char *org)
{
	char sql[4096];
	size_t o;

	if (utf8_valid(org, strlen(org))) {
		/* A quoted literal, quotes doubled: the same on both backends. */
		o = (size_t)snprintf(sql, sizeof(sql), "UPDATE organisation SET name = '");
		for (const char *p = org; *p != '\0' && o + 3 < sizeof(sql); p++) {
			if (*p == '\'')
				sql[o++] = '\'';
			sql[o++] = *p;
		}
	} else {
		/* X'…': the bytes of org exactly, not UTF-8 (SQLite only: a PostgreSQL
		 * UTF8 database refuses such bytes at its door). */
		o = (size_t)snprintf(sql, sizeof(sql), "UPDATE organisation SET name = CAST(X'");
		for (const unsigned char *p = (const unsigned char *)org; *p != '\0'; p++)
			o += (size_t)snprintf(sql + o, sizeof(sql) - o, "%02X", *p);
		o += (size_t)snprintf(sql + o, sizeof(sql) - o, "' AS TEXT)");
	}
	snprintf(sql + o, sizeof(sql) - o, "%s WHERE id = %" PRId64 ";",
	    utf8_valid(org, strlen(org)) ? "'" : "", w_org);
	assert_int_equal(store_fixture_script(f, sql), 0);
}

/* The world of one grant, built through the services: a person (names given) who
 * registers an organisation named org, the application TESTAPP added to the catalogue,
 * the quality health_related activated by that person as their own local manager with
 * TESTAPP granted. An org name no form takes is written afterwards in SQL. */
static void
claims_world(struct store_fixture *f, const char *last, const char *first, const char *org)
{
	static const char *const apps[] = { "TESTAPP" };
	bool fits = utf8_valid(org, strlen(org)) && utf8_len(org, strlen(org)) <= ORG_NAME_CHARS;
	struct org_new n = {
		.enterprise = "0552627113", .country = "BE", .name = fits ? org : "x",
		.contact_email = "c@example.be", .contact_phone = "02 511 51 51",
		.procedure = "standard",
	};
	struct catalogue_app app = {
		.code = "TESTAPP", .quality = "health_related",
		.names = { "Test", "Test", "Test", "Test" },
		.descriptions = { "Test", "Test", "Test", "Test" }, .min_level = 1, .sort = 998,
	};
	struct activation_input in = {
		.quality = "health_related", .email = "q@example.be", .mode = "self",
		.gl = {
			.username = "user.long", .data.title = "M.", .data.language = "fr",
			.data.email = "u@example.be", .apps = apps, .napps = 1,
		},
	};
	struct actor by = { .person_id = 0, .role = "legal_rep" }, w;
	struct access_errors err = { 0 };
	struct arena *a = arena_new(0);
	struct user_view v;
	struct store_tx *tx;
	char msg[256];
	enum access_rc rc;

	assert_non_null(a);
	w_person = store_fixture_person(f->s, "17073003384", last, first, "fr", "system");
	assert_true(w_person > 0);
	by.person_id = w_person;
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	w_org = org_create(tx, &n, w_person, &by);
	assert_true(w_org > 0);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(catalogue_add_application(f->s, &(struct actor){ .name = "test" }, &app,
	    msg, sizeof(msg)), 0);
	w = (struct actor)STORE_FIXTURE_WHO(w_person, LOA_LOW);
	rc = quality_activate(f->s, &w, w_org, &in, &err, &w_quality, NULL);
	for (size_t i = 0; i < err.n; i++)
		print_error("%s: %s\n", err.e[i].field, err.e[i].msgid);
	assert_int_equal(rc, ACCESS_OK);
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(account_of_person(tx, a, w_org, w_person, &v), 0);
	store_rollback(&tx);
	w_account = v.account_id;
	arena_free(a);
	if (!fits)
		org_name_in_sql(f, org);
}

/* Reads the grant's data and builds its claims into *obj; returns oidc_claims' answer. */
static int
claims_of(struct store_fixture *f, json_t **obj)
{
	struct oidc_client c;
	struct oidc_grant g;
	struct fed_profile_data d;
	struct arena *a = arena_new(0);
	struct store_tx *tx;
	int rc;

	assert_non_null(a);
	memset(&c, 0, sizeof(c));
	memset(&g, 0, sizeof(g));
	c.id = "long-names";
	c.sector = "long-names";
	g.person_id = w_person;
	g.account_id = w_account;
	g.org_quality_id = w_quality;
	g.scope = "openid profile";
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	rc = fed_profile_read(tx, a, w_account, w_quality, "TESTAPP", w_person, &d);
	store_rollback(&tx);
	assert_int_equal(rc, 0);
	*obj = json_object();
	assert_non_null(*obj);
	{
		char err[256];
		struct oidc_provider *p = oidc_provider_new(f->s, "https://idp.example.test", 30,
		    err, sizeof(err));

		assert_non_null(p);
		rc = oidc_claims(p, &c, &g, &d, *obj);
		oidc_provider_free(p);
	}
	arena_free(a);
	return rc;
}

static void
claims_whole(void **state)
{
	struct store_fixture *f = *state;
	char *last = named("Παπαδοπούλου-Αικατερίνη", 100), *first = named("Жанна-Мария", 100);
	char *org = named("Société Générale de Bruxelles-Été", 200), *full;
	json_t *obj;

	claims_world(f, last, first, org);
	assert_int_equal(claims_of(f, &obj), 0);
	assert_string_equal(json_string_value(json_object_get(obj, "family_name")), last);
	assert_string_equal(json_string_value(json_object_get(obj, "given_name")), first);
	assert_int_not_equal(asprintf(&full, "%s %s", first, last), -1);
	assert_string_equal(json_string_value(json_object_get(obj, "name")), full);
	assert_string_equal(json_string_value(json_object_get(json_object_get(obj,
	    "organisation"), "name")), org);
	json_decref(obj);
	free(full);
	free(last);
	free(first);
	free(org);
}

static void
claims_refused_not_emptied(void **state)
{
	struct store_fixture *f = *state;
	json_t *obj;

	/* An organisation name that is not UTF-8 cannot be a JSON string: the claims fail
	 * as a whole; before, the organisation claim went out without its name. A
	 * PostgreSQL UTF8 database cannot hold such a name: there, the database refuses
	 * it and the claims keep the name stored. */
	if (store_is_pg(f->path)) {
		char sql[128];

		print_message("claims_refused_not_emptied: on PostgreSQL a name not UTF-8 is "
		    "refused by the database (checked instead)\n");
		claims_world(f, "Peeters", "Jan", "Caf\xc3\xa9 Bruxelles");
		snprintf(sql, sizeof(sql), "UPDATE organisation SET name = 'Caf\xe9 Bruxelles' "
		    "WHERE id = %" PRId64 ";", w_org);
		assert_int_equal(store_fixture_script(f, sql), -1);
		assert_int_equal(claims_of(f, &obj), 0);
		assert_string_equal(json_string_value(json_object_get(json_object_get(obj,
		    "organisation"), "name")), "Caf\xc3\xa9 Bruxelles");
		json_decref(obj);
		return;
	}
	claims_world(f, "Peeters", "Jan", "Caf\xe9 Bruxelles");
	assert_int_equal(claims_of(f, &obj), -1);
	json_decref(obj);
}

/* The organisation and quality claims are read whole: an organisation name and a quality
 * name of about 850 bytes each (more than the 801-byte arrays access_profile_now had:
 * the claims failed and the token endpoint answered 500). */
static void
claims_profile_whole(void **state)
{
	struct store_fixture *f = *state;
	char *org = named("ორგანიზაცია", 300), *quality = named("ჯანმრთელობა", 300), *sql;
	json_t *obj, *names;

	assert_true(strlen(org) > ORG_NAME_SIZE && strlen(quality) > ACCESS_LABEL_SIZE);
	claims_world(f, "Peeters", "Jan", org);
	assert_int_not_equal(asprintf(&sql, "UPDATE quality SET name_nl = '%s' "
	    "WHERE code = 'health_related';", quality), -1);
	assert_int_equal(store_fixture_script(f, sql), 0);
	assert_int_equal(claims_of(f, &obj), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(obj,
	    "organisation"), "name")), org);
	names = json_object_get(json_object_get(obj, "quality"), "name");
	assert_string_equal(json_string_value(json_object_get(names, "nl")), quality);
	assert_string_equal(json_string_value(json_object_get(json_object_get(obj, "quality"),
	    "code")), "health_related");
	json_decref(obj);
	free(sql);
	free(quality);
	free(org);
}

/* Every application granted is in the claim: more than 32, with codes over 32 bytes
 * (the claim used to be refused, the token endpoint answering 500). */
static void
claims_all_applications(void **state)
{
	struct store_fixture *f = *state;
	json_t *obj, *apps;
	char sql[512], code[64];

	claims_world(f, "Peeters", "Jan", "Org");
	for (int i = 0; i < 40; i++) {
		snprintf(code, sizeof(code), "APP%02d_WITH_A_CODE_LONGER_THAN_32_BYTES", i);
		snprintf(sql, sizeof(sql), "INSERT INTO application(code, quality, sort, min_level, "
		    "name_fr, name_nl, name_de, name_en, desc_fr, desc_nl, desc_de, desc_en) VALUES "
		    "('%s', 'health_related', %d, 1, 'A', 'A', 'A', 'A', '', '', '', '');"
		    "INSERT INTO app_grant(org_quality_id, account_id, application, granted_at) "
		    "VALUES (%" PRId64 ", %" PRId64 ", '%s', '2026-01-01T00:00:00Z');", code,
		    1000 + i, w_quality, w_account, code);
		assert_int_equal(store_fixture_script(f, sql), 0);
	}
	assert_int_equal(claims_of(f, &obj), 0);
	apps = json_object_get(obj, "applications");
	assert_int_equal(json_array_size(apps), 41);
	for (size_t i = 0; i < json_array_size(apps); i++) {
		const char *app = json_string_value(json_array_get(apps, i));

		assert_non_null(app);
		assert_true(strcmp(app, "TESTAPP") == 0 || strlen(app) > 32);
	}
	json_decref(obj);
}

/* ---- JSON texts ---- */

static void
json_text_built_by_jansson(void **state)
{
	char out[64], tiny[12];

	(void)state;
	/* Escaped by the library: a quote or backslash never breaks the object. */
	assert_int_equal(json_text(out, sizeof(out), "{s:s, s:I, s:b}", "reason",
	    "a \"quoted\" \\ word", "n", (json_int_t)12, "ok", 1), 0);
	assert_string_equal(out, "{\"reason\":\"a \\\"quoted\\\" \\\\ word\",\"n\":12,\"ok\":true}");
	/* A NULL string, text that is not UTF-8, no room: an error and "", never a part. */
	assert_int_equal(json_text(out, sizeof(out), "{s:s}", "reason", (const char *)NULL), -1);
	assert_string_equal(out, "");
	assert_int_equal(json_text(out, sizeof(out), "{s:s}", "reason", "caf\xe9"), -1);
	assert_int_equal(json_text(tiny, sizeof(tiny), "{s:s}", "reason", "too long here"), -1);
	assert_string_equal(tiny, "");
	/* Exactly the room it needs (11 bytes and the NUL). */
	assert_int_equal(json_text(tiny, sizeof(tiny), "{s:s}", "a", "bcd"), 0);
	assert_string_equal(tiny, "{\"a\":\"bcd\"}");
}

/* ---- PDF ---- */

static void
pdf_writes_cyrillic(void **state)
{
	char *name = named("Жанна-Мария", 100);
	struct pdf *d = pdf_new("test", NULL);
	size_t len = 0;
	unsigned char *bytes;

	(void)state;
	assert_non_null(d);
	pdf_field(d, "Titulaire :", name);
	pdf_field(d, "Nom :", "Dubois");
	bytes = pdf_finish(d, &len);
	assert_non_null(bytes);
	/* The Unicode font is embedded (its name in the font dictionary). */
	assert_non_null(memmem(bytes, len, "DejaVuSans", 10));
	free(bytes);
	free(name);
}

static void
pdf_latin_stays_small(void **state)
{
	struct pdf *d = pdf_new("test", NULL);
	size_t len = 0;
	unsigned char *bytes;

	(void)state;
	assert_non_null(d);
	pdf_field(d, "Nom :", "Éléonore Bérénice Dubois-Müller");
	bytes = pdf_finish(d, &len);
	assert_non_null(bytes);
	/* Windows-1252 holds it: no font to embed. */
	assert_null(memmem(bytes, len, "DejaVuSans", 10));
	assert_true(len < 20000);
	free(bytes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(person_names_whole, &spec),
		STORE_FIXTURE_TEST(person_too_long_whole, &spec),
		STORE_FIXTURE_TEST(claims_whole, &spec),
		STORE_FIXTURE_TEST(claims_refused_not_emptied, &spec),
		STORE_FIXTURE_TEST(claims_all_applications, &spec),
		STORE_FIXTURE_TEST(claims_profile_whole, &spec),
		cmocka_unit_test(json_text_built_by_jansson),
		cmocka_unit_test(pdf_writes_cyrillic),
		cmocka_unit_test(pdf_latin_stays_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
