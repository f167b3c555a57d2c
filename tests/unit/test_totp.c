/* test_totp.c — mobile-app codes: the RFC 6238 test vectors (HMAC-SHA1) through liboath,
 * the ±1 step window, base32 and the otpauth URI, and through the store: enrolment
 * confirmed by a first code, replayed codes refused, the door's answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/login.h"
#include "auth/person.h"
#include "auth/totp.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

/* The fixture's person acting on their own app (no address, no request id). */
#define ME(f) ((struct actor){ .person_id = (f)->person })

/* RFC 6238 appendix B: the SHA1 key is the ASCII "12345678901234567890". */
static const unsigned char rfc_key[] = "12345678901234567890";
static const struct {
	int64_t t;
	const char *code;
} rfc_vectors[] = {
	{ 59, "94287082" },
	{ 1111111109, "07081804" },
	{ 1111111111, "14050471" },
	{ 1234567890, "89005924" },
	{ 2000000000, "69279037" },
	{ 20000000000, "65353130" },
};

static void
rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
		char out[9];
		int64_t step = -1;

		assert_int_equal(totp_code(rfc_key, 20, rfc_vectors[i].t, 8, out), 0);
		assert_string_equal(out, rfc_vectors[i].code);
		assert_int_equal(totp_match(rfc_key, 20, rfc_vectors[i].t, rfc_vectors[i].code,
		    &step), 0);
		assert_int_equal(step, rfc_vectors[i].t / 30);
	}
}

static void
window_of_one_step(void **state)
{
	int64_t t = 1111111111, step = 0;
	char before[9], now[9], after[9], far_before[9], far_after[9];

	(void)state;
	assert_int_equal(totp_code(rfc_key, 20, t - 30, 6, before), 0);
	assert_int_equal(totp_code(rfc_key, 20, t, 6, now), 0);
	assert_int_equal(totp_code(rfc_key, 20, t + 30, 6, after), 0);
	assert_int_equal(totp_code(rfc_key, 20, t - 60, 6, far_before), 0);
	assert_int_equal(totp_code(rfc_key, 20, t + 60, 6, far_after), 0);
	assert_int_equal(totp_match(rfc_key, 20, t, before, &step), 0);
	assert_int_equal(step, t / 30 - 1);
	assert_int_equal(totp_match(rfc_key, 20, t, now, &step), 0);
	assert_int_equal(step, t / 30);
	assert_int_equal(totp_match(rfc_key, 20, t, after, &step), 0);
	assert_int_equal(step, t / 30 + 1);
	/* Two steps away: refused (unless the code happens to repeat, which it does not here). */
	assert_string_not_equal(far_before, before);
	assert_int_equal(totp_match(rfc_key, 20, t, far_before, &step), 1);
	assert_int_equal(totp_match(rfc_key, 20, t, far_after, &step), 1);
}

static void
malformed_codes(void **state)
{
	int64_t step;

	(void)state;
	assert_int_equal(totp_match(rfc_key, 20, 59, NULL, &step), -1);
	assert_int_equal(totp_match(rfc_key, 20, 59, "", &step), -1);
	assert_int_equal(totp_match(rfc_key, 20, 59, "12345", &step), -1);
	assert_int_equal(totp_match(rfc_key, 20, 59, "1234567", &step), -1);
	assert_int_equal(totp_match(rfc_key, 20, 59, "12a456", &step), -1);
	assert_int_equal(totp_match(rfc_key, 20, 59, "9428708x", &step), -1);
	assert_int_equal(totp_match(rfc_key, 20, 59, "94287083", &step), 1);
}

