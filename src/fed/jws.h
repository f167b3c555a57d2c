/* jws.h — the small part of JOSE the federation service signs with (docs/federation.md):
 * base64url, ES256 and RS256 keys as JWKs with RFC 7638 thumbprints as kid, compact JWS
 * signing and verification. Pure code on OpenSSL EVP; no store, no HTTP. */
#ifndef PORTIER_FED_JWS_H
#define PORTIER_FED_JWS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

#define JWS_KID_MAX 48          /* a SHA-256 thumbprint in base64url is 43 characters */
#define JWS_JWK_MAX 1024        /* a P-256 or RSA-3072 public JWK with kid, use and alg */
#define JWS_ES256_SIG 64        /* r || s, 32 bytes each */
#define JWS_RSA_BITS 2048       /* size of the RS256 keys made (2048 to 4096 are read) */

/* The signing algorithms: ES256 (ECDSA P-256) and RS256 (RSASSA-PKCS1-v1_5 SHA-256, which
 * OpenID Connect Core §15.1 makes mandatory for providers). */
enum jws_alg { JWS_ES256 = 0, JWS_RS256 = 1 };
#define JWS_ALGS 2

struct jws_key;                 /* a key pair (or public key) of one alg, with its kid */

/* "ES256" or "RS256". */
const char *jws_alg_name(enum jws_alg alg);
/* Reads an alg name (exactly "ES256" or "RS256"). Returns 0, or -1 for any other. */
int jws_alg_parse(const char *name, enum jws_alg *out);

/* Characters needed to encode n bytes in base64url without padding (without the NUL). */
size_t jws_b64url_len(size_t n);
/* Encodes n bytes into out (outlen >= jws_b64url_len(n) + 1, NUL-terminated).
 * Returns the length written, or -1 when out is too small. */
int jws_b64url_encode(const void *in, size_t n, char *out, size_t outlen);
/* Decodes n characters of unpadded base64url into out. Refuses padding, other alphabets,
 * impossible lengths and non-canonical trailing bits. Returns the byte count or -1. */
int jws_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outlen);

/* Converts an ECDSA signature from DER (SEQUENCE of two INTEGERs) to P-256 raw r || s.
 * Returns 0, or -1 when der is not such a signature. */
int jws_ecdsa_der_to_raw(const unsigned char *der, size_t derlen, unsigned char raw[64]);
/* Converts raw r || s to DER into out (72 bytes always suffice). Returns the DER length
 * or -1. */
int jws_ecdsa_raw_to_der(const unsigned char raw[64], unsigned char *out, size_t outlen);

/* Generates a new P-256 key pair. Returns 0 or -1. */
int jws_key_generate(struct jws_key **out);
/* Generates a new key pair for alg (RS256: JWS_RSA_BITS bits). Returns 0 or -1. */
int jws_key_generate_alg(enum jws_alg alg, struct jws_key **out);
/* The alg of a key. */
enum jws_alg jws_key_alg(const struct jws_key *k);
/* Reads a private key from DER (SEC 1, PKCS#1 or PKCS#8, as jws_key_private_der writes):
 * a P-256 key is ES256, an RSA key of 2048 to 4096 bits RS256. 0 or -1. */
int jws_key_from_der(const void *der, size_t n, struct jws_key **out);
/* Reads a public P-256 key from its JWK text ({"kty":"EC","crv":"P-256","x":…,"y":…}). */
int jws_key_from_jwk(const char *jwk, struct jws_key **out);
/* Writes the private key as DER into a malloc'd buffer the caller frees with
 * jws_free_secret(). Returns 0 or -1 (also for a public-only key). */
int jws_key_private_der(const struct jws_key *k, unsigned char **der, size_t *n);
/* Zeroes and frees what jws_key_private_der returned. */
void jws_free_secret(unsigned char *p, size_t n);
/* The key's kid: its RFC 7638 JWK thumbprint (SHA-256, base64url). Owned by k. */
const char *jws_key_kid(const struct jws_key *k);
/* The public JWK with kid, "use":"sig" and its "alg". Owned by k. */
const char *jws_key_jwk(const struct jws_key *k);
void jws_key_free(struct jws_key *k);
/* The key's OpenSSL key (owned by k, never changed through it) and whether its private
 * part is there: for the federation service's signers beside JOSE (fed/signer.h). */
struct evp_pkey_st;
struct evp_pkey_st *jws_key_evp(const struct jws_key *k);
bool jws_key_has_private(const struct jws_key *k);

/* Signs payload (JSON text) with k: appends header.payload.signature to out, the header
 * being {"alg":<k's alg>,"typ":typ,"kid":kid} (typ NULL: "JWT"). Returns 0 or -1. */
int jws_sign(const struct jws_key *k, const char *typ, const char *payload, size_t n,
    struct buf *out);
/* Reads the kid of a compact ES256 or RS256 JWS header into kid (JWS_KID_MAX). Returns 0,
 * or -1 when the token is malformed, of another alg or has no kid. */
int jws_peek_kid(const char *jws, char kid[JWS_KID_MAX]);
/* Verifies a compact JWS with k (the header's alg must be k's alg). On success returns 0
 * and appends the decoded payload to payload; -1 for any failure. */
int jws_verify(const struct jws_key *k, const char *jws, struct buf *payload);

/* SHA-256 of s in base64url into out (44 bytes): for PKCE S256. */
void jws_sha256_b64url(const char *s, size_t n, char out[44]);

#endif
