/* test_person_owner.c — auth/person.h as the one owner of the person table: person_ensure
 * finds by NISS or creates once (the register's names and language, else the names given,
 * the eID card's names as they are), refuses to create without names, and the readers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "auth/account.h"
#include "auth/password.h"
#include "auth/person.h"
#include "auth/person_sql.h"
#include "base/arena.h"
#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"

#define KNOWN "85073003328"      /* in the persons register below */
#define UNKNOWN "90020199747"    /* nowhere */

static int
setup(void **state)
{
	struct store_fixture *f = store_fixture_new("pown", 2);

	if (f == NULL || store_fixture_registry(f, false,
	    "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\","
	    "\"Country\"\n\"" KNOWN "\",\"Registre\",\"Anne Marie\",,,\"nl\",\"BE\"\n") != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	return store_fixture_free(*state);
}

/* person_ensure in its own write transaction, committed when it answered 0. */
static int
ensure(struct store *s, const struct person_seed *seed, int64_t *id, bool *created)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -9;
	rc = person_ensure(tx, seed, id, created);
	if (rc != 0) {
		store_rollback(&tx);
		return rc;
	}
	return store_commit(&tx) == 0 ? 0 : -9;
}

static void
unknown_without_names_creates_nobody(void **state)
{
	struct store_fixture *f = *state;
	struct person_seed seed = { .niss = UNKNOWN, .names_from = "register",
	    .from_register = true };
	int64_t id = 0;
	bool created = true;

	assert_int_equal(ensure(f->s, &seed, &id, &created), 1);
	assert_false(created);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person"), 0);
}

static void
register_names_win_then_found_once(void **state)
{
	struct store_fixture *f = *state;
	struct person_seed seed = { .niss = KNOWN, .last_name = "Typed", .first_name = "By",
	    .language = "fr", .names_from = "manager", .from_register = true };
	struct store_tx *tx;
	struct arena *a;
	struct person p;
	int64_t id = 0, again = 0;
	bool created = false;

	assert_int_equal(ensure(f->s, &seed, &id, &created), 0);
	assert_true(created);
	assert_true(id > 0);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person WHERE niss = '"
	    KNOWN "' AND last_name = 'Registre' AND first_name = 'Anne Marie' "
	    "AND language = 'nl' AND name_source = 'register'"), 1);
	/* The second time finds the same person and creates nothing. */
	assert_int_equal(ensure(f->s, &seed, &again, &created), 0);
	assert_false(created);
	assert_int_equal(again, id);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person"), 1);
	/* The readers see it. */
	assert_non_null(a = arena_new(0));
	assert_int_equal(store_begin(f->s, STORE_READ, &tx), 0);
	assert_int_equal(person_find_niss(tx, a, KNOWN, &p), 0);
	assert_int_equal(p.id, id);
	assert_string_equal(p.last_name, "Registre");
	assert_string_equal(p.email, "");
	assert_int_equal(person_find_niss(tx, a, UNKNOWN, &p), 1);
	assert_int_equal(person_read(tx, a, id, &p), 0);
	assert_string_equal(p.niss, KNOWN);
	assert_int_equal(person_read(tx, a, id + 100, &p), 1);
	store_rollback(&tx);
	arena_free(a);
}

static void
names_given_when_the_register_does_not_know(void **state)
{
	struct store_fixture *f = *state;
	struct person_seed seed = { .niss = UNKNOWN, .last_name = "Dupont", .first_name = "Léa",
	    .names_from = "manager", .from_register = true };
	int64_t id = 0;
	bool created = false;

	assert_int_equal(ensure(f->s, &seed, &id, &created), 0);
	assert_true(created);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person WHERE niss = '"
	    UNKNOWN "' AND last_name = 'Dupont' AND language = 'fr' "
	    "AND name_source = 'manager' AND email IS NULL"), 1);
}

static void
card_names_stay_card_names(void **state)
{
	struct store_fixture *f = *state;
	struct person_seed seed = { .niss = KNOWN, .last_name = "CARTE", .first_name = "ANNE",
	    .language = "de", .names_from = "eid" };
	int64_t id = 0;
	bool created = false;

	assert_int_equal(ensure(f->s, &seed, &id, &created), 0);
	assert_true(created);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person WHERE niss = '"
	    KNOWN "' AND last_name = 'CARTE' AND language = 'de' AND name_source = 'eid'"), 1);
}

static void
set_contact_and_create_refusals(void **state)
{
	struct store_fixture *f = *state;
	struct person p = { .niss = UNKNOWN, .last_name = "A", .first_name = "B" };
	struct person_seed seed = { .niss = UNKNOWN, .last_name = "A", .first_name = "B",
	    .names_from = "manager" };
	struct store_tx *tx;
	int64_t id = 0;
	bool created;

	assert_int_equal(ensure(f->s, &seed, &id, &created), 0);
	/* person_create keeps refusing a NISS already known. */
	assert_int_equal(person_create(f->s, &(struct actor){ .name = "test", .request_id = "r1" }, &p), -2);
	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(person_set_contact(tx, id, "a@example.be", "en"), 0);
	assert_int_equal(person_set_contact(tx, id + 100, "a@example.be", "en"), 1);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person WHERE "
	    "email = 'a@example.be' AND language = 'en'"), 1);
}

