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
#include "base/arena.h"
#include "base/log.h"
#include "cmd/demo_registry.h"
#include "oidc/clients.h"
#include "policy/loa.h"
#include "web/web.h"

#define DEMO_PORTAL_CLIENT "medseip-portal"

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
 * the owner only: portier's issuer, the portal's address and, when that address is one
 * the portal can listen on, its listener. 0 or -1. */
static int
portal_settings(const struct demo_addresses *a, const char *listen, const char *secret)
{
	FILE *f;
	int fd, rc;

	fd = open(a->portal_conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "# The agency portal of the demo, written by `portier demo` with the secret of\n"
	    "# its OpenID Connect client: `make run` starts `portier portal --config` with it.\n"
	    "issuer = %s\n%s%s%sbase_url = %s\nclient_id = %s\nclient_secret = %s\n",
	    a->issuer, listen ? "listen = " : "", listen ? listen : "", listen ? "\n" : "",
	    a->portal_url, DEMO_PORTAL_CLIENT, secret);
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0)
		log_info(NULL, "demo: OpenID Connect client %s, its secret in %s",
		    DEMO_PORTAL_CLIENT, a->portal_conf);
	return rc;
}

/* What an existing portal.conf says: its issuer and base URL, and whether it holds a
 * secret. */
struct conf_seen {
	char issuer[256], base_url[512];
	bool secret;
};

static int
conf_line(void *arg, const char *key, const char *value, char *reason, size_t reasonlen)
{
	struct conf_seen *seen = arg;

	(void)reason;
	(void)reasonlen;
	if (strcmp(key, "issuer") == 0)
		snprintf(seen->issuer, sizeof(seen->issuer), "%s", value);
	else if (strcmp(key, "base_url") == 0)
		snprintf(seen->base_url, sizeof(seen->base_url), "%s", value);
	else if (strcmp(key, "client_secret") == 0)
		seen->secret = value[0] != '\0';
	return 0;
}

/* True when the registered client and portal.conf already fit these addresses. */
static bool
portal_current(struct store *s, const struct demo_addresses *a, const char *redirect,
    const char *post_logout)
{
	struct oidc_client cl;
	struct conf_seen seen = { 0 };
	struct arena *ar = arena_new(0);
	char err[1200];
	bool same;

	same = ar != NULL && oidc_client_get(s, ar, DEMO_PORTAL_CLIENT, &cl) == 0 &&
	    cl.n_redirect == 1 && cl.n_post_logout == 1 && strcmp(cl.redirect[0], redirect) == 0 &&
	    strcmp(cl.post_logout[0], post_logout) == 0;
	arena_free(ar);
	if (!same)
		return false;
	if (access(a->portal_conf, R_OK) != 0 ||
	    config_lines(a->portal_conf, conf_line, &seen, err, sizeof(err)) != 0)
		return false;
	return seen.secret && strcmp(seen.issuer, a->issuer) == 0 &&
	    strcmp(seen.base_url, a->portal_url) == 0;
}

/* The portal's listener from its address: http(s)://HOST:PORT when HOST:PORT is an
 * address the portal can listen on; NULL otherwise (behind a proxy: its own --listen). */
static const char *
portal_listen(const char *url, char *out, size_t outlen)
{
	const char *host = strstr(url, "://");
	size_t n;

	if (host == NULL)
		return NULL;
	host += 3;
	n = strcspn(host, "/");
	if (host[n] != '\0' || n == 0 || n >= outlen)
		return NULL;
	memcpy(out, host, n);
	out[n] = '\0';
	return web_listen_ok(out) && strrchr(out, ':') != NULL ? out : NULL;
}

/* The agency portal as OpenID Connect client (docs/oidc.md): confidential, eID level,
 * application MEDSEIP, its redirect URIs at the portal's address of this run. A client
 * registered for other addresses (an earlier run on other ports) is registered again; its
 * secret goes, in demo mode only, into the portal's settings file beside the database
 * (mode 0600), which `make run` starts the portal with. */
