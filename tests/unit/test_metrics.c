/* test_metrics.c — the counters behind /metrics (base/metrics.c): route ids, labels that
 * cannot break the text format, cumulative histogram buckets, bounded series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/metrics.h"

/* The value of the sample line starting with prefix ("name{labels} "), or -1. */
static long long
sample(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);
	long long v = -1;

	if (p != NULL && (p == text || p[-1] == '\n'))
		sscanf(p + strlen(prefix), "%lld", &v);
	return v;
}

static char *
scrape(struct buf *b)
{
	buf_init(b, 1 << 22);
	assert_int_equal(metrics_write(b), 0);
	assert_int_equal(buf_putc(b, '\0'), 0);
	return b->data;
}

static void
test_routes(void **state)
{
	int a = metric_route("GET", "/t/:id");
	struct buf b;
	char *t;

	(void)state;
	assert_true(a > 0);
	assert_int_equal(metric_route("GET", "/t/:id"), a);     /* same pair, same id */
	assert_int_not_equal(metric_route("POST", "/t/:id"), a);
	/* A pattern that would break a label value is not registered: its requests count
	 * under route="(none)". */
	assert_int_equal(metric_route("GET", "/q\"uote"), 0);
	assert_int_equal(metric_route("GET", "/back\\slash"), 0);
	assert_int_equal(metric_route("GET", "/new\nline"), 0);
	metric_request(a, 200, 3000000);         /* 3 ms */
	metric_request(a, 200, 40000000);        /* 40 ms */
	metric_request(a, 299, 1);               /* not a known status */
	metric_request(9999, 404, 1);            /* out of range: (none) */
	t = scrape(&b);
	assert_int_equal(sample(t, "portier_http_requests_total{method=\"GET\",route=\"/t/:id\","
	    "status=\"200\"} "), 2);
	assert_int_equal(sample(t, "portier_http_requests_total{method=\"GET\",route=\"/t/:id\","
	    "status=\"other\"} "), 1);
	assert_int_equal(sample(t, "portier_http_requests_total{method=\"\",route=\"(none)\","
	    "status=\"404\"} "), 1);
	/* Cumulative: 2 at or under 5 ms (3 ms and the 1 ns one), 3 at 50 ms, +Inf = count. */
	assert_int_equal(sample(t, "portier_http_request_duration_seconds_bucket{method=\"GET\","
	    "route=\"/t/:id\",le=\"0.005\"} "), 2);
	assert_int_equal(sample(t, "portier_http_request_duration_seconds_bucket{method=\"GET\","
	    "route=\"/t/:id\",le=\"0.05\"} "), 3);
	assert_int_equal(sample(t, "portier_http_request_duration_seconds_bucket{method=\"GET\","
	    "route=\"/t/:id\",le=\"+Inf\"} "), 3);
	assert_int_equal(sample(t, "portier_http_request_duration_seconds_count{method=\"GET\","
	    "route=\"/t/:id\"} "), 3);
	assert_null(strstr(t, "uote"));
	buf_free(&b);
}

static void
test_enums(void **state)
{
	struct buf b;
	char *t;

	(void)state;
	assert_int_equal(metric_door_of("totp"), MDOOR_TOTP);
	assert_int_equal(metric_door_of("passkey"), MDOOR_PASSKEY);
	assert_int_equal(metric_door_of("passkey2"), MDOOR_PASSKEY2);
	assert_int_equal(metric_door_of("activation"), MDOOR_N);
	assert_int_equal(metric_door_of(NULL), MDOOR_N);
	metric_login(MDOOR_EID, MRES_FAILURE);
	metric_login(metric_door_of("activation"), MRES_SUCCESS);   /* not counted */
	metric_login(MDOOR_PASSWORD, MRES_N);                       /* out of range: ignored */
	metric_stepup(MDOOR_TOTP);
	metric_token(MGRANT_REFRESH_TOKEN);
	metric_mail(MMAIL_FAILED);
	metric_db_error(MDB_POSTGRESQL);
	metric_db_time(MDB_SQLITE, 700000);   /* 0.7 ms */
	metric_gauge_add(MGAUGE_HASH_QUEUE, 3);
	metric_gauge_add(MGAUGE_HASH_QUEUE, -1);
	t = scrape(&b);
	assert_int_equal(sample(t, "portier_logins_total{door=\"eid\",result=\"failure\"} "), 1);
	assert_int_equal(sample(t, "portier_logins_total{door=\"password\",result=\"success\"} "), 0);
	assert_int_equal(sample(t, "portier_stepups_total{door=\"totp\"} "), 1);
	assert_int_equal(sample(t, "portier_tokens_issued_total{grant=\"refresh_token\"} "), 1);
	assert_int_equal(sample(t, "portier_mails_total{result=\"failed\"} "), 1);
	assert_int_equal(sample(t, "portier_db_errors_total{backend=\"postgresql\"} "), 1);
	assert_int_equal(sample(t, "portier_db_transaction_seconds_bucket{backend=\"sqlite\","
	    "le=\"0.0005\"} "), 0);
	assert_int_equal(sample(t, "portier_db_transaction_seconds_bucket{backend=\"sqlite\","
	    "le=\"0.001\"} "), 1);
	assert_int_equal(sample(t, "portier_queue_depth{queue=\"hashing\"} "), 2);
	assert_non_null(strstr(t, "# HELP portier_logins_total "));
	assert_non_null(strstr(t, "# TYPE portier_logins_total counter\n"));
	assert_non_null(strstr(t, "# TYPE portier_db_transaction_seconds histogram\n"));
	buf_free(&b);
}

/* The table of routes is bounded: past it, every new pattern shares route="(none)". */
static void
test_bounded(void **state)
{
	char pat[32];
	int last = 1;

	(void)state;
	for (int i = 0; i < 300; i++) {
		snprintf(pat, sizeof(pat), "/many/%d", i);
		last = metric_route("GET", pat);
	}
	assert_int_equal(last, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
