/* test_eid.c — the eID verifier against a generated test hierarchy: accepted RSA and EC
 * P-384 cards, and every refusal (revoked, expired, another CA, bad NISS, not an
 * authentication certificate, no current CRL, CRL from a URL, OCSP good / revoked /
 * unreachable); the trusted-proxy list and header decoding; the demo reader's proof of
 * possession; the login service (person created once, audit events). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/eid.h"
#include "auth/eid_login.h"
#include "auth/eid_reader.h"
#include "auth/eid_testca.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

/* Jan Peeters, Claire Dubois (born 2017), Lukas Schmitz: the demo people. */
#define JAN "85073003328"
#define CLAIRE "17073003384"
#define LUKAS "90022800193"
#define BAD_CHECKSUM "85073003329"

static char dir[64];          /* the test CA */
static char other[80];        /* another CA */

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	fclose(f);
	if (len != NULL)
		*len = n;
	return buf;
}

static void
card(const char *ca, const char *name, const char *niss, const char *last, const char *first,
    bool ec, bool expired, const char *ocsp)
{
	struct eid_card_options o = {
		.niss = niss, .last = last, .first = first, .name = name, .ec = ec,
		.expired = expired, .ocsp_url = ocsp,
	};
	char err[512];

	if (eid_testca_card(ca, &o, err, sizeof(err)) != 0)
		fail_msg("card %s: %s", name, err);
}

