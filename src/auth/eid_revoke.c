/* eid_revoke.c — revocation sources of the eID verifier: CRL files re-read when they
 * change on disk (a cron job may replace them), CRL URLs fetched again when stale, and
 * the OCSP exchange. Every doubt ends in a refusal (fail closed). */
#include "auth/eid_internal.h"

#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CRL_SOURCES_MAX 16
#define CRL_URL_REFRESH 3600          /* seconds between fetches of a CRL URL */
#define CRL_URL_TIMEOUT 10
#define CRL_URL_RETRY 60              /* after a failed fetch */
#define OCSP_SKEW 300                 /* seconds of clock skew accepted on OCSP times */
#define OCSP_RESP_MAX (64 * 1024)

struct crl_source {
	char *where;                  /* file path or URL */
	bool url;
	bool fetching;                /* URLs: a thread is fetching it (others keep the old) */
	struct stat seen;             /* files: what was read last */
	time_t next_fetch;            /* URLs: when to fetch again */
	STACK_OF(X509_CRL) *crls;     /* what this source gave last */
};

struct eid_crls {
	pthread_mutex_t lock;
	struct crl_source src[CRL_SOURCES_MAX];
	size_t n;
};

static bool
is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Reads every CRL of a PEM file (one or more) or of a DER file. NULL when none. */
static STACK_OF(X509_CRL) *
read_crl_file(const char *path)
{
	STACK_OF(X509_CRL) *out = sk_X509_CRL_new_null();
	BIO *b = BIO_new_file(path, "rb");
	X509_CRL *c;

	if (out == NULL || b == NULL)
		goto fail;
	while ((c = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL)
		if (sk_X509_CRL_push(out, c) == 0) {
			X509_CRL_free(c);
			goto fail;
		}
	if (sk_X509_CRL_num(out) == 0) {
		(void)BIO_reset(b);
		c = d2i_X509_CRL_bio(b, NULL);
		if (c == NULL || sk_X509_CRL_push(out, c) == 0) {
			X509_CRL_free(c);
			goto fail;
		}
	}
	BIO_free(b);
	ERR_clear_error();
	return out;
fail:
	BIO_free(b);
	sk_X509_CRL_pop_free(out, X509_CRL_free);
	ERR_clear_error();
	return NULL;
}

static STACK_OF(X509_CRL) *
fetch_crl_url(const char *url)
{
	STACK_OF(X509_CRL) *out = sk_X509_CRL_new_null();
	X509_CRL *c = X509_CRL_load_http(url, NULL, NULL, CRL_URL_TIMEOUT);

	if (out == NULL || c == NULL || sk_X509_CRL_push(out, c) == 0) {
		X509_CRL_free(c);
		sk_X509_CRL_free(out);
		ERR_clear_error();
		return NULL;
	}
	return out;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Installs what a fetch of URL source s gave (NULL: failed). */
static void
fetched(struct crl_source *s, STACK_OF(X509_CRL) *fresh, time_t now)
{
	if (fresh == NULL) {
		/* Keep the last CRL: X509_verify_cert refuses it once past nextUpdate. */
		s->next_fetch = now + CRL_URL_RETRY;
		return;
	}
	s->next_fetch = now + CRL_URL_REFRESH;
	sk_X509_CRL_pop_free(s->crls, X509_CRL_free);
	s->crls = fresh;
}

/* Brings a file source up to date: read again when it changed on disk. A file that
 * disappears or cannot be read leaves no CRL (fail closed). */
static void
refresh_file(struct crl_source *s)
{
	struct stat st;

	if (stat(s->where, &st) != 0) {
		memset(&s->seen, 0, sizeof(s->seen));
		sk_X509_CRL_pop_free(s->crls, X509_CRL_free);
		s->crls = NULL;
		return;
	}
	if (s->crls != NULL && same_file(&st, &s->seen))
		return;
	sk_X509_CRL_pop_free(s->crls, X509_CRL_free);
	s->crls = read_crl_file(s->where);
	s->seen = st;
}

int
eid_crls_new(const char *list, struct eid_crls **out, char *err, size_t errlen)
{
	struct eid_crls *c = calloc(1, sizeof(*c));
	const char *p = list;
	time_t now = time(NULL);

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&c->lock, NULL);
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct crl_source *s;

		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			if (c->n == CRL_SOURCES_MAX) {
				snprintf(err, errlen, "eid_crl: more than %d sources", CRL_SOURCES_MAX);
				goto fail;
			}
			s = &c->src[c->n++];
			s->where = strndup(p, n);
			if (s->where == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			s->url = is_url(s->where);
			if (s->url)
				fetched(s, fetch_crl_url(s->where), now);
			else
				refresh_file(s);
			/* A URL may be down at start (it is retried); a file must be readable. */
			if (!s->url && s->crls == NULL) {
				snprintf(err, errlen, "eid_crl: cannot read a CRL from %s", s->where);
				goto fail;
			}
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	*out = c;
	return 0;
fail:
	eid_crls_free(c);
	return -1;
}

void
eid_crls_free(struct eid_crls *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->src[i].where);
		sk_X509_CRL_pop_free(c->src[i].crls, X509_CRL_free);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Fetches the first stale URL source, outside the lock: other threads meanwhile keep
 * using its previous CRL instead of waiting for the network. */
static void
fetch_stale(struct eid_crls *c, time_t now)
{
	struct crl_source *s = NULL;
	STACK_OF(X509_CRL) *fresh;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n && s == NULL; i++)
		if (c->src[i].url && !c->src[i].fetching && now >= c->src[i].next_fetch)
			s = &c->src[i];
	if (s != NULL)
		s->fetching = true;
	pthread_mutex_unlock(&c->lock);
	if (s == NULL)
		return;
	fresh = fetch_crl_url(s->where);
	pthread_mutex_lock(&c->lock);
	fetched(s, fresh, now);
	s->fetching = false;
	pthread_mutex_unlock(&c->lock);
}

STACK_OF(X509_CRL) *
eid_crls_get(struct eid_crls *c)
{
	STACK_OF(X509_CRL) *out = sk_X509_CRL_new_null();
	time_t now = time(NULL);

	if (out == NULL)
		return NULL;
	fetch_stale(c, now);
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n; i++) {
		struct crl_source *s = &c->src[i];

		if (!s->url)
			refresh_file(s);
		for (int k = 0; s->crls != NULL && k < sk_X509_CRL_num(s->crls); k++) {
			X509_CRL *crl = sk_X509_CRL_value(s->crls, k);

			if (X509_CRL_up_ref(crl) != 1)
				continue;
			if (sk_X509_CRL_push(out, crl) == 0) {
				X509_CRL_free(crl);
				pthread_mutex_unlock(&c->lock);
				sk_X509_CRL_pop_free(out, X509_CRL_free);
				return NULL;
			}
		}
	}
	pthread_mutex_unlock(&c->lock);
	return out;
}

