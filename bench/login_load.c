/* login_load.c — `make bench`: password logins/s with 20 concurrent clients against a running
 * portier, as a share of this machine's limit (cores ÷ time of one Argon2id hash, measured here
 * between the logins: they run in four parts, each set against the reference measured just
 * before and just after it), and /healthz latency while the logins run. Loopback only.
 * Usage: login_load http://127.0.0.1:PORT SECONDS. Prints the figures next to their targets
 * and fails on none of them; exits 1 when a login failed (the figures would not be logins'). */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "auth/password.h"

#define CLIENTS		20
#define BUF_MAX		(64 * 1024)	/* one response; the login page is ~6 KiB */
#define REQ_MAX		2048
#define JAR_MAX		1024
#define TOKEN_MAX	256
#define IO_TIMEOUT_S	30
#define PROBE_EVERY_NS	10000000L	/* /healthz every 10 ms */
#define HASHES_ALONE	20	/* on each core: about 0.5 s */
#define HASH_ALL_S	1.0	/* every core hashing at once */
#define MAX_CORES	64
#define SEGMENTS	4	/* parts of the login time, a reference before and after each */
#define USERNAME	"jan.peeters"
#define PASSWORD	"Demo-portier-2026"

/* One keep-alive connection and its response buffer, reused for every request. */
struct conn {
	int fd;
	bool reused;	/* has answered a request: a close before the answer is a keep-alive end */
	size_t len;	/* bytes in buf */
	char buf[BUF_MAX];
};

/* A parsed response; head and body point into the connection's buffer until the next request. */
struct resp {
	int status;
	const char *head;
	size_t headlen;
	const char *body;
	size_t bodylen;
};

struct hash_run {
	pthread_barrier_t *start;
	_Atomic double *until;   /* hash until then */
	long done;
	int failed;
};

static struct sockaddr_in server;
static char host[32];
static double deadline;
static atomic_long logins;
static atomic_long errors;
static atomic_flag first_error = ATOMIC_FLAG_INIT;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- Argon2id: the limit of this machine --- */

static int
hash_once(void)
{
	char out[256];

	return password_hash(PASSWORD, out, sizeof(out));
}

/* The CPUs this process may use, and the one hashing now (pinned). */
static cpu_set_t usable;
static int core_id[MAX_CORES];
static int ncores;

static int
cores_init(void)
{
	if (sched_getaffinity(0, sizeof(usable), &usable) != 0)
		return -1;
	for (int c = 0; c < CPU_SETSIZE && ncores < MAX_CORES; c++)
		if (CPU_ISSET(c, &usable))
			core_id[ncores++] = c;
	return ncores > 0 ? 0 : -1;
}

/* Milliseconds of one hash alone on core c (the calling thread pinned there, then set
 * free again). Returns a negative value when a hash failed. */
