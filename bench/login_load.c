/* login_load.c — `make bench`: password logins/s with 20 concurrent clients (libcurl) against
 * a running portier, as a share of this machine's limit (cores ÷ time of one Argon2id hash,
 * measured here between the logins: they run in four parts, each set against the reference
 * measured just before and just after it), and /healthz latency while the logins run.
 * Loopback only. Usage: login_load http://127.0.0.1:PORT SECONDS. Prints the figures next to
 * their targets and fails on none of them; exits 1 when a login failed (the figures would not
 * be logins'). */
#include <sys/resource.h>
#include <sys/time.h>

#include <curl/curl.h>
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
#include <time.h>
#include <unistd.h>

#include "auth/password.h"

#define CLIENTS		20
#define BUF_MAX		(64 * 1024)	/* one response; the login page is ~6 KiB */
#define TOKEN_MAX	256
#define IO_TIMEOUT_S	30
#define PROBE_EVERY_NS	10000000L	/* /healthz every 10 ms */
#define HASHES_ALONE	20	/* on each core: about 0.5 s */
#define HASH_ALL_S	1.0	/* every core hashing at once */
#define MAX_CORES	64
#define SEGMENTS	4	/* parts of the login time, a reference before and after each */
#define USERNAME	"jan.peeters"
#define PASSWORD	"Demo-portier-2026"

/* One client: a libcurl handle (it keeps its connection alive between requests) and the
 * body of its last response. */
struct conn {
	CURL *h;
	long status;
	size_t len;	/* bytes in buf */
	bool overflow;
	char buf[BUF_MAX + 1];
};

struct hash_run {
	pthread_barrier_t *start;
	_Atomic double *until;   /* hash until then */
	long done;
	int failed;
};

static char base[64];   /* http://127.0.0.1:PORT */
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
	struct password_cfg cfg;

	/* The server's default costs (password_ops 2, password_mem_kib 19456). */
	password_cfg_init(&cfg, 2, 19456);
	return password_hash(&cfg, PASSWORD, out, sizeof(out));
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

/* --- HTTP through libcurl --- */

static size_t
take_body(char *p, size_t size, size_t n, void *arg)
{
	struct conn *c = arg;

	n *= size;
	if (c->len + n > BUF_MAX) {
		c->overflow = true;
		return 0;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return n;
}

static int
conn_open(struct conn *c)
{
	if ((c->h = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, take_body);
	curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->h, CURLOPT_USERAGENT, "portier-login-load");
	curl_easy_setopt(c->h, CURLOPT_TIMEOUT, (long)IO_TIMEOUT_S);
	curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->h, CURLOPT_COOKIEFILE, "");   /* cookies in memory */
	return 0;
}

static void
conn_close(struct conn *c)
{
	curl_easy_cleanup(c->h);
	c->h = NULL;
}

/* GET path, or POST body (form-encoded) to it; the answer in c. NULL, or what failed. */
static const char *
exchange(struct conn *c, const char *path, const char *body)
{
	char url[sizeof(base) + 64];
	CURLcode rc;

	snprintf(url, sizeof(url), "%s%s", base, path);
	c->len = 0;
	c->buf[0] = '\0';
	c->overflow = false;
	c->status = 0;
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	if (body != NULL)
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body);
	else
		curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	rc = curl_easy_perform(c->h);
	if (c->overflow)
		return "response too long";
	if (rc != CURLE_OK)
		return curl_easy_strerror(rc);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->status);
	return NULL;
}

/* --- the clients --- */

/* Counts an error; the first one is said on stderr, with the answer when there was one. */
static void
fail(const char *what, const struct conn *c, const char *err)
{
	char text[201];
	size_t n = 0;

	atomic_fetch_add(&errors, 1);
	if (atomic_flag_test_and_set(&first_error))
		return;
	if (err != NULL) {
		fprintf(stderr, "first error: %s: %s\n", what, err);
		return;
	}
	for (; n < c->len && n < sizeof(text) - 1; n++) {
		unsigned char ch = (unsigned char)c->buf[n];

		text[n] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	text[n] = '\0';
	fprintf(stderr, "first error: %s answered %ld: %s\n", what, c->status, text);
}

/* The value of the form's first _csrf field, URL-encoded (curl_free it), or NULL. */
static char *
take_csrf(struct conn *c)
{
	static const char mark[] = "name=\"_csrf\" value=\"";
	const char *p = strstr(c->buf, mark), *end;

	if (p == NULL)
		return NULL;
	p += sizeof(mark) - 1;
	if ((end = strchr(p, '"')) == NULL || end == p || end - p > TOKEN_MAX)
		return NULL;
	return curl_easy_escape(c->h, p, (int)(end - p));
}

/* One client: GET /login as a new visitor, then POST /login/password with the session
 * cookie and the CSRF token, in a loop until the deadline. A login counts when its 303
 * arrives before the deadline. */
static void *
client(void *arg)
{
	struct conn *c = arg;
	char body[512], *tok;
	const char *err;

	while (now_s() < deadline) {
		curl_easy_setopt(c->h, CURLOPT_COOKIELIST, "ALL");
		if ((err = exchange(c, "/login", NULL)) != NULL) {
			fail("GET /login", c, err);
			sleep(1);	/* a server that is gone is not hammered */
			continue;
		}
		if (c->status != 200) {
			fail("GET /login", c, NULL);
			continue;
		}
		if ((tok = take_csrf(c)) == NULL) {
			fail("GET /login (no _csrf field)", c, NULL);
			continue;
		}
		snprintf(body, sizeof(body), "_csrf=%s&username=%s&password=%s&next=%%2F", tok,
		    USERNAME, PASSWORD);
		curl_free(tok);
		if ((err = exchange(c, "/login/password", body)) != NULL) {
			fail("POST /login/password", c, err);
			sleep(1);
			continue;
		}
		if (c->status != 303)
			fail("POST /login/password", c, NULL);
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

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (now_s() < deadline) {
		double a = now_s();

		if (exchange(&pr->c, "/healthz", NULL) != NULL || pr->c.status != 200)
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

/* Accepts http://127.0.0.1:PORT (loopback only) into base. */
static int
parse_base(const char *url)
{
	static const char pre[] = "http://127.0.0.1:";
	long port;
	char *e;

	if (strncmp(url, pre, sizeof(pre) - 1) != 0)
		return -1;
	errno = 0;
	port = strtol(url + sizeof(pre) - 1, &e, 10);
	if (errno != 0 || e == url + sizeof(pre) - 1 || port < 1 || port > 65535 ||
	    (*e != '\0' && strcmp(e, "/") != 0))
		return -1;
	snprintf(base, sizeof(base), "%s%ld", pre, port);
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
	if (sodium_init() < 0 || cores_init() != 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;

	conns = calloc(CLIENTS, sizeof(*conns));
	pr = calloc(1, sizeof(*pr));
	if (conns == NULL || pr == NULL)
		goto done;
	pr->cap = (size_t)(seconds * 1e3 / (PROBE_EVERY_NS / 1e6)) + 16 * SEGMENTS;
	pr->ms = calloc(pr->cap, sizeof(*pr->ms));
	if (pr->ms == NULL)
		goto done;
	if (conn_open(&pr->c) != 0)
		goto done;
	for (int i = 0; i < CLIENTS; i++)
		if (conn_open(&conns[i]) != 0)
			goto done;

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
	for (int i = 0; conns != NULL && i < CLIENTS; i++)
		conn_close(&conns[i]);
	if (pr != NULL) {
		conn_close(&pr->c);
		free(pr->ms);
	}
	free(pr);
	free(conns);
	return rc;
}
