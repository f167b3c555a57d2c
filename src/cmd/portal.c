/* portal.c — `portier portal`: runs the agency portal (MEDSEIP), a relying party of a
 * portier server, on its own listener with its own database (docs/portal.md). */
#include "cmd/cmd.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "cmd/store_modules.h"
#include "portal/data.h"
#include "portal/http.h"
#include "portal/portal.h"
#include "store/store.h"
#include "value/value.h"
#include "web/web.h"

static const char usage[] =
    "usage: portier portal --issuer URL [--listen ADDR:PORT] [--db PATH]\n"
    "                      [--client-id ID --client-secret SECRET | --config FILE]\n"
    "\n"
    "Runs the agency portal (MEDSEIP): a separate web application that logs people in\n"
    "through portier's OpenID Connect provider and reads company data from portier's\n"
    "public registry API. Settings come from --config FILE (\"key = value\" lines), then\n"
    "PORTIER_PORTAL_<KEY> environment variables, then flags.\n"
    "  --issuer URL          portier's issuer, e.g. http://127.0.0.1:8080 (required)\n"
    "  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8081)\n"
    "  --db PATH             the portal's own SQLite database (default var/portal.db)\n"
    "  --client-id ID        client_id registered at portier (default medseip-portal)\n"
    "  --client-secret S     its secret (better: PORTIER_PORTAL_CLIENT_SECRET or --config)\n"
    "  --base-url URL        the portal's address seen by browsers (default http://LISTEN):\n"
    "                        redirect URI BASE/callback, post-logout URI BASE/\n"
    "  --application CODE    the secured application a person must hold (default MEDSEIP)\n"
    "  --ca-file FILE        PEM file of the CAs an https issuer's certificate must chain to,\n"
    "                        instead of the system bundle (certificates always verified)\n"
    "  --share-dir DIR       folder holding portal/templates, portal/static, portal/migrations\n"
    "  --locale-dir DIR      folder holding the compiled catalogues (default: beside the binary)\n"
    "  --log-level LEVEL     debug, info, warn or error (default info)\n"
    "  --log-format FMT      text (default) or json: one JSON object per line\n"
    "SIGTERM or SIGINT stops accepting, lets running requests finish, and exits 0.\n";

struct pconf {
	char listen[128];
	char issuer[POIDC_URL_MAX + 1];
	char db[1024];
	char client_id[128];
	char client_secret[256];
	char base_url[POIDC_URL_MAX - 16];
	char application[33];
	char ca_file[1024];
	char share_dir[1024];
	char locale_dir[1100];
	char log_level[16];
	char log_format[16];
};

#define K(f) #f, offsetof(struct pconf, f), sizeof(((struct pconf *)0)->f)
static const struct {
	const char *name;
	size_t off, size;
} keys[] = {
	{ K(listen) }, { K(issuer) }, { K(db) }, { K(client_id) }, { K(client_secret) },
	{ K(base_url) }, { K(application) }, { K(ca_file) }, { K(share_dir) }, { K(locale_dir) },
	{ K(log_level) }, { K(log_format) },
};

static int
set(struct pconf *c, const char *key, const char *value, char *err, size_t errlen)
{
	char k[64];
	size_t n = strlen(key);

	if (n >= sizeof(k)) {
		snprintf(err, errlen, "unknown setting '%.60s'", key);
		return -1;
	}
	for (size_t i = 0; i <= n; i++)
		k[i] = key[i] == '-' ? '_' : key[i];
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, k) != 0)
			continue;
		if (strlen(value) >= keys[i].size) {
			snprintf(err, errlen, "%s: value too long", k);
			return -1;
		}
		memcpy((char *)c + keys[i].off, value, strlen(value) + 1);
		return 0;
	}
	snprintf(err, errlen, "unknown setting '%s'", k);
	return -1;
}

/* One line of --config FILE. */
static int
set_line(void *c, const char *key, const char *value, char *reason, size_t reasonlen)
{
	return set(c, key, value, reason, reasonlen);
}

