/* test_password.c — Argon2id password hashes: a published known answer, hashes read both
 * ways with libsodium (the form the stored hashes have), older argon2i hashes, damaged
 * hashes refused without a crash, rehash detection, and threads that hash at once with
 * memory of their own that grows with the cost. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"

/* The Argon2 reference implementation's test for Argon2id v1.3: "password", salt
 * "somesalt", t=2, m=64 MiB, p=1; libsodium accepts it too (checked below). */
static const char kat[] =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	return 0;
}

static void
known_answer(void **state)
{
	char s[crypto_pwhash_STRBYTES] = { 0 };

	(void)state;
	memcpy(s, kat, sizeof(kat));   /* libsodium's prototype wants the full size */
	assert_int_equal(crypto_pwhash_str_verify(s, "password", 8), 0);
	assert_true(password_verify(kat, "password"));
	assert_false(password_verify(kat, "Password"));
	assert_false(password_verify(kat, "password "));
	assert_false(password_verify(kat, ""));
}

static void
ours_read_by_libsodium(void **state)
{
	char a[crypto_pwhash_STRBYTES], b[crypto_pwhash_STRBYTES];
	struct password_cfg cfg;

	(void)state;
	password_cfg_init(&cfg, 3, 1024);
	assert_int_equal(password_hash(&cfg, "Demo-portier-2026", a, sizeof(a)), 0);
	assert_int_equal(password_hash(&cfg, "Demo-portier-2026", b, sizeof(b)), 0);
	assert_int_equal(strncmp(a, "$argon2id$v=19$m=1024,t=3,p=1$", 30), 0);
	assert_string_not_equal(a, b);   /* a new salt each time */
	assert_int_equal(crypto_pwhash_str_verify(a, "Demo-portier-2026", 17), 0);
	assert_int_not_equal(crypto_pwhash_str_verify(a, "Demo-portier-2027", 17), 0);
	assert_true(password_verify(a, "Demo-portier-2026"));
	assert_true(password_verify(b, "Demo-portier-2026"));
	assert_false(password_verify(a, "Demo-portier-2027"));
	/* Too small a buffer: refused, nothing written past it. */
	assert_int_equal(password_hash(&cfg, "x", a, 40), -1);
}

static void
libsodium_read_by_ours(void **state)
{
	char s[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(crypto_pwhash_str_alg(s, "un mot de passe", 15, 2, 64 * 1024,
	    crypto_pwhash_ALG_ARGON2ID13), 0);
	assert_true(password_verify(s, "un mot de passe"));
	assert_false(password_verify(s, "un mot de passf"));
	/* An argon2i hash of an earlier version goes to libsodium. */
	assert_int_equal(crypto_pwhash_str_alg(s, "un mot de passe", 15, 3, 64 * 1024,
	    crypto_pwhash_ALG_ARGON2I13), 0);
	assert_int_equal(strncmp(s, "$argon2i$", 9), 0);
	assert_true(password_verify(s, "un mot de passe"));
	assert_false(password_verify(s, "un mot de passf"));
}

static void
damaged_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"$argon2id$",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ",
		"$argon2id$v=19$m=65536,t=2,p=1$$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPP",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc=",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPP!",
		"$argon2id$v=19$m=65536,t=2,p=1$c29t$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFQ",
		"$argon2id$v=19$m=0,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=2,p=0$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=4294967296,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=2097152,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=65,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536,t=2,p=17$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=8,t=2,p=2$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=+65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$m=65536 ,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2id$v=19$t=2,m=65536,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"$argon2d$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
		"password",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (password_verify(bad[i], "password"))
			fail_msg("accepted: %s", bad[i]);
	}
	/* The same string undamaged is accepted: the list fails for its damage only. */
	assert_true(password_verify(kat, "password"));
}

static void
rehash_when_costs_change(void **state)
{
	char s[crypto_pwhash_STRBYTES];
	struct password_cfg now, more_passes, more_memory;

	(void)state;
	password_cfg_init(&now, 2, 64);
	password_cfg_init(&more_passes, 3, 64);
	password_cfg_init(&more_memory, 2, 128);
	assert_int_equal(password_hash(&now, "Demo-portier-2026", s, sizeof(s)), 0);
	assert_false(password_needs_rehash(&now, s));
	assert_true(password_needs_rehash(&more_passes, s));
	assert_true(password_needs_rehash(&more_memory, s));
	/* The old hash still verifies: the rehash happens at the next login. */
	assert_true(password_verify(s, "Demo-portier-2026"));
}

struct job {
	int n;
	int ok;
};

/* Each thread hashes and verifies with growing then shrinking memory, while the others
 * do the same with their own. */
static void *
hash_job(void *arg)
{
	static const uint32_t kib[] = { 64, 4096, 256, 2048 };
	struct job *j = arg;
	char pw[32], s[crypto_pwhash_STRBYTES], m[64];

	for (size_t i = 0; i < sizeof(kib) / sizeof(kib[0]); i++) {
		snprintf(pw, sizeof(pw), "thread-%d-%zu", j->n, i);
		if (crypto_pwhash_str_alg(s, pw, strlen(pw), 1, (size_t)kib[i] * 1024,
		    crypto_pwhash_ALG_ARGON2ID13) != 0)
			return NULL;
		snprintf(m, sizeof(m), "$argon2id$v=19$m=%u,t=1,p=1$", kib[i]);
		if (strncmp(s, m, strlen(m)) == 0 && password_verify(s, pw) &&
		    !password_verify(s, "thread-x"))
			j->ok++;
	}
	return NULL;
}

static void
threads_hash_at_once(void **state)
{
	pthread_t t[4];
	struct job j[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		j[i] = (struct job){ .n = i };
		assert_int_equal(pthread_create(&t[i], NULL, hash_job, &j[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(j[i].ok, 4);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answer),
		cmocka_unit_test(ours_read_by_libsodium),
		cmocka_unit_test(libsodium_read_by_ours),
		cmocka_unit_test(damaged_refused),
		cmocka_unit_test(rehash_when_costs_change),
		cmocka_unit_test(threads_hash_at_once),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