static int
group_setup(void **state)
{
	char err[512];

	(void)state;
	if (store_fixture_mkdir(dir, sizeof(dir), "eid") != 0)
		return -1;
	snprintf(other, sizeof(other), "%s/other", dir);
	if (eid_testca_init(dir, err, sizeof(err)) != 0 ||
	    eid_testca_init(other, err, sizeof(err)) != 0 ||
	    eid_testca_server(dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	card(dir, "jan", JAN, "Peeters", "Jan", false, false, NULL);
	card(dir, "claire", CLAIRE, "Dubois", "Claire", true, false, NULL);
	card(dir, "lukas", LUKAS, "Schmitz", "Lukas", false, false, NULL);
	card(dir, "expired", JAN, "Peeters", "Jan", false, true, NULL);
	card(dir, "revoked", CLAIRE, "Dubois", "Claire", true, false, NULL);
	card(dir, "badniss", BAD_CHECKSUM, "Peeters", "Jan", false, false, NULL);
	card(dir, "noniss", "ABCDEF", "Peeters", "Jan", false, false, NULL);
	card(dir, "unicode", LUKAS, "Müller-Lüdenscheidt", "Zoë Anaïs", true, false, NULL);
	card(other, "jan", JAN, "Peeters", "Jan", false, false, NULL);
	if (eid_testca_revoke(dir, "revoked", err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return store_fixture_rmdir(dir);
}

static struct eid_verifier *
verifier(enum eid_revocation rev, const char *crl, const char *ocsp_url)
{
	struct eid_options o = { 0 };
	struct eid_verifier *v = NULL;
	char trust[128], crlpath[128], err[512];

	snprintf(trust, sizeof(trust), "%s/trust.pem", dir);
	snprintf(crlpath, sizeof(crlpath), "%s/crl.pem", dir);
	o.trust = trust;
	o.crl = crl ? crl : crlpath;
	o.revocation = rev;
	o.ocsp_url = ocsp_url;
	/* Only a bound for a hang: the responders here answer at once or refuse the
	 * connection, and an ASan build on busy cores may take seconds to sign an answer. */
	o.ocsp_timeout = 30;
	if (eid_verifier_new(&o, &v, err, sizeof(err)) != 0)
		fail_msg("verifier: %s", err);
	return v;
}

/* Verifies cards/NAME.pem (of ca) with v. */
static enum eid_status
check(struct eid_verifier *v, const char *ca, const char *name, struct eid_identity *id)
{
	char path[160];
	size_t len;
	char *pem;
	enum eid_status st;

	snprintf(path, sizeof(path), "%s/cards/%s.pem", ca, name);
	pem = slurp(path, &len);
	st = eid_verify_pem(v, pem, len, test_arena(), id);
	free(pem);
	return st;
}

static void
test_rsa_and_ec_cards_accepted(void **state)
{
	struct eid_verifier *v = verifier(EID_REVOCATION_CRL, NULL, NULL);
	struct eid_identity id;

	(void)state;
	assert_int_equal(check(v, dir, "jan", &id), EID_OK);
	assert_string_equal(id.niss, JAN);
	assert_string_equal(id.last_name, "Peeters");
	assert_string_equal(id.first_name, "Jan");
	assert_string_equal(id.issuer, "Citizen CA");
	assert_int_equal(strlen(id.fingerprint), 64);
	assert_true(strlen(id.serial) > 0);
	assert_int_equal(check(v, dir, "claire", &id), EID_OK);   /* EC P-384 */
	assert_string_equal(id.niss, CLAIRE);
	assert_string_equal(id.first_name, "Claire");
	assert_int_equal(check(v, dir, "unicode", &id), EID_OK);
	assert_string_equal(id.last_name, "Müller-Lüdenscheidt");
	assert_string_equal(id.first_name, "Zoë Anaïs");
	eid_verifier_free(v);
}

static void
test_der_path(void **state)
{
	struct eid_verifier *v = verifier(EID_REVOCATION_CRL, NULL, NULL);
	struct eid_identity id;
	char path[160];
	unsigned char *der = NULL;
	const unsigned char *extra[1];
	size_t extra_len[1];
	X509 *x;
	BIO *b;
	int n;

	(void)state;
	snprintf(path, sizeof(path), "%s/cards/lukas.pem", dir);
	b = BIO_new_file(path, "r");
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_non_null(x);
	n = i2d_X509(x, &der);
	assert_true(n > 0);
	assert_int_equal(eid_verify_der(v, der, (size_t)n, NULL, NULL, 0, test_arena(), &id), EID_OK);
	assert_string_equal(id.niss, LUKAS);
	/* Intermediates sent by a client are only used to build the chain. */
	extra[0] = der;
	extra_len[0] = (size_t)n;
	assert_int_equal(eid_verify_der(v, der, (size_t)n, extra, extra_len, 1, test_arena(), &id), EID_OK);
	assert_int_equal(eid_verify_der(v, der, (size_t)n - 1, NULL, NULL, 0, test_arena(), &id),
	    EID_MALFORMED);
	assert_int_equal(eid_verify_der(v, NULL, 0, NULL, NULL, 0, test_arena(), &id), EID_NO_CERT);
	assert_int_equal(eid_verify_der(NULL, der, (size_t)n, NULL, NULL, 0, test_arena(), &id),
	    EID_NOT_CONFIGURED);
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(b);
	eid_verifier_free(v);
}

static void
test_refusals(void **state)
{
	struct eid_verifier *v = verifier(EID_REVOCATION_CRL, NULL, NULL);
	struct eid_identity id;
	char path[160];
	char *pem;
	size_t len;

	(void)state;
	assert_int_equal(check(v, dir, "revoked", &id), EID_REVOKED);
	assert_string_equal(id.niss, "");
	assert_true(strlen(id.serial) > 0);             /* known for the audit */
	assert_int_equal(check(v, dir, "expired", &id), EID_EXPIRED);
	assert_int_equal(check(v, other, "jan", &id), EID_UNTRUSTED);
	assert_int_equal(check(v, dir, "badniss", &id), EID_BAD_NISS);
	assert_non_null(strstr(id.detail, "checksum"));
	assert_string_equal(id.niss, "");
	assert_int_equal(check(v, dir, "noniss", &id), EID_NO_NISS);
	/* The TLS server certificate: chains to the root, but it is not for clients. */
	snprintf(path, sizeof(path), "%s/server.pem", dir);
	pem = slurp(path, &len);
	assert_int_equal(eid_verify_pem(v, pem, len, test_arena(), &id), EID_KEY_USAGE);
	free(pem);
	/* A CA certificate is no card. */
	snprintf(path, sizeof(path), "%s/citizen.pem", dir);
	pem = slurp(path, &len);
	assert_int_equal(eid_verify_pem(v, pem, len, test_arena(), &id), EID_KEY_USAGE);
	free(pem);
	assert_int_equal(eid_verify_pem(v, "-----BEGIN CERTIFICATE-----\nAAAA\n", 33, test_arena(), &id),
	    EID_MALFORMED);
	assert_int_equal(eid_verify_pem(v, "", 0, test_arena(), &id), EID_NO_CERT);
	eid_verifier_free(v);
}

static void
test_revocation_off_accepts_revoked(void **state)
{
	struct eid_verifier *v = verifier(EID_REVOCATION_OFF, "", NULL);
	struct eid_identity id;

	(void)state;
	assert_int_equal(check(v, dir, "revoked", &id), EID_OK);
	assert_int_equal(check(v, dir, "expired", &id), EID_EXPIRED);
	eid_verifier_free(v);
}

/* With eid_revocation=crl and no CRL of the card's issuer: refused (fail closed). */
static void
test_no_crl_fails_closed(void **state)
{
	char crl[128];
	struct eid_verifier *v;
	struct eid_identity id;

	(void)state;
	snprintf(crl, sizeof(crl), "%s/crl.pem", other);
	v = verifier(EID_REVOCATION_CRL, crl, NULL);
	assert_int_equal(check(v, dir, "jan", &id), EID_REVOCATION_UNKNOWN);
	eid_verifier_free(v);
}

static void
test_options(void **state)
{
	struct eid_options o = { 0 };
	struct eid_verifier *v = NULL;
	enum eid_revocation r;
	char trust[128], err[512];

	(void)state;
	snprintf(trust, sizeof(trust), "%s/trust.pem", dir);
	o.trust = "/nonexistent/trust.pem";
	assert_int_equal(eid_verifier_new(&o, &v, err, sizeof(err)), -1);
	assert_null(v);
	o.trust = trust;
	o.revocation = EID_REVOCATION_CRL;
	o.crl = "";
	assert_int_equal(eid_verifier_new(&o, &v, err, sizeof(err)), -1);   /* CRL needed */
	o.crl = "/nonexistent.crl";
	assert_int_equal(eid_verifier_new(&o, &v, err, sizeof(err)), -1);
	assert_int_equal(eid_revocation_parse("both", &r), 0);
	assert_int_equal(r, EID_REVOCATION_BOTH);
	assert_int_equal(eid_revocation_parse("sometimes", &r), -1);
	for (int s = EID_OK; s <= EID_ERROR; s++) {
		assert_non_null(eid_status_msgid((enum eid_status)s));
		assert_non_null(eid_status_reason((enum eid_status)s));
	}
}

/* A card revoked while the verifier runs: the CRL file is read again when it changes. */
static void
test_crl_reloaded(void **state)
{
	struct eid_verifier *v = verifier(EID_REVOCATION_CRL, NULL, NULL);
	struct eid_identity id;
	char err[512];

	(void)state;
	card(dir, "later", JAN, "Peeters", "Jan", true, false, NULL);
	assert_int_equal(check(v, dir, "later", &id), EID_OK);
	assert_int_equal(eid_testca_revoke(dir, "later", err, sizeof(err)), 0);
	assert_int_equal(check(v, dir, "later", &id), EID_REVOKED);
	assert_int_equal(check(v, dir, "jan", &id), EID_OK);
	eid_verifier_free(v);
}

/* ---- OCSP: a small responder on a thread, signing with the Citizen CA's key ---- */

struct responder {
	int fd;
	int port;
	X509 *ca;
	EVP_PKEY *key;
	ASN1_INTEGER *revoked;    /* this serial is answered "revoked" */
	bool sign_with_other;     /* answer signed by another CA, which nobody trusts here */
	X509 *other_ca;
	EVP_PKEY *other_key;
	pthread_t thread;
};

static void
answer(struct responder *rs, int c)
{
	char buf[16384];
	size_t got = 0;
	char *body;
	long clen = -1;
	const unsigned char *p;
	OCSP_REQUEST *req;
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *resp;
	unsigned char *der = NULL;
	int n;

	for (;;) {
		ssize_t k = read(c, buf + got, sizeof(buf) - 1 - got);

		if (k <= 0)
			break;
		got += (size_t)k;
		buf[got] = '\0';
		body = strstr(buf, "\r\n\r\n");
		if (body != NULL) {
			char *cl = strcasestr(buf, "Content-Length:");

			clen = cl ? strtol(cl + 15, NULL, 10) : 0;
			if ((long)(got - (size_t)(body + 4 - buf)) >= clen)
				break;
		}
	}
	body = strstr(buf, "\r\n\r\n");
	if (body == NULL)
		return;
	p = (const unsigned char *)body + 4;
	req = d2i_OCSP_REQUEST(NULL, &p, clen);
	if (req != NULL) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
		ASN1_INTEGER *serial = NULL;
		ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
		ASN1_TIME *next = X509_gmtime_adj(NULL, 3600);
		bool revoked;

		OCSP_id_get0_info(NULL, NULL, NULL, &serial, cid);
		revoked = rs->revoked != NULL && ASN1_INTEGER_cmp(serial, rs->revoked) == 0;
		OCSP_basic_add1_status(bs, cid, revoked ? V_OCSP_CERTSTATUS_REVOKED :
		    V_OCSP_CERTSTATUS_GOOD, 0, revoked ? now : NULL, now, next);
		OCSP_copy_nonce(bs, req);
		OCSP_basic_sign(bs, rs->sign_with_other ? rs->other_ca : rs->ca,
		    rs->sign_with_other ? rs->other_key : rs->key, EVP_sha384(), NULL, 0);
		ASN1_TIME_free(now);
		ASN1_TIME_free(next);
		OCSP_REQUEST_free(req);
	}
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	n = i2d_OCSP_RESPONSE(resp, &der);
	dprintf(c, "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\n"
	    "Content-Length: %d\r\n\r\n", n);
	if (write(c, der, (size_t)n) != n)
		fprintf(stderr, "responder: short write\n");
	OPENSSL_free(der);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
}

static void *
serve(void *arg)
{
	struct responder *rs = arg;

	for (;;) {
		int c = accept(rs->fd, NULL, NULL);

		if (c < 0)
			return NULL;
		answer(rs, c);
		close(c);
	}
}

static X509 *
load_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

	BIO_free(b);
	return x;
}

static void
responder_start(struct responder *rs)
{
	struct sockaddr_in sa = { 0 };
	socklen_t sl = sizeof(sa);
	char path[160];
	BIO *b;

	snprintf(path, sizeof(path), "%s/citizen.pem", dir);
	rs->ca = load_cert(path);
	snprintf(path, sizeof(path), "%s/citizen.key.pem", dir);
	b = BIO_new_file(path, "r");
	rs->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	snprintf(path, sizeof(path), "%s/citizen.key.pem", other);
	b = BIO_new_file(path, "r");
	rs->other_key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	snprintf(path, sizeof(path), "%s/citizen.pem", other);
	rs->other_ca = load_cert(path);
	assert_non_null(rs->other_ca);
	assert_non_null(rs->ca);
	assert_non_null(rs->key);
	rs->fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(rs->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(rs->fd, 8), 0);
	getsockname(rs->fd, (struct sockaddr *)&sa, &sl);
	rs->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&rs->thread, NULL, serve, rs), 0);
}

