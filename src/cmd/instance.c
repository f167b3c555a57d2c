/* instance.c — the wiring of one application: settings in, handles out. Everything a
 * handler or a service needs is made here and hung on struct app; nothing is kept in a
 * global, so `portier serve` is one instance and a test can run two. */
#include "cmd/instance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/login/door_eid.h"
#include "apps/login/doors.h"
#include "audit/checkpoint.h"
#include "auth/upstream.h"
#include "auth/password.h"
#include "base/envelope.h"
#include "base/log.h"
#include "cmd/wire.h"
#include "machine/certs.h"
#include "machine/sweep.h"
#include "mail/mail.h"
#include "oidc/backchannel.h"
#include "oidc/client_auth.h"
#include "oidc/provider.h"
#include "ops/health.h"
#include "ops/metrics.h"
#include "saml/saml.h"
#include "portal/http.h"
#include "store/store.h"
#include "web/web.h"

#define KEYS_RELOAD 30   /* seconds between reloads of the signing keys from the store */

struct instance {
	struct app app;
	struct store *store;
	struct oidc_provider *oidc;
	struct password_cfg password;
	struct eid_door eid_door;
	struct mail_config mc;           /* the runner keeps a pointer to it */
	struct mail_runner *mail;
	struct oidc_bcl_runner *bcl;     /* back-channel logout deliveries */
	char saml_idp[OIDC_ISSUER_MAX + 32];   /* the SAML IdP's entityID (apps/saml) */
	struct saml_bcl saml_bcl;        /* the SAML SPs' SOAP logouts, on bcl's thread */
	struct web_server *srv;
	struct audit_cp_key cp_key;      /* the checkpointer keeps pointers to these */
	struct audit_cp_config cp_cfg;
	struct audit_cp_runner *cp;
	struct ops_metrics metrics;
	struct login_doors doors;        /* `doors =` and the e-mail code's settings */
	struct machine_settings machine; /* system certificates: CA, validity, mails */
	struct machine_sweeper *sweeper; /* their expiry mails */
};

