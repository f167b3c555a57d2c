/* idp.c — SAML 2.0 Web Browser SSO at the identity provider, with lasso (Debian's
 * liblasso3): the IdP's metadata, the AuthnRequest read and checked (portier's own checks
 * of msg.h first, then lasso's signature check), and the signed Response with the
 * federation service's attributes. A lasso server (the keys and the one SP concerned) is
 * kept by each thread for the next messages (server_cache.c): nothing of lasso is shared
 * between threads. */
#include "saml/saml.h"

#include <lasso/lasso.h>
#include <lasso/xml/misc_text_node.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_name_id_policy.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <lasso/xml/saml-2.0/samlp2_status.h>
#include <lasso/xml/saml-2.0/samlp2_status_code.h>
#include <lasso/xml/saml-2.0/samlp2_status_response.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/saml2_attribute.h>
#include <lasso/xml/saml-2.0/saml2_attribute_statement.h>
#include <lasso/xml/saml-2.0/saml2_attribute_value.h>
#include <lasso/xml/saml-2.0/saml2_name_id.h>
#include <lasso/xml/saml-2.0/saml2_subject.h>
#include <lasso/xml/saml-2.0/samlp2_logout_request.h>
#include <pthread.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "saml/server_cache.h"

#define NAMEID_PERSISTENT "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
#define NAMEID_TRANSIENT "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
#define NAMEID_UNSPECIFIED "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
#define LOA_LOW "http://eidas.europa.eu/LoA/low"
#define LOA_SUBSTANTIAL "http://eidas.europa.eu/LoA/substantial"
#define LOA_HIGH "http://eidas.europa.eu/LoA/high"
#define CLASS_PASSWORD "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
#define CLASS_SMARTCARD "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI"
#define ATTR_PREFIX "urn:portier:attribute:"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = -1;

static void
init_once(void)
{
	init_rc = lasso_init() == 0 ? 0 : -1;
}

int
saml_init(void)
{
	pthread_once(&once, init_once);
	return init_rc;
}

const char *
saml_class_ref(int level)
{
	return level >= 3 ? LOA_HIGH : level == 2 ? LOA_SUBSTANTIAL : LOA_LOW;
}

int
saml_class_level(const char *c)
{
	if (c == NULL)
		return 0;
	if (strcmp(c, LOA_HIGH) == 0 || strcmp(c, CLASS_SMARTCARD) == 0)
		return 3;
	if (strcmp(c, LOA_SUBSTANTIAL) == 0)
		return 2;
	if (strcmp(c, LOA_LOW) == 0 || strcmp(c, CLASS_PASSWORD) == 0)
		return 1;
	return 0;
}

/* The base64 body of a PEM certificate, on one line. */
static int
cert_b64(struct buf *out, const char *pem)
{
	const char *b = strstr(pem, "-----BEGIN CERTIFICATE-----");
	const char *e = b != NULL ? strstr(b, "-----END CERTIFICATE-----") : NULL;

	if (e == NULL)
		return -1;
	for (const char *p = b + strlen("-----BEGIN CERTIFICATE-----"); p < e; p++)
		if (*p != '\n' && *p != '\r' && buf_putc(out, *p) != 0)
			return -1;
	return 0;
}

const char *
saml_idp_metadata(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k)
{
	struct buf b;
	const char *out = NULL;

	/* entity_id and base_url are the operator's settings: URLs without markup. */
	if (strpbrk(entity_id, "<>&\"") != NULL || strpbrk(base_url, "<>&\"") != NULL)
		return NULL;
	buf_init(&b, 64 * 1024);
	if (buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
	    "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"") != 0 ||
	    buf_puts(&b, entity_id) != 0 ||
	    buf_puts(&b, "\">\n <md:IDPSSODescriptor WantAuthnRequestsSigned=\"false\" "
	    "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n") != 0)
		goto done;
	for (size_t i = 0; i < k->n; i++)
		if (buf_puts(&b, "  <md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data>"
		    "<ds:X509Certificate>") != 0 || cert_b64(&b, k->certs[i]) != 0 ||
		    buf_puts(&b, "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
		    "</md:KeyDescriptor>\n") != 0)
			goto done;
	if (buf_puts(&b, "  <md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:"
	    "bindings:HTTP-Redirect\" Location=\"") != 0 || buf_puts(&b, base_url) != 0 ||
	    buf_puts(&b, "/saml/slo\"/>\n  <md:SingleLogoutService Binding=\"urn:oasis:names:"
	    "tc:SAML:2.0:bindings:HTTP-POST\" Location=\"") != 0 ||
	    buf_puts(&b, base_url) != 0 || buf_puts(&b, "/saml/slo\"/>\n") != 0)
		goto done;
	if (buf_puts(&b, "  <md:ArtifactResolutionService Binding=\"urn:oasis:names:tc:SAML:"
	    "2.0:bindings:SOAP\" Location=\"") != 0 || buf_puts(&b, base_url) != 0 ||
	    buf_puts(&b, "/saml/artifact\" index=\"0\" isDefault=\"true\"/>\n") != 0)
		goto done;
	if (buf_puts(&b, "  <md:NameIDFormat>" NAMEID_PERSISTENT "</md:NameIDFormat>\n"
	    "  <md:NameIDFormat>" NAMEID_TRANSIENT "</md:NameIDFormat>\n"
	    "  <md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:"
	    "HTTP-Redirect\" Location=\"") != 0 || buf_puts(&b, base_url) != 0 ||
	    buf_puts(&b, "/saml/sso\"/>\n  <md:SingleSignOnService Binding=\"urn:oasis:names:"
	    "tc:SAML:2.0:bindings:HTTP-POST\" Location=\"") != 0 ||
	    buf_puts(&b, base_url) != 0 ||
	    buf_puts(&b, "/saml/sso\"/>\n </md:IDPSSODescriptor>\n</md:EntityDescriptor>\n") != 0)
		goto done;
	out = arena_strndup(a, (const char *)b.data, b.len);
done:
	buf_free(&b);
	return out;
}

