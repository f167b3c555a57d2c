/* batch.c — group commit through one committer thread per store's batcher: requests queue
 * their operation and wait on their own semaphore; the committer takes the operations
 * queued (up to BATCH_MAX), runs them in one write transaction (no savepoint each unless
 * one fails: then all run again, each under its savepoint), commits, and wakes the first of their threads, which wakes the next, and so on (the
 * committer makes one wake-up call per batch, not one per operation). It takes the next
 * batch the moment one is committed, so operations that arrived meanwhile never wait for a
 * hand-over between threads, and under load a token costs a share of one commit instead
 * of a whole one. When the batcher is idle (no batch being committed, none queued), an
 * operation whose caller waits for it (oidc_batch_run) runs at once on the caller's
 * thread, in a transaction of its own (oidc_batch_try): it then waits for no hand-over to
 * the committer and back (two context switches); one caller at a time does so, others
 * queue, so that under load the operations are still committed together. An operation
 * submitted without waiting (the token endpoint) always goes to the committer: its
 * connection thread stays free for other connections meanwhile (run on that thread,
 * bench-sso's flows/s fell in 3 of 3 paired runs). */
#include "oidc/batch.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/metrics.h"
#include "oidc/sql.h"

#define BATCH_MAX 64

struct item {
	oidc_batch_fn fn;
	void *arg;
	int rc;
	/* Asynchronous (oidc_batch_submit): the callback, and the item is the committer's
	 * to free. Otherwise a thread waits on done. */
	void (*cb)(void *cb_arg, int rc);
	void *cb_arg;
	sem_t done;
	struct item *next;        /* in the queue */
	struct item *wake_next;   /* in the batch: whom to wake once woken */
};

/* One store's group commit: its queue and its committer, started at the first
 * operation. */
struct oidc_batch {
	struct store *s;
	pthread_mutex_t lock;
	pthread_cond_t queued;
	struct item *head, *tail;
	bool tried;            /* under lock: the thread's start was tried */
	bool committer_up;     /* under lock: the thread was started */
	bool stopping;         /* under lock: the committer ends once the queue is empty */
	bool running;          /* under lock: the committer is committing a batch */
	bool inline_busy;      /* under lock: a caller runs its operation itself */
	pthread_t committer_thread;
};

struct oidc_batch *
oidc_batch_new(struct store *s)
{
	struct oidc_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->s = s;
	if (pthread_mutex_init(&b->lock, NULL) != 0) {
		free(b);
		return NULL;
	}
	if (pthread_cond_init(&b->queued, NULL) != 0) {
		pthread_mutex_destroy(&b->lock);
		free(b);
		return NULL;
	}
	return b;
}

void
oidc_batch_free(struct oidc_batch *b)
{
	if (b == NULL)
		return;
	oidc_batch_stop(b);
	pthread_cond_destroy(&b->queued);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

struct store *
oidc_batch_store(const struct oidc_batch *b)
{
	return b->s;
}

/* Takes (under the lock) up to BATCH_MAX queued items, the oldest first. */
static size_t
take(struct oidc_batch *b, struct item **batch)
{
	size_t n = 0;

	while (b->head != NULL && n < BATCH_MAX) {
		batch[n++] = b->head;
		b->head = b->head->next;
	}
	if (b->head == NULL)
		b->tail = NULL;
	metric_gauge_add(MGAUGE_TOKEN_QUEUE, -(long)n);
	return n;
}

/* A batch in one transaction without a savepoint per operation, the common case where none
 * fails: two statements fewer per operation (two round trips on PostgreSQL). 0 when done
 * (committed, or the commit failed: every result -1, nothing run again, since a commit
 * that failed may have happened); 1 when an operation failed: all rolled back, nothing
 * kept, for run() to run again each under its savepoint. An operation runs anew from its
 * arg then, as for any retry: its fn sets its results at each run. */
static int
run_together(struct store *s, struct item **batch, size_t n)
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		batch[i]->rc = batch[i]->fn(tx, batch[i]->arg);
		if (batch[i]->rc < 0) {
			store_rollback(&tx);
			return 1;
		}
	}
	if (store_commit(&tx) != 0) {
		log_err(NULL, "oidc: a batch of %zu operations was not committed", n);
		for (size_t i = 0; i < n; i++)
			batch[i]->rc = -1;
	}
	return 0;
}

/* Runs a batch in one transaction of s; sets each item's result. */
static void
run(struct store *s, struct item **batch, size_t n)
{
	struct store_tx *tx;

	/* Together first; one that fails and the batch runs again, each under a savepoint, so
	 * that its failure undoes its own writes only. */
	if (n > 1 && run_together(s, batch, n) == 0)
		return;
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		for (size_t i = 0; i < n; i++)
			batch[i]->rc = -1;
		return;
	}
	/* A lone operation needs no savepoint (two round trips on PostgreSQL): the
	 * transaction is its own, rolled back whole when it fails. */
	if (n == 1) {
		batch[0]->rc = batch[0]->fn(tx, batch[0]->arg);
		if (batch[0]->rc < 0) {
			store_rollback(&tx);
			return;
		}
	}
	for (size_t i = 0; n > 1 && i < n; i++) {
		int rc = -1;

		if (store_savepoint(tx) == 0) {
			rc = batch[i]->fn(tx, batch[i]->arg);
			if (rc < 0 && store_rollback_to(tx) != 0)
				log_err(NULL, "oidc: savepoint not rolled back");
			if (store_release(tx) != 0)
				rc = -1;
		}
		batch[i]->rc = rc;
	}
	if (store_commit(&tx) != 0) {
		log_err(NULL, "oidc: a batch of %zu operations was not committed", n);
		for (size_t i = 0; i < n; i++)
			batch[i]->rc = -1;
	}
}

