/* client_cert.c — the client certificate a request came with, as its x5t#S256 thumbprint:
 * from portier's own TLS handshake, or from a trusted proxy's header as for eID. */
#include "apps/app.h"

#include "apps/login/door_eid.h"
#include "auth/eid.h"
#include "base/log.h"
#include "oidc/client_auth.h"

#include <string.h>

#define PEM_MAX (16 * 1024)
/* A machine presents the same certificate on every request: the last header decoded by
 * this thread and its thumbprint are kept, and a header of the very same bytes is not
 * decoded again (about 4 % of a token's CPU). A pure function of the bytes: nothing to
 * go stale. Headers longer than this are decoded each time. */
#define MEMO_MAX 4096

static __thread struct {
	size_t len;
	char hdr[MEMO_MAX];
	char x5t[OIDC_X5T_LEN + 1];
} memo;

/* The thumbprint of the certificate in a proxy's header (URL-escaped PEM) into t:
 * 0, or 1 when the header is not one. */
static int
header_x5t(struct web_req *r, const char *hdr, char *t)
{
	size_t hlen = strlen(hdr);
	char *pem;
	long n;

	if (memo.len != 0 && memo.len == hlen && memcmp(memo.hdr, hdr, hlen) == 0) {
		memcpy(t, memo.x5t, OIDC_X5T_LEN + 1);
		return 0;
	}
	pem = arena_alloc(web_arena(r), PEM_MAX);
	if (pem == NULL)
		return -1;
	n = eid_header_decode(hdr, pem, PEM_MAX - 1);
	if (n < 0 || (pem[n] = '\0', oidc_x5t_pem(pem, (size_t)n, t)) != 0)
		return 1;
	if (hlen < MEMO_MAX) {
		memcpy(memo.hdr, hdr, hlen);
		memcpy(memo.x5t, t, OIDC_X5T_LEN + 1);
		memo.len = hlen;
	}
	return 0;
}

int
app_client_x5t(struct web_req *r, const char **x5t, const char **why)
{
	struct app *app = web_app(r);
	const struct eid_door *door = app->eid_door;
	const char *name = door != NULL && door->proxy_header ? door->proxy_header :
	    "X-SSL-Client-Cert";
	const char *hdr = web_header(r, name);
	char *t = arena_alloc(web_arena(r), OIDC_X5T_LEN + 1);
	const unsigned char *der;
	size_t len;
	int rc;

	*x5t = NULL;
	*why = NULL;
	if (t == NULL)
		return -1;
	if (hdr != NULL && hdr[0] != '\0') {
		/* As eID: only the TCP peer that is a trusted proxy, on the plain listener. */
		if (door == NULL || !eid_proxies_trusted(door->proxies, web_peer(r)) ||
		    !web_via_proxy(r)) {
			log_warn(web_rid(r), "client certificate: %s header from %s, not a "
			    "trusted proxy: refused", name, web_peer(r));
			*why = "certificate header from an untrusted peer";
			return 1;
		}
		rc = header_x5t(r, hdr, t);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			*why = "certificate header is not URL-escaped PEM";
			return 1;
		}
		*x5t = t;
		return 0;
	}
	der = web_client_cert(r, 0, &len);
	if (der == NULL)
		return 0;
	if (oidc_x5t_der(der, len, t) != 0)
		return -1;
	*x5t = t;
	return 0;
}
