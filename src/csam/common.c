/* common.c — what the csam services share: checks of typed values, the countries of the
 * exception form, people's names and their creation (through auth/person.h). */
#include "csam/internal.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/person.h"
#include "base/msgid.h"
#include "csam/sql.h"
#include "value/value.h"

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

const char *
csam_text(struct arena *a, const char *s)
{
	return arena_strdup(a, s != NULL ? s : "");
}

const char *
csam_person_name(struct arena *a, const struct person *p)
{
	return arena_printf(a, "%s %s", p->first_name, p->last_name);
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
	return access_audit_as(tx, who, "system", NULL, "person.create", object, NULL);
}

/* ---- addresses ---- */

const char *
csam_address_line(struct arena *a, const struct reg_address *addr)
{
	const char *st = addr->street, *hn = addr->house_number, *box = addr->box;
	const char *zip = addr->zipcode, *town = addr->municipality;
	const char *line = arena_printf(a, "%s%s%s%s%s", st ? st : "", st && hn ? " " : "",
	    st && hn ? hn : "", st && box ? " " : "", st && box ? box : "");

	if (line != NULL && (zip || town))
		line = arena_printf(a, "%s%s%s%s%s", line, line[0] ? ", " : "", zip ? zip : "",
		    zip && town ? " " : "", town ? town : "");
	if (line != NULL && addr->country)
		line = arena_printf(a, "%s%s%s", line, line[0] ? ", " : "", addr->country);
	return line;
}
