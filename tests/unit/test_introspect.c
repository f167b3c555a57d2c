/* test_introspect.c — token introspection's reads (oidc/introspect.h) in a real store: one
 * read transaction per introspection, counted with the store's call counter; the resource
 * servers kept a few seconds, by id and secret, and refused once those seconds passed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "oidc/introspect.h"
#include "oidc/resource.h"
#include "oidc/toolbox_sql.h"
#include "store/store.h"
#include "store_fixture.h"

#define SECRET "rs-secret-0123456789abcdef"
#define OTHER_SECRET "rs-secret-fedcba9876543210"
/* A machine token's shape (43 base64url characters) that no token has. */
#define UNKNOWN_TOKEN "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static char clock_path[64];
static int64_t clock_offset;

/* Moves the service's clock (clock_use_file) forward by seconds. */
static void
clock_advance(int64_t seconds)
{
	FILE *f;

	clock_offset += seconds;
	f = fopen(clock_path, "w");
	assert_non_null(f);
	fprintf(f, "%lld\n", (long long)clock_offset);
	assert_int_equal(fclose(f), 0);
}

struct fx {
	struct store_fixture *f;
	struct arena *a;
};

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	char err[256];

	if (x == NULL)
		return -1;
	x->f = store_fixture_new("introspect", 2);
	x->a = arena_new(64 * 1024);
	if (x->f == NULL || x->a == NULL ||
	    oidc_rs_add(x->f->s, "api", SECRET, "urn:portier:test:api", false, "test", err,
	    sizeof(err)) != 0)
		return -1;
	oidc_rs_forget(NULL);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	oidc_rs_forget(NULL);
	arena_free(x->a);
	store_fixture_free(x->f);
	free(x);
	return 0;
}

/* The resource server's row deleted behind portier's back: what another node's removal
 * (or `portier rs remove` in another process) looks like to this one. */
static void
remove_elsewhere(struct store *s, const char *id)
{
	struct store_tx *tx;

	assert_int_equal(store_begin(s, STORE_WRITE, &tx), 0);
	assert_int_equal(store_exec(tx, SQL_OIDC_RS_DELETE, "t", id), 1);
	assert_int_equal(store_commit(&tx), 0);
}

/* One introspection of a machine-shaped token counting the store's transactions and
 * statements; returns what oidc_introspect_lookup returned. */
static int
lookup_counted(struct fx *x, const char *secret, long *begins, long *statements,
    struct oidc_introspection *out)
{
	int rc;

	store_fault_after(x->f->s, 0, STORE_FAULT_BEGIN);
	rc = oidc_introspect_lookup(x->f->s, x->a, NULL, "http://127.0.0.1", "api", secret,
	    UNKNOWN_TOKEN, out);
	*begins = store_fault_calls(x->f->s);
	store_fault_after(x->f->s, 0, STORE_FAULT_PREPARE);
	rc = oidc_introspect_lookup(x->f->s, x->a, NULL, "http://127.0.0.1", "api", secret,
	    UNKNOWN_TOKEN, out);
	*statements = store_fault_calls(x->f->s);
	store_fault_off(x->f->s);
	return rc;
}

/* Before: oidc_rs_auth and oidc_machine_token_lookup, a read transaction each (two
 * BEGIN … ROLLBACK on PostgreSQL). Now one, and none for the resource server once kept. */
static void
one_transaction(void **state)
{
	struct fx *x = *state;
	struct oidc_introspection in;
	struct oidc_rs rs;
	struct oidc_machine_token_info t;
	long begins = 0, statements = 0;

	/* What the endpoint did before, counted the same way. */
	store_fault_after(x->f->s, 0, STORE_FAULT_BEGIN);
	assert_int_equal(oidc_rs_auth(x->f->s, x->a, "api", SECRET, &rs), 0);
	assert_int_equal(oidc_machine_token_lookup(x->f->s, x->a, UNKNOWN_TOKEN, &t), 1);
	assert_int_equal(store_fault_calls(x->f->s), 2);
	store_fault_off(x->f->s);

	/* The first: the resource server and the token in one transaction. */
	store_fault_after(x->f->s, 0, STORE_FAULT_BEGIN | STORE_FAULT_PREPARE);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "http://127.0.0.1", "api",
	    SECRET, UNKNOWN_TOKEN, &in), 0);
	/* One begin, two statements (the resource server, the machine token). */
	assert_int_equal(store_fault_calls(x->f->s), 3);
	store_fault_off(x->f->s);
	assert_int_equal(in.kind, OIDC_INTROSPECT_INACTIVE);
	assert_string_equal(in.rs.id, "api");
	assert_string_equal(in.rs.audience, "urn:portier:test:api");

	/* The next ones: the resource server kept, only the token read. */
	assert_int_equal(lookup_counted(x, SECRET, &begins, &statements, &in), 0);
	assert_int_equal(begins, 1);
	assert_int_equal(statements, 1);
	assert_string_equal(in.rs.audience, "urn:portier:test:api");

	/* A token of no shape of ours (a refresh token, garbage): nothing read at all. */
	store_fault_after(x->f->s, 0, STORE_FAULT_BEGIN);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    "12.3.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &in), 0);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    "garbage", &in), 0);
	assert_int_equal(store_fault_calls(x->f->s), 0);
	store_fault_off(x->f->s);
	assert_int_equal(in.kind, OIDC_INTROSPECT_INACTIVE);
	/* An opaque access token's shape is read (its grant is unknown: inactive). */
	store_fault_after(x->f->s, 0, STORE_FAULT_BEGIN);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    "12.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &in), 0);
	assert_int_equal(store_fault_calls(x->f->s), 1);
	store_fault_off(x->f->s);
	assert_int_equal(in.kind, OIDC_INTROSPECT_INACTIVE);
}