static double
hash_alone_ms(int c)
{
	cpu_set_t one;
	double a, b, ms = -1;

	CPU_ZERO(&one);
	CPU_SET(core_id[c], &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		return -1;
	/* Warm up once: the first hash pays for page faults of the memory it uses. */
	if (hash_once() != 0)
		goto done;
	a = now_s();
	for (int i = 0; i < HASHES_ALONE; i++)
		if (hash_once() != 0)
			goto done;
	b = now_s();
	ms = (b - a) * 1e3 / HASHES_ALONE;
done:
	sched_setaffinity(0, sizeof(usable), &usable);
	return ms;
}

static void *
hash_thread(void *arg)
{
	struct hash_run *h = arg;

	if (hash_once() != 0)
		h->failed = 1;
	pthread_barrier_wait(h->start);
	while (now_s() < atomic_load(h->until)) {
		if (hash_once() != 0)
			h->failed = 1;
		h->done++;
	}
	return NULL;
}

/* Hashes per second while n threads hash at once for HASH_ALL_S seconds. Returns a
 * negative value on failure. */
static double
hash_all_rate(int n)
{
	pthread_barrier_t start;
	pthread_t *t;
	struct hash_run *h;
	_Atomic double until = 1e300;
	double a, b, rate = -1;
	long done = 0;
	int started = 0, failed = 0;

	t = calloc((size_t)n, sizeof(*t));
	h = calloc((size_t)n, sizeof(*h));
	if (t == NULL || h == NULL)
		goto out;
	if (pthread_barrier_init(&start, NULL, (unsigned)n + 1) != 0)
		goto out;
	for (; started < n; started++) {
		h[started].start = &start;
		h[started].until = &until;
		if (pthread_create(&t[started], NULL, hash_thread, &h[started]) != 0)
			break;
	}
	if (started < n) {
		/* The barrier would never open: report and give up. */
		fprintf(stderr, "login_load: cannot start %d hashing threads\n", n);
		exit(1);
	}
	pthread_barrier_wait(&start);
	a = now_s();
	atomic_store(&until, a + HASH_ALL_S);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		failed |= h[i].failed;
		done += h[i].done;
	}
	b = now_s();
	pthread_barrier_destroy(&start);
	/* Hashes started before the end count whole; the time is until the last ended. */
	if (!failed)
		rate = (double)done / (b - a);
out:
	free(t);
	free(h);
	return rate;
}

/* --- HTTP/1.1 over one blocking keep-alive connection --- */

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->reused = false;
	c->len = 0;
}

static int
conn_open(struct conn *c)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
	    connect(c->fd, (const struct sockaddr *)&server, sizeof(server)) != 0) {
		conn_close(c);
		return -1;
	}
	c->reused = false;
	c->len = 0;
	return 0;
}

static int
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads more bytes into the buffer. Returns the count, 0 at end of stream, -1 on error or
 * when the buffer is full (a response larger than BUF_MAX). */
