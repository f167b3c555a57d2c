/* eid_proxy.c — the trusted-proxy mode of the eID door: which TCP peers may hand over a
 * client certificate in a header, and the decoding of that header (URL-escaped PEM, as
 * nginx's $ssl_client_escaped_cert). Pure code. */
#include "auth/eid.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pct.h"

#define PROXIES_MAX 32

struct block {
	int family;                  /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;                    /* prefix length */
};

struct eid_proxies {
	struct block b[PROXIES_MAX];
	size_t n;
};

/* Parses "1.2.3.4", "::1", "10.0.0.0/8" into b. Returns 0 or -1. */
static int
block_parse(const char *text, struct block *b)
{
	char host[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	int max;

	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, b->addr) == 1) {
		b->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, b->addr) == 1) {
		b->family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	b->bits = max;
	if (slash != NULL) {
		char *end;
		long bits = strtol(slash + 1, &end, 10);

		if (slash[1] == '\0' || *end != '\0' || bits < 0 || bits > max)
			return -1;
		b->bits = (int)bits;
	}
	return 0;
}

int
eid_proxies_parse(const char *list, struct eid_proxies **out, char *err, size_t errlen)
{
	struct eid_proxies *p = calloc(1, sizeof(*p));
	const char *s = list ? list : "";

	*out = NULL;
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (*s != '\0') {
		char item[80];
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);

		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > 0) {
			if (n >= sizeof(item) || p->n == PROXIES_MAX) {
				snprintf(err, errlen, "trusted_proxies: too long or too many entries");
				goto fail;
			}
			memcpy(item, s, n);
			item[n] = '\0';
			if (block_parse(item, &p->b[p->n]) != 0) {
				snprintf(err, errlen, "trusted_proxies: '%s' is not an address or block",
				    item);
				goto fail;
			}
			p->n++;
		}
		if (end == NULL)
			break;
		s = end + 1;
	}
	*out = p;
	return 0;
fail:
	free(p);
	return -1;
}

void
eid_proxies_free(struct eid_proxies *p)
{
	free(p);
}

static bool
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (0xff << (8 - rest))) == 0;
}

bool
eid_proxies_trusted(const struct eid_proxies *p, const char *addr)
{
	struct block a;

	if (p == NULL || addr == NULL || block_parse(addr, &a) != 0 || strchr(addr, '/'))
		return false;
	for (size_t i = 0; i < p->n; i++)
		if (p->b[i].family == a.family && prefix_equal(p->b[i].addr, a.addr, p->b[i].bits))
			return true;
	return false;
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
