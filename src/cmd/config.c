/* config.c — settings from a file, the environment and flags, one table of keys.
 * Every key is documented in portier.conf.example. */
#include "cmd/config.h"

#include "cmd/man.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum kind { K_STR, K_INT, K_LONG, K_BOOL };

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	size_t size;
	long min, max;
};

#define S(f) K_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0
#define I(f, lo, hi) K_INT, offsetof(struct config, f), 0, lo, hi
#define L(f, lo, hi) K_LONG, offsetof(struct config, f), 0, lo, hi

static const struct key keys[] = {
	{ "listen", S(listen) },
	{ "issuer", S(issuer) },
	{ "db", S(db) },
	{ "share_dir", S(share_dir) },
	{ "locale_dir", S(locale_dir) },
	{ "log_level", S(log_level) },
	{ "log_format", S(log_format) },
	{ "threads", I(threads, 1, 256) },
	{ "workers", I(workers, 0, 256) },
	{ "db_pool", I(db_pool, 1, 64) },
	{ "session_idle", I(session_idle, 60, 86400) },
	{ "session_absolute", I(session_absolute, 300, 7 * 86400) },
	{ "shutdown_grace", I(shutdown_grace, 0, 3600) },
	{ "password_ops", I(password_ops, 1, 10) },
	{ "password_mem_kib", I(password_mem_kib, 8, 1048576) },
	{ "max_header", L(max_header, 1024, 1L << 20) },
	{ "max_body", L(max_body, 1024, 16L << 20) },
	{ "max_upload", L(max_upload, 1024, 256L << 20) },
	{ "max_field", L(max_field, 64, 1L << 20) },
	{ "max_connections", I(max_connections, 16, 100000) },
	{ "max_connections_per_ip", I(max_connections_per_ip, 1, 100000) },
	{ "header_timeout", I(header_timeout, 1, 600) },
	{ "demo", K_BOOL, offsetof(struct config, demo), 0, 0, 0 },
	{ "portal_url", S(portal_url) },
	{ "tls_listen", S(tls_listen) },
	{ "tls_cert", S(tls_cert) },
	{ "tls_key", S(tls_key) },
	{ "eid_trust", S(eid_trust) },
	{ "machine_trust", S(machine_trust) },
	{ "eid_crl", S(eid_crl) },
	{ "eid_revocation", S(eid_revocation) },
	{ "eid_ocsp_url", S(eid_ocsp_url) },
	{ "trusted_proxies", S(trusted_proxies) },
	{ "metrics_allow", S(metrics_allow) },
	{ "eid_proxy_header", S(eid_proxy_header) },
	{ "demo_card_reader", K_BOOL, offsetof(struct config, demo_card_reader), 0, 0, 0 },
	{ "four_eyes", K_BOOL, offsetof(struct config, four_eyes), 0, 0, 0 },
	{ "exception_address", S(exception_address) },
	{ "smtp_url", S(smtp_url) },
	{ "smtp_from", S(smtp_from) },
	{ "smtp_user", S(smtp_user) },
	{ "smtp_password", S(smtp_password) },
	{ "mail_retry_seconds", I(mail_retry_seconds, 1, 86400) },
	{ "audit_checkpoint_key", S(audit_checkpoint_key) },
	{ "audit_checkpoint_file", S(audit_checkpoint_file) },
	{ "audit_checkpoint_every", I(audit_checkpoint_every, 1, 1000000) },
	{ "audit_checkpoint_seconds", I(audit_checkpoint_seconds, 1, 86400) },
	{ "kek_file", S(kek_file) },
	{ "idp_ca_file", S(idp_ca_file) },
	{ "sandbox", S(sandbox) },
	{ "sandbox_syscalls", S(sandbox_syscalls) },
	{ "user", S(user) },
	{ "allow_root", K_BOOL, offsetof(struct config, allow_root), 0, 0, 0 },
	{ "doors", S(doors) },
	{ "email_code_digits", I(email_code_digits, 6, 8) },
	{ "email_code_minutes", I(email_code_minutes, 1, 60) },
	{ "email_code_attempts", I(email_code_attempts, 1, 10) },
	{ "email_code_sends", I(email_code_sends, 1, 100) },
};

