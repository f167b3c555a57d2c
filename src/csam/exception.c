/* exception.c — requests of the exception procedure: every field checked (the Belgian
 * enterprise against the registry), the requester with an eID card or a Belgian domicile
 * sent to the standard procedure, a reference nobody can guess, a download key only the
 * requester's browser holds (stored as a hash), the same form posted twice stored once. */
#include "csam/exception.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access/org.h"
#include "access/org_id.h"
#include "base/clock.h"
#include "base/jsontext.h"
#include "base/log.h"
#include "base/msgid.h"
#include "be/be.h"
#include "csam/internal.h"
#include "csam/sql.h"
#include "mail/mail.h"
#include "registry/registry.h"
#include "value/value.h"

#define REF_TRIES 8

/* 32 symbols without look-alikes (no I, O, 0, 1), as the activation codes. */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

bool
csam_reference_parse(const char *s, char out[CSAM_REFERENCE_MAX])
{
	char sym[8];
	size_t n = 0;

	if (s == NULL || strlen(s) > 40)
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (p == s || (p == s + 1 && s[0] != '-')) {
			/* the "EX" prefix */
			if ((p == s && c != 'E') || (p == s + 1 && c != 'X'))
				return false;
			continue;
		}
		if (n == sizeof(sym) || strchr(alphabet, c) == NULL || c == '\0')
			return false;
		sym[n++] = c;
	}
	if (n != sizeof(sym))
		return false;
	snprintf(out, CSAM_REFERENCE_MAX, "EX-%.4s-%.4s", sym, sym + 4);
	return true;
}

static void
reference_new(char out[CSAM_REFERENCE_MAX])
{
	char sym[9];

	for (int i = 0; i < 8; i++)
		sym[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	sym[8] = '\0';
	snprintf(out, CSAM_REFERENCE_MAX, "EX-%.4s-%.4s", sym, sym + 4);
}

static void
key_hash(const char *key, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)key, strlen(key), NULL, 0);
}

static bool
yes_no(const char *v)
{
	return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0);
}

static bool
is_yes(const char *v)
{
	return v != NULL && strcmp(v, "yes") == 0;
}

static bool
one_of(const char *v, const char *const *list)
{
	for (; v != NULL && *list != NULL; list++)
		if (strcmp(v, *list) == 0)
			return true;
	return false;
}

static bool
empty(const char *v)
{
	return v == NULL || v[0] == '\0';
}

/* A required text of at most max characters; the ACCESS_NAME_MAX fields are the names of
 * persons (VALUE_PERSON_NAME, as everywhere a person's name is typed). */
static void
text(struct access_errors *err, const char *field, const char *v, size_t max,
    const char *missing)
{
	enum value_type t = max == ACCESS_NAME_MAX ? VALUE_PERSON_NAME : VALUE_TEXT;

	if (empty(v))
		access_error_add(err, field, missing);
	else if (!value_ok(t, v, max))
		access_error_add(err, field, max == ACCESS_NAME_MAX ? N_("100 caractères au plus, sans "
		    "caractère de contrôle ni < ou >.") : max == CSAM_COMPANY_MAX ? N_("200 caractères au "
		    "plus, sans caractère de contrôle.") : max == CSAM_ADDRESS_MAX ? N_("300 "
		    "caractères au plus, sans caractère de contrôle.") : N_("64 caractères au "
		    "plus, sans caractère de contrôle."));
}

static void
country(struct access_errors *err, const char *field, const char *v)
{
	if (empty(v))
		access_error_add(err, field, N_("Choisissez un pays."));
	else if (csam_country(v) == NULL)
		access_error_add(err, field, N_("Choisissez un pays de la liste."));
}

/* The Belgian enterprise of cases rep_abroad and rep_company, checked in the registry;
 * *number receives its 10 digits in a. */
