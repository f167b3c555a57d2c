/* test_saml.c — the decoding SAML messages go through before lasso (saml/msg.h): the
 * inflate bound (a bomb stops at 64 KiB, exactly at the bound), the refusal of markup
 * declarations, base64, the AuthnRequest's fields, xs:dateTime; and the IdP's level to
 * AuthnContextClassRef mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "saml/msg.h"
#include "saml/saml.h"

#define REQ "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" " \
	"xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r1\" Version=\"2.0\" " \
	"IssueInstant=\"2026-12-07T10:00:00.123Z\" AssertionConsumerServiceURL=\"https://sp/acs\" " \
	"ForceAuthn=\"true\"><saml:Issuer>https://sp</saml:Issuer>" \
	"<samlp:NameIDPolicy Format=\"urn:f\"/><samlp:RequestedAuthnContext>" \
	"<saml:AuthnContextClassRef>http://eidas.europa.eu/LoA/high</saml:AuthnContextClassRef>" \
	"</samlp:RequestedAuthnContext></samlp:AuthnRequest>"

/* base64(raw DEFLATE(pad spaces + REQ)) in a (the Redirect binding's SAMLRequest). */
static char *
redirect_b64(struct arena *a, size_t pad)
{
	size_t n = pad + strlen(REQ), cap = compressBound((uLong)n) + 64, b64n;
	char *in = malloc(n), *out;
	unsigned char *z = malloc(cap);
	z_stream s;

	assert_non_null(in);
	assert_non_null(z);
	memset(in, ' ', pad);
	memcpy(in + pad, REQ, strlen(REQ));
	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (unsigned char *)in;
	s.avail_in = (uInt)n;
	s.next_out = z;
	s.avail_out = (uInt)cap;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	b64n = sodium_base64_encoded_len(s.total_out, sodium_base64_VARIANT_ORIGINAL);
	out = arena_alloc(a, b64n);
	assert_non_null(out);
	sodium_bin2base64(out, b64n, z, s.total_out, sodium_base64_VARIANT_ORIGINAL);
	deflateEnd(&s);
	free(in);
	free(z);
	return out;
}

static void
inflate_bound(void **state)
{
	struct arena *a = arena_new(8 * 1024 * 1024);
	size_t len = strlen(REQ), n;
	char *xml;

	(void)state;
	/* Exactly the bound is read; one byte more is refused, however small the input. */
	assert_int_equal(saml_msg_decode(a, redirect_b64(a, SAML_MSG_XML_MAX - len),
	    SAML_BINDING_REDIRECT, &xml, &n), SAML_MSG_OK);
	assert_int_equal(n, SAML_MSG_XML_MAX);
	assert_int_equal(saml_msg_decode(a, redirect_b64(a, SAML_MSG_XML_MAX - len + 1),
	    SAML_BINDING_REDIRECT, &xml, &n), SAML_MSG_TOO_LARGE);
	assert_null(xml);
	assert_int_equal(saml_msg_decode(a, redirect_b64(a, 50 * 1024 * 1024),
	    SAML_BINDING_REDIRECT, &xml, &n), SAML_MSG_TOO_LARGE);
	/* Not DEFLATE, not base64, empty. */
	assert_int_equal(saml_msg_decode(a, "bm90IGRlZmxhdGU=", SAML_BINDING_REDIRECT, &xml, &n),
	    SAML_MSG_BAD_ENCODING);
	assert_int_equal(saml_msg_decode(a, "%%%", SAML_BINDING_POST, &xml, &n),
	    SAML_MSG_BAD_ENCODING);
	assert_int_equal(saml_msg_decode(a, "", SAML_BINDING_POST, &xml, &n),
	    SAML_MSG_BAD_ENCODING);
	arena_free(a);
}

