/* msg.c — decoding a SAML message before lasso reads it (msg.h): base64, bounded raw
 * inflate, refusal of declarations, and the AuthnRequest's fields portier checks itself. */
#include "saml/msg.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#define NS_PROTOCOL "urn:oasis:names:tc:SAML:2.0:protocol"
#define NS_ASSERTION "urn:oasis:names:tc:SAML:2.0:assertion"

/* Inflates the raw DEFLATE stream in (HTTP-Redirect, SAML bindings §3.4.4.1) into out,
 * never more than max bytes: a stream that would give more is refused where it crosses
 * the bound, so a bomb costs max bytes of work, not its size. */
static int
inflate_bounded(const unsigned char *in, size_t n, unsigned char *out, size_t max,
    size_t *outn)
{
	z_stream z;
	int zr, rc = SAML_MSG_BAD_ENCODING;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)max;
	zr = inflate(&z, Z_FINISH);
	if (zr == Z_STREAM_END)
		rc = SAML_MSG_OK;
	else if (z.avail_out == 0)
		rc = SAML_MSG_TOO_LARGE;
	*outn = z.total_out;
	inflateEnd(&z);
	return rc;
}

/* The end of what starts at p with open and ends with close, or NULL (unterminated). */
static const char *
skip_past(const char *p, const char *end, const char *open, const char *close)
{
	size_t cl = strlen(close);

	for (p += strlen(open); p + cl <= end; p++)
		if (memcmp(p, close, cl) == 0)
			return p + cl;
	return NULL;
}

static bool
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The document is in an encoding where '<' is the byte '<': libxml2 follows the encoding
 * its XML declaration names (UTF-7 writes '<' "+ADw-") or guesses one from the first
 * bytes (EBCDIC), and a declaration written so would escape the byte scan. So: an
 * optional UTF-8 BOM, then '<' (after spaces), and an encoding named, if any, of ASCII's
 * family. */
static bool
ascii_encoded(const char *p, const char *end)
{
	static const char *const ok[] = { "UTF-8", "US-ASCII", "ISO-8859-1" };
	const char *q, *e;
	char quote;

	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && xml_space(*p))
		p++;
	if (p == end)
		return true;
	if (*p != '<')
		return false;
	if (end - p < 6 || memcmp(p, "<?xml", 5) != 0 || !xml_space(p[5]))
		return true;
	q = skip_past(p, end, "<?xml", "?>");
	if (q == NULL)
		return false;
	e = memmem(p, (size_t)(q - p), "encoding", 8);
	if (e == NULL)
		return true;
	for (e += 8; e < q && xml_space(*e); e++)
		;
	if (e >= q || *e++ != '=')
		return false;
	while (e < q && xml_space(*e))
		e++;
	if (e >= q || (*e != '"' && *e != '\''))
		return false;
	quote = *e++;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t l = strlen(ok[i]);

		if ((size_t)(q - e) > l && strncasecmp(e, ok[i], l) == 0 && e[l] == quote)
			return true;
	}
	return false;
}

int
saml_xml_plain(const char *xml, size_t n)
{
	const char *p = xml, *end = xml + n;

	/* A NUL inside would hide the rest from a C string reader. */
	if (memchr(xml, '\0', n) != NULL)
		return SAML_MSG_DOCTYPE;
	if (!ascii_encoded(xml, end))
		return SAML_MSG_DOCTYPE;
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		size_t left = (size_t)(end - p);

		if (left < 2 || p[1] != '!') {
			p++;
			continue;
		}
		/* Comments and CDATA sections are skipped whole: their text is no markup. */
		if (left >= 4 && memcmp(p, "<!--", 4) == 0)
			p = skip_past(p, end, "<!--", "-->");
		else if (left >= 9 && memcmp(p, "<![CDATA[", 9) == 0)
			p = skip_past(p, end, "<![CDATA[", "]]>");
		else
			return SAML_MSG_DOCTYPE;
		if (p == NULL)
			return SAML_MSG_DOCTYPE;
	}
	return SAML_MSG_OK;
}

