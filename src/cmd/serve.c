/* serve.c — `portier serve` and `portier demo`: open and migrate the store, start the
 * web server, wait for SIGTERM or SIGINT, drain running requests, exit cleanly. */
#include "cmd/cmd.h"
#include "cmd/test_clock.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "cmd/instance.h"
#include "cmd/store_modules.h"
#include "ops/sandbox.h"
#include "store/store.h"
#include "store/store_pg.h"
#include "web/web.h"

static const char serve_usage[] =
    "usage: portier serve [--listen ADDR:PORT] [--db PATH] [--config FILE] [--SETTING VALUE …]\n"
    "\n"
    "Runs the web server. Settings come from the config file (--config or PORTIER_CONFIG),\n"
    "then PORTIER_<SETTING> environment variables, then flags; see portier.conf.example.\n"
    "  --listen ADDR:PORT   address to listen on (default 127.0.0.1:8080)\n"
    "  --issuer URL         OpenID Connect issuer, the public address (default http://LISTEN)\n"
    "  --db PATH            SQLite database (default var/portier.db), or a PostgreSQL\n"
    "                       connection string (postgresql://… or \"host=… dbname=…\")\n"
    "  --share-dir DIR      folder holding templates/, static/, migrations/\n"
    "  --locale-dir DIR     folder holding the compiled catalogues (default: beside the binary)\n"
    "  --threads N          connection threads; --workers N threads for password hashes\n"
    "  --log-format FMT     text (default) or json: one JSON object per line (journald)\n"
    "  --tls-listen ADDR:PORT  also serve over TLS (--tls-cert, --tls-key PEM files); with\n"
    "                       --eid-trust FILE it asks for eID client certificates (docs/eid.md)\n"
    "  --test-clock FILE    for test suites only: shifts the server's clock by the seconds\n"
    "                       in FILE, read at each use (command line only, loopback\n"
    "                       listeners only; docs/testing.md)\n"
    "SIGTERM or SIGINT stops accepting, lets running requests finish, and exits 0.\n";

static const char demo_usage[] =
    "usage: portier demo [--listen ADDR:PORT] [--portal-url URL] [--db PATH]\n"
    "                    [--SETTING VALUE …]\n"
    "\n"
    "Runs the web server in demo mode on localhost with the embedded SQLite store\n"
    "(default var/portier.db): demo-only helpers are on. Same settings as serve, and\n"
    "  --portal-url URL     the agency portal's address (default http://HOST:PORT+1 of\n"
    "                       --listen): its client's redirect URIs and portal.conf, beside\n"
    "                       the database, derive from it and from the issuer\n";

static int
log_level_set(const char *name)
{
	if (strcmp(name, "debug") == 0)
		log_set_level(LOG_DEBUG);
	else if (strcmp(name, "info") == 0)
		log_set_level(LOG_INFO);
	else if (strcmp(name, "warn") == 0)
		log_set_level(LOG_WARN);
	else if (strcmp(name, "error") == 0)
		log_set_level(LOG_ERROR);
	else
		return -1;
	return 0;
}

