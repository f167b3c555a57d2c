/* sp.c — the service providers, registered from their metadata (issue 14 part 3): each
 * linked to a secured application of the catalogue, like an OpenID client; every change
 * audited. Their AssertionConsumerService addresses are read here, from the metadata
 * portier holds, never taken from a request. */
#include "saml/saml.h"

#include <lasso/lasso.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/jsontext.h"
#include "fed/profiles.h"
#include "policy/actor.h"
#include "saml/sql.h"

#define NS_MD "urn:oasis:names:tc:SAML:2.0:metadata"
#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define B_POST "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
#define B_ARTIFACT "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
#define B_REDIRECT_SLO "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"

static bool
is(const xmlNode *e, const char *name)
{
	return e != NULL && e->type == XML_ELEMENT_NODE && e->ns != NULL &&
	    strcmp((const char *)e->ns->href, NS_MD) == 0 &&
	    strcmp((const char *)e->name, name) == 0;
}

/* The metadata read by libxml2 (declarations refused first), or NULL. */
static xmlDoc *
md_read(const char *metadata, size_t n)
{
	if (n == 0 || n > SAML_METADATA_MAX || saml_xml_plain(metadata, n) != 0)
		return NULL;
	return xmlReadMemory(metadata, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The SPSSODescriptor of the EntityDescriptor root, or NULL. */
static const xmlNode *
md_sp(const xmlDoc *doc)
{
	const xmlNode *root = xmlDocGetRootElement(doc);

	if (!is(root, "EntityDescriptor"))
		return NULL;
	for (const xmlNode *c = root->children; c != NULL; c = c->next)
		if (is(c, "SPSSODescriptor"))
			return c;
	return NULL;
}

static char *
prop(struct arena *a, const xmlNode *e, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(e, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = a != NULL ? arena_strdup(a, (const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static bool
prop_is(const xmlNode *e, const char *name, const char *want)
{
	xmlChar *v = xmlGetNoNsProp(e, (const xmlChar *)name);
	bool eq = v != NULL && strcmp((const char *)v, want) == 0;

	xmlFree(v);
	return eq;
}

static bool
usable_binding(const xmlNode *acs)
{
	return prop_is(acs, "Binding", B_POST) || prop_is(acs, "Binding", B_ARTIFACT);
}

int
saml_sp_acs(struct arena *a, const char *metadata, const char *acs_url, int index,
    const char *want, const char **location, const char **binding)
{
	xmlDoc *doc = md_read(metadata, strlen(metadata));
	const xmlNode *sp = doc != NULL ? md_sp(doc) : NULL, *pick = NULL, *first = NULL;
	char idx[16];
	int rc = 1;

	if (sp == NULL)
		goto done;
	snprintf(idx, sizeof(idx), "%d", index);
	for (const xmlNode *c = sp->children; c != NULL; c = c->next) {
		if (!is(c, "AssertionConsumerService") || !usable_binding(c))
			continue;
		if (acs_url != NULL) {
			/* Exactly as listed: no prefix, no normalisation. */
			/* The binding asked for (ProtocolBinding) when the metadata lists it at
			 * this address, else HTTP-POST, else what is there. */
			if (prop_is(c, "Location", acs_url) && (pick == NULL ||
			    (want != NULL && prop_is(c, "Binding", want)) ||
			    (!(want != NULL && prop_is(pick, "Binding", want)) &&
			    prop_is(c, "Binding", B_POST))))
				pick = c;
		} else if (index >= 0) {
			if (prop_is(c, "index", idx))
				pick = c;
		} else if (prop_is(c, "isDefault", "true") && pick == NULL) {
			pick = c;
		}
		if (first == NULL)
			first = c;
	}
	if (pick == NULL && acs_url == NULL && index < 0)
		pick = first;
	if (pick != NULL) {
		*location = prop(a, pick, "Location");
		*binding = prop(a, pick, "Binding");
		rc = *location != NULL && *binding != NULL ? 0 : -1;
	}
done:
	xmlFreeDoc(doc);
	return rc;
}

/* Whether an element below e (depth first) is a ds:X509Certificate with a text. */
static bool
has_cert(const xmlNode *e)
{
	for (const xmlNode *c = e->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns != NULL && strcmp((const char *)c->ns->href, NS_DS) == 0 &&
		    strcmp((const char *)c->name, "X509Certificate") == 0 &&
		    c->children != NULL)
			return true;
		if (has_cert(c))
			return true;
	}
	return false;
}

/* The AttributeConsumingService an SP's metadata holds: the default one, else the first. */
static const xmlNode *
md_acs_service(const xmlNode *sp)
{
	const xmlNode *first = NULL;

	for (const xmlNode *c = sp->children; c != NULL; c = c->next) {
		if (!is(c, "AttributeConsumingService"))
			continue;
		if (prop_is(c, "isDefault", "true"))
			return c;
		if (first == NULL)
			first = c;
	}
	return first;
}

const char *
saml_sp_requested(struct arena *a, const char *metadata)
{
	xmlDoc *doc = md_read(metadata, strlen(metadata));
	const xmlNode *sp = doc != NULL ? md_sp(doc) : NULL;
	const xmlNode *svc = sp != NULL ? md_acs_service(sp) : NULL;
	struct buf b;
	const char *out = NULL;

	buf_init(&b, SAML_METADATA_MAX);
	for (const xmlNode *c = svc != NULL ? svc->children : NULL; c != NULL; c = c->next) {
		char *name;

		if (!is(c, "RequestedAttribute") || (name = prop(a, c, "Name")) == NULL ||
		    name[0] == '\0' || strchr(name, '\n') != NULL)
			continue;
		if ((b.len > 0 && buf_putc(&b, '\n') != 0) || buf_puts(&b, name) != 0)
			goto done;
	}
	if (b.len > 0)
		out = arena_strndup(a, (const char *)b.data, b.len);
done:
	buf_free(&b);
	xmlFreeDoc(doc);
	return out;
}

int
saml_sp_slo(struct arena *a, const char *metadata, const char **location, const char **binding)
{
	static const char *const order[] = {
		"urn:oasis:names:tc:SAML:2.0:bindings:SOAP", B_REDIRECT_SLO, B_POST,
	};
	xmlDoc *doc = md_read(metadata, strlen(metadata));
	const xmlNode *sp = doc != NULL ? md_sp(doc) : NULL;
	int rc = 1;

	for (size_t i = 0; sp != NULL && rc == 1 && i < sizeof(order) / sizeof(order[0]); i++)
		for (const xmlNode *c = sp->children; c != NULL; c = c->next) {
			if (!is(c, "SingleLogoutService") || !prop_is(c, "Binding", order[i]))
				continue;
			*location = prop(a, c, "Location");
			*binding = order[i];
			rc = *location != NULL ? 0 : -1;
			break;
		}
	xmlFreeDoc(doc);
	return rc;
}

bool
saml_sp_has_encryption_key(const char *metadata)
{
	xmlDoc *doc = md_read(metadata, strlen(metadata));
	const xmlNode *sp = doc != NULL ? md_sp(doc) : NULL;
	bool yes = false;

	/* SAML metadata §2.4.1.1: a KeyDescriptor without use serves both signing and
	 * encryption. */
	for (const xmlNode *c = sp != NULL ? sp->children : NULL; c != NULL && !yes; c = c->next)
		if (is(c, "KeyDescriptor") && (prop_is(c, "use", "encryption") ||
		    !xmlHasProp(c, (const xmlChar *)"use")))
			yes = has_cert(c);
	xmlFreeDoc(doc);
	return yes;
}

bool
saml_sp_wants_signed(const char *metadata)
{
	xmlDoc *doc = md_read(metadata, strlen(metadata));
	const xmlNode *sp = doc != NULL ? md_sp(doc) : NULL;
	bool yes = sp != NULL && (prop_is(sp, "AuthnRequestsSigned", "true") ||
	    prop_is(sp, "AuthnRequestsSigned", "1"));

	xmlFreeDoc(doc);
	return yes;
}

int
saml_sp_check(struct arena *a, const char *metadata, size_t n, const char **entity_id,
    char *err, size_t errlen)
{
	LassoProvider *p = NULL;
	xmlDoc *doc;
	const xmlNode *sp;
	const char *loc, *bind;
	int rc = 1;

	*entity_id = NULL;
	if (saml_init() != 0)
		return -1;
	if (n > SAML_METADATA_MAX) {
		snprintf(err, errlen, "metadata larger than %d bytes", SAML_METADATA_MAX);
		return 1;
	}
	if (saml_xml_plain(metadata, n) != 0) {
		snprintf(err, errlen, "metadata with a DOCTYPE or entity declaration");
		return 1;
	}
	doc = md_read(metadata, n);
	sp = doc != NULL ? md_sp(doc) : NULL;
	if (sp == NULL) {
		snprintf(err, errlen, "not an EntityDescriptor with an SPSSODescriptor");
		goto done;
	}
	*entity_id = prop(a, xmlDocGetRootElement(doc), "entityID");
	if (*entity_id == NULL || (*entity_id)[0] == '\0' ||
	    strlen(*entity_id) > SAML_ENTITY_MAX) {
		snprintf(err, errlen, "no entityID (1 to %d bytes)", SAML_ENTITY_MAX);
		goto done;
	}
	if (saml_sp_acs(a, metadata, NULL, -1, NULL, &loc, &bind) != 0) {
		snprintf(err, errlen, "no AssertionConsumerService with HTTP-POST or "
		    "HTTP-Artifact");
		goto done;
	}
	/* lasso must read it too, as it will for each request. */
	p = lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_SP, metadata, NULL, NULL);
	if (p == NULL || p->ProviderID == NULL || strcmp(p->ProviderID, *entity_id) != 0) {
		snprintf(err, errlen, "lasso cannot read this metadata");
		goto done;
	}
	rc = 0;
done:
	if (p != NULL)
		g_object_unref(p);
	xmlFreeDoc(doc);
	return rc;
}

static int
audit_sp(struct store_tx *tx, const char *actor, const char *action, const char *entity_id,
    const char *application)
{
	char details[SAML_ENTITY_MAX * 2 + 128];
	struct audit_event ev = {
		.actor = actor, .actor_role = "system", .object = "saml:sp", .action = action,
		.details = details,
	};

	if (json_text(details, sizeof(details), "{s:s, s:s}", "entity_id", entity_id,
	    "application", application != NULL ? application : "") != 0)
		return -1;
	return audit_append(tx, &ev);
}

int
saml_sp_add(struct store *s, const char *metadata, const char *source,
    const char *application, int min_level, bool allow_nn, bool encrypt, bool ecdsa,
    const char *actor, char *entity_id_out,
    size_t entity_max, char *err, size_t errlen)
{
	struct arena *a = arena_new(SAML_METADATA_MAX * 4);
	struct store_tx *tx = NULL;
	struct access_app app;
	const char *entity;
	int rc = -1, x;

	if (a == NULL)
		return -1;
	rc = saml_sp_check(a, metadata, strlen(metadata), &entity, err, errlen);
	if (rc != 0)
		goto done;
	if (encrypt && !saml_sp_has_encryption_key(metadata)) {
		snprintf(err, errlen, "--encrypt-assertions: the metadata has no encryption key "
		    "(KeyDescriptor use=\"encryption\" or without use, with an X509Certificate)");
		rc = 1;
		goto done;
	}
	if (encrypt && ecdsa) {
		snprintf(err, errlen, "--encrypt-assertions and --sig-alg ecdsa-sha256 together: "
		    "lasso encrypts before portier could sign with ECDSA");
		rc = 1;
		goto done;
	}
	rc = fed_app_get(s, a, application, &app);
	if (rc == 1)
		snprintf(err, errlen, "no application '%s' in the catalogue", application);
	if (rc != 0)
		goto done;
	rc = -1;
	if (min_level < 1 || min_level > 3 || strlen(entity) >= entity_max ||
	    (ecdsa && saml_keys_ensure_ec(s) != 0))
		goto done;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	x = store_exec_try(tx, SQL_SAML_SP_INSERT, "ttttiiiitt", entity, application, metadata,
	    source, (int64_t)min_level, clock_time(), (int64_t)(allow_nn ? 1 : 0),
	    (int64_t)(encrypt ? 1 : 0), ecdsa ? "ecdsa-sha256" : "rsa-sha256",
	    saml_sp_requested(a, metadata));
	if (x == -2) {
		rc = -2;
		goto done;
	}
	if (x != 1 || audit_sp(tx, actor, "sp.add", entity, application) != 0 ||
	    store_commit(&tx) != 0)
		goto done;
	memcpy(entity_id_out, entity, strlen(entity) + 1);
	rc = 0;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

int
saml_sp_get(struct store *s, struct arena *a, const char *entity_id, struct saml_sp *out)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_SAML_SP_GET, &q, "t", entity_id) != 0)
		goto done;
	step = store_next(q);
	if (step < 0)
		goto done;
	rc = 1;
	if (step == 1) {
		out->entity_id = arena_strdup(a, store_text(q, SAML_SP_GET_ENTITY_ID));
		out->application = arena_strdup(a, store_text(q, SAML_SP_GET_APPLICATION));
		out->metadata = arena_strdup(a, store_text(q, SAML_SP_GET_METADATA));
		out->source = arena_strdup(a, store_text(q, SAML_SP_GET_SOURCE));
		out->min_level = (int)store_int(q, SAML_SP_GET_MIN_LEVEL);
		out->allow_national_number = store_int(q, SAML_SP_GET_ALLOW_NN) != 0;
		out->encrypt_assertions = store_int(q, SAML_SP_GET_ENCRYPT) != 0;
		out->ecdsa = store_text(q, SAML_SP_GET_SIG_ALG) != NULL &&
		    strcmp(store_text(q, SAML_SP_GET_SIG_ALG), "ecdsa-sha256") == 0;
		out->requested = store_null(q, SAML_SP_GET_REQUESTED) ? NULL :
		    arena_strdup(a, store_text(q, SAML_SP_GET_REQUESTED));
		rc = out->entity_id && out->application && out->metadata && out->source ? 0 : -1;
	}
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}

int
saml_sp_list(struct store *s, int (*fn)(void *arg, const struct saml_sp *sp), void *arg)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int rc = -1, step;

	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_SAML_SP_LIST, &q, "") != 0)
		goto done;
	while ((step = store_next(q)) == 1) {
		struct saml_sp sp = {
			.entity_id = store_text(q, SAML_SP_LIST_ENTITY_ID),
			.application = store_text(q, SAML_SP_LIST_APPLICATION),
			.source = store_text(q, SAML_SP_LIST_SOURCE),
			.min_level = (int)store_int(q, SAML_SP_LIST_MIN_LEVEL),
			.created_at = store_int(q, SAML_SP_LIST_CREATED_AT),
			.refreshed_at = store_int(q, SAML_SP_LIST_REFRESHED_AT),
			.allow_national_number = store_int(q, SAML_SP_LIST_ALLOW_NN) != 0,
			.encrypt_assertions = store_int(q, SAML_SP_LIST_ENCRYPT) != 0,
			.ecdsa = store_text(q, SAML_SP_LIST_SIG_ALG) != NULL &&
			    strcmp(store_text(q, SAML_SP_LIST_SIG_ALG), "ecdsa-sha256") == 0,
		};

		if (fn(arg, &sp) != 0)
			break;
	}
	rc = step < 0 ? -1 : 0;
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}

