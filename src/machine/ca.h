/* ca.h — portier's CA for system certificates (issue 15) and the checks of certificates
 * registered from elsewhere, with OpenSSL: CSR checks and signing, certificate facts
 * (subject, serial, x5t#S256 thumbprint, validity), the CRL of what it signed. */
#ifndef PORTIER_MACHINE_CA_H
#define PORTIER_MACHINE_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Upload limit of one PEM (a CSR or a certificate): far above a 4096-bit RSA one. */
#define MACHINE_PEM_MAX 16384
#define MACHINE_DN_MAX 512
#define MACHINE_SERIAL_MAX 68         /* 32 bytes in hex and NUL, with room */
#define MACHINE_THUMB_SIZE 44         /* base64url of SHA-256, no padding, NUL */

/* Why a CSR or a certificate is refused. */
enum machine_pem {
	MACHINE_PEM_OK = 0,
	MACHINE_PEM_GARBAGE,          /* not one PEM CSR / certificate */
	MACHINE_PEM_TOO_BIG,          /* over MACHINE_PEM_MAX */
	MACHINE_PEM_BAD_SIGNATURE,    /* the CSR's self-signature does not verify */
	MACHINE_PEM_WEAK_KEY,         /* not RSA >= 2048 nor EC P-256 / P-384 */
	MACHINE_PEM_EXPIRED,          /* not_after passed */
	MACHINE_PEM_NOT_YET,          /* not_before still to come */
	MACHINE_PEM_IS_CA,            /* a CA certificate */
	MACHINE_PEM_NO_CLIENT_AUTH,   /* no extendedKeyUsage clientAuth */
	MACHINE_PEM_ERROR = -1,       /* OpenSSL or memory failure */
};

/* The facts of a certificate, as system_cert stores them. pem is malloc'ed. */
struct machine_cert {
	char subject[MACHINE_DN_MAX], issuer[MACHINE_DN_MAX];
	char serial[MACHINE_SERIAL_MAX];
	char thumbprint[MACHINE_THUMB_SIZE];
	int64_t not_before, not_after;
	char *pem;
};
void machine_cert_clear(struct machine_cert *c);

/* What portier writes into the subject of a certificate it signs: the organisation, never
 * what the CSR claims (docs/system-certificates.md). */
struct machine_subject {
	const char *org_name;         /* O= */
	const char *org_id;           /* organizationIdentifier=NTRBE-<enterprise> */
	const char *label;            /* CN= the manager's label */
};

struct machine_ca;
struct kek;
/* Re-encodes the CA's stored key from old to new (either NULL: plaintext) inside tx, as
 * `portier keys rewrap` and the start with a KEK do for every secret at rest. 0 (nothing
 * stored yet is 0 too); 1 when old does not open it; -1. *changed: 1 when rewritten. */
int machine_ca_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed);
/* The CA of the store s: read from the settings (its key sealed under the KEK when one is
 * installed), made there at the first start (an EC P-256 key and a self-signed
 * certificate valid 20 years, "portier system CA"). crl_url: the address written into the
 * certificates it signs (may be ""). 0, or -1 with err. */
int machine_ca_open(struct store *s, const char *crl_url, struct machine_ca **out,
    char *err, size_t errlen);
void machine_ca_free(struct machine_ca *ca);
/* Replaces the CA kept in the store by an external one (`portier keys system-ca
 * --cert FILE --key FILE`): cert_pem a CA certificate (basicConstraints CA:TRUE), key_pem
 * its unencrypted private key (a strong one); the key sealed under the KEK, audited as
 * "system_ca.import". Servers use it from their next start. 0, or -1 with err. */
int machine_ca_import(struct store *s, const char *cert_pem, const char *key_pem,
    char *err, size_t errlen);
/* The CA certificate in PEM (owned by ca). */
const char *machine_ca_pem(const struct machine_ca *ca);

/* Checks csr (PEM, len bytes) and signs it for subj, valid from now for days. */
enum machine_pem machine_ca_sign(struct machine_ca *ca, const char *csr, size_t len,
    const struct machine_subject *subj, int64_t now, int days, struct machine_cert *out);
/* Checks a certificate from elsewhere (PEM): valid at now, not a CA, clientAuth, a
 * strong key. */
enum machine_pem machine_cert_external(const char *pem, size_t len, int64_t now,
    struct machine_cert *out);

/* One revoked certificate of the CRL. */
struct machine_revoked {
	const char *serial;           /* hexadecimal */
	int64_t at;
};
/* The CRL (DER) of the n revoked certificates, thisUpdate now, nextUpdate now + 7 days;
 * *der malloc'ed. 0 or -1. */
int machine_ca_crl(struct machine_ca *ca, const struct machine_revoked *r, size_t n,
    int64_t now, unsigned char **der, size_t *len);

/* The CRL last made, kept by ca (a node answers GET /pki/system-ca.crl without signing
 * each time): a copy of it into *der when made less than max_age seconds before now and
 * not dropped since (0), else 1 (-1 out of memory). put keeps a copy; drop forgets it (a
 * revocation). */
int machine_ca_crl_cached(struct machine_ca *ca, int64_t now, int64_t max_age,
    unsigned char **der, size_t *len);
void machine_ca_crl_keep(struct machine_ca *ca, int64_t now, const unsigned char *der,
    size_t len);
void machine_ca_crl_drop(struct machine_ca *ca);

#endif
