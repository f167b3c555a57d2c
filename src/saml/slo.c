/* slo.c — the LogoutRequests portier sends to the SPs of a session (Single Logout
 * propagation): built with libxml2's tree (its writer escapes), signed with the IdP's RSA
 * key — the Redirect binding's query signature with OpenSSL, the enveloped XML signature
 * with xmlsec for HTTP-POST and SOAP — and the SOAP back channel posted with libcurl. */
#include "saml/saml.h"

#include <curl/curl.h>
#include <glib.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "base/log.h"
#include "saml/sign.h"

#define NS_P "urn:oasis:names:tc:SAML:2.0:protocol"
#define NS_A "urn:oasis:names:tc:SAML:2.0:assertion"
#define NS_SOAP "http://schemas.xmlsoap.org/soap/envelope/"
#define RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define SOAP_TIMEOUT 10L

/* The LogoutRequest element in doc (under parent, or as the root). NULL on error. */
static xmlNode *
request_el(xmlDoc *doc, xmlNode *parent, const char *idp, const char *dest,
    const struct saml_session_sp *row, const char *reason, int64_t now)
{
	xmlNode *r = xmlNewNode(NULL, (const xmlChar *)"LogoutRequest");
	xmlNs *p = r != NULL ? xmlNewNs(r, (const xmlChar *)NS_P, (const xmlChar *)"samlp") :
	    NULL;
	xmlNs *s = r != NULL ? xmlNewNs(r, (const xmlChar *)NS_A, (const xmlChar *)"saml") :
	    NULL;
	xmlNode *issuer, *nid, *si;
	unsigned char raw[20];
	char id[48], instant[32];
	time_t t = (time_t)now;
	struct tm tm;

	if (r == NULL || p == NULL || s == NULL) {
		xmlFreeNode(r);
		return NULL;
	}
	xmlSetNs(r, p);
	if (parent == NULL)
		xmlDocSetRootElement(doc, r);
	else if (xmlAddChild(parent, r) == NULL) {
		xmlFreeNode(r);
		return NULL;
	}
	randombytes_buf(raw, sizeof(raw));
	id[0] = '_';
	sodium_bin2hex(id + 1, sizeof(id) - 1, raw, sizeof(raw));
	gmtime_r(&t, &tm);
	strftime(instant, sizeof(instant), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* xmlNewProp and xmlNewTextChild escape what they write. */
	if (xmlNewProp(r, (const xmlChar *)"ID", (const xmlChar *)id) == NULL ||
	    xmlNewProp(r, (const xmlChar *)"Version", (const xmlChar *)"2.0") == NULL ||
	    xmlNewProp(r, (const xmlChar *)"IssueInstant", (const xmlChar *)instant) == NULL ||
	    xmlNewProp(r, (const xmlChar *)"Destination", (const xmlChar *)dest) == NULL ||
	    (reason != NULL &&
	    xmlNewProp(r, (const xmlChar *)"Reason", (const xmlChar *)reason) == NULL))
		return NULL;
	issuer = xmlNewTextChild(r, s, (const xmlChar *)"Issuer", NULL);
	nid = xmlNewTextChild(r, s, (const xmlChar *)"NameID", NULL);
	si = xmlNewTextChild(r, p, (const xmlChar *)"SessionIndex", NULL);
	if (issuer == NULL || nid == NULL || si == NULL)
		return NULL;
	xmlNodeAddContent(issuer, (const xmlChar *)idp);
	xmlNodeAddContent(nid, (const xmlChar *)row->name_id);
	xmlNodeAddContent(si, (const xmlChar *)row->session_index);
	if (xmlNewProp(nid, (const xmlChar *)"Format", (const xmlChar *)row->name_format) == NULL ||
	    xmlNewProp(nid, (const xmlChar *)"NameQualifier", (const xmlChar *)idp) == NULL ||
	    xmlNewProp(nid, (const xmlChar *)"SPNameQualifier",
	    (const xmlChar *)row->entity_id) == NULL)
		return NULL;
	return r;
}

/* The element serialised (no XML declaration), in a; NULL on error. */
static const char *
dump_el(struct arena *a, xmlDoc *doc, xmlNode *el)
{
	xmlBuffer *b = xmlBufferCreate();
	const char *out = NULL;

	if (b != NULL && xmlNodeDump(b, doc, el, 0, 0) > 0)
		out = arena_strndup(a, (const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b));
	if (b != NULL)
		xmlBufferFree(b);
	return out;
}

/* raw DEFLATE (SAML bindings §3.4.4.1) then base64 then URL-escaped; in a. */
static const char *
deflate_b64_escaped(struct arena *a, const char *xml)
{
	size_t n = strlen(xml);
	uLong cap;
	unsigned char *z;
	z_stream zs;
	gchar *b64 = NULL, *esc = NULL;
	const char *out = NULL;

	memset(&zs, 0, sizeof(zs));
	if (n > UINT32_MAX / 2 ||
	    deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&zs, (uLong)n);
	z = arena_alloc(a, cap);
	if (z == NULL) {
		deflateEnd(&zs);
		return NULL;
	}
	zs.next_in = (Bytef *)(uintptr_t)xml;
	zs.avail_in = (uInt)n;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) == Z_STREAM_END) {
		b64 = g_base64_encode(z, zs.total_out);
		esc = b64 != NULL ? g_uri_escape_string(b64, NULL, FALSE) : NULL;
		out = esc != NULL ? arena_strdup(a, esc) : NULL;
	}
	deflateEnd(&zs);
	g_free(esc);
	g_free(b64);
	return out;
}

