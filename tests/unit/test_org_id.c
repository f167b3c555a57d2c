/* test_org_id.c — organisation identifiers (issue 16, part 5): the catalogue and the values
 * as shown (access/org_id.h), and the store on either backend (PORTIER_TEST_PG): the type
 * given to organisations created as before, one organisation per identifier of a type, an
 * organisation with neither enterprise number nor foreign registration, the change of an
 * identifier refused for one that has an enterprise number. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/org.h"
#include "access/org_id.h"
#include "access/sql.h"
#include "policy/loa.h"
#include "store_fixture.h"

static struct store_fixture *F;
static int64_t gap;

static int
setup(void **state)
{
	(void)state;
	F = store_fixture_new("orgid", 2);
	if (F == NULL)
		return -1;
	gap = store_fixture_person(F->s, "85073003328", "Peeters", "Jan", "fr", "test");
	return gap > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return store_fixture_free(F);
}

/* Creates an organisation; the id, or -2 (a duplicate), -1. */
static int64_t
create(const char *enterprise, const char *foreign_reg, const char *type, const char *value,
    const char *name)
{
	struct org_new n = {
		.enterprise = enterprise, .country = foreign_reg ? "DE" : "BE",
		.foreign_reg = foreign_reg, .name = name, .contact_email = "c@example.be",
		.contact_phone = "02 511 51 51", .procedure = "exception", .id_type = type,
		.id_value = value,
	};
	struct actor by = STORE_FIXTURE_WHO(gap, LOA_LOW);
	struct store_tx *tx;
	int64_t id;

	assert_int_equal(store_begin(F->s, STORE_WRITE, &tx), 0);
	id = org_create(tx, &n, gap, &by);
	if (id > 0)
		assert_int_equal(store_commit(&tx), 0);
	else
		store_rollback(&tx);
	return id;
}

static void
read_org(int64_t id, struct arena *a, struct org *o)
{
	struct store_tx *tx;

	assert_int_equal(store_begin(F->s, STORE_READ, &tx), 0);
	assert_int_equal(org_get(tx, a, id, o), 0);
	store_rollback(&tx);
}

static void
t_catalogue(void **state)
{
	char out[32];

	(void)state;
	assert_string_equal(org_id_type_msgid("inami"), "Numéro INAMI");
	assert_non_null(org_id_type_msgid("kbo"));
	assert_null(org_id_type_msgid("riziv"));
	assert_null(org_id_type_msgid(NULL));
	assert_true(org_id_requestable("inami"));
	assert_true(org_id_requestable("helpdesk"));
	assert_false(org_id_requestable("kbo"));
	assert_false(org_id_requestable("foreign"));
	assert_false(org_id_requestable(""));
	org_id_show("inami", "12345678901", out, sizeof(out));
	assert_string_equal(out, "1-23456-78-901");
	org_id_show("kbo", "0552627113", out, sizeof(out));
	assert_string_equal(out, "0552.627.113");
	org_id_show("helpdesk", "HD-ABCD-EFGH", out, sizeof(out));
	assert_string_equal(out, "HD-ABCD-EFGH");
	org_id_show("inami", NULL, out, sizeof(out));
	assert_string_equal(out, "");
	/* The database's catalogue names the same four codes. */
	assert_int_equal(store_fixture_count(F, "SELECT count(*) FROM org_id_type WHERE code IN "
	    "('kbo', 'foreign', 'inami', 'helpdesk')"), 4);
	assert_int_equal(store_fixture_count(F, "SELECT count(*) FROM org_id_type"), 4);
}

