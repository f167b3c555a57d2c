/* msg.h — the first steps of a SAML message that arrives (issue 14 part 5), before lasso
 * sees it: base64, the raw DEFLATE of HTTP-Redirect with a bound on what it inflates to
 * (a decompression bomb stops at the bound), the refusal of any DOCTYPE or entity
 * declaration, and a look at the AuthnRequest (its ID, issuer, time, ACS). Pure; fuzzed
 * (fuzz/fuzz_saml_request.c). */
#ifndef PORTIER_SAML_MSG_H
#define PORTIER_SAML_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

#define SAML_MSG_B64_MAX (128 * 1024)  /* the encoded message, as received */
#define SAML_MSG_XML_MAX (64 * 1024)   /* the XML once decoded (and inflated) */

enum saml_binding { SAML_BINDING_REDIRECT = 0, SAML_BINDING_POST = 1 };

/* Why a message is refused (0: it is not). */
enum saml_msg_err {
	SAML_MSG_OK = 0,
	SAML_MSG_TOO_LARGE = 1,        /* encoded or decoded over the bounds */
	SAML_MSG_BAD_ENCODING = 2,     /* not base64, not DEFLATE */
	SAML_MSG_DOCTYPE = 3,          /* a DOCTYPE, ENTITY or other declaration */
	SAML_MSG_NOT_AUTHN = 4,        /* not well-formed, or not an AuthnRequest */
	SAML_MSG_LASSO = 5,            /* passed these checks, refused by lasso's reading */
};

/* b64 decoded (and inflated for HTTP-Redirect) into *xml (NUL-terminated, in a), its
 * length in *n; the XML's declarations refused. Returns enum saml_msg_err, -1 when out of
 * memory. */
int saml_msg_decode(struct arena *a, const char *b64, enum saml_binding b, char **xml,
    size_t *n);
/* 0 when xml holds no markup declaration ("<!" other than a comment or CDATA): DOCTYPE
 * and ENTITY are refused before any parser reads the text. SAML_MSG_DOCTYPE otherwise. */
int saml_xml_plain(const char *xml, size_t n);

/* What portier reads of an AuthnRequest itself; texts in the arena, NULL when absent. */
struct saml_authn {
	const char *id;
	const char *issuer;
	const char *issue_instant;
	const char *acs_url;           /* AssertionConsumerServiceURL */
	const char *protocol_binding;  /* ProtocolBinding */
	const char *nameid_format;     /* NameIDPolicy/@Format */
	const char *class_ref;         /* RequestedAuthnContext/AuthnContextClassRef (first) */
	int acs_index;                 /* AssertionConsumerServiceIndex, -1 when absent */
	bool force_authn;
	bool is_passive;
};
/* Reads xml (checked by saml_xml_plain) as an AuthnRequest of SAML 2.0's protocol
 * namespace with an ID and an Issuer. 0, SAML_MSG_NOT_AUTHN, or -1. */
int saml_authn_peek(struct arena *a, const char *xml, size_t n, struct saml_authn *out);
/* What portier reads of a LogoutRequest itself (texts in the arena, NULL when absent). */
struct saml_logout_req {
	const char *id;
	const char *issuer;
	const char *issue_instant;
	const char *name_id;
	const char *session_index;
};
/* Reads xml (checked by saml_xml_plain) as a LogoutRequest with an ID, an Issuer and a
 * NameID. 0, SAML_MSG_NOT_AUTHN, or -1. */
int saml_logout_peek(struct arena *a, const char *xml, size_t n, struct saml_logout_req *out);
/* Reads a SOAP 1.1 envelope (checked by saml_xml_plain) holding an ArtifactResolve: its
 * Issuer and Artifact (texts in a). 0, SAML_MSG_NOT_AUTHN or -1. */
int saml_resolve_peek(struct arena *a, const char *xml, size_t n, const char **issuer,
    const char **artifact);
/* An xs:dateTime in UTC ("2026-12-07T00:00:00Z", fractions allowed) as Unix seconds. 0 or
 * -1. */
int saml_time_parse(const char *s, int64_t *out);

#endif
