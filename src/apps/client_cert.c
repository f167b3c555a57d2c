/* client_cert.c — the client certificate a request came with, as its x5t#S256 thumbprint:
 * from portier's own TLS handshake, or from a trusted proxy's header as for eID. */
#include "apps/app.h"

#include "apps/login/door_eid.h"
#include "auth/eid.h"
#include "base/log.h"
#include "oidc/client_auth.h"

#define PEM_MAX (16 * 1024)

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
	char *pem;
	size_t len;
	long n;

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
		pem = arena_alloc(web_arena(r), PEM_MAX);
		if (pem == NULL)
			return -1;
		n = eid_header_decode(hdr, pem, PEM_MAX - 1);
		if (n < 0 || (pem[n] = '\0', oidc_x5t_pem(pem, (size_t)n, t)) != 0) {
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
