/* fuzz_eid_header.c — libFuzzer target for the trusted-proxy mode of the eID door
 * (eid_proxy.c): the first byte chooses. Even: the input is the proxy's certificate header
 * (URL-escaped PEM), decoded as the door does and, when it decodes, verified against a test
 * eID hierarchy made at start-up (eid_verify_pem). Odd: "LIST\nADDRESS", the
 * trusted_proxies setting and a peer address. Built by `make fuzz`. */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/eid.h"
#include "auth/eid_testca.h"
#include "base/arena.h"
#include "fuzz_common.h"

#define PEM_MAX (64 * 1024)      /* as the door (apps/login/door_eid.c) */

static struct eid_verifier *verifier;

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* The hierarchy lives in a temporary folder only while the verifier loads it. */
static void
setup(void)
{
	char dir[] = "/tmp/fuzz-eid-XXXXXX", trust[64], err[256];
	struct eid_options o = { .trust = trust, .revocation = EID_REVOCATION_OFF };

	check(mkdtemp(dir) != NULL);
	snprintf(trust, sizeof(trust), "%s/trust.pem", dir);
	if (eid_testca_init(dir, err, sizeof(err)) != 0 ||
	    eid_verifier_new(&o, &verifier, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_eid_header: %s\n", err);
		abort();
	}
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void
header(const char *value)
{
	static char pem[PEM_MAX];
	struct eid_identity id;
	struct arena *a;
	enum eid_status st;
	long n = eid_header_decode(value, pem, sizeof(pem));

	if (n < 0)
		return;
	check((size_t)n == strlen(pem) && (size_t)n <= strlen(value));
	for (long i = 0; i < n; i++)
		check(((unsigned char)pem[i] >= 0x20 && (unsigned char)pem[i] < 0x7f) ||
		    pem[i] == '\n' || pem[i] == '\r' || pem[i] == '\t');
	a = arena_new(0);
	check(a != NULL);
	st = eid_verify_pem(verifier, pem, (size_t)n, a, &id);
	check(eid_status_msgid(st) != NULL && eid_status_reason(st) != NULL);
	check(id.detail != NULL && id.niss != NULL && id.serial != NULL && id.issuer != NULL);
	if (st == EID_OK)
		check(strlen(id.niss) == 11);
	arena_free(a);
}

static void
proxies(char *text)
{
	char *addr = strchr(text, '\n'), err[256];
	struct eid_proxies *p = NULL;

	if (addr != NULL)
		*addr++ = '\0';
	err[0] = '\0';
	if (eid_proxies_parse(text, &p, err, sizeof(err)) != 0) {
		check(p == NULL && err[0] != '\0');
		return;
	}
	check(p != NULL);
	if (addr != NULL)
		(void)eid_proxies_trusted(p, addr);
	/* A block never trusts a text that is not a plain address. */
	check(!eid_proxies_trusted(p, "") && !eid_proxies_trusted(p, NULL));
	eid_proxies_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	if (verifier == NULL)
		setup();
	s = fuzz_string(data + 1, size - 1);
	if ((data[0] & 1) == 0)
		header(s);
	else
		proxies(s);
	free(s);
	return 0;
}
