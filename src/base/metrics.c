/* metrics.c — the counters behind /metrics: static arrays of C11 atomics, bumped from any
 * thread without a lock, and their Prometheus text exposition (format 0.0.4). */
#include "base/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ROUTES_MAX 256     /* as web/'s WEB_MAX_ROUTES; id 0 is "no route" */
#define PATTERN_MAX 96

/* Status codes a handler or the adapter sends; anything else counts as "other". */
static const int statuses[] = {
	200, 201, 204, 301, 302, 303, 304, 307, 400, 401, 403, 404, 405, 406, 408, 409, 410,
	413, 414, 415, 422, 429, 431, 500, 501, 502, 503, 504,
};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

/* Bucket bounds in seconds (le); +Inf is the count. */
static const double req_le[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
static const double db_le[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
	0.5, 1 };
#define NREQ_LE (sizeof(req_le) / sizeof(req_le[0]))
#define NDB_LE (sizeof(db_le) / sizeof(db_le[0]))

struct histo {
	_Atomic uint64_t bucket[12];   /* non-cumulative; the writer adds them up */
	_Atomic uint64_t count;
	_Atomic uint64_t sum_ns;
};

struct route_name {
	char method[8];
	char pattern[PATTERN_MAX];
};

static pthread_mutex_t route_lock = PTHREAD_MUTEX_INITIALIZER;
static struct route_name routes[ROUTES_MAX];
static _Atomic int nroutes = 1;     /* routes[0]: no route matched */

static _Atomic uint64_t requests[ROUTES_MAX][NSTATUS + 1];
static struct histo req_time[ROUTES_MAX];
static _Atomic uint64_t logins[MDOOR_N][MRES_N];
static _Atomic uint64_t stepups[MDOOR_N];
static _Atomic uint64_t tokens[MGRANT_N];
static _Atomic uint64_t flows[MFLOW_N];
static struct histo db_time[MDB_N];
static _Atomic uint64_t db_errors[MDB_N];
static _Atomic uint64_t mails[MMAIL_N];
static _Atomic long gauges[MGAUGE_N];

static const char *const door_names[MDOOR_N] = { "password", "totp", "token", "eid", "email",
	"passkey", "passkey2" };
static const char *const result_names[MRES_N] = { "success", "failure" };
static const char *const grant_names[MGRANT_N] = { "authorization_code", "refresh_token" };
static const char *const flow_names[MFLOW_N] = { "authorize", "code", "error" };
static const char *const backend_names[MDB_N] = { "sqlite", "postgresql" };
static const char *const mail_names[MMAIL_N] = { "sent", "failed" };

long long
metric_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Copies s into out[0..len) when it fits and holds only printable ASCII other than
 * quote and backslash (route patterns are code, but a label value must stay valid). */
static int
label_copy(char *out, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return -1;
	memcpy(out, s, n + 1);
	return 0;
}

int
metric_route(const char *method, const char *pattern)
{
	int n, id = 0;

	pthread_mutex_lock(&route_lock);
	n = atomic_load(&nroutes);
	for (int i = 1; i < n; i++)
		if (strcmp(routes[i].method, method) == 0 &&
		    strcmp(routes[i].pattern, pattern) == 0) {
			id = i;
			goto done;
		}
	if (n < ROUTES_MAX && label_copy(routes[n].method, sizeof(routes[n].method), method) == 0 &&
	    label_copy(routes[n].pattern, sizeof(routes[n].pattern), pattern) == 0) {
		id = n;
		atomic_store(&nroutes, n + 1);   /* after the names: a reader sees them written */
	}
done:
	pthread_mutex_unlock(&route_lock);
	return id;
}

static void
histo_add(struct histo *h, const double *le, size_t nle, long long ns)
{
	double s = (double)ns / 1e9;
	size_t i = 0;

	if (ns < 0)
		ns = 0;
	while (i < nle && s > le[i])
		i++;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, (uint64_t)ns, memory_order_relaxed);
}

