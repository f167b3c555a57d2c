/* server.c — libmicrohttpd glue: accepts connections, checks limits, collects the body,
 * parses inputs, loads the session, checks CSRF, dispatches, logs one line per request. */
#include "web/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netblock.h"
#include "base/metrics.h"
#include "base/utf8.h"

long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
limits_default(struct web_limits *l)
{
	if (l->header_bytes == 0)
		l->header_bytes = 16 * 1024;
	if (l->body_bytes == 0)
		l->body_bytes = 64 * 1024;
	if (l->upload_bytes == 0)
		l->upload_bytes = 10 * 1024 * 1024;
	if (l->field_bytes == 0)
		l->field_bytes = 8 * 1024;
	if (l->fields == 0)
		l->fields = 256;
	if (l->url_bytes == 0)
		l->url_bytes = 4096;
	if (l->connections == 0)
		l->connections = 4000;
	if (l->connections_per_ip == 0)
		l->connections_per_ip = 200;
	if (l->header_seconds == 0)
		l->header_seconds = 10;
}

struct web_server *
web_server_new(const struct web_config *cfg, char *err, size_t errlen)
{
	struct web_server *s = calloc(1, sizeof(*s));
	char dir[4096];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	pthread_mutex_init(&s->active_lock, NULL);
	pthread_cond_init(&s->resumed, NULL);
	limits_default(&s->cfg.limits);
	if (s->cfg.threads <= 0)
		s->cfg.threads = 4;
	if (s->cfg.workers <= 0)
		s->cfg.workers = ncpu > 0 ? (int)ncpu : 2;
	if (s->cfg.idle_timeout <= 0)
		s->cfg.idle_timeout = 1800;
	if (s->cfg.absolute_timeout <= 0)
		s->cfg.absolute_timeout = 12 * 3600;
	snprintf(dir, sizeof(dir), "%s/templates", cfg->share_dir);
	if (tmpl_load_dir(dir, &s->tmpl, err, errlen) != 0)
		goto fail;
	if (i18n_load(cfg->locale_dir, &s->i18n, err, errlen) != 0)
		goto fail;
	s->static_dir = malloc(strlen(cfg->share_dir) + sizeof("/static"));
	if (s->static_dir == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(s->static_dir, cfg->share_dir, strlen(cfg->share_dir));
	memcpy(s->static_dir + strlen(cfg->share_dir), "/static", sizeof("/static"));
	s->work = work_pool_new(s->cfg.workers);
	if (s->work == NULL) {
		snprintf(err, errlen, "cannot start worker threads");
		goto fail;
	}
	web_route(s, "GET", "/static/*", static_serve, 0);
	web_route(s, "GET", "/lang/:code", lang_switch, 0);
	return s;
fail:
	web_server_free(s);
	return NULL;
}

void
web_set_app(struct web_server *s, void *app)
{
	s->app = app;
}

void
web_set_page_hook(struct web_server *s, void (*hook)(struct web_req *, struct tmpl_ctx *))
{
	s->page_hook = hook;
}

/* The URI callback runs first for every request: the request state is born here,
 * with the raw URI (MHD hands handlers only the decoded path). */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct web_server *s = cls;
	struct web_req *r = calloc(1, sizeof(*r));
	unsigned char id[8];
	const char *q;

	conn_watch_request_line(s, conn);
	if (r == NULL)
		return NULL;
	r->srv = s;
	r->conn = conn;
	/* A GnuTLS session exists only on the TLS listener. */
	r->tls = s->cfg.tls ||
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION) != NULL;
	r->start_ns = now_ns();
	r->arena = arena_new(s->cfg.limits.upload_bytes * 3 + (1 << 20));
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(r->rid, sizeof(r->rid), id, sizeof(id));
	buf_init(&r->body, s->cfg.limits.body_bytes);   /* the route's limit once known */
	buf_init(&r->out, 32 << 20);
	r->status = 0;
	q = strchr(uri, '?');
	r->raw_query = (q && r->arena) ? arena_strdup(r->arena, q + 1) : "";
	if (strlen(uri) > s->cfg.limits.url_bytes)
		r->body_too_large = true;   /* reported as 414 below */
	/* MHD decodes the path into a C string: an encoded NUL would cut it short. */
	for (const char *p = uri; *p != '\0' && (q == NULL || p < q); p++)
		if (p[0] == '%' && p[1] == '0' && p[2] == '0')
			r->bad_path = true;
	pthread_mutex_lock(&s->active_lock);
	s->active++;
	pthread_mutex_unlock(&s->active_lock);
	return r;
}

