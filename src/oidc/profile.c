/* profile.c — reads of the access tables for the profile choice and the claims: the
 * eligible profiles, the memberships, the people who can grant, a grant's profile now. */
#include "oidc/profile.h"

#include <stdio.h>
#include <string.h>

#include "oidc/sql.h"

/* Copies a column whole; -1 when it does not fit (text_copy). */
static int
copy_text(char *dst, size_t dstlen, const char *src)
{
	return text_copy(dst, dstlen, src);
}

int
oidc_lang_index(const char *lang)
{
	static const char *const langs[4] = { "fr", "nl", "de", "en" };

	for (int i = 0; lang != NULL && i < 4; i++)
		if (strcmp(lang, langs[i]) == 0)
			return i;
	return 0;
}

int
oidc_app_get(struct store *s, const char *code, struct oidc_app *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_APP_GET, &q, "t", code) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		if (copy_text(out->quality, sizeof(out->quality), store_text(q, 0)) != 0)
			rc = -1;
		out->min_level = (int)store_int(q, 1);
		for (int i = 0; i < 4; i++)
			if (copy_text(out->name[i], sizeof(out->name[i]), store_text(q, 2 + i)) != 0)
				rc = -1;
	}
	store_done(q);
	store_rollback(&tx);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
oidc_profiles(struct store *s, int64_t person_id, const char *application,
    struct oidc_profile *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_PROFILES, &q, "it", person_id, application) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1 && *n < max) {
		struct oidc_profile *p = &out[*n];

		memset(p, 0, sizeof(*p));
		p->account_id = store_int(q, 0);
		p->org_quality_id = store_int(q, 1);
		p->org_id = store_int(q, 2);
		if (copy_text(p->enterprise, sizeof(p->enterprise), store_text(q, 3)) != 0 ||
		    copy_text(p->org_name, sizeof(p->org_name), store_text(q, 4)) != 0 ||
		    copy_text(p->country, sizeof(p->country), store_text(q, 5)) != 0 ||
		    copy_text(p->foreign_reg, sizeof(p->foreign_reg), store_text(q, 6)) != 0 ||
		    copy_text(p->role, sizeof(p->role), store_text(q, 7)) != 0) {
			rc = -1;
			break;
		}
		(*n)++;
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

int
oidc_memberships(struct store *s, int64_t person_id, struct oidc_membership *out, size_t max,
    size_t *n)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_ACCOUNTS_OF_PERSON, &q, "i", person_id) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1 && *n < max) {
		struct oidc_membership *m = &out[*n];
		const char *status = store_text(q, 3);

		memset(m, 0, sizeof(*m));
		m->org_id = store_int(q, 0);
		if (copy_text(m->org_name, sizeof(m->org_name), store_text(q, 1)) != 0 ||
		    copy_text(m->enterprise, sizeof(m->enterprise), store_text(q, 2)) != 0) {
			rc = -1;
			break;
		}
		m->suspended = status == NULL || strcmp(status, "active") != 0;
		(*n)++;
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

int
oidc_granters(struct store *s, int64_t person_id, const char *application,
    struct oidc_granter *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_GRANTERS, &q, "it", person_id, application) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1 && *n < max) {
		struct oidc_granter *g = &out[*n];

		memset(g, 0, sizeof(*g));
		g->org_id = store_int(q, 0);
		if (copy_text(g->role, sizeof(g->role), store_text(q, 1)) != 0 ||
		    copy_text(g->first_name, sizeof(g->first_name), store_text(q, 2)) != 0 ||
		    copy_text(g->last_name, sizeof(g->last_name), store_text(q, 3)) != 0) {
			rc = -1;
			break;
		}
		(*n)++;
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

int
oidc_profile_current(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    const char *application, struct oidc_profile_now *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_query(tx, SQL_OIDC_PROFILE_GET, &q, "iit", account_id, org_quality_id,
	    application) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *status = store_text(q, 10);

		int bad = copy_text(out->enterprise, sizeof(out->enterprise), store_text(q, 0)) |
		    copy_text(out->org_name, sizeof(out->org_name), store_text(q, 1)) |
		    copy_text(out->country, sizeof(out->country), store_text(q, 2)) |
		    copy_text(out->foreign_reg, sizeof(out->foreign_reg), store_text(q, 3)) |
		    copy_text(out->quality, sizeof(out->quality), store_text(q, 4)) |
		    copy_text(out->role, sizeof(out->role), store_text(q, 9));

		for (int i = 0; i < 4; i++)
			bad |= copy_text(out->quality_name[i], sizeof(out->quality_name[i]),
			    store_text(q, 5 + i));
		/* A suspended account or a withdrawn grant ends the profile. */
		if (status == NULL || strcmp(status, "active") != 0 || store_int(q, 11) == 0)
			rc = 0;
		if (bad != 0)
			rc = -1;
	}
	store_done(q);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

int
oidc_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_OIDC_PROFILE_APPS, &q, "ii", org_quality_id, account_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1)
		if (store_text(q, 0) != NULL && fn(arg, store_text(q, 0)) != 0) {
			rc = -1;
			break;
		}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

static int
add_app(void *arg, const char *application)
{
	struct oidc_profile_data *d = arg;

	/* A claim that would leave an application out is not made. */
	if (d->n_apps == OIDC_APPS_MAX || strlen(application) > OIDC_APP_CODE_MAX)
		return -1;
	memcpy(d->apps[d->n_apps++], application, strlen(application) + 1);
	return 0;
}

int
oidc_profile_read(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    const char *application, int64_t person_id, struct oidc_profile_data *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = oidc_profile_current(tx, account_id, org_quality_id, application, &out->profile);
	if (rc != 0)
		return rc;
	if (store_query(tx, SQL_OIDC_PERSON_GET, &q, "i", person_id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		if (copy_text(out->niss, sizeof(out->niss), store_text(q, 0)) != 0 ||
		    copy_text(out->last_name, sizeof(out->last_name), store_text(q, 1)) != 0 ||
		    copy_text(out->first_name, sizeof(out->first_name), store_text(q, 2)) != 0 ||
		    copy_text(out->language, sizeof(out->language), store_text(q, 3)) != 0 ||
		    copy_text(out->email, sizeof(out->email), store_text(q, 4)) != 0)
			rc = -1;
	}
	store_done(q);
	if (rc != 1)
		return rc == 0 ? 1 : -1;
	return oidc_profile_apps(tx, account_id, org_quality_id, add_app, out) == 0 ? 0 : -1;
}