static void
responder_stop(struct responder *rs)
{
	shutdown(rs->fd, SHUT_RDWR);
	close(rs->fd);
	pthread_join(rs->thread, NULL);
	X509_free(rs->ca);
	EVP_PKEY_free(rs->key);
	EVP_PKEY_free(rs->other_key);
	X509_free(rs->other_ca);
	ASN1_INTEGER_free(rs->revoked);
}

static void
test_ocsp(void **state)
{
	struct responder rs = { 0 };
	struct eid_verifier *v;
	struct eid_identity id;
	char url[64], path[160], aia[64];
	X509 *x;

	(void)state;
	responder_start(&rs);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ocsp", rs.port);
	snprintf(path, sizeof(path), "%s/cards/revoked.pem", dir);
	x = load_cert(path);
	rs.revoked = ASN1_INTEGER_dup(X509_get0_serialNumber(x));
	X509_free(x);

	v = verifier(EID_REVOCATION_OCSP, "", url);
	assert_int_equal(check(v, dir, "jan", &id), EID_OK);
	assert_int_equal(check(v, dir, "claire", &id), EID_OK);
	assert_int_equal(check(v, dir, "revoked", &id), EID_REVOKED);
	rs.sign_with_other = true;
	assert_int_equal(check(v, dir, "jan", &id), EID_REVOCATION_UNKNOWN);
	assert_non_null(strstr(id.detail, "signature"));
	rs.sign_with_other = false;
	eid_verifier_free(v);

	/* The responder named in the card (AIA) when no URL is configured. */
	card(dir, "aia", LUKAS, "Schmitz", "Lukas", false, false, url);
	v = verifier(EID_REVOCATION_OCSP, "", NULL);
	assert_int_equal(check(v, dir, "aia", &id), EID_OK);
	assert_int_equal(check(v, dir, "jan", &id), EID_REVOCATION_UNKNOWN);  /* no AIA */
	eid_verifier_free(v);

	/* Both: the CRL and the responder must agree. */
	v = verifier(EID_REVOCATION_BOTH, NULL, url);
	assert_int_equal(check(v, dir, "lukas", &id), EID_OK);
	assert_int_equal(check(v, dir, "revoked", &id), EID_REVOKED);
	eid_verifier_free(v);
	responder_stop(&rs);

	/* No responder listening: fail closed. */
	snprintf(aia, sizeof(aia), "http://127.0.0.1:%d/ocsp", rs.port);
	v = verifier(EID_REVOCATION_OCSP, "", aia);
	assert_int_equal(check(v, dir, "jan", &id), EID_REVOCATION_UNKNOWN);
	eid_verifier_free(v);
}

