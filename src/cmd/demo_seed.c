/* demo_seed.c — the demo world of `portier demo`: a few people with access codes, so a
 * newcomer can log in at once. Their passwords are in the README; never use in production. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "auth/person.h"
#include "base/log.h"

struct demo_person {
	const char *niss, *last, *first, *lang, *email, *username, *password;
};

static const struct demo_person people[] = {
	{ "85073003328", "Peeters", "Jan", "nl", "jan.peeters@example.be", "jan.peeters",
	    "Demo-portier-2026" },
	{ "17073003384", "Dubois", "Claire", "fr", "claire.dubois@example.be", "claire.dubois",
	    "Demo-portier-2026" },
	{ "90022800193", "Schmitz", "Lukas", "de", "lukas.schmitz@example.be", "lukas.schmitz",
	    "Demo-portier-2026" },
};

int
demo_seed(struct store *s)
{
	struct person existing;

	if (person_get(s, 1, &existing) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		const struct demo_person *d = &people[i];
		struct person p = { 0 };
		int rc;

		snprintf(p.niss, sizeof(p.niss), "%s", d->niss);
		snprintf(p.last_name, sizeof(p.last_name), "%s", d->last);
		snprintf(p.first_name, sizeof(p.first_name), "%s", d->first);
		snprintf(p.language, sizeof(p.language), "%s", d->lang);
		snprintf(p.email, sizeof(p.email), "%s", d->email);
		if (person_create(s, &p, "system", NULL) != 0 ||
		    person_set_password(s, p.id, d->username, d->password, NULL, &rc) != PASSWORD_OK ||
		    rc != 0) {
			fprintf(stderr, "portier: demo: cannot create %s\n", d->username);
			return -1;
		}
	}
	log_info(NULL, "demo: %zu people created (see README for their access codes)",
	    sizeof(people) / sizeof(people[0]));
	return 0;
}
