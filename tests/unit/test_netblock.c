/* test_netblock.c — the address lists of trusted proxies (base/netblock.c) and the
 * canonical text of an X-Forwarded-For entry: what is an address, what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/netblock.h"

static int
canon(const char *text, char *out, size_t outlen)
{
	return netaddr_canon(text, strlen(text), out, outlen);
}

static void
test_canon(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(canon(" 203.0.113.7\t", out, sizeof(out)), 0);
	assert_string_equal(out, "203.0.113.7");
	/* One spelling per address: the throttle key must not depend on how it was written. */
	assert_int_equal(canon("2001:DB8:0:0::1", out, sizeof(out)), 0);
	assert_string_equal(out, "2001:db8::1");
	assert_int_equal(canon("203.0.113.7:4444", out, sizeof(out)), -1);
	assert_int_equal(canon("[2001:db8::1]", out, sizeof(out)), -1);
	assert_int_equal(canon("10.0.0.0/8", out, sizeof(out)), -1);
	assert_int_equal(canon("proxy.example", out, sizeof(out)), -1);
	assert_int_equal(canon("", out, sizeof(out)), -1);
	assert_int_equal(canon("   ", out, sizeof(out)), -1);
	assert_int_equal(canon("203.0.113.7", out, 4), -1);
	/* Only len bytes are read. */
	assert_int_equal(netaddr_canon("10.1.2.3, 10.9.9.9", 8, out, sizeof(out)), 0);
	assert_string_equal(out, "10.1.2.3");
}

static void
test_blocks(void **state)
{
	struct netblocks *p = NULL;
	char err[128];

	(void)state;
	assert_int_equal(netblocks_parse(" 127.0.0.1/32 , 10.0.0.0/8", "trusted_proxies", &p, err,
	    sizeof(err)), 0);
	assert_true(netblocks_any(p));
	assert_true(netblocks_contains(p, "127.0.0.1"));
	assert_true(netblocks_contains(p, "10.255.0.1"));
	assert_false(netblocks_contains(p, "127.0.0.2"));
	assert_false(netblocks_contains(p, "::1"));
	netblocks_free(p);
	assert_int_equal(netblocks_parse(NULL, "trusted_proxies", &p, err, sizeof(err)), 0);
	assert_false(netblocks_any(p));
	assert_false(netblocks_contains(p, "127.0.0.1"));
	netblocks_free(p);
	assert_false(netblocks_any(NULL));
	assert_int_equal(netblocks_parse("1.2.3.4, x", "some_list", &p, err, sizeof(err)), -1);
	assert_null(p);
	assert_string_equal(err, "some_list: 'x' is not an address or block");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
