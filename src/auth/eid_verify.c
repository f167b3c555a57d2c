/* eid_verify.c — verification of an eID authentication certificate with OpenSSL:
 * chain to the configured anchors, dates, revocation, key usage and type, then the
 * holder's NISS (checksum checked) and names from the subject. */
#include "auth/eid.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/eid_internal.h"
#include "base/arena.h"
#include "base/msgid.h"
#include "base/utf8.h"
#include "be/be.h"

#define EXTRA_MAX 8               /* intermediates accepted from a client */
#define OCSP_TIMEOUT_DEFAULT 5

struct eid_verifier {
	X509_STORE *store;
	struct eid_crls *crls;
	enum eid_revocation revocation;
	char *ocsp_url;
	int ocsp_timeout;
};

/* what: a constant, kept as it is. */
static void
set_detail(struct eid_identity *id, const char *what)
{
	id->detail = what;
}

/* A formatted detail in a; EID_ERROR when a is full, else st. */
static enum eid_status __attribute__((format(printf, 4, 5)))
detail_printf(struct arena *a, struct eid_identity *id, enum eid_status st, const char *fmt,
    ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = arena_vprintf(a, fmt, ap);
	va_end(ap);
	if (d == NULL)
		return EID_ERROR;
	id->detail = d;
	return st;
}

/* Counts the certificates of a store (the anchors and intermediates loaded). */
static int
store_cert_count(X509_STORE *st)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(st);
	int n = 0;

	for (int i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) == X509_LU_X509)
			n++;
	return n;
}

int
eid_verifier_new(const struct eid_options *o, struct eid_verifier **out, char *err,
    size_t errlen)
{
	struct eid_verifier *v = calloc(1, sizeof(*v));

	*out = NULL;
	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	v->revocation = o->revocation;
	v->ocsp_timeout = o->ocsp_timeout > 0 ? o->ocsp_timeout : OCSP_TIMEOUT_DEFAULT;
	if (o->ocsp_url != NULL && o->ocsp_url[0] != '\0') {
		v->ocsp_url = strdup(o->ocsp_url);
		if (v->ocsp_url == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (o->trust == NULL || o->trust[0] == '\0') {
		snprintf(err, errlen, "eid_trust: no trust anchor file");
		goto fail;
	}
	v->store = X509_STORE_new();
	if (v->store == NULL || X509_STORE_load_file(v->store, o->trust) != 1 ||
	    store_cert_count(v->store) == 0) {
		snprintf(err, errlen, "eid_trust: cannot read certificates from %s", o->trust);
		goto fail;
	}
	if ((v->revocation == EID_REVOCATION_CRL || v->revocation == EID_REVOCATION_BOTH) &&
	    (o->crl == NULL || o->crl[0] == '\0')) {
		snprintf(err, errlen, "eid_revocation needs CRLs: set eid_crl (files or URLs)");
		goto fail;
	}
	if (eid_crls_new(o->crl ? o->crl : "", &v->crls, err, errlen) != 0)
		goto fail;
	ERR_clear_error();
	*out = v;
	return 0;
fail:
	ERR_clear_error();
	eid_verifier_free(v);
	return -1;
}

void
eid_verifier_free(struct eid_verifier *v)
{
	if (v == NULL)
		return;
	X509_STORE_free(v->store);
	eid_crls_free(v->crls);
	free(v->ocsp_url);
	free(v);
}

static void
hex(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && 2 * i + 2 < outlen; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * i] = '\0';
}

/* The first entry nid of name as UTF-8 into *out, copied into a. Returns 0, 1 (absent,
 * repeated or longer than max bytes) or -1 (not text, or a full). Control characters are
 * refused. */
static int
name_entry(const X509_NAME *name, int nid, struct arena *a, size_t max, const char **out)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1), n;
	unsigned char *utf8 = NULL;
	const X509_NAME_ENTRY *e;

	if (i < 0 || X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return 1;
	e = X509_NAME_get_entry(name, i);
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return -1;
	if (n == 0 || (size_t)n > max || !utf8_valid((const char *)utf8, (size_t)n)) {
		OPENSSL_free(utf8);
		return n == 0 || (size_t)n > max ? 1 : -1;
	}
	for (int k = 0; k < n; k++)
		if (utf8[k] < 0x20 || utf8[k] == 0x7f) {
			OPENSSL_free(utf8);
			return -1;
		}
	*out = arena_strndup(a, (const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return *out != NULL ? 0 : -1;
}

/* Serial, issuer and fingerprint: known for the audit even when the card is refused.
 * Returns 0, or -1 when a is full. */
static int
describe(X509 *leaf, struct arena *a, struct eid_identity *id)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(leaf);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	int rc = 0;

	if (h != NULL) {
		id->serial = arena_strdup(a, h);
		if (id->serial == NULL) {
			id->serial = "";
			rc = -1;
		}
	}
	OPENSSL_free(h);
	BN_free(bn);
	if (name_entry(X509_get_issuer_name(leaf), NID_commonName, a, EID_ISSUER_MAX,
	    &id->issuer) != 0)
		id->issuer = "";
	if (X509_digest(leaf, EVP_sha256(), md, &mdlen) == 1)
		hex(md, mdlen, id->fingerprint, sizeof(id->fingerprint));
	return rc;
}

static enum eid_status
map_verify_error(int e)
{
	switch (e) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return EID_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return EID_NOT_YET_VALID;
	case X509_V_ERR_CERT_REVOKED:
		return EID_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
		return EID_REVOCATION_UNKNOWN;
	case X509_V_ERR_OUT_OF_MEM:
		return EID_ERROR;
	default:
		return EID_UNTRUSTED;
	}
}

