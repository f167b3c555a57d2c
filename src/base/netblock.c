/* netblock.c — lists of IPv4/IPv6 addresses and CIDR blocks, and the canonical text of an
 * address. Pure code (inet_pton/inet_ntop only); one parser for every trusted-proxy list. */
#include "base/netblock.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	int family;                  /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;                    /* prefix length */
};

struct netblocks {
	struct block b[NETBLOCKS_MAX];
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
netblocks_parse(const char *list, const char *name, struct netblocks **out, char *err,
    size_t errlen)
{
	struct netblocks *p = calloc(1, sizeof(*p));
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
			if (n >= sizeof(item) || p->n == NETBLOCKS_MAX) {
				snprintf(err, errlen, "%s: too long or too many entries", name);
				goto fail;
			}
			memcpy(item, s, n);
			item[n] = '\0';
			if (block_parse(item, &p->b[p->n]) != 0) {
				snprintf(err, errlen, "%s: '%s' is not an address or block", name,
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
netblocks_free(struct netblocks *p)
{
	free(p);
}

bool
netblocks_any(const struct netblocks *p)
{
	return p != NULL && p->n > 0;
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
netblocks_contains(const struct netblocks *p, const char *addr)
{
	struct block a;

	if (p == NULL || addr == NULL || strchr(addr, '/') || block_parse(addr, &a) != 0)
		return false;
	for (size_t i = 0; i < p->n; i++)
		if (p->b[i].family == a.family && prefix_equal(p->b[i].addr, a.addr, p->b[i].bits))
			return true;
	return false;
}

int
netaddr_canon(const char *text, size_t len, char *out, size_t outlen)
{
	char host[64];
	unsigned char bin[16];
	int family;

	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(host) || outlen == 0)
		return -1;
	memcpy(host, text, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, bin) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, host, bin) == 1)
		family = AF_INET6;
	else
		return -1;
	return inet_ntop(family, bin, out, (socklen_t)outlen) != NULL ? 0 : -1;
}