static const char *
client_addr(struct web_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "?";

	if (ci != NULL && ci->client_addr != NULL) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
			    ci->client_addr)->sin_addr, buf, sizeof(buf));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)
			    ci->client_addr)->sin6_addr, buf, sizeof(buf));
	}
	return arena_strdup(r->arena, buf);
}

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	size_t *total = cls;

	(void)kind;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static bool
is_post_like(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 ||
	    strcmp(m, "DELETE") == 0;
}

/* Sends the localised error page for status, with what the log should say. */
static enum MHD_Result
fail(struct web_req *r, int status, const char *why)
{
	log_info(r->rid, "refused %s: %s", r->method ? r->method : "?", why);
	web_error(r, status);
	return resp_queue(r);
}

static enum form_status
parse_body(struct web_req *r, bool allow_upload)
{
	const char *ct = web_header(r, "Content-Type");
	const struct web_limits *l = &r->srv->cfg.limits;

	if (r->body.len == 0)
		return FORM_OK;
	if (ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		return form_parse_urlencoded(r->arena, r->body.data, r->body.len, l->fields,
		    l->field_bytes, &r->form);
	if (ct != NULL && allow_upload && strncasecmp(ct, "multipart/form-data", 19) == 0)
		return form_parse_multipart(r->arena, ct, r->body.data, r->body.len, l->fields,
		    l->field_bytes, &r->form);
	/* Other bodies (JSON for APIs) stay raw in r->body for the handler. */
	return FORM_OK;
}

static int
form_status_http(enum form_status st)
{
	switch (st) {
	case FORM_TOO_MANY:
	case FORM_TOO_LONG:
		return 413;
	case FORM_NOMEM:
		return 500;
	default:
		return 400;
	}
}

/* Back on the connection thread once the slow work is done: the continuation answers. */
static enum MHD_Result
finish_deferred(struct web_req *r)
{
	int rc;

	r->deferred = false;
	if (r->deferred_cancelled)
		return fail(r, 503, "the server stopped before the slow work began");
	rc = r->then(r);
	if (rc != 0 || !r->responded) {
		r->nheaders = 0;
		web_error(r, 500);
	}
	return resp_queue(r);
}

static enum MHD_Result
dispatch(struct web_req *r)
{
	struct web_server *s = r->srv;
	const struct web_limits *l = &s->cfg.limits;
	enum form_status st;
	int rc;

	r->dispatched = true;
	if (r->route_rc == 404)
		return fail(r, 404, "no route");
	if (r->route_rc == 405) {
		web_add_header(r, "Allow", r->allow);
		return fail(r, 405, "method not allowed");
	}
	st = form_parse_urlencoded(r->arena, r->raw_query, strlen(r->raw_query), l->fields,
	    l->field_bytes, &r->query);
	if (st != FORM_OK)
		return fail(r, form_status_http(st), "bad query string");
	if (is_post_like(r->method)) {
		st = parse_body(r, r->route->flags & WEB_UPLOAD);
		if (st != FORM_OK)
			return fail(r, form_status_http(st), "bad form body");
		if (!(r->route->flags & WEB_NO_CSRF) && !session_csrf_ok(r))
			return fail(r, 403, "CSRF token missing or wrong");
	}
	rc = r->route->h(r);
	if (r->deferred) {
		if (!r->deferred_inline)
			return MHD_YES;
		/* The server is draining: nothing is suspended any more, this thread waits. */
		web_wait_inline(r);
		return finish_deferred(r);
	}
	if (rc != 0 || !r->responded) {
		log_err(r->rid, "handler for %s %s failed", r->method, r->route->pattern);
		r->nheaders = 0;
		web_error(r, 500);
	}
	return resp_queue(r);
}

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	int *n = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, "Content-Length") == 0)
		n[0]++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		n[1]++;
	return MHD_YES;
}

/* RFC 9112 §6.3: a body whose length is ambiguous is refused (400, the connection closed)
 * before a byte of it is read: with two Content-Length headers, or Content-Length and
 * Transfer-Encoding, libmicrohttpd would read one length and run the bytes after it as a
 * second request, which a proxy in front may have read as part of the body. libmicrohttpd
 * decodes chunked alone: another final coding is 400, another coding before it 501. */
