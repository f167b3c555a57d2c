/* org.c — creating organisations and changing their main access managers, each change
 * with its audit event in the caller's transaction. */
#include "access/org.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "access/account.h"
#include "access/service.h"
#include "access/sql.h"
#include "audit/audit.h"
#include "base/clock.h"

static int
audit(struct store_tx *tx, const struct actor *by, const char *enterprise, int64_t org_id,
    const char *action, const char *object, const char *details)
{
	char actor[ACTOR_NAME_SIZE], label[24];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = by->role, .org = label,
		.object = object, .action = action, .details = details, .source = by->source,
		.request_id = by->request_id,
	};

	/* The organisation is named by its enterprise number, or org:<id> for a foreign one. */
	if (enterprise != NULL && enterprise[0])
		ev.org = enterprise;
	else
		access_org_label(tx, org_id, label);
	return audit_append(tx, &ev);
}

int64_t
org_create(struct store_tx *tx, const struct org_new *n, int64_t gap_person,
    const struct actor *by)
{
	char object[32], at[CLOCK_TEXT_SIZE];
	int64_t id;
	int rc;

	/* created_at and the GAP's since from the service's clock (store-contract rule 3). */
	if (clock_text(clock_time(), at) != 0)
		return -1;
	rc = store_insert_try(tx, SQL_ACCESS_ORG_INSERT, &id, "ttttttttttt", n->enterprise,
	    n->country ? n->country : "BE", n->foreign_reg, n->name, n->address, n->contact_email,
	    n->contact_phone, n->procedure, at, n->id_type, n->id_value);
	if (rc != 1)
		return rc == -2 ? -2 : -1;
	if (store_exec(tx, SQL_ACCESS_MANAGER_INSERT, "iitt", id, gap_person, "GAP", at) != 1)
		return -1;
	snprintf(object, sizeof(object), "person:%" PRId64, gap_person);
	if (audit(tx, by, n->enterprise, id, "org.register", NULL,
	    strcmp(n->procedure, "exception") == 0 ? "{\"procedure\":\"exception\"}" :
	    "{\"procedure\":\"standard\"}") != 0 ||
	    audit(tx, by, n->enterprise, id, "org.gap.designate", object, NULL) != 0)
		return -1;
	return id;
}

