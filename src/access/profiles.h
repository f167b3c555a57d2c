/* profiles.h — the read model the access service exports for the OpenID provider: the
 * profiles a person may log in with for an application, their organisations, who could
 * grant it, a grant's profile as it stands now. Reads inside the caller's transaction. */
#ifndef PORTIER_ACCESS_PROFILES_H
#define PORTIER_ACCESS_PROFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "store/store.h"

/* An application or quality name of the catalogue (CATALOGUE_NAME_MAX characters). */
#define ACCESS_LABEL_SIZE UTF8_SIZE(200)

/* Every text below is whole, NUL-terminated, in the arena given to the reader ("" when
 * not set). */

/* A secured application of the catalogue, with its names in fr, nl, de, en. */
struct access_app {
	const char *quality;
	int min_level;
	const char *name[4];
};

/* One profile the person may choose: an active account granted the application within
 * the application's quality. */
struct access_profile {
	int64_t account_id;
	int64_t org_quality_id;
	int64_t org_id;
	const char *enterprise;           /* "" for a foreign organisation */
	const char *org_name;
	const char *country;
	const char *foreign_reg;
	const char *role;                 /* GL, COGL or USER within the quality */
	const char *id_type, *id_value;   /* the identifier (access/org_id.h) */
	const char *subdept;              /* its sub-department's name, "" (fed/profiles.c) */
};

/* An organisation where the person has an account, for the page without profile. */
struct access_membership {
	int64_t org_id;
	const char *org_name;
	const char *enterprise;
	bool suspended;
};

/* A person who can grant applications in an organisation. */
struct access_granter {
	int64_t org_id;
	const char *role;                 /* GAP, COGAP, GL, COGL */
	const char *first_name;
	const char *last_name;
};

/* The profile of a grant as it stands now, for the claims; its texts are owned by the
 * arena given to access_profile_now ("" when the column is empty). */
struct access_profile_now {
	const char *enterprise;
	const char *org_name;
	const char *country;
	const char *foreign_reg;
	const char *quality;
	const char *quality_name[4];   /* fr, nl, de, en */
	const char *role;
	const char *subdept;           /* the sub-department's name, "" (fed/profiles.c) */
};

/* Issue 16: a profile under a mandate: the person acts for the mandator (org_*) through
 * their active account in the mandatary (via_*), which serves under the mandate with the
 * application. */
struct access_mandate_profile {
	int64_t mandate_id;
	const char *public_id;
	int64_t account_id;               /* the person's account in the mandatary */
	int64_t org_quality_id;           /* the mandator's activated quality of the mandate */
	int64_t org_id;                   /* the mandator */
	const char *enterprise;
	const char *org_name;
	const char *country;
	const char *foreign_reg;
	const char *via_enterprise;       /* the mandatary */
	const char *via_name;
	const char *via_country;
	const char *via_foreign_reg;
};

/* Which mandate profiles access_mandates_for reads: a LIKE pattern of the mandator's name
 * and one of its enterprise number (either matches; both NULL: any), one mandate's public
 * id (NULL: any); limit rows from offset, by name then public id; keyset pages: those after
 * the mandate of public id key (NULL: from the first), or with before the ones before it,
 * nearest first (the caller reverses them). */
struct access_mandate_query {
	const char *name_like;
	const char *number_like;
	const char *public_id;
	int64_t limit;
	int64_t offset;
	const char *key;
	bool before;
};

/* Each reader returns -1 also when its arena a is full: a text is never cut or left out. */

/* Application code of the catalogue (a NULL: its level only, texts NULL). Returns 0, 1
 * (unknown) or -1. */
int access_application_get(struct store_tx *tx, struct arena *a, const char *code,
    struct access_app *out);
/* The profiles of person for application (at most max). Returns 0 or -1; *n the count. */
int access_profiles_for(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, struct access_profile *out, size_t max, size_t *n);
/* The organisations where person has an account, active or suspended. 0 or -1. */
int access_memberships_of(struct store_tx *tx, struct arena *a, int64_t person_id,
    struct access_membership *out, size_t max, size_t *n);
/* Who can grant application in the organisations of person: GAP, co-GAPs, and the
 * local managers of the application's quality. 0 or -1. */
int access_granters_for(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, struct access_granter *out, size_t max, size_t *n);
/* Whether the account is active and still granted application within the activated
 * quality, and what the claims show. Returns 0, 1 (no longer) or -1. */
int access_profile_now(struct store_tx *tx, struct arena *a, int64_t account_id,
    int64_t org_quality_id, const char *application, struct access_profile_now *out);
/* Calls fn for each application granted to the account within the quality. 0 or -1. */
int access_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg);

/* The mandate profiles of person for application in quarter (year * 10 + quarter) that
 * match mq (at most max). Returns 0 or -1; *n the count. */
int access_mandates_for(struct store_tx *tx, struct arena *a, int64_t person_id,
    const char *application, int quarter, const struct access_mandate_query *mq,
    struct access_mandate_profile *out, size_t max, size_t *n);
/* Whether account still serves under mandate with application in quarter, and what the
 * claims show: the mandator and the mandate's quality in *out (role "USER"), the
 * mandatary in *via (its organisation only). Returns 0, 1 (no longer) or -1. */
int access_mandate_now(struct store_tx *tx, struct arena *a, int64_t mandate_id,
    int64_t account_id, const char *application, int quarter,
    struct access_profile_now *out, struct access_profile_now *via);
/* Calls fn for each application account may use under mandate. 0 or -1. */
int access_mandate_apps(struct store_tx *tx, int64_t mandate_id, int64_t account_id,
    int (*fn)(void *arg, const char *application), void *arg);

#endif