void
metric_request(int route, int status, long long ns)
{
	size_t k = NSTATUS;

	if (route < 0 || route >= ROUTES_MAX)
		route = 0;
	for (size_t i = 0; i < NSTATUS; i++)
		if (statuses[i] == status)
			k = i;
	atomic_fetch_add_explicit(&requests[route][k], 1, memory_order_relaxed);
	histo_add(&req_time[route], req_le, NREQ_LE, ns);
}

#define BUMP(arr, i, n) do { \
	if ((unsigned)(i) < (unsigned)(n)) \
		atomic_fetch_add_explicit(&(arr)[i], 1, memory_order_relaxed); \
} while (0)

enum metric_door
metric_door_of(const char *method)
{
	for (int i = 0; method != NULL && i < MDOOR_N; i++)
		if (strcmp(method, door_names[i]) == 0)
			return (enum metric_door)i;
	return MDOOR_N;
}

void
metric_login(enum metric_door door, enum metric_result result)
{
	if ((unsigned)door < MDOOR_N)
		BUMP(logins[door], result, MRES_N);
}

void metric_stepup(enum metric_door door) { BUMP(stepups, door, MDOOR_N); }
void metric_token(enum metric_grant grant) { BUMP(tokens, grant, MGRANT_N); }
void metric_flow(enum metric_flow stage) { BUMP(flows, stage, MFLOW_N); }
void metric_db_error(enum metric_backend b) { BUMP(db_errors, b, MDB_N); }
void metric_mail(enum metric_mail result) { BUMP(mails, result, MMAIL_N); }

void
metric_db_time(enum metric_backend b, long long ns)
{
	if ((unsigned)b < MDB_N)
		histo_add(&db_time[b], db_le, NDB_LE, ns);
}

void
metric_gauge_add(enum metric_gauge g, long delta)
{
	if ((unsigned)g < MGAUGE_N)
		atomic_fetch_add_explicit(&gauges[g], delta, memory_order_relaxed);
}

