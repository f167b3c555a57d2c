/* fuzz_jws.c — libFuzzer target for the provider's JOSE code (fed/jws.c), which reads
 * id_token_hint tokens from clients. The first byte chooses: 0 a compact JWS verified with
 * a fixed key (fuzz_key.h) as the logout endpoint does, 1 a JWK, 2 a DER signature turned
 * raw and back, 3 a payload signed then verified (must give it back). Built by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "fuzz_common.h"
#include "fuzz_key.h"
#include "fed/jws.h"

static struct jws_key *key;

static void
token(const char *s)
{
	char kid[JWS_KID_MAX];
	struct buf payload;

	buf_init(&payload, 1 << 20);
	if (jws_peek_kid(s, kid) == 0)
		check(strlen(kid) < JWS_KID_MAX);
	if (jws_verify(key, s, &payload) == 0)
		check(strchr(s, '.') != NULL);
	buf_free(&payload);
}

static void
jwk(const char *s)
{
	struct jws_key *k = NULL, *again = NULL;

	if (jws_key_from_jwk(s, &k) != 0)
		return;
	check(strlen(jws_key_kid(k)) == 43);
	/* The JWK we publish for a key reads back as the same key. */
	check(jws_key_from_jwk(jws_key_jwk(k), &again) == 0);
	check(strcmp(jws_key_kid(k), jws_key_kid(again)) == 0);
	jws_key_free(again);
	jws_key_free(k);
}

static void
der(const unsigned char *p, size_t n)
{
	unsigned char raw[64], raw2[64], out[80];
	char b64[128];
	unsigned char back[96];
	int len;

	if (jws_ecdsa_der_to_raw(p, n, raw) == 0) {
		len = jws_ecdsa_raw_to_der(raw, out, sizeof(out));
		check(len > 0 && jws_ecdsa_der_to_raw(out, (size_t)len, raw2) == 0);
		check(memcmp(raw, raw2, 64) == 0);
	}
	/* base64url both ways on the same bytes. */
	if (n <= 64) {
		len = jws_b64url_encode(p, n, b64, sizeof(b64));
		check(len >= 0 && (size_t)len == jws_b64url_len(n));
		check(jws_b64url_decode(b64, (size_t)len, back, sizeof(back)) == (int)n);
		check(n == 0 || memcmp(back, p, n) == 0);
	}
	len = jws_b64url_decode((const char *)p, n, back, sizeof(back));
	check(len <= (int)sizeof(back));
}

static void
sign(const char *s, size_t n)
{
	struct buf t, payload;
	char kid[JWS_KID_MAX];

	if (n > 60000)
		return;               /* jws_sign refuses payloads over 64 KiB */
	buf_init(&t, 1 << 20);
	buf_init(&payload, 1 << 20);
	check(jws_sign(key, NULL, s, n, &t) == 0);
	check(jws_peek_kid(t.data, kid) == 0 && strcmp(kid, jws_key_kid(key)) == 0);
	check(jws_verify(key, t.data, &payload) == 0);
	check(payload.len == n && (n == 0 || memcmp(payload.data, s, n) == 0));
	buf_free(&payload);
	buf_free(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	if (key == NULL)
		check(jws_key_from_der(fuzz_key_der, sizeof(fuzz_key_der), &key) == 0);
	s = fuzz_string(data + 1, size - 1);
	switch (data[0] & 3) {
	case 0:
		token(s);
		break;
	case 1:
		jwk(s);
		break;
	case 2:
		der(data + 1, size - 1);
		break;
	default:
		sign(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