static int
framing_status(struct web_req *r, const char **why)
{
	int n[2] = { 0, 0 };
	const char *te;
	size_t len;

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_framing, n);
	*why = "ambiguous body length (two Content-Length, or with Transfer-Encoding)";
	if (n[0] > 1 || (n[0] > 0 && n[1] > 0) || n[1] > 1)
		return 400;
	if (n[1] == 0)
		return 0;
	te = web_header(r, "Transfer-Encoding");
	if (te == NULL || strcasecmp(te, "chunked") == 0)
		return 0;
	len = strlen(te);
	*why = "Transfer-Encoding whose last coding is not chunked";
	if (len < 7 || strcasecmp(te + len - 7, "chunked") != 0)
		return 400;
	*why = "a transfer coding other than chunked";
	return 501;
}

/* With the headers in: the route, and its body limit. A body the route would refuse, or
 * a body for no route, is refused now: queued in this first call, the answer tells
 * libmicrohttpd to read none of the body and to close the connection after it. */
static enum MHD_Result
route_on_headers(struct web_req *r)
{
	const char *cl = web_header(r, "Content-Length");
	bool has_body = web_header(r, "Transfer-Encoding") != NULL;
	unsigned long long n = 0;
	char allow[64];

	if (cl != NULL) {
		char *end;

		/* libmicrohttpd has already refused a Content-Length that is not digits. */
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno != 0 || end == cl || *end != '\0')
			return fail(r, 400, "bad Content-Length");
		has_body = has_body || n > 0;
		/* Over what any route takes: 413 whatever the route. */
		if (n > r->srv->cfg.limits.upload_bytes)
			return fail(r, 413, "declared body over the limit (not read)");
	}
	r->route_rc = router_match(r->srv, r, allow, sizeof(allow));
	if (r->route_rc == 405)
		r->allow = arena_strdup(r->arena, allow);
	if (r->route_rc != 0) {
		if (!has_body)
			return MHD_YES;   /* answered on the next call: keep-alive */
		r->dispatched = true;
		if (r->route_rc == 405)
			web_add_header(r, "Allow", r->allow);
		return fail(r, r->route_rc, "a body for no route (not read)");
	}
	if (n > r->route->body_max)
		return fail(r, 413, "declared body over the route's limit (not read)");
	buf_free(&r->body);
	buf_init(&r->body, r->route->body_max);
	return MHD_YES;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct web_req *r = *con_cls;
	const struct web_limits *l;

	(void)cls;
	if (r == NULL || r->arena == NULL)
		return MHD_NO;
	l = &r->srv->cfg.limits;
	if (r->deferred) {
		/* Resumed after slow work: finish with the continuation. */
		if (!r->deferred_done)
			return MHD_YES;
		return finish_deferred(r);
	}
	if (!r->headers_checked) {
		size_t total = 0;
		const char *why;
		int st;

		r->headers_checked = true;
		conn_watch_headers_done(conn);
		r->method = arena_strdup(r->arena, method);
		r->path = arena_strdup(r->arena, url);
		r->peer = client_addr(r);
		forwarded_apply(r);
		{
			const char *ch = web_header(r, "Cookie");
			if (ch != NULL)
				form_parse_cookies(r->arena, ch, 64, &r->cookies);
		}
		r->lang = i18n_negotiate(web_cookie(r, "portier_lang"),
		    web_header(r, "Accept-Language"));
		session_from_cookie(r);
		st = framing_status(r, &why);
		if (st != 0)
			return fail(r, st, why);
		if (r->body_too_large)
			return fail(r, 414, "URI over the limit");
		if (r->bad_path || !utf8_valid(r->path, strlen(r->path)))
			return fail(r, 400, "path holds a NUL or is not UTF-8");
		if (strcmp(version, "HTTP/1.1") == 0 && web_header(r, "Host") == NULL)
			return fail(r, 400, "HTTP/1.1 request without Host");
		MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &total);
		if (total > l->header_bytes)
			return fail(r, 431, "headers over the limit");
		/* Otherwise answered on the next call: MHD closes the connection when a
		 * response is queued in the first call, which would defeat keep-alive. */
		return route_on_headers(r);
	}
	if (*upload_data_size > 0) {
		if (buf_add(&r->body, upload_data, *upload_data_size) != 0) {
			/* Only a chunked body gets here (a Content-Length over the limit was
			 * refused above): libmicrohttpd cannot answer in the middle of a body,
			 * so the connection is closed rather than the rest read. */
			log_info(r->rid, "refused %s: chunked body over the route's limit, "
			    "connection closed", r->method);
			r->status = 413;
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->responded)
		return MHD_YES;
	return dispatch(r);
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct web_server *s = cls;
	struct web_req *r = *con_cls;

	if (r == NULL)
		return;
	conn_watch_request_over(s, conn);
	if (r->method != NULL) {
		double ms = (double)(now_ns() - r->start_ns) / 1e6;
		bool ok = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
		/* The same event as fields, for log_format = json. */
		const struct log_field f[] = {
			LOG_STR("method", r->method), LOG_STR("path", r->path ? r->path : "-"),
			LOG_INT("status", r->status), LOG_INT("bytes", r->out.len),
			LOG_NUM("ms", ms), LOG_INT("aborted", ok ? 0 : 1),
		};

		log_fields(LOG_INFO, r->rid, f, sizeof(f) / sizeof(f[0]),
		    "access %s %s %d %zuB %.1fms%s", r->method, r->path ? r->path : "-",
		    r->status, r->out.len, ms, ok ? "" : " (aborted)");
		metric_request(r->route != NULL ? r->route->metric_id : 0, r->status,
		    now_ns() - r->start_ns);
	}
	buf_free(&r->body);
	buf_free(&r->out);
	sodium_memzero(&r->session, sizeof(r->session));
	arena_free(r->arena);
	free(r);
	*con_cls = NULL;
	pthread_mutex_lock(&s->active_lock);
	s->active--;
	pthread_mutex_unlock(&s->active_lock);
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		memcpy(host, "127.0.0.1", 10);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

bool
web_listen_ok(const char *listen)
{
	struct sockaddr_in sa;

	return parse_listen(listen, &sa) == 0;
}

int
web_listen_probe(const char *listen, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	int fd, one = 1, rc = -1;

	if (parse_listen(listen, &sa) != 0) {
		snprintf(err, errlen, "listen address '%s' is not ADDR:PORT", listen);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* SO_REUSEADDR as libmicrohttpd: a port in TIME_WAIT is free, one in use is not. */
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		rc = 0;
	else
		snprintf(err, errlen, "cannot listen on %s: %s", listen, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Each connection's memory pool: libmicrohttpd zeroes the whole of it after every request
 * of a keep-alive connection, so its size is paid at every request (it was 4 times the
 * header limit plus 64 KiB, 128 KiB by default: twice the zeroing). 4 times the header
 * limit still holds a request whose headers are well over the limit, whose 431 is then
 * portier's own, with its security headers (headers.test.js sends 41 KiB of headers);
 * never below libmicrohttpd's own default of 32 KiB. */
static size_t
pool_bytes(const struct web_limits *l)
{
	size_t n = l->header_bytes * 4;

	return n > 32 * 1024 ? n : 32 * 1024;
}

/* One listener; tls (MHD options ending in MHD_OPTION_END) adds the TLS options. */
static struct MHD_Daemon *
start_daemon(struct web_server *s, struct sockaddr_in *sa, unsigned int flags,
    struct MHD_OptionItem *tls)
{
	static struct MHD_OptionItem none[] = { { MHD_OPTION_END, 0, NULL } };

	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | flags, 0, NULL, NULL, access_cb, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)s->cfg.threads,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, s,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool_bytes(&s->cfg.limits),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, s->cfg.limits.connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->cfg.limits.connections_per_ip,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_watch_notify, s,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
	    MHD_OPTION_ARRAY, tls ? tls : none,
	    MHD_OPTION_END);
}

/* The eID listener's connection notifier: the handshake hook for signature certificates
 * (tls.c) and the watch on the time to complete the headers (conn_watch.c). */
static void
tls_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	tls_connection_notify(cls, conn, socket_context, code);
	conn_watch_notify(cls, conn, socket_context, code);
}

/* The TLS listener: GnuTLS inside libmicrohttpd (priorities: tls.c); with client
 * anchors, a client certificate is requested (optional) at every handshake. */
static int
start_tls(struct web_server *s, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *di;
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)s->cfg.tls_cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)s->cfg.tls_key_pem },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0,
		    (void *)(uintptr_t)tls_priorities(s->cfg.tls_client_ca_pem != NULL) },
		{ MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};

	if (parse_listen(s->cfg.tls_listen, &sa) != 0) {
		snprintf(err, errlen, "tls_listen address '%s' is not ADDR:PORT",
		    s->cfg.tls_listen);
		return -1;
	}
	if (s->cfg.tls_cert_pem == NULL || s->cfg.tls_key_pem == NULL) {
		snprintf(err, errlen, "tls_listen needs tls_cert and tls_key");
		return -1;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen, "libmicrohttpd was built without TLS");
		return -1;
	}
	if (s->cfg.tls_client_ca_pem != NULL) {
		tls[3].option = MHD_OPTION_HTTPS_MEM_TRUST;
		tls[3].ptr_value = (void *)(uintptr_t)s->cfg.tls_client_ca_pem;
		/* Replaces start_daemon's notifier, which tls_notify calls too. */
		tls[4].option = MHD_OPTION_NOTIFY_CONNECTION;
		tls[4].value = (intptr_t)tls_notify;
		tls[4].ptr_value = s;
	}
	s->tls_d = start_daemon(s, &sa, MHD_USE_TLS, tls);
	if (s->tls_d == NULL) {
		snprintf(err, errlen, "cannot listen with TLS on %s (address in use, or a bad "
		    "certificate or key)", s->cfg.tls_listen);
		return -1;
	}
	di = MHD_get_daemon_info(s->tls_d, MHD_DAEMON_INFO_BIND_PORT);
	s->tls_port = di ? di->port : ntohs(sa.sin_port);
	return 0;
}

