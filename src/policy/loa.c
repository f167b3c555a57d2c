/* loa.c — the table of levels of assurance and their names.
 * One table so that pages, sessions and OpenID Connect agree. */
#include "policy/loa.h"

#include <stddef.h>
#include <string.h>

#include "base/msgid.h"

static const struct {
	const char *method;
	enum loa level;
} methods[] = {
	{ "password", LOA_LOW },
	{ "email", LOA_LOW },     /* access codes + a code sent by e-mail: still low */
	{ "totp", LOA_SUBSTANTIAL },
	{ "token", LOA_SUBSTANTIAL },
	{ "passkey", LOA_SUBSTANTIAL },
	{ "passkey2", LOA_SUBSTANTIAL },
	{ "eid", LOA_HIGH },
};

static const struct {
	enum loa level;
	const char *msgid;
	const char *acr;
} levels[] = {
	{ LOA_LOW, N_("faible"), "urn:portier:loa:low" },
	{ LOA_SUBSTANTIAL, N_("substantiel"), "urn:portier:loa:substantial" },
	{ LOA_HIGH, N_("élevé"), "urn:portier:loa:high" },
};

enum loa
loa_of_method(const char *method)
{
	for (size_t i = 0; method && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].method, method) == 0)
			return methods[i].level;
	return LOA_NONE;
}

const char *
loa_msgid(enum loa l)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (levels[i].level == l)
			return levels[i].msgid;
	return N_("aucun");
}

const char *
loa_acr(enum loa l)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (levels[i].level == l)
			return levels[i].acr;
	return NULL;
}

enum loa
loa_from_acr(const char *acr)
{
	for (size_t i = 0; acr && i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(levels[i].acr, acr) == 0)
			return levels[i].level;
	return LOA_NONE;
}
