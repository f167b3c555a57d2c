/* work.c — a few threads for slow work (password hashes) so that connection threads
 * stay free; workers run at a lower priority than the threads that answer requests. And
 * the suspension of a request whose work another module's thread does. */
#include "web/internal.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/metrics.h"

#define WORK_QUEUE_MAX 4096

struct job {
	void (*fn)(void *);
	void *arg;
	struct web_req *r;
	struct job *next;
};

struct work_pool {
	pthread_t *threads;
	int n;
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct job *head, *tail;
	size_t queued;
	bool quit;
};

/* Hands a suspended request back to its connection thread; r may be gone on return. */
static void
resume(struct web_req *r)
{
	struct web_server *s = r->srv;

	r->deferred_done = true;
	MHD_resume_connection(r->conn);
	web_suspension_over(s);
}

static void *
worker(void *arg)
{
	struct work_pool *p = arg;

	/* Lowest priority: a request that does not wait on slow work gets the CPU first. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	for (;;) {
		struct job *j;

		pthread_mutex_lock(&p->lock);
		while (p->head == NULL && !p->quit)
			pthread_cond_wait(&p->ready, &p->lock);
		if (p->head == NULL) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->queued--;
		metric_gauge_add(MGAUGE_HASH_QUEUE, -1);
		pthread_mutex_unlock(&p->lock);
		j->fn(j->arg);
		if (j->r != NULL)
			resume(j->r);
		free(j);
	}
}

struct work_pool *
work_pool_new(int threads)
{
	struct work_pool *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->threads = calloc((size_t)threads, sizeof(pthread_t));
	if (p->threads == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ready, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
			break;
		p->n++;
	}
	if (p->n == 0) {
		work_pool_free(p);
		return NULL;
	}
	return p;
}

void
work_pool_free(struct work_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->ready);
	free(p);
}

void
work_pool_cancel(struct work_pool *p)
{
	struct job *j;

	pthread_mutex_lock(&p->lock);
	j = p->head;
	p->head = p->tail = NULL;
	metric_gauge_add(MGAUGE_HASH_QUEUE, -(long)p->queued);
	p->queued = 0;
	pthread_mutex_unlock(&p->lock);
	while (j != NULL) {
		struct job *next = j->next;

		if (j->r != NULL) {
			j->r->deferred_cancelled = true;
			resume(j->r);
		}
		free(j);
		j = next;
	}
}

int
work_submit(struct work_pool *p, void (*fn)(void *), void *arg, struct web_req *r)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return -1;
	j->fn = fn;
	j->arg = arg;
	j->r = r;
	pthread_mutex_lock(&p->lock);
	if (p->queued >= WORK_QUEUE_MAX || p->quit) {
		pthread_mutex_unlock(&p->lock);
		free(j);
		return -1;
	}
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	metric_gauge_add(MGAUGE_HASH_QUEUE, 1);
	pthread_cond_signal(&p->ready);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Marks r suspended, or (draining server) to be waited for on its connection thread.
 * Returns true when the connection was suspended. */
static bool
suspend(struct web_req *r, void *arg, web_handler then)
{
	struct web_server *s = r->srv;
	bool draining;

	r->deferred = true;
	r->deferred_done = false;
	r->deferred_cancelled = false;
	r->then = then;
	r->defer_arg = arg;
	pthread_mutex_lock(&s->active_lock);
	draining = s->draining;
	if (!draining)
		s->suspended++;
	r->deferred_inline = draining;
	pthread_mutex_unlock(&s->active_lock);
	if (!draining)
		MHD_suspend_connection(r->conn);
	return !draining;
}

int
web_defer(struct web_req *r, void (*fn)(void *arg), void *arg, web_handler then)
{
	if (!suspend(r, arg, then) || work_submit(r->srv->work, fn, arg, r) != 0) {
		/* Draining, or the queue is full: do the work here rather than fail. */
		fn(arg);
		web_resume(r);
	}
	return 0;
}

int
web_suspend(struct web_req *r, void *arg, web_handler then)
{
	suspend(r, arg, then);
	return 0;
}

void
web_resume(struct web_req *r)
{
	struct web_server *s = r->srv;

	if (r->deferred_inline) {
		pthread_mutex_lock(&s->active_lock);
		r->deferred_done = true;
		pthread_cond_broadcast(&s->resumed);
		pthread_mutex_unlock(&s->active_lock);
		return;
	}
	resume(r);
}

void
web_wait_inline(struct web_req *r)
{
	struct web_server *s = r->srv;

	pthread_mutex_lock(&s->active_lock);
	while (!r->deferred_done)
		pthread_cond_wait(&s->resumed, &s->active_lock);
	pthread_mutex_unlock(&s->active_lock);
}

void
web_suspension_over(struct web_server *s)
{
	pthread_mutex_lock(&s->active_lock);
	s->suspended--;
	pthread_cond_broadcast(&s->resumed);
	pthread_mutex_unlock(&s->active_lock);
}

void *
web_deferred_arg(struct web_req *r)
{
	return r->defer_arg;
}
