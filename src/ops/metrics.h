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
	const struct netblocks *proxies;   /* trusted_proxies (the caller's): never scrapers */
	int64_t tls_not_after;     /* unix seconds; 0 without a TLS listener */
};

/* allow: the metrics_allow setting (""/NULL: loopback only, "none": nobody); proxies: the
 * trusted proxies (NULL: none; must outlive m); tls_cert_pem: the TLS listener's
 * certificate or NULL. 0, or -1 with a reason in err. */
int ops_metrics_setup(struct ops_metrics *m, const char *allow,
    const struct netblocks *proxies, const char *tls_cert_pem, char *err, size_t errlen);
void ops_metrics_free(struct ops_metrics *m);
/* True when peer (the TCP peer's address, never X-Forwarded-For) may scrape: it is in
 * allow, is not a trusted proxy, and the request is not forwarded (forwarded: it carries
 * an X-Forwarded-For), so that a proxy on an allowed address lends it to nobody. */
bool ops_metrics_allowed(const struct ops_metrics *m, const char *peer, bool forwarded);
/* Every metric (base/metrics.h) and the scrape-time ones: the mail outbox's depth,
 * the certificate's expiry. 0 or -1. */
int ops_metrics_write(const struct ops_metrics *m, struct store *s, struct buf *out);

#endif