/* Opens the store at c->db and applies pending migrations. */
int
open_store(const struct config *c, struct store **out)
{
	if (open_store_schema(c, out) != 0)
		return -1;
	if (keys_at_rest_start(c, *out) != 0) {
		store_close(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
open_store_schema(const struct config *c, struct store **out)
{
	char err[1024], dir[1100];
	int n;

	if (store_open(c->db, c->db_pool, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: database: %s\n", err);
		return -1;
	}
	/* PostgreSQL's migrations have their own folder (same numbers, its dialect). */
	snprintf(dir, sizeof(dir), store_is_pg(c->db) ? "%s/migrations/pg" : "%s/migrations",
	    c->share_dir);
	n = store_migrate(*out, dir, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "portier: migration: %s\n", err);
		store_close(*out);
		return -1;
	}
	if (n > 0)
		log_info(NULL, "applied %d migration(s)", n);
	/* A statement whose columns are not the ones its callers read refuses the start. */
	if (store_modules_check(*out, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: database: %s\n", err);
		store_close(*out);
		*out = NULL;
		return -1;
	}
	/* For measurements only (make bench-pg: what the writer lock of rule 15 costs): an
	 * environment switch, not a setting, and said loudly, since without the lock two
	 * writers meet as SERIALIZABLE transactions that services do not yet retry. */
	if (store_is_pg(c->db) && getenv("PORTIER_PG_WRITER_LOCK") != NULL &&
	    strcmp(getenv("PORTIER_PG_WRITER_LOCK"), "off") == 0) {
		log_warn(NULL, "PORTIER_PG_WRITER_LOCK=off: writers do not take turns "
		    "(for measurements only)");
		store_pg_writer_lock(*out, false);
	}
	return 0;
}

int
open_store_existing(const struct config *c, struct store **out)
{
	char err[1024];

	if (!store_is_pg(c->db) && access(c->db, R_OK) != 0) {
		fprintf(stderr, "portier: database %s: %s\n", c->db, strerror(errno));
		return -1;
	}
	if (store_open(c->db, 1, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: database: %s\n", err);
		return -1;
	}
	return 0;
}

/* The port of an ADDR:PORT that web_listen_ok accepted. */
static long
listen_port(const char *listen)
{
	return strtol(strrchr(listen, ':') + 1, NULL, 10);
}

/* Checks what is derived from the listen address (the issuer without a setting, the
 * demo's portal address): port 0 would put ":0" in them. Fills c->portal_url in demo
 * mode. 0, or -1 with the reason printed. */
static int
derived_addresses(struct config *c)
{
	long port = listen_port(c->listen);
	const char *colon = strrchr(c->listen, ':');

	if (port == 0 && (c->demo || c->issuer[0] == '\0')) {
		fprintf(stderr, "portier: listen address '%s': port 0 is refused: %s derive%s "
		    "from it; give a free port, e.g. --listen 127.0.0.1:8080\n", c->listen,
		    c->demo ? "the issuer and the demo portal's addresses" : "the issuer",
		    c->demo ? "" : "s");
		return -1;
	}
	if (!c->demo)
		return 0;
	if (c->portal_url[0] == '\0') {
		if (port >= 65535) {
			fprintf(stderr, "portier: demo: no port after %ld for the portal: give "
			    "--portal-url\n", port);
			return -1;
		}
		snprintf(c->portal_url, sizeof(c->portal_url), "http://%.*s:%ld",
		    (int)(colon - c->listen), c->listen, port + 1);
	}
	if ((strncmp(c->portal_url, "http://", 7) != 0 &&
	    strncmp(c->portal_url, "https://", 8) != 0) ||
	    strpbrk(c->portal_url, "?#\"\\ ") != NULL ||
	    c->portal_url[strlen(c->portal_url) - 1] == '/') {
		fprintf(stderr, "portier: demo: portal_url '%s' is not an http(s) address "
		    "without a trailing slash, query or fragment (e.g. http://127.0.0.1:8081)\n",
		    c->portal_url);
		return -1;
	}
	return 0;
}

/* A listen address in use is said before anything is written (the demo's portal.conf
 * and client): a second demo started by mistake leaves the running one alone. */
static int
listeners_free(const struct config *c)
{
	char err[300];

	if (web_listen_probe(c->listen, err, sizeof(err)) != 0 ||
	    (c->tls_listen[0] != '\0' && web_listen_probe(c->tls_listen, err, sizeof(err)) != 0)) {
		fprintf(stderr, "portier: %s (another server there? choose another address with "
		    "--listen or --tls-listen)\n", err);
		return -1;
	}
	return 0;
}

static int
run(int argc, char **argv, bool demo)
{
	struct config c;
	struct instance *in = NULL;
	struct eid_runtime eid = { 0 };
	sigset_t set;
	int sig = 0, npos, rc;
	char *pos[1];
	const char *test_clock;
	enum log_format fmt;

	/* What the server writes (the database with its -wal and -shm, keys, the demo
	 * mailbox and settings) holds secrets and personal data: its own user's only. */
	umask(077);
	if (test_clock_take(&argc, argv, &test_clock) != 0)
		return 2;
	rc = cmd_config(argc, argv, demo ? demo_usage : serve_usage, &c, pos, 0, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (demo)
		c.demo = true;
	if (test_clock_start(&c, test_clock) != 0)
		return 2;
	if (log_level_set(c.log_level) != 0) {
		fprintf(stderr, "portier: log_level must be debug, info, warn or error\n");
		return 2;
	}
	if (log_format_parse(c.log_format, &fmt) != 0) {
		fprintf(stderr, "portier: log_format must be text or json\n");
		return 2;
	}
	log_set_format(fmt);
	if (!web_listen_ok(c.listen)) {
		fprintf(stderr, "portier: listen address '%s' is not ADDR:PORT\n", c.listen);
		return 2;
	}
	/* Signals are taken by this thread only: block them before threads start. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* TLS and eID settings are checked (and the demo's test CA made) before the store. */
	/* The demo checks its addresses before it makes its test CA; serve after the TLS
	 * and eID settings (their own errors come first). */
	if (c.demo && derived_addresses(&c) != 0)
		return 2;
	if (eid_runtime_setup(&c, &eid) != 0)
		return 2;
	/* The sandbox binds the threads started after it: it comes before the store and
	 * the listeners start theirs (root keeps only the right to bind ports < 1024). */
	if ((!c.demo && derived_addresses(&c) != 0) || listeners_free(&c) != 0 ||
	    sandbox_apply(&c, test_clock) != 0) {
		eid_runtime_free(&eid);
		return 2;
	}
	if (instance_start(&c, &eid, &in) != 0) {
		eid_runtime_free(&eid);
		return 1;
	}
	if (instance_tls_port(in) != 0)
		log_info(NULL, "TLS listener on https://%s%s", c.tls_listen,
		    eid.verifier ? " (asks for an eID client certificate)" : "");
	log_info(NULL, "portier %s listening on http://%s%s", PORTIER_VERSION, c.listen,
	    c.demo ? " (demo mode)" : "");
	fflush(stdout);
	sigwait(&set, &sig);
	log_info(NULL, "signal %d: draining requests", sig);
	instance_stop(in, c.shutdown_grace * 1000);
	eid_runtime_free(&eid);
	log_info(NULL, "stopped");
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	return run(argc, argv, false);
}

int
cmd_demo(int argc, char **argv)
{
	return run(argc, argv, true);
}