/* The metadata signed (enveloped XML-DSig on the EntityDescriptor, its ID "portier-idp":
 * rsa-sha256, exclusive c14n, sha256, the certificate in KeyInfo) with xmlsec, which lasso
 * brings and has started. NULL on error. */
const char *
saml_idp_metadata_signed(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k)
{
	const char *md = saml_idp_metadata(a, entity_id, base_url, k);
	xmlDoc *doc = NULL;
	xmlNode *root, *sig = NULL, *ref, *ki;
	xmlAttr *id;
	xmlSecDSigCtx *ctx = NULL;
	xmlChar *out = NULL;
	const char *res = NULL;
	int n = 0;

	if (md == NULL || saml_init() != 0)
		return NULL;
	doc = xmlReadMemory(md, (int)strlen(md), NULL, NULL, XML_PARSE_NONET);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL)
		goto done;
	id = xmlSetProp(root, (const xmlChar *)"ID", (const xmlChar *)"portier-idp");
	if (id == NULL || xmlAddID(NULL, doc, (const xmlChar *)"portier-idp", id) == NULL)
		goto done;
	sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId,
	    xmlSecTransformRsaSha256Id, NULL);
	if (sig == NULL)
		goto done;
	/* The schema wants ds:Signature as the EntityDescriptor's first child. */
	if (root->children != NULL ? xmlAddPrevSibling(root->children, sig) == NULL :
	    xmlAddChild(root, sig) == NULL) {
		xmlFreeNode(sig);
		goto done;
	}
	ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL,
	    (const xmlChar *)"#portier-idp", NULL);
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	if (ref == NULL || ki == NULL ||
	    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == NULL ||
	    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == NULL ||
	    xmlSecTmplKeyInfoAddX509Data(ki) == NULL)
		goto done;
	ctx = xmlSecDSigCtxCreate(NULL);
	if (ctx == NULL)
		goto done;
	ctx->signKey = xmlSecCryptoAppKeyLoadMemory((const xmlSecByte *)k->key_pem,
	    (xmlSecSize)strlen(k->key_pem), xmlSecKeyDataFormatPem, NULL, NULL, NULL);
	if (ctx->signKey == NULL ||
	    xmlSecCryptoAppKeyCertLoadMemory(ctx->signKey, (const xmlSecByte *)k->cert_pem,
	    (xmlSecSize)strlen(k->cert_pem), xmlSecKeyDataFormatPem) < 0 ||
	    xmlSecDSigCtxSign(ctx, sig) < 0)
		goto done;
	xmlDocDumpMemoryEnc(doc, &out, &n, "UTF-8");
	if (out != NULL && n > 0)
		res = arena_strndup(a, (const char *)out, (size_t)n);
done:
	if (ctx != NULL)
		xmlSecDSigCtxDestroy(ctx);
	xmlFree(out);
	xmlFreeDoc(doc);
	return res;
}

/* A provider's encryption as lasso makes it (none): a cached server's SP may have been
 * given encrypt_for's settings by an earlier message of the same metadata. */
static void
encryption_reset(gpointer id, gpointer provider, gpointer unused)
{
	LassoProvider *p = LASSO_PROVIDER(provider);

	(void)id;
	(void)unused;
	lasso_provider_set_encryption_mode(p, LASSO_ENCRYPTION_MODE_NONE);
	lasso_provider_set_encryption_sym_key_type(p, LASSO_ENCRYPTION_SYM_KEY_TYPE_DEFAULT);
	lasso_provider_set_key_encryption_method(p, LASSO_KEY_ENCRYPTION_METHOD_DEFAULT);
}

/* A lasso server for the IdP with sp registered: this thread's cached one when it was
 * built from the same keys and metadata (server_cache.h), else built and kept. The caller
 * unrefs it. NULL on error. */
static LassoServer *
server_for(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const char *sp_metadata)
{
	unsigned char key[SAML_SERVER_KEY_LEN];
	const char *md;
	LassoServer *s;

	if (saml_init() != 0)
		return NULL;
	saml_server_key(entity_id, base_url, k, sp_metadata, key);
	s = saml_server_cached(key);
	if (s != NULL) {
		g_hash_table_foreach(s->providers, encryption_reset, NULL);
		return s;
	}
	md = saml_idp_metadata(a, entity_id, base_url, k);
	if (md == NULL)
		return NULL;
	s = lasso_server_new_from_buffers(md, k->key_pem, NULL, k->cert_pem);
	if (s == NULL)
		return NULL;
	s->signature_method = LASSO_SIGNATURE_METHOD_RSA_SHA256;
	if (lasso_server_add_provider_from_buffer(s, LASSO_PROVIDER_ROLE_SP, sp_metadata, NULL,
	    NULL) != 0) {
		g_object_unref(s);
		return NULL;
	}
	/* Not kept (out of memory): this message is answered all the same. */
	(void)saml_server_keep(key, s);
	return s;
}