/* ---- CRL from a URL: a stub HTTP server answering every request with a DER CRL ---- */

struct crl_server {
	int fd, port;
	unsigned char *der;
	int len;
	pthread_t thread;
};

static void *
crl_serve(void *arg)
{
	struct crl_server *cs = arg;
	char buf[4096];

	for (;;) {
		int c = accept(cs->fd, NULL, NULL);

		if (c < 0)
			return NULL;
		if (read(c, buf, sizeof(buf)) > 0) {
			dprintf(c, "HTTP/1.0 200 OK\r\nContent-Type: application/pkix-crl\r\n"
			    "Content-Length: %d\r\n\r\n", cs->len);
			if (write(c, cs->der, (size_t)cs->len) != cs->len)
				fprintf(stderr, "crl server: short write\n");
		}
		close(c);
	}
}

static void
test_crl_url(void **state)
{
	struct crl_server cs = { 0 };
	struct sockaddr_in sa = { 0 };
	socklen_t sl = sizeof(sa);
	struct eid_verifier *v;
	struct eid_identity id;
	char path[160], url[80];
	X509_CRL *crl;
	BIO *b;

	(void)state;
	snprintf(path, sizeof(path), "%s/crl.pem", dir);
	b = BIO_new_file(path, "r");
	crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);     /* the Citizen CA's, first */
	BIO_free(b);
	assert_non_null(crl);
	cs.len = i2d_X509_CRL(crl, &cs.der);
	X509_CRL_free(crl);
	cs.fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(cs.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(cs.fd, 8), 0);
	getsockname(cs.fd, (struct sockaddr *)&sa, &sl);
	cs.port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&cs.thread, NULL, crl_serve, &cs), 0);

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/citizen.crl", cs.port);
	v = verifier(EID_REVOCATION_CRL, url, NULL);
	assert_int_equal(check(v, dir, "jan", &id), EID_OK);
	assert_int_equal(check(v, dir, "revoked", &id), EID_REVOKED);
	eid_verifier_free(v);
	shutdown(cs.fd, SHUT_RDWR);
	close(cs.fd);
	pthread_join(cs.thread, NULL);
	OPENSSL_free(cs.der);

	/* A CRL URL down at start: the server starts, and refuses cards (fail closed). */
	v = verifier(EID_REVOCATION_CRL, url, NULL);
	assert_int_equal(check(v, dir, "jan", &id), EID_REVOCATION_UNKNOWN);
	eid_verifier_free(v);
}

