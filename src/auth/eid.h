/* eid.h — the eID verifier: checks the X.509 authentication certificate of a Belgian
 * identity card (chain to the configured anchors, dates, key usage, key type, revocation
 * by CRL and/or OCSP) and reads the person from its subject (NISS, last and first names).
 * Every refusal has a status, a French msgid for the page and a reason for the audit. */
#ifndef PORTIER_AUTH_EID_H
#define PORTIER_AUTH_EID_H

#include <stdbool.h>
#include <stddef.h>

#include "base/utf8.h"

struct arena;

enum eid_revocation {
	EID_REVOCATION_OFF,     /* no revocation check (tests, or a proxy that checks) */
	EID_REVOCATION_CRL,     /* the card must be absent from a current CRL of its issuer */
	EID_REVOCATION_OCSP,    /* an OCSP responder must answer "good" */
	EID_REVOCATION_BOTH,    /* both of the above */
};

struct eid_options {
	const char *trust;        /* PEM file: root(s) and Citizen CA(s) */
	const char *crl;          /* CRL files (PEM or DER) or http:// URLs, comma-separated */
	enum eid_revocation revocation;
	const char *ocsp_url;     /* OCSP responder; NULL or "" = the card's AIA URL */
	int ocsp_timeout;         /* seconds for one OCSP exchange (0 = 5) */
};

enum eid_status {
	EID_OK = 0,
	EID_NO_CERT,              /* no certificate presented */
	EID_MALFORMED,            /* not a readable X.509 certificate */
	EID_UNTRUSTED,            /* no chain to a configured anchor */
	EID_EXPIRED,              /* the card (or its CA) is past its validity */
	EID_NOT_YET_VALID,        /* the card (or its CA) is not valid yet */
	EID_REVOKED,              /* listed on the CRL or revoked by OCSP */
	EID_REVOCATION_UNKNOWN,   /* no current CRL, OCSP unreachable or "unknown": fail closed */
	EID_KEY_USAGE,            /* not an authentication certificate */
	EID_KEY_TYPE,             /* a key other than RSA >= 2048 or EC P-256/P-384/P-521 */
	EID_NO_NISS,              /* no serialNumber of 11 digits in the subject */
	EID_BAD_NISS,             /* serialNumber is not a valid NISS (checksum, date …) */
	EID_NAMES,                /* SN or GN missing or unreadable */
	EID_PROXY_UNTRUSTED,      /* certificate header from an address not in trusted_proxies */
	EID_POSSESSION,           /* demo reader: the challenge signature does not verify */
	EID_NOT_CONFIGURED,       /* no trust anchors configured on this server */
	EID_ERROR,                /* internal error (memory, store) */
};

/* What a verified certificate says about its holder. The texts are owned by the arena
 * given to eid_verify_* (or are constants); "" when unknown, never NULL after a call. */
struct eid_identity {
	const char *niss;         /* 11 digits (never logged: be_niss_mask) */
	const char *last_name;    /* SN, UTF-8, at most EID_NAME_MAX bytes */
	const char *first_name;   /* GN, UTF-8 (first names, as on the card), as SN */
	const char *serial;       /* certificate serial number, hex */
	const char *issuer;       /* issuer CN ("Citizen CA"), at most EID_ISSUER_MAX bytes */
	char fingerprint[65];     /* SHA-256 of the certificate: a fixed-format value of 64
	                           * hex digits */
	const char *detail;       /* on refusal: what failed, for logs (no personal data) */
};

/* Limits on what a card says, in bytes of UTF-8: a longer SN or GN is refused
 * (EID_NAMES), a longer issuer CN is not reported. */
#define EID_NAME_MAX (PERSON_NAME_SIZE - 1)
#define EID_ISSUER_MAX 127

struct eid_verifier;

/* Loads the anchors and the CRLs. Returns 0, or -1 with a reason in err. */
int eid_verifier_new(const struct eid_options *o, struct eid_verifier **out, char *err,
    size_t errlen);
void eid_verifier_free(struct eid_verifier *v);

/* Verifies a DER certificate; extra (n certificates, may be 0) are intermediates the
 * client sent, used only to build the chain. Fills *id, its texts in a, on EID_OK (its
 * serial, issuer, fingerprint and detail also on refusals, when known); EID_ERROR when a
 * is full. Thread-safe (one arena per thread). */
enum eid_status eid_verify_der(struct eid_verifier *v, const unsigned char *der, size_t len,
    const unsigned char *const *extra, const size_t *extra_len, size_t n,
    struct arena *a, struct eid_identity *id);
/* As eid_verify_der for one PEM certificate (a proxy header, an upload). */
enum eid_status eid_verify_pem(struct eid_verifier *v, const char *pem, size_t len,
    struct arena *a, struct eid_identity *id);

/* Checks that sig is the card key's signature (SHA-256; RSA PKCS#1 v1.5 or ECDSA) of
 * challenge, with the public key of the DER certificate: proof of possession. */
enum eid_status eid_check_possession(const unsigned char *der, size_t len,
    const unsigned char *challenge, size_t clen, const unsigned char *sig, size_t slen);

/* French msgid explaining a refusal to the card holder (never NULL; EID_OK, which needs
 * no explanation, gets the internal-error text). */
const char *eid_status_msgid(enum eid_status st);
/* Short English reason for audit events and logs ("revoked", "expired" …). */
const char *eid_status_reason(enum eid_status st);
/* Parses "off", "crl", "ocsp" or "both". Returns 0 or -1. */
int eid_revocation_parse(const char *s, enum eid_revocation *out);

/* ---- trusted reverse proxies ---- */

struct eid_proxies;
struct netblocks;

/* Parses a comma-separated list of IPv4/IPv6 addresses or CIDR blocks ("" = none).
 * Returns 0, or -1 with the offending entry in err. */
int eid_proxies_parse(const char *list, struct eid_proxies **out, char *err, size_t errlen);
void eid_proxies_free(struct eid_proxies *p);
/* True when addr (text form) is one of the trusted proxies. */
bool eid_proxies_trusted(const struct eid_proxies *p, const char *addr);
/* The parsed list itself (NULL for NULL p), for the web layer's X-Forwarded-For. */
const struct netblocks *eid_proxies_blocks(const struct eid_proxies *p);
/* Decodes a URL-escaped PEM header value (nginx's $ssl_client_escaped_cert) into out
 * (outlen bytes, NUL-terminated). Returns the length, or -1 when malformed or too long. */
long eid_header_decode(const char *value, char *out, size_t outlen);

#endif
