/* tls.c — the TLS listener's protocol choices, and what a handler may ask of the TLS
 * layer: whether the request came over TLS, and the certificates the client presented
 * (read from libmicrohttpd's GnuTLS session; GnuTLS checked only that the client holds
 * the key: the handler verifies the rest). */
#include "web/internal.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <string.h>

#define CLIENT_CERT_MAX (16 * 1024)

/* TLS 1.2 suites: ECDHE with AES-GCM, ChaCha20-Poly1305 or AES-CCM only. NORMAL also
 * offers AES-CBC with HMAC-SHA1 (MAC-then-encrypt, the Lucky Thirteen family): removed. */
#define TLS_BASE "NORMAL:-AES-256-CBC:-AES-128-CBC:-SHA1:-VERS-ALL"
/* Asking for an eID card: TLS 1.2. In TLS 1.3 the client's CertificateVerify must be
 * RSA-PSS, which older RSA cards cannot make (they sign PKCS#1 v1.5 only): their holders
 * could not log in at all. TLS 1.2 lets them sign PKCS#1 v1.5. */
#define TLS_EID TLS_BASE ":+VERS-TLS1.2"

const char *
tls_priorities(bool client_certs)
{
	return client_certs ? TLS_EID : TLS_BASE ":+VERS-TLS1.3:+VERS-TLS1.2";
}

/* GnuTLS ends the handshake when the client's certificate has a keyUsage without
 * digitalSignature: the card's signature certificate (nonRepudiation only), which
 * browsers offer next to the authentication one. The person would see a bare TLS error
 * instead of /login/eid's explanation ("choose the authentication certificate"). Only
 * GnuTLS's compatibility mode lets such a handshake end, and it also turns off the
 * extended master secret: so it is set on that session alone, after the hello (the
 * master secret is already derived with the extension), just before the CertificateVerify
 * is checked. The signature itself is still checked (possession of the key), the key
 * usage by eid_verify.c (check_usage), which refuses the login with the explanation. */
/* Process-wide on purpose: a constant priority string compiled once by GnuTLS, the same
 * for every server of the process; it holds no setting. */
static gnutls_priority_t signature_cert_prio;
static pthread_once_t signature_cert_once = PTHREAD_ONCE_INIT;

static void
signature_cert_init(void)
{
	if (gnutls_priority_init(&signature_cert_prio, TLS_EID ":%COMPAT", NULL) < 0)
		signature_cert_prio = NULL;
}

static bool
lacks_digital_signature(const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;
	unsigned int ku = 0, critical = 0;
	bool lacks = false;

	if (gnutls_x509_crt_init(&crt) < 0)
		return false;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_get_key_usage(crt, &ku, &critical) >= 0)
		lacks = !(ku & GNUTLS_KEY_DIGITAL_SIGNATURE);
	gnutls_x509_crt_deinit(crt);
	return lacks;
}

/* GnuTLS hook, before the client's CertificateVerify is processed (its Certificate is). */
static int
before_cert_verify(gnutls_session_t session, unsigned int htype, unsigned int when,
    unsigned int incoming, const gnutls_datum_t *msg)
{
	const gnutls_datum_t *peers;
	unsigned int n = 0;

	(void)when;
	(void)msg;
	if (!incoming || htype != GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY)
		return 0;
	peers = gnutls_certificate_get_peers(session, &n);
	if (peers != NULL && n > 0 && lacks_digital_signature(&peers[0]) &&
	    signature_cert_prio != NULL)
		gnutls_priority_set(session, signature_cert_prio);
	return 0;
}

void
tls_connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;

	(void)cls;
	(void)socket_context;
	if (code != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_once(&signature_cert_once, signature_cert_init);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci != NULL && ci->tls_session != NULL)
		gnutls_handshake_set_hook_function((gnutls_session_t)ci->tls_session,
		    GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY, GNUTLS_HOOK_PRE, before_cert_verify);
}

bool
web_tls(struct web_req *r)
{
	return r->tls;
}

const unsigned char *
web_client_cert(struct web_req *r, size_t i, size_t *len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	const gnutls_datum_t *peers;
	unsigned int n = 0;
	unsigned char *copy;

	*len = 0;
	if (ci == NULL || ci->tls_session == NULL)
		return NULL;
	if (gnutls_certificate_type_get((gnutls_session_t)ci->tls_session) != GNUTLS_CRT_X509)
		return NULL;
	peers = gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &n);
	if (peers == NULL || i >= n || peers[i].size == 0 || peers[i].size > CLIENT_CERT_MAX)
		return NULL;
	copy = arena_alloc(r->arena, peers[i].size);
	if (copy == NULL)
		return NULL;
	memcpy(copy, peers[i].data, peers[i].size);
	*len = peers[i].size;
	return copy;
}
