/* test_tokencard.c — token cards: derivation of the 24 codes, issue and activation, a code
 * serving once, a new card revoking the old, and the two steps of the door (random unused
 * position, challenge bound to the session, single use). */
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
#include "auth/tokencard.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

/* person acting on their own card (no address, no request id). */
#define AS(person) ((struct actor){ .person_id = (person) })

#define PW "Un-mot-de-passe-solide"

static void
derivation(void **state)
{
	unsigned char seed[TOKENCARD_SEED_BYTES] = { 1, 2, 3 };
	char a[TOKENCARD_CODES][TOKENCARD_DIGITS + 1], b[TOKENCARD_CODES][TOKENCARD_DIGITS + 1];
	int same = 0;

	(void)state;
	tokencard_derive(seed, a);
	tokencard_derive(seed, b);
	assert_memory_equal(a, b, sizeof(a));
	for (int i = 0; i < TOKENCARD_CODES; i++) {
		assert_int_equal(strlen(a[i]), TOKENCARD_DIGITS);
		assert_int_equal(strspn(a[i], "0123456789"), TOKENCARD_DIGITS);
		for (int j = 0; j < i; j++)
			same += strcmp(a[i], a[j]) == 0;
	}
	assert_true(same <= 1);   /* 24 random 6-digit codes: a repeat is very unlikely */
	seed[0] = 9;
	tokencard_derive(seed, b);
	assert_memory_not_equal(a, b, sizeof(a));
}

struct fixture {
	struct store_fixture fx;
	int64_t person;
	int64_t other;
	struct password_cfg pw;
};

static int64_t
new_person(struct store *s, const struct password_cfg *pw, const char *last, const char *user)
{
	struct person p = { .last_name = last, .first_name = "Test" };
	int rc;

	if (person_create(s, &(struct actor){ .name = "test" }, &p) != 0 ||
	    person_set_password(s, pw, &(struct actor){ .person_id = p.id }, p.id, user, PW,
	    &rc) != PASSWORD_OK || rc != 0)
		return 0;
	return p.id;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || store_fixture_open(&f->fx, "card", 2) != 0)
		return -1;
	password_cfg_init(&f->pw, 1, 8);
	f->person = new_person(f->fx.s, &f->pw, "Peeters", "jan");
	f->other = new_person(f->fx.s, &f->pw, "Dubois", "claire");
	if (f->person == 0 || f->other == 0)
		return -1;
	*state = f;
	return 0;
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
	struct fixture *f = *state;
	struct audit_report rep;
	int rc = audit_verify(f->fx.s, test_arena(), &rep);

	login_set_clock(NULL, NULL);
	if (store_fixture_close(&f->fx) != 0 || rc != 0)
		return -1;
	free(f);
	return 0;
}

/* Issues and activates a card for person; fills card (codes kept for the test). */
static void
new_card(struct fixture *f, int64_t person, struct tokencard_print *card)
{
	struct tokencard_print again;
	int64_t now = (int64_t)time(NULL);
	const char *right;
	char wrong[7];

	assert_int_equal(tokencard_issue(f->fx.s, &f->pw, &AS(person), card), 0);
	assert_true(card->confirm_position >= 1 && card->confirm_position <= TOKENCARD_CODES);
	assert_int_equal(tokencard_pending(f->fx.s, person, now, &again), 0);
	assert_memory_equal(again.codes, card->codes, sizeof(card->codes));
	assert_int_equal(again.card_id, card->card_id);
	right = card->codes[card->confirm_position - 1];
	memcpy(wrong, right, sizeof(wrong));
	wrong[5] = right[5] == '9' ? '0' : (char)(right[5] + 1);
	assert_int_equal(tokencard_activate(f->fx.s, &AS(person), wrong, now), TOKENCARD_WRONG);
	assert_int_equal(tokencard_activate(f->fx.s, &AS(person), "12345", now), TOKENCARD_WRONG);
	assert_int_equal(tokencard_activate(f->fx.s, &AS(person), right, now), TOKENCARD_OK);
	/* Activated: the seed is gone, nothing to print any more. */
	assert_int_equal(tokencard_pending(f->fx.s, person, now, &again), 1);
	assert_int_equal(tokencard_activate(f->fx.s, &AS(person), right, now), TOKENCARD_NONE);
}

