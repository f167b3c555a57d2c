/* profiles.c — the federation service's reads for the profile choice and the attributes,
 * through the access service's read model and auth/person.h (docs/federation.md). */
#include "fed/profiles.h"

#include <string.h>
#include <time.h>

#include "access/subdept.h"
#include "auth/person.h"
#include "base/arena.h"
#include "base/clock.h"

/* Each profile's sub-department (issue 16 part 4): "Organisation — Sous-département" on the
 * choice, and in the organisation claim. Returns 0 or -1. */
static int
with_subdepts(struct store_tx *tx, struct arena *a, struct access_profile *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (subdept_of_member(tx, a, p[i].org_quality_id, p[i].account_id, &p[i].subdept) != 0)
			return -1;
	return 0;
}

int
fed_lang_index(const char *lang)
{
	static const char *const langs[4] = { "fr", "nl", "de", "en" };

	for (int i = 0; lang != NULL && i < 4; i++)
		if (strcmp(lang, langs[i]) == 0)
			return i;
	return 0;
}

int
fed_app_get(struct store *s, struct arena *a, const char *code, struct access_app *out)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	rc = access_application_get(tx, a, code, out);
	store_rollback(&tx);
	return rc;
}

int
fed_app_get_tx(struct store_tx *tx, struct arena *a, const char *code, struct access_app *out)
{
	return access_application_get(tx, a, code, out);
}

int
fed_profiles_for_tx(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, struct access_profile *out, size_t max, size_t *n)
{
	*n = 0;
	if (access_profiles_for(tx, a, person_id, application, out, max, n) != 0)
		return -1;
	return with_subdepts(tx, a, out, *n);
}

int
fed_profiles_for(struct store *s, struct arena *a, int64_t person_id, const char *application,
    struct access_profile *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = access_profiles_for(tx, a, person_id, application, out, max, n);
	if (rc == 0)
		rc = with_subdepts(tx, a, out, *n);
	store_rollback(&tx);
	return rc;
}

int
fed_memberships(struct store *s, struct arena *a, int64_t person_id,
    struct access_membership *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = access_memberships_of(tx, a, person_id, out, max, n);
	store_rollback(&tx);
	return rc;
}

int
fed_granters(struct store *s, struct arena *a, int64_t person_id, const char *application,
    struct access_granter *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = access_granters_for(tx, a, person_id, application, out, max, n);
	store_rollback(&tx);
	return rc;
}

int
fed_profile_current(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, struct access_profile_now *out)
{
	int rc = access_profile_now(tx, a, account_id, org_quality_id, application, out);

	out->subdept = "";
	if (rc == 0 && subdept_of_member(tx, a, org_quality_id, account_id, &out->subdept) != 0)
		rc = -1;
	return rc;
}

int
fed_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg)
{
	return access_profile_apps(tx, account_id, org_quality_id, fn, arg);
}

/* The applications being read, with the arena that holds them. */
struct apps_read {
	struct arena *a;
	struct fed_profile_data *d;
	size_t cap;
};

static int
add_app(void *arg, const char *application)
{
	struct apps_read *r = arg;
	struct fed_profile_data *d = r->d;

	/* The list doubles in the arena: every application granted is in the claim. */
	if (d->n_apps == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		const char **apps = arena_alloc(r->a, cap * sizeof(*apps));

		if (apps == NULL)
			return -1;
		if (d->n_apps > 0)
			memcpy(apps, d->apps, d->n_apps * sizeof(*apps));
		d->apps = apps;
		r->cap = cap;
	}
	d->apps[d->n_apps] = arena_strdup(r->a, application);
	return d->apps[d->n_apps++] == NULL ? -1 : 0;
}