int
saml_msg_decode(struct arena *a, const char *b64, enum saml_binding b, char **xml,
    size_t *n)
{
	size_t len = b64 != NULL ? strlen(b64) : 0, raw_n = 0, xn = 0;
	unsigned char *raw, *out;
	int rc;

	*xml = NULL;
	*n = 0;
	if (len == 0)
		return SAML_MSG_BAD_ENCODING;
	if (len > SAML_MSG_B64_MAX)
		return SAML_MSG_TOO_LARGE;
	raw = arena_alloc(a, len);
	out = arena_alloc(a, SAML_MSG_XML_MAX + 1);
	if (raw == NULL || out == NULL)
		return -1;
	if (sodium_base642bin(raw, len, b64, len, " \t\r\n", &raw_n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return SAML_MSG_BAD_ENCODING;
	if (b == SAML_BINDING_REDIRECT) {
		rc = inflate_bounded(raw, raw_n, out, SAML_MSG_XML_MAX, &xn);
		if (rc != SAML_MSG_OK)
			return rc;
	} else {
		if (raw_n > SAML_MSG_XML_MAX)
			return SAML_MSG_TOO_LARGE;
		memcpy(out, raw, raw_n);
		xn = raw_n;
	}
	out[xn] = '\0';
	rc = saml_xml_plain((const char *)out, xn);
	if (rc != SAML_MSG_OK)
		return rc;
	*xml = (char *)out;
	*n = xn;
	return SAML_MSG_OK;
}

static bool
is(const xmlNode *e, const char *ns, const char *name)
{
	return e != NULL && e->type == XML_ELEMENT_NODE && e->ns != NULL &&
	    strcmp((const char *)e->ns->href, ns) == 0 &&
	    strcmp((const char *)e->name, name) == 0;
}

static const xmlNode *
child(const xmlNode *e, const char *ns, const char *name)
{
	for (const xmlNode *c = e != NULL ? e->children : NULL; c != NULL; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

/* An attribute's value (no namespace) copied into a, or NULL. */
static const char *
attr(struct arena *a, const xmlNode *e, const char *name)
{
	xmlChar *v = e != NULL ? xmlGetNoNsProp(e, (const xmlChar *)name) : NULL;
	char *s;

	if (v == NULL)
		return NULL;
	s = arena_strdup(a, (const char *)v);
	xmlFree(v);
	return s;
}

static const char *
text(struct arena *a, const xmlNode *e)
{
	xmlChar *v = e != NULL ? xmlNodeGetContent(e) : NULL;
	char *s;

	if (v == NULL)
		return NULL;
	s = arena_strdup(a, (const char *)v);
	xmlFree(v);
	return s;
}

static bool
xs_true(const char *v)
{
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

int
saml_authn_peek(struct arena *a, const char *xml, size_t n, struct saml_authn *out)
{
	xmlDoc *doc;
	const xmlNode *root, *ctx;
	const char *idx;
	int rc = SAML_MSG_NOT_AUTHN;

	memset(out, 0, sizeof(*out));
	out->acs_index = -1;
	if (n > SAML_MSG_XML_MAX || saml_xml_plain(xml, n) != SAML_MSG_OK)
		return SAML_MSG_NOT_AUTHN;
	doc = xmlReadMemory(xml, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return SAML_MSG_NOT_AUTHN;
	root = xmlDocGetRootElement(doc);
	if (!is(root, NS_PROTOCOL, "AuthnRequest"))
		goto done;
	out->id = attr(a, root, "ID");
	out->issue_instant = attr(a, root, "IssueInstant");
	out->acs_url = attr(a, root, "AssertionConsumerServiceURL");
	out->protocol_binding = attr(a, root, "ProtocolBinding");
	out->force_authn = xs_true(attr(a, root, "ForceAuthn"));
	out->is_passive = xs_true(attr(a, root, "IsPassive"));
	idx = attr(a, root, "AssertionConsumerServiceIndex");
	if (idx != NULL && idx[0] >= '0' && idx[0] <= '9' && strlen(idx) <= 4)
		out->acs_index = (int)strtol(idx, NULL, 10);
	else if (idx != NULL)
		goto done;
	out->issuer = text(a, child(root, NS_ASSERTION, "Issuer"));
	out->nameid_format = attr(a, child(root, NS_PROTOCOL, "NameIDPolicy"), "Format");
	ctx = child(root, NS_PROTOCOL, "RequestedAuthnContext");
	out->class_ref = text(a, child(ctx, NS_ASSERTION, "AuthnContextClassRef"));
	if (out->id != NULL && out->id[0] != '\0' && out->issuer != NULL &&
	    out->issuer[0] != '\0' && out->issue_instant != NULL)
		rc = SAML_MSG_OK;
done:
	xmlFreeDoc(doc);
	return rc;
}

int
saml_logout_peek(struct arena *a, const char *xml, size_t n, struct saml_logout_req *out)
{
	const xmlNode *root;
	xmlDoc *doc;
	int rc = SAML_MSG_NOT_AUTHN;

	memset(out, 0, sizeof(*out));
	if (n > SAML_MSG_XML_MAX || saml_xml_plain(xml, n) != SAML_MSG_OK)
		return SAML_MSG_NOT_AUTHN;
	doc = xmlReadMemory(xml, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return SAML_MSG_NOT_AUTHN;
	root = xmlDocGetRootElement(doc);
	if (is(root, NS_PROTOCOL, "LogoutRequest")) {
		out->id = attr(a, root, "ID");
		out->issue_instant = attr(a, root, "IssueInstant");
		out->issuer = text(a, child(root, NS_ASSERTION, "Issuer"));
		out->name_id = text(a, child(root, NS_ASSERTION, "NameID"));
		out->session_index = text(a, child(root, NS_PROTOCOL, "SessionIndex"));
		if (out->id != NULL && out->id[0] != '\0' && out->issuer != NULL &&
		    out->issuer[0] != '\0' && out->name_id != NULL && out->issue_instant != NULL)
			rc = SAML_MSG_OK;
	}
	xmlFreeDoc(doc);
	return rc;
}

int
saml_resolve_peek(struct arena *a, const char *xml, size_t n, const char **issuer,
    const char **artifact)
{
	static const char soap[] = "http://schemas.xmlsoap.org/soap/envelope/";
	const xmlNode *root, *body, *req;
	xmlDoc *doc;
	int rc = SAML_MSG_NOT_AUTHN;

	*issuer = *artifact = NULL;
	if (n > SAML_MSG_XML_MAX || saml_xml_plain(xml, n) != SAML_MSG_OK)
		return SAML_MSG_NOT_AUTHN;
	doc = xmlReadMemory(xml, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return SAML_MSG_NOT_AUTHN;
	root = xmlDocGetRootElement(doc);
	body = is(root, soap, "Envelope") ? child(root, soap, "Body") : NULL;
	req = child(body, NS_PROTOCOL, "ArtifactResolve");
	if (req != NULL) {
		*issuer = text(a, child(req, NS_ASSERTION, "Issuer"));
		*artifact = text(a, child(req, NS_PROTOCOL, "Artifact"));
		if (*issuer != NULL && (*issuer)[0] != '\0' && *artifact != NULL &&
		    (*artifact)[0] != '\0')
			rc = SAML_MSG_OK;
	}
	xmlFreeDoc(doc);
	return rc;
}

int
saml_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	const char *p;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) < 20)
		return -1;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") != 0)
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}
