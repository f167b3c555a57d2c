/* sweep.c — the thread that writes the expiry mails of system certificates: every few
 * seconds it runs machine_expiry_sweep at the service's clock (the test clock moves it). */
#include "machine/certs.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "machine/sweep.h"

struct machine_sweeper {
	struct store *s;
	const struct mail_texts *mt;
	int seconds;
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
};

static void *
run(void *arg)
{
	struct machine_sweeper *w = arg;
	struct timespec until;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		pthread_mutex_unlock(&w->lock);
		if (machine_expiry_sweep(w->s, w->mt, clock_time()) < 0)
			log_warn(NULL, "system certificates: the expiry mails could not be written; "
			    "retried at the next round");
		pthread_mutex_lock(&w->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += w->seconds;
		while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int
machine_sweeper_start(struct store *s, const struct mail_texts *mt, int seconds,
    struct machine_sweeper **out)
{
	struct machine_sweeper *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (w == NULL)
		return -1;
	w->s = s;
	w->mt = mt;
	w->seconds = seconds > 0 ? seconds : 60;
	if (pthread_mutex_init(&w->lock, NULL) != 0) {
		free(w);
		return -1;
	}
	if (pthread_cond_init(&w->wake, NULL) != 0 ||
	    pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_mutex_destroy(&w->lock);
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

void
machine_sweeper_stop(struct machine_sweeper *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
