/* batch.c — leader-based group commit: the first waiting thread takes every operation
 * queued for the same store (up to BATCH_MAX), runs them in one write transaction with a
 * savepoint each, commits, and wakes their threads; operations queued meanwhile form the
 * next batch. Under load a token costs a share of one commit instead of a whole one. */
#include "oidc/batch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/log.h"
#include "oidc/sql.h"

#define BATCH_MAX 64

struct item {
	struct store *s;
	oidc_batch_fn fn;
	void *arg;
	int rc;
	bool done;
	struct item *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static struct item *head;
static bool leading;

/* Takes (under the lock) up to BATCH_MAX queued items of the oldest item's store. */
static size_t
take(struct item **batch)
{
	struct store *s = head->s;
	struct item **p = &head;
	size_t n = 0;

	while (*p != NULL && n < BATCH_MAX) {
		if ((*p)->s == s) {
			batch[n++] = *p;
			*p = (*p)->next;
		} else {
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
	if (store_commit(tx) != 0) {
		log_err(NULL, "oidc: a batch of %zu operations was not committed", n);
		for (size_t i = 0; i < n; i++)
			batch[i]->rc = -1;
	}
}

int
oidc_batch_run(struct store *s, oidc_batch_fn fn, void *arg)
{
	struct item me = { s, fn, arg, -1, false, NULL };
	struct item **p;

	pthread_mutex_lock(&lock);
	for (p = &head; *p != NULL; p = &(*p)->next)
		;
	*p = &me;
	while (!me.done) {
		if (!leading && head != NULL) {
			struct item *batch[BATCH_MAX];
			size_t n = take(batch);

			leading = true;
			pthread_mutex_unlock(&lock);
			run(batch, n);
			pthread_mutex_lock(&lock);
			for (size_t i = 0; i < n; i++)
				batch[i]->done = true;
			leading = false;
			pthread_cond_broadcast(&finished);
		} else {
			pthread_cond_wait(&finished, &lock);
		}
	}
	pthread_mutex_unlock(&lock);
	return me.rc;
}