static void
codes_serve_once(void **state)
{
	struct fixture *f = *state;
	struct tokencard_print card, second;
	struct tokencard_status st;
	int64_t now = (int64_t)time(NULL);

	assert_int_equal(tokencard_status(f->fx.s, f->person, now, &st), 0);
	assert_false(st.active);
	new_card(f, f->person, &card);
	assert_int_equal(tokencard_status(f->fx.s, f->person, now, &st), 0);
	assert_true(st.active);
	assert_int_equal(st.unused, TOKENCARD_CODES);
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), card.card_id, 5, card.codes[4]),
	    TOKENCARD_OK);
	/* Used: refused, even with the right code. */
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), card.card_id, 5, card.codes[4]),
	    TOKENCARD_USED);
	/* The code of another position is wrong here. */
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), card.card_id, 6,
	    strcmp(card.codes[6], card.codes[5]) ? card.codes[6] : "000000"),
	    TOKENCARD_WRONG);
	/* Another person cannot use this card. */
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->other), card.card_id, 7, card.codes[6]),
	    TOKENCARD_USED);
	assert_int_equal(tokencard_status(f->fx.s, f->person, now, &st), 0);
	assert_int_equal(st.unused, TOKENCARD_CODES - 1);

	/* A new card revokes the old one when it is activated, not before. */
	assert_int_equal(tokencard_issue(f->fx.s, &f->pw, &AS(f->person), &second), 0);
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), card.card_id, 8, card.codes[7]),
	    TOKENCARD_OK);
	assert_int_equal(tokencard_activate(f->fx.s, &AS(f->person),
	    second.codes[second.confirm_position - 1], now), TOKENCARD_OK);
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), card.card_id, 9, card.codes[8]),
	    TOKENCARD_USED);
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), second.card_id, 9,
	    second.codes[8]), TOKENCARD_OK);
	assert_int_equal(tokencard_revoke(f->fx.s, &AS(f->person), now), 0);
	assert_int_equal(tokencard_revoke(f->fx.s, &AS(f->person), now), 1);
	assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), second.card_id, 10,
	    second.codes[9]), TOKENCARD_USED);
}

static void
login_steps(void **state)
{
	struct fixture *f = *state;
	struct tokencard_print card;
	struct login_attempt a = { .username = "jan", .password = PW,
	    .by = { .source = "192.0.2.7", .request_id = "t" }, .pwcfg = &f->pw };
	char token[TOKENCARD_TOKEN_MAX], token2[TOKENCARD_TOKEN_MAX];
	int pos = 0, pos2 = 0, left;

	new_card(f, f->person, &card);
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "session-A", token, &pos), LOGIN_OK);
	assert_true(pos >= 1 && pos <= TOKENCARD_CODES);
	/* Another session cannot answer; the challenge is then spent. */
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token, "session-B", card.codes[pos - 1]),
	    LOGIN_REFUSED);
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token, "session-A", card.codes[pos - 1]),
	    LOGIN_REFUSED);
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "session-A", token, &pos), LOGIN_OK);
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token, "session-A", card.codes[pos - 1]),
	    LOGIN_OK);
	assert_int_equal(a.person_id, f->person);
	/* The challenge served once. */
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token, "session-A", card.codes[pos - 1]),
	    LOGIN_REFUSED);
	/* Use all codes but one: the position asked is the one left. */
	left = pos - 1 == 13 ? 2 : 13;
	for (int i = 0; i < TOKENCARD_CODES; i++)
		if (i != pos - 1 && i != left)
			assert_int_equal(tokencard_use(f->fx.s, &f->pw, &AS(f->person), card.card_id, i + 1,
			    card.codes[i]), TOKENCARD_OK);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token2, &pos2), LOGIN_OK);
		assert_int_equal(pos2, left + 1);
	}
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token2, "s", card.codes[left]), LOGIN_OK);
	/* No code left: a position is still asked, and any answer refused. */
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token2, &pos2), LOGIN_OK);
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token2, "s", card.codes[pos2 - 1]),
	    LOGIN_REFUSED);
}

static void
login_refusals(void **state)
{
	struct fixture *f = *state;
	struct login_attempt a = { .username = "claire", .password = PW,
	    .by = { .source = "192.0.2.8", .request_id = "t" }, .pwcfg = &f->pw };
	char token[TOKENCARD_TOKEN_MAX];
	int pos = 0;

	freeze_login_clock();
	/* No card: a position all the same, then a refusal. */
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token, &pos), LOGIN_OK);
	assert_true(pos >= 1 && pos <= TOKENCARD_CODES);
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, token, "s", "123456"), LOGIN_REFUSED);
	/* Wrong password, unknown account: refused at the first step. */
	a.password = "pas-le-bon";
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token, &pos), LOGIN_REFUSED);
	a.username = "nobody";
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token, &pos), LOGIN_REFUSED);
	/* An unknown challenge. */
	assert_int_equal(tokencard_login_finish(f->fx.s, &a, "no-such-token", "s", "123456"),
	    LOGIN_REFUSED);
	/* Third failure for claire: she waits, with the right password too. */
	a.username = "claire";
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token, &pos), LOGIN_REFUSED);
	/* Three failures: a second to wait, exactly (the slow-down's clock stopped). */
	a.password = PW;
	assert_int_equal(tokencard_login_begin(f->fx.s, &a, "s", token, &pos), LOGIN_THROTTLED);
	assert_int_equal(a.wait_seconds, 1);
	login_set_clock(NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(derivation),
		cmocka_unit_test_setup_teardown(codes_serve_once, setup, teardown),
		cmocka_unit_test_setup_teardown(login_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(login_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
