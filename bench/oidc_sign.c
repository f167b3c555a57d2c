/* oidc_sign.c — the limit reference of bench/oidc.sh: what one ES256 signature of an ID
 * token costs with portier's signer (src/fed/jws.c on OpenSSL), and one verification.
 * Prints "sign_us=… verify_us=…" (microseconds per operation, one core). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fed/jws.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	/* An ID token payload of portier's size and shape. */
	static const char payload[] = "{\"sub\":\"pnCyPyU3G2L-QVUFs3_7n44v0SNQnsCI9Eq2YKEK6VE\","
	    "\"name\":\"Jan Peeters\",\"given_name\":\"Jan\",\"family_name\":\"Peeters\","
	    "\"locale\":\"nl\",\"organisation\":{\"enterprise_number\":\"0552627113\","
	    "\"name\":\"Pharma Test SA\",\"country\":\"BE\"},\"quality\":{\"code\":"
	    "\"health_related\"},\"role\":\"USER\",\"applications\":[\"MEDSEIP\"],"
	    "\"iss\":\"http://127.0.0.1:8080\",\"aud\":\"bench\",\"iat\":1790000000,"
	    "\"exp\":1790000600,\"auth_time\":1790000000,\"amr\":[\"pwd\"],"
	    "\"acr\":\"urn:portier:loa:low\",\"nonce\":\"n\"}";
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 20000;
	struct jws_key *k;
	struct buf tok, out;
	double t0, sign_s, verify_s;

	if (n < 1 || jws_key_generate(&k) != 0)
		return 1;
	buf_init(&tok, 0);
	buf_init(&out, 0);
	t0 = now();
	for (int i = 0; i < n; i++) {
		buf_reset(&tok);
		if (jws_sign(k, "JWT", payload, sizeof(payload) - 1, &tok) != 0)
			return 1;
	}
	sign_s = now() - t0;
	t0 = now();
	for (int i = 0; i < n; i++) {
		buf_reset(&out);
		if (jws_verify(k, tok.data, &out) != 0)
			return 1;
	}
	verify_s = now() - t0;
	printf("sign_us=%.1f verify_us=%.1f\n", sign_s * 1e6 / n, verify_s * 1e6 / n);
	buf_free(&tok);
	buf_free(&out);
	jws_key_free(k);
	return 0;
}