/* ---- trusted proxies and the header ---- */

static void
test_proxies(void **state)
{
	struct eid_proxies *p = NULL;
	char err[256];

	(void)state;
	assert_int_equal(eid_proxies_parse("127.0.0.1, 10.0.0.0/8,::1, 2001:db8::/32", &p, err,
	    sizeof(err)), 0);
	assert_true(eid_proxies_trusted(p, "127.0.0.1"));
	assert_true(eid_proxies_trusted(p, "10.200.3.4"));
	assert_true(eid_proxies_trusted(p, "::1"));
	assert_true(eid_proxies_trusted(p, "2001:db8:1::5"));
	assert_false(eid_proxies_trusted(p, "127.0.0.2"));
	assert_false(eid_proxies_trusted(p, "11.0.0.1"));
	assert_false(eid_proxies_trusted(p, "2001:db9::1"));
	assert_false(eid_proxies_trusted(p, "10.0.0.0/8"));
	assert_false(eid_proxies_trusted(p, "?"));
	assert_false(eid_proxies_trusted(p, NULL));
	eid_proxies_free(p);
	assert_int_equal(eid_proxies_parse("", &p, err, sizeof(err)), 0);
	assert_false(eid_proxies_trusted(p, "127.0.0.1"));
	eid_proxies_free(p);
	assert_false(eid_proxies_trusted(NULL, "127.0.0.1"));
	assert_int_equal(eid_proxies_parse("127.0.0.1,proxy.example", &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "proxy.example"));
	assert_int_equal(eid_proxies_parse("10.0.0.0/33", &p, err, sizeof(err)), -1);
	assert_int_equal(eid_proxies_parse("10.0.0.0/", &p, err, sizeof(err)), -1);
	assert_int_equal(eid_proxies_parse("10.1.0.0/12", &p, err, sizeof(err)), 0);
	assert_true(eid_proxies_trusted(p, "10.15.255.255"));
	assert_false(eid_proxies_trusted(p, "10.16.0.0"));
	eid_proxies_free(p);
}