/* Whether the message carries a signature at all: the Redirect binding's Signature
 * parameter, or a ds:Signature in the POSTed XML. */
static bool
carries_signature(const struct saml_in *in, const char *xml)
{
	if (in->binding == SAML_BINDING_REDIRECT)
		return in->query != NULL && (strstr(in->query, "&Signature=") != NULL ||
		    strncmp(in->query, "Signature=", 10) == 0);
	return strstr(xml, "http://www.w3.org/2000/09/xmldsig#") != NULL &&
	    strstr(xml, "Signature") != NULL;
}

/* What a refusal of lasso's reading means: its signature errors (xmlsec's, 1xx) and the
 * profile's signature errors are signatures; the rest is the message. */
static int
lasso_refusal(int lr)
{
	int a = lr < 0 ? -lr : lr;

	if (lr == LASSO_DS_ERROR_SIGNATURE_NOT_FOUND)
		return SAML_UNSIGNED;
	if ((a >= 100 && a < 200) || lr == LASSO_PROFILE_ERROR_CANNOT_VERIFY_SIGNATURE ||
	    lr == LASSO_LOGIN_ERROR_INVALID_SIGNATURE)
		return SAML_BAD_SIGNATURE;
	return SAML_BAD_MESSAGE;
}

/* The checks every request of a service provider passes before lasso reads it: a known
 * issuer (its registration into sp) and an IssueInstant neither too old nor ahead of the
 * clock (read into *t). 0, -1, or the SAML_* refusal (*msg_err set for a bad message). */
static int
check_sender(struct store *s, struct arena *a, const char *issuer, const char *instant,
    int64_t now, struct saml_sp *sp, int *msg_err, int64_t *t)
{
	int rc = saml_sp_get(s, a, issuer, sp);

	*t = 0;
	if (rc != 0)
		return rc < 0 ? -1 : SAML_UNKNOWN_SP;
	if (saml_time_parse(instant, t) != 0) {
		*msg_err = SAML_MSG_NOT_AUTHN;
		return SAML_BAD_MESSAGE;
	}
	if (now - *t > SAML_REQUEST_AGE_MAX || *t - now > SAML_SKEW)
		return SAML_STALE;
	return 0;
}

int
saml_idp_read(struct store *s, struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k, const struct saml_in *in, int64_t now,
    struct saml_read *out)
{
	LassoServer *server = NULL;
	LassoLogin *login = NULL;
	char *xml, *dump = NULL;
	const char *binding;
	size_t n;
	int64_t t;
	bool must_sign;
	int rc, lr, res = -1;

	memset(out, 0, sizeof(*out));
	rc = saml_msg_decode(a, in->saml_request, in->binding, &xml, &n);
	if (rc == 0)
		rc = saml_authn_peek(a, xml, n, &out->authn);
	if (rc < 0)
		return -1;
	if (rc != 0) {
		out->msg_err = rc;
		return SAML_BAD_MESSAGE;
	}
	rc = check_sender(s, a, out->authn.issuer, out->authn.issue_instant, now, &out->sp,
	    &out->msg_err, &t);
	if (rc != 0)
		return rc;
	must_sign = saml_sp_wants_signed(out->sp.metadata);
	if (must_sign && !carries_signature(in, xml))
		return SAML_UNSIGNED;
	/* The ACS: one the metadata lists, for a binding portier answers with (before lasso,
	 * which refuses an unlisted one with an error of its own). */
	rc = saml_sp_acs(a, out->sp.metadata, out->authn.acs_url, out->authn.acs_index,
	    out->authn.protocol_binding, &out->acs_url, &binding);
	if (rc != 0)
		return rc < 0 ? -1 : SAML_BAD_ACS;
	out->artifact = strcmp(binding, SAML_BINDING_ARTIFACT_URI) == 0;
	server = server_for(a, entity_id, base_url, k, out->sp.metadata);
	login = server != NULL ? lasso_login_new(server) : NULL;
	if (login == NULL)
		goto done;
	lasso_profile_set_signature_verify_hint(LASSO_PROFILE(login), must_sign ?
	    LASSO_PROFILE_SIGNATURE_VERIFY_HINT_FORCE : LASSO_PROFILE_SIGNATURE_VERIFY_HINT_MAYBE);
	lr = lasso_login_process_authn_request_msg(login, in->binding == SAML_BINDING_REDIRECT ?
	    (char *)in->query : (char *)in->saml_request);
	if (lr != 0) {
		log_info(NULL, "saml: lasso refuses the request of %s: %s", out->authn.issuer,
		    lasso_strerror(lr));
		res = lasso_refusal(lr);
		if (res == SAML_BAD_MESSAGE)
			out->msg_err = SAML_MSG_LASSO;
		goto done;
	}
	if (must_sign && lasso_profile_get_signature_status(LASSO_PROFILE(login)) != 0) {
		res = SAML_BAD_SIGNATURE;
		goto done;
	}
	rc = saml_request_seen(s, out->authn.issuer, out->authn.id,
	    t + SAML_REQUEST_AGE_MAX + SAML_SKEW);
	if (rc != 0) {
		res = rc < 0 ? -1 : SAML_REPLAY;
		goto done;
	}
	dump = lasso_login_dump(login);
	out->dump = dump != NULL ? arena_strdup(a, dump) : NULL;
	res = out->dump != NULL ? SAML_OK : -1;
done:
	g_free(dump);
	if (login != NULL)
		g_object_unref(login);
	if (server != NULL)
		g_object_unref(server);
	return res;
}