/* The login doors of c (docs/login-doors.md): an unknown name stops the start. 0 or -1. */
static int
doors_setup(const struct config *c, struct instance *in)
{
	char err[512];

	if (login_doors_parse(c->doors, &in->doors, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	in->doors.email = (struct email_code_cfg){
		.digits = c->email_code_digits, .minutes = c->email_code_minutes,
		.attempts = c->email_code_attempts, .sends_per_hour = c->email_code_sends,
	};
	in->app.doors = &in->doors;
	return 0;
}

/* Seconds between two looks for system certificates whose expiry mail is due. */
#define CERT_SWEEP_SECONDS 5

/* The audit chain's signed checkpoints (docs/audit.md), when a key is set. 0 or -1. */
static int
checkpoints_start(const struct config *c, struct instance *in)
{
	char err[1200];

	if (c->audit_checkpoint_key[0] == '\0') {
		log_warn(NULL, "audit checkpoints off (no audit_checkpoint_key): a rewrite of the "
		    "whole audit chain by whoever can write the database would not be seen");
		return 0;
	}
	if (audit_cp_key_load(c->audit_checkpoint_key, &in->cp_key, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: audit_checkpoint_key: %s\n", err);
		return -1;
	}
	if (!in->cp_key.secret) {
		fprintf(stderr, "portier: audit_checkpoint_key: %s is a public key: it cannot "
		    "sign\n", c->audit_checkpoint_key);
		return -1;
	}
	in->cp_cfg = (struct audit_cp_config){
		.key = &in->cp_key, .every = c->audit_checkpoint_every,
		.seconds = c->audit_checkpoint_seconds,
		.file = c->audit_checkpoint_file[0] ? c->audit_checkpoint_file : NULL,
	};
	if (audit_cp_start(in->store, &in->cp_cfg, &in->cp) != 0) {
		fprintf(stderr, "portier: audit checkpoints cannot start\n");
		return -1;
	}
	return 0;
}

/* The demo portal's settings file: portal.conf in the database's folder. */
static const char *
portal_conf_path(const char *db, char *out, size_t outlen)
{
	/* A PostgreSQL connection string names no folder: the working directory then. */
	const char *slash = store_is_pg(db) ? NULL : strrchr(db, '/');

	if (slash == NULL)
		snprintf(out, outlen, "portal.conf");
	else
		snprintf(out, outlen, "%.*s/portal.conf", (int)(slash - db), db);
	return out;
}

/* The web server's settings from c and the TLS material of eid. */
static void
web_settings(const struct config *c, const struct eid_runtime *eid, struct web_config *wc)
{
	wc->listen = c->listen;
	wc->share_dir = c->share_dir;
	wc->locale_dir = c->locale_dir;
	wc->threads = c->threads;
	wc->workers = c->workers;
	wc->idle_timeout = c->session_idle;
	wc->absolute_timeout = c->session_absolute;
	wc->version = PORTIER_VERSION;
	wc->limits.header_bytes = (size_t)c->max_header;
	wc->limits.body_bytes = (size_t)c->max_body;
	wc->limits.upload_bytes = (size_t)c->max_upload;
	wc->limits.field_bytes = (size_t)c->max_field;
	wc->limits.connections = (unsigned)c->max_connections;
	wc->limits.connections_per_ip = (unsigned)c->max_connections_per_ip;
	wc->limits.header_seconds = (unsigned)c->header_timeout;
	wc->tls_listen = c->tls_listen[0] ? c->tls_listen : NULL;
	wc->tls_cert_pem = eid->tls_cert_pem;
	wc->tls_key_pem = eid->tls_key_pem;
	wc->tls_client_ca_pem = eid->client_ca_pem;
	wc->trusted_proxies = eid_proxies_blocks(eid->proxies);
}

/* portier's CA for system certificates (kept in the store) and the thread of their
 * expiry mails. 0 or -1. */
static int
machine_open_ca(const char *issuer, struct instance *in)
{
	char err[256], crl[600];

	snprintf(crl, sizeof(crl), "%s/pki/system-ca.crl", issuer);
	if (machine_ca_open(in->store, crl, &in->machine.ca, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	in->machine.days = MACHINE_DAYS_DEFAULT;
	if (machine_sweeper_start(in->store, mail_runner_texts(in->mail), CERT_SWEEP_SECONDS,
	    &in->sweeper) != 0) {
		fprintf(stderr, "portier: the expiry mails of system certificates cannot start\n");
		return -1;
	}
	return 0;
}

/* The services' handles: store, demo world, mail runner, OIDC provider. 0 or -1. */
static int
services_open(const struct config *c, const char *issuer, struct instance *in)
{
	char err[1024], portal_conf[1100];

	if (cmd_password_cfg(c, &in->password) != 0)
		return -1;
	if (open_store(c, &in->store) != 0)
		return -1;
	/* The schema /readyz expects: the newest migration open_store found (same folder). */
	snprintf(err, sizeof(err), store_is_pg(c->db) ? "%s/migrations/pg" : "%s/migrations",
	    c->share_dir);
	if (ops_migrations_newest(err, &in->app.schema_newest) != 0) {
		fprintf(stderr, "portier: %s: no migration found\n", err);
		return -1;
	}
	if (c->demo && demo_seed(in->store, &in->password, &(struct demo_addresses){ .issuer = issuer,
	    .portal_url = c->portal_url,
	    .portal_conf = portal_conf_path(c->db, portal_conf, sizeof(portal_conf)) }) != 0)
		return -1;
	in->mc = (struct mail_config){
		.smtp_url = c->smtp_url, .smtp_from = c->smtp_from, .smtp_user = c->smtp_user,
		.smtp_password = c->smtp_password, .retry_seconds = c->mail_retry_seconds,
		.demo = c->demo, .locale_dir = c->locale_dir,
	};
	if (mail_start(in->store, &in->mc, &in->mail, err, sizeof(err)) != 0 ||
	    (in->oidc = oidc_provider_new(in->store, issuer, KEYS_RELOAD, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	/* The entityID apps/saml publishes: the issuer's /saml/metadata. */
	snprintf(in->saml_idp, sizeof(in->saml_idp), "%s/saml/metadata",
	    oidc_provider_issuer(in->oidc));
	in->saml_bcl = (struct saml_bcl){ .store = in->store, .idp_entity_id = in->saml_idp };
	if (oidc_backchannel_start(in->oidc, &(struct oidc_bcl_also){
	    .fn = saml_backchannel_tick, .arg = &in->saml_bcl }, &in->bcl) != 0) {
		fputs("portier: cannot start the back-channel logout deliveries\n", stderr);
		return -1;
	}
	if (kek_current() == NULL)
		log_warn(NULL, "keys at rest: no key-encryption key configured (kek_file): signing "
		    "keys, TOTP keys and the pairwise secret are stored in clear");
	if (checkpoints_start(c, in) != 0)
		return -1;
	/* The upstream identity providers' back-channel (libcurl, TLS verified). */
	if (phttp_init(c->idp_ca_file, err, sizeof(err)) != 0 ||
	    (in->app.upstream = upstream_rp_new()) == NULL) {
		fprintf(stderr, "portier: idp_ca_file: %s\n", err);
		return -1;
	}
	if (machine_open_ca(issuer, in) != 0)
		return -1;
	in->app.store = in->store;
	in->app.demo = c->demo;
	in->app.oidc = in->oidc;
	in->app.password = &in->password;
	in->app.mail = mail_runner_texts(in->mail);
	in->machine.mail = in->app.mail;
	in->app.machine = &in->machine;
	in->app.share_dir = c->share_dir;
	in->app.csam = (struct csam_app_settings){
		.four_eyes = c->four_eyes, .exception_address = c->exception_address,
	};
	return 0;
}

/* The web server with every surface's routes, listening. 0 or -1. */
static int
server_open(const struct config *c, struct eid_runtime *eid, struct instance *in)
{
	struct web_config wc = { 0 };
	char err[1024];

	web_settings(c, eid, &wc);
	wire_sessions(&wc.sessions, in->store);
	in->srv = web_server_new(&wc, err, sizeof(err));
	if (in->srv == NULL) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	in->eid_door = (struct eid_door){
		.verifier = eid->verifier, .proxies = eid->proxies,
		.proxy_header = c->eid_proxy_header, .server = in->srv,
		.demo_reader = c->demo && c->demo_card_reader, .demo_dir = eid->demo_dir,
	};
	door_eid_prepare(&in->eid_door);
	in->app.eid_door = &in->eid_door;
	if (ops_metrics_setup(&in->metrics, c->metrics_allow, eid_proxies_blocks(eid->proxies),
	    eid->tls_cert_pem, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	in->app.metrics = &in->metrics;
	web_set_app(in->srv, &in->app);
	web_set_page_hook(in->srv, app_page_hook);
	err[0] = '\0';
	if (home_routes(in->srv) != 0 || uman_routes(in->srv) != 0 ||
	    csam_routes(in->srv) != 0 ||
	    oidc_routes(in->srv, in->oidc) != 0 || saml_routes(in->srv) != 0 ||
	    lookup_routes(in->srv) != 0 ||
	    registry_api_routes(in->srv) != 0 || pki_routes(in->srv) != 0 ||
	    scim_routes(in->srv) != 0 || rest_api_routes(in->srv) != 0 ||
	    login_routes(in->srv, &in->doors) != 0 ||
	    web_server_start(in->srv, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err[0] ? err : "routes cannot be registered");
		return -1;
	}
	return 0;
}

int
instance_start(const struct config *c, struct eid_runtime *eid, struct instance **out)
{
	struct instance *in = calloc(1, sizeof(*in));
	char issuer[OIDC_ISSUER_MAX], err[512];

	*out = NULL;
	if (in == NULL) {
		fprintf(stderr, "portier: out of memory\n");
		return -1;
	}
	if (oidc_issuer_of(c->issuer, c->listen, issuer, sizeof(issuer), err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		free(in);
		return -1;
	}
	if (doors_setup(c, in) != 0) {
		free(in);
		return -1;
	}
	if (services_open(c, issuer, in) != 0 || server_open(c, eid, in) != 0) {
		instance_stop(in, 0);
		return -1;
	}
	*out = in;
	return 0;
}

struct app *
instance_app(struct instance *in)
{
	return &in->app;
}

int
instance_port(const struct instance *in)
{
	return web_server_port(in->srv);
}

int
instance_tls_port(const struct instance *in)
{
	return web_server_tls_port(in->srv);
}

void
instance_stop(struct instance *in, int grace_ms)
{
	if (in == NULL)
		return;
	if (in->srv != NULL) {
		web_server_stop(in->srv, grace_ms);
		web_server_free(in->srv);
	}
	oidc_backchannel_stop(in->bcl);
	oidc_provider_stop(in->oidc);
	machine_sweeper_stop(in->sweeper);
	mail_stop(in->mail);
	machine_ca_free(in->machine.ca);
	audit_cp_stop(in->cp);
	sodium_memzero(&in->cp_key, sizeof(in->cp_key));
	oidc_provider_free(in->oidc);
	oidc_assertion_keys_clear();
	saml_keys_cache_clear();
	upstream_rp_free(in->app.upstream);
	password_cfg_free(&in->password);
	ops_metrics_free(&in->metrics);
	if (in->store != NULL)
		store_close(in->store);
	free(in);
}
