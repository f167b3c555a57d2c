/* org_id.c — the catalogue of organisation identifier types and how their values are shown
 * (org_id.h); the helpdesk's numbers are random, as the exception references. */
#include "access/org_id.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/msgid.h"
#include "be/be.h"
#include "value/value.h"

static const struct {
	const char *code, *msgid;
	bool requestable;
} types[] = {
	{ "kbo", N_("Numéro d'entreprise"), false },
	{ "foreign", N_("Numéro d'enregistrement étranger"), false },
	{ "inami", N_("Numéro INAMI"), true },
	{ "helpdesk", N_("Numéro attribué par le helpdesk"), true },
};

/* The same alphabet as the exception references: no I, O, 0, 1. */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const char *
org_id_type_msgid(const char *type)
{
	for (size_t i = 0; type != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].code, type) == 0)
			return types[i].msgid;
	return NULL;
}

bool
org_id_requestable(const char *type)
{
	for (size_t i = 0; type != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i].code, type) == 0)
			return types[i].requestable;
	return false;
}

void
org_id_show(const char *type, const char *value, char *out, size_t outlen)
{
	char f[16];

	if (outlen == 0)
		return;
	if (value == NULL) {
		out[0] = '\0';
		return;
	}
	if (type != NULL && strcmp(type, "kbo") == 0 && strlen(value) == 10) {
		be_enterprise_format(value, f);
		value = f;
	} else if (type != NULL && strcmp(type, "inami") == 0 && strlen(value) == 11) {
		value_inami_format(value, f);
		value = f;
	}
	snprintf(out, outlen, "%s", value);
}

void
org_id_helpdesk_new(char out[ORG_ID_HELPDESK_SIZE])
{
	char sym[8];

	for (size_t i = 0; i < sizeof(sym); i++)
		sym[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	snprintf(out, ORG_ID_HELPDESK_SIZE, "HD-%.4s-%.4s", sym, sym + 4);
}