static void
iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Adds an attribute (Name a URI) with its values to st. */
static int
attr_add(LassoSaml2AttributeStatement *st, const char *name, const char *friendly,
    const char *const *values, size_t n)
{
	LassoSaml2Attribute *at;

	if (n == 0 || values[0] == NULL)
		return 0;
	at = LASSO_SAML2_ATTRIBUTE(lasso_saml2_attribute_new());
	if (at == NULL)
		return -1;
	at->Name = g_strdup(name);
	at->NameFormat = g_strdup(LASSO_SAML2_ATTRIBUTE_NAME_FORMAT_URI);
	at->FriendlyName = g_strdup(friendly);
	for (size_t i = 0; i < n; i++) {
		LassoSaml2AttributeValue *v = lasso_saml2_attribute_value_new();
		LassoMiscTextNode *t = lasso_misc_text_node_new_with_string(values[i]);

		if (v == NULL || t == NULL)
			return -1;
		t->text_child = TRUE;   /* the value's text itself, no element around it */
		v->any = g_list_append(v->any, t);
		at->AttributeValue = g_list_append(at->AttributeValue, v);
	}
	st->Attribute = g_list_append(st->Attribute, at);
	return 0;
}

static int
attr1(LassoSaml2AttributeStatement *st, const char *name, const char *friendly,
    const char *value)
{
	const char *v[1] = { value };

	return value != NULL ? attr_add(st, name, friendly, v, 1) : 0;
}

/* The federation service's attributes as SAML attributes. */
static int
attributes(LassoSaml2Assertion *as, const struct fed_attrs *at)
{
	LassoSaml2AttributeStatement *st =
	    LASSO_SAML2_ATTRIBUTE_STATEMENT(lasso_saml2_attribute_statement_new());
	const struct access_profile_now *p = at->profile;

	if (st == NULL)
		return -1;
	as->AttributeStatement = g_list_append(as->AttributeStatement, st);
	if (attr1(st, "urn:oid:2.5.4.42", "givenName", at->first_name) != 0 ||
	    attr1(st, "urn:oid:2.5.4.4", "sn", at->last_name) != 0 ||
	    attr1(st, "urn:oid:2.16.840.1.113730.3.1.39", "preferredLanguage",
	    at->language) != 0 ||
	    attr1(st, "urn:oid:0.9.2342.19200300.100.1.3", "mail", at->email) != 0 ||
	    attr1(st, ATTR_PREFIX "national_number", "national_number",
	    at->national_number) != 0 ||
	    attr1(st, ATTR_PREFIX "organisation", "organisation",
	    p->enterprise != NULL && p->enterprise[0] != '\0' ? p->enterprise :
	    p->foreign_reg) != 0 ||
	    attr1(st, ATTR_PREFIX "organisation_name", "organisation_name", p->org_name) != 0 ||
	    attr1(st, ATTR_PREFIX "organisation_country", "organisation_country",
	    p->country) != 0 ||
	    attr1(st, ATTR_PREFIX "quality", "quality", p->quality) != 0 ||
	    attr1(st, ATTR_PREFIX "role", "role", p->role) != 0 ||
	    attr_add(st, ATTR_PREFIX "applications", "applications", at->apps,
	    at->n_apps) != 0)
		return -1;
	return 0;
}

/* The NameID: the pairwise subject (persistent) unless the request asked for a transient
 * one, which is random for each response. */
static int
name_id(LassoSaml2Assertion *as, LassoSamlp2AuthnRequest *req, const char *idp,
    const char *sp, const struct fed_attrs *at)
{
	const char *fmt = req != NULL && req->NameIDPolicy != NULL ?
	    req->NameIDPolicy->Format : NULL;
	LassoSaml2NameID *id;
	unsigned char raw[20];
	char tr[64];

	if (as->Subject == NULL)
		return -1;
	if (as->Subject->NameID == NULL)
		as->Subject->NameID = LASSO_SAML2_NAME_ID(lasso_saml2_name_id_new());
	id = as->Subject->NameID;
	if (id == NULL)
		return -1;
	g_free(id->content);
	g_free(id->Format);
	g_free(id->NameQualifier);
	g_free(id->SPNameQualifier);
	if (fmt != NULL && strcmp(fmt, NAMEID_TRANSIENT) == 0) {
		randombytes_buf(raw, sizeof(raw));
		tr[0] = '_';
		sodium_bin2hex(tr + 1, sizeof(tr) - 1, raw, sizeof(raw));
		id->content = g_strdup(tr);
		id->Format = g_strdup(NAMEID_TRANSIENT);
	} else {
		id->content = g_strdup(at->sub);
		id->Format = g_strdup(NAMEID_PERSISTENT);
	}
	id->NameQualifier = g_strdup(idp);
	id->SPNameQualifier = g_strdup(sp);
	return 0;
}

static int set_status(LassoProfile *pr, const char *top_value, const char *sub_value);
static const char *resign_post_ec(struct arena *a, const char *b64, const struct saml_keys *k);

/* For an SP registered with --encrypt-assertions, lasso encrypts the Assertion to the
 * encryption key of its metadata (EncryptedAssertion: AES-256-CBC, the key by RSA-OAEP),
 * when it writes the message, after the NameID and attributes are set. Without such a key
 * there is no answer rather than a clear one. 0 or -1. */