static ssize_t
conn_fill(struct conn *c)
{
	ssize_t n;

	if (c->len >= sizeof(c->buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	do
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		c->len += (size_t)n;
	return n;
}

/* The first CRLF in [p, p + n), or NULL. */
static const char *
crlf(const char *p, size_t n)
{
	return memmem(p, n, "\r\n", 2);
}

/* True when the header line [p, p + n) is "name: ..." (name case-insensitive); *val is its value. */
static bool
header_is(const char *p, size_t n, const char *name, const char **val, size_t *vallen)
{
	size_t k = strlen(name);

	if (n <= k || p[k] != ':' || strncasecmp(p, name, k) != 0)
		return false;
	p += k + 1;
	n -= k + 1;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	*val = p;
	*vallen = n;
	return true;
}

static bool
value_has(const char *v, size_t n, const char *word)
{
	size_t k = strlen(word);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(v + i, word, k) == 0)
			return true;
	return false;
}

/* Waits for a full CRLF-ended line at offset at; returns the offset of its CR or -1. */
static ssize_t
need_line(struct conn *c, size_t at)
{
	for (;;) {
		const char *nl = crlf(c->buf + at, c->len - at);

		if (nl != NULL)
			return nl - c->buf;
		if (conn_fill(c) <= 0)
			return -1;
	}
}

/* Decodes a chunked body in place from offset at. Returns its length or -1. */
static ssize_t
read_chunked(struct conn *c, size_t at)
{
	size_t out = at;

	for (;;) {
		ssize_t cr = need_line(c, at);
		size_t size = 0, i;

		if (cr < 0)
			return -1;
		for (i = at; i < (size_t)cr; i++) {
			int ch = c->buf[i], d;

			if (ch >= '0' && ch <= '9')
				d = ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				d = ch - 'a' + 10;
			else if (ch >= 'A' && ch <= 'F')
				d = ch - 'A' + 10;
			else
				break;	/* chunk extension */
			if (size > BUF_MAX)
				return -1;
			size = size * 16 + (size_t)d;
		}
		if (i == at)
			return -1;
		at = (size_t)cr + 2;
		if (size == 0) {
			/* Trailers, up to an empty line. */
			for (;;) {
				cr = need_line(c, at);
				if (cr < 0)
					return -1;
				if ((size_t)cr == at)
					break;
				at = (size_t)cr + 2;
			}
			c->len = out;	/* nothing is pipelined: drop what follows */
			return (ssize_t)out;
		}
		while (c->len - at < size + 2)
			if (conn_fill(c) <= 0)
				return -1;
		if (memcmp(c->buf + at + size, "\r\n", 2) != 0)
			return -1;
		memmove(c->buf + out, c->buf + at, size);
		out += size;
		at += size + 2;
		/* Give the decoded-away bytes back to the buffer. */
		memmove(c->buf + out, c->buf + at, c->len - at);
		c->len -= at - out;
		at = out;
	}
}

enum { READ_OK, READ_FAIL, READ_EOF_FIRST };

/* Reads one response. READ_EOF_FIRST: the server closed before sending a byte. */
static int
read_response(struct conn *c, struct resp *r, bool *close_after)
{
	const char *end, *p, *v;
	size_t hlen, vlen, clen = 0;
	bool has_clen = false, chunked = false;
	ssize_t n;

	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4)) == NULL) {
		n = conn_fill(c);
		if (c->len == 0 && (n == 0 || (n < 0 && errno == ECONNRESET)))
			return READ_EOF_FIRST;
		if (n <= 0)
			return READ_FAIL;
	}
	hlen = (size_t)(end - c->buf) + 4;
	if (hlen < 12 || memcmp(c->buf, "HTTP/1.", 7) != 0 || c->buf[8] != ' ')
		return READ_FAIL;
	for (int i = 9; i < 12; i++)
		if (c->buf[i] < '0' || c->buf[i] > '9')
			return READ_FAIL;
	r->status = (c->buf[9] - '0') * 100 + (c->buf[10] - '0') * 10 + (c->buf[11] - '0');
	*close_after = c->buf[7] == '0';
	r->head = c->buf;
	r->headlen = hlen;
	p = crlf(c->buf, hlen) + 2;
	while (p < end) {
		const char *eol = crlf(p, (size_t)(end + 2 - p));
		size_t ln = (size_t)(eol - p);

		if (header_is(p, ln, "Content-Length", &v, &vlen)) {
			char num[24];
			char *e;

			if (vlen == 0 || vlen >= sizeof(num))
				return READ_FAIL;
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			errno = 0;
			clen = (size_t)strtoull(num, &e, 10);
			if (errno != 0 || *e != '\0' || clen > BUF_MAX)
				return READ_FAIL;
			has_clen = true;
		} else if (header_is(p, ln, "Transfer-Encoding", &v, &vlen)) {
			chunked = value_has(v, vlen, "chunked");
		} else if (header_is(p, ln, "Connection", &v, &vlen)) {
			if (value_has(v, vlen, "close"))
				*close_after = true;
			else if (value_has(v, vlen, "keep-alive"))
				*close_after = false;
		}
		p = eol + 2;
	}
	r->body = c->buf + hlen;
	if (chunked) {
		n = read_chunked(c, hlen);
		if (n < 0)
			return READ_FAIL;
		r->bodylen = (size_t)n - hlen;
	} else if (has_clen) {
		while (c->len < hlen + clen)
			if (conn_fill(c) <= 0)
				return READ_FAIL;
		r->bodylen = clen;
	} else if (r->status == 204 || r->status == 304 || r->status < 200) {
		r->bodylen = 0;
	} else {
		/* Delimited by the end of the connection. */
		while ((n = conn_fill(c)) > 0)
			;
		if (n < 0)
			return READ_FAIL;
		r->bodylen = c->len - hlen;
		*close_after = true;
	}
	return READ_OK;
}

/* Sends req and reads its response, reconnecting once when the server had ended the
 * keep-alive connection. Returns 0 or -1 (transport failure, described in err). */
