/* sign.h — inside src/saml/ only: the enveloped XML-DSig signature of one SAML element
 * (idp.c), which the logout requests (slo.c) use too. */
#ifndef PORTIER_SAML_SIGN_H
#define PORTIER_SAML_SIGN_H

#include <libxml/tree.h>
#include <stdbool.h>

#include "base/arena.h"
#include "saml/saml.h"

/* Signs el enveloped by its ID attribute (rsa-sha256, or ecdsa-sha256 when ec), the
 * Signature right after its Issuer. 0 or -1. */
int sign_el_alg(struct arena *a, xmlDoc *doc, xmlNode *el, const struct saml_keys *k, bool ec);

#endif