int
org_get(struct store_tx *tx, struct arena *a, int64_t id, struct org *out)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_ORG_GET, &q, "i", id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		out->id = store_int(q, ACCESS_ORG_GET_ID);
		if (a != NULL &&
		    (access_dup(a, &out->enterprise, store_text(q, ACCESS_ORG_GET_ENTERPRISE)) |
		    access_dup(a, &out->country, store_text(q, ACCESS_ORG_GET_COUNTRY)) |
		    access_dup(a, &out->foreign_reg,
		    store_text(q, ACCESS_ORG_GET_FOREIGN_REG)) |
		    access_dup(a, &out->name, store_text(q, ACCESS_ORG_GET_NAME)) |
		    access_dup(a, &out->address, store_text(q, ACCESS_ORG_GET_ADDRESS)) |
		    access_dup(a, &out->contact_email,
		    store_text(q, ACCESS_ORG_GET_CONTACT_EMAIL)) |
		    access_dup(a, &out->contact_phone,
		    store_text(q, ACCESS_ORG_GET_CONTACT_PHONE)) |
		    access_dup(a, &out->procedure, store_text(q, ACCESS_ORG_GET_PROCEDURE)) |
		    access_dup(a, &out->created_at,
		    store_text(q, ACCESS_ORG_GET_CREATED_AT)) |
		    access_dup(a, &out->id_type, store_text(q, ACCESS_ORG_GET_ID_TYPE)) |
		    access_dup(a, &out->id_value, store_text(q, ACCESS_ORG_GET_ID_VALUE))) != 0)
			rc = -1;
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int64_t
org_by_enterprise(struct store_tx *tx, const char *enterprise)
{
	struct store_q *q;
	int64_t id = 0;
	int rc;

	if (store_query(tx, SQL_ACCESS_ORG_BY_ENTERPRISE, &q, "t", enterprise) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		id = store_int(q, ACCESS_ORG_BY_ENTERPRISE_ID);
	store_done(q);
	return rc < 0 ? -1 : id;
}

int64_t
org_by_identifier(struct store_tx *tx, const char *type, const char *value)
{
	struct store_q *q;
	int64_t id = 0;
	int rc;

	if (store_query(tx, SQL_ACCESS_ORG_BY_IDENTIFIER, &q, "tt", type, value) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		id = store_int(q, ACCESS_ORG_BY_IDENTIFIER_ID);
	store_done(q);
	return rc < 0 ? -1 : id;
}

int
org_set_identifier(struct store_tx *tx, int64_t org_id, const char *type, const char *value)
{
	int rc = store_exec_try(tx, SQL_ACCESS_ORG_SET_IDENTIFIER, "itt", org_id, type, value);

	return rc == 1 ? 0 : rc == 0 ? 1 : rc == -2 ? -2 : -1;
}

int
org_set_contact(struct store_tx *tx, int64_t org_id, const char *email, const char *phone)
{
	int rc = store_exec(tx, SQL_ACCESS_ORG_SET_CONTACT, "itt", org_id, email, phone);

	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int64_t
org_gap(struct store_tx *tx, int64_t org_id)
{
	struct store_q *q;
	int64_t id = 0;
	int rc;

	if (store_query(tx, SQL_ACCESS_GAP_OF_ORG, &q, "i", org_id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		id = store_int(q, ACCESS_GAP_OF_ORG_PERSON_ID);
	store_done(q);
	return rc < 0 ? -1 : id;
}

int
org_replace_gap(struct store_tx *tx, int64_t org_id, int64_t person, const struct actor *by)
{
	int64_t old = org_gap(tx, org_id);
	char object[32], details[64], previous[32], at[CLOCK_TEXT_SIZE];

	if (old < 0)
		return -1;
	if (old == person)
		return 0;
	if (old > 0 && store_exec(tx, SQL_ACCESS_MANAGER_DELETE, "iit", org_id, old, "GAP") != 1)
		return -1;
	/* A co-GAP who becomes GAP stops being co-GAP. */
	if (store_exec(tx, SQL_ACCESS_MANAGER_DELETE, "iit", org_id, person, "COGAP") < 0 ||
	    clock_text(clock_time(), at) != 0 ||
	    store_exec(tx, SQL_ACCESS_MANAGER_INSERT, "iitt", org_id, person, "GAP", at) != 1)
		return -1;
	snprintf(object, sizeof(object), "person:%" PRId64, person);
	snprintf(previous, sizeof(previous), "person:%" PRId64, old);
	if (json_text(details, sizeof(details), "{s:s}", "previous", previous) != 0)
		return -1;
	return audit(tx, by, NULL, org_id, "org.gap.replace", object, details);
}

int
org_add_cogap(struct store_tx *tx, int64_t org_id, int64_t person, const struct actor *by)
{
	char object[32], at[CLOCK_TEXT_SIZE];
	int rc = clock_text(clock_time(), at) != 0 ? -1 :
	    store_exec_try(tx, SQL_ACCESS_MANAGER_INSERT, "iitt", org_id, person, "COGAP", at);

	if (rc != 1)
		return rc == -2 ? -2 : -1;
	snprintf(object, sizeof(object), "person:%" PRId64, person);
	return audit(tx, by, NULL, org_id, "org.cogap.add", object, NULL);
}

int
org_remove_cogap(struct store_tx *tx, int64_t org_id, int64_t person,
    const struct actor *by)
{
	char object[32];
	int rc = store_exec(tx, SQL_ACCESS_MANAGER_DELETE, "iit", org_id, person, "COGAP");

	if (rc < 0)
		return -1;
	if (rc == 0)
		return -2;
	snprintf(object, sizeof(object), "person:%" PRId64, person);
	return audit(tx, by, NULL, org_id, "org.cogap.remove", object, NULL);
}