static int
exchange(struct conn *c, const char *req, size_t reqlen, struct resp *r, const char **err)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		bool close_after = false, was_reused;
		int rc;

		if (c->fd < 0 && conn_open(c) != 0) {
			*err = "cannot connect";
			return -1;
		}
		was_reused = c->reused;
		c->len = 0;
		if (send_all(c->fd, req, reqlen) != 0) {
			conn_close(c);
			if (was_reused)
				continue;
			*err = "cannot send the request";
			return -1;
		}
		rc = read_response(c, r, &close_after);
		if (rc == READ_EOF_FIRST && was_reused) {
			conn_close(c);
			continue;
		}
		if (rc != READ_OK) {
			*err = errno == EMSGSIZE ? "response larger than 64 KiB" :
			    "connection failed or bad response";
			conn_close(c);
			return -1;
		}
		if (close_after) {
			/* The response stays readable in the buffer: only the socket goes. */
			close(c->fd);
			c->fd = -1;
			c->reused = false;
		} else
			c->reused = true;
		return 0;
	}
	*err = "connection closed twice before an answer";
	return -1;
}

/* --- the clients --- */

static void
fail(const char *what, const struct resp *r, const char *err)
{
	char text[201];
	size_t n = 0;

	atomic_fetch_add(&errors, 1);
	if (atomic_flag_test_and_set(&first_error))
		return;
	if (r != NULL) {
		n = r->bodylen < sizeof(text) - 1 ? r->bodylen : sizeof(text) - 1;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)r->body[i];

			text[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
		}
	}
	text[n] = '\0';
	if (r != NULL)
		fprintf(stderr, "first error: %s answered %d: %s\n", what, r->status, text);
	else
		fprintf(stderr, "first error: %s: %s\n", what, err);
}

/* Collects the name=value pairs of the Set-Cookie headers into jar ("a=1; b=2"). */
static int
take_cookies(const struct resp *r, char *jar, size_t jarlen)
{
	const char *p = crlf(r->head, r->headlen) + 2;
	const char *end = r->head + r->headlen - 2;
	size_t used = 0;

	jar[0] = '\0';
	while (p < end) {
		const char *eol = crlf(p, (size_t)(end + 2 - p));
		const char *v, *semi;
		size_t vlen;

		if (header_is(p, (size_t)(eol - p), "Set-Cookie", &v, &vlen)) {
			semi = memchr(v, ';', vlen);
			if (semi != NULL)
				vlen = (size_t)(semi - v);
			if (used + vlen + 3 > jarlen)
				return -1;
			if (used > 0) {
				memcpy(jar + used, "; ", 2);
				used += 2;
			}
			memcpy(jar + used, v, vlen);
			used += vlen;
			jar[used] = '\0';
		}
		p = eol + 2;
	}
	return used > 0 ? 0 : -1;
}

/* Copies the value of the form's first _csrf field, URL-encoded, into tok. */
static int
take_csrf(const struct resp *r, char *tok, size_t toklen)
{
	static const char mark[] = "name=\"_csrf\" value=\"";
	static const char hex[] = "0123456789ABCDEF";
	const char *p = memmem(r->body, r->bodylen, mark, sizeof(mark) - 1);
	const char *end = r->body + r->bodylen;
	size_t n = 0;

	if (p == NULL)
		return -1;
	for (p += sizeof(mark) - 1; p < end && *p != '"'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (n + 4 > toklen)
			return -1;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			tok[n++] = (char)ch;
		else {
			tok[n++] = '%';
			tok[n++] = hex[ch >> 4];
			tok[n++] = hex[ch & 15];
		}
	}
	if (p == end || n == 0)
		return -1;
	tok[n] = '\0';
	return 0;
}

/* One client: GET /login, then POST /login/password with its cookie and CSRF token, in a
 * loop until the deadline. A login counts when its 303 arrives before the deadline. */