/* A copy of a person's text in a ("" for none); NULL only when a is full. */
static const char *
text_of(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* The person's part of out through auth/person.h, which owns the table. Returns 0, 1
 * (no such person) or -1. */
static int
person_part(struct store_tx *tx, struct arena *a, int64_t person_id, struct fed_profile_data *out)
{
	struct person p;
	int rc = person_read(tx, a, person_id, &p);

	if (rc != 0)
		return rc;
	out->niss = text_of(a, p.niss);
	out->last_name = text_of(a, p.last_name);
	out->first_name = text_of(a, p.first_name);
	out->language = text_of(a, p.language);
	out->email = text_of(a, p.email);
	if (out->niss == NULL || out->last_name == NULL || out->first_name == NULL ||
	    out->language == NULL || out->email == NULL)
		return -1;
	return 0;
}

int
fed_profile_read(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, int64_t person_id,
    struct fed_profile_data *out)
{
	struct apps_read apps = { a, out, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = fed_profile_current(tx, a, account_id, org_quality_id, application,
	    &out->profile);
	if (rc != 0)
		return rc;
	rc = person_part(tx, a, person_id, out);
	if (rc != 0)
		return rc;
	return fed_profile_apps(tx, account_id, org_quality_id, add_app, &apps) == 0 ? 0 : -1;
}

/* ---- issue 16: profiles under a mandate ---- */

int
fed_quarter(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 10 + tm.tm_mon / 3 + 1;
}

/* The LIKE patterns of a search: the name holds it (% _ \ escaped); when it is made of
 * digits (with the dots, spaces, slashes and dashes of a written number, "BE" before),
 * the enterprise number holds them too. NULL patterns for an empty search. Returns 0,
 * or -1 when a is full. */
static int
search_patterns(struct arena *a, const char *search, struct access_mandate_query *mq)
{
	size_t n, len, nd = 0;
	char *name, *num;
	const char *p;

	mq->name_like = mq->number_like = NULL;
	if (search == NULL)
		return 0;
	while (*search == ' ')
		search++;
	len = strnlen(search, FED_SEARCH_MAX + 1);
	while (len > 0 && search[len - 1] == ' ')
		len--;
	if (len == 0)
		return 0;
	if (len > FED_SEARCH_MAX)
		len = FED_SEARCH_MAX;
	name = arena_alloc(a, 2 * len + 3);
	num = arena_alloc(a, len + 3);
	if (name == NULL || num == NULL)
		return -1;
	n = 0;
	name[n++] = '%';
	for (size_t i = 0; i < len; i++) {
		if (search[i] == '%' || search[i] == '_' || search[i] == '\\')
			name[n++] = '\\';
		name[n++] = search[i];
	}
	name[n++] = '%';
	name[n] = '\0';
	mq->name_like = name;
	p = search;
	if (len >= 2 && (p[0] == 'B' || p[0] == 'b') && (p[1] == 'E' || p[1] == 'e'))
		p += 2;
	num[nd++] = '%';
	for (; p < search + len; p++) {
		if (*p >= '0' && *p <= '9')
			num[nd++] = *p;
		else if (*p != '.' && *p != ' ' && *p != '/' && *p != '-')
			return 0;
	}
	if (nd == 1)
		return 0;
	num[nd++] = '%';
	num[nd] = '\0';
	mq->number_like = num;
	return 0;
}

int
fed_mandates_for(struct store *s, struct arena *a, int64_t person_id,
    const char *application, const char *search, const char *key, bool before,
    struct access_mandate_profile *out, size_t *n, bool *more)
{
	struct access_mandate_profile *rows;
	struct access_mandate_query mq = { 0 };
	struct store_tx *tx;
	int rc;

	*n = 0;
	*more = false;
	/* One row more than the page tells whether another follows, without a count. */
	rows = arena_alloc(a, (FED_MANDATES_PAGE + 1) * sizeof(*rows));
	if (rows == NULL || search_patterns(a, search, &mq) != 0)
		return -1;
	mq.limit = FED_MANDATES_PAGE + 1;
	mq.key = key != NULL && key[0] != '\0' ? key : NULL;
	mq.before = mq.key != NULL && before;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = access_mandates_for(tx, a, person_id, application, fed_quarter(clock_time()), &mq,
	    rows, FED_MANDATES_PAGE + 1, n);
	store_rollback(&tx);
	if (rc != 0)
		return -1;
	if (*n > FED_MANDATES_PAGE) {
		*more = true;
		*n = FED_MANDATES_PAGE;
	}
	/* Read backwards, nearest first: shown in the order of the names. */
	for (size_t i = 0; i < *n; i++)
		out[i] = rows[mq.before ? *n - 1 - i : i];
	return 0;
}

int
fed_mandate_pick(struct store *s, struct arena *a, int64_t person_id,
    const char *application, const char *public_id, struct access_mandate_profile *out)
{
	struct access_mandate_query mq = { NULL, NULL, public_id, 1, 0, NULL, false };
	struct store_tx *tx;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (public_id == NULL || public_id[0] == '\0')
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = access_mandates_for(tx, a, person_id, application, fed_quarter(clock_time()), &mq,
	    out, 1, &n);
	store_rollback(&tx);
	if (rc != 0)
		return -1;
	return n == 1 ? 0 : 1;
}

int
fed_grant_profile_read(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, int64_t mandate_id, const char *application, int64_t person_id,
    struct fed_profile_data *out)
{
	struct apps_read apps = { a, out, 0 };
	int rc;

	if (mandate_id == 0)
		return fed_profile_read(tx, a, account_id, org_quality_id, application,
		    person_id, out);
	memset(out, 0, sizeof(*out));
	rc = access_mandate_now(tx, a, mandate_id, account_id, application,
	    fed_quarter(clock_time()), &out->profile, &out->via);
	if (rc != 0)
		return rc;
	out->mandate_id = mandate_id;
	rc = person_part(tx, a, person_id, out);
	if (rc != 0)
		return rc;
	return access_mandate_apps(tx, mandate_id, account_id, add_app, &apps) == 0 ? 0 : -1;
}
