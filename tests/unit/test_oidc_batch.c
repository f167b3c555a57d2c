/* test_oidc_batch.c — the provider's group commit in a real store: operations from many
 * threads at once, waiting or not (a callback), each get their own result back, an
 * operation that fails leaves nothing while the others of its batch stay, and everything
 * kept is committed before its result is given; an idle batcher runs an operation on its
 * caller's thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc/batch.h"
#include "store/sql.h"
#include "store/store.h"
#include "store_fixture.h"

#define THREADS 12
#define OPS 40

static const struct store_fixture_spec spec = { "batch", 4 };

struct op {
	int thread, k;
};

/* Writes setting "b.<thread>.<k>"; every third operation then fails (-1), the others
 * answer k + 1000 * thread, a value only this operation knows. */
static int
op_fn(struct store_tx *tx, void *arg)
{
	const struct op *o = arg;
	char name[32], value[16];

	snprintf(name, sizeof(name), "b.%d.%d", o->thread, o->k);
	snprintf(value, sizeof(value), "%d", o->k);
	if (store_exec(tx, SQL_SETTING_PUT, "tt", name, value) != 1)
		return -1;
	return o->k % 3 == 0 ? -1 : o->k + 1000 * o->thread;
}

struct worker {
	struct oidc_batch *b;
	int thread;
	int wrong;   /* results that were not this operation's own */
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (int k = 0; k < OPS; k++) {
		struct op o = { w->thread, k };
		int rc = oidc_batch_run(w->b, op_fn, &o);
		int want = k % 3 == 0 ? -1 : k + 1000 * w->thread;

		if (rc != want)
			w->wrong++;
	}
	return NULL;
}

static void
concurrent_operations(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_batch *b = oidc_batch_new(f->s);
	struct worker w[THREADS];
	pthread_t t[THREADS];

	assert_non_null(b);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ b, i + 1, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].wrong, 0);
	}
	/* Kept: every operation that succeeded. Undone: every one that failed, although
	 * it shared its transaction with others. */
	for (int i = 1; i <= THREADS; i++)
		for (int k = 0; k < OPS; k++) {
			char name[32];

			snprintf(name, sizeof(name), "b.%d.%d", i, k);
			assert_int_equal(store_fixture_setting(f->s, name, NULL, 0),
			    k % 3 == 0 ? 0 : 1);
		}
	oidc_batch_free(b);
}

/* Results of operations submitted without waiting. */
struct answers {
	pthread_mutex_t lock;
	pthread_cond_t all;
	int rc[OPS];
	int n;
	struct store *s;
	int committed_early;   /* results given before their write was readable */
};

struct async_op {
	struct op o;
	struct answers *a;
};


static void
answered(void *arg, int rc)
{
	struct async_op *x = arg;
	char name[32];

	/* The write is committed when the answer comes: another connection sees it. */
	snprintf(name, sizeof(name), "b.%d.%d", x->o.thread, x->o.k);
	if (rc >= 0 && store_fixture_setting(x->a->s, name, NULL, 0) != 1)
		x->a->committed_early++;
	pthread_mutex_lock(&x->a->lock);
	x->a->rc[x->o.k] = rc;
	x->a->n++;
	pthread_cond_signal(&x->a->all);
	pthread_mutex_unlock(&x->a->lock);
}

static void
submitted_operations(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_batch *b = oidc_batch_new(f->s);
	struct answers a = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0 }, 0, f->s,
	    0 };
	struct async_op ops[OPS];

	assert_non_null(b);
	for (int k = 0; k < OPS; k++) {
		ops[k] = (struct async_op){ { 77, k }, &a };
		assert_int_equal(oidc_batch_submit(b, op_fn, &ops[k].o, answered, &ops[k]), 0);
	}
	pthread_mutex_lock(&a.lock);
	while (a.n < OPS)
		pthread_cond_wait(&a.all, &a.lock);
	pthread_mutex_unlock(&a.lock);
	assert_int_equal(a.committed_early, 0);
	for (int k = 0; k < OPS; k++) {
		char name[32];

		assert_int_equal(a.rc[k], k % 3 == 0 ? -1 : k + 77000);
		snprintf(name, sizeof(name), "b.77.%d", k);
		assert_int_equal(store_fixture_setting(f->s, name, NULL, 0), k % 3 == 0 ? 0 : 1);
	}
	oidc_batch_free(b);
}

/* An operation alone (nobody else waiting) is committed too. */
static void
single_operation(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_batch *b = oidc_batch_new(f->s);
	struct op o = { 99, 1 };

	assert_non_null(b);
	assert_int_equal(oidc_batch_run(b, op_fn, &o), 1 + 99000);
	assert_int_equal(store_fixture_setting(f->s, "b.99.1", NULL, 0), 1);
	o.k = 3;
	assert_int_equal(oidc_batch_run(b, op_fn, &o), -1);
	assert_int_equal(store_fixture_setting(f->s, "b.99.3", NULL, 0), 0);
	oidc_batch_free(b);
}

/* An operation that, while it runs, tries a second one the same way and records what
 * came of it, and on which thread it ran. */
struct nested {
	struct oidc_batch *b;
	pthread_t thread;
	int tried;     /* oidc_batch_try's answer for the second operation */
	int inner_rc;
};

static int
nested_fn(struct store_tx *tx, void *arg)
{
	struct nested *n = arg;
	struct op inner = { 55, 2 };

	n->thread = pthread_self();
	n->inner_rc = 12345;
	n->tried = oidc_batch_try(n->b, op_fn, &inner, &n->inner_rc);
	return store_exec(tx, SQL_SETTING_PUT, "tt", "b.55.1", "1") == 1 ? 7 : -1;
}

