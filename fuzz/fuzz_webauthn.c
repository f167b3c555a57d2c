/* fuzz_webauthn.c — libFuzzer target for passkey verification (auth/webauthn.c): the first
 * byte chooses what the rest is — an attestation object, authenticator data, a COSE key or
 * clientDataJSON — the other inputs of the ceremony being valid, so that each parser is
 * reached; a status is always one of the enum's, and an accepted registration's lengths
 * stay within their limits. Built by `make fuzz`. */
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/webauthn.h"
#include "fuzz_common.h"

#define RP "localhost"
#define ORIGIN "http://localhost:8080"

static const unsigned char challenge[WA_CHALLENGE_BYTES] = { 7 };
/* An EC2 P-256 ES256 COSE key (the generator point of P-256: a valid public key). */
static const unsigned char cose[] = {
	0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20,
	0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4,
	0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45,
	0xd8, 0x98, 0xc2, 0x96, 0x22, 0x58, 0x20,
	0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f,
	0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68,
	0x37, 0xbf, 0x51, 0xf5,
};

static size_t
client_data(const char *type, char *out, size_t n)
{
	char b64[64];

	check(wa_b64url_encode(challenge, sizeof(challenge), b64, sizeof(b64)) == 0);
	return (size_t)snprintf(out, n, "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\"}",
	    type, b64, ORIGIN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_expect e = { .challenge = challenge, .challenge_len = sizeof(challenge),
	    .rp_id = RP, .origins = { ORIGIN, NULL } };
	static struct wa_credential cred;
	unsigned char ad[37], sig[8] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };
	char cd[256];
	size_t cdn;
	uint32_t count = 0;
	enum wa_status st;

	if (size == 0)
		return 0;
	SHA256((const unsigned char *)RP, strlen(RP), ad);
	ad[32] = 0x05;
	memset(ad + 33, 0, 4);
	ad[36] = 1;
	switch (data[0] % 4) {
	case 0:
		cdn = client_data("webauthn.create", cd, sizeof(cd));
		st = wa_verify_registration(&e, (const unsigned char *)cd, cdn, data + 1, size - 1,
		    &cred);
		if (st == WA_OK)
			check(cred.id_len > 0 && cred.id_len <= WA_CRED_ID_MAX &&
			    cred.cose_len <= WA_COSE_MAX &&
			    (cred.alg == WA_ALG_ES256 || cred.alg == WA_ALG_RS256));
		break;
	case 1:
		cdn = client_data("webauthn.get", cd, sizeof(cd));
		st = wa_verify_assertion(&e, cose, sizeof(cose), WA_ALG_ES256, 0,
		    (const unsigned char *)cd, cdn, data + 1, size - 1, sig, sizeof(sig), &count);
		break;
	case 2:
		cdn = client_data("webauthn.get", cd, sizeof(cd));
		st = wa_verify_assertion(&e, data + 1, size - 1, WA_ALG_ES256, 0,
		    (const unsigned char *)cd, cdn, ad, sizeof(ad), sig, sizeof(sig), &count);
		break;
	default:
		st = wa_verify_assertion(&e, cose, sizeof(cose), WA_ALG_ES256, 0, data + 1,
		    size - 1, ad, sizeof(ad), sig, sizeof(sig), &count);
		break;
	}
	/* Nothing here is signed by the key: an assertion never passes. */
	check(st >= WA_OK && st <= WA_ERROR);
	check(data[0] % 4 == 0 || st != WA_OK);
	return 0;
}
