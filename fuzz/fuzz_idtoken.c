/* fuzz_idtoken.c — libFuzzer target for the portal's ID-token check (portal/idtoken.c).
 * The first byte chooses: 0 the input is a token, verified against a JWKS of the fixed
 * key (fuzz_key.h); 1 the input is "HEADER\nPAYLOAD" (JSON texts) signed with that key
 * here, so that the header and claims checks see arbitrary JSON behind a good signature;
 * 2 the input is a JWKS document. Built by `make fuzz`. */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "fuzz_common.h"
#include "fuzz_key.h"
#include "fed/jws.h"
#include "portal/idtoken.h"

#define NOW 1700000000

static struct jws_key *key;
static struct portal_jwks *jwks;
static EVP_PKEY *pkey;          /* the same key, for signing arbitrary headers */

static const struct idtoken_expect expect = {
	.issuer = "https://idp.example", .client_id = "portal", .nonce = "n-0S6",
	.now = NOW, .leeway = 60, .max_age = 600,
};

static void
setup(void)
{
	const unsigned char *d = fuzz_key_der;
	char doc[JWS_JWK_MAX + 16];
	size_t n;

	check(jws_key_from_der(fuzz_key_der, sizeof(fuzz_key_der), &key) == 0);
	pkey = d2i_AutoPrivateKey(NULL, &d, (long)sizeof(fuzz_key_der));
	check(pkey != NULL);
	n = (size_t)snprintf(doc, sizeof(doc), "{\"keys\":[%s]}", jws_key_jwk(key));
	check(portal_jwks_parse(doc, n, &jwks) == 0 && portal_jwks_count(jwks) == 1);
}

/* What an accepted token must hold, whatever else it says. */
static void
accepted(json_t *c)
{
	json_t *sub = json_object_get(c, "sub");

	check(json_is_object(c));
	check(strcmp(json_string_value(json_object_get(c, "iss")), expect.issuer) == 0);
	check(strcmp(json_string_value(json_object_get(c, "nonce")), expect.nonce) == 0);
	check(json_is_string(sub) && json_string_length(sub) >= 1 &&
	    json_string_length(sub) <= 255);
}

static void
verify(const char *token)
{
	char kid[128];
	json_t *claims = (json_t *)1;
	enum idtoken_error e;

	if (idtoken_peek_kid(token, kid, sizeof(kid)) == 0)
		check(strlen(kid) < sizeof(kid));
	e = idtoken_verify(jwks, token, &expect, &claims);
	check(idtoken_error_text(e) != NULL);
	if (e != IDT_OK) {
		check(claims == NULL);
		return;
	}
	accepted(claims);
	json_decref(claims);
}

/* Appends the base64url of n bytes to t. */
static void
b64(struct buf *t, const void *p, size_t n)
{
	char *out = malloc(jws_b64url_len(n) + 1);
	int len;

	check(out != NULL);
	len = jws_b64url_encode(p, n, out, jws_b64url_len(n) + 1);
	check(len >= 0 && buf_add(t, out, (size_t)len) == 0);
	free(out);
}

/* HEADER.PAYLOAD signed with the fixed key (ES256, raw r||s), then verified. */
static void
signed_parts(const char *h, size_t hn, const char *p, size_t pn)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[80], raw[JWS_ES256_SIG];
	size_t derlen = sizeof(der);
	struct buf t;

	buf_init(&t, 1 << 20);
	b64(&t, h, hn);
	check(buf_putc(&t, '.') == 0);
	b64(&t, p, pn);
	check(md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1);
	check(EVP_DigestSign(md, der, &derlen, (const unsigned char *)t.data, t.len) == 1);
	check(jws_ecdsa_der_to_raw(der, derlen, raw) == 0);
	check(buf_putc(&t, '.') == 0);
	b64(&t, raw, sizeof(raw));
	verify(t.data);
	buf_free(&t);
	EVP_MD_CTX_free(md);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *nl;
	struct portal_jwks *k = NULL;

	if (size < 1)
		return 0;
	if (key == NULL)
		setup();
	s = fuzz_string(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		verify(s);
		break;
	case 1:
		nl = memchr(s, '\n', size - 1);
		if (nl != NULL && size < 16384)
			signed_parts(s, (size_t)(nl - s), nl + 1, size - 2 - (size_t)(nl - s));
		break;
	default:
		if (portal_jwks_parse((const char *)data + 1, size - 1, &k) == 0) {
			check(portal_jwks_count(k) >= 1 && portal_jwks_count(k) <= JWKS_KEYS_MAX);
			portal_jwks_free(k);
		} else {
			check(k == NULL);
		}
		break;
	}
	free(s);
	return 0;
}