/* RSA of at least 2048 bits, or EC on a NIST curve the eID uses (P-384) or may use. */
static enum eid_status
check_key(X509 *leaf, struct arena *a, struct eid_identity *id)
{
	EVP_PKEY *pk = X509_get0_pubkey(leaf);
	char group[64] = "";

	if (pk == NULL) {
		set_detail(id, "unreadable public key");
		return EID_KEY_TYPE;
	}
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(pk) >= 2048)
			return EID_OK;
		set_detail(id, "RSA key shorter than 2048 bits");
		return EID_KEY_TYPE;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
		    sizeof(group), NULL) == 1 && (strcmp(group, "secp384r1") == 0 ||
		    strcmp(group, "prime256v1") == 0 || strcmp(group, "secp521r1") == 0))
			return EID_OK;
		return detail_printf(a, id, EID_KEY_TYPE, "EC key on curve '%s'", group);
	default:
		set_detail(id, "key neither RSA nor EC");
		return EID_KEY_TYPE;
	}
}

/* An authentication certificate: an end entity with digitalSignature, and clientAuth
 * when it lists extended key usages (the card's signature certificate has only
 * nonRepudiation and is refused here). */
static enum eid_status
check_usage(X509 *leaf, struct eid_identity *id)
{
	uint32_t flags = X509_get_extension_flags(leaf);
	uint32_t ku = X509_get_key_usage(leaf);

	if (flags & EXFLAG_INVALID) {
		set_detail(id, "invalid extensions");
		return EID_MALFORMED;
	}
	if (X509_check_ca(leaf) != 0) {
		set_detail(id, "a CA certificate, not a card");
		return EID_KEY_USAGE;
	}
	if (!(flags & EXFLAG_KUSAGE) || !(ku & KU_DIGITAL_SIGNATURE)) {
		set_detail(id, "no digitalSignature key usage");
		return EID_KEY_USAGE;
	}
	if ((flags & EXFLAG_XKUSAGE) &&
	    !(X509_get_extended_key_usage(leaf) & (XKU_SSL_CLIENT | XKU_ANYEKU))) {
		set_detail(id, "extended key usage without clientAuth");
		return EID_KEY_USAGE;
	}
	return EID_OK;
}

/* The holder from the subject: serialNumber = NISS (11 digits, checksum), SN, GN. */
static enum eid_status
read_subject(X509 *leaf, struct arena *a, struct eid_identity *id)
{
	const X509_NAME *subj = X509_get_subject_name(leaf);
	const char *serial = NULL, *last = NULL, *first = NULL;
	enum be_reason why;
	size_t n;

	if (name_entry(subj, NID_serialNumber, a, 31, &serial) != 0) {
		set_detail(id, "no serialNumber in the subject");
		return EID_NO_NISS;
	}
	n = strlen(serial);
	if (n != 11 || strspn(serial, "0123456789") != n) {
		set_detail(id, "serialNumber is not 11 digits");
		return EID_NO_NISS;
	}
	why = be_niss_parse(serial, NULL);
	if (why != BE_OK) {
		set_detail(id, why == BE_CHECKSUM ? "serialNumber is not a valid NISS (checksum)" :
		    why == BE_DATE ? "serialNumber is not a valid NISS (date)" :
		    why == BE_SEQUENCE ? "serialNumber is not a valid NISS (sequence)" :
		    "serialNumber is not a valid NISS (format)");
		return EID_BAD_NISS;
	}
	if (name_entry(subj, NID_surname, a, EID_NAME_MAX, &last) != 0 ||
	    name_entry(subj, NID_givenName, a, EID_NAME_MAX, &first) != 0) {
		set_detail(id, "SN or GN missing or unreadable");
		return EID_NAMES;
	}
	id->niss = serial;
	id->last_name = last;
	id->first_name = first;
	return EID_OK;
}