static void
t_helpdesk_numbers(void **state)
{
	char a[ORG_ID_HELPDESK_SIZE], b[ORG_ID_HELPDESK_SIZE];

	(void)state;
	org_id_helpdesk_new(a);
	org_id_helpdesk_new(b);
	assert_int_equal(strlen(a), 12);
	assert_memory_equal(a, "HD-", 3);
	assert_int_equal(a[7], '-');
	assert_int_equal(strspn(a + 3, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 4);
	assert_int_equal(strspn(a + 8, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 4);
	assert_string_not_equal(a, b);
}

static void
t_store(void **state)
{
	struct arena *a = arena_new(0);
	struct store_tx *tx;
	struct org o;
	int64_t kbo, foreign, inami, hd;

	(void)state;
	assert_non_null(a);
	/* Created as before: the type from the numbers. */
	kbo = create("0552627113", NULL, NULL, NULL, "KBO");
	foreign = create(NULL, "DE 811 234 567", NULL, NULL, "Foreign");
	assert_true(kbo > 0 && foreign > 0);
	read_org(kbo, a, &o);
	assert_string_equal(o.id_type, "kbo");
	assert_string_equal(o.id_value, "0552627113");
	read_org(foreign, a, &o);
	assert_string_equal(o.id_type, "foreign");
	assert_string_equal(o.id_value, "DE 811 234 567");
	/* Neither enterprise number nor foreign registration: its identifier. */
	inami = create(NULL, NULL, "inami", "12345678901", "INAMI");
	assert_true(inami > 0);
	read_org(inami, a, &o);
	assert_string_equal(o.enterprise, "");
	assert_string_equal(o.foreign_reg, "");
	assert_string_equal(o.id_type, "inami");
	assert_string_equal(o.id_value, "12345678901");
	/* One organisation per identifier of a type; another type may have the same value. */
	assert_int_equal(create(NULL, NULL, "inami", "12345678901", "Again"), -2);
	hd = create(NULL, NULL, "helpdesk", "12345678901", "Helpdesk");
	assert_true(hd > 0);
	/* Not a type of the catalogue: refused by the database. */
	assert_true(create(NULL, NULL, "riziv", "1", "Bad") < 0);
	/* Nothing at all: refused by the CHECK. */
	assert_true(create(NULL, NULL, NULL, NULL, "Nothing") < 0);
	assert_int_equal(store_fixture_count(F, "SELECT count(*) FROM organisation"), 4);

	assert_int_equal(store_begin(F->s, STORE_WRITE, &tx), 0);
	assert_int_equal(org_by_identifier(tx, "inami", "12345678901"), inami);
	assert_int_equal(org_by_identifier(tx, "inami", "99999999999"), 0);
	/* A duplicate: -2, the transaction usable. */
	assert_int_equal(org_set_identifier(tx, hd, "inami", "12345678901"), -2);
	assert_int_equal(org_set_identifier(tx, hd, "inami", "71000123456"), 0);
	/* An organisation with an enterprise number keeps it. */
	assert_int_equal(org_set_identifier(tx, kbo, "inami", "22222222222"), 1);
	assert_int_equal(org_set_identifier(tx, foreign, "inami", "22222222222"), 1);
	assert_int_equal(store_commit(&tx), 0);
	read_org(hd, a, &o);
	assert_string_equal(o.id_value, "71000123456");
	read_org(kbo, a, &o);
	assert_string_equal(o.id_type, "kbo");
	arena_free(a);
}

/* Links the migrations of src into dir: those below 022, or all of them. */
static void
link_migrations(const char *src, const char *dir, bool all)
{
	char from[PATH_MAX], to[PATH_MAX], abs[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(src);

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strstr(e->d_name, ".sql") == NULL ||
		    (!all && strncmp(e->d_name, "022", 3) >= 0))
			continue;
		snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dir, e->d_name);
		assert_non_null(realpath(from, abs));
		if (access(to, F_OK) != 0)
			assert_int_equal(symlink(abs, to), 0);
	}
	closedir(d);
}

/* A database with organisations made before migration 022 gets their types: kbo and
 * foreign (two countries' same registration allowed), managers untouched. */
static void
t_upgrade(void **state)
{
	struct store_fixture fx = { 0 };
	char mig[128], err[512], conn[512];
	int pg = store_fixture_pg(conn, sizeof(conn));
	const char *src = pg == 0 ? "migrations/pg" : "migrations";
	struct store_tx *tx;
	struct store *s;
	int64_t p;

	(void)state;
	assert_true(pg >= 0);
	assert_int_equal(store_fixture_mkdir(fx.dir, sizeof(fx.dir), "orgid-up"), 0);
	snprintf(mig, sizeof(mig), "%s/m", fx.dir);
	assert_int_equal(mkdir(mig, 0700), 0);
	snprintf(fx.path, sizeof(fx.path), "%s/t.db", fx.dir);
	if (pg == 0) {
		/* As store_fixture_open: the path names the PostgreSQL database. */
		assert_true(strlen(conn) < sizeof(fx.path));
		memcpy(fx.path, conn, strlen(conn) + 1);
	}
	link_migrations(src, mig, false);
	assert_int_equal(store_open(fx.path, 1, &s, err, sizeof(err)), 0);
	assert_true(store_migrate(s, mig, err, sizeof(err)) >= 1);
	p = store_fixture_person(s, "85073003328", "Peeters", "Jan", "fr", "test");
	assert_true(p > 0);
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_script(tx, "INSERT INTO organisation(id, enterprise, country, "
	    "foreign_reg, name, contact_email, contact_phone, procedure, created_at) VALUES "
	    "(1, '0552627113', 'BE', NULL, 'A', 'a@b.be', '1', 'standard', "
	    "'2026-01-01T00:00:00Z'), "
	    "(2, NULL, 'DE', 'X1', 'B', 'a@b.be', '1', 'exception', '2026-01-01T00:00:00Z'), "
	    "(3, NULL, 'FR', 'X1', 'C', 'a@b.be', '1', 'exception', '2026-01-01T00:00:00Z')",
	    err, sizeof(err)), 0);
	assert_int_equal(store_exec(tx, SQL_ACCESS_MANAGER_INSERT, "iitt", (int64_t)1, p, "GAP",
	    "2026-01-01T00:00:00Z"), 1);
	assert_int_equal(store_commit(&tx), 0);
	link_migrations(src, mig, true);
	/* 022 and whatever came after it */
	if (store_migrate(s, mig, err, sizeof(err)) < 1)
		fail_msg("migration 022 on a filled database: %s", err);
	store_close(s);
	assert_int_equal(store_fixture_count(&fx, "SELECT count(*) FROM organisation WHERE "
	    "id = 1 AND id_type = 'kbo' AND id_value = '0552627113'"), 1);
	assert_int_equal(store_fixture_count(&fx, "SELECT count(*) FROM organisation WHERE "
	    "id IN (2, 3) AND id_type = 'foreign' AND id_value = 'X1'"), 2);
	assert_int_equal(store_fixture_count(&fx, "SELECT count(*) FROM org_manager"), 1);
	assert_int_equal(store_fixture_rmdir(fx.dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_catalogue),
		cmocka_unit_test(t_helpdesk_numbers),
		cmocka_unit_test(t_store),
		cmocka_unit_test(t_upgrade),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