static void
base32_and_uri(void **state)
{
	char b32[TOTP_BASE32_MAX], uri[TOTP_URI_MAX], small[8];
	unsigned char k1[TOTP_KEY_BYTES], k2[TOTP_KEY_BYTES];

	(void)state;
	assert_int_equal(totp_base32(rfc_key, 20, false, b32, sizeof(b32)), 0);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(totp_base32(rfc_key, 20, true, b32, sizeof(b32)), 0);
	assert_string_equal(b32, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
	assert_int_equal(totp_base32(rfc_key, 20, true, small, sizeof(small)), -1);
	assert_int_equal(totp_uri(rfc_key, "jan.peeters", uri, sizeof(uri)), 0);
	assert_string_equal(uri, "otpauth://totp/portier:jan.peeters?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=portier&algorithm=SHA1&digits=6&period=30");
	assert_int_equal(totp_uri(rfc_key, "a b&c?d", uri, sizeof(uri)), 0);
	assert_non_null(strstr(uri, "portier:a%20b%26c%3Fd?secret="));
	assert_int_equal(totp_uri(rfc_key, "x", small, sizeof(small)), -1);
	totp_key_new(k1);
	totp_key_new(k2);
	assert_memory_not_equal(k1, k2, sizeof(k1));
}

/* ---- through the store ---- */

static int
setup(void **state)
{
	*state = store_fixture_login_new("totp", "", "Dubois", "Claire", "claire",
	    "Un-mot-de-passe-solide");
	return *state != NULL ? 0 : -1;
}

/* The login slow-down's clock (auth/login.h login_set_clock) stopped at the time of the
 * call, its pauses skipped: a delay of a second then outlasts any slow machine, and the
 * wait it gives is exact. */
static int64_t frozen;

static int64_t
frozen_now(void)
{
	return frozen;
}

static void
no_pause(int seconds)
{
	(void)seconds;
}

static void
freeze_login_clock(void)
{
	frozen = (int64_t)time(NULL);
	login_set_clock(frozen_now, no_pause);
}

static int
teardown(void **state)
{
	login_set_clock(NULL, NULL);
	return store_fixture_login_free(*state);
}

static enum totp_result
check(struct store_fixture_login *f, const char *code, int64_t now)
{
	struct store_tx *tx;
	enum totp_result r;

	assert_int_equal(store_begin(f->fx.s, STORE_WRITE, &tx), 0);
	r = totp_check_tx(tx, f->person, code, now);
	assert_int_equal(store_commit(&tx), 0);
	return r;
}

static void
enrol(struct store_fixture_login *f, unsigned char key[TOTP_KEY_BYTES], int64_t now)
{
	unsigned char again[TOTP_KEY_BYTES];
	char code[9];

	assert_int_equal(totp_enrol_begin(f->fx.s, &ME(f), now, key), 0);
	/* The key waiting is shown again while young; a new one once it is old. */
	assert_int_equal(totp_enrol_begin(f->fx.s, &ME(f), now + 60, again), 0);
	assert_memory_equal(key, again, TOTP_KEY_BYTES);
	assert_int_equal(totp_code(key, TOTP_KEY_BYTES, now, 6, code), 0);
	assert_int_equal(totp_enrol_confirm(f->fx.s, &ME(f), code, now), TOTP_OK);
	/* Confirmed: nothing waits any more. */
	assert_int_equal(totp_enrol_confirm(f->fx.s, &ME(f), code, now), TOTP_NONE);
}

static void
enrolment_and_replay(void **state)
{
	struct store_fixture_login *f = *state;
	unsigned char key[TOTP_KEY_BYTES];
	int64_t now = (int64_t)time(NULL) / 30 * 30 + 5;
	struct totp_status st;
	char c0[9], c1[9], cm1[9];

	assert_int_equal(totp_status(f->fx.s, f->person, &st), 0);
	assert_false(st.active);
	assert_int_equal(check(f, "123456", now), TOTP_NONE);
	enrol(f, key, now);
	assert_int_equal(totp_status(f->fx.s, f->person, &st), 0);
	assert_true(st.active);
	assert_int_equal(totp_code(key, 20, now, 6, c0), 0);
	assert_int_equal(totp_code(key, 20, now + 30, 6, c1), 0);
	assert_int_equal(totp_code(key, 20, now - 30, 6, cm1), 0);
	/* The enrolment's first code is used: replayed. */
	assert_int_equal(check(f, c0, now), TOTP_REPLAYED);
	/* The next step, once; then it is a replay too, and so is anything older. */
	assert_int_equal(check(f, c1, now), TOTP_OK);
	assert_int_equal(check(f, c1, now), TOTP_REPLAYED);
	assert_int_equal(check(f, c1, now + 30), TOTP_REPLAYED);
	assert_int_equal(check(f, cm1, now), TOTP_REPLAYED);
	assert_int_equal(check(f, c0, now + 30), TOTP_REPLAYED);
	/* A wrong code is wrong. */
	assert_int_equal(check(f, strcmp(c1, "000000") ? "000000" : "000001", now + 60),
	    TOTP_WRONG);
	assert_int_equal(totp_remove(f->fx.s, &ME(f)), 0);
	assert_int_equal(totp_remove(f->fx.s, &ME(f)), 1);
	assert_int_equal(check(f, c1, now + 60), TOTP_NONE);
}

static void
confirm_refusals(void **state)
{
	struct store_fixture_login *f = *state;
	unsigned char key[TOTP_KEY_BYTES];
	int64_t now = (int64_t)time(NULL);
	char code[9];

	assert_int_equal(totp_enrol_confirm(f->fx.s, &ME(f), "123456", now), TOTP_NONE);
	assert_int_equal(totp_enrol_begin(f->fx.s, &ME(f), now, key), 0);
	assert_int_equal(totp_code(key, 20, now + 90, 6, code), 0);
	assert_int_equal(totp_enrol_confirm(f->fx.s, &ME(f), code, now), TOTP_WRONG);
	/* A key waiting too long is gone. */
	assert_int_equal(totp_code(key, 20, now + 2 * TOTP_PENDING_SECONDS + 30, 6, code), 0);
	assert_int_equal(totp_enrol_confirm(f->fx.s, &ME(f), code,
	    now + 2 * TOTP_PENDING_SECONDS + 30), TOTP_NONE);
}

static void
login_door(void **state)
{
	struct store_fixture_login *f = *state;
	unsigned char key[TOTP_KEY_BYTES];
	int64_t now = (int64_t)time(NULL);
	struct login_attempt a = { .username = "claire", .password = "Un-mot-de-passe-solide",
	    .by = { .source = "192.0.2.1", .request_id = "t" }, .pwcfg = &f->pw };
	struct audit_report rep;
	char code[9];

	freeze_login_clock();
	enrol(f, key, now);
	assert_int_equal(totp_code(key, 20, now + 30, 6, code), 0);
	assert_int_equal(totp_login(f->fx.s, &a, code), LOGIN_OK);
	assert_int_equal(a.person_id, f->person);
	a.person_id = 0;
	assert_int_equal(totp_login(f->fx.s, &a, code), LOGIN_REFUSED);
	a.password = "Pas-le-bon-mot-de-passe";
	assert_int_equal(totp_login(f->fx.s, &a, code), LOGIN_REFUSED);
	a.username = "nobody";
	assert_int_equal(totp_login(f->fx.s, &a, code), LOGIN_REFUSED);
	/* A third failure for claire (a wrong code): the next attempt waits, whatever it
	 * carries. */
	a.username = "claire";
	a.password = "Un-mot-de-passe-solide";
	assert_int_equal(totp_login(f->fx.s, &a, strcmp(code, "000000") ? "000000" : "000001"),
	    LOGIN_REFUSED);
	/* Three failures: a second to wait, exactly (the slow-down's clock stopped). */
	assert_int_equal(totp_login(f->fx.s, &a, code), LOGIN_THROTTLED);
	assert_int_equal(a.wait_seconds, 1);
	login_set_clock(NULL, NULL);
	assert_int_equal(audit_verify(f->fx.s, test_arena(), &rep), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(window_of_one_step),
		cmocka_unit_test(malformed_codes),
		cmocka_unit_test(base32_and_uri),
		cmocka_unit_test_setup_teardown(enrolment_and_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(confirm_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(login_door, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
