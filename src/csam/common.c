/* common.c — what the csam services share: field errors, checks of typed values, the
 * countries of the exception form, people by NISS, audit events and recorded refusals. */
#include "csam/internal.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "access/actor.h"
#include "audit/audit.h"
#include "auth/person.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/msgid.h"
#include "base/utf8.h"
#include "csam/sql.h"
#include "value/value.h"

/* ---- field errors ---- */

void
csam_error_add(struct csam_errors *err, const char *field, const char *msgid, const char *arg)
{
	if (err->n >= CSAM_MAX_ERRORS || csam_error_of(err, field, NULL) != NULL)
		return;
	err->e[err->n].field = field;
	err->e[err->n].msgid = msgid;
	csam_copy(err->e[err->n].arg, sizeof(err->e[err->n].arg), arg);
	err->n++;
}

const char *
csam_error_of(const struct csam_errors *err, const char *field, const char **arg)
{
	for (size_t i = 0; i < err->n; i++)
		if (strcmp(err->e[i].field, field) == 0) {
			if (arg != NULL)
				*arg = err->e[i].arg;
			return err->e[i].msgid;
		}
	return NULL;
}

/* ---- checks of typed values ---- */

bool
csam_valid_birth_date(const char *s, const char *today)
{
	return value_ok(VALUE_DATE, s, 0) && strncmp(s, "1900", 4) >= 0 &&
	    (today == NULL || strcmp(s, today) < 0);
}