int
web_server_start(struct web_server *s, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *di;

	if (parse_listen(s->cfg.listen, &sa) != 0) {
		snprintf(err, errlen, "listen address '%s' is not ADDR:PORT", s->cfg.listen);
		return -1;
	}
	if (conn_watch_start(s) != 0) {
		snprintf(err, errlen, "cannot start the thread that watches connections");
		return -1;
	}
	s->d = start_daemon(s, &sa, 0, NULL);
	if (s->d == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", s->cfg.listen, strerror(errno));
		return -1;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : ntohs(sa.sin_port);
	if (s->cfg.tls_listen != NULL && s->cfg.tls_listen[0] != '\0' &&
	    start_tls(s, err, errlen) != 0) {
		MHD_stop_daemon(s->d);
		s->d = NULL;
		return -1;
	}
	return 0;
}

int
web_server_port(const struct web_server *s)
{
	return s->port;
}

int
web_server_tls_port(const struct web_server *s)
{
	return s->tls_d != NULL ? s->tls_port : 0;
}

int
web_mtls_port(struct web_req *r)
{
	return r->srv->cfg.tls_client_ca_pem != NULL ? web_server_tls_port(r->srv) : 0;
}

bool
web_proxies_trusted(struct web_req *r)
{
	return netblocks_any(r->srv->cfg.trusted_proxies);
}

/* The grace is over: slow work not begun is dropped (its requests answered 503), and the
 * stop waits for every suspended request to be resumed (hashes under way, group commits,
 * a few ms each): MHD_stop_daemon frees the connections, which the threads holding
 * them must not resume afterwards. From here on nothing is suspended any more. */
static void
drain_suspended(struct web_server *s)
{
	long n;

	pthread_mutex_lock(&s->active_lock);
	s->draining = true;
	pthread_mutex_unlock(&s->active_lock);
	work_pool_cancel(s->work);
	pthread_mutex_lock(&s->active_lock);
	n = s->suspended;
	if (n > 0)
		log_info(NULL, "waiting for %ld suspended request(s) to be resumed", n);
	while (s->suspended > 0)
		pthread_cond_wait(&s->resumed, &s->active_lock);
	pthread_mutex_unlock(&s->active_lock);
}

void
web_server_stop(struct web_server *s, int grace_ms)
{
	MHD_socket fd;

	if (s->d == NULL)
		return;
	s->stopping = true;
	fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	if (s->tls_d != NULL) {
		fd = MHD_quiesce_daemon(s->tls_d);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	/* Wait for requests under way only; idle keep-alive connections are closed by
	 * MHD_stop_daemon. */
	for (int waited = 0; waited < grace_ms; waited += 10) {
		long active;

		pthread_mutex_lock(&s->active_lock);
		active = s->active;
		pthread_mutex_unlock(&s->active_lock);
		if (active <= 0)
			break;
		usleep(10 * 1000);
	}
	drain_suspended(s);
	conn_watch_stop(s);
	if (s->tls_d != NULL)
		MHD_stop_daemon(s->tls_d);
	MHD_stop_daemon(s->d);
	s->d = NULL;
	s->tls_d = NULL;
}

void
web_server_free(struct web_server *s)
{
	if (s == NULL)
		return;
	if (s->d != NULL)
		web_server_stop(s, 0);
	conn_watch_free(s);
	work_pool_free(s->work);
	tmpl_free(s->tmpl);
	i18n_free(s->i18n);
	for (size_t i = 0; i < s->nroutes; i++) {
		free(s->routes[i].method);
		free(s->routes[i].pattern);
	}
	free(s->static_dir);
	pthread_mutex_destroy(&s->active_lock);
	pthread_cond_destroy(&s->resumed);
	free(s);
}
