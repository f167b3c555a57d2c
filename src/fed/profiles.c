/* profiles.c — the federation service's reads for the profile choice and the attributes,
 * through the access service's read model and auth/person.h (docs/federation.md). */
#include "fed/profiles.h"

#include <string.h>

#include "access/subdept.h"
#include "auth/person.h"
#include "base/arena.h"

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

int
fed_profile_read(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, int64_t person_id,
    struct fed_profile_data *out)
{
	struct apps_read apps = { a, out, 0 };
	struct person p;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = fed_profile_current(tx, a, account_id, org_quality_id, application,
	    &out->profile);
	if (rc != 0)
		return rc;
	/* The person through auth/person.h, which owns the table. */
	rc = person_read(tx, a, person_id, &p);
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
	return fed_profile_apps(tx, account_id, org_quality_id, add_app, &apps) == 0 ? 0 : -1;
}