bool
csam_valid_token(const char *s)
{
	if (s == NULL || strlen(s) != CSAM_TOKEN_LEN)
		return false;
	for (size_t i = 0; i < CSAM_TOKEN_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

void
csam_token_new(char out[CSAM_TOKEN_LEN + 1])
{
	unsigned char r[CSAM_TOKEN_LEN / 2];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(out, CSAM_TOKEN_LEN + 1, r, sizeof(r));
}

/* ---- countries ---- */

static const struct csam_country countries[] = {
	{ "BE", N_("Belgique") },
	{ "ZA", N_("Afrique du Sud") }, { "AL", N_("Albanie") }, { "DZ", N_("Algérie") },
	{ "DE", N_("Allemagne") }, { "AD", N_("Andorre") }, { "SA", N_("Arabie saoudite") },
	{ "AR", N_("Argentine") }, { "AU", N_("Australie") }, { "AT", N_("Autriche") },
	{ "BA", N_("Bosnie-Herzégovine") }, { "BR", N_("Brésil") }, { "BG", N_("Bulgarie") },
	{ "CM", N_("Cameroun") }, { "CA", N_("Canada") }, { "CL", N_("Chili") },
	{ "CN", N_("Chine") }, { "CY", N_("Chypre") }, { "CO", N_("Colombie") },
	{ "KR", N_("Corée du Sud") }, { "HR", N_("Croatie") }, { "DK", N_("Danemark") },
	{ "EG", N_("Égypte") }, { "AE", N_("Émirats arabes unis") }, { "ES", N_("Espagne") },
	{ "EE", N_("Estonie") }, { "US", N_("États-Unis") }, { "FI", N_("Finlande") },
	{ "FR", N_("France") }, { "GR", N_("Grèce") }, { "HK", N_("Hong Kong") },
	{ "HU", N_("Hongrie") }, { "IN", N_("Inde") }, { "ID", N_("Indonésie") },
	{ "IE", N_("Irlande") }, { "IS", N_("Islande") }, { "IL", N_("Israël") },
	{ "IT", N_("Italie") }, { "JP", N_("Japon") }, { "LV", N_("Lettonie") },
	{ "LI", N_("Liechtenstein") }, { "LT", N_("Lituanie") }, { "LU", N_("Luxembourg") },
	{ "MK", N_("Macédoine du Nord") }, { "MY", N_("Malaisie") }, { "MT", N_("Malte") },
	{ "MA", N_("Maroc") }, { "MX", N_("Mexique") }, { "MD", N_("Moldavie") },
	{ "MC", N_("Monaco") }, { "ME", N_("Monténégro") }, { "NG", N_("Nigeria") },
	{ "NO", N_("Norvège") }, { "NZ", N_("Nouvelle-Zélande") }, { "PK", N_("Pakistan") },
	{ "NL", N_("Pays-Bas") }, { "PL", N_("Pologne") }, { "PT", N_("Portugal") },
	{ "CD", N_("République démocratique du Congo") }, { "RO", N_("Roumanie") },
	{ "GB", N_("Royaume-Uni") }, { "RW", N_("Rwanda") }, { "SM", N_("Saint-Marin") },
	{ "SN", N_("Sénégal") }, { "RS", N_("Serbie") }, { "SG", N_("Singapour") },
	{ "SK", N_("Slovaquie") }, { "SI", N_("Slovénie") }, { "SE", N_("Suède") },
	{ "CH", N_("Suisse") }, { "TW", N_("Taïwan") }, { "CZ", N_("Tchéquie") },
	{ "TH", N_("Thaïlande") }, { "TN", N_("Tunisie") }, { "TR", N_("Turquie") },
	{ "UA", N_("Ukraine") }, { "VN", N_("Viêt Nam") },
};

const struct csam_country *
csam_countries(size_t *n)
{
	*n = sizeof(countries) / sizeof(countries[0]);
	return countries;
}

const struct csam_country *
csam_country(const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (strcmp(countries[i].code, code) == 0)
			return &countries[i];
	return NULL;
}

/* ---- people ---- */

int
csam_copy(char *dst, size_t n, const char *src)
{
	return text_copy(dst, n, src);
}

/* A person read through auth/person.h (which owns the table) as csam keeps it: rc of
 * person_read / person_find_niss, -1 when a text does not fit. */
static int
from_person(int rc, const struct person *p, struct csam_person *out)
{
	if (rc != 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = p->id;
	if (csam_copy(out->niss, sizeof(out->niss), p->niss) != 0 ||
	    csam_copy(out->last_name, sizeof(out->last_name), p->last_name) != 0 ||
	    csam_copy(out->first_name, sizeof(out->first_name), p->first_name) != 0 ||
	    csam_copy(out->language, sizeof(out->language), p->language) != 0 ||
	    csam_copy(out->email, sizeof(out->email), p->email) != 0)
		return -1;
	return 0;
}

int
csam_person_by_niss(struct store_tx *tx, const char *niss, struct csam_person *out)
{
	struct arena *a = arena_new(16 * 1024);
	struct person p;
	int rc = from_person(a != NULL ? person_find_niss(tx, a, niss, &p) : -1, &p, out);

	arena_free(a);
	return rc;
}

int
csam_person_get(struct store_tx *tx, int64_t id, struct csam_person *out)
{
	struct arena *a = arena_new(16 * 1024);
	struct person p;
	int rc = from_person(a != NULL ? person_read(tx, a, id, &p) : -1, &p, out);

	arena_free(a);
	return rc;
}

void
csam_person_name(const struct csam_person *p, char *out, size_t n)
{
	snprintf(out, n, "%s %s", p->first_name, p->last_name);
}

int
csam_person_ensure(struct store_tx *tx, const struct actor *who, const char *niss,
    const char *last, const char *first, const char *lang, int64_t *id)
{
	/* The register's names, or those a requester typed (until the first eID login). */
	struct person_seed seed = {
		.niss = niss, .last_name = last, .first_name = first,
		.language = lang != NULL && (strcmp(lang, "fr") == 0 || strcmp(lang, "nl") == 0 ||
		    strcmp(lang, "de") == 0 || strcmp(lang, "en") == 0) ? lang : "fr",
		.names_from = "manager", .from_register = true,
	};
	char object[32];
	bool created;
	int rc = person_ensure(tx, &seed, id, &created);

	if (rc != 0 || !created)
		return rc;
	snprintf(object, sizeof(object), "person:%" PRId64, *id);
	return csam_audit(tx, who, "system", NULL, "person.create", object, NULL);
}

/* ---- audit ---- */

int
csam_audit(struct store_tx *tx, const struct actor *who, const char *role, const char *org,
    const char *action, const char *object, const char *details)
{
	char actor[24];
	struct audit_event ev = {
		.actor = actor, .actor_role = role, .org = org, .object = object,
		.action = action, .details = details, .source = who->source,
		.request_id = who->request_id,
	};

	if (who->person_id > 0)
		snprintf(actor, sizeof(actor), "%" PRId64, who->person_id);
	else
		snprintf(actor, sizeof(actor), "anonymous");
	return audit_append(tx, &ev);
}

int
csam_actor(struct store_tx *tx, const struct actor *who, int64_t org_id, bool legal_rep,
    struct policy_actor *out)
{
	if (who->person_id <= 0) {
		memset(out, 0, sizeof(*out));
		out->level = (enum loa)who->level;
		return 0;
	}
	if (access_actor(tx, who->person_id, org_id, (enum loa)who->level, out) != 0)
		return -1;
	if (legal_rep)
		out->roles |= ROLE_LEGAL_REP;
	return 0;
}

/* The acting role named in audit events. */
static const char *
role_name(const struct policy_actor *a)
{
	if (a->roles & ROLE_GAP)
		return "GAP";
	if (a->roles & ROLE_COGAP)
		return "COGAP";
	if (a->roles & ROLE_LEGAL_REP)
		return "legal_rep";
	if (a->roles & ROLE_HELPDESK)
		return "helpdesk";
	return "none";
}

enum csam_rc
csam_refuse(struct store *s, struct store_tx **tx, const struct actor *who, const char *org,
    enum policy_action action, enum policy_reason why, const char *object)
{
	struct policy_actor actor;
	char details[160];
	int rc = -1;

	store_rollback(tx);
	*tx = NULL;
	if (json_text(details, sizeof(details), "{s:s, s:s}", "action",
	    policy_action_name(action), "reason", policy_reason_name(why)) == 0 &&
	    store_begin(s, STORE_WRITE, tx) == 0) {
		if (csam_actor(*tx, who, 0, false, &actor) == 0 &&
		    csam_audit(*tx, who, role_name(&actor), org, "access.denied", object,
		    details) == 0)
			rc = store_commit(tx);
		else
			store_rollback(tx);
		*tx = NULL;
	}
	if (rc != 0)
		log_err(who->request_id, "csam: cannot record a refusal (%s)",
		    policy_action_name(action));
	return rc == 0 ? CSAM_DENIED : CSAM_ERROR;
}

/* ---- addresses ---- */

void
csam_address_line(const struct reg_address *a, char *out, size_t n)
{
	struct buf b;

	buf_init(&b, n > 0 ? n - 1 : 1);
	if (a->street) {
		buf_puts(&b, a->street);
		if (a->house_number)
			buf_printf(&b, " %s", a->house_number);
		if (a->box)
			buf_printf(&b, " %s", a->box);
	}
	if (a->zipcode || a->municipality)
		buf_printf(&b, "%s%s%s%s", b.len ? ", " : "", a->zipcode ? a->zipcode : "",
		    a->zipcode && a->municipality ? " " : "", a->municipality ? a->municipality : "");
	if (a->country)
		buf_printf(&b, "%s%s", b.len ? ", " : "", a->country);
	csam_copy(out, n, b.data);
	buf_free(&b);
}
