/* tls.c — what a handler may ask of the TLS layer: whether the request came over TLS,
 * and the certificates the client presented (read from libmicrohttpd's GnuTLS session;
 * GnuTLS checked only that the client holds the key: the handler verifies the rest). */
#include "web/internal.h"

#include <gnutls/gnutls.h>
#include <string.h>

#define CLIENT_CERT_MAX (16 * 1024)

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
