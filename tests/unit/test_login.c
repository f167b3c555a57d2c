/* test_login.c — the access-codes door's throttling on a clock of the test's own: failures
 * slow an account down and never lock it (the right password works once the wait is
 * over), a busy address is held, never refused a right password, an eID login clears the
 * account's wait, and a burst of refused attempts is one audit event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/eid_login.h"
#include "auth/login.h"
#include "auth/person.h"
#include "store/store.h"
#include "store_fixture.h"

#define PW "Un-mot-de-passe-solide"
#define NISS "85073003328"

static int64_t fake_now;
static int paused, pauses;

static int64_t
now_fn(void)
{
	return fake_now;
}

static void
pause_fn(int seconds)
{
	paused = seconds;
	pauses++;
}

static int
setup(void **state)
{
	*state = store_fixture_login_new("login", NISS, "Peeters", "Jan", "jan", PW);
	if (*state == NULL)
		return -1;
	fake_now = 2000000000;
	paused = pauses = 0;
	login_set_clock(now_fn, pause_fn);
	return 0;
}

static int
teardown(void **state)
{
	int rc = store_fixture_login_free(*state);

	login_set_clock(NULL, NULL);
	return rc;
}

static enum login_result
try(struct store_fixture_login *f, const char *user, const char *pw, const char *from)
{
	struct login_attempt a = { .username = user, .password = pw,
	    .by = { .source = from, .request_id = "t" }, .pwcfg = &f->pw };
	enum login_result r = login_password(f->fx.s, &a);

	if (r == LOGIN_THROTTLED)
		assert_true(a.wait_seconds >= 1);
	return r;
}

/* What is stored of the slow-down of key ("u:<user name>" or "a:<address>"), read through
 * login_throttle_show: what is "rows" (1 or 0), "failures", "refused", "next" (the time
 * next allowed, 0 when none) or "wait" (next_allowed - updated_at); -1 on error. */
static int64_t
stored(struct store_fixture_login *f, const char *what, const char *key)
{
	struct login_throttle_view v;
	int rc = key[0] == 'u' ? login_throttle_show(f->fx.s, key + 2, NULL, &v) :
	    login_throttle_show(f->fx.s, NULL, key + 2, &v);

	if (rc < 0)
		return -1;
	if (strcmp(what, "rows") == 0)
		return rc == 0 ? 1 : 0;
	if (rc == 1)
		return strcmp(what, "next") == 0 ? 0 : -1;
	if (strcmp(what, "failures") == 0)
		return v.failures;
	if (strcmp(what, "refused") == 0)
		return v.refused;
	if (strcmp(what, "next") == 0)
		return v.next_allowed;
	return strcmp(what, "wait") == 0 ? v.next_allowed - v.updated_at : -1;
}

static void
slows_never_locks(void **state)
{
	struct store_fixture_login *f = *state;

	for (int i = 0; i < 3; i++)
		assert_int_equal(try(f, "jan", "faux", "192.0.2.1"), LOGIN_REFUSED);
	/* The third failure: a wait of one second, during which even the right password is
	 * refused unchecked (nothing counted). */
	assert_int_equal(stored(f, "wait", "u:jan"), 1);
	assert_int_equal(try(f, "jan", PW, "192.0.2.1"), LOGIN_THROTTLED);
	assert_int_equal(stored(f, "failures", "u:jan"), 3);
	fake_now += 1;
	assert_int_equal(try(f, "jan", PW, "192.0.2.1"), LOGIN_OK);
	assert_int_equal(stored(f, "rows", "u:jan"), 0);

	/* Twenty failures in a row, each once the wait is over: the wait grows to a minute
	 * and no further; the right password then works. */
	for (int i = 0; i < 20; i++) {
		fake_now = stored(f, "next", "u:jan") > fake_now ?
		    stored(f, "next", "u:jan") : fake_now;
		assert_int_equal(try(f, "jan", "faux", "192.0.2.7"), LOGIN_REFUSED);
		assert_true(stored(f, "wait", "u:jan") <= 60);
	}
	assert_int_equal(stored(f, "wait", "u:jan"), 60);
	fake_now += 59;
	assert_int_equal(try(f, "jan", PW, "192.0.2.8"), LOGIN_THROTTLED);
	fake_now += 1;
	assert_int_equal(try(f, "jan", PW, "192.0.2.8"), LOGIN_OK);
}