static int
encrypt_for(LassoServer *server, const struct saml_sp *sp)
{
	LassoProvider *p;

	if (!sp->encrypt_assertions)
		return 0;
	p = lasso_server_get_provider(server, sp->entity_id);
	if (p == NULL || !saml_sp_has_encryption_key(sp->metadata)) {
		log_err(NULL, "saml: %s: no encryption key for its encrypted assertions",
		    sp->entity_id);
		return -1;
	}
	lasso_provider_set_encryption_mode(p, LASSO_ENCRYPTION_MODE_ASSERTION);
	lasso_provider_set_encryption_sym_key_type(p, LASSO_ENCRYPTION_SYM_KEY_TYPE_AES_256);
	lasso_provider_set_key_encryption_method(p, LASSO_KEY_ENCRYPTION_METHOD_OAEP);
	return 0;
}

int
saml_idp_respond(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump, bool artifact,
    const struct saml_answer *ans, int64_t now, struct saml_out *out)
{
	LassoServer *server = server_for(a, entity_id, base_url, k, sp->metadata);
	LassoLogin *login = NULL;
	LassoProfile *pr;
	LassoSaml2Assertion *as;
	char auth_inst[32], nb[32], noa[32], *art = NULL, *msg = NULL;
	int rc = -1, lr;

	memset(out, 0, sizeof(*out));
	if (server == NULL || encrypt_for(server, sp) != 0)
		goto done;
	login = lasso_login_new_from_dump(server, dump);
	if (login == NULL)
		goto done;
	pr = LASSO_PROFILE(login);
	lr = lasso_login_validate_request_msg(login, TRUE, TRUE);
	/* lasso looks for a federation of its own for a persistent NameID: portier's is the
	 * pairwise subject, set below. Without NameIDPolicy (AllowCreate false, pysaml2's
	 * default) lasso has also set the status to FederationDoesNotExist: the answer is a
	 * success all the same (SAML core §3.4.1.1: the IdP chooses the format). */
	if (lr == LASSO_LOGIN_ERROR_FEDERATION_NOT_FOUND &&
	    set_status(pr, LASSO_SAML2_STATUS_CODE_SUCCESS, NULL) != 0)
		goto done;
	if (lr != 0 && lr != LASSO_LOGIN_ERROR_FEDERATION_NOT_FOUND) {
		log_err(NULL, "saml: validate: %s", lasso_strerror(lr));
		goto done;
	}
	iso_time(ans->auth_time, auth_inst);
	iso_time(now - 60, nb);
	iso_time(now + 300, noa);
	lr = lasso_login_build_assertion(login, saml_class_ref(ans->auth_level), auth_inst, NULL,
	    nb, noa);
	if (lr != 0 || pr->response == NULL ||
	    !LASSO_IS_SAMLP2_RESPONSE(pr->response) ||
	    LASSO_SAMLP2_RESPONSE(pr->response)->Assertion == NULL) {
		log_err(NULL, "saml: build assertion: %s", lasso_strerror(lr));
		goto done;
	}
	as = LASSO_SAML2_ASSERTION(LASSO_SAMLP2_RESPONSE(pr->response)->Assertion->data);
	if (name_id(as, LASSO_IS_SAMLP2_AUTHN_REQUEST(pr->request) ?
	    LASSO_SAMLP2_AUTHN_REQUEST(pr->request) : NULL, entity_id, sp->entity_id,
	    ans->attrs) != 0 || attributes(as, ans->attrs) != 0)
		goto done;
	if (artifact) {
		lr = lasso_login_build_artifact_msg(login, LASSO_HTTP_METHOD_ARTIFACT_GET);
		art = lasso_profile_get_artifact(pr);
		msg = lasso_profile_get_artifact_message(pr);
		if (lr != 0 || pr->msg_url == NULL || art == NULL || msg == NULL) {
			log_err(NULL, "saml: build artifact: %s", lasso_strerror(lr));
			goto done;
		}
		out->artifact = arena_strdup(a, art);
		out->artifact_message = arena_strdup(a, msg);
		if (out->artifact == NULL || out->artifact_message == NULL)
			goto done;
	} else {
		lr = lasso_login_build_authn_response_msg(login);
		if (lr != 0 || pr->msg_url == NULL || pr->msg_body == NULL) {
			log_err(NULL, "saml: build response: %s", lasso_strerror(lr));
			goto done;
		}
		/* lasso signs with RSA only: an SP signed with ECDSA has both signatures
		 * made again by xmlsec (at resolution for HTTP-Artifact). */
		out->response = sp->ecdsa ? resign_post_ec(a, pr->msg_body, k) :
		    arena_strdup(a, pr->msg_body);
		if (out->response == NULL)
			goto done;
	}
	out->acs_url = arena_strdup(a, pr->msg_url);
	if (pr->msg_relayState != NULL)
		out->relay_state = arena_strdup(a, pr->msg_relayState);
	/* lasso's Artifact GET address leaves the RelayState out: it goes back beside
	 * SAMLart (SAML bindings §3.6.3). */
	if (artifact && out->acs_url != NULL && out->relay_state != NULL &&
	    strstr(out->acs_url, "RelayState=") == NULL) {
		char *rs = g_uri_escape_string(out->relay_state, NULL, FALSE);

		out->acs_url = rs != NULL ? arena_printf(a, "%s%cRelayState=%s", out->acs_url,
		    strchr(out->acs_url, '?') != NULL ? '&' : '?', rs) : NULL;
		g_free(rs);
	}
	rc = out->acs_url != NULL ? 0 : -1;
done:
	g_free(art);
	g_free(msg);
	if (login != NULL)
		g_object_unref(login);
	if (server != NULL)
		g_object_unref(server);
	return rc;
}