/* The insert returns its id (INSERT … RETURNING read through store_insert): a NISS already
 * known gives -2 and no id; with store_insert_try (rule 11) the statement is undone and the
 * transaction goes on, on either backend (SQLite reports the constraint at the step,
 * PostgreSQL at the query). */
static void
insert_returns_id_and_constraint_keeps_tx(void **state)
{
	struct store_fixture *f = *state;
	struct store_tx *tx;
	int64_t id1 = 0, id2 = 0, again = 0;

	assert_int_equal(store_begin(f->s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_insert(tx, SQL_PERSON_INSERT, &id1, "ttttttt", UNKNOWN, "A", "B",
	    "fr", NULL, "manager", "2026-01-31T12:00:00Z"), 1);
	assert_true(id1 > 0);
	assert_int_equal(store_insert_try(tx, SQL_PERSON_INSERT, &again, "ttttttt", UNKNOWN, "C",
	    "D", "fr", NULL, "manager", "2026-01-31T12:00:00Z"), -2);
	assert_int_equal(again, 0);
	assert_int_equal(store_insert(tx, SQL_PERSON_INSERT, &id2, "ttttttt", NULL, "E", "F",
	    "fr", NULL, "manager", "2026-01-31T12:00:00Z"), 1);
	assert_true(id2 > id1);
	assert_int_equal(store_commit(&tx), 0);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person"), 2);
	assert_int_equal(store_fixture_count(f, "SELECT count(*) FROM person WHERE niss = '"
	    UNKNOWN "' AND last_name = 'A'"), 1);
}

/* A person's created_at and the password's updated_at come from the service's clock
 * (docs/store-contract.md, rule 3): with the clock 1,095 days back, the person created,
 * the access codes set (the insert), set again (the update on conflict) and changed by
 * their owner (SQL_PASSWORD_SET_HASH) are dated then, not today. */
static void
times_follow_the_clock(void **state)
{
	struct store_fixture *f = *state;
	struct person p = { .niss = UNKNOWN, .last_name = "Horloge", .first_name = "Henri",
	    .language = "fr" };
	struct password_cfg pw;
	struct account_password_change c = {
		.by = { .person_id = 0, .source = "127.0.0.1", .request_id = "0123456789abcdef" },
		.current = "Un-mot-de-passe-solide-1", .fresh = "Un-autre-mot-de-passe-solide-2",
		.pwcfg = &pw,
	};
	struct clock_fixture k;
	char sql[256];
	int64_t n[5];
	int rc = 0;

	password_cfg_init(&pw, 1, 8);
	assert_int_equal(clock_fixture_back(&k), 0);
	assert_int_equal(person_create(f->s, &(struct actor){ .name = "test" }, &p), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM person WHERE niss = '" UNKNOWN "' "
	    "AND created_at < '%s'", k.before);
	n[0] = store_fixture_count(f, sql);
	assert_int_equal(person_set_password(f->s, &pw, &(struct actor){ .person_id = p.id },
	    p.id, "henri.horloge", "Un-mot-de-passe-0", &rc), PASSWORD_OK);
	assert_int_equal(rc, 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM credential_password WHERE "
	    "username = 'henri.horloge' AND updated_at < '%s'", k.before);
	n[1] = store_fixture_count(f, sql);
	/* The update (on conflict) and the change must write the clock's time: make the
	 * stored one today's first (the real clock). */
	assert_int_equal(clock_fixture_end(&k), 0);
	assert_int_equal(person_set_password(f->s, &pw, &(struct actor){ .person_id = p.id },
	    p.id, "henri.horloge", "Un-mot-de-passe-1", &rc), PASSWORD_OK);
	n[2] = store_fixture_count(f, sql);
	assert_int_equal(clock_fixture_back(&k), 0);
	assert_int_equal(person_set_password(f->s, &pw, &(struct actor){ .person_id = p.id },
	    p.id, "henri.horloge", c.current, &rc), PASSWORD_OK);
	n[3] = store_fixture_count(f, sql);
	assert_int_equal(clock_fixture_end(&k), 0);
	assert_int_equal(person_set_password(f->s, &pw, &(struct actor){ .person_id = p.id },
	    p.id, "henri.horloge", c.current, &rc), PASSWORD_OK);
	assert_int_equal(clock_fixture_back(&k), 0);
	c.by.person_id = p.id;
	assert_int_equal(account_change_password(f->s, &c), ACCOUNT_OK);
	n[4] = store_fixture_count(f, sql);
	assert_int_equal(clock_fixture_end(&k), 0);
	/* All at once: a failure shows every statement. */
	snprintf(sql, sizeof(sql), "person %lld, set %lld, today %lld, set again %lld, "
	    "change %lld", (long long)n[0], (long long)n[1], (long long)n[2], (long long)n[3],
	    (long long)n[4]);
	assert_string_equal(sql, "person 1, set 1, today 0, set again 1, change 1");
	password_cfg_free(&pw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unknown_without_names_creates_nobody, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(register_names_win_then_found_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(names_given_when_the_register_does_not_know, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(card_names_stay_card_names, setup, teardown),
		cmocka_unit_test_setup_teardown(set_contact_and_create_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_returns_id_and_constraint_keeps_tx, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(times_follow_the_clock, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