static int
check_enterprise(struct store_tx *tx, struct arena *a, const struct actor *who,
    const struct csam_exc_form *f, const char **number, struct reg_enterprise *re,
    struct access_errors *err)
{
	char digits[11];
	enum be_reason br = empty(f->enterprise) ? BE_EMPTY : strlen(f->enterprise) >
	    CSAM_TYPED_MAX ? BE_LENGTH : be_enterprise_parse(f->enterprise, digits);
	int64_t org;
	int rc;

	if (br != BE_OK) {
		access_error_add(err, "enterprise", br == BE_EMPTY ? N_("Introduisez le numéro "
		    "d'entreprise.") : be_reason_msgid(br));
		return 1;
	}
	*number = csam_text(a, digits);
	if (*number == NULL)
		return -1;
	rc = registry_enterprise(tx, a, *number, who->lang, re);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		access_error_add(err, "enterprise", N_("Ce numéro d'entreprise est inconnu de la "
		    "Banque-Carrefour des Entreprises."));
		return 1;
	}
	if (!re->active) {
		access_error_add(err, "enterprise", N_("Cette entreprise n'est pas active dans la "
		    "Banque-Carrefour des Entreprises : elle ne peut pas être enregistrée."));
		return 1;
	}
	org = org_by_enterprise(tx, *number);
	if (org < 0)
		return -1;
	if (org > 0) {
		access_error_add(err, "enterprise", N_("Cette entreprise est déjà enregistrée : son "
		    "Gestionnaire d'Accès Principal peut désigner des co-gestionnaires, et un "
		    "représentant légal peut le remplacer."));
		return 1;
	}
	return 0;
}

/* The typed values after the checks, as stored (texts in the arena of validate). */
struct clean {
	const char *number;          /* the Belgian enterprise, or "" */
	const char *rep_number;      /* the representing company's number (10 digits if BE) */
	const char *niss;            /* 11 digits, or "" */
	const char *company_country, *company_name, *company_reg, *company_address;
	const char *rep_kind;
	const char *id_type, *id_value;   /* no_number: the identifier (id_value NULL for
	                                   * "helpdesk", which the helpdesk assigns) */
};

/* Case no_number: a Belgian organisation without enterprise number, its name and address
 * as typed and an identifier of a type it may ask for, not registered yet. */
static int
check_identifier(struct store_tx *tx, struct arena *a, const struct csam_exc_form *f,
    struct clean *c, struct access_errors *err)
{
	char digits[16];
	const char *msgid = NULL;
	int64_t org;

	c->company_country = "BE";
	text(err, "company_name", f->company_name, CSAM_COMPANY_MAX,
	    N_("Introduisez le nom de l'organisation."));
	text(err, "company_address", f->company_address, CSAM_ADDRESS_MAX,
	    N_("Introduisez l'adresse de l'organisation."));
	c->company_name = f->company_name;
	c->company_address = f->company_address;
	if (!org_id_requestable(f->id_type)) {
		access_error_add(err, "id_type", N_("Choisissez un type d'identifiant de la "
		    "liste."));
		return 0;
	}
	c->id_type = f->id_type;
	if (strcmp(f->id_type, "helpdesk") == 0)
		return 0;
	if (value_parse(VALUE_INAMI, f->id_value, 0, digits, sizeof(digits), &msgid) !=
	    VALUE_OK) {
		access_error_add(err, "id_value", empty(f->id_value) ? N_("Introduisez le numéro "
		    "INAMI de l'organisation.") : msgid);
		return 0;
	}
	if ((c->id_value = csam_text(a, digits)) == NULL)
		return -1;
	org = org_by_identifier(tx, c->id_type, c->id_value);
	if (org < 0)
		return -1;
	if (org > 0)
		access_error_add(err, "id_value", N_("Une organisation est déjà enregistrée "
		    "avec ce numéro."));
	return 0;
}

