/* metrics.h — process-wide counters, gauges and fixed-bucket histograms for /metrics, kept
 * lock-free (C11 atomics in static arrays) and written out in the Prometheus text format. */
#ifndef PORTIER_BASE_METRICS_H
#define PORTIER_BASE_METRICS_H

#include <stdint.h>

#include "base/buf.h"

/* Labels come only from these enums and from route patterns registered at start: never
 * a raw path, a user, a NISS or any text a client sends, so the series stay few. */
enum metric_door { MDOOR_PASSWORD, MDOOR_TOTP, MDOOR_TOKEN, MDOOR_EID, MDOOR_EMAIL, MDOOR_PASSKEY,
	MDOOR_PASSKEY2, MDOOR_N };
enum metric_result { MRES_SUCCESS, MRES_FAILURE, MRES_N };
enum metric_grant { MGRANT_AUTHORIZATION_CODE, MGRANT_REFRESH_TOKEN, MGRANT_N };
/* OpenID Connect flow stages (SAML has none yet: no SAML door exists). */
enum metric_flow {
	MFLOW_OIDC_AUTHORIZE,     /* an authorization request accepted (login or consent next) */
	MFLOW_OIDC_CODE,          /* a code handed back to the client */
	MFLOW_OIDC_ERROR,         /* an error sent back to the client's redirect_uri */
	MFLOW_N
};
enum metric_backend { MDB_SQLITE, MDB_POSTGRESQL, MDB_N };
enum metric_mail { MMAIL_SENT, MMAIL_FAILED, MMAIL_N };
enum metric_gauge { MGAUGE_HASH_QUEUE, MGAUGE_TOKEN_QUEUE, MGAUGE_N };

/* The id of a route (method + pattern) for metric_request; the same pair gives the same id.
 * Call at start (route registration), not per request. 0 when the table is full: such
 * routes count under route="other". */
int metric_route(const char *method, const char *pattern);
/* One answered request: route id (0: no route matched), HTTP status, duration in ns. */
void metric_request(int route, int status, long long ns);
/* The door of a session's auth_method ("password", "totp", "token", "eid", "email",
 * "passkey", "passkey2"); MDOOR_N (not counted) for any other text. */
enum metric_door metric_door_of(const char *method);
void metric_login(enum metric_door door, enum metric_result result);
/* A step-up: a login that raised the level of a session already logged in. */
void metric_stepup(enum metric_door door);
void metric_token(enum metric_grant grant);
void metric_flow(enum metric_flow stage);
/* One database transaction (begin to commit or rollback) of ns, and one failed call. */
void metric_db_time(enum metric_backend b, long long ns);
void metric_db_error(enum metric_backend b);
void metric_mail(enum metric_mail result);
void metric_gauge_add(enum metric_gauge g, long delta);
/* Monotonic nanoseconds, for durations. */
long long metric_now_ns(void);

/* Appends every metric in the Prometheus text format 0.0.4 (# HELP, # TYPE) to out. */
int metrics_write(struct buf *out);
/* Appends one gauge family of one sample (labels "" or `name="value"` from fixed texts). */
int metrics_write_gauge(struct buf *out, const char *name, const char *help,
    const char *labels, double value);

#endif
