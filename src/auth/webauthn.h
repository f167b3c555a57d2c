/* webauthn.h — verification of WebAuthn (passkey) registrations and assertions, pure: no
 * HTTP, no store. OpenSSL for keys and signatures, libcbor for CBOR, jansson for JSON. */
#ifndef PORTIER_AUTH_WEBAUTHN_H
#define PORTIER_AUTH_WEBAUTHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits on every input (bytes, decoded). A credential id is at most 1023 bytes (§5.8.3);
 * a COSE key of RSA-4096 is about 530 bytes; an attestation with a certificate chain of
 * three certificates stays well under 8 KiB. */
#define WA_CHALLENGE_BYTES 32
#define WA_CLIENT_DATA_MAX 2048
#define WA_ATTESTATION_MAX 8192
#define WA_AUTH_DATA_MAX 1024
#define WA_CRED_ID_MAX 1023
#define WA_COSE_MAX 1024
#define WA_SIG_MAX 1024
#define WA_USER_HANDLE_MAX 64
#define WA_ORIGINS_MAX 4

/* COSE algorithm identifiers accepted. */
#define WA_ALG_ES256 (-7)
#define WA_ALG_RS256 (-257)

enum wa_status {
	WA_OK = 0,
	WA_MALFORMED,         /* not JSON, not CBOR, truncated, missing member, bad encoding */
	WA_TOO_LARGE,         /* an input over its limit */
	WA_WRONG_TYPE,        /* clientDataJSON.type is not the ceremony's */
	WA_WRONG_CHALLENGE,   /* not the challenge the server gave */
	WA_WRONG_ORIGIN,      /* not the server's own origin (or a cross-origin call) */
	WA_WRONG_RP,          /* rpIdHash is not SHA-256 of the RP id */
	WA_NO_UP,             /* user presence flag missing */
	WA_NO_UV,             /* user verification flag missing */
	WA_UNSUPPORTED_ALG,   /* a key type or algorithm other than ES256 and RS256 */
	WA_BAD_SIGNATURE,     /* the signature does not verify */
	WA_BAD_ATTESTATION,   /* fmt unsupported, or packed statement not as §8.2 asks */
	WA_COUNTER,           /* sign counter did not grow (a cloned authenticator?) */
	WA_ERROR,             /* out of memory, library failure */
};

/* What the server expects of a ceremony. */
struct wa_expect {
	const unsigned char *challenge;       /* the bytes it gave */
	size_t challenge_len;
	const char *rp_id;                    /* e.g. "localhost", "portier.example.be" */
	const char *origins[WA_ORIGINS_MAX];  /* the server's own origins, NULL-terminated */
};

/* A verified registration: what is kept of the new credential. */
struct wa_credential {
	unsigned char id[WA_CRED_ID_MAX];
	size_t id_len;
	unsigned char cose[WA_COSE_MAX];      /* the credential public key as COSE_Key */
	size_t cose_len;
	int alg;                              /* WA_ALG_ES256 or WA_ALG_RS256 */
	uint32_t sign_count;
	unsigned char aaguid[16];
	char fmt[8];                          /* "none" or "packed" */
	bool backup_eligible;
};

/* Verifies a registration (navigator.credentials.create's response): clientDataJSON
 * (type webauthn.create, challenge, origin), the attestation object (fmt none, or packed:
 * self attestation or x5c, §8.2), authenticator data (rpIdHash, UP and UV, attested
 * credential data with an ES256 or RS256 key). WA_OK fills out. */
enum wa_status wa_verify_registration(const struct wa_expect *e,
    const unsigned char *client_data, size_t client_data_len,
    const unsigned char *attestation, size_t attestation_len, struct wa_credential *out);

/* Verifies an assertion (navigator.credentials.get's response) of the credential whose
 * COSE key and algorithm are given and whose stored counter is stored_count: clientDataJSON
 * (type webauthn.get, challenge, origin), authenticator data (rpIdHash, UP and UV), the
 * signature over authData || SHA-256(clientDataJSON), and the counter: when either counter
 * is non-zero the new one must be greater. WA_OK sets *new_count. */
enum wa_status wa_verify_assertion(const struct wa_expect *e, const unsigned char *cose,
    size_t cose_len, int alg, uint32_t stored_count,
    const unsigned char *client_data, size_t client_data_len,
    const unsigned char *auth_data, size_t auth_data_len,
    const unsigned char *sig, size_t sig_len, uint32_t *new_count);

/* A short fixed English text for a status (audit reasons, logs). */
const char *wa_status_text(enum wa_status s);

/* Base64url without padding (what WebAuthn's JSON and the browsers' scripts use) of
 * in into out (NUL-terminated); 0, or -1 when out is too small. */
int wa_b64url_encode(const unsigned char *in, size_t n, char *out, size_t outlen);
/* Decodes base64url (padding tolerated) into out; 0 and *n, or -1 (not base64url, or more
 * than outlen bytes). */
int wa_b64url_decode(const char *in, unsigned char *out, size_t outlen, size_t *n);

/* The RP id and origins of the server whose public URL is public_url ("http://host:port",
 * the issuer) and that also listens for TLS on tls_port (0: no TLS listener): rp_id is the
 * host (no port), origins[0] the public URL's origin, origins[1] "https://host:tls_port";
 * a loopback IPv4 host (127.x.x.x, which browsers refuse as RP id) becomes "localhost".
 * 0, or -1 when the URL is not http(s)://host[:port][/path] with a name for host. */
int wa_rp_of(const char *public_url, int tls_port, char *rp_id, size_t rp_len,
    char origins[2][300]);

#endif