static int
read_env(struct pconf *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[80], reason[256];
		const char *v;

		snprintf(name, sizeof(name), "PORTIER_PORTAL_%s", keys[i].name);
		for (char *p = name; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		v = getenv(name);
		if (v != NULL && set(c, keys[i].name, v, reason, sizeof(reason)) != 0) {
			snprintf(err, errlen, "%s: %s", name, reason);
			return -1;
		}
	}
	return 0;
}

/* Defaults < --config FILE < environment < flags. Returns 0, 1 (--help) or -1. */
static int
configure(int argc, char **argv, struct pconf *c)
{
	struct config base;
	const char *file = NULL;
	char err[1200];

	config_defaults(&base);
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8081");
	snprintf(c->db, sizeof(c->db), "var/portal.db");
	snprintf(c->client_id, sizeof(c->client_id), "medseip-portal");
	snprintf(c->application, sizeof(c->application), "MEDSEIP");
	snprintf(c->share_dir, sizeof(c->share_dir), "%s", base.share_dir);
	snprintf(c->locale_dir, sizeof(c->locale_dir), "%s", base.locale_dir);
	snprintf(c->log_level, sizeof(c->log_level), "info");
	snprintf(c->log_format, sizeof(c->log_format), "text");
	if (cmd_help_or_config_file(argc, argv, usage, &file))
		return 1;
	if (file != NULL && config_lines(file, set_line, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier portal: %s\n", err);
		return -1;
	}
	if (read_env(c, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier portal: %s\n", err);
		return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *value;
		char key[64];

		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "portier portal: unexpected argument '%s'\n%s", a, usage);
			return -1;
		}
		eq = strchr(a, '=');
		if (eq != NULL) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - a - 2), a + 2);
			value = eq + 1;
		} else if (i + 1 < argc) {
			snprintf(key, sizeof(key), "%s", a + 2);
			value = argv[++i];
		} else {
			fprintf(stderr, "portier portal: %s needs a value\n", a);
			return -1;
		}
		if (strcmp(key, "config") == 0)
			continue;
		if (set(c, key, value, err, sizeof(err)) != 0) {
			fprintf(stderr, "portier portal: %s\n%s", err, usage);
			return -1;
		}
	}
	return 0;
}

/* An issuer: a URL (src/value) without a trailing slash or a query. */
static bool
base_url_ok(const char *u)
{
	size_t n = strlen(u);

	return value_ok(VALUE_URL, u, 0) && u[n - 1] != '/' && strchr(u, '?') == NULL;
}

static int
log_level_set(const char *name)
{
	static const struct { const char *name; enum log_level lvl; } levels[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO }, { "warn", LOG_WARN },
		{ "error", LOG_ERROR },
	};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(levels[i].name, name) == 0) {
			log_set_level(levels[i].lvl);
			return 0;
		}
	return -1;
}

static int
check(struct pconf *c)
{
	enum log_format fmt;

	if (log_level_set(c->log_level) != 0) {
		fprintf(stderr, "portier portal: log_level must be debug, info, warn or error\n");
		return -1;
	}
	if (log_format_parse(c->log_format, &fmt) != 0) {
		fprintf(stderr, "portier portal: log_format must be text or json\n");
		return -1;
	}
	log_set_format(fmt);
	if (!web_listen_ok(c->listen)) {
		fprintf(stderr, "portier portal: listen address '%s' is not ADDR:PORT\n", c->listen);
		return -1;
	}
	if (c->issuer[0] == '\0' || !base_url_ok(c->issuer)) {
		fprintf(stderr, "portier portal: --issuer must be portier's http(s) address, "
		    "without a trailing slash (e.g. http://127.0.0.1:8080)\n");
		return -1;
	}
	if (c->client_id[0] == '\0' || c->client_secret[0] == '\0') {
		fprintf(stderr, "portier portal: the client secret is missing: give "
		    "--client-secret, PORTIER_PORTAL_CLIENT_SECRET or client_secret in --config\n");
		return -1;
	}
	if (c->base_url[0] == '\0')
		snprintf(c->base_url, sizeof(c->base_url), "http://%s", c->listen);
	if (!base_url_ok(c->base_url)) {
		fprintf(stderr, "portier portal: --base-url must be an http(s) address without a "
		    "trailing slash\n");
		return -1;
	}
	return 0;
}

