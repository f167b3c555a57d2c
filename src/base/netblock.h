/* netblock.h — lists of IPv4/IPv6 addresses and CIDR blocks (trusted proxies), and the
 * canonical text of an address. Pure code, shared by web/ (X-Forwarded-For) and auth/ (eID). */
#ifndef PORTIER_BASE_NETBLOCK_H
#define PORTIER_BASE_NETBLOCK_H

#include <stdbool.h>
#include <stddef.h>

#define NETBLOCKS_MAX 32

struct netblocks;

/* Parses a comma-separated list of addresses or CIDR blocks ("" or NULL = none) into *out
 * (freed with netblocks_free). Returns 0, or -1 with "name: reason" in err. */
int netblocks_parse(const char *list, const char *name, struct netblocks **out, char *err,
    size_t errlen);
void netblocks_free(struct netblocks *p);
/* True when addr (text form, no prefix) lies in one of the blocks; false for NULL p. */
bool netblocks_contains(const struct netblocks *p, const char *addr);
/* True when p holds at least one block. */
bool netblocks_any(const struct netblocks *p);
/* Writes the canonical text (inet_ntop) of the address in text[0..len) into out; spaces
 * and tabs around it are ignored. Returns 0, or -1 when it is not a plain IPv4/IPv6
 * address (a block, a port, a name) or out is too small. */
int netaddr_canon(const char *text, size_t len, char *out, size_t outlen);

#endif