/* Whether Belgian enterprise rep currently represents number. */
static int
represented_by(struct store_tx *tx, struct arena *a, const char *number, const char *rep,
    const char *today)
{
	struct reg_function *fn;
	int n = registry_current_functions(tx, a, number, today, &fn);

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (fn[i].rep_enterprise != NULL && strcmp(fn[i].rep_enterprise, rep) == 0)
			return 1;
	return 0;
}

/* The exception request's contact fields, in this order where they are checked. */
static const struct value_field contact_fields[] = {
	{ "contact_email", VALUE_EMAIL, true, ACCESS_EMAIL_MAX,
	  N_("Introduisez l'adresse e-mail de contact."),
	  N_("Introduisez une adresse e-mail valide, par exemple direction@entreprise.be.") },
	{ "contact_phone", VALUE_PHONE, true, ACCESS_PHONE_MAX,
	  N_("Introduisez le numéro de téléphone de contact."),
	  N_("Introduisez un numéro de téléphone valide, par exemple +32 2 511 51 51.") },
};

static int
validate(struct store_tx *tx, struct arena *a, const struct actor *who,
    const struct csam_exc_form *f, struct clean *c, struct access_errors *err)
{
	static const char *const cases[] = { "rep_abroad", "rep_company", "foreign_company",
	    "no_number", NULL };
	static const char *const kinds[] = { "person", "company", NULL };
	static const char *const docs[] = { "passport", "id_card", "residence_permit", NULL };
	struct reg_enterprise re;
	struct be_niss niss;
	enum be_reason br;
	bool belgian;
	int rc;

	memset(c, 0, sizeof(*c));
	c->number = c->rep_number = c->niss = "";
	if (!one_of(f->case_kind, cases)) {
		access_error_add(err, "case_kind", N_("Choisissez le cas qui s'applique à votre "
		    "demande."));
		return 0;
	}
	belgian = strcmp(f->case_kind, "foreign_company") != 0 &&
	    strcmp(f->case_kind, "no_number") != 0;
	/* The enterprise */
	if (strcmp(f->case_kind, "no_number") == 0) {
		rc = check_identifier(tx, a, f, c, err);
		if (rc < 0)
			return -1;
	} else if (belgian) {
		rc = check_enterprise(tx, a, who, f, &c->number, &re, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			c->company_country = "BE";
			c->company_name = csam_text(a, re.name ? re.name : c->number);
			c->company_address = csam_address_line(a, &re.seat);
			if (c->company_name == NULL || c->company_address == NULL)
				return -1;
		}
	} else {
		country(err, "company_country", f->company_country);
		if (f->company_country != NULL && strcmp(f->company_country, "BE") == 0)
			access_error_add(err, "company_country", N_("Une entreprise belge a un numéro "
			    "d'entreprise : choisissez l'un des deux premiers cas."));
		text(err, "company_name", f->company_name, CSAM_COMPANY_MAX,
		    N_("Introduisez le nom de l'entreprise."));
		text(err, "company_reg", f->company_reg, CSAM_REG_MAX, N_("Introduisez le numéro "
		    "d'enregistrement ou de TVA de l'entreprise."));
		text(err, "company_address", f->company_address, CSAM_ADDRESS_MAX,
		    N_("Introduisez l'adresse de l'entreprise."));
		c->company_country = f->company_country;
		c->company_name = f->company_name;
		c->company_reg = f->company_reg;
		c->company_address = f->company_address;
	}
	/* The legal representative */
	c->rep_kind = strcmp(f->case_kind, "rep_abroad") == 0 ? "person" :
	    strcmp(f->case_kind, "rep_company") == 0 ? "company" : f->rep_kind;
	if (!one_of(c->rep_kind, kinds))
		access_error_add(err, "rep_kind", N_("Indiquez si le représentant légal est une "
		    "personne ou une entreprise."));
	if (c->rep_kind != NULL && strcmp(c->rep_kind, "company") == 0) {
		text(err, "rep_company_name", f->rep_company_name, CSAM_COMPANY_MAX,
		    N_("Introduisez le nom de l'entreprise qui représente l'entreprise."));
		country(err, "rep_company_country", f->rep_company_country);
		text(err, "rep_company_number", f->rep_company_number, CSAM_REG_MAX,
		    N_("Introduisez le numéro d'entreprise ou d'enregistrement de l'entreprise "
		    "qui représente l'entreprise."));
		if (f->rep_company_country != NULL && strcmp(f->rep_company_country, "BE") == 0 &&
		    !empty(f->rep_company_number)) {
			char digits[11];

			br = strlen(f->rep_company_number) > CSAM_TYPED_MAX ? BE_LENGTH :
			    be_enterprise_parse(f->rep_company_number, digits);
			if (br == BE_OK && (c->rep_number = csam_text(a, digits)) == NULL)
				return -1;
			if (br != BE_OK) {
				access_error_add(err, "rep_company_number", be_reason_msgid(br));
			} else if (belgian && c->number[0]) {
				rc = represented_by(tx, a, c->number, c->rep_number, f->today);
				if (rc < 0)
					return -1;
				if (rc == 0)
					access_error_add(err, "rep_company_number", N_("La Banque-Carrefour "
					    "des Entreprises ne connaît pas cette entreprise comme "
					    "représentant légal actuel de l'entreprise."));
			}
		} else if ((c->rep_number = csam_text(a, f->rep_company_number)) == NULL) {
			return -1;
		}
	}
	text(err, "rep_last_name", f->rep_last_name, ACCESS_NAME_MAX, N_("Introduisez le nom."));
	text(err, "rep_first_name", f->rep_first_name, ACCESS_NAME_MAX,
	    N_("Introduisez le prénom."));
	if (empty(f->rep_birth_date))
		access_error_add(err, "rep_birth_date", N_("Introduisez la date de naissance."));
	else if (!csam_valid_birth_date(f->rep_birth_date, f->today))
		access_error_add(err, "rep_birth_date", N_("Introduisez une date de naissance "
		    "valide, au format aaaa-mm-jj (par exemple 1970-12-31)."));
	country(err, "rep_nationality", f->rep_nationality);
	country(err, "rep_country", f->rep_country);
	text(err, "rep_address", f->rep_address, CSAM_ADDRESS_MAX,
	    N_("Introduisez l'adresse du domicile."));
	if (!one_of(f->rep_doc_type, docs))
		access_error_add(err, "rep_doc_type", N_("Choisissez le type de document "
		    "d'identité."));
	text(err, "rep_doc_number", f->rep_doc_number, CSAM_REG_MAX,
	    N_("Introduisez le numéro du document d'identité."));
	country(err, "rep_doc_country", f->rep_doc_country);
	/* The main access manager */
	br = empty(f->gap_niss) ? BE_EMPTY : strlen(f->gap_niss) > CSAM_TYPED_MAX ? BE_LENGTH :
	    be_niss_parse(f->gap_niss, &niss);
	if (br != BE_OK)
		access_error_add(err, "gap_niss", br == BE_EMPTY ? N_("Introduisez le numéro de "
		    "registre national ou le numéro BIS du Gestionnaire d'Accès Principal.") :
		    be_reason_msgid(br));
	else if ((c->niss = csam_text(a, niss.digits)) == NULL)
		return -1;
	text(err, "gap_last_name", f->gap_last_name, ACCESS_NAME_MAX, N_("Introduisez le nom."));
	text(err, "gap_first_name", f->gap_first_name, ACCESS_NAME_MAX,
	    N_("Introduisez le prénom."));
	if (!yes_no(f->gap_has_eid))
		access_error_add(err, "gap_has_eid", N_("Répondez à cette question."));
	/* Contact data and the declaration */
	access_check_fields(err, contact_fields, sizeof(contact_fields) / sizeof(contact_fields[0]),
	    (const char *const[]){ f->contact_email, f->contact_phone });
	if (!is_yes(f->declaration))
		access_error_add(err, "declaration", N_("Cochez la déclaration pour envoyer la "
		    "demande."));
	if (!csam_valid_token(f->token))
		access_error_add(err, "token", N_("Ce formulaire n'est plus valable : recommencez la "
		    "demande."));
	return 0;
}

