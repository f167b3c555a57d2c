/* profile.c — the provider's reads for the profile choice and the claims, each in one
 * read transaction, through the access service's read model and auth/person.h. */
#include "oidc/profile.h"

#include <string.h>

#include "auth/person.h"
#include "base/arena.h"

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
oidc_app_get(struct store *s, struct arena *a, const char *code, struct access_app *out)
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
oidc_profiles(struct store *s, struct arena *a, int64_t person_id, const char *application,
    struct access_profile *out, size_t max, size_t *n)
{
	struct store_tx *tx;
	int rc;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = access_profiles_for(tx, a, person_id, application, out, max, n);
	store_rollback(&tx);
	return rc;
}

int
oidc_memberships(struct store *s, struct arena *a, int64_t person_id,
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
oidc_granters(struct store *s, struct arena *a, int64_t person_id, const char *application,
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
oidc_profile_current(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    const char *application, struct access_profile_now *out)
{
	return access_profile_now(tx, account_id, org_quality_id, application, out);
}

int
oidc_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg)
{
	return access_profile_apps(tx, account_id, org_quality_id, fn, arg);
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
	struct arena *a;
	struct person p;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = oidc_profile_current(tx, account_id, org_quality_id, application, &out->profile);
	if (rc != 0)
		return rc;
	/* The person through auth/person.h, which owns the table. */
	a = arena_new(16 * 1024);
	rc = a != NULL ? person_read(tx, a, person_id, &p) : -1;
	if (rc == 0 && (text_copy(out->niss, sizeof(out->niss), p.niss) != 0 ||
	    text_copy(out->last_name, sizeof(out->last_name), p.last_name) != 0 ||
	    text_copy(out->first_name, sizeof(out->first_name), p.first_name) != 0 ||
	    text_copy(out->language, sizeof(out->language), p.language) != 0 ||
	    text_copy(out->email, sizeof(out->email), p.email) != 0))
		rc = -1;
	arena_free(a);
	if (rc != 0)
		return rc;
	return oidc_profile_apps(tx, account_id, org_quality_id, add_app, out) == 0 ? 0 : -1;
}
