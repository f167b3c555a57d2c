/* attrs.h — the federation service's attribute set (docs/federation.md): what is said
 * about a person who logged in with a chosen profile, whatever the protocol, and what a
 * requester may receive of it. Pure: the profile's data is read by fed/profiles.h. */
#ifndef PORTIER_FED_ATTRS_H
#define PORTIER_FED_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/profiles.h"
#include "fed/profiles.h"

#define FED_SUB_LEN 43               /* HMAC-SHA256 in base64url */

/* What a requester receives: its sector (the pairwise subject's) and the parts asked for
 * (OpenID: the scopes) together with what its registration allows. */
struct fed_release {
	const char *sector;
	bool names;                      /* first name, last name, language */
	bool email;
	bool national_number;            /* asked for */
	bool allow_national_number;      /* allowed by the requester's registration */
};

/* The attributes released. A text is NULL when not released (or not known); the
 * profile's part and the applications are always there. The texts stay those of the
 * fed_profile_data given. */
struct fed_attrs {
	char sub[FED_SUB_LEN + 1];       /* the pairwise subject in the requester's sector */
	const char *first_name;
	const char *last_name;
	const char *language;
	const char *email;
	const char *national_number;
	const struct access_profile_now *profile;  /* organisation, quality, role */
	const struct access_profile_now *via;      /* the mandatary under a mandate, else NULL */
	const char *const *apps;         /* the applications granted within the quality */
	size_t n_apps;
};

/* The pairwise subject of person_id in sector: base64url(HMAC-SHA256(secret,
 * sector || 0x00 || decimal person id)), always FED_SUB_LEN characters. */
void fed_pairwise_sub(const unsigned char secret[32], const char *sector, int64_t person_id,
    char out[FED_SUB_LEN + 1]);

/* The attributes of person_id, made of d, that rel releases (secret: the installation's
 * pairwise secret). The national number only when asked, allowed and known; the e-mail
 * only when asked and known. Returns 0, or -1 when rel has no sector. */
int fed_attributes(const unsigned char secret[32], int64_t person_id,
    const struct fed_profile_data *d, const struct fed_release *rel, struct fed_attrs *out);

#endif
