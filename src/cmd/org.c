/* org.c — `portier org add`: an operator registers an organisation with its GAP (main
 * access manager), as the standard designation would, through the organisation service.
 * Each value is checked by the value module; the creation is audited (source cli). */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "access/org.h"
#include "cmd/opts.h"
#include "store/store.h"
#include "value/value.h"

static const char usage[] =
    "usage: portier org add --enterprise NUMBER --name TEXT --gap NISS\n"
    "           [--contact-email ADDRESS] [--contact-phone NUMBER] [--address TEXT]\n"
    "           [--db PATH] [--config FILE]\n"
    "\n"
    "Registers a Belgian organisation (enterprise number with or without dots) with the\n"
    "person of NISS as its GAP, the main access manager, who must be known to portier\n"
    "(portier person add). It is what the designation of a GAP (/csam) records once\n"
    "decided; the operator takes the place of the designation's checks against the\n"
    "enterprise register. The creation is audited. Prints \"organisation ID\".\n"
    "Exit status: 0 registered, 1 refused (already registered, unknown GAP, invalid\n"
    "value), 2 usage or database error.\n";

/* in checked as type t into out; false (said on stderr) when refused. */
static bool
checked(const char *name, enum value_type t, size_t limit, const char *in, char *out,
    size_t outlen)
{
	const char *msgid = NULL;

	if (in == NULL)
		return true;
	if (value_parse(t, in, limit, out, outlen, &msgid) == VALUE_OK)
		return true;
	fprintf(stderr, "portier: --%s: %s\n", name, msgid ? msgid : "invalid");
	return false;
}

static int
add(struct store *s, const struct org_new *n, const char *gap_niss)
{
	const struct actor by = { .person_id = 0, .role = "operator", .source = "cli" };
	struct store_tx *tx;
	int64_t gap = 0, id;

	if (cmd_person_of(s, gap_niss, &gap) != 0)
		return 1;
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	id = org_create(tx, n, gap, &by);
	if (id == -2) {
		store_rollback(&tx);
		fprintf(stderr, "portier: this enterprise is already registered\n");
		return 1;
	}
	if (id < 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	printf("organisation %lld\n", (long long)id);
	return 0;
}

int
cmd_org(int argc, char **argv)
{
	const char *enterprise = NULL, *name = NULL, *gap = NULL, *email = NULL, *phone = NULL;
	const char *address = NULL;
	const struct cmd_opt opts[] = {
		{ .name = "enterprise", .value = &enterprise }, { .name = "name", .value = &name },
		{ .name = "gap", .value = &gap }, { .name = "contact-email", .value = &email },
		{ .name = "contact-phone", .value = &phone }, { .name = "address", .value = &address },
	};
	char ent[11], nm[ORG_NAME_SIZE], em[VALUE_EMAIL_MAX + 1], ph[64], ad[UTF8_SIZE(300)];
	char *rest[64], *pos[1];
	struct config c;
	struct store *s;
	int nrest, npos, rc;

	if (cmd_opts(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), rest, 64, &nrest) != 0)
		return 2;
	rc = cmd_config(nrest, rest, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || strcmp(pos[0], "add") != 0 || enterprise == NULL || name == NULL ||
	    gap == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	if (!checked("enterprise", VALUE_ENTERPRISE, 0, enterprise, ent, sizeof(ent)) ||
	    !checked("name", VALUE_TEXT, ORG_NAME_CHARS, name, nm, sizeof(nm)) ||
	    !checked("contact-email", VALUE_EMAIL, 0, email, em, sizeof(em)) ||
	    !checked("contact-phone", VALUE_PHONE, 0, phone, ph, sizeof(ph)) ||
	    !checked("address", VALUE_TEXT, 300, address, ad, sizeof(ad)))
		return 1;
	{
		const struct org_new n = {
			.enterprise = ent, .country = "BE", .name = nm, .procedure = "standard",
			.contact_email = email ? em : NULL, .contact_phone = phone ? ph : NULL,
			.address = address ? ad : NULL,
		};

		if (open_store(&c, &s) != 0)
			return 2;
		rc = add(s, &n, gap);
		store_close(s);
	}
	return rc;
}