/* Whether the SP's metadata holds a signing certificate (then its ArtifactResolve must be
 * signed). */
static bool
sp_has_key(const char *metadata)
{
	return strstr(metadata, "X509Certificate") != NULL;
}

/* The first child element of el named name in the namespace ns, or NULL. */
static xmlNode *
child_el(xmlNode *el, const char *ns, const char *name)
{
	for (xmlNode *c = el != NULL ? el->children : NULL; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
		    xmlStrcmp(c->ns->href, (const xmlChar *)ns) == 0 &&
		    xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return c;
	return NULL;
}

/* Signs el enveloped by its ID attribute (rsa-sha256, or ecdsa-sha256 with the EC key
 * when ec; exclusive c14n, sha256, the certificate in KeyInfo), the Signature right after
 * its Issuer as SAML core's schema wants; a Signature el had is removed first. */
static int
sign_el_alg(struct arena *a, xmlDoc *doc, xmlNode *el, const struct saml_keys *k, bool ec)
{
	const char *key = ec ? k->ec_key_pem : k->key_pem, *cert = ec ? k->ec_cert_pem :
	    k->cert_pem;
	xmlNode *old = child_el(el, "http://www.w3.org/2000/09/xmldsig#", "Signature");
	xmlNode *issuer = child_el(el, "urn:oasis:names:tc:SAML:2.0:assertion", "Issuer");
	xmlNode *sig = NULL, *ref, *ki;
	xmlAttr *id = xmlHasProp(el, (const xmlChar *)"ID");
	xmlSecDSigCtx *ctx = NULL;
	const char *uri;
	int rc = -1;

	if (id == NULL || id->children == NULL || id->children->content == NULL ||
	    issuer == NULL || key == NULL || cert == NULL)
		return -1;
	if (old != NULL) {
		xmlUnlinkNode(old);
		xmlFreeNode(old);
	}
	uri = arena_printf(a, "#%s", (const char *)id->children->content);
	if (uri == NULL || xmlAddID(NULL, doc, id->children->content, id) == NULL)
		return -1;
	sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId,
	    ec ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id, NULL);
	if (sig == NULL || xmlAddNextSibling(issuer, sig) == NULL) {
		xmlFreeNode(sig);
		return -1;
	}
	ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL,
	    (const xmlChar *)uri, NULL);
	ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	if (ref == NULL || ki == NULL ||
	    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) == NULL ||
	    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId) == NULL ||
	    xmlSecTmplKeyInfoAddX509Data(ki) == NULL)
		goto done;
	ctx = xmlSecDSigCtxCreate(NULL);
	if (ctx == NULL)
		goto done;
	ctx->signKey = xmlSecCryptoAppKeyLoadMemory((const xmlSecByte *)key,
	    (xmlSecSize)strlen(key), xmlSecKeyDataFormatPem, NULL, NULL, NULL);
	if (ctx->signKey == NULL ||
	    xmlSecCryptoAppKeyCertLoadMemory(ctx->signKey, (const xmlSecByte *)cert,
	    (xmlSecSize)strlen(cert), xmlSecKeyDataFormatPem) < 0 ||
	    xmlSecDSigCtxSign(ctx, sig) < 0)
		goto done;
	rc = 0;
done:
	if (ctx != NULL)
		xmlSecDSigCtxDestroy(ctx);
	return rc;
}

/* For an SP signed with ECDSA: the Assertion of Response r signed again with the EC key
 * (lasso signed it with RSA, its only choice); r is signed after. 0 or -1. */
static int
sign_assertion_ec(struct arena *a, xmlDoc *doc, xmlNode *r, const struct saml_keys *k)
{
	xmlNode *as = child_el(r, "urn:oasis:names:tc:SAML:2.0:assertion", "Assertion");

	return as != NULL ? sign_el_alg(a, doc, as, k, true) : -1;
}

/* The base64 Response b64 (HTTP-POST) with its Assertion and itself signed again with the
 * EC key (ecdsa-sha256), base64 in a; NULL on error. */
static const char *
resign_post_ec(struct arena *a, const char *b64, const struct saml_keys *k)
{
	gsize n = 0;
	guchar *raw = g_base64_decode(b64, &n);
	xmlDoc *doc = raw != NULL && n > 0 && n < INT32_MAX ?
	    xmlReadMemory((const char *)raw, (int)n, NULL, NULL, XML_PARSE_NONET) : NULL;
	xmlNode *r = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	xmlChar *out = NULL;
	gchar *enc = NULL;
	const char *res = NULL;
	int len = 0;

	if (r == NULL || sign_assertion_ec(a, doc, r, k) != 0 ||
	    sign_el_alg(a, doc, r, k, true) != 0)
		goto done;
	xmlDocDumpMemoryEnc(doc, &out, &len, "UTF-8");
	if (out == NULL || len <= 0)
		goto done;
	enc = g_base64_encode(out, (gsize)len);
	res = enc != NULL ? arena_strdup(a, enc) : NULL;
done:
	g_free(enc);
	xmlFree(out);
	xmlFreeDoc(doc);
	g_free(raw);
	return res;
}

/* lasso signs the ArtifactResponse and the Assertion but not the Response between them
 * (it keeps an unsigned dump for the artifact): the Response is signed here as for
 * HTTP-POST, then the ArtifactResponse again over it, so SPs that want a signed Response
 * (pysaml2's want_response_signed, its default) take it by either binding. NULL on error. */