static bool
crl_wanted(const struct eid_verifier *v)
{
	return v->revocation == EID_REVOCATION_CRL || v->revocation == EID_REVOCATION_BOTH;
}

static bool
ocsp_wanted(const struct eid_verifier *v)
{
	return v->revocation == EID_REVOCATION_OCSP || v->revocation == EID_REVOCATION_BOTH;
}

static enum eid_status
verify_x509(struct eid_verifier *v, X509 *leaf, STACK_OF(X509) *extra, struct arena *a,
    struct eid_identity *id)
{
	X509_STORE_CTX *ctx = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	STACK_OF(X509) *chain = NULL;
	char ocsp[160] = "";      /* eid_ocsp_check's reason, a short constant-like line */
	enum eid_status st;
	int e;

	if (describe(leaf, a, id) != 0)
		return EID_ERROR;
	ctx = X509_STORE_CTX_new();
	if (ctx == NULL || X509_STORE_CTX_init(ctx, v->store, leaf, extra) != 1) {
		st = EID_ERROR;
		goto done;
	}
	if (crl_wanted(v)) {
		crls = eid_crls_get(v->crls);
		if (crls == NULL) {
			st = EID_ERROR;
			goto done;
		}
		X509_STORE_CTX_set0_crls(ctx, crls);
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_CRL_CHECK);
	}
	if (X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		st = detail_printf(a, id, map_verify_error(e), "%s (depth %d)",
		    X509_verify_cert_error_string(e), X509_STORE_CTX_get_error_depth(ctx));
		goto done;
	}
	st = check_usage(leaf, id);
	if (st == EID_OK)
		st = check_key(leaf, a, id);
	if (st != EID_OK)
		goto done;
	if (ocsp_wanted(v)) {
		chain = X509_STORE_CTX_get1_chain(ctx);
		if (chain == NULL || sk_X509_num(chain) < 2) {
			set_detail(id, "no issuer for OCSP");
			st = EID_REVOCATION_UNKNOWN;
			goto done;
		}
		st = eid_ocsp_check(leaf, sk_X509_value(chain, 1), chain, v->store, v->ocsp_url,
		    v->ocsp_timeout, ocsp, sizeof(ocsp));
		if (ocsp[0] != '\0' && (id->detail = arena_strdup(a, ocsp)) == NULL)
			st = EID_ERROR;
		if (st != EID_OK)
			goto done;
	}
	st = read_subject(leaf, a, id);
done:
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(ctx);
	if (crls != NULL)
		sk_X509_CRL_pop_free(crls, X509_CRL_free);
	ERR_clear_error();
	return st;
}

static enum eid_status
start(struct eid_verifier *v, struct eid_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->niss = id->last_name = id->first_name = id->serial = id->issuer = id->detail = "";
	if (v == NULL) {
		set_detail(id, "no trust anchors configured");
		return EID_NOT_CONFIGURED;
	}
	return EID_OK;
}

enum eid_status
eid_verify_der(struct eid_verifier *v, const unsigned char *der, size_t len,
    const unsigned char *const *extra, const size_t *extra_len, size_t n,
    struct arena *a, struct eid_identity *id)
{
	const unsigned char *p = der;
	STACK_OF(X509) *chain = NULL;
	X509 *leaf = NULL;
	enum eid_status st = start(v, id);

	if (st != EID_OK)
		return st;
	if (der == NULL || len == 0)
		return EID_NO_CERT;
	if (len <= EID_DER_MAX)
		leaf = d2i_X509(NULL, &p, (long)len);
	if (leaf == NULL || p != der + len) {
		set_detail(id, "not a DER certificate");
		st = EID_MALFORMED;
		goto done;
	}
	chain = sk_X509_new_null();
	if (chain == NULL) {
		st = EID_ERROR;
		goto done;
	}
	for (size_t i = 0; i < n && i < EXTRA_MAX; i++) {
		const unsigned char *q = extra[i];
		X509 *x = extra_len[i] <= EID_DER_MAX ? d2i_X509(NULL, &q, (long)extra_len[i]) :
		    NULL;

		if (x != NULL && sk_X509_push(chain, x) == 0)
			X509_free(x);
	}
	st = verify_x509(v, leaf, chain, a, id);
done:
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	ERR_clear_error();
	return st;
}

enum eid_status
eid_verify_pem(struct eid_verifier *v, const char *pem, size_t len, struct arena *a,
    struct eid_identity *id)
{
	STACK_OF(X509) *chain = NULL;
	X509 *leaf = NULL;
	BIO *b = NULL;
	enum eid_status st = start(v, id);