static int
open_db(const struct pconf *c, struct store **out)
{
	char err[1200], dir[1100];
	int n;

	if (store_open(c->db, 4, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier portal: database: %s\n", err);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/portal/migrations", c->share_dir);
	n = store_migrate(*out, dir, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "portier portal: migration: %s\n", err);
		store_close(*out);
		return -1;
	}
	if (n > 0)
		log_info(NULL, "portal: applied %d migration(s)", n);
	if (store_modules_check(*out, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier portal: database: %s\n", err);
		store_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
cmd_portal(int argc, char **argv)
{
	struct pconf c;
	struct web_config wc = { 0 };
	struct web_server *srv = NULL;
	struct store *store = NULL;
	struct portal app = { 0 };
	struct portal_oidc *oidc = NULL;
	char err[1024], redirect[POIDC_URL_MAX + 1], post_logout[POIDC_URL_MAX + 1];
	char share[1100];
	sigset_t set_;
	int sig = 0, rc;

	rc = configure(argc, argv, &c);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (check(&c) != 0)
		return 2;
	sigemptyset(&set_);
	sigaddset(&set_, SIGTERM);
	sigaddset(&set_, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set_, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (phttp_init(c.ca_file, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier portal: %s\n", err);
		return 2;
	}
	snprintf(redirect, sizeof(redirect), "%s/callback", c.base_url);
	snprintf(post_logout, sizeof(post_logout), "%s/", c.base_url);
	oidc = portal_oidc_new(&(struct portal_oidc_config){
		.issuer = c.issuer, .client_id = c.client_id, .client_secret = c.client_secret,
		.redirect_uri = redirect, .post_logout_uri = post_logout, .scope = "openid profile",
	});
	sodium_memzero(c.client_secret, sizeof(c.client_secret));
	if (oidc == NULL || open_db(&c, &store) != 0) {
		portal_oidc_free(oidc);
		phttp_cleanup();
		return 1;
	}
	pdata_sessions_purge(store, (int64_t)time(NULL) - 1800, (int64_t)time(NULL) - 43200);
	app.store = store;
	app.oidc = oidc;
	app.issuer = c.issuer;
	app.application = c.application;
	snprintf(share, sizeof(share), "%s/portal", c.share_dir);
	wc.listen = c.listen;
	wc.share_dir = share;
	wc.locale_dir = c.locale_dir;
	wc.threads = 4;
	wc.version = PORTAL_RELEASE;
	wc.session_cookie = PORTAL_SESSION_COOKIE;
	wc.tls = strncmp(c.base_url, "https://", 8) == 0;
	portal_session_ops(&wc.sessions, store);
	srv = web_server_new(&wc, err, sizeof(err));
	if (srv == NULL || portal_routes(srv, &app) != 0 ||
	    web_server_start(srv, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier portal: %s\n", err);
		web_server_free(srv);
		store_close(store);
		portal_oidc_free(oidc);
		phttp_cleanup();
		return 1;
	}
	log_info(NULL, "portal %s listening on http://%s (issuer %s, client %s, CAs %s)",
	    PORTAL_RELEASE, c.listen, c.issuer, c.client_id,
	    c.ca_file[0] != '\0' ? c.ca_file : "of the system bundle");
	/* The provider may start after the portal: a failure here is retried at login. */
	if (portal_oidc_discover(oidc, err, sizeof(err)) != 0)
		log_warn(NULL, "portal: provider not reachable yet (%s): will retry at login", err);
	fflush(stdout);
	sigwait(&set_, &sig);
	log_info(NULL, "signal %d: draining requests", sig);
	web_server_stop(srv, 10000);
	web_server_free(srv);
	store_close(store);
	portal_oidc_free(oidc);
	phttp_cleanup();
	log_info(NULL, "stopped");
	return 0;
}
