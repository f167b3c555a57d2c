/* profiles.h — the federation service's profile choice (docs/federation.md), the same for
 * every protocol: the profiles a person may log in with for the asking service's
 * application (themself within an organisation where they hold an active account granted
 * it); when there is none, who could grant it; and what the attributes of a chosen profile
 * are made of. Read through the access service's read model (access/profiles.h) and
 * auth/person.h; changes nothing. */
#ifndef PORTIER_FED_PROFILES_H
#define PORTIER_FED_PROFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/profiles.h"
#include "base/arena.h"
#include "store/store.h"

#define FED_PROFILES_MAX 64
#define FED_LABEL_SIZE ACCESS_LABEL_SIZE

/* What the attributes of a chosen profile are made of, as it stands now: the person, the profile,
 * the applications granted to the account within the quality. The texts and the list
 * of applications are owned by the arena given to fed_profile_read; "" when the person
 * has none (no NISS, no e-mail). */
struct fed_profile_data {
	const char *niss;
	const char *last_name;
	const char *first_name;
	const char *language;
	const char *email;
	struct access_profile_now profile;
	const char **apps;
	size_t n_apps;
	/* Issue 16: under a mandate, profile is the mandator acted for and via the mandatary
	 * (the person's organisation, the chain); mandate_id 0 and via zero otherwise. */
	int64_t mandate_id;
	struct access_profile_now via;
};

/* The mandators offered on one page of the choice, and the longest search kept. */
#define FED_MANDATES_PAGE 20
#define FED_SEARCH_MAX 100

/* Index of a language in the name arrays (fr 0, nl 1, de 2, en 3; others 0). */
int fed_lang_index(const char *lang);

/* Reads application code, its texts in a. Returns 0, 1 (unknown) or -1. */
int fed_app_get(struct store *s, struct arena *a, const char *code, struct access_app *out);
/* The same inside the caller's transaction tx. */
int fed_app_get_tx(struct store_tx *tx, struct arena *a, const char *code,
    struct access_app *out);
/* The profiles of person for application (at most max), texts in a. Returns 0 or -1; *n
 * the count. */
int fed_profiles_for(struct store *s, struct arena *a, int64_t person_id,
    const char *application, struct access_profile *out, size_t max, size_t *n);
/* The same inside the caller's transaction tx (one transaction for a whole page). */
int fed_profiles_for_tx(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, struct access_profile *out, size_t max, size_t *n);
/* The organisations where person has an account, active or suspended; texts in a. 0 or
 * -1. */
int fed_memberships(struct store *s, struct arena *a, int64_t person_id,
    struct access_membership *out, size_t max, size_t *n);
/* Who can grant application in the organisations of person: GAP, co-GAPs, and the
 * local managers of the application's quality; texts in a. 0 or -1. */
int fed_granters(struct store *s, struct arena *a, int64_t person_id,
    const char *application, struct access_granter *out, size_t max, size_t *n);
/* Checks inside tx that the account is active and still granted application within the
 * activated quality, and reads what the claims show (texts in a). Returns 0, 1 (no longer) or -1. */
int fed_profile_current(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, struct access_profile_now *out);
/* Reads inside tx what the claims need (fed_profile_current, the person, the
 * applications), the texts in a. Returns 0, 1 when the profile is no longer valid, or
 * -1. */
int fed_profile_read(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, int64_t person_id,
    struct fed_profile_data *out);
/* Calls fn for each application granted to the account within the quality. 0 or -1. */
int fed_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg);

/* The quarter of time t (UTC), as mandates count them: year * 10 + quarter (1-4). */
int fed_quarter(int64_t t);
/* A page of the mandators person may act for with application now (issue 16),
 * FED_MANDATES_PAGE of them by name, those whose name or enterprise number holds search
 * (NULL or "": all; at most FED_SEARCH_MAX bytes are used): the first page (key NULL),
 * the one after the mandate of public id key, or with before the one before it (keyset
 * pages: every page costs what the first does). out has room for FED_MANDATES_PAGE; *more
 * tells whether another page follows in the direction read. Texts in a. 0 or -1. */
int fed_mandates_for(struct store *s, struct arena *a, int64_t person_id,
    const char *application, const char *search, const char *key, bool before,
    struct access_mandate_profile *out, size_t *n, bool *more);
/* The mandate profile public_id when person may act under it with application now: the
 * form's choice is checked against the store, never trusted. Returns 0, 1 (not theirs) or
 * -1. */
int fed_mandate_pick(struct store *s, struct arena *a, int64_t person_id,
    const char *application, const char *public_id, struct access_mandate_profile *out);
/* As fed_profile_read, or under mandate mandate_id when not 0: the mandate still active in
 * this quarter and the account still serving with application, else 1. */
int fed_grant_profile_read(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, int64_t mandate_id, const char *application, int64_t person_id,
    struct fed_profile_data *out);

#endif
