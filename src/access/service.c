/* service.c — the steps the services of access/ share inside their one transaction: the
 * opening with its policy check (a refusal audited), audit events with JSON details, the
 * lists they return grown in the request's arena. */
#include "access/service.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/quality.h"
#include "access/sql.h"

enum access_rc
access_begin(struct store *s, enum store_mode mode, int64_t org, int64_t quality,
    struct store_tx **tx, struct arena *a, struct org *o)
{
	int r = 0;

	if (store_begin(s, mode, tx) != 0)
		return ACCESS_ERROR;
	if (o != NULL)
		r = org_get(*tx, a, org, o);
	if (r == 0 && quality > 0)
		r = quality_read(*tx, NULL, org, quality, "fr", NULL, NULL);
	if (r != 0) {
		store_rollback(tx);
		*tx = NULL;
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	return ACCESS_OK;
}

enum access_rc
access_check(struct store *s, struct store_tx **tx, const struct actor *who,
    int64_t org, enum policy_action action, const struct policy_target *t,
    int64_t target_person, struct policy_actor *actor)
{
	enum policy_reason why;
	enum access_rc rc = access_allow(*tx, who, org, action, t, actor, &why);
	char object[32];

	if (rc == ACCESS_DENIED) {
		snprintf(object, sizeof(object), "person:%" PRId64, target_person);
		return access_refuse(s, tx, who, org, action, why, t->quality,
		    target_person > 0 ? object : NULL);
	}
	if (rc != ACCESS_OK) {
		store_rollback(tx);
		*tx = NULL;
	}
	return rc;
}

enum access_rc
access_open(struct store *s, enum store_mode mode, const struct actor *who,
    int64_t org, enum policy_action action, const struct policy_target *t,
    struct store_tx **tx, struct arena *a, struct org *o, struct policy_actor *actor)
{
	enum access_rc rc = access_begin(s, mode, org, t->quality, tx, a, o);
	int64_t target = 0;

	if (rc != ACCESS_OK)
		return rc;
	if (t->target_is_gap)
		target = org_gap(*tx, org);
	return access_check(s, tx, who, org, action, t, target, actor);
}

enum access_rc
access_open_own(struct store *s, enum store_mode mode, const struct actor *who,
    int64_t org, struct store_tx **tx, struct policy_actor *actor)
{
	struct policy_target own = { .own_data = true };
	struct org none;

	return access_open(s, mode, who, org, POLICY_CHANGE_OWN_DATA, &own, tx, NULL,
	    org != 0 ? &none : NULL, actor);
}

unsigned
access_role_bit(const char *role)
{
	if (role != NULL && strcmp(role, "GAP") == 0)
		return ROLE_GAP;
	if (role != NULL && strcmp(role, "COGAP") == 0)
		return ROLE_COGAP;
	return 0;
}

int
access_manager_roles(struct store_tx *tx, const struct actor *who, int64_t org,
    int64_t person, unsigned *roles)
{
	struct store_q *q;
	const char *role;
	int rc;

	*roles = 0;
	if (person == 0 || person == who->person_id)
		return 0;
	if (store_query(tx, SQL_ACCESS_ORG_ROLE, &q, "ii", org, person) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		role = store_text(q, ACCESS_ORG_ROLE_ROLE);
		*roles |= access_role_bit(role);
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

int
access_audit_json(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, const char *action, const char *object,
    json_t *j)
{
	char *details = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	json_decref(j);
	rc = details != NULL ? access_audit(tx, who, actor, org, action, object, details) : -1;
	free(details);
	return rc;
}

void *
access_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	return arena_grow(a, v, n, cap, size);
}

int
access_read_rows(struct store_q *q, struct arena *a, struct access_list *l, size_t size,
    access_row_fn *row)
{
	int r;

	while ((r = store_next(q)) == 1) {
		char *elem;

		l->v = access_grow(a, l->v, l->n, &l->cap, size);
		if (l->v == NULL) {
			r = -1;
			break;
		}
		elem = (char *)l->v + l->n * size;
		memset(elem, 0, size);
		if (row(q, a, elem) != 0) {
			r = -1;
			break;
		}
		l->n++;
	}
	store_done(q);
	return r < 0 ? -1 : 0;
}

int
access_dup(struct arena *a, const char **dst, const char *src)
{
	*dst = arena_strdup(a, src != NULL ? src : "");
	return *dst != NULL ? 0 : -1;
}

bool
access_one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}
