/* actor.c — the roles of a person in an organisation, read from the store for the
 * policy: GAP/co-GAP, local manager or user of which qualities, helpdesk, suspended. */
#include "access/actor.h"

#include <string.h>

#include "access/sql.h"

int
access_actor(struct store_tx *tx, int64_t person_id, int64_t org_id, enum loa level,
    struct policy_actor *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	out->level = level;
	if (store_query(tx, SQL_ACCESS_PLATFORM_ROLE, &q, "it", person_id, "helpdesk") != 0)
		return -1;
	if (store_next(q) == 1 && store_int(q, ACCESS_COUNT_N) > 0)
		out->roles |= ROLE_HELPDESK;
	store_done(q);
	if (org_id == 0)
		return 0;

	if (store_query(tx, SQL_ACCESS_ORG_ROLE, &q, "ii", org_id, person_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *role = store_text(q, ACCESS_ORG_ROLE_ROLE);

		if (role && strcmp(role, "GAP") == 0)
			out->roles |= ROLE_GAP;
		else if (role && strcmp(role, "COGAP") == 0)
			out->roles |= ROLE_COGAP;
	}
	store_done(q);
	if (rc < 0)
		return -1;

	if (store_query(tx, SQL_ACCESS_MANAGED_QUALITIES, &q, "ii", org_id, person_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *type = store_text(q, ACCESS_MANAGED_QUALITIES_TYPE);

		if (type && strcmp(type, "USER") == 0) {
			out->roles |= ROLE_USER;
			continue;
		}
		out->roles |= type && strcmp(type, "GL") == 0 ? ROLE_GL : ROLE_COGL;
		if (out->nmanaged < POLICY_MAX_QUALITIES)
			out->managed[out->nmanaged++] =
			    store_int(q, ACCESS_MANAGED_QUALITIES_ORG_QUALITY_ID);
	}
	store_done(q);
	if (rc < 0)
		return -1;

	if (store_query(tx, SQL_ACCESS_ACCOUNT_STATUS, &q, "ii", org_id, person_id) != 0)
		return -1;
	if (store_next(q) == 1) {
		const char *st = store_text(q, ACCESS_ACCOUNT_STATUS_STATUS);
		out->suspended = st && strcmp(st, "suspended") == 0;
	}
	store_done(q);
	return 0;
}