static const char *
sign_artifact_response(struct arena *a, const char *soap, const struct saml_keys *k, bool ec)
{
	const char *sp2 = "urn:oasis:names:tc:SAML:2.0:protocol";
	xmlDoc *doc = xmlReadMemory(soap, (int)strlen(soap), NULL, NULL, XML_PARSE_NONET);
	xmlNode *body = doc != NULL ? child_el(xmlDocGetRootElement(doc),
	    "http://schemas.xmlsoap.org/soap/envelope/", "Body") : NULL;
	xmlNode *ar = child_el(body, sp2, "ArtifactResponse");
	xmlNode *r = child_el(ar, sp2, "Response");
	xmlChar *out = NULL;
	const char *res = NULL;
	int n = 0;

	if (r == NULL || (ec && sign_assertion_ec(a, doc, r, k) != 0) ||
	    sign_el_alg(a, doc, r, k, ec) != 0 || sign_el_alg(a, doc, ar, k, ec) != 0)
		goto done;
	xmlDocDumpMemoryEnc(doc, &out, &n, "UTF-8");
	if (out != NULL && n > 0)
		res = arena_strndup(a, (const char *)out, (size_t)n);
done:
	xmlFree(out);
	xmlFreeDoc(doc);
	return res;
}

int
saml_idp_resolve(struct store *s, struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k, const char *body, size_t n,
    int64_t now, const char **issuer, const char **soap)
{
	LassoServer *server = NULL;
	LassoLogin *login = NULL;
	LassoProfile *pr;
	struct saml_sp sp;
	const char *artifact, *message = NULL;
	bool must_sign;
	int rc, lr, res = -1;

	*issuer = *soap = NULL;
	if (body == NULL || saml_resolve_peek(a, body, n, issuer, &artifact) != 0)
		return SAML_BAD_MESSAGE;
	rc = saml_sp_get(s, a, *issuer, &sp);
	if (rc != 0)
		return rc < 0 ? -1 : SAML_UNKNOWN_SP;
	must_sign = sp_has_key(sp.metadata);
	server = server_for(a, entity_id, base_url, k, sp.metadata);
	login = server != NULL ? lasso_login_new(server) : NULL;
	if (login == NULL)
		goto done;
	pr = LASSO_PROFILE(login);
	lasso_profile_set_signature_verify_hint(pr, must_sign ?
	    LASSO_PROFILE_SIGNATURE_VERIFY_HINT_FORCE : LASSO_PROFILE_SIGNATURE_VERIFY_HINT_IGNORE);
	lr = lasso_login_process_request_msg(login, (char *)body);
	if (lr != 0) {
		log_info(NULL, "saml: lasso refuses the ArtifactResolve of %s: %s", *issuer,
		    lasso_strerror(lr));
		res = lasso_refusal(lr);
		goto done;
	}
	if (must_sign && lasso_profile_get_signature_status(pr) != 0) {
		res = SAML_BAD_SIGNATURE;
		goto done;
	}
	rc = saml_artifact_take(s, a, artifact, *issuer, now, &message);
	if (rc < 0)
		goto done;
	/* An unknown artifact gets an ArtifactResponse without a Response (SAML bindings
	 * §3.6.3): nothing tells the asker more. */
	if (message != NULL)
		lasso_profile_set_artifact_message(pr, message);
	lr = lasso_login_build_response_msg(login, (char *)*issuer);
	if (lr != 0 || pr->msg_body == NULL) {
		log_err(NULL, "saml: build ArtifactResponse: %s", lasso_strerror(lr));
		goto done;
	}
	*soap = message != NULL ? sign_artifact_response(a, pr->msg_body, k, sp.ecdsa) :
	    arena_strdup(a, pr->msg_body);
	res = *soap != NULL ? SAML_OK : -1;
done:
	if (login != NULL)
		g_object_unref(login);
	if (server != NULL)
		g_object_unref(server);
	return res;
}

/* The response's status: top, with sub beneath when not NULL (SAML core §3.2.2.2). */
static int
set_status(LassoProfile *pr, const char *top_value, const char *sub_value)
{
	LassoSamlp2StatusResponse *sr;
	LassoSamlp2StatusCode *top, *sub;

	if (pr->response == NULL || !LASSO_IS_SAMLP2_STATUS_RESPONSE(pr->response))
		return -1;
	sr = LASSO_SAMLP2_STATUS_RESPONSE(pr->response);
	if (sr->Status == NULL)
		sr->Status = LASSO_SAMLP2_STATUS(lasso_samlp2_status_new());
	top = LASSO_SAMLP2_STATUS_CODE(lasso_samlp2_status_code_new());
	sub = sub_value != NULL ? LASSO_SAMLP2_STATUS_CODE(lasso_samlp2_status_code_new()) :
	    NULL;
	if (sr->Status == NULL || top == NULL || (sub_value != NULL && sub == NULL))
		return -1;
	top->Value = g_strdup(top_value);
	if (sub != NULL)
		sub->Value = g_strdup(sub_value);
	top->StatusCode = sub;
	if (sr->Status->StatusCode != NULL)
		g_object_unref(sr->Status->StatusCode);
	sr->Status->StatusCode = top;
	return 0;
}

