/* eid_proxy.c — the trusted-proxy mode of the eID door: which TCP peers may hand over a
 * client certificate in a header, and the decoding of that header (URL-escaped PEM, as
 * nginx's $ssl_client_escaped_cert). Pure code. */
#include "auth/eid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/netblock.h"
#include "base/pct.h"

/* The list lives in base/netblock.c, shared with the web layer's X-Forwarded-For. */
struct eid_proxies {
	struct netblocks *blocks;
};

int
eid_proxies_parse(const char *list, struct eid_proxies **out, char *err, size_t errlen)
{
	struct eid_proxies *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (netblocks_parse(list, "trusted_proxies", &p->blocks, err, errlen) != 0) {
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void
eid_proxies_free(struct eid_proxies *p)
{
	if (p == NULL)
		return;
	netblocks_free(p->blocks);
	free(p);
}

const struct netblocks *
eid_proxies_blocks(const struct eid_proxies *p)
{
	return p != NULL ? p->blocks : NULL;
}

bool
eid_proxies_trusted(const struct eid_proxies *p, const char *addr)
{
	return p != NULL && netblocks_contains(p->blocks, addr);
}

long
eid_header_decode(const char *value, char *out, size_t outlen)
{
	long n;

	/* A header is URL-encoded without the form rule: '+' stays '+' (base64 uses it). */
	if (value == NULL || outlen == 0)
		return -1;
	n = pct_decode(value, strlen(value), out, outlen, false);
	/* PEM is ASCII text: no NUL, no other control than tab, CR and LF. */
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c >= 0x7f)
			return -1;
	}
	return n;
}
