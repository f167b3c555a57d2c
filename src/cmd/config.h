/* config.h — portier's settings: defaults < config file < PORTIER_* environment < flags. */
#ifndef PORTIER_CMD_CONFIG_H
#define PORTIER_CMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	char listen[128];
	/* The OpenID Connect issuer (docs/oidc.md); empty: http://LISTEN */
	char issuer[256];
	char db[1024];
	char share_dir[1024];
	char locale_dir[1100];
	char log_level[16];
	char log_format[16];   /* text or json (base/log.h) */
	int threads;
	int workers;
	int db_pool;
	int session_idle;
	int session_absolute;
	int shutdown_grace;   /* seconds a stop waits for requests under way */
	int password_ops;
	int password_mem_kib;
	long max_header;
	long max_body;
	long max_upload;
	long max_field;
	int max_connections;      /* open connections, all addresses */
	int max_connections_per_ip;   /* open connections from one address */
	int header_timeout;       /* seconds to receive a request's complete headers */
	bool demo;
	/* The demo's agency portal as browsers reach it; empty: the listen host, port + 1 */
	char portal_url[256];
	/* TLS listener and the eID door (docs/eid.md) */
	char tls_listen[128];
	char tls_cert[1024];
	char tls_key[1024];
	char eid_trust[1024];
	char machine_trust[1024];     /* CAs named to machines (tls_client_auth) */
	char eid_crl[2048];
	char eid_revocation[16];
	char eid_ocsp_url[1024];
	char trusted_proxies[1024];
	char metrics_allow[1024];   /* who may scrape /metrics (empty: loopback) */
	char eid_proxy_header[64];
	bool demo_card_reader;
	/* GAP designation and its mails (docs/csam.md) */
	bool four_eyes;
	char exception_address[512];
	char smtp_url[512];
	char smtp_from[256];
	char smtp_user[256];
	char smtp_password[256];
	int mail_retry_seconds;
	/* Signed checkpoints of the audit chain (docs/audit.md): the key file ("" = none), the
	 * append-only checkpoint file ("" = the database only), when one is due */
	char audit_checkpoint_key[1024];
	char audit_checkpoint_file[1024];
	int audit_checkpoint_every;
	int audit_checkpoint_seconds;
	/* The key-encryption key of the secrets at rest (base/envelope.h); empty: the systemd
	 * credential portier-kek when present, else none */
	char kek_file[1024];
	/* The CAs the upstream identity providers' TLS certificates must chain to ("":
	 * the system's; docs/upstream-idp.md) */
	char idp_ca_file[1024];
	/* Sandbox after start (src/ops/sandbox.c, docs/operations.md) */
	char sandbox[16];          /* off, on (default: where the kernel supports it), required */
	char sandbox_syscalls[16]; /* enforce (default) or log: seccomp logs instead of refusing */
	char user[64];             /* started as root: the user it becomes */
	bool allow_root;           /* started as root without user: serve as root anyway */
	/* The login doors, in any order ("eid,passkey,password+totp,idp"; docs/login-doors.md),
	 * and the security code by e-mail (door password+email) */
	char doors[256];
	int email_code_digits;
	int email_code_minutes;
	int email_code_attempts;
	int email_code_sends;      /* codes to one person per hour */
};

/* Fills c with defaults (share_dir from the executable's location). */
void config_defaults(struct config *c);
/* Reads "key = value" lines from path. Returns 0, or -1 with "path:line: reason" in err. */
int config_file(struct config *c, const char *path, char *err, size_t errlen);
/* Sets one key of a settings file; 0, or -1 with a reason. */
typedef int (*config_line_fn)(void *arg, const char *key, const char *value, char *reason,
    size_t reasonlen);
/* Reads "key = value" lines from path (blank lines and # comments skipped, spaces around
 * key and value dropped) and hands each to set: config_file, and other commands' own
 * settings. Returns 0, or -1 with "path:line: reason" in err. */
int config_lines(const char *path, config_line_fn set, void *arg, char *err, size_t errlen);
/* Applies PORTIER_<KEY> environment variables. Returns 0 or -1 with a reason in err. */
int config_env(struct config *c, char *err, size_t errlen);
/* Sets one key; used by the file, the environment and flags alike. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

#endif