static void *
client(void *arg)
{
	struct conn *c = arg;
	struct resp r;
	char req[REQ_MAX], body[512], jar[JAR_MAX], tok[TOKEN_MAX];
	const char *err;
	int n, bn;

	while (now_s() < deadline) {
		n = snprintf(req, sizeof(req), "GET /login HTTP/1.1\r\nHost: %s\r\n"
		    "User-Agent: portier-login-load\r\nAccept: text/html\r\n\r\n", host);
		if (exchange(c, req, (size_t)n, &r, &err) != 0) {
			fail("GET /login", NULL, err);
			sleep(1);	/* a server that is gone is not hammered */
			continue;
		}
		if (r.status != 200) {
			fail("GET /login", &r, NULL);
			continue;
		}
		if (take_cookies(&r, jar, sizeof(jar)) != 0) {
			fail("GET /login (no session cookie)", &r, NULL);
			continue;
		}
		if (take_csrf(&r, tok, sizeof(tok)) != 0) {
			fail("GET /login (no _csrf field)", &r, NULL);
			continue;
		}
		bn = snprintf(body, sizeof(body), "_csrf=%s&username=%s&password=%s&next=%%2F",
		    tok, USERNAME, PASSWORD);
		n = snprintf(req, sizeof(req), "POST /login/password HTTP/1.1\r\nHost: %s\r\n"
		    "User-Agent: portier-login-load\r\n"
		    "Content-Type: application/x-www-form-urlencoded\r\n"
		    "Content-Length: %d\r\nCookie: %s\r\n\r\n%s", host, bn, jar, body);
		if (bn < 0 || (size_t)bn >= sizeof(body) || n < 0 || (size_t)n >= sizeof(req)) {
			fail("POST /login/password", NULL, "request too long");
			continue;
		}
		if (exchange(c, req, (size_t)n, &r, &err) != 0) {
			fail("POST /login/password", NULL, err);
			sleep(1);
			continue;
		}
		if (r.status != 303)
			fail("POST /login/password", &r, NULL);
		else if (now_s() < deadline)
			atomic_fetch_add(&logins, 1);
	}
	return NULL;
}

struct probe {
	struct conn c;
	double *ms;
	size_t n, cap;
	long errors;
};

