/* profile.h — the profiles a person may log in with for a client: themself within an
 * organisation where they hold an active account granted the client's application;
 * when there is none, who could grant it. Read through the access service's read model
 * (access/profiles.h) and auth/person.h; changes nothing. */
#ifndef PORTIER_OIDC_PROFILE_H
#define PORTIER_OIDC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/profiles.h"
#include "base/arena.h"
#include "store/store.h"

#define OIDC_PROFILES_MAX 64
#define OIDC_LABEL_SIZE ACCESS_LABEL_SIZE

/* What the claims of a grant are made of, as it stands now: the person, the profile,
 * the applications granted to the account within the quality. The texts and the list
 * of applications are owned by the arena given to oidc_profile_read; "" when the person
 * has none (no NISS, no e-mail). */
struct oidc_profile_data {
	const char *niss;
	const char *last_name;
	const char *first_name;
	const char *language;
	const char *email;
	struct access_profile_now profile;
	const char **apps;
	size_t n_apps;
};

/* Index of a language in the name arrays (fr 0, nl 1, de 2, en 3; others 0). */
int oidc_lang_index(const char *lang);

/* Reads application code, its texts in a. Returns 0, 1 (unknown) or -1. */
int oidc_app_get(struct store *s, struct arena *a, const char *code, struct access_app *out);
/* The profiles of person for application (at most max), texts in a. Returns 0 or -1; *n
 * the count. */
int oidc_profiles(struct store *s, struct arena *a, int64_t person_id,
    const char *application, struct access_profile *out, size_t max, size_t *n);
/* The organisations where person has an account, active or suspended; texts in a. 0 or
 * -1. */
int oidc_memberships(struct store *s, struct arena *a, int64_t person_id,
    struct access_membership *out, size_t max, size_t *n);
/* Who can grant application in the organisations of person: GAP, co-GAPs, and the
 * local managers of the application's quality; texts in a. 0 or -1. */
int oidc_granters(struct store *s, struct arena *a, int64_t person_id,
    const char *application, struct access_granter *out, size_t max, size_t *n);
/* Checks inside tx that the account is active and still granted application within the
 * activated quality, and reads what the claims show (texts in a). Returns 0, 1 (no longer) or -1. */
int oidc_profile_current(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, struct access_profile_now *out);
/* Reads inside tx what the claims need (oidc_profile_current, the person, the
 * applications), the texts in a. Returns 0, 1 when the profile is no longer valid, or
 * -1. */
int oidc_profile_read(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, int64_t person_id,
    struct oidc_profile_data *out);
/* Calls fn for each application granted to the account within the quality. 0 or -1. */
int oidc_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg);

#endif