int
saml_idp_decline(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump,
    const char **acs_url, const char **response, const char **relay_state)
{
	LassoServer *server = server_for(a, entity_id, base_url, k, sp->metadata);
	LassoLogin *login = NULL;
	LassoProfile *pr;
	int rc = -1;

	*acs_url = *response = *relay_state = NULL;
	if (server == NULL || (login = lasso_login_new_from_dump(server, dump)) == NULL)
		goto done;
	pr = LASSO_PROFILE(login);
	/* Not authenticated: lasso sets the status (Responder, AuthnFailed); its return says
	 * so and is no error here. */
	(void)lasso_login_validate_request_msg(login, FALSE, FALSE);
	if (set_status(pr, LASSO_SAML2_STATUS_CODE_RESPONDER,
	    LASSO_SAML2_STATUS_CODE_AUTHN_FAILED) != 0 || lasso_login_build_authn_response_msg(login) != 0 ||
	    pr->msg_url == NULL ||
	    pr->msg_body == NULL)
		goto done;
	*acs_url = arena_strdup(a, pr->msg_url);
	*response = arena_strdup(a, pr->msg_body);
	if (pr->msg_relayState != NULL)
		*relay_state = arena_strdup(a, pr->msg_relayState);
	rc = *acs_url != NULL && *response != NULL ? 0 : -1;
done:
	if (login != NULL)
		g_object_unref(login);
	if (server != NULL)
		g_object_unref(server);
	return rc;
}

int
saml_slo_read(struct store *s, struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k, const struct saml_in *in, int64_t now,
    struct saml_slo *out)
{
	LassoServer *server = NULL;
	LassoLogout *logout = NULL;
	char *xml, *dump = NULL;
	size_t n;
	int64_t t;
	bool must_sign;
	int rc, lr, res = -1;

	memset(out, 0, sizeof(*out));
	rc = saml_msg_decode(a, in->saml_request, in->binding, &xml, &n);
	if (rc == 0)
		rc = saml_logout_peek(a, xml, n, &out->req);
	if (rc < 0)
		return -1;
	if (rc != 0) {
		out->msg_err = rc;
		return SAML_BAD_MESSAGE;
	}
	rc = check_sender(s, a, out->req.issuer, out->req.issue_instant, now, &out->sp,
	    &out->msg_err, &t);
	if (rc != 0)
		return rc;
	must_sign = sp_has_key(out->sp.metadata);
	if (must_sign && !carries_signature(in, xml))
		return SAML_UNSIGNED;
	server = server_for(a, entity_id, base_url, k, out->sp.metadata);
	logout = server != NULL ? lasso_logout_new(server) : NULL;
	if (logout == NULL)
		goto done;
	/* An SP without a certificate cannot sign: lasso would refuse for want of its key. */
	lasso_profile_set_signature_verify_hint(LASSO_PROFILE(logout), must_sign ?
	    LASSO_PROFILE_SIGNATURE_VERIFY_HINT_FORCE : LASSO_PROFILE_SIGNATURE_VERIFY_HINT_IGNORE);
	lr = lasso_logout_process_request_msg(logout, in->binding == SAML_BINDING_REDIRECT ?
	    (char *)in->query : (char *)in->saml_request);
	if (lr != 0) {
		log_info(NULL, "saml: lasso refuses the LogoutRequest of %s: %s", out->req.issuer,
		    lasso_strerror(lr));
		res = lasso_refusal(lr);
		if (res == SAML_BAD_MESSAGE)
			out->msg_err = SAML_MSG_LASSO;
		goto done;
	}
	rc = saml_request_seen(s, out->req.issuer, out->req.id,
	    t + SAML_REQUEST_AGE_MAX + SAML_SKEW);
	if (rc != 0) {
		res = rc < 0 ? -1 : SAML_REPLAY;
		goto done;
	}
	dump = lasso_logout_dump(logout);
	out->dump = dump != NULL ? arena_strdup(a, dump) : NULL;
	res = out->dump != NULL ? SAML_OK : -1;
done:
	g_free(dump);
	if (logout != NULL)
		g_object_unref(logout);
	if (server != NULL)
		g_object_unref(server);
	return res;
}

int
saml_slo_answer(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump, bool done_ok,
    struct saml_out *out)
{
	LassoServer *server = server_for(a, entity_id, base_url, k, sp->metadata);
	LassoLogout *logout = NULL;
	LassoProfile *pr;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (server == NULL || (logout = lasso_logout_new_from_dump(server, dump)) == NULL)
		goto done;
	pr = LASSO_PROFILE(logout);
	/* lasso keeps no session of its own here (portier's session is the one ended): its
	 * validation says so and builds the response, whose status portier sets. */
	(void)lasso_logout_validate_request(logout);
	if (set_status(pr, done_ok ? LASSO_SAML2_STATUS_CODE_SUCCESS :
	    LASSO_SAML2_STATUS_CODE_RESPONDER, NULL) != 0 ||
	    lasso_logout_build_response_msg(logout) != 0 || pr->msg_url == NULL)
		goto done;
	out->acs_url = arena_strdup(a, pr->msg_url);
	if (pr->msg_body != NULL)
		out->response = arena_strdup(a, pr->msg_body);
	if (pr->msg_relayState != NULL)
		out->relay_state = arena_strdup(a, pr->msg_relayState);
	rc = out->acs_url != NULL && (pr->msg_body == NULL || out->response != NULL) ? 0 : -1;
done:
	if (logout != NULL)
		g_object_unref(logout);
	if (server != NULL)
		g_object_unref(server);
	return rc;
}