int
saml_sp_remove(struct store *s, const char *entity_id, const char *actor)
{
	struct store_tx *tx = NULL;
	int rc = -1, n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	n = store_exec(tx, SQL_SAML_SP_DELETE, "t", entity_id);
	if (n < 0)
		goto done;
	if (n == 0) {
		rc = 1;
		goto done;
	}
	if (audit_sp(tx, actor, "sp.remove", entity_id, NULL) != 0 || store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	return rc;
}

int
saml_sp_refresh(struct store *s, const char *entity_id, const char *metadata,
    const char *actor, char *err, size_t errlen)
{
	struct arena *a = arena_new(SAML_METADATA_MAX * 4);
	struct store_tx *tx = NULL;
	struct saml_sp sp;
	const char *entity;
	int rc = -1, n;

	if (a == NULL)
		return -1;
	rc = saml_sp_check(a, metadata, strlen(metadata), &entity, err, errlen);
	if (rc != 0)
		goto done;
	rc = 1;
	if (strcmp(entity, entity_id) != 0) {
		snprintf(err, errlen, "the metadata names another entity (%s)", entity);
		goto done;
	}
	rc = saml_sp_get(s, a, entity_id, &sp);
	if (rc == 1)
		rc = 2;
	if (rc != 0)
		goto done;
	if (sp.encrypt_assertions && !saml_sp_has_encryption_key(metadata)) {
		snprintf(err, errlen, "the SP's Assertions are encrypted and this metadata has "
		    "no encryption key");
		rc = 1;
		goto done;
	}
	rc = -1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	n = store_exec(tx, SQL_SAML_SP_REFRESH, "ttit", entity_id, metadata, clock_time(),
	    saml_sp_requested(a, metadata));
	if (n < 0)
		goto done;
	if (n == 0) {
		rc = 2;
		goto done;
	}
	if (audit_sp(tx, actor, "sp.refresh", entity_id, NULL) != 0 || store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

int
saml_audit(struct store *s, const char *action, const char *entity_id, int64_t person_id,
    const char *enterprise, const char *reason, const struct actor *ctx)
{
	char actor[24], details[600], entity[257];
	struct store_tx *tx = NULL;
	struct audit_event ev = {
		.actor = NULL, .actor_role = "person", .object = "saml:sso", .action = action,
		.details = details, .org = enterprise != NULL && enterprise[0] ? enterprise : NULL,
		.source = ctx != NULL ? ctx->source : NULL,
		.request_id = ctx != NULL ? ctx->request_id : NULL,
	};
	size_t n = entity_id != NULL ? strlen(entity_id) : 0;
	int rc = -1;

	if (n > sizeof(entity) - 1)
		n = sizeof(entity) - 1;
	memcpy(entity, entity_id != NULL ? entity_id : "", n);
	entity[n] = '\0';
	if (person_id > 0) {
		snprintf(actor, sizeof(actor), "%lld", (long long)person_id);
		ev.actor = actor;
	}
	/* json_text refuses a text that is not UTF-8 (an issuer cut mid-character, or sent
	 * so): the event then names the issuer "?". */
	if (json_text(details, sizeof(details), "{s:s, s:s}", "entity_id", entity, "reason",
	    reason != NULL ? reason : "") != 0 &&
	    json_text(details, sizeof(details), "{s:s, s:s}", "entity_id", "?", "reason",
	    reason != NULL ? reason : "") != 0)
		return -1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (audit_append(tx, &ev) == 0 && store_commit(&tx) == 0)
		rc = 0;
	store_rollback(&tx);
	return rc;
}
