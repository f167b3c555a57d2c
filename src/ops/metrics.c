/* metrics.c — /metrics beside the counters: the allow list of scrapers and what is read
 * at scrape time (the mail outbox's depth from the store, the TLS certificate's expiry). */
#include "ops/metrics.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <time.h>

#include "base/metrics.h"
#include "base/netblock.h"
#include "mail/mail.h"

#define DEFAULT_ALLOW "127.0.0.1/32,::1"

/* The notAfter of the first certificate in pem, in unix seconds; 0 when unreadable. */
static int64_t
cert_not_after(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	struct tm tm;
	int64_t t = 0;

	if (x != NULL && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		t = (int64_t)timegm(&tm);
	X509_free(x);
	BIO_free(bio);
	return t;
}

int
ops_metrics_setup(struct ops_metrics *m, const char *allow,
    const struct netblocks *proxies, const char *tls_cert_pem, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->proxies = proxies;
	if (allow == NULL || allow[0] == '\0')
		allow = DEFAULT_ALLOW;
	if (strcmp(allow, "none") != 0 &&
	    netblocks_parse(allow, "metrics_allow", &m->allow, err, errlen) != 0)
		return -1;
	if (tls_cert_pem != NULL)
		m->tls_not_after = cert_not_after(tls_cert_pem);
	return 0;
}

void
ops_metrics_free(struct ops_metrics *m)
{
	if (m == NULL)
		return;
	netblocks_free(m->allow);
	m->allow = NULL;
}

bool
ops_metrics_allowed(const struct ops_metrics *m, const char *peer, bool forwarded)
{
	return m != NULL && peer != NULL && !forwarded && netblocks_contains(m->allow, peer) &&
	    !netblocks_contains(m->proxies, peer);
}

int
ops_metrics_write(const struct ops_metrics *m, struct store *s, struct buf *out)
{
	int64_t pending = 0;
	int ok = mail_outbox_pending(s, &pending);

	if (metrics_write(out) != 0)
		return -1;
	/* An outbox that cannot be read is a missing sample, not a zero. */
	if (ok == 0 && metrics_write_gauge(out, "portier_mail_outbox_pending",
	    "Mails waiting in the outbox for delivery.", "", (double)pending) != 0)
		return -1;
	if (m->tls_not_after != 0 && metrics_write_gauge(out,
	    "portier_certificate_expiry_timestamp_seconds",
	    "notAfter of a certificate portier presents, unix seconds.", "cert=\"tls\"",
	    (double)m->tls_not_after) != 0)
		return -1;
	return 0;
}
