/* profile.h — the profiles a person may log in with for a client: themself within an
 * organisation where they hold an active account granted the client's application;
 * when there is none, who could grant it. Reads the access tables, changes nothing. */
#ifndef PORTIER_OIDC_PROFILE_H
#define PORTIER_OIDC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/utf8.h"
#include "store/store.h"

#define OIDC_PROFILES_MAX 64
#define OIDC_APPS_MAX 32
#define OIDC_APP_CODE_MAX 32
/* An application or quality name of the catalogue (CATALOGUE_NAME_MAX characters). */
#define OIDC_LABEL_SIZE UTF8_SIZE(200)

/* A secured application of the catalogue, with its names in fr, nl, de, en. */
struct oidc_app {
	char quality[33];
	int min_level;
	char name[4][OIDC_LABEL_SIZE];
};

/* One profile the person may choose. */
struct oidc_profile {
	int64_t account_id;
	int64_t org_quality_id;
	int64_t org_id;
	char enterprise[11];              /* "" for a foreign organisation */
	char org_name[ORG_NAME_SIZE];
	char country[3];
	char foreign_reg[UTF8_SIZE(64)];
	char role[8];                     /* GL, COGL or USER within the quality */
};

/* An organisation where the person has an account, for the page without profile. */
struct oidc_membership {
	int64_t org_id;
	char org_name[ORG_NAME_SIZE];
	char enterprise[11];
	bool suspended;
};

/* A person who can grant applications in an organisation. */
struct oidc_granter {
	int64_t org_id;
	char role[8];                     /* GAP, COGAP, GL, COGL */
	char first_name[PERSON_NAME_SIZE];
	char last_name[PERSON_NAME_SIZE];
};

/* The profile of a grant as it stands now, for the claims. */
struct oidc_profile_now {
	char enterprise[11];
	char org_name[ORG_NAME_SIZE];
	char country[3];
	char foreign_reg[UTF8_SIZE(64)];
	char quality[33];
	char quality_name[4][OIDC_LABEL_SIZE];   /* fr, nl, de, en */
	char role[8];
};

/* What the claims of a grant are made of, as it stands now: the person, the profile,
 * the applications granted to the account within the quality. */
struct oidc_profile_data {
	char niss[12];
	char last_name[PERSON_NAME_SIZE];
	char first_name[PERSON_NAME_SIZE];
	char language[4];
	char email[256];
	struct oidc_profile_now profile;
	char apps[OIDC_APPS_MAX][OIDC_APP_CODE_MAX + 1];
	size_t n_apps;
};

/* The readers below return -1 also when a stored text does not fit its array: a text is
 * never cut. */

/* Index of a language in the name arrays (fr 0, nl 1, de 2, en 3; others 0). */
int oidc_lang_index(const char *lang);

/* Reads application code. Returns 0, 1 (unknown) or -1. */
int oidc_app_get(struct store *s, const char *code, struct oidc_app *out);
/* The profiles of person for application (at most max). Returns 0 or -1; *n the count. */
int oidc_profiles(struct store *s, int64_t person_id, const char *application,
    struct oidc_profile *out, size_t max, size_t *n);
/* The organisations where person has an account, active or suspended. 0 or -1. */
int oidc_memberships(struct store *s, int64_t person_id, struct oidc_membership *out,
    size_t max, size_t *n);
/* Who can grant application in the organisations of person: GAP, co-GAPs, and the
 * local managers of the application's quality. 0 or -1. */
int oidc_granters(struct store *s, int64_t person_id, const char *application,
    struct oidc_granter *out, size_t max, size_t *n);
/* Checks inside tx that the account is active and still granted application within the
 * activated quality, and reads what the claims show. Returns 0, 1 (no longer) or -1. */
int oidc_profile_current(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    const char *application, struct oidc_profile_now *out);
/* Reads inside tx what the claims need (oidc_profile_current, the person, the
 * applications). Returns 0, 1 when the profile is no longer valid, or -1. */
int oidc_profile_read(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    const char *application, int64_t person_id, struct oidc_profile_data *out);
/* Calls fn for each application granted to the account within the quality. 0 or -1. */
int oidc_profile_apps(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int (*fn)(void *arg, const char *application), void *arg);

#endif
