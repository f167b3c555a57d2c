/* profiles.c — the profiles read model (access/profiles.h): the access tables as the
 * OpenID provider's profile choice and claims read them; changes nothing. */
#include "access/profiles.h"

#include <stdio.h>
#include <string.h>

#include "access/service.h"
#include "access/sql.h"

/* Fills at most max elements of size bytes at out from the rows of q, each by row (texts
 * in a); ends q. Returns 0 or -1; *n the count. */
static int
rows_into(struct store_q *q, struct arena *a, void *out, size_t size, size_t max,
    size_t *n, access_row_fn *row)
{
	int rc;

	*n = 0;
	while ((rc = store_next(q)) == 1 && *n < max) {
		void *elem = (char *)out + *n * size;

		memset(elem, 0, size);
		if (row(q, a, elem) != 0) {
			rc = -1;
			break;
		}
		(*n)++;
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

int
access_application_get(struct store_tx *tx, struct arena *a, const char *code,
    struct access_app *out)
{
	struct store_q *q;
	int rc, bad;

	memset(out, 0, sizeof(*out));
	if (store_query(tx, SQL_ACCESS_PROFILE_APP, &q, "t", code) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		out->min_level = (int)store_int(q, ACCESS_PROFILE_APP_MIN_LEVEL);
		bad = a != NULL ? access_dup(a, &out->quality,
		    store_text(q, ACCESS_PROFILE_APP_QUALITY)) : 0;
		for (int i = 0; a != NULL && i < 4; i++)
			bad |= access_dup(a, &out->name[i],
			    store_text(q, ACCESS_PROFILE_APP_NAME_FR + i));
		if (bad != 0)
			rc = -1;
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* access_row_fn: a profile of SQL_ACCESS_PROFILES. */
static int
profile_row(struct store_q *q, struct arena *a, void *elem)
{
	struct access_profile *p = elem;

	p->account_id = store_int(q, ACCESS_PROFILES_ACCOUNT_ID);
	p->org_quality_id = store_int(q, ACCESS_PROFILES_ORG_QUALITY_ID);
	p->org_id = store_int(q, ACCESS_PROFILES_ORG_ID);
	return access_dup(a, &p->enterprise, store_text(q, ACCESS_PROFILES_ENTERPRISE)) |
	    access_dup(a, &p->org_name, store_text(q, ACCESS_PROFILES_NAME)) |
	    access_dup(a, &p->country, store_text(q, ACCESS_PROFILES_COUNTRY)) |
	    access_dup(a, &p->foreign_reg, store_text(q, ACCESS_PROFILES_FOREIGN_REG)) |
	    access_dup(a, &p->role, store_text(q, ACCESS_PROFILES_TYPE)) |
	    access_dup(a, &p->id_type, store_text(q, ACCESS_PROFILES_ID_TYPE)) |
	    access_dup(a, &p->id_value, store_text(q, ACCESS_PROFILES_ID_VALUE));
}

int
access_profiles_for(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, struct access_profile *out, size_t max, size_t *n)
{
	struct store_q *q;

	*n = 0;
	if (store_query(tx, SQL_ACCESS_PROFILES, &q, "it", person_id, application) != 0)
		return -1;
	return rows_into(q, a, out, sizeof(*out), max, n, profile_row);
}

/* access_row_fn: an organisation of SQL_ACCESS_PROFILE_MEMBERSHIPS. */
static int
membership_row(struct store_q *q, struct arena *a, void *elem)
{
	struct access_membership *m = elem;
	const char *status = store_text(q, ACCESS_PROFILE_MEMBERSHIPS_STATUS);

	m->org_id = store_int(q, ACCESS_PROFILE_MEMBERSHIPS_ID);
	m->suspended = status == NULL || strcmp(status, "active") != 0;
	return access_dup(a, &m->org_name, store_text(q, ACCESS_PROFILE_MEMBERSHIPS_NAME)) |
	    access_dup(a, &m->enterprise, store_text(q, ACCESS_PROFILE_MEMBERSHIPS_ENTERPRISE));
}

int
access_memberships_of(struct store_tx *tx, struct arena *a, int64_t person_id,
    struct access_membership *out, size_t max, size_t *n)
{
	struct store_q *q;

	*n = 0;
	if (store_query(tx, SQL_ACCESS_PROFILE_MEMBERSHIPS, &q, "i", person_id) != 0)
		return -1;
	return rows_into(q, a, out, sizeof(*out), max, n, membership_row);
}

/* access_row_fn: a granter of SQL_ACCESS_PROFILE_GRANTERS. */
static int
granter_row(struct store_q *q, struct arena *a, void *elem)
{
	struct access_granter *g = elem;

	g->org_id = store_int(q, ACCESS_PROFILE_GRANTERS_ID);
	return access_dup(a, &g->role, store_text(q, ACCESS_PROFILE_GRANTERS_ROLE)) |
	    access_dup(a, &g->first_name, store_text(q, ACCESS_PROFILE_GRANTERS_FIRST_NAME)) |
	    access_dup(a, &g->last_name, store_text(q, ACCESS_PROFILE_GRANTERS_LAST_NAME));
}

int
access_granters_for(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, struct access_granter *out, size_t max, size_t *n)
{
	struct store_q *q;

	*n = 0;
	if (store_query(tx, SQL_ACCESS_PROFILE_GRANTERS, &q, "it", person_id, application) != 0)
		return -1;
	return rows_into(q, a, out, sizeof(*out), max, n, granter_row);
}

int
access_profile_now(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, struct access_profile_now *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_query(tx, SQL_ACCESS_PROFILE_NOW, &q, "iit", account_id, org_quality_id,
	    application) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *status = store_text(q, ACCESS_PROFILE_NOW_STATUS);

		int bad = access_dup(a, &out->enterprise,
		    store_text(q, ACCESS_PROFILE_NOW_ENTERPRISE)) |
		    access_dup(a, &out->org_name, store_text(q, ACCESS_PROFILE_NOW_NAME)) |
		    access_dup(a, &out->country, store_text(q, ACCESS_PROFILE_NOW_COUNTRY)) |
		    access_dup(a, &out->foreign_reg,
		    store_text(q, ACCESS_PROFILE_NOW_FOREIGN_REG)) |
		    access_dup(a, &out->quality, store_text(q, ACCESS_PROFILE_NOW_QUALITY)) |
		    access_dup(a, &out->role, store_text(q, ACCESS_PROFILE_NOW_TYPE));

		for (int i = 0; i < 4; i++)
			bad |= access_dup(a, &out->quality_name[i],
			    store_text(q, ACCESS_PROFILE_NOW_NAME_FR + i));
		/* A suspended account or a withdrawn grant ends the profile. */
		if (status == NULL || strcmp(status, "active") != 0 ||
		    store_int(q, ACCESS_PROFILE_NOW_GRANTED) == 0)
			rc = 0;
		if (bad != 0)
			rc = -1;
	}
	store_done(q);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

int
access_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_PROFILE_APPS, &q, "ii", org_quality_id, account_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1)
		if (store_text(q, ACCESS_PROFILE_APPS_APPLICATION) != NULL &&
		    fn(arg, store_text(q, ACCESS_PROFILE_APPS_APPLICATION)) != 0) {
			rc = -1;
			break;
		}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* access_row_fn: a profile of SQL_ACCESS_MANDATE_PROFILES. */
static int
mandate_row(struct store_q *q, struct arena *a, void *elem)
{
	struct access_mandate_profile *p = elem;

	p->mandate_id = store_int(q, ACCESS_MANDATE_PROFILES_MANDATE_ID);
	p->account_id = store_int(q, ACCESS_MANDATE_PROFILES_ACCOUNT_ID);
	p->org_quality_id = store_int(q, ACCESS_MANDATE_PROFILES_ORG_QUALITY_ID);
	p->org_id = store_int(q, ACCESS_MANDATE_PROFILES_ORG_ID);
	return access_dup(a, &p->public_id, store_text(q, ACCESS_MANDATE_PROFILES_PUBLIC_ID)) |
	    access_dup(a, &p->enterprise, store_text(q, ACCESS_MANDATE_PROFILES_ENTERPRISE)) |
	    access_dup(a, &p->org_name, store_text(q, ACCESS_MANDATE_PROFILES_NAME)) |
	    access_dup(a, &p->country, store_text(q, ACCESS_MANDATE_PROFILES_COUNTRY)) |
	    access_dup(a, &p->foreign_reg, store_text(q, ACCESS_MANDATE_PROFILES_FOREIGN_REG)) |
	    access_dup(a, &p->via_enterprise,
	    store_text(q, ACCESS_MANDATE_PROFILES_VIA_ENTERPRISE)) |
	    access_dup(a, &p->via_name, store_text(q, ACCESS_MANDATE_PROFILES_VIA_NAME)) |
	    access_dup(a, &p->via_country, store_text(q, ACCESS_MANDATE_PROFILES_VIA_COUNTRY)) |
	    access_dup(a, &p->via_foreign_reg,
	    store_text(q, ACCESS_MANDATE_PROFILES_VIA_FOREIGN_REG));
}

int
access_mandates_for(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, int quarter, const struct access_mandate_query *mq,
    struct access_mandate_profile *out, size_t max, size_t *n)
{
	struct store_q *q;

	*n = 0;
	if (mq->limit < 0 || mq->offset < 0)
		return -1;
	if (store_query(tx, SQL_ACCESS_MANDATE_PROFILES, &q, "ititttiiti", person_id,
	    application, (int64_t)quarter, mq->name_like, mq->number_like, mq->public_id,
	    mq->limit, mq->offset, mq->key, (int64_t)(mq->before ? 1 : 0)) != 0)
		return -1;
	return rows_into(q, a, out, sizeof(*out), max, n, mandate_row);
}

int
access_mandate_now(struct store_tx *tx, struct arena *a, int64_t mandate_id,
    int64_t account_id, const char *application, int quarter,
    struct access_profile_now *out, struct access_profile_now *via)
{
	struct store_q *q;
	int rc, bad;

	memset(out, 0, sizeof(*out));
	memset(via, 0, sizeof(*via));
	if (store_query(tx, SQL_ACCESS_MANDATE_NOW, &q, "iiti", mandate_id, account_id,
	    application, (int64_t)quarter) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		bad = access_dup(a, &out->enterprise, store_text(q, ACCESS_MANDATE_NOW_ENTERPRISE)) |
		    access_dup(a, &out->org_name, store_text(q, ACCESS_MANDATE_NOW_NAME)) |
		    access_dup(a, &out->country, store_text(q, ACCESS_MANDATE_NOW_COUNTRY)) |
		    access_dup(a, &out->foreign_reg, store_text(q, ACCESS_MANDATE_NOW_FOREIGN_REG)) |
		    access_dup(a, &out->quality, store_text(q, ACCESS_MANDATE_NOW_QUALITY)) |
		    access_dup(a, &out->role, "USER") |
		    access_dup(a, &via->enterprise, store_text(q, ACCESS_MANDATE_NOW_VIA_ENTERPRISE)) |
		    access_dup(a, &via->org_name, store_text(q, ACCESS_MANDATE_NOW_VIA_NAME)) |
		    access_dup(a, &via->country, store_text(q, ACCESS_MANDATE_NOW_VIA_COUNTRY)) |
		    access_dup(a, &via->foreign_reg,
		    store_text(q, ACCESS_MANDATE_NOW_VIA_FOREIGN_REG));
		for (int i = 0; i < 4; i++)
			bad |= access_dup(a, &out->quality_name[i],
			    store_text(q, ACCESS_MANDATE_NOW_NAME_FR + i));
		/* An ended, expired or not yet begun mandate, a suspended account, a member
		 * removed or an application withdrawn ends the profile at once. */
		if (store_int(q, ACCESS_MANDATE_NOW_SERVES) == 0)
			rc = 0;
		if (bad != 0)
			rc = -1;
	}
	store_done(q);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

int
access_mandate_apps(struct store_tx *tx, int64_t mandate_id, int64_t account_id,
    int (*fn)(void *arg, const char *application), void *arg)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_MANDATE_USABLE_APPS, &q, "ii", mandate_id,
	    account_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1)
		if (store_text(q, ACCESS_MANDATE_USABLE_APPS_APPLICATION) != NULL &&
		    fn(arg, store_text(q, ACCESS_MANDATE_USABLE_APPS_APPLICATION)) != 0) {
			rc = -1;
			break;
		}
	store_done(q);
	return rc < 0 ? -1 : 0;
}
