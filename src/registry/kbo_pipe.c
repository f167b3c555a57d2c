/* kbo_pipe.c — a reader thread that parses and normalises an extract's files while the
 * caller writes the rows to the database: the two halves of an import run on two cores.
 * Batches go round a fixed ring, in order; nothing is allocated per row. */
#include "registry/kbo_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBATCH 4
#define READ_CHUNK (256 * 1024)

enum slot_state { SLOT_FREE, SLOT_READY };

struct kbo_pipe {
	struct kbo_source *src;
	const struct kbo_plan *plan;
	pthread_t thread;
	bool started;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct kbo_batch *slot[NBATCH];
	enum slot_state state[NBATCH];
	unsigned fill;           /* next slot the reader fills */
	unsigned drain;          /* next slot the writer takes */
	bool stop;               /* the writer gave up: the reader must end */

	/* Reader side only. */
	struct kbo_batch *cur;
	int job;
	uint64_t pos;
	char *chunk;
	bool failed;
	char err[640];
};

/* Waits for the next free slot; NULL when the writer stopped. */
static struct kbo_batch *
acquire(struct kbo_pipe *p)
{
	struct kbo_batch *b = NULL;

	pthread_mutex_lock(&p->mu);
	while (p->state[p->fill % NBATCH] != SLOT_FREE && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop)
		b = p->slot[p->fill % NBATCH];
	pthread_mutex_unlock(&p->mu);
	if (b != NULL) {
		b->job = p->job;
		b->nrows = 0;
		b->last = false;
		b->eos = false;
		b->used = 0;
	}
	return b;
}

static void
push(struct kbo_pipe *p, struct kbo_batch *b)
{
	b->pos = p->pos;
	pthread_mutex_lock(&p->mu);
	p->state[p->fill % NBATCH] = SLOT_READY;
	p->fill++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Copies a row into the current batch, passing the batch on when it is full. */
static int
sink_row(void *ud, const struct kbo_row *row)
{
	struct kbo_pipe *p = ud;
	struct kbo_batch *b = p->cur;
	int i = b->nrows;

	for (int k = 0; k < row->n; k++) {
		if (row->val[k] == NULL) {
			b->off[i][k] = 0;
			b->len[i][k] = KBO_NULL_LEN;
			continue;
		}
		/* Room is guaranteed: a batch is passed on before less than a record is left. */
		memcpy(b->text + b->used, row->val[k], row->len[k] + 1);
		b->off[i][k] = (uint32_t)b->used;
		b->len[i][k] = (uint32_t)row->len[k];
		b->used += row->len[k] + 1;
	}
	b->line[i] = row->line;
	b->nrows++;
	if (b->nrows == KBO_BATCH_ROWS ||
	    b->used > KBO_BATCH_TEXT - KBO_RECORD_MAX - 2 * KBO_MAX_COLS) {
		push(p, b);
		p->cur = acquire(p);
		if (p->cur == NULL)
			return -1;
	}
	return 0;
}

static void
reader_fail(struct kbo_pipe *p, const char *msg)
{
	if (!p->failed)
		snprintf(p->err, sizeof(p->err), "%s", msg);
	p->failed = true;
}

/* Reads one job's file into batches; its last batch is marked. Returns 0 or -1. */
static int
read_job(struct kbo_pipe *p, const struct kbo_job *j)
{
	struct kbo_member *m = NULL;
	struct kbo_csv *r = NULL;
	char err[512];
	long got;
	int rc = -1;

	p->pos = 0;
	p->cur = acquire(p);
	if (p->cur == NULL)
		return -1;
	if (kbo_member_open(p->src, j->file, &m, err, sizeof(err)) != 0) {
		reader_fail(p, err);
		goto done;
	}
	r = kbo_csv_new(j->file, j->cols, j->ncols, sink_row, p);
	if (r == NULL) {
		reader_fail(p, "out of memory");
		goto done;
	}
	while ((got = kbo_member_read(m, p->chunk, READ_CHUNK, err, sizeof(err))) > 0) {
		p->pos += (uint64_t)got;
		if (kbo_csv_feed(r, p->chunk, (size_t)got) != 0)
			break;
	}
	if (got < 0) {
		reader_fail(p, err);
		goto done;
	}
	if (got > 0 || kbo_csv_end(r) != 0) {
		/* An empty reason: the writer stopped us; it has its own. */
		if (kbo_csv_error(r)[0] != '\0')
			reader_fail(p, kbo_csv_error(r));
		goto done;
	}
	if (p->cur == NULL)
		goto done;
	p->cur->last = true;
	push(p, p->cur);
	p->cur = NULL;
	rc = 0;
done:
	kbo_csv_free(r);
	kbo_member_close(m);
	return rc;
}

static void *
reader_main(void *arg)
{
	struct kbo_pipe *p = arg;
	struct kbo_batch *b;

	for (p->job = 0; p->job < p->plan->njobs; p->job++)
		if (read_job(p, &p->plan->jobs[p->job]) != 0)
			break;
	/* The batch being filled when a job failed is reused for the end of the stream. */
	b = p->cur != NULL ? p->cur : acquire(p);
	if (b != NULL) {
		b->nrows = 0;
		b->eos = true;
		push(p, b);
	}
	p->cur = NULL;
	return NULL;
}

int
kbo_pipe_start(struct kbo_pipe **out, struct kbo_source *src, const struct kbo_plan *plan,
    char *err, size_t errlen)
{
	struct kbo_pipe *p = calloc(1, sizeof(*p));
	bool ok;

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->src = src;
	p->plan = plan;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->chunk = malloc(READ_CHUNK);
	ok = p->chunk != NULL;
	for (int i = 0; i < NBATCH; i++) {
		p->slot[i] = malloc(sizeof(struct kbo_batch));
		p->state[i] = SLOT_FREE;
		ok = ok && p->slot[i] != NULL;
	}
	if (!ok) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (pthread_create(&p->thread, NULL, reader_main, p) != 0) {
		snprintf(err, errlen, "cannot start the reader thread");
		goto fail;
	}
	p->started = true;
	*out = p;
	return 0;
fail:
	kbo_pipe_finish(&p, NULL, 0);
	return -1;
}

struct kbo_batch *
kbo_pipe_next(struct kbo_pipe *p)
{
	struct kbo_batch *b;

	pthread_mutex_lock(&p->mu);
	while (p->state[p->drain % NBATCH] != SLOT_READY)
		pthread_cond_wait(&p->cv, &p->mu);
	b = p->slot[p->drain % NBATCH];
	pthread_mutex_unlock(&p->mu);
	return b;
}

void
kbo_pipe_release(struct kbo_pipe *p, struct kbo_batch *b)
{
	(void)b;
	pthread_mutex_lock(&p->mu);
	p->state[p->drain % NBATCH] = SLOT_FREE;
	p->drain++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int
kbo_pipe_finish(struct kbo_pipe **pp, char *err, size_t errlen)
{
	struct kbo_pipe *p = pp ? *pp : NULL;
	int rc;

	if (p == NULL)
		return 0;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stop = true;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
	}
	rc = p->failed ? -1 : 0;
	if (rc != 0 && err != NULL)
		snprintf(err, errlen, "%s", p->err);
	for (int i = 0; i < NBATCH; i++)
		free(p->slot[i]);
	free(p->chunk);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
	*pp = NULL;
	return rc;
}