/* A wrong secret is read from the store (and refused) even while the right one is kept;
 * a refusal is never kept; no credentials read nothing. */
static void
kept_by_id_and_secret(void **state)
{
	struct fx *x = *state;
	struct oidc_introspection in;
	long begins = 0, statements = 0;

	assert_int_equal(lookup_counted(x, OTHER_SECRET, &begins, &statements, &in), 1);
	assert_int_equal(begins, 1);
	assert_int_equal(statements, 1);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    UNKNOWN_TOKEN, &in), 0);
	/* Kept now; the wrong one still goes to the store and is refused. */
	assert_int_equal(lookup_counted(x, OTHER_SECRET, &begins, &statements, &in), 1);
	assert_int_equal(begins, 1);
	assert_int_equal(statements, 1);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET "x",
	    UNKNOWN_TOKEN, &in), 1);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", "", NULL, &in),
	    1);
	store_fault_after(x->f->s, 0, STORE_FAULT_BEGIN);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", NULL, NULL,
	    UNKNOWN_TOKEN, &in), 1);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "bad id", SECRET,
	    UNKNOWN_TOKEN, &in), 1);
	assert_int_equal(store_fault_calls(x->f->s), 0);
	store_fault_off(x->f->s);
}

/* Removed on another node: accepted while kept, refused once the seconds passed (the
 * service's clock moved, as a test server's --test-clock does). Removed here: at once. */
static void
removed_refused(void **state)
{
	struct fx *x = *state;
	struct oidc_introspection in;
	char err[256];

	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    UNKNOWN_TOKEN, &in), 0);
	remove_elsewhere(x->f->s, "api");
	clock_advance(OIDC_RS_KEEP_SECONDS);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    UNKNOWN_TOKEN, &in), 1);

	/* Registered again with another secret: the new one counts at once; the old one,
	 * kept before, not after the seconds. */
	assert_int_equal(oidc_rs_add(x->f->s, "api", SECRET, "urn:portier:test:api", false,
	    "test", err, sizeof(err)), 0);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    UNKNOWN_TOKEN, &in), 0);
	remove_elsewhere(x->f->s, "api");
	assert_int_equal(oidc_rs_add(x->f->s, "api", OTHER_SECRET, "urn:portier:test:api2",
	    false, "test", err, sizeof(err)), 0);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", OTHER_SECRET,
	    UNKNOWN_TOKEN, &in), 0);
	assert_string_equal(in.rs.audience, "urn:portier:test:api2");
	clock_advance(OIDC_RS_KEEP_SECONDS);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", SECRET,
	    UNKNOWN_TOKEN, &in), 1);

	/* oidc_rs_remove in this process: refused at once, the clock unmoved. */
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", OTHER_SECRET,
	    UNKNOWN_TOKEN, &in), 0);
	assert_int_equal(oidc_rs_remove(x->f->s, "api", "test"), 0);
	assert_int_equal(oidc_introspect_lookup(x->f->s, x->a, NULL, "i", "api", OTHER_SECRET,
	    UNKNOWN_TOKEN, &in), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(kept_by_id_and_secret, setup, teardown),
		cmocka_unit_test_setup_teardown(removed_refused, setup, teardown),
	};
	int fd, rc;

	snprintf(clock_path, sizeof(clock_path), "/tmp/portier-clock-XXXXXX");
	fd = mkstemp(clock_path);
	if (fd < 0 || write(fd, "0\n", 2) != 2 || close(fd) != 0 ||
	    clock_use_file(clock_path) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(clock_path);
	return rc;
}