/* The query's RSA-SHA256 signature with the PEM key, base64 and URL-escaped; in a. */
static const char *
sign_query(struct arena *a, const char *query, const char *key_pem)
{
	BIO *bio = BIO_new_mem_buf(key_pem, -1);
	EVP_PKEY *pk = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *md = pk != NULL ? EVP_MD_CTX_new() : NULL;
	unsigned char sig[1024];
	size_t n = sizeof(sig);
	gchar *b64 = NULL, *esc = NULL;
	const char *out = NULL;

	if (md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestSign(md, sig, &n, (const unsigned char *)query, strlen(query)) == 1) {
		b64 = g_base64_encode(sig, n);
		esc = b64 != NULL ? g_uri_escape_string(b64, NULL, FALSE) : NULL;
		out = esc != NULL ? arena_strdup(a, esc) : NULL;
	}
	g_free(esc);
	g_free(b64);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return out;
}

/* HTTP-Redirect: the whole address with the signed query. */
static int
redirect_url(struct arena *a, const char *loc, const char *xml, const char *relay,
    const struct saml_keys *k, struct saml_out *out)
{
	const char *req = deflate_b64_escaped(a, xml), *q, *sig;
	gchar *rs = relay != NULL ? g_uri_escape_string(relay, NULL, FALSE) : NULL;
	gchar *alg = g_uri_escape_string(RSA_SHA256, NULL, FALSE);
	int rc = -1;

	if (req == NULL || alg == NULL || (relay != NULL && rs == NULL))
		goto done;
	q = arena_printf(a, "SAMLRequest=%s%s%s&SigAlg=%s", req, rs != NULL ? "&RelayState=" :
	    "", rs != NULL ? rs : "", alg);
	sig = q != NULL ? sign_query(a, q, k->key_pem) : NULL;
	out->acs_url = sig != NULL ? arena_printf(a, "%s%c%s&Signature=%s", loc,
	    strchr(loc, '?') != NULL ? '&' : '?', q, sig) : NULL;
	rc = out->acs_url != NULL ? 0 : -1;
done:
	g_free(rs);
	g_free(alg);
	return rc;
}