static void
test_header_decode(void **state)
{
	char out[64];

	(void)state;
	/* nginx's $ssl_client_escaped_cert escapes newlines, '+', '/' and '='. */
	assert_int_equal(eid_header_decode("-----BEGIN%20CERT%0AAb%2B%2F%3D%0A", out,
	    sizeof(out)), 22);
	assert_string_equal(out, "-----BEGIN CERT\nAb+/=\n");
	assert_int_equal(eid_header_decode("a+b", out, sizeof(out)), 3);   /* '+' stays */
	assert_int_equal(eid_header_decode("%zz", out, sizeof(out)), -1);
	assert_int_equal(eid_header_decode("%4", out, sizeof(out)), -1);
	assert_int_equal(eid_header_decode("a%00b", out, sizeof(out)), -1);
	assert_int_equal(eid_header_decode("a%01b", out, sizeof(out)), -1);
	assert_int_equal(eid_header_decode("%C3%A9", out, sizeof(out)), -1);
	assert_int_equal(eid_header_decode("abcdef", out, 4), -1);
	assert_int_equal(eid_header_decode(NULL, out, sizeof(out)), -1);
}

/* ---- the demo reader: proof of possession ---- */

static void
test_possession(void **state)
{
	struct eid_card_info cards[32];
	struct eid_reader_result res;
	unsigned char challenge[32] = "a challenge the server drew...";
	char path[160];
	size_t n, len;
	char *p12;
	const char *jan = NULL;

	(void)state;
	assert_int_equal(eid_reader_list(dir, test_arena(), cards, 32, &n), 0);
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(strlen(cards[i].id), 16);
		if (strcmp(cards[i].label, "Claire Dubois (Authentication)") == 0)
			assert_string_equal(cards[i].key, "EC P-384");
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(cards[i].label, "Jan Peeters (Authentication)") == 0 &&
		    strcmp(cards[i].key, "RSA 2048") == 0)
			jan = cards[i].id;
	assert_non_null(jan);
	assert_int_equal(eid_reader_sign(dir, jan, challenge, sizeof(challenge), &res), 0);
	assert_int_equal(eid_check_possession(res.cert, res.cert_len, challenge,
	    sizeof(challenge), res.sig, res.sig_len), EID_OK);
	challenge[0] ^= 1;   /* a signature of another challenge proves nothing */
	assert_int_equal(eid_check_possession(res.cert, res.cert_len, challenge,
	    sizeof(challenge), res.sig, res.sig_len), EID_POSSESSION);
	eid_reader_result_free(&res);
	assert_int_equal(eid_reader_sign(dir, "0123456789abcdef", challenge, sizeof(challenge),
	    &res), 1);
	assert_int_equal(eid_reader_sign(dir, "short", challenge, sizeof(challenge), &res), 1);

	snprintf(path, sizeof(path), "%s/cards/claire.p12", dir);
	p12 = slurp(path, &len);
	assert_int_equal(eid_reader_sign_p12(p12, len, "1234", challenge, sizeof(challenge),
	    &res), 0);
	assert_int_equal(eid_check_possession(res.cert, res.cert_len, challenge,
	    sizeof(challenge), res.sig, res.sig_len), EID_OK);
	eid_reader_result_free(&res);
	assert_int_equal(eid_reader_sign_p12(p12, len, "wrong", challenge, sizeof(challenge),
	    &res), 1);
	assert_int_equal(eid_reader_sign_p12(p12, 10, "1234", challenge, sizeof(challenge),
	    &res), 1);
	free(p12);
}