void
config_defaults(struct config *c)
{
	char exe[1024];
	ssize_t n;

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	snprintf(c->db, sizeof(c->db), "var/portier.db");
	snprintf(c->log_level, sizeof(c->log_level), "info");
	snprintf(c->log_format, sizeof(c->log_format), "text");
	c->threads = 8;
	c->workers = 0;
	c->db_pool = 8;
	c->session_idle = 1800;
	c->session_absolute = 12 * 3600;
	c->shutdown_grace = 10;
	c->password_ops = 2;
	c->password_mem_kib = 19456;
	c->max_header = 16 * 1024;
	c->max_body = 64 * 1024;
	c->max_upload = 10L * 1024 * 1024;
	c->max_field = 8 * 1024;
	c->max_connections = 4000;
	c->max_connections_per_ip = 200;
	c->header_timeout = 10;
	snprintf(c->eid_revocation, sizeof(c->eid_revocation), "crl");
	snprintf(c->eid_proxy_header, sizeof(c->eid_proxy_header), "X-SSL-Client-Cert");
	c->demo_card_reader = true;
	/* Separation of duties: two helpdesk operators approve an exception request. */
	c->four_eyes = true;
	snprintf(c->smtp_from, sizeof(c->smtp_from), "portier@localhost");
	snprintf(c->exception_address, sizeof(c->exception_address),
	    "portier — Helpdesk, procédure d'exception");
	c->mail_retry_seconds = 60;
	c->audit_checkpoint_every = 1000;
	c->audit_checkpoint_seconds = 60;
	snprintf(c->sandbox, sizeof(c->sandbox), "on");
	snprintf(c->sandbox_syscalls, sizeof(c->sandbox_syscalls), "enforce");
	/* The login doors of a new deployment (apps/login/doors.c, docs/login-doors.md): the
	 * token card and the code by e-mail are off until named. */
	snprintf(c->doors, sizeof(c->doors), "eid,passkey,password+totp,idp");
	c->email_code_digits = 6;
	c->email_code_minutes = 10;
	c->email_code_attempts = 5;
	c->email_code_sends = 5;
#ifdef PORTIER_SHARE_DIR
	/* An installed build (the Debian package, debian/rules): the executable is in /usr/bin,
	 * its data in a fixed folder with the compiled catalogues in locale/. */
	(void)exe;
	(void)n;
	snprintf(c->share_dir, sizeof(c->share_dir), "%s", PORTIER_SHARE_DIR);
	snprintf(c->locale_dir, sizeof(c->locale_dir), "%s/locale", PORTIER_SHARE_DIR);
	return;
#endif
	/* The executable lives in <share>/build/ with its compiled catalogues in locale/;
	 * templates, static and migrations are in <share>. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(c->locale_dir, sizeof(c->locale_dir), "%s/locale", exe);
		slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(c->share_dir, sizeof(c->share_dir), "%s", exe);
	} else {
		snprintf(c->share_dir, sizeof(c->share_dir), ".");
		snprintf(c->locale_dir, sizeof(c->locale_dir), "build/locale");
	}
}

int
config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		char *p = (char *)c + k->off, *end;
		long v;

		if (strcmp(k->name, key) != 0)
			continue;
		switch (k->kind) {
		case K_STR:
			if (strlen(value) >= k->size) {
				snprintf(err, errlen, "%s: value too long", key);
				return -1;
			}
			memcpy(p, value, strlen(value) + 1);
			return 0;
		case K_INT:
		case K_LONG:
			errno = 0;
			v = strtol(value, &end, 10);
			if (errno != 0 || end == value || *end != '\0' || v < k->min || v > k->max) {
				snprintf(err, errlen, "%s: expected a number from %ld to %ld", key,
				    k->min, k->max);
				return -1;
			}
			if (k->kind == K_INT)
				*(int *)(void *)p = (int)v;
			else
				*(long *)(void *)p = v;
			return 0;
		case K_BOOL:
			if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
			    strcmp(value, "yes") == 0)
				*(bool *)(void *)p = true;
			else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
			    strcmp(value, "no") == 0)
				*(bool *)(void *)p = false;
			else {
				snprintf(err, errlen, "%s: expected true or false", key);
				return -1;
			}
			return 0;
		}
	}
	snprintf(err, errlen, "unknown setting '%s'", key);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_lines(const char *path, config_line_fn set, void *arg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[2048], reason[512];
	int lineno = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		char *s, *eq;

		lineno++;
		/* A line the buffer cannot hold is refused: its rest would be read as the next
		 * line and the value cut (settings are never cut). */
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path, lineno);
			fclose(f);
			return -1;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		if (set(arg, trim(s), trim(eq + 1), reason, sizeof(reason)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, reason);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
set_line(void *c, const char *key, const char *value, char *reason, size_t reasonlen)
{
	return config_set(c, key, value, reason, reasonlen);
}

int
config_file(struct config *c, const char *path, char *err, size_t errlen)
{
	return config_lines(path, set_line, c, err, errlen);
}

int
config_env(struct config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[64], reason[256];
		const char *v;
		size_t k;

		snprintf(name, sizeof(name), "PORTIER_%s", keys[i].name);
		for (k = 8; name[k] != '\0'; k++)
			name[k] = (char)toupper((unsigned char)name[k]);
		v = getenv(name);
		if (v == NULL)
			continue;
		if (config_set(c, keys[i].name, v, reason, sizeof(reason)) != 0) {
			snprintf(err, errlen, "%s: %s", name, reason);
			return -1;
		}
	}
	return 0;
}

