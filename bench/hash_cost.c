/* hash_cost.c — the time of one Argon2id hash with portier's default cost, measured here
 * and now: the reference for password-login throughput (cores ÷ time of one hash).
 * Built and run by `make bench`; prints milliseconds per hash. */
#include <sodium.h>
#include <stdio.h>
#include <time.h>

#include "auth/password.h"

int
main(void)
{
	char out[256];
	struct timespec a, b;
	const int n = 20;

	if (sodium_init() < 0)
		return 1;
	/* Warm up once: the first hash pays for page faults of the memory it uses. */
	if (password_hash("warm-up-password", out, sizeof(out)) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		if (password_hash("Demo-portier-2026", out, sizeof(out)) != 0)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.2f\n", ((double)(b.tv_sec - a.tv_sec) * 1e3 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e6) / n);
	return 0;
}