static uint64_t
get(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static int
head(struct buf *out, const char *name, const char *type, const char *help)
{
	return buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One histogram's series; labels is `k="v"` (no braces). */
static int
histo_write(struct buf *out, const char *name, const char *labels, struct histo *h,
    const double *le, size_t nle)
{
	uint64_t cum = 0;

	for (size_t i = 0; i < nle; i++) {
		cum += get(&h->bucket[i]);
		if (buf_printf(out, "%s_bucket{%s,le=\"%g\"} %llu\n", name, labels, le[i],
		    (unsigned long long)cum) != 0)
			return -1;
	}
	return buf_printf(out, "%s_bucket{%s,le=\"+Inf\"} %llu\n%s_sum{%s} %.9f\n"
	    "%s_count{%s} %llu\n", name, labels, (unsigned long long)get(&h->count), name, labels,
	    (double)get(&h->sum_ns) / 1e9, name, labels, (unsigned long long)get(&h->count));
}

static void
route_labels(int i, char *out, size_t len)
{
	if (i == 0)
		snprintf(out, len, "method=\"\",route=\"(none)\"");
	else
		snprintf(out, len, "method=\"%.7s\",route=\"%.95s\"", routes[i].method, routes[i].pattern);
}

static int
write_requests(struct buf *out)
{
	int n = atomic_load(&nroutes);
	char lab[PATTERN_MAX + 48];

	if (head(out, "portier_http_requests_total", "counter",
	    "HTTP requests answered, by route pattern, method and status.") != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		route_labels(i, lab, sizeof(lab));
		for (size_t k = 0; k <= NSTATUS; k++) {
			uint64_t v = get(&requests[i][k]);
			char st[8];

			if (v == 0)
				continue;
			if (k < NSTATUS)
				snprintf(st, sizeof(st), "%d", statuses[k]);
			else
				snprintf(st, sizeof(st), "other");
			if (buf_printf(out, "portier_http_requests_total{%s,status=\"%s\"} %llu\n", lab,
			    st, (unsigned long long)v) != 0)
				return -1;
		}
	}
	if (head(out, "portier_http_request_duration_seconds", "histogram",
	    "Time from the request's arrival to its answer, by route pattern.") != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (get(&req_time[i].count) == 0)
			continue;
		route_labels(i, lab, sizeof(lab));
		if (histo_write(out, "portier_http_request_duration_seconds", lab, &req_time[i],
		    req_le, NREQ_LE) != 0)
			return -1;
	}
	return 0;
}

/* A counter family over one enum: every value written, 0 included (known series). */
static int
write_enum(struct buf *out, const char *name, const char *help, const char *label,
    const char *const *names, _Atomic uint64_t *v, int n)
{
	if (head(out, name, "counter", help) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (buf_printf(out, "%s{%s=\"%s\"} %llu\n", name, label, names[i],
		    (unsigned long long)get(&v[i])) != 0)
			return -1;
	return 0;
}

static int
write_logins(struct buf *out)
{
	if (head(out, "portier_logins_total", "counter",
	    "Login attempts decided, by door and result.") != 0)
		return -1;
	for (int d = 0; d < MDOOR_N; d++)
		for (int r = 0; r < MRES_N; r++)
			if (buf_printf(out, "portier_logins_total{door=\"%s\",result=\"%s\"} %llu\n",
			    door_names[d], result_names[r], (unsigned long long)get(&logins[d][r])) != 0)
				return -1;
	return write_enum(out, "portier_stepups_total",
	    "Logins that raised the level of a session already logged in, by door.", "door",
	    door_names, stepups, MDOOR_N);
}

static int
write_db(struct buf *out)
{
	char lab[40];

	if (head(out, "portier_db_transaction_seconds", "histogram",
	    "Database transactions from begin to commit or rollback, by backend.") != 0)
		return -1;
	for (int b = 0; b < MDB_N; b++) {
		if (get(&db_time[b].count) == 0)
			continue;
		snprintf(lab, sizeof(lab), "backend=\"%s\"", backend_names[b]);
		if (histo_write(out, "portier_db_transaction_seconds", lab, &db_time[b], db_le,
		    NDB_LE) != 0)
			return -1;
	}
	return write_enum(out, "portier_db_errors_total",
	    "Database calls that failed (begin, statement, commit), by backend.", "backend",
	    backend_names, db_errors, MDB_N);
}

int
metrics_write_gauge(struct buf *out, const char *name, const char *help, const char *labels,
    double value)
{
	if (head(out, name, "gauge", help) != 0)
		return -1;
	if (labels[0] != '\0')
		return buf_printf(out, "%s{%s} %.17g\n", name, labels, value);
	return buf_printf(out, "%s %.17g\n", name, value);
}

int
metrics_write(struct buf *out)
{
	if (write_requests(out) != 0 || write_logins(out) != 0 ||
	    write_enum(out, "portier_tokens_issued_total", "Tokens issued at /token, by grant.",
	    "grant", grant_names, tokens, MGRANT_N) != 0 ||
	    write_enum(out, "portier_oidc_flows_total",
	    "OpenID Connect authorization flows, by stage.", "stage", flow_names, flows,
	    MFLOW_N) != 0 ||
	    write_db(out) != 0 ||
	    write_enum(out, "portier_mails_total", "Mails handed to the SMTP relay, by result.",
	    "result", mail_names, mails, MMAIL_N) != 0)
		return -1;
	if (head(out, "portier_queue_depth", "gauge",
	    "Items waiting: password hashing workers, token committer.") != 0 ||
	    buf_printf(out, "portier_queue_depth{queue=\"hashing\"} %ld\n"
	    "portier_queue_depth{queue=\"token_committer\"} %ld\n",
	    atomic_load(&gauges[MGAUGE_HASH_QUEUE]), atomic_load(&gauges[MGAUGE_TOKEN_QUEUE])) != 0)
		return -1;
	return 0;
}
