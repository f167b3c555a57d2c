/* eid_internal.h — what the eID files share and nothing else includes: the revocation
 * sources (CRL files or URLs, reloaded when they change) and the OCSP exchange. */
#ifndef PORTIER_AUTH_EID_INTERNAL_H
#define PORTIER_AUTH_EID_INTERNAL_H

#include <openssl/x509.h>

#include "auth/eid.h"

#define EID_DER_MAX (16 * 1024)     /* a card certificate is about 1.5 KiB */

struct eid_crls;

/* Reads every CRL of list (comma-separated files or http:// URLs; "" gives an empty set).
 * A source that cannot be read is an error at start. Returns 0 or -1 with err. */
int eid_crls_new(const char *list, struct eid_crls **out, char *err, size_t errlen);
void eid_crls_free(struct eid_crls *c);
/* The current CRLs (files re-read when they changed, URLs when stale), as a new stack
 * holding its own references: free with sk_X509_CRL_pop_free(s, X509_CRL_free).
 * NULL on memory errors. */
STACK_OF(X509_CRL) *eid_crls_get(struct eid_crls *c);

/* Asks the OCSP responder url (NULL: the leaf's AIA) about leaf, issued by issuer;
 * the response must be signed by the issuer or its delegated responder (checked with
 * store). EID_OK when "good"; EID_REVOKED; EID_REVOCATION_UNKNOWN otherwise (fail
 * closed). detail receives what went wrong. */
enum eid_status eid_ocsp_check(X509 *leaf, X509 *issuer, STACK_OF(X509) *chain,
    X509_STORE *store, const char *url, int timeout, char *detail, size_t detaillen);

#endif
