/* test_envelope.c — secrets at rest (base/envelope.c): the KEK file, the envelope bound to
 * its row, the rewrap from one KEK to another, and the refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/envelope.h"

static char dir[] = "/tmp/portier-envelope-XXXXXX";

static void
path_of(const char *name, char out[256])
{
	snprintf(out, 256, "%s/%s", dir, name);
}

static void
make_kek(const char *name, struct kek *k)
{
	char p[256], err[256];

	path_of(name, p);
	unlink(p);
	assert_int_equal(kek_new_file(p, err, sizeof(err)), 0);
	assert_int_equal(kek_load(p, k, err, sizeof(err)), 0);
}

static void
test_kek_file(void **state)
{
	char p[256], err[1200];
	struct stat st;
	struct kek k;
	bool found;
	int fd;

	(void)state;
	make_kek("a", &k);
	path_of("a", p);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Never over an existing file. */
	assert_int_equal(kek_new_file(p, err, sizeof(err)), -1);
	/* Readable by others: refused. */
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(kek_load(p, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "readable by others"));
	/* Not 32 bytes: refused with the way to make one. */
	path_of("short", p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abcd\n", 5), 5);
	close(fd);
	assert_int_equal(kek_load(p, &k, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "kek-new"));
	/* 32 raw bytes, the last one a newline's code: read as they are. */
	{
		unsigned char raw[KEK_BYTES];
		struct kek r2;

		memset(raw, 0x41, sizeof(raw));
		raw[KEK_BYTES - 1] = '\n';
		path_of("raw", p);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, raw, sizeof(raw)), (ssize_t)sizeof(raw));
		close(fd);
		assert_int_equal(kek_load(p, &r2, err, sizeof(err)), 0);
		assert_memory_equal(r2.key, raw, sizeof(raw));
	}
	/* The systemd credential when no file is set; none at all: not found. */
	unsetenv("CREDENTIALS_DIRECTORY");
	assert_int_equal(kek_find("", &k, &found, err, sizeof(err)), 0);
	assert_false(found);
	make_kek(ENVELOPE_CREDENTIAL, &k);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	assert_int_equal(kek_find("", &k, &found, err, sizeof(err)), 0);
	assert_true(found);
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void
test_envelope(void **state)
{
	unsigned char pt[20], env[20 + ENVELOPE_OVERHEAD], out[64];
	struct kek a, b;
	size_t n = 0;

	(void)state;
	make_kek("ka", &a);
	make_kek("kb", &b);
	randombytes_buf(pt, sizeof(pt));
	assert_int_equal(envelope_seal(&a, "factor_totp.secret:7", pt, sizeof(pt), env), 0);
	assert_true(envelope_is(env, sizeof(env)));
	/* The plaintext is nowhere in the envelope. */
	assert_null(memmem(env, sizeof(env), pt, 8));
	assert_int_equal(envelope_open(&a, "factor_totp.secret:7", env, sizeof(env), out,
	    sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(pt));
	assert_memory_equal(out, pt, sizeof(pt));
	/* Another row, another column, another key, one bit changed: refused. */
	assert_int_equal(envelope_open(&a, "factor_totp.secret:8", env, sizeof(env), out,
	    sizeof(out), &n), 1);
	assert_int_equal(envelope_open(&a, "factor_totp.pending:7", env, sizeof(env), out,
	    sizeof(out), &n), 1);
	assert_int_equal(envelope_open(&b, "factor_totp.secret:7", env, sizeof(env), out,
	    sizeof(out), &n), 1);
	env[sizeof(env) - 1] ^= 1;
	assert_int_equal(envelope_open(&a, "factor_totp.secret:7", env, sizeof(env), out,
	    sizeof(out), &n), 1);
	/* Too small a buffer, a truncated envelope: malformed. */
	assert_int_equal(envelope_open(&a, "x", env, sizeof(env), out, 4, &n), -1);
	assert_int_equal(envelope_open(&a, "x", env, 10, out, sizeof(out), &n), -1);
	assert_false(envelope_is(pt, sizeof(pt)));
}

static void
test_secret_codec(void **state)
{
	unsigned char pt[32], *stored = NULL, out[64];
	size_t sn = 0, n = 0;
	struct kek a;

	(void)state;
	make_kek("kc", &a);
	randombytes_buf(pt, sizeof(pt));
	/* No KEK: as before, in clear. */
	kek_install(NULL);
	assert_int_equal(secret_encode("t.c:1", pt, sizeof(pt), &stored, &sn), 0);
	assert_int_equal(sn, sizeof(pt));
	assert_memory_equal(stored, pt, sizeof(pt));
	assert_int_equal(secret_decode("t.c:1", stored, sn, out, sizeof(out), &n), 0);
	/* With a KEK, a plaintext is refused... */
	kek_install(&a);
	assert_int_equal(secret_decode("t.c:1", stored, sn, out, sizeof(out), &n), -1);
	free(stored);
	/* ...and what is written is sealed. */
	assert_int_equal(secret_encode("t.c:1", pt, sizeof(pt), &stored, &sn), 0);
	assert_int_equal(sn, sizeof(pt) + ENVELOPE_OVERHEAD);
	assert_true(envelope_is(stored, sn));
	assert_int_equal(secret_decode("t.c:1", stored, sn, out, sizeof(out), &n), 0);
	assert_memory_equal(out, pt, sizeof(pt));
	/* A sealed secret without a KEK: refused. */
	kek_install(NULL);
	assert_int_equal(secret_decode("t.c:1", stored, sn, out, sizeof(out), &n), -1);
	free(stored);
}

static void
test_rewrap(void **state)
{
	unsigned char pt[20], *s1 = NULL, *s2 = NULL, *s3 = NULL, out[64];
	size_t n1 = 0, n2 = 0, n3 = 0, n = 0;
	struct kek a, b;

	(void)state;
	make_kek("kd", &a);
	make_kek("ke", &b);
	randombytes_buf(pt, sizeof(pt));
	/* Plaintext under a: sealed. */
	assert_int_equal(secret_rewrap(&a, &a, "r:1", pt, sizeof(pt), &s1, &n1), 0);
	assert_non_null(s1);
	/* Already under a: left alone. */
	assert_int_equal(secret_rewrap(&a, &a, "r:1", s1, n1, &s2, &n2), 0);
	assert_null(s2);
	/* a to b: opens with b only. */
	assert_int_equal(secret_rewrap(&a, &b, "r:1", s1, n1, &s2, &n2), 0);
	assert_non_null(s2);
	assert_int_equal(envelope_open(&b, "r:1", s2, n2, out, sizeof(out), &n), 0);
	assert_memory_equal(out, pt, sizeof(pt));
	assert_int_equal(envelope_open(&a, "r:1", s2, n2, out, sizeof(out), &n), 1);
	/* The wrong old key, or none: 1, nothing produced. */
	assert_int_equal(secret_rewrap(&a, &b, "r:1", s2, n2, &s3, &n3), 1);
	assert_null(s3);
	assert_int_equal(secret_rewrap(NULL, NULL, "r:1", s2, n2, &s3, &n3), 1);
	assert_null(s3);
	/* Back to plaintext (new NULL). */
	assert_int_equal(secret_rewrap(&b, NULL, "r:1", s2, n2, &s3, &n3), 0);
	assert_int_equal(n3, sizeof(pt));
	assert_memory_equal(s3, pt, sizeof(pt));
	free(s1);
	free(s2);
	free(s3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kek_file),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_secret_codec),
		cmocka_unit_test(test_rewrap),
	};
	char cmd[128];
	int rc;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
