/* batch.c — group commit through one committer thread: requests queue their operation and
 * wait on their own semaphore; the committer takes every operation queued for the same
 * store (up to BATCH_MAX), runs them in one write transaction with a savepoint each,
 * commits, and wakes the first of their threads, which wakes the next, and so on (the
 * committer makes one wake-up call per batch, not one per operation). It takes the next
 * batch the moment one is committed, so operations that arrived meanwhile never wait for a
 * hand-over between threads, and under load a token costs a share of one commit instead
 * of a whole one. */
#include "oidc/batch.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/log.h"
#include "oidc/sql.h"

#define BATCH_MAX 64

struct item {
	struct store *s;
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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER;
static struct item *head, *tail;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool committer_up;     /* the thread was started (set once, before any enqueue) */
static bool stopping;         /* under lock: the committer ends once the queue is empty */
static pthread_t committer_thread;

/* Takes (under the lock) up to BATCH_MAX queued items of the oldest item's store. */
static size_t
take(struct item **batch)
{
	struct store *s = head->s;
	struct item **p = &head;
	size_t n = 0;

	tail = NULL;
	while (*p != NULL) {
		if ((*p)->s == s && n < BATCH_MAX) {
			batch[n++] = *p;
			*p = (*p)->next;
		} else {
			tail = *p;
			p = &(*p)->next;
		}
	}
	return n;
}

/* Runs a batch in one transaction; sets each item's result. */
static void
run(struct item **batch, size_t n)
{
	struct store_tx *tx;

	if (store_begin(batch[0]->s, STORE_WRITE, &tx) != 0) {
		for (size_t i = 0; i < n; i++)
			batch[i]->rc = -1;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = -1;

		if (store_exec(tx, SQL_OIDC_SAVEPOINT, "") >= 0) {
			rc = batch[i]->fn(tx, batch[i]->arg);
			if (rc < 0 && store_exec(tx, SQL_OIDC_ROLLBACK_TO, "") < 0)
				log_err(NULL, "oidc: savepoint not rolled back");
			if (store_exec(tx, SQL_OIDC_RELEASE, "") < 0)
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
committer(void *unused)
{
	struct item *batch[BATCH_MAX];

	(void)unused;
	for (;;) {
		size_t n;

		pthread_mutex_lock(&lock);
		while (head == NULL && !stopping)
			pthread_cond_wait(&queued, &lock);
		if (head == NULL) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		n = take(batch);
		pthread_mutex_unlock(&lock);
		run(batch, n);
		wake(batch, n);
	}
	return NULL;
}

static void
committer_start(void)
{
	committer_up = pthread_create(&committer_thread, NULL, committer, NULL) == 0;
}

/* Queues an item for the committer; -1 once it is stopped (the caller commits alone). */
static int
enqueue(struct item *it)
{
	pthread_mutex_lock(&lock);
	if (stopping) {
		pthread_mutex_unlock(&lock);
		return -1;
	}
	if (tail != NULL)
		tail->next = it;
	else
		head = it;
	tail = it;
	pthread_cond_signal(&queued);
	pthread_mutex_unlock(&lock);
	return 0;
}

void
oidc_batch_stop(void)
{
	bool join;

	pthread_once(&once, committer_start);
	pthread_mutex_lock(&lock);
	join = committer_up && !stopping;
	stopping = true;
	pthread_cond_signal(&queued);
	pthread_mutex_unlock(&lock);
	if (join)
		pthread_join(committer_thread, NULL);
}

int
oidc_batch_submit(struct store *s, oidc_batch_fn fn, void *arg,
    void (*cb)(void *cb_arg, int rc), void *cb_arg)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it == NULL)
		return -1;
	*it = (struct item){ .s = s, .fn = fn, .arg = arg, .rc = -1, .cb = cb, .cb_arg = cb_arg };
	pthread_once(&once, committer_start);
	if (!committer_up || enqueue(it) != 0) {
		run(&it, 1);
		cb(cb_arg, it->rc);
		free(it);
	}
	return 0;
}

int
oidc_batch_run(struct store *s, oidc_batch_fn fn, void *arg)
{
	struct item me = { .s = s, .fn = fn, .arg = arg, .rc = -1 };
	struct item *one[1] = { &me };

	pthread_once(&once, committer_start);
	if (!committer_up) {
		/* No thread could be started: commit alone, as any caller of the store would. */
		run(one, 1);
		return me.rc;
	}
	if (sem_init(&me.done, 0, 0) != 0)
		return -1;
	if (enqueue(&me) != 0) {
		/* Stopped: commit alone. */
		sem_destroy(&me.done);
		run(one, 1);
		return me.rc;
	}
	while (sem_wait(&me.done) != 0)
		;
	if (me.wake_next != NULL)
		sem_post(&me.wake_next->done);
	sem_destroy(&me.done);
	return me.rc;
}