/* Asks /healthz every 10 ms on its own connection and records each answer's latency. */
static void *
probe(void *arg)
{
	struct probe *pr = arg;
	struct timespec next;
	struct resp r;
	char req[256];
	const char *err;
	int n;

	n = snprintf(req, sizeof(req), "GET /healthz HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: portier-login-load\r\n\r\n", host);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (now_s() < deadline) {
		double a = now_s();

		if (exchange(&pr->c, req, (size_t)n, &r, &err) != 0 || r.status != 200)
			pr->errors++;
		else if (pr->n < pr->cap)
			pr->ms[pr->n++] = (now_s() - a) * 1e3;
		next.tv_nsec += PROBE_EVERY_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	return NULL;
}

/* --- main --- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
pct(const double *s, size_t n, double p)
{
	size_t i = (size_t)(p / 100 * (double)n);

	return s[i < n ? i : n - 1];
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int
parse_base(const char *url)
{
	static const char pre[] = "http://127.0.0.1";
	const char *p = url + sizeof(pre) - 1;
	long port = 80;
	char *e;

	if (strncmp(url, pre, sizeof(pre) - 1) != 0 || (*p != ':' && *p != '/' && *p != '\0'))
		return -1;
	if (*p == ':') {
		errno = 0;
		port = strtol(p + 1, &e, 10);
		if (errno != 0 || e == p + 1 || port < 1 || port > 65535 ||
		    (*e != '\0' && strcmp(e, "/") != 0))
			return -1;
	} else if (*p == '/' && p[1] != '\0')
		return -1;
	memset(&server, 0, sizeof(server));
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)port);
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(host, sizeof(host), "127.0.0.1:%ld", port);
	return 0;
}

/* The reference before or after a segment of logins. */
struct ref {
	double core_ms[MAX_CORES];   /* one hash alone on each core */
	double limit;                /* sum over the cores of 1000 / core_ms: hashes/s */
	double all_rate;             /* hashes/s with every core hashing at once */
};

static int
reference(struct ref *r)
{
	r->limit = 0;
	for (int c = 0; c < ncores; c++) {
		if ((r->core_ms[c] = hash_alone_ms(c)) < 0)
			goto fail;
		r->limit += 1e3 / r->core_ms[c];
	}
	if ((r->all_rate = hash_all_rate(ncores)) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "login_load: password_hash failed\n");
	return -1;
}

/* "33.0/21.0" into out: the time of one hash on each core. */
static const char *
core_list(const struct ref *r, char *out, size_t outlen)
{
	size_t at = 0;

	out[0] = '\0';
	for (int c = 0; c < ncores && at < outlen; c++)
		at += (size_t)snprintf(out + at, outlen - at, "%s%.1f", c ? "/" : "", r->core_ms[c]);
	return out;
}

/* One segment: the clients and the probe for secs seconds. Adds the segment's CPU time of
 * this process to *cpu; returns the logins it counted, or -1 when the threads cannot start. */
static long
segment(struct conn *conns, struct probe *pr, double secs, double *cpu)
{
	pthread_t t[CLIENTS], pt;
	long before = atomic_load(&logins);
	double c0 = cpu_s();
	int started = 0;

	deadline = now_s() + secs;
	if (pthread_create(&pt, NULL, probe, pr) != 0)
		return -1;
	for (; started < CLIENTS; started++)
		if (pthread_create(&t[started], NULL, client, &conns[started]) != 0)
			break;
	/* Logins answered after the deadline are not counted, but waited for: the hashes
	 * measured next must not share the CPU with the server's. */
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_join(pt, NULL);
	*cpu += cpu_s() - c0;
	for (int i = 0; i < CLIENTS; i++)
		conn_close(&conns[i]);
	conn_close(&pr->c);
	if (started < CLIENTS) {
		fprintf(stderr, "login_load: cannot start the clients\n");
		return -1;
	}
	return atomic_load(&logins) - before;
}

int
main(int argc, char **argv)
{
	static struct ref ref[SEGMENTS + 1];
	struct conn *conns = NULL;
	struct probe *pr = NULL;
	double ratio[SEGMENTS], cpu = 0, seconds, seg, allowed = 0, allowed_all = 0;
	double fastest = 1e300, limit = 0, all_rate = 0;
	long got[SEGMENTS], total = 0;
	char *e, l1[256], l2[256];
	int rc = 1;

	if (argc != 3 || parse_base(argv[1]) != 0) {
		fprintf(stderr, "usage: login_load http://127.0.0.1:PORT SECONDS (loopback only)\n");
		return 2;
	}
	seconds = strtod(argv[2], &e);
	if (*e != '\0' || !(seconds >= SEGMENTS && seconds <= 3600)) {
		fprintf(stderr, "login_load: SECONDS must be %d to 3600\n", SEGMENTS);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0 || cores_init() != 0)
		return 1;

	conns = calloc(CLIENTS, sizeof(*conns));
	pr = calloc(1, sizeof(*pr));
	if (conns == NULL || pr == NULL)
		goto done;
	pr->cap = (size_t)(seconds * 1e3 / (PROBE_EVERY_NS / 1e6)) + 16 * SEGMENTS;
	pr->ms = calloc(pr->cap, sizeof(*pr->ms));
	if (pr->ms == NULL)
		goto done;
	pr->c.fd = -1;
	for (int i = 0; i < CLIENTS; i++)
		conns[i].fd = -1;

	/* The limit is cores ÷ the time of one hash alone. On a VM the cores need not be
	 * equally fast (here one may hash half again as slowly as the other, whatever runs on
	 * it): the time is measured on each core, and the limit is the sum of the cores'
	 * rates. The machine's speed drifts too: the logins run in SEGMENTS parts, each
	 * between two measures, and each part is set against the mean of the two. */
	seg = seconds / SEGMENTS;
	if (reference(&ref[0]) != 0)
		goto done;
	for (int k = 0; k < SEGMENTS; k++) {
		double lim, lim_all;

		if ((got[k] = segment(conns, pr, seg, &cpu)) < 0 || reference(&ref[k + 1]) != 0)
			goto done;
		lim = (ref[k].limit + ref[k + 1].limit) / 2;
		lim_all = (ref[k].all_rate + ref[k + 1].all_rate) / 2;
		ratio[k] = (double)got[k] / seg / lim;
		allowed += lim * seg;
		allowed_all += lim_all * seg;
		total += got[k];
		printf("segment %d: one hash alone on each core %s ms before, %s ms after = "
		    "%.1f hashes/s; every core at once %.1f/s; %ld logins in %.1f s = %.1f "
		    "logins/s = %.0f %%\n", k + 1, core_list(&ref[k], l1, sizeof(l1)),
		    core_list(&ref[k + 1], l2, sizeof(l2)), lim, lim_all, got[k], seg,
		    (double)got[k] / seg, 100 * ratio[k]);
	}
	for (int k = 0; k <= SEGMENTS; k++) {
		limit += ref[k].limit / (SEGMENTS + 1);
		all_rate += ref[k].all_rate / (SEGMENTS + 1);
		for (int c = 0; c < ncores; c++)
			if (ref[k].core_ms[c] < fastest)
				fastest = ref[k].core_ms[c];
	}
	qsort(ratio, SEGMENTS, sizeof(*ratio), cmp_double);
	printf("limit of this machine: %d core%s, one Argon2id hash alone in %.1f ms on average "
	    "(harmonic mean over the cores) = %.1f logins/s; every core hashing at once %.1f/s; "
	    "all cores as fast as the fastest one ever measured (%.1f ms) %.1f/s\n", ncores,
	    ncores == 1 ? "" : "s", ncores * 1e3 / limit, limit, all_rate, fastest,
	    ncores * 1e3 / fastest);
	printf("logins: %ld in %.1f s = %.1f logins/s (%d concurrent clients), %ld errors "
	    "= %.0f %% of the limit (segments %.0f-%.0f %%; target >= 85 %%: %s), "
	    "%.0f %% of every core hashing at once, %.0f %% of the fastest core's reading\n",
	    total, seconds, (double)total / seconds, CLIENTS, atomic_load(&errors),
	    100 * (double)total / allowed, 100 * ratio[0], 100 * ratio[SEGMENTS - 1],
	    (double)total >= 0.85 * allowed ? "met" : "NOT met",
	    100 * (double)total / allowed_all,
	    100 * (double)total / seconds / (ncores * 1e3 / fastest));
	printf("load generator CPU during logins: %.2f s = %.1f %% of one core\n",
	    cpu, 100 * cpu / seconds);
	if (pr->n > 0) {
		double p99;

		qsort(pr->ms, pr->n, sizeof(*pr->ms), cmp_double);
		p99 = pct(pr->ms, pr->n, 99);
		printf("/healthz during logins: n=%zu p50 %.1f ms, p99 %.1f ms, max %.1f ms%s "
		    "(target p99 < 20 ms: %s)\n", pr->n, pct(pr->ms, pr->n, 50), p99,
		    pr->ms[pr->n - 1], pr->errors > 0 ? ", with errors" : "",
		    p99 < 20 ? "met" : "NOT met");
	} else
		printf("/healthz during logins: no answer (%ld errors)\n", pr->errors);
	rc = atomic_load(&errors) > 0 || total == 0 || pr->errors > 0 ? 1 : 0;
done:
	if (pr != NULL)
		free(pr->ms);
	free(pr);
	free(conns);
	return rc;
}