/* ---- OCSP ---- */

/* Posts req to url and reads the response (OpenSSL's HTTP client, with a timeout). */
static OCSP_RESPONSE *
ocsp_exchange(const char *url, OCSP_REQUEST *req, int timeout)
{
	char *host = NULL, *port = NULL, *path = NULL;
	OCSP_RESPONSE *resp = NULL;
	BIO *body = NULL, *in = NULL;
	int ssl = 0;

	if (OSSL_HTTP_parse_url(url, &ssl, NULL, &host, &port, NULL, &path, NULL, NULL) != 1)
		goto done;
	body = BIO_new(BIO_s_mem());
	if (body == NULL || i2d_OCSP_REQUEST_bio(body, req) <= 0)
		goto done;
	in = OSSL_HTTP_transfer(NULL, host, port, path, ssl, NULL, NULL, NULL, NULL, NULL, NULL,
	    0, NULL, "application/ocsp-request", body, "application/ocsp-response", 1,
	    OCSP_RESP_MAX, timeout, 0);
	if (in != NULL)
		resp = d2i_OCSP_RESPONSE_bio(in, NULL);
done:
	BIO_free(in);
	BIO_free(body);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	return resp;
}

static enum eid_status
unknown(char *detail, size_t detaillen, const char *why)
{
	snprintf(detail, detaillen, "OCSP: %s", why);
	return EID_REVOCATION_UNKNOWN;
}

