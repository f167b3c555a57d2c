/* internal.h — what the files of web/ share: the server and request structures.
 * Not for apps: they use web.h. */
#ifndef PORTIER_WEB_INTERNAL_H
#define PORTIER_WEB_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>

#include "web/form.h"
#include "web/i18n.h"
#include "web/tmpl.h"
#include "web/web.h"

#define WEB_MAX_ROUTES 256
#define WEB_MAX_PARAMS 8
#define WEB_MAX_HEADERS 24
/* Seconds without a byte after which libmicrohttpd closes a connection. */
#define WEB_CONN_TIMEOUT 30

struct route {
	char *method;               /* malloc'd, as pattern */
	char *pattern;
	web_handler h;
	unsigned flags;
	size_t body_max;            /* largest body this route reads (0: none) */
	int metric_id;              /* its series in /metrics (base/metrics.h) */
};

struct work_pool;

struct web_server {
	struct web_config cfg;
	struct MHD_Daemon *d;
	struct MHD_Daemon *tls_d;   /* the TLS listener, or NULL */
	int tls_port;
	struct route routes[WEB_MAX_ROUTES];
	size_t nroutes;
	struct tmpl_set *tmpl;
	struct i18n *i18n;
	struct work_pool *work;
	void *app;
	void (*page_hook)(struct web_req *r, struct tmpl_ctx *ctx);
	int port;
	volatile bool stopping;
	/* Requests begun and not completed: SIGTERM waits for these, not for idle
	 * keep-alive connections. */
	pthread_mutex_t active_lock;
	long active;
	/* Requests whose connection is suspended (slow work, group commit), under
	 * active_lock: a stop waits until every one is resumed before it stops the daemons,
	 * so that no thread resumes a connection of a freed daemon. Once draining is set,
	 * no connection is suspended any more (the work is done on the connection thread). */
	long suspended;
	bool draining;
	pthread_cond_t resumed;
	/* Connections whose request headers are late (slowloris): see conn_watch.c. */
	struct conn_watch_list *watch;
	char *static_dir;           /* SHARE_DIR/static, malloc'd */
};

struct resp_header {
	const char *name;
	const char *value;
};

struct web_req {
	struct web_server *srv;
	struct MHD_Connection *conn;
	struct arena *arena;
	char rid[17];               /* request id: 16 hex digits of 64 random bits, a
	                             * fixed-format value */
	const char *method;
	const char *path;
	const char *raw_query;
	const char *client;         /* the client (X-Forwarded-For from a trusted proxy) */
	const char *peer;           /* the TCP peer */
	bool tls;                   /* arrived over TLS: Secure cookies, HSTS */
	const char *lang;
	const struct route *route;
	const char *params[WEB_MAX_PARAMS];
	const char *param_names[WEB_MAX_PARAMS];
	size_t nparams;
	struct form query;
	struct form form;
	struct form cookies;
	struct buf body;
	bool body_too_large;
	bool bad_path;
	bool headers_checked;
	bool dispatched;
	int route_rc;               /* router_match's answer, taken when the headers arrive */
	const char *allow;          /* the Allow header of a 405 */
	struct web_session session;
	bool has_session;
	unsigned char sid_hash[32];
	/* deferred work */
	bool deferred;
	bool deferred_done;
	bool deferred_cancelled;    /* the server stopped before the work began */
	bool deferred_inline;       /* draining: the connection thread waits, not suspended */
	web_handler then;
	void *defer_arg;
	/* response */
	int status;
	const char *ctype;
	struct buf out;
	struct resp_header headers[WEB_MAX_HEADERS];
	size_t nheaders;
	bool responded;
	/* a streamed response (stream.c), until resp_queue hands it to MHD */
	web_stream_read stream_read;
	void (*stream_done)(void *arg);
	void *stream_arg;
	/* timing for the access log */
	long long start_ns;
};

/* router.c: finds the route of method + path; sets r->route and params.
 * Returns 0 found, 404 no such path, 405 path exists for another method (allow filled). */
int router_match(struct web_server *s, struct web_req *r, char *allow, size_t allowlen);

/* session.c */
void session_from_cookie(struct web_req *r);
bool session_csrf_ok(struct web_req *r);

/* page.c: queues the response prepared in r (adds security headers). */
enum MHD_Result resp_queue(struct web_req *r);

/* forwarded.c: sets r->client (and r->tls) from r->peer and, when the peer is a trusted
 * proxy, its X-Forwarded-For and X-Forwarded-Proto. */
void forwarded_apply(struct web_req *r);

/* tls.c: the GnuTLS priorities of the TLS listener, asking for client certificates (eID)
 * or not; and, on the eID listener, MHD's connection notification that lets a card's
 * signature certificate finish the handshake (the eID door then explains the refusal). */
const char *tls_priorities(bool client_certs);
void tls_connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code);

/* stream.c: the MHD response of a streamed body (owning the producer from then on), or
 * NULL (the producer ended). */
struct MHD_Response *stream_response(struct web_req *r);
/* Ends a stream not yet handed to MHD (an error page replaces it). */
void web_stream_cancel(struct web_req *r);

/* static.c: serves GET /static/… */
int static_serve(struct web_req *r);
/* lang switch: GET /lang/:code */
int lang_switch(struct web_req *r);

/* work.c */
struct work_pool *work_pool_new(int threads);
void work_pool_free(struct work_pool *p);
int work_submit(struct work_pool *p, void (*fn)(void *), void *arg, struct web_req *r);
/* Drops the jobs not yet begun: their requests are resumed as cancelled. */
void work_pool_cancel(struct work_pool *p);
/* Called once a suspended request's connection is resumed (any thread). */
void web_suspension_over(struct web_server *s);
/* In a draining server: waits on the connection thread until web_resume(r). */
void web_wait_inline(struct web_req *r);

/* conn_watch.c: closes connections whose request headers are not complete in time. */
struct conn_watch_list;
int conn_watch_start(struct web_server *s);
void conn_watch_stop(struct web_server *s);
void conn_watch_free(struct web_server *s);
void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code);
/* The request line arrived / the headers are complete / the request is over. */
void conn_watch_request_line(struct web_server *s, struct MHD_Connection *conn);
void conn_watch_headers_done(struct MHD_Connection *conn);
void conn_watch_request_over(struct web_server *s, struct MHD_Connection *conn);

long long now_ns(void);

#endif
