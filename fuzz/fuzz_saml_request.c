/* fuzz_saml_request.c — libFuzzer target for the decoding of SAML requests before lasso
 * (saml/msg.h): base64, the bounded raw inflate of HTTP-Redirect, the refusal of markup
 * declarations and libxml2's reading of the AuthnRequest. The first byte chooses: the rest
 * as the SAMLRequest text itself (either binding), or as XML that is encoded as each
 * binding does and must come back the same unless refused. Built by `make fuzz`. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/arena.h"
#include "fuzz_common.h"
#include "saml/msg.h"

/* The properties of every accepted decoding. */
static void
accepted(struct arena *a, const char *xml, size_t n)
{
	struct saml_authn r;

	check(n <= SAML_MSG_XML_MAX && xml[n] == '\0' && strlen(xml) == n);
	check(saml_xml_plain(xml, n) == SAML_MSG_OK);
	if (saml_authn_peek(a, xml, n, &r) == SAML_MSG_OK)
		check(r.id != NULL && r.id[0] != '\0' && r.issuer != NULL && r.issuer[0] != '\0' &&
		    r.issue_instant != NULL && r.acs_index >= -1);
}

/* b64 as SAMLRequest of binding b. */
static void
decode_text(struct arena *a, const char *b64, enum saml_binding b)
{
	char *xml;
	size_t n;
	int rc = saml_msg_decode(a, b64, b, &xml, &n);

	check(rc >= SAML_MSG_OK && rc <= SAML_MSG_NOT_AUTHN);
	if (rc == SAML_MSG_OK)
		accepted(a, xml, n);
	else
		check(xml == NULL);
}

/* data as XML, encoded for binding b (DEFLATE for Redirect), decoded again. */
static void
round_trip(struct arena *a, const uint8_t *data, size_t size, enum saml_binding b)
{
	uLong cap = compressBound((uLong)size) + 64;
	unsigned char *z = malloc(cap);
	const unsigned char *raw = data;
	size_t raw_n = size, b64n;
	char *b64, *xml;
	size_t n;
	z_stream s;
	int rc;

	check(z != NULL);
	if (b == SAML_BINDING_REDIRECT) {
		memset(&s, 0, sizeof(s));
		check(deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
		s.next_in = (unsigned char *)data;
		s.avail_in = (uInt)size;
		s.next_out = z;
		s.avail_out = (uInt)cap;
		check(deflate(&s, Z_FINISH) == Z_STREAM_END);
		raw = z;
		raw_n = s.total_out;
		deflateEnd(&s);
	}
	b64n = sodium_base64_encoded_len(raw_n, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(b64n);
	check(b64 != NULL);
	sodium_bin2base64(b64, b64n, raw, raw_n, sodium_base64_VARIANT_ORIGINAL);
	rc = saml_msg_decode(a, b64, b, &xml, &n);
	if (rc == SAML_MSG_OK) {
		check(n == size && memcmp(xml, data, size) == 0);
		accepted(a, xml, n);
	} else {
		/* Refused only for what the rules name: the size, a declaration or a NUL; an
		 * empty POST (no SAMLRequest at all) as no encoding. */
		check(rc == SAML_MSG_TOO_LARGE || rc == SAML_MSG_DOCTYPE ||
		    (rc == SAML_MSG_BAD_ENCODING && b == SAML_BINDING_POST && size == 0));
		check(rc != SAML_MSG_TOO_LARGE || size > SAML_MSG_XML_MAX ||
		    b64n - 1 > SAML_MSG_B64_MAX);
		check(rc != SAML_MSG_DOCTYPE || saml_xml_plain((const char *)data, size) != 0);
	}
	free(b64);
	free(z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	char *s;

	if (size < 1 || size > 256 * 1024)
		return 0;
	a = arena_new(8 << 20);
	check(a != NULL);
	switch (data[0] & 3) {
	case 0:
	case 1:
		s = fuzz_string(data + 1, size - 1);
		decode_text(a, s, (data[0] & 1) ? SAML_BINDING_POST : SAML_BINDING_REDIRECT);
		free(s);
		break;
	default:
		round_trip(a, data + 1, size - 1, (data[0] & 1) ? SAML_BINDING_POST :
		    SAML_BINDING_REDIRECT);
		break;
	}
	arena_free(a);
	return 0;
}
