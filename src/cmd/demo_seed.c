/* demo_seed.c — the demo world of `portier demo`: a few people with access codes, so a
 * newcomer can log in at once. Their passwords are in the README; never use in production. */
#include "cmd/cmd.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/org.h"
#include "auth/person.h"
#include "base/log.h"
#include "cmd/demo_registry.h"
#include "oidc/clients.h"
#include "policy/loa.h"

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

/* Writes the demo portal's settings (docs/portal.md) with the client secret, readable by
 * the owner only. 0 or -1. */
static int
portal_settings(const char *path, const char *secret)
{
	FILE *f;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "# The agency portal of the demo, written by `portier demo` with the secret of\n"
	    "# its OpenID Connect client: `make run` starts `portier portal --config` with it.\n"
	    "issuer = http://127.0.0.1:8080\nlisten = 127.0.0.1:8081\nclient_id = medseip-portal\n"
	    "client_secret = %s\n", secret);
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0)
		log_info(NULL, "demo: OpenID Connect client medseip-portal, its secret in %s", path);
	return rc;
}

int
demo_seed(struct store *s, const char *portal_conf)
{
	struct person existing;
	int64_t claire = 0;   /* the GAP of PharmaPlatel, below */

	/* The registry first (demo/kbo, persons, functions); it checks its own emptiness. */
	if (demo_registry_seed(s) != 0)
		return -1;
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
		if (strcmp(d->username, "claire.dubois") == 0)
			claire = p.id;
	}
	log_info(NULL, "demo: %zu people created (see README for their access codes)",
	    sizeof(people) / sizeof(people[0]));
	{
		/* The agency portal as OpenID Connect client (docs/oidc.md): confidential, eID
		 * level, application MEDSEIP. Its secret goes, in demo mode only, into the
		 * portal's settings file beside the database (mode 0600), which `make run`
		 * starts the portal with; `portier client rotate-secret --id medseip-portal`
		 * prints a new one. */
		static const char *const redirect[] = { "http://127.0.0.1:8081/callback" };
		static const char *const post_logout[] = { "http://127.0.0.1:8081/" };
		const struct oidc_client_new portal = {
			.id = "medseip-portal", .application = "MEDSEIP", .min_level = LOA_HIGH,
			.scopes = "openid profile email", .redirect = redirect, .n_redirect = 1,
			.post_logout = post_logout, .n_post_logout = 1,
		};
		char secret[OIDC_SECRET_LEN + 1], err[256];
		int rc = oidc_client_add(s, &portal, "system", secret, err, sizeof(err));

		if (rc == -1) {
			fprintf(stderr, "portier: demo: client medseip-portal: %s\n", err);
			return -1;
		}
		if (rc == 0 && portal_settings(portal_conf, secret) != 0)
			log_warn(NULL, "demo: cannot write %s: start the portal with a new secret "
			    "(portier client rotate-secret --id medseip-portal)", portal_conf);
		sodium_memzero(secret, sizeof(secret));
	}
	{
		/* Access management (issue 6): PharmaPlatel (KBO 1029.026.082) registered with
		 * Claire Dubois as its GAP, so that she walks guide §3 and §4 at once. */
		const struct org_new pharma = {
			.enterprise = "1029026082", .country = "BE", .name = "PharmaPlatel",
			.contact_email = "contact@pharmaplatel.example.be",
			.contact_phone = "+32 2 511 51 51", .procedure = "standard",
		};
		const struct org_actor by = { .person_id = 0, .role = "system" };
		struct store_tx *tx;
		int64_t org = -1;

		if (claire > 0 && store_begin(s, STORE_WRITE, &tx) == 0) {
			org = org_by_enterprise(tx, pharma.enterprise);
			if (org == 0)
				org = org_create(tx, &pharma, claire, &by);
			if (org > 0 && store_commit(&tx) == 0)
				log_info(NULL, "demo: PharmaPlatel registered, GAP claire.dubois");
			else
				store_rollback(&tx);
		}
		if (org <= 0) {
			fprintf(stderr, "portier: demo: cannot register PharmaPlatel\n");
			return -1;
		}
	}
	return 0;
}
