/* metrics.h — the /metrics endpoint's side that is not a counter: who may scrape it
 * (metrics_allow, the TCP peer only), and the values read at each scrape. */
#ifndef PORTIER_OPS_METRICS_H
#define PORTIER_OPS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/store.h"

struct netblocks;

struct ops_metrics {
	struct netblocks *allow;   /* who may scrape; NULL: nobody */
	int64_t tls_not_after;     /* unix seconds; 0 without a TLS listener */
};

/* allow: the metrics_allow setting (""/NULL: loopback only, "none": nobody); tls_cert_pem:
 * the TLS listener's certificate or NULL. 0, or -1 with a reason in err. */
int ops_metrics_setup(struct ops_metrics *m, const char *allow, const char *tls_cert_pem,
    char *err, size_t errlen);
void ops_metrics_free(struct ops_metrics *m);
/* True when peer (the TCP peer's address, never X-Forwarded-For) may scrape. */
bool ops_metrics_allowed(const struct ops_metrics *m, const char *peer);
/* Every metric (base/metrics.h) and the scrape-time ones: the mail outbox's depth,
 * the certificate's expiry. 0 or -1. */
int ops_metrics_write(const struct ops_metrics *m, struct store *s, struct buf *out);

#endif