/* The default of key k in d, as text for the manual. */
static void
man_default(FILE *f, const struct key *k, const struct config *d)
{
	const char *p = (const char *)d + k->off;

	switch (k->kind) {
	case K_STR:
		if (*p == '\0')
			fputs("empty", f);
		else
			man_text(f, p);
		break;
	case K_INT:
		fprintf(f, "%d", *(const int *)(const void *)p);
		break;
	case K_LONG:
		fprintf(f, "%ld", *(const long *)(const void *)p);
		break;
	case K_BOOL:
		fputs(*(const bool *)(const void *)p ? "true" : "false", f);
		break;
	}
}

int
config_man(FILE *f)
{
	static const char *const kinds[] = { "text", "number", "number", "true or false" };
	struct config d;

	config_defaults(&d);
	man_head(f, "portier.conf", "5", "settings of the portier server and commands");
	fputs(".SH SYNOPSIS\n/etc/portier/portier.conf\n.SH DESCRIPTION\n"
	    "Lines of \\fIkey\\fP = \\fIvalue\\fP; blank lines and lines starting with # are "
	    "skipped. A command reads its defaults, then the file named by \\fB\\-\\-config\\fP "
	    "or \\fBPORTIER_CONFIG\\fP, then the \\fBPORTIER_\\fP\\fIKEY\\fP environment "
	    "variables, then \\fB\\-\\-\\fP\\fIkey value\\fP options; the last one wins. "
	    "An unknown key or a value out of range stops the command with the file's line.\n"
	    ".PP\nThe example file /usr/share/doc/portier/examples/portier.conf.example "
	    "explains each setting.\n.SH SETTINGS\n", f);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];

		fputs(".TP\n.B ", f);
		man_text(f, k->name);
		fprintf(f, "\n%s", kinds[k->kind]);
		if (k->kind == K_INT || k->kind == K_LONG)
			fprintf(f, " from %ld to %ld", k->min, k->max);
		else if (k->kind == K_STR)
			fprintf(f, " of at most %zu bytes", k->size - 1);
		fputs("; default: ", f);
		man_default(f, k, &d);
		fputs(". Environment: \\fBPORTIER_", f);
		for (const char *c = k->name; *c != '\0'; c++)
			fputc(toupper((unsigned char)*c), f);
		fputs("\\fP.\n", f);
	}
	fputs(".SH FILES\n.TP\n/etc/portier/portier.conf\nthe settings of the packaged service "
	    "(portier.service sets PORTIER_CONFIG to it)\n.TP\n/etc/portier/portier.env\n"
	    "secrets as PORTIER_ variables, read by systemd (root 0600)\n"
	    ".SH SEE ALSO\n.BR portier (1)\n", f);
	return ferror(f) ? -1 : 0;
}
