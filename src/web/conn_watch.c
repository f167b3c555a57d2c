/* conn_watch.c — a deadline for a request's headers (against slowloris): libmicrohttpd's
 * timeout starts again at each byte, so a client trickling a header line every few seconds
 * keeps its connection for ever. Each connection is watched from its accept: the complete
 * headers of a request must arrive within header_seconds of its request line (of the
 * accept for the first request; for the next one on a keep-alive connection, within the
 * idle timeout plus header_seconds of the previous answer). Once a second a thread shuts
 * down the sockets of the late ones; libmicrohttpd then sees the end of the stream and
 * closes them as usual. */
#include "web/internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "base/log.h"

struct watched {
	struct watched *prev, *next;
	MHD_socket fd;
	/* Monotonic ns by which the headers must be in, 0 while a request is under way.
	 * Written by the connection's thread, read by the sweeping thread. */
	_Atomic long long due_ns;
	bool cut;
};

struct conn_watch_list {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct watched *head;
	pthread_t thread;
	bool running;
	bool quit;
	long long header_ns;
	long long idle_ns;
};

static struct watched *
watched_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/* Shuts down the connections past their deadline; returns how many. */
static int
sweep(struct conn_watch_list *l)
{
	long long now = now_ns();
	int n = 0;

	for (struct watched *w = l->head; w != NULL; w = w->next) {
		long long due = atomic_load(&w->due_ns);

		if (w->cut || due == 0 || now < due)
			continue;
		/* The socket stays open until libmicrohttpd closes it, after telling
		 * conn_watch_notify (which waits for this lock): the fd is still this one. */
		if (shutdown(w->fd, SHUT_RDWR) == 0)
			n++;
		w->cut = true;
	}
	return n;
}

static void *
sweeper(void *arg)
{
	struct conn_watch_list *l = arg;

	pthread_mutex_lock(&l->lock);
	while (!l->quit) {
		struct timespec ts;
		int n;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&l->wake, &l->lock, &ts);
		if (l->quit)
			break;
		n = sweep(l);
		if (n > 0)
			log_info(NULL, "closed %d connection(s) whose request headers were late", n);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

int
conn_watch_start(struct web_server *s)
{
	struct conn_watch_list *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return -1;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->wake, NULL);
	l->header_ns = (long long)s->cfg.limits.header_seconds * 1000000000LL;
	l->idle_ns = (long long)WEB_CONN_TIMEOUT * 1000000000LL;
	if (pthread_create(&l->thread, NULL, sweeper, l) != 0) {
		pthread_mutex_destroy(&l->lock);
		pthread_cond_destroy(&l->wake);
		free(l);
		return -1;
	}
	l->running = true;
	s->watch = l;
	return 0;
}

/* Stops the sweeping thread; the list itself lives until the daemons are stopped, as
 * their connections still tell conn_watch_notify when they close. */
void
conn_watch_stop(struct web_server *s)
{
	struct conn_watch_list *l = s->watch;

	if (l == NULL || !l->running)
		return;
	pthread_mutex_lock(&l->lock);
	l->quit = true;
	pthread_cond_signal(&l->wake);
	pthread_mutex_unlock(&l->lock);
	pthread_join(l->thread, NULL);
	l->running = false;
}

void
conn_watch_free(struct web_server *s)
{
	struct conn_watch_list *l = s->watch;

	if (l == NULL)
		return;
	conn_watch_stop(s);
	/* Every connection is closed by now, each unlinked itself. */
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->wake);
	free(l);
	s->watch = NULL;
}

void
conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct web_server *s = cls;
	struct conn_watch_list *l = s->watch;
	struct watched *w;

	if (l == NULL)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);

		w = calloc(1, sizeof(*w));
		if (w == NULL || ci == NULL) {
			free(w);
			return;   /* unwatched: the idle timeout still applies */
		}
		w->fd = ci->connect_fd;
		atomic_store(&w->due_ns, now_ns() + l->header_ns);
		pthread_mutex_lock(&l->lock);
		w->next = l->head;
		if (l->head != NULL)
			l->head->prev = w;
		l->head = w;
		pthread_mutex_unlock(&l->lock);
		*socket_context = w;
		return;
	}
	w = *socket_context;
	if (w == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		l->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&l->lock);
	free(w);
	*socket_context = NULL;
}

void
conn_watch_request_line(struct web_server *s, struct MHD_Connection *conn)
{
	struct watched *w = watched_of(conn);
	long long due, old;

	if (w == NULL || s->watch == NULL)
		return;
	due = now_ns() + s->watch->header_ns;
	old = atomic_load(&w->due_ns);
	/* A request line trickled in after an answer keeps the earlier deadline. */
	if (old == 0 || old > due)
		atomic_store(&w->due_ns, due);
}

void
conn_watch_headers_done(struct MHD_Connection *conn)
{
	struct watched *w = watched_of(conn);

	if (w != NULL)
		atomic_store(&w->due_ns, 0);
}

void
conn_watch_request_over(struct web_server *s, struct MHD_Connection *conn)
{
	struct watched *w = watched_of(conn);

	if (w == NULL || s->watch == NULL)
		return;
	atomic_store(&w->due_ns, now_ns() + s->watch->idle_ns + s->watch->header_ns);
}