/* An idle batcher runs an operation at once on its caller's thread (no hand-over to the
 * committer and back), committed when the result comes; one caller at a time: a second
 * one meanwhile is told to queue (0) and nothing of it is done. A failed operation leaves
 * nothing. */
static void
idle_runs_on_the_callers_thread(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_batch *b = oidc_batch_new(f->s);
	struct nested n = { b, 0, -1, 0 };
	struct op fails = { 55, 3 };
	int rc = 0;

	assert_non_null(b);
	assert_int_equal(oidc_batch_try(b, nested_fn, &n, &rc), 1);
	assert_int_equal(rc, 7);
	assert_true(pthread_equal(n.thread, pthread_self()));
	assert_int_equal(store_fixture_setting(f->s, "b.55.1", NULL, 0), 1);
	assert_int_equal(n.tried, 0);
	assert_int_equal(n.inner_rc, 12345);
	assert_int_equal(store_fixture_setting(f->s, "b.55.2", NULL, 0), 0);
	assert_int_equal(oidc_batch_try(b, op_fn, &fails, &rc), 1);
	assert_int_equal(rc, -1);
	assert_int_equal(store_fixture_setting(f->s, "b.55.3", NULL, 0), 0);
	oidc_batch_free(b);
}

/* The stop at shutdown: every operation queued is committed and answered before
 * oidc_batch_stop returns (the committer joined, nothing left holding a request); later
 * operations are committed alone on their caller's thread. */
static void
stop_answers_everything_queued(void **state)
{
	struct store_fixture *f = *state;
	struct oidc_batch *b = oidc_batch_new(f->s);
	struct answers a = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0 }, 0, f->s,
	    0 };
	struct async_op ops[OPS];
	struct op o = { 88, 1 };
	int n;

	assert_non_null(b);
	for (int k = 0; k < OPS; k++) {
		ops[k] = (struct async_op){ { 78, k }, &a };
		assert_int_equal(oidc_batch_submit(b, op_fn, &ops[k].o, answered, &ops[k]), 0);
	}
	oidc_batch_stop(b);
	pthread_mutex_lock(&a.lock);
	n = a.n;
	pthread_mutex_unlock(&a.lock);
	assert_int_equal(n, OPS);
	for (int k = 0; k < OPS; k++)
		assert_int_equal(a.rc[k], k % 3 == 0 ? -1 : k + 78000);
	assert_int_equal(oidc_batch_run(b, op_fn, &o), 1 + 88000);
	assert_int_equal(store_fixture_setting(f->s, "b.88.1", NULL, 0), 1);
	ops[0] = (struct async_op){ { 79, 2 }, &a };
	assert_int_equal(oidc_batch_submit(b, op_fn, &ops[0].o, answered, &ops[0]), 0);
	assert_int_equal(a.n, OPS + 1);   /* answered before submit returned */
	oidc_batch_stop(b);                /* a second stop is harmless */
	oidc_batch_free(b);
}

/* An answer of the other store's batcher, and the thread that gave it. */
struct seen {
	pthread_mutex_t lock;
	pthread_cond_t done;
	int rc;
	bool answered;
	pthread_t thread;
};

static void
seen_answer(void *arg, int rc)
{
	struct seen *x = arg;

	pthread_mutex_lock(&x->lock);
	x->rc = rc;
	x->thread = pthread_self();
	x->answered = true;
	pthread_cond_signal(&x->done);
	pthread_mutex_unlock(&x->lock);
}

/* Two stores, two batchers (two applications in one process): stopping one at its
 * shutdown leaves the other's committer running. Before, the queue, the committer and
 * the stop were process globals: the first application to stop stopped the group commit
 * of every other one, whose operations then ran on their callers' threads. */
static void
stopping_one_leaves_the_other(void **state)
{
	struct store_fixture *f = *state, other;
	struct oidc_batch *a = oidc_batch_new(f->s), *b;
	struct seen x = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, 0 };
	struct op first = { 66, 1 }, second = { 66, 2 }, mine = { 67, 1 };

	assert_int_equal(store_fixture_open(&other, "batch-other", 4), 0);
	b = oidc_batch_new(other.s);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(oidc_batch_run(a, op_fn, &first), 1 + 66000);
	assert_int_equal(oidc_batch_run(b, op_fn, &mine), 1 + 67000);
	oidc_batch_stop(a);
	assert_int_equal(oidc_batch_submit(b, op_fn, &second, seen_answer, &x), 0);
	pthread_mutex_lock(&x.lock);
	while (!x.answered)
		pthread_cond_wait(&x.done, &x.lock);
	pthread_mutex_unlock(&x.lock);
	assert_int_equal(x.rc, 2 + 66000);
	/* Answered by b's committer, not committed alone on this thread. */
	assert_false(pthread_equal(x.thread, pthread_self()));
	/* Each store holds its own writes only. */
	assert_int_equal(store_fixture_setting(other.s, "b.66.2", NULL, 0), 1);
	assert_int_equal(store_fixture_setting(f->s, "b.66.2", NULL, 0), 0);
	assert_int_equal(store_fixture_setting(f->s, "b.67.1", NULL, 0), 0);
	oidc_batch_free(b);
	oidc_batch_free(a);
	assert_int_equal(store_fixture_close(&other), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		STORE_FIXTURE_TEST(single_operation, &spec),
		STORE_FIXTURE_TEST(idle_runs_on_the_callers_thread, &spec),
		STORE_FIXTURE_TEST(concurrent_operations, &spec),
		STORE_FIXTURE_TEST(submitted_operations, &spec),
		STORE_FIXTURE_TEST(stop_answers_everything_queued, &spec),
		STORE_FIXTURE_TEST(stopping_one_leaves_the_other, &spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