/* A requester who could use the standard procedure: recorded, nothing else stored. */
static enum access_rc
stop(struct store *s, const struct actor *who, const char *why)
{
	char details[64];
	struct store_tx *tx;

	if (json_text(details, sizeof(details), "{s:s}", "reason", why) != 0 ||
	    store_begin(s, STORE_WRITE, &tx) != 0)
		return ACCESS_ERROR;
	if (access_audit_as(tx, who, "requester", NULL, "exception.refused", NULL, details) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return store_commit(&tx) == 0 ? ACCESS_REFUSED : ACCESS_ERROR;
}

enum access_rc
csam_exception_submit(struct store *s, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct csam_exc_form *f, struct access_errors *err,
    bool *stopped, struct csam_exc_created *out)
{
	unsigned char hash[32];
	char object[40], details[64], ref[CSAM_REFERENCE_MAX], at[CLOCK_TEXT_SIZE];
	char *key = NULL;
	const char *args[2];
	struct store_tx *tx = NULL;
	struct store_q *q;
	struct clean c;
	enum access_rc rc = ACCESS_ERROR;
	int x;

	*stopped = false;
	memset(out, 0, sizeof(*out));
	/* The guide's warning first: eID holders and Belgian residents use the standard
	 * procedure, whatever else the form says. */
	if (!yes_no(f->has_eid))
		access_error_add(err, "has_eid", N_("Répondez à cette question."));
	if (!yes_no(f->rep_domicile_be))
		access_error_add(err, "rep_domicile_be", N_("Répondez à cette question."));
	if (is_yes(f->has_eid) || is_yes(f->rep_domicile_be) ||
	    (f->rep_country != NULL && strcmp(f->rep_country, "BE") == 0)) {
		*stopped = true;
		return stop(s, who, is_yes(f->has_eid) ? "eid" : "domicile_be");
	}
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return ACCESS_ERROR;
	if (validate(tx, a, who, f, &c, err) != 0)
		goto rollback;
	if (err->n > 0) {
		rc = ACCESS_INVALID;
		goto rollback;
	}
	/* The key in the arena itself, so that a failure can wipe its only copy. */
	key = arena_alloc(a, CSAM_KEY_LEN + 1);
	if (key == NULL)
		goto rollback;
	csam_token_new(key);
	key_hash(key, hash);
	/* The same form again (double click, back button): the same request, a new key. */
	if (store_query(tx, SQL_CSAM_EXC_BY_TOKEN, &q, "t", f->token) != 0)
		goto rollback;
	x = store_next(q);
	if (x == 1) {
		int64_t id = store_int(q, CSAM_EXC_BY_TOKEN_ID);

		out->reference = csam_text(a, store_text(q, CSAM_EXC_BY_TOKEN_REFERENCE));
		store_done(q);
		if (out->reference == NULL)
			goto rollback;
		out->replayed = true;
		if (store_exec(tx, SQL_CSAM_EXC_SET_KEY, "ib", id, hash, sizeof(hash)) != 1)
			goto rollback;
		goto commit;
	}
	store_done(q);
	if (x < 0)
		goto rollback;
	for (int i = 0; ; i++) {
		if (i == REF_TRIES)
			goto rollback;
		reference_new(ref);
		/* submitted_at from the service's clock (docs/store-contract.md, rule 3). */
		if (clock_text(clock_time(), at) != 0)
			goto rollback;
		x = store_exec_try(tx, SQL_CSAM_EXC_INSERT,
		    "tb" "ttttttttttttttttttttttt" "i" "ttt" "It" "tt",
		    ref, hash, sizeof(hash), f->case_kind, who->lang,
		    c.number[0] ? c.number : NULL, c.company_country, c.company_name,
		    c.company_reg, c.company_address, c.rep_kind,
		    strcmp(c.rep_kind, "company") == 0 ? f->rep_company_name : NULL,
		    strcmp(c.rep_kind, "company") == 0 ? c.rep_number : NULL,
		    strcmp(c.rep_kind, "company") == 0 ? f->rep_company_country : NULL,
		    f->rep_last_name, f->rep_first_name, f->rep_birth_date, f->rep_nationality,
		    f->rep_country, f->rep_address, f->rep_doc_type, f->rep_doc_number,
		    f->rep_doc_country, c.niss, f->gap_last_name, f->gap_first_name,
		    (int64_t)is_yes(f->gap_has_eid), f->contact_email, f->contact_phone, f->token,
		    who->person_id, at, c.id_type, c.id_value);
		if (x == 1)
			break;
		if (x != -2)
			goto rollback;
		/* A reference drawn twice: draw again. */
	}
	out->reference = csam_text(a, ref);
	if (out->reference == NULL)
		goto rollback;
	snprintf(object, sizeof(object), "exception:%s", out->reference);
	args[0] = out->reference;
	args[1] = c.company_name;
	if (json_text(details, sizeof(details), "{s:s}", "case", f->case_kind) != 0 ||
	    access_audit_as(tx, who, "requester", c.number[0] ? c.number : NULL, "exception.submit",
	    object, details) != 0 ||
	    mail_queue(tx, mt, MAIL_REQUEST_RECEIVED, f->contact_email, who->lang,
	    c.number[0] ? c.number : NULL, args, 2) != 0)
		goto rollback;
commit:
	rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
	tx = NULL;
	out->key = key;
rollback:
	store_rollback(&tx);
	if (rc != ACCESS_OK) {
		if (key != NULL)
			sodium_memzero(key, CSAM_KEY_LEN + 1);
		out->key = NULL;
	}
	return rc;
}

enum access_rc
csam_exception_status(struct store *s, struct arena *a, const char *reference,
    const char **status)
{
	char ref[CSAM_REFERENCE_MAX];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (!csam_reference_parse(reference, ref))
		return ACCESS_NOT_FOUND;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	if (store_query(tx, SQL_CSAM_EXC_STATUS, &q, "t", ref) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	rc = store_next(q);
	if (rc == 1 && (*status = csam_text(a, store_text(q, CSAM_EXC_STATUS_STATUS))) == NULL)
		rc = -1;
	store_done(q);
	store_rollback(&tx);
	return rc == 1 ? ACCESS_OK : rc == 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
}

static const char *
col(struct arena *a, struct store_q *q, int i)
{
	return csam_text(a, store_text(q, i));
}

int
csam_exception_read(struct store_tx *tx, struct arena *a, const char *reference,
    struct csam_exc *x)
{
	struct store_q *q;
	const void *h;
	size_t hlen = 0;
	int rc;

	memset(x, 0, sizeof(*x));
	if (store_query(tx, SQL_CSAM_EXC_GET, &q, "t", reference) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		x->id = store_int(q, CSAM_EXC_GET_ID);
		x->reference = col(a, q, CSAM_EXC_GET_REFERENCE);
		h = store_blob(q, CSAM_EXC_GET_ACCESS_HASH, &hlen);
		if (h != NULL && hlen == sizeof(x->access_hash))
			memcpy(x->access_hash, h, hlen);
		x->case_kind = col(a, q, CSAM_EXC_GET_CASE_KIND);
		x->status = col(a, q, CSAM_EXC_GET_STATUS);
		x->language = col(a, q, CSAM_EXC_GET_LANGUAGE);
		x->enterprise = col(a, q, CSAM_EXC_GET_ENTERPRISE);
		x->company_country = col(a, q, CSAM_EXC_GET_COMPANY_COUNTRY);
		x->company_name = col(a, q, CSAM_EXC_GET_COMPANY_NAME);
		x->company_reg = col(a, q, CSAM_EXC_GET_COMPANY_REG);
		x->company_address = col(a, q, CSAM_EXC_GET_COMPANY_ADDRESS);
		x->rep_kind = col(a, q, CSAM_EXC_GET_REP_KIND);
		x->rep_company_name = col(a, q, CSAM_EXC_GET_REP_COMPANY_NAME);
		x->rep_company_number = col(a, q, CSAM_EXC_GET_REP_COMPANY_NUMBER);
		x->rep_company_country = col(a, q, CSAM_EXC_GET_REP_COMPANY_COUNTRY);
		x->rep_last_name = col(a, q, CSAM_EXC_GET_REP_LAST_NAME);
		x->rep_first_name = col(a, q, CSAM_EXC_GET_REP_FIRST_NAME);
		x->rep_birth_date = col(a, q, CSAM_EXC_GET_REP_BIRTH_DATE);
		x->rep_nationality = col(a, q, CSAM_EXC_GET_REP_NATIONALITY);
		x->rep_country = col(a, q, CSAM_EXC_GET_REP_COUNTRY);
		x->rep_address = col(a, q, CSAM_EXC_GET_REP_ADDRESS);
		x->rep_doc_type = col(a, q, CSAM_EXC_GET_REP_DOC_TYPE);
		x->rep_doc_number = col(a, q, CSAM_EXC_GET_REP_DOC_NUMBER);
		x->rep_doc_country = col(a, q, CSAM_EXC_GET_REP_DOC_COUNTRY);
		x->gap_niss = col(a, q, CSAM_EXC_GET_GAP_NISS);
		x->gap_last_name = col(a, q, CSAM_EXC_GET_GAP_LAST_NAME);
		x->gap_first_name = col(a, q, CSAM_EXC_GET_GAP_FIRST_NAME);
		x->gap_has_eid = store_int(q, CSAM_EXC_GET_GAP_HAS_EID) != 0;
		x->contact_email = col(a, q, CSAM_EXC_GET_CONTACT_EMAIL);
		x->contact_phone = col(a, q, CSAM_EXC_GET_CONTACT_PHONE);
		x->submitted_at = col(a, q, CSAM_EXC_GET_SUBMITTED_AT);
		x->paper_at = col(a, q, CSAM_EXC_GET_PAPER_AT);
		x->decided_at = col(a, q, CSAM_EXC_GET_DECIDED_AT);
		x->reason = col(a, q, CSAM_EXC_GET_REASON);
		x->org_id = store_int(q, CSAM_EXC_GET_ORG_ID);
		x->gap_person = store_int(q, CSAM_EXC_GET_GAP_PERSON);
		x->submitted_by = store_int(q, CSAM_EXC_GET_SUBMITTED_BY);
		x->id_type = col(a, q, CSAM_EXC_GET_ID_TYPE);
		x->id_value = col(a, q, CSAM_EXC_GET_ID_VALUE);
		/* The arena refuses what does not fit: then so does the read. */
		if (x->reference == NULL || x->company_name == NULL || x->gap_niss == NULL ||
		    x->reason == NULL)
			rc = -1;
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

enum access_rc
csam_exception_for_requester(struct store *s, struct arena *a, const char *reference,
    const char *key, struct csam_exc *out)
{
	char ref[CSAM_REFERENCE_MAX];
	unsigned char h[32];
	struct store_tx *tx;
	int rc;

	if (!csam_reference_parse(reference, ref) || !csam_valid_token(key))
		return ACCESS_NOT_FOUND;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	rc = csam_exception_read(tx, a, ref, out);
	store_rollback(&tx);
	if (rc != 0)
		return rc == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	key_hash(key, h);
	if (sodium_memcmp(h, out->access_hash, sizeof(h)) != 0) {
		memset(out, 0, sizeof(*out));
		return ACCESS_NOT_FOUND;
	}
	return ACCESS_OK;
}
