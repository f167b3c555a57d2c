/* eid_testca.h — a test eID hierarchy on disk for tests and the demo: a root, a
 * "Citizen CA", card certificates with the real eID subject layout (C=BE,
 * CN=First Last (Authentication), SN, GN, serialNumber=NISS), their CRL, and a TLS server
 * certificate for localhost. Never a production CA: keys lie unencrypted in the folder.
 *
 * Layout of dir: root.pem, citizen.pem (+ .key.pem), trust.pem (both CAs), crl.pem
 * (CRLs of both CAs), revoked.txt, cards/NAME.pem, NAME.key.pem, NAME.p12,
 * server.pem, server.key.pem. */
#ifndef PORTIER_AUTH_EID_TESTCA_H
#define PORTIER_AUTH_EID_TESTCA_H

#include <stdbool.h>
#include <stddef.h>

struct eid_card_options {
	const char *niss;         /* written as is into serialNumber (tests give bad ones) */
	const char *last;         /* SN */
	const char *first;        /* GN */
	const char *name;         /* file name in cards/ (default: the NISS) */
	const char *password;     /* PKCS#12 password (default "1234") */
	const char *ocsp_url;     /* Authority Information Access OCSP URL, or NULL */
	bool ec;                  /* EC P-384 key (default RSA 2048) */
	bool expired;             /* validity ended yesterday */
	bool signature;           /* the card's signature certificate: CN "… (Signature)",
	                           * keyUsage nonRepudiation only, no extended key usage */
};

/* Creates the root, the Citizen CA, trust.pem and the CRLs in dir, unless root.pem
 * already exists (then does nothing). Returns 0, or -1 with err. */
int eid_testca_init(const char *dir, char *err, size_t errlen);
/* Issues a card certificate, its key and PKCS#12 under dir/cards/. Returns 0 or -1. */
int eid_testca_card(const char *dir, const struct eid_card_options *o, char *err,
    size_t errlen);
/* Revokes the card cards/NAME.pem (NAME: the NISS or --name) and rewrites crl.pem.
 * Returns 0 or -1. */
int eid_testca_revoke(const char *dir, const char *name, char *err, size_t errlen);
/* Issues server.pem / server.key.pem for 127.0.0.1, ::1 and localhost. Returns 0 or -1. */
int eid_testca_server(const char *dir, char *err, size_t errlen);

#endif