static void
declarations(void **state)
{
	static const char *const bad[] = {
		"<!DOCTYPE x><x/>", "<x><!ENTITY e \"v\"></x>", "<?xml version=\"1.0\"?><!doctype x><x/>",
		"<x/><!", "<x><!ATTLIST x a CDATA #IMPLIED></x>", "<x><!-- open</x>", "<x>\0<!DOCTYPE x></x>",
	};
	static const char *const good[] = {
		"<x/>", "<x><!-- c --></x>", "<x><![CDATA[<!DOCTYPE]]></x>", "<x><!-- <!DOCTYPE --></x>", "<?xml version=\"1.0\"?><x/>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = strlen(bad[i]);

		if (i == 6)
			n = 24;    /* with its NUL */
		assert_int_not_equal(saml_xml_plain(bad[i], n), SAML_MSG_OK);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(saml_xml_plain(good[i], strlen(good[i])), SAML_MSG_OK);
}

/* A declaration hidden by the document's encoding: libxml2 honours the encoding the
 * XML declaration names (UTF-7's "+ADw-" is '<') or guesses from the first bytes (EBCDIC
 * has '<' at 0x4C), so a scan of the bytes for "<!" would see no DOCTYPE at all. */
static void
declarations_encoded(void **state)
{
	static const char *const bad[] = {
		"<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-!DOCTYPE x +AFs-+ADw-!ENTITY e "
		"+ACI-v+ACI-+AD4-+AF0-+AD4-+ADw-x+AD4-+ACY-e+ADs-+ADw-/x+AD4-",
		"<?xml version='1.0' encoding='IBM037'?><x/>",
		"<?xml version=\"1.0\" encoding = \"utf-7\" ?><x/>",
		"<?xml version=\"1.0\" encoding=\"UTF-8?><x/>",
		/* "<?xml" in EBCDIC (IBM037), then ASCII: libxml2 reads it as EBCDIC */
		"\x4c\x6f\xa7\x94\x93\x40<x/>",
		" \x4c<x/>",
	};
	static const char *const good[] = {
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><x/>",
		"<?xml version='1.0' encoding='utf-8' standalone='no'?><x/>",
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?><x/>",
		"\n  <x/>", "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><x/>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(saml_xml_plain(bad[i], strlen(bad[i])), SAML_MSG_OK);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(saml_xml_plain(good[i], strlen(good[i])), SAML_MSG_OK);
}

static void
peek(void **state)
{
	struct arena *a = arena_new(1024 * 1024);
	struct saml_authn r;
	int64_t t;

	(void)state;
	assert_int_equal(saml_authn_peek(a, REQ, strlen(REQ), &r), SAML_MSG_OK);
	assert_string_equal(r.id, "_r1");
	assert_string_equal(r.issuer, "https://sp");
	assert_string_equal(r.acs_url, "https://sp/acs");
	assert_string_equal(r.nameid_format, "urn:f");
	assert_string_equal(r.class_ref, "http://eidas.europa.eu/LoA/high");
	assert_true(r.force_authn);
	assert_int_equal(r.acs_index, -1);
	assert_int_equal(saml_time_parse(r.issue_instant, &t), 0);
	assert_int_equal(t, 1796637600);
	assert_int_equal(saml_time_parse("2026-12-07T10:00:00+01:00", &t), -1);
	assert_int_equal(saml_time_parse("2026-12-07T10:00:00", &t), -1);
	/* Another namespace, another element, no Issuer. */
	assert_int_equal(saml_authn_peek(a, "<AuthnRequest ID=\"x\"/>", 22, &r), SAML_MSG_NOT_AUTHN);
	assert_int_equal(saml_authn_peek(a, "<x", 2, &r), SAML_MSG_NOT_AUTHN);
	assert_int_equal(saml_class_level(saml_class_ref(1)), 1);
	assert_int_equal(saml_class_level(saml_class_ref(2)), 2);
	assert_int_equal(saml_class_level(saml_class_ref(3)), 3);
	assert_int_equal(saml_class_level("urn:other"), 0);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inflate_bound),
		cmocka_unit_test(declarations),
		cmocka_unit_test(declarations_encoded),
		cmocka_unit_test(peek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