	if (st != EID_OK)
		return st;
	if (pem == NULL || len == 0)
		return EID_NO_CERT;
	if (len <= 4 * EID_DER_MAX)
		b = BIO_new_mem_buf(pem, (int)len);
	if (b != NULL)
		leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (leaf == NULL) {
		set_detail(id, "not a PEM certificate");
		st = EID_MALFORMED;
		goto done;
	}
	chain = sk_X509_new_null();
	if (chain == NULL) {
		st = EID_ERROR;
		goto done;
	}
	for (int i = 0; i < EXTRA_MAX; i++) {
		X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

		if (x == NULL)
			break;
		if (sk_X509_push(chain, x) == 0) {
			X509_free(x);
			break;
		}
	}
	st = verify_x509(v, leaf, chain, a, id);
done:
	sk_X509_pop_free(chain, X509_free);
	X509_free(leaf);
	BIO_free(b);
	ERR_clear_error();
	return st;
}

enum eid_status
eid_check_possession(const unsigned char *der, size_t len, const unsigned char *challenge,
    size_t clen, const unsigned char *sig, size_t slen)
{
	const unsigned char *p = der;
	X509 *x = len <= EID_DER_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY *pk;
	enum eid_status st = EID_POSSESSION;

	if (x == NULL) {
		st = EID_MALFORMED;
		goto done;
	}
	pk = X509_get0_pubkey(x);
	md = EVP_MD_CTX_new();
	if (pk == NULL || md == NULL) {
		st = EID_ERROR;
		goto done;
	}
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_DigestVerify(md, sig, slen, challenge, clen) == 1)
		st = EID_OK;
done:
	EVP_MD_CTX_free(md);
	X509_free(x);
	ERR_clear_error();
	return st;
}

static const struct {
	enum eid_status st;
	const char *reason;
	const char *msgid;
} texts[] = {
	{ EID_OK, "ok", NULL },      /* nothing to explain */
	{ EID_NO_CERT, "no certificate",
	    N_("Aucun certificat n'a été présenté. Insérez votre carte d'identité dans le lecteur, "
	    "puis réessayez.") },
	{ EID_MALFORMED, "malformed certificate", N_("Le certificat présenté est illisible.") },
	{ EID_UNTRUSTED, "untrusted issuer",
	    N_("Le certificat présenté n'a pas été émis par une autorité reconnue pour la carte "
	    "d'identité électronique.") },
	{ EID_EXPIRED, "expired",
	    N_("Le certificat de votre carte d'identité a expiré. Adressez-vous à votre commune "
	    "pour renouveler votre carte.") },
	{ EID_NOT_YET_VALID, "not yet valid",
	    N_("Le certificat de votre carte d'identité n'est pas encore valide.") },
	{ EID_REVOKED, "revoked",
	    N_("Le certificat de votre carte d'identité a été révoqué. Adressez-vous à votre "
	    "commune.") },
	{ EID_REVOCATION_UNKNOWN, "revocation status unknown",
	    N_("La validité de votre carte n'a pas pu être vérifiée pour le moment. Réessayez "
	    "plus tard.") },
	{ EID_KEY_USAGE, "not an authentication certificate",
	    N_("Ce certificat ne sert pas à l'authentification. Choisissez le certificat "
	    "d'authentification de votre carte.") },
	{ EID_KEY_TYPE, "key type refused",
	    N_("Le type de clé de ce certificat n'est pas accepté.") },
	{ EID_NO_NISS, "no NISS",
	    N_("Le certificat ne contient pas de numéro de registre national valide.") },
	{ EID_BAD_NISS, "invalid NISS",
	    N_("Le certificat ne contient pas de numéro de registre national valide.") },
	{ EID_NAMES, "names missing",
	    N_("Le certificat ne contient pas le nom et le prénom du titulaire.") },
	{ EID_PROXY_UNTRUSTED, "certificate header from an untrusted address",
	    N_("Un certificat transmis par un intermédiaire non autorisé a été refusé.") },
	{ EID_POSSESSION, "no proof of possession",
	    N_("La carte n'a pas pu prouver qu'elle détient la clé de son certificat.") },
	{ EID_NOT_CONFIGURED, "not configured",
	    N_("La connexion avec la carte d'identité électronique n'est pas configurée sur ce "
	    "serveur.") },
	{ EID_ERROR, "internal error",
	    N_("Une erreur inattendue s'est produite. Veuillez réessayer plus tard.") },
};

const char *
eid_status_msgid(enum eid_status st)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].st == st && texts[i].msgid != NULL)
			return texts[i].msgid;
	return texts[sizeof(texts) / sizeof(texts[0]) - 1].msgid;
}

const char *
eid_status_reason(enum eid_status st)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].st == st)
			return texts[i].reason;
	return "internal error";
}

int
eid_revocation_parse(const char *s, enum eid_revocation *out)
{
	static const char *const names[] = { "off", "crl", "ocsp", "both" };

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum eid_revocation)i;
			return 0;
		}
	return -1;
}
