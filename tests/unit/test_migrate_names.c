/* test_migrate_names.c — migration 016 on a database that has people already: a person
 * the persons register knows gets the register's names back (a manager's typing undone),
 * one created by their eID login keeps the card's, one nobody knows keeps the manager's
 * until their eID login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store_fixture.h"

/* The number of the migration under test (found by name: a renumbering keeps it). */
static int
number_of(const char *suffix)
{
	char cmd[128], name[256] = "";
	FILE *ls;

	snprintf(cmd, sizeof(cmd), "ls migrations | grep '_%s$'", suffix);
	ls = popen(cmd, "r");
	if (ls == NULL)
		return -1;
	if (fgets(name, sizeof(name), ls) == NULL)
		name[0] = '\0';
	pclose(ls);
	return (int)strtol(name, NULL, 10);
}

static void
register_names_back(void **state)
{
	struct store_fixture f;
	char old[sizeof(f.dir) + 16], link[PATH_MAX], here[PATH_MAX], target[PATH_MAX + 256];
	char err[512];
	struct store *s = NULL;

	int before = number_of("person_name_source.sql") - 1;

	(void)state;
	assert_true(before > 1);
	assert_int_equal(store_fixture_mkdir(f.dir, sizeof(f.dir), "migr"), 0);
	snprintf(f.path, sizeof(f.path), "%s/t.db", f.dir);
	/* The migrations before it, as links in a folder of their own. */
	snprintf(old, sizeof(old), "%s/old", f.dir);
	assert_int_equal(mkdir(old, 0700), 0);
	for (int i = 1; i <= before; i++) {
		FILE *ls;
		char cmd[64], name[256];

		snprintf(cmd, sizeof(cmd), "ls migrations | grep '^%03d_'", i);
		ls = popen(cmd, "r");
		assert_non_null(ls);
		while (fgets(name, sizeof(name), ls) != NULL) {
			name[strcspn(name, "\n")] = '\0';
			assert_non_null(realpath("migrations", here));
			snprintf(link, sizeof(link), "%s/%s", old, name);
			snprintf(target, sizeof(target), "%s/%s", here, name);
			assert_int_equal(symlink(target, link), 0);
		}
		pclose(ls);
	}
	assert_int_equal(store_open(f.path, 1, &s, err, sizeof(err)), 0);
	assert_true(store_migrate(s, old, err, sizeof(err)) >= 1);
	f.s = s;
	assert_int_equal(store_fixture_script(&f,
	    "INSERT INTO reg_person(niss, last_name, first_names, birth_date, sex, language, "
	    "country, source_line) VALUES ('75050500203', 'Dupont', 'Anne', NULL, 'F', 'fr', "
	    "'BE', 2), ('85073003328', 'Peeters', 'Jan', NULL, 'M', 'nl', 'BE', 3);"
	    "INSERT INTO person(id, niss, last_name, first_name) VALUES "
	    "(1, '75050500203', 'Fausse', 'Identite'), (2, '85073003328', 'Peeters', 'Jan Karel'), "
	    "(3, '93051822361', 'Choisi', 'Nom');"
	    "INSERT INTO audit_event(at, action, object, details, prev_hash, hash) VALUES "
	    "('2026-01-01T00:00:00Z', 'person.create', 'person:2', '{\"via\":\"eid\"}', 'x', 'y');"),
	    0);
	assert_true(store_migrate(s, "migrations", err, sizeof(err)) >= 1);
	assert_int_equal(store_fixture_count(&f, "SELECT count(*) FROM person WHERE id = 1 AND "
	    "last_name = 'Dupont' AND first_name = 'Anne' AND name_source = 'register'"), 1);
	assert_int_equal(store_fixture_count(&f, "SELECT count(*) FROM person WHERE id = 2 AND "
	    "first_name = 'Jan Karel' AND name_source = 'eid'"), 1);
	assert_int_equal(store_fixture_count(&f, "SELECT count(*) FROM person WHERE id = 3 AND "
	    "last_name = 'Choisi' AND name_source = 'manager'"), 1);
	assert_int_equal(store_fixture_close(&f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(register_names_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