/* ---- the login service ---- */

static int
count_events(struct store *s)
{
	struct audit_report rep;

	assert_int_equal(audit_verify(s, test_arena(), &rep), 0);
	return (int)rep.events;
}

static void
test_login_service(void **state)
{
	struct eid_verifier *v = verifier(EID_REVOCATION_CRL, NULL, NULL);
	struct eid_identity id;
	struct store *s = NULL;
	struct eid_login a = { .via = "tls",
	    .by = { .lang = "nl", .source = "127.0.0.1", .request_id = "r1" } };
	char path[160];
	int64_t first;
	int before;

	(void)state;
	snprintf(path, sizeof(path), "%s/login.db", dir);
	assert_int_equal(store_fixture_db(path, 2, &s), 0);
	before = count_events(s);
	assert_int_equal(check(v, dir, "claire", &id), EID_OK);
	a.id = &id;
	assert_int_equal(eid_login(s, &a), 0);
	assert_true(a.created);
	assert_true(a.person_id > 0);
	first = a.person_id;
	assert_int_equal(count_events(s), before + 2);   /* person.create, login.eid.success */
	assert_int_equal(eid_login(s, &a), 0);
	assert_false(a.created);
	assert_int_equal(a.person_id, first);
	assert_int_equal(count_events(s), before + 3);
	assert_int_equal(check(v, dir, "revoked", &id), EID_REVOKED);
	assert_int_equal(eid_login_refused(s, &(struct actor){ .source = "127.0.0.1", .request_id = "r2" },
	    EID_REVOKED, &id, "tls"), 0);
	assert_int_equal(eid_login_refused(s, &(struct actor){ .source = "10.0.0.9", .request_id = "r3" },
	    EID_PROXY_UNTRUSTED, NULL, "proxy"), 0);
	assert_int_equal(count_events(s), before + 5);
	store_close(s);
	eid_verifier_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_and_ec_cards_accepted),
		cmocka_unit_test(test_der_path),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_revocation_off_accepts_revoked),
		cmocka_unit_test(test_no_crl_fails_closed),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_crl_reloaded),
		cmocka_unit_test(test_ocsp),
		cmocka_unit_test(test_crl_url),
		cmocka_unit_test(test_proxies),
		cmocka_unit_test(test_header_decode),
		cmocka_unit_test(test_possession),
		cmocka_unit_test(test_login_service),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
