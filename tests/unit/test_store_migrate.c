/* test_store_migrate.c — store_migrate when its bootstrap statement fails: the error is
 * reported and the write transaction is given back (gcc -fanalyzer found it kept). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"

struct writer {
	struct store *s;
	int rc;
};

/* Takes and gives back the write lock in a thread of its own. */
static void *
write_once(void *arg)
{
	struct writer *w = arg;
	struct store_tx *tx;

	w->rc = store_begin(w->s, STORE_WRITE, &tx);
	if (w->rc == 0)
		store_rollback(&tx);
	return NULL;
}

static void
failed_bootstrap_releases_the_writer(void **state)
{
	struct store_tx *tx;
	struct store *s;
	char dir[64], path[128], err[256];
	struct writer w = { .rc = -2 };
	struct timespec until;
	pthread_t t;

	(void)state;
	assert_int_equal(store_fixture_mkdir(dir, sizeof(dir), "migrate"), 0);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(store_open(path, 2, &s, err, sizeof(err)), 0);
	/* An index of the migration table's name: CREATE TABLE IF NOT EXISTS fails on it. */
	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_script(tx, "CREATE TABLE t(x); CREATE INDEX schema_migration ON t(x)",
	    err, sizeof(err)), 0);
	assert_int_equal(store_commit(&tx), 0);
	err[0] = '\0';
	assert_int_equal(store_migrate(s, "migrations", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "schema_migration"));
	/* Another writer gets the lock: the failed bootstrap did not keep it. The wait is
	 * only a bound for a writer that would block for ever. */
	w.s = s;
	assert_int_equal(pthread_create(&t, NULL, write_once, &w), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	if (pthread_timedjoin_np(t, NULL, &until) != 0) {
		pthread_detach(t);
		fail_msg("a writer still waits for the lock the failed migration took");
	}
	assert_int_equal(w.rc, 0);
	store_close(s);
	assert_int_equal(store_fixture_rmdir(dir), 0);
}

/* A migration's applied_at comes from the service's clock (docs/store-contract.md,
 * rule 3): migrated with the clock 1,095 days back, every record is dated then. */
static void
applied_at_follows_the_clock(void **state)
{
	struct store_fixture f;
	struct clock_fixture c;
	char sql[128];

	(void)state;
	assert_int_equal(clock_fixture_back(&c), 0);
	assert_int_equal(store_fixture_open(&f, "migclock", 1), 0);
	assert_int_equal(clock_fixture_end(&c), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM schema_migration WHERE applied_at >= "
	    "'%s'", c.before);
	assert_int_equal(store_fixture_count(&f, sql), 0);
	assert_true(store_fixture_count(&f, "SELECT count(*) FROM schema_migration") >= 1);
	assert_int_equal(store_fixture_close(&f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_bootstrap_releases_the_writer),
		cmocka_unit_test(applied_at_follows_the_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