static int
portal_client(struct store *s, const struct demo_addresses *a)
{
	char redirect[OIDC_URI_MAX + 1], post_logout[OIDC_URI_MAX + 1], listen[128];
	char secret[OIDC_SECRET_LEN + 1], err[256];
	const char *redirects[1] = { redirect }, *post_logouts[1] = { post_logout };
	struct oidc_client_new portal = {
		.id = DEMO_PORTAL_CLIENT, .application = "MEDSEIP", .min_level = LOA_HIGH,
		.scopes = "openid profile email", .redirect = redirects, .n_redirect = 1,
		.post_logout = post_logouts, .n_post_logout = 1,
	};
	int rc;

	if ((size_t)snprintf(redirect, sizeof(redirect), "%s/callback", a->portal_url) >=
	    sizeof(redirect) ||
	    (size_t)snprintf(post_logout, sizeof(post_logout), "%s/", a->portal_url) >=
	    sizeof(post_logout)) {
		fprintf(stderr, "portier: demo: portal_url is too long\n");
		return -1;
	}
	if (portal_current(s, a, redirect, post_logout)) {
		log_info(NULL, "demo: OpenID Connect client %s for %s, its secret in %s",
		    DEMO_PORTAL_CLIENT, a->portal_url, a->portal_conf);
		return 0;
	}
	if (oidc_client_remove(s, DEMO_PORTAL_CLIENT, "system") < 0) {
		fprintf(stderr, "portier: demo: cannot replace client %s\n", DEMO_PORTAL_CLIENT);
		return -1;
	}
	rc = oidc_client_add(s, &portal, "system", secret, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "portier: demo: client %s: %s\n", DEMO_PORTAL_CLIENT,
		    rc == -2 ? "registered meanwhile" : err);
		return -1;
	}
	if (portal_settings(a, portal_listen(a->portal_url, listen, sizeof(listen)), secret) != 0)
		log_warn(NULL, "demo: cannot write %s: start the portal with a new secret "
		    "(portier client rotate-secret --id %s)", a->portal_conf, DEMO_PORTAL_CLIENT);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

/* The people and PharmaPlatel, in a database without people. */
static int
people_seed(struct store *s, const struct password_cfg *pw)
{
	struct person existing;
	int64_t claire = 0;   /* the GAP of PharmaPlatel, below */
	struct arena *a = arena_new(16 * 1024);
	int known = a != NULL ? person_get(s, a, 1, &existing) : -1;

	arena_free(a);
	if (known == 0)
		return 0;
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		const struct demo_person *d = &people[i];
		struct person p = { .niss = d->niss, .last_name = d->last, .first_name = d->first,
		    .language = d->lang, .email = d->email };
		int rc;

		/* Each person of the demo sets their own access codes, as on the activation page. */
		if (person_create(s, &(struct actor){ .name = "system" }, &p) != 0 ||
		    person_set_password(s, pw, &(struct actor){ .person_id = p.id }, p.id,
		    d->username, d->password, &rc) != PASSWORD_OK ||
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
		/* Access management (issue 6): PharmaPlatel (KBO 1029.026.082) registered with
		 * Claire Dubois as its GAP, so that she walks guide §3 and §4 at once. */
		const struct org_new pharma = {
			.enterprise = "1029026082", .country = "BE", .name = "PharmaPlatel",
			.contact_email = "contact@pharmaplatel.example.be",
			.contact_phone = "+32 2 511 51 51", .procedure = "standard",
		};
		const struct actor by = { .person_id = 0, .role = "system" };
		struct store_tx *tx;
		int64_t org = -1;

		if (claire > 0 && store_begin(s, STORE_WRITE, &tx) == 0) {
			org = org_by_enterprise(tx, pharma.enterprise);
			if (org == 0)
				org = org_create(tx, &pharma, claire, &by);
			if (org > 0 && store_commit(&tx) == 0)
				/* The GAP by her person id: logs carry no names (README names her). */
				log_info(NULL, "demo: PharmaPlatel registered (organisation %lld), "
				    "GAP person %lld", (long long)org, (long long)claire);
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

int
demo_seed(struct store *s, const struct password_cfg *pw, const struct demo_addresses *a)
{
	/* The registry first (demo/kbo, persons, functions); it checks its own emptiness. */
	if (demo_registry_seed(s) != 0 || people_seed(s, pw) != 0)
		return -1;
	return portal_client(s, a);
}
