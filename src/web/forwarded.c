/* forwarded.c — the client's address and scheme behind a trusted reverse proxy: the
 * right-most X-Forwarded-For address that is not itself a trusted proxy, X-Forwarded-Proto. */
#include "web/internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "base/netblock.h"

/* Only the last header lines and the right-most addresses are ever looked at: the ones on
 * the left are written by whoever sent the request and prove nothing. */
#define XFF_LINES 16
#define XFF_ENTRIES 16

struct fwd_headers {
	const char *xff[XFF_LINES];   /* the last XFF_LINES X-Forwarded-For lines, a ring */
	size_t nxff;                  /* lines seen in all */
	const char *proto;            /* the last X-Forwarded-Proto line */
};

static enum MHD_Result
fwd_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct fwd_headers *h = cls;

	(void)kind;
	if (key == NULL || value == NULL)
		return MHD_YES;
	/* A proxy may add a line of its own (HAProxy's option forwardfor) rather than
	 * extend the client's: all lines count, in order, as one list. */
	if (strcasecmp(key, "X-Forwarded-For") == 0)
		h->xff[h->nxff++ % XFF_LINES] = value;
	else if (strcasecmp(key, "X-Forwarded-Proto") == 0)
		h->proto = value;
	return MHD_YES;
}

/* Walks the addresses from the right: the first one not trusted is the client. NULL when
 * the list is malformed, too long to walk, or holds trusted proxies only beyond what is
 * kept (the caller then keeps the peer). */
static const char *
xff_client(struct web_req *r, const struct fwd_headers *h, const struct netblocks *trusted)
{
	char addr[INET6_ADDRSTRLEN];
	const char *last = NULL;
	size_t examined = 0;
	size_t kept = h->nxff < XFF_LINES ? h->nxff : XFF_LINES;

	for (size_t i = 0; i < kept; i++) {
		const char *v = h->xff[(h->nxff - 1 - i) % XFF_LINES];
		size_t end = strlen(v);

		for (;;) {
			size_t start = end;

			while (start > 0 && v[start - 1] != ',')
				start--;
			if (++examined > XFF_ENTRIES ||
			    netaddr_canon(v + start, end - start, addr, sizeof(addr)) != 0)
				return NULL;
			if (!netblocks_contains(trusted, addr))
				return arena_strdup(r->arena, addr);
			last = arena_strdup(r->arena, addr);
			if (start == 0)
				break;
			end = start - 1;
		}
	}
	/* Every address was a trusted proxy: the left-most is where the request began. */
	return h->nxff <= XFF_LINES ? last : NULL;
}

bool
web_via_proxy(struct web_req *r)
{
	/* On portier's own TLS listener a proxy can only pass the TCP stream through: the
	 * headers are the client's own, whoever the peer is. */
	return netblocks_contains(r->srv->cfg.trusted_proxies, r->peer) &&
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_GNUTLS_SESSION) == NULL;
}

void
forwarded_apply(struct web_req *r)
{
	const struct netblocks *trusted = r->srv->cfg.trusted_proxies;
	struct fwd_headers h = { 0 };
	const char *client;

	r->client = r->peer;
	if (!web_via_proxy(r))
		return;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, fwd_header, &h);
	client = h.nxff > 0 ? xff_client(r, &h, trusted) : NULL;
	if (client != NULL)
		r->client = client;
	/* The proxy terminated TLS: cookies Secure and HSTS as on portier's own listener. */
	if (h.proto != NULL && strcasecmp(h.proto, "https") == 0)
		r->tls = true;
}
