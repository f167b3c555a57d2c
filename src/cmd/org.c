/* org.c — `portier org add`: an operator registers an organisation with its GAP (main
 * access manager), as the standard designation would, through the organisation service.
 * Each value is checked by the value module; the creation is audited (source cli). */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/hierarchy.h"
#include "access/org.h"
#include "base/arena.h"
#include "cmd/opts.h"
#include "store/store.h"
#include "value/value.h"

static const char usage[] =
    "usage: portier org add --enterprise NUMBER --name TEXT --gap NISS\n"
    "           [--contact-email ADDRESS] [--contact-phone NUMBER] [--address TEXT]\n"
    "           [--db PATH] [--config FILE]\n"
    "       portier org show (--id ID | --enterprise NUMBER)\n"
    "\n"
    "Registers a Belgian organisation (enterprise number with or without dots) with the\n"
    "person of NISS as its GAP, the main access manager, who must be known to portier\n"
    "(portier person add). It is what the designation of a GAP (/csam) records once\n"
    "decided; the operator takes the place of the designation's checks against the\n"
    "enterprise register. The creation is audited. Prints \"organisation ID\".\n"
    "show prints an organisation as one JSON object: id, enterprise, country, foreign_reg,\n"
    "name, address, contact_email, contact_phone, procedure, created_at, id_type and\n"
    "id_value (its identifier: kbo, foreign, inami, helpdesk) and managers, its\n"
    "GAP first then its co-GAPs (person, role, niss, last_name, first_name, since; NISS\n"
    "included: for the operator's terminal only).\n"
    "Exit status: 0 registered (shown), 1 refused (already registered, unknown GAP,\n"
    "invalid value; no such organisation), 2 usage or database error.\n";

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

/* The organisation's GAP and co-GAPs as a JSON array (the GAP first), or NULL. */
static json_t *
managers(struct store_tx *tx, int64_t id)
{
	struct arena *a = arena_new(0);
	struct manager_row *rows;
	json_t *arr = NULL;
	int n;

	if (a == NULL)
		return NULL;
	n = hierarchy_manager_rows(tx, a, id, &rows);
	if (n >= 0)
		arr = json_array();
	for (int i = 0; arr != NULL && i < n; i++) {
		json_t *m = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?}", "person",
		    (json_int_t)rows[i].person_id, "role", rows[i].role, "niss", rows[i].niss,
		    "last_name", rows[i].last_name, "first_name", rows[i].first_name, "since",
		    rows[i].since);

		if (json_array_append_new(arr, m) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	arena_free(a);
	return arr;
}

/* The organisation and its managers as one JSON object on stdout; 0, 1 unknown, 2 error. */
static int
print_org(struct store_tx *tx, int64_t id)
{
	struct org o;
	struct arena *a = arena_new(1 << 16);
	json_t *j;
	char *line = NULL;
	int rc;

	rc = a != NULL ? org_get(tx, a, id, &o) : -1;
	if (rc != 0) {
		arena_free(a);
		return rc == 1 ? 1 : 2;
	}
	j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o?}", "id",
	    (json_int_t)o.id,
	    "enterprise", o.enterprise, "country", o.country, "foreign_reg", o.foreign_reg,
	    "name", o.name, "address", o.address, "contact_email", o.contact_email,
	    "contact_phone", o.contact_phone, "procedure", o.procedure, "created_at",
	    o.created_at, "id_type", o.id_type, "id_value", o.id_value, "managers",
	    managers(tx, id));
	if (j != NULL)
		line = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	arena_free(a);
	rc = line != NULL && printf("%s\n", line) > 0 ? 0 : 2;
	free(line);
	return rc;
}

/* org show: by id or by enterprise number. */
static int
show(struct store *s, const char *id_text, const char *enterprise)
{
	struct store_tx *tx;
	char ent[11];
	int64_t id = 0;
	int rc;

	if ((id_text == NULL) == (enterprise == NULL) ||
	    (id_text != NULL && !cmd_opt_id("id", id_text, &id)) ||
	    (enterprise != NULL && !checked("enterprise", VALUE_ENTERPRISE, 0, enterprise, ent,
	    sizeof(ent)))) {
		fputs(usage, stderr);
		return 2;
	}
	if (store_begin(s, STORE_READ, &tx) != 0)
		return 2;
	if (enterprise != NULL)
		id = org_by_enterprise(tx, ent);
	rc = id < 0 ? 2 : id == 0 ? 1 : print_org(tx, id);
	store_rollback(&tx);
	if (rc == 1)
		fprintf(stderr, "portier: no such organisation\n");
	else if (rc == 2)
		fprintf(stderr, "portier: database error\n");
	return rc;
}

int
cmd_org(int argc, char **argv)
{
	const char *enterprise = NULL, *name = NULL, *gap = NULL, *email = NULL, *phone = NULL;
	const char *address = NULL, *id = NULL;
	const struct cmd_opt opts[] = {
		{ .name = "id", .value = &id },
		{ .name = "enterprise", .value = &enterprise }, { .name = "name", .value = &name },
		{ .name = "gap", .value = &gap }, { .name = "contact-email", .value = &email },
		{ .name = "contact-phone", .value = &phone }, { .name = "address", .value = &address },
	};
	char ent[11], nm[ORG_NAME_SIZE], em[VALUE_EMAIL_MAX + 1], ph[64], ad[UTF8_SIZE(300)];
	char *pos[1];
	struct config c;
	struct store *s;
	int npos, rc;

	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos == 1 && strcmp(pos[0], "show") == 0) {
		if (open_store(&c, &s) != 0)
			return 2;
		rc = show(s, id, enterprise);
		store_close(s);
		return rc;
	}
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