static void
burst_is_one_event(void **state)
{
	struct store_fixture_login *f = *state;
	const char *n = "login.password.throttled";

	for (int i = 0; i < 3; i++)
		assert_int_equal(try(f, "ghost", "faux", "192.0.2.2"), LOGIN_REFUSED);
	for (int i = 0; i < 5; i++)
		assert_int_equal(try(f, "ghost", "faux", "192.0.2.2"), LOGIN_THROTTLED);
	assert_int_equal(store_fixture_audit(f->fx.s, n, NULL, NULL, NULL, NULL), 1);
	assert_int_equal(stored(f, "refused", "u:ghost"), 4);
	/* The next failure opens another burst: its event tells the four not audited. */
	fake_now += 1;
	assert_int_equal(try(f, "ghost", "faux", "192.0.2.2"), LOGIN_REFUSED);
	assert_int_equal(try(f, "ghost", "faux", "192.0.2.2"), LOGIN_THROTTLED);
	assert_int_equal(try(f, "ghost", "faux", "192.0.2.2"), LOGIN_THROTTLED);
	assert_int_equal(store_fixture_audit(f->fx.s, n, NULL, NULL, NULL, NULL), 2);
	/* Of the two events, the second (the first has no earlier burst to tell). */
	assert_int_equal(store_fixture_audit(f->fx.s, n, NULL, NULL, "earlier", "4"), 1);
}

static void
busy_address_is_held_not_refused(void **state)
{
	struct store_fixture_login *f = *state;
	char user[16];
	struct login_attempt code = { .username = NULL, .password = "x",
	    .by = { .source = "192.0.2.3", .request_id = "t" }, .pwcfg = &f->pw };

	/* Thirty user names tried once each from one address (an office, or a sprayer). */
	for (int i = 0; i < 30; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		if (i >= 20)
			fake_now = stored(f, "next", "a:192.0.2.3");
		assert_int_equal(try(f, user, "faux", "192.0.2.3"), LOGIN_REFUSED);
	}
	assert_true(stored(f, "next", "a:192.0.2.3") > fake_now);
	/* Jan, from the same address, is held a moment, then let in. */
	assert_int_equal(try(f, "jan", PW, "192.0.2.3"), LOGIN_OK);
	assert_int_equal(pauses, 1);
	assert_true(paused >= 1 && paused <= 3);
	/* A wrong password is held too, then refused and counted. */
	assert_int_equal(try(f, "jan", "faux", "192.0.2.3"), LOGIN_REFUSED);
	assert_int_equal(pauses, 2);
	/* A door without user name (activation codes) has only the address: it waits. */
	assert_int_equal(login_gate(f->fx.s, &code, "activation"), LOGIN_THROTTLED);
}

static void
eid_login_clears_the_wait(void **state)
{
	struct store_fixture_login *f = *state;
	struct eid_identity id = { .niss = NISS, .last_name = "Peeters", .first_name = "Jan",
	    .serial = "01", .issuer = "Citizen CA" };
	struct eid_login e = { .id = &id, .via = "demo",
	    .by = { .lang = "nl", .source = "192.0.2.4", .request_id = "t" } };

	for (int i = 0; i < 6; i++)
		assert_int_equal(try(f, "Jan", "faux", "192.0.2.4"), i < 3 ? LOGIN_REFUSED :
		    LOGIN_THROTTLED);
	assert_int_equal(stored(f, "rows", "u:jan"), 1);
	assert_int_equal(eid_login(f->fx.s, &e), 0);
	assert_int_equal(e.person_id, f->person);
	assert_int_equal(stored(f, "rows", "u:jan"), 0);
	assert_int_equal(try(f, "jan", PW, "192.0.2.4"), LOGIN_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(slows_never_locks, setup, teardown),
		cmocka_unit_test_setup_teardown(burst_is_one_event, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_address_is_held_not_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(eid_login_clears_the_wait, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