enum eid_status
eid_ocsp_check(X509 *leaf, X509 *issuer, STACK_OF(X509) *chain, X509_STORE *store,
    const char *url, int timeout, char *detail, size_t detaillen)
{
	STACK_OF(OPENSSL_STRING) *aia = NULL;
	OCSP_REQUEST *req = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *basic = NULL;
	OCSP_CERTID *id = NULL;
	ASN1_GENERALIZEDTIME *this_upd = NULL, *next_upd = NULL;
	enum eid_status st;
	int status = -1, reason = 0;

	if (url == NULL) {
		aia = X509_get1_ocsp(leaf);
		if (aia == NULL || sk_OPENSSL_STRING_num(aia) == 0) {
			st = unknown(detail, detaillen, "no responder URL");
			goto done;
		}
		url = sk_OPENSSL_STRING_value(aia, 0);
	}
	req = OCSP_REQUEST_new();
	id = OCSP_cert_to_id(NULL, leaf, issuer);
	if (req == NULL || id == NULL) {
		st = EID_ERROR;
		goto done;
	}
	{
		OCSP_CERTID *copy = OCSP_CERTID_dup(id);

		if (copy == NULL || OCSP_request_add0_id(req, copy) == NULL) {
			OCSP_CERTID_free(copy);
			st = EID_ERROR;
			goto done;
		}
	}
	if (OCSP_request_add1_nonce(req, NULL, -1) != 1) {
		st = EID_ERROR;
		goto done;
	}
	resp = ocsp_exchange(url, req, timeout);
	if (resp == NULL) {
		st = unknown(detail, detaillen, "responder unreachable or answer unreadable");
		goto done;
	}
	if (OCSP_response_status(resp) == OCSP_RESPONSE_STATUS_SUCCESSFUL)
		basic = OCSP_response_get1_basic(resp);
	if (basic == NULL) {
		st = unknown(detail, detaillen, "responder refused the request");
		goto done;
	}
	/* A nonce in the answer must be ours; responders that pre-sign omit it (-1). */
	if (OCSP_check_nonce(req, basic) == 0) {
		st = unknown(detail, detaillen, "nonce mismatch");
		goto done;
	}
	if (OCSP_basic_verify(basic, chain, store, 0) != 1) {
		st = unknown(detail, detaillen, "response signature not trusted");
		goto done;
	}
	if (OCSP_resp_find_status(basic, id, &status, &reason, NULL, &this_upd,
	    &next_upd) != 1) {
		st = unknown(detail, detaillen, "no status for this certificate");
		goto done;
	}
	if (OCSP_check_validity(this_upd, next_upd, OCSP_SKEW, -1) != 1) {
		st = unknown(detail, detaillen, "response out of date");
		goto done;
	}
	if (status == V_OCSP_CERTSTATUS_GOOD) {
		st = EID_OK;
	} else if (status == V_OCSP_CERTSTATUS_REVOKED) {
		snprintf(detail, detaillen, "OCSP: revoked");
		st = EID_REVOKED;
	} else {
		st = unknown(detail, detaillen, "status unknown");
	}
done:
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(basic);
	OCSP_RESPONSE_free(resp);
	OCSP_REQUEST_free(req);
	X509_email_free(aia);
	ERR_clear_error();
	return st;
}