/* saml_logout_request with the request's Reason (NULL: none). */
static int
logout_request(struct arena *a, const char *entity_id, const struct saml_keys *k,
    const struct saml_sp *sp, const struct saml_session_sp *row, const char *relay_state,
    const char *reason, int64_t now, bool *soap, struct saml_out *out)
{
	const char *loc, *binding, *xml;
	xmlDoc *doc = NULL;
	xmlNode *env = NULL, *body = NULL, *req;
	xmlNs *sns;
	gchar *b64 = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	*soap = false;
	rc = saml_sp_slo(a, sp->metadata, &loc, &binding);
	if (rc != 0)
		return rc;
	rc = -1;
	*soap = strcmp(binding, SAML_BINDING_SOAP_URI) == 0;
	doc = xmlNewDoc((const xmlChar *)"1.0");
	if (doc == NULL)
		goto done;
	if (*soap) {
		env = xmlNewNode(NULL, (const xmlChar *)"Envelope");
		sns = env != NULL ? xmlNewNs(env, (const xmlChar *)NS_SOAP,
		    (const xmlChar *)"soap-env") : NULL;
		if (sns == NULL) {
			xmlFreeNode(env);
			goto done;
		}
		xmlSetNs(env, sns);
		xmlDocSetRootElement(doc, env);
		body = xmlNewChild(env, sns, (const xmlChar *)"Body", NULL);
		if (body == NULL)
			goto done;
	}
	req = request_el(doc, body, entity_id, loc, row, reason, now);
	if (req == NULL)
		goto done;
	if (strcmp(binding, SAML_BINDING_SOAP_URI) != 0 &&
	    strcmp(binding, SAML_BINDING_POST_URI) != 0) {
		xml = dump_el(a, doc, req);
		rc = xml != NULL ? redirect_url(a, loc, xml, relay_state, k, out) : -1;
		goto done;
	}
	if (sign_el_alg(a, doc, req, k, false) != 0)
		goto done;
	xml = dump_el(a, doc, *soap ? env : req);
	if (xml == NULL)
		goto done;
	out->acs_url = loc;
	if (*soap) {
		out->response = xml;
	} else {
		b64 = g_base64_encode((const guchar *)xml, strlen(xml));
		out->response = b64 != NULL ? arena_strdup(a, b64) : NULL;
		out->relay_state = relay_state;
	}
	rc = out->response != NULL ? 0 : -1;
done:
	g_free(b64);
	xmlFreeDoc(doc);
	return rc;
}

int
saml_logout_request(struct arena *a, const char *entity_id, const struct saml_keys *k,
    const struct saml_sp *sp, const struct saml_session_sp *row, const char *relay_state,
    int64_t now, bool *soap, struct saml_out *out)
{
	return logout_request(a, entity_id, k, sp, row, relay_state, NULL, now, soap, out);
}

int
saml_logout_request_soap(struct arena *a, const char *entity_id, const struct saml_keys *k,
    const struct saml_sp *sp, const struct saml_session_sp *row, const char *reason,
    int64_t now, const char **url, const char **envelope)
{
	struct saml_out out;
	bool soap = false;
	int rc;

	*url = *envelope = NULL;
	if (saml_sp_slo(a, sp->metadata, url, envelope) != 0 ||
	    strcmp(*envelope, SAML_BINDING_SOAP_URI) != 0) {
		*url = *envelope = NULL;
		return 1;               /* no SOAP endpoint (any more) */
	}
	rc = logout_request(a, entity_id, k, sp, row, NULL, reason, now, &soap, &out);
	if (rc != 0 || !soap)
		return rc < 0 ? -1 : 1;
	*url = out.acs_url;
	*envelope = out.response;
	return 0;
}

static size_t
discard(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

int
saml_soap_send(const char *url, const char *envelope)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	long status = 0;
	CURLcode cr = CURLE_FAILED_INIT;

	if (c == NULL)
		return 1;
	h = curl_slist_append(h, "Content-Type: text/xml; charset=utf-8");
	h = h != NULL ? curl_slist_append(h, "SOAPAction: \"http://www.oasis-open.org/"
	    "committees/security\"") : NULL;
	if (h != NULL && curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_POSTFIELDS, envelope) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, SOAP_TIMEOUT) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard) == CURLE_OK) {
		cr = curl_easy_perform(c);
		if (cr == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	}
	if (cr != CURLE_OK)
		log_info(NULL, "saml: SOAP logout to %s: %s", url, curl_easy_strerror(cr));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return cr == CURLE_OK && status == 200 ? 0 : 1;
}