/* Wakes the waiting threads of a batch (the first, which wakes the next, and so on) and
 * calls the callbacks of its asynchronous operations. */
static void
wake(struct item **batch, size_t n)
{
	struct item *first = NULL, **link = &first, *async[BATCH_MAX];
	size_t na = 0;

	for (size_t i = 0; i < n; i++) {
		if (batch[i]->cb != NULL) {
			async[na++] = batch[i];
			continue;
		}
		*link = batch[i];
		link = &batch[i]->wake_next;
	}
	*link = NULL;
	/* From here on the waiting threads' items may be gone: only async[] is read. */
	if (first != NULL)
		sem_post(&first->done);
	for (size_t i = 0; i < na; i++) {
		async[i]->cb(async[i]->cb_arg, async[i]->rc);
		free(async[i]);
	}
}

static void *
committer(void *arg)
{
	struct oidc_batch *b = arg;
	struct item *batch[BATCH_MAX];

	for (;;) {
		size_t n;

		pthread_mutex_lock(&b->lock);
		while (b->head == NULL && !b->stopping) {
			b->running = false;
			pthread_cond_wait(&b->queued, &b->lock);
		}
		if (b->head == NULL) {
			b->running = false;
			pthread_mutex_unlock(&b->lock);
			return NULL;
		}
		n = take(b, batch);
		b->running = true;
		pthread_mutex_unlock(&b->lock);
		run(b->s, batch, n);
		wake(batch, n);
	}
	return NULL;
}

/* Queues an item for the committer (started at the first one); -1 when there is none or
 * once it is stopped (the caller commits alone). */
static int
enqueue(struct oidc_batch *b, struct item *it)
{
	pthread_mutex_lock(&b->lock);
	if (!b->tried && !b->stopping) {
		b->tried = true;
		b->committer_up = pthread_create(&b->committer_thread, NULL, committer, b) == 0;
	}
	if (b->stopping || !b->committer_up) {
		pthread_mutex_unlock(&b->lock);
		return -1;
	}
	if (b->tail != NULL)
		b->tail->next = it;
	else
		b->head = it;
	b->tail = it;
	metric_gauge_add(MGAUGE_TOKEN_QUEUE, 1);
	pthread_cond_signal(&b->queued);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

void
oidc_batch_stop(struct oidc_batch *b)
{
	bool join;

	pthread_mutex_lock(&b->lock);
	join = b->committer_up && !b->stopping;
	b->stopping = true;
	pthread_cond_signal(&b->queued);
	pthread_mutex_unlock(&b->lock);
	if (join)
		pthread_join(b->committer_thread, NULL);
}

/* Runs one operation in a transaction of its own on the caller's thread: the result of
 * run() for a batch of one, without the savepoint (the transaction is the operation's). */
static int
run_alone(struct store *s, oidc_batch_fn fn, void *arg)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = fn(tx, arg);
	if (rc < 0) {
		store_rollback(&tx);
		return -1;
	}
	if (store_commit(&tx) != 0) {
		log_err(NULL, "oidc: an operation was not committed");
		return -1;
	}
	return rc;
}

int
oidc_batch_try(struct oidc_batch *b, oidc_batch_fn fn, void *arg, int *rc)
{
	bool mine;

	pthread_mutex_lock(&b->lock);
	mine = !b->running && !b->inline_busy && b->head == NULL;
	if (mine)
		b->inline_busy = true;
	pthread_mutex_unlock(&b->lock);
	if (!mine)
		return 0;
	*rc = run_alone(b->s, fn, arg);
	pthread_mutex_lock(&b->lock);
	b->inline_busy = false;
	pthread_mutex_unlock(&b->lock);
	return 1;
}

int
oidc_batch_submit(struct oidc_batch *b, oidc_batch_fn fn, void *arg,
    void (*cb)(void *cb_arg, int rc), void *cb_arg)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it == NULL)
		return -1;
	*it = (struct item){ .fn = fn, .arg = arg, .rc = -1, .cb = cb, .cb_arg = cb_arg };
	if (enqueue(b, it) != 0) {
		run(b->s, &it, 1);
		cb(cb_arg, it->rc);
		free(it);
	}
	return 0;
}

int
oidc_batch_run(struct oidc_batch *b, oidc_batch_fn fn, void *arg)
{
	struct item me = { .fn = fn, .arg = arg, .rc = -1 };
	struct item *one[1] = { &me };
	int rc;

	if (oidc_batch_try(b, fn, arg, &rc) == 1)
		return rc;
	if (sem_init(&me.done, 0, 0) != 0)
		return -1;
	if (enqueue(b, &me) != 0) {
		/* No thread, or stopped: commit alone, as any caller of the store would. */
		sem_destroy(&me.done);
		run(b->s, one, 1);
		return me.rc;
	}
	while (sem_wait(&me.done) != 0)
		;
	if (me.wake_next != NULL)
		sem_post(&me.wake_next->done);
	sem_destroy(&me.done);
	return me.rc;
}
