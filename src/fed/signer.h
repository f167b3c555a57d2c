/* signer.h — the federation service's signers beside JOSE (docs/federation.md): the same
 * ES256 or RS256 keys (fed/jws.h) sign raw bytes as XML-DSig wants them (SAML, issue 14
 * part 2) and are published in self-signed X.509 certificates. Pure code on OpenSSL. */
#ifndef PORTIER_FED_SIGNER_H
#define PORTIER_FED_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "fed/jws.h"

#define FED_SIG_MAX 512              /* an RSA-4096 signature; ECDSA P-256 is 64 */
#define FED_CN_MAX 64                /* X.509's upper bound on a common name */

/* The XML-DSig SignatureMethod of k's alg: rsa-sha256 (RFC 6931 §2.3.2) or ecdsa-sha256
 * (RFC 6931 §2.3.6), both in the xmldsig-more namespace. */
const char *fed_xmldsig_method(const struct jws_key *k);

/* Signs n bytes of data with k's private part: RSASSA-PKCS1-v1_5 with SHA-256 (as many
 * bytes as the modulus), or ECDSA P-256 with SHA-256 as r || s (64 bytes, as XML-DSig 1.1
 * and JOSE write it). Writes *len bytes into sig (FED_SIG_MAX). 0 or -1. */
int fed_sign(const struct jws_key *k, const void *data, size_t n,
    unsigned char sig[FED_SIG_MAX], size_t *len);
/* Verifies such a signature with k. 0 when it holds, -1 otherwise. */
int fed_verify(const struct jws_key *k, const void *data, size_t n,
    const unsigned char *sig, size_t len);

/* A self-signed X.509 v3 certificate of k (its private part signs it: sha256WithRSA or
 * ecdsa-with-SHA256), subject and issuer CN=cn (1 to FED_CN_MAX bytes, UTF-8), valid from
 * not_before (Unix seconds) for days (1 to 3650), a random 128-bit serial; appended to
 * pem as PEM. 0 or -1 (pem as it was). */
int fed_certificate(const struct jws_key *k, const char *cn, int64_t not_before, int days,
    struct buf *pem);

#endif
