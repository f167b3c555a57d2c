/* cmd.h — the subcommands of the portier executable and what they share. */
#ifndef PORTIER_CMD_H
#define PORTIER_CMD_H

#include "cmd/config.h"

#ifndef PORTIER_VERSION
#define PORTIER_VERSION "0.1.0"
struct store;
struct password_cfg;
/* Where the demo runs: portier's issuer, the agency portal's address (its redirect URIs
 * derive from it) and the portal's settings file. */
struct demo_addresses {
	const char *issuer;
	const char *portal_url;
	const char *portal_conf;
};
/* Fills an empty database with the demo world (people with access codes hashed with pw's
 * costs …); a database that already has people keeps them. The portal's client is
 * (re)registered for the addresses of this run. Returns 0 or -1. */
int demo_seed(struct store *s, const struct password_cfg *pw, const struct demo_addresses *a);
/* The password settings of c: its costs and share_dir's list of common passwords.
 * 0, or -1 after printing why. Free with password_cfg_free. */
int cmd_password_cfg(const struct config *c, struct password_cfg *out);
/* Opens the store at c->db and applies pending migrations; prints why on failure. Then
 * the keys at rest (keys_at_rest_start): the KEK installed, plaintext secrets sealed. */
int open_store(const struct config *c, struct store **out);
/* open_store without the keys at rest: `portier migrate` needs no KEK. */
int open_store_schema(const struct config *c, struct store **out);
/* Opens the existing store at c->db for reading only: a missing SQLite file is not created
 * and no migration is applied, so that a copy can be read as it is. Prints why and
 * returns -1 on failure. */
int open_store_existing(const struct config *c, struct store **out);

#endif

int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_portal(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_keys(int argc, char **argv);
/* Keys at rest at every start (cmd/keys.c): installs the KEK and wraps plaintext secrets,
 * or refuses a KEK that does not open them. 0, or -1 with the reason printed. */
int keys_at_rest_start(const struct config *c, struct store *s);
int cmd_client(int argc, char **argv);
int cmd_rs(int argc, char **argv);
int cmd_idp(int argc, char **argv);
int cmd_sp(int argc, char **argv);
int cmd_person(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_eid(int argc, char **argv);
int cmd_helpdesk(int argc, char **argv);
int cmd_catalogue(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_mandate(int argc, char **argv);
int cmd_person_world(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_account(int argc, char **argv);
int cmd_quality(int argc, char **argv);
int cmd_helpdesk_requests(int argc, char **argv);
int cmd_login_throttle(int argc, char **argv);

/* What serve and demo hold for the TLS listener and the eID door (cmd/eid.c). */
struct eid_verifier;
struct eid_proxies;
struct eid_runtime {
	struct eid_verifier *verifier;   /* NULL when eid_trust is not set */
	struct eid_proxies *proxies;
	char *tls_cert_pem, *tls_key_pem, *client_ca_pem;
	char demo_dir[960];              /* demo: the test CA of the demo cards, else "" */
};
/* Checks the TLS and eID settings, makes the demo's test CA and cards (demo mode without
 * eid_trust), loads the verifier. Prints why and returns -1 on error; 0 when ready. */
int eid_runtime_setup(struct config *c, struct eid_runtime *rt);
void eid_runtime_free(struct eid_runtime *rt);

/* Scans argv[1..] for --help or -h (prints usage on stdout and returns true) and for
 * --config FILE or --config=FILE (the last one into *file, left as it is without one). */
bool cmd_help_or_config_file(int argc, char **argv, const char *usage, const char **file);
/* Reads the configuration for a subcommand: defaults, then --config FILE (or
 * PORTIER_CONFIG), then PORTIER_* variables, then "--key value" / "--key=value" flags
 * for every setting (dashes or underscores). Prints usage on --help and returns 1;
 * returns -1 after printing an error, 0 when c is ready. Positional arguments are
 * collected into pos (at most maxpos), their count in *npos. */
int cmd_config(int argc, char **argv, const char *usage, struct config *c, char **pos,
    int maxpos, int *npos);

#endif
