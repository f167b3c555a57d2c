/* main.c — the portier executable: picks a subcommand and hands it the arguments.
 * Each subcommand parses its own options and prints --help. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/man.h"
#include "cmd/store_modules.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "serve", cmd_serve, "run the web server" },
	{ "demo", cmd_demo, "run the web server with the demo world on localhost" },
	{ "portal", cmd_portal, "run the agency portal (MEDSEIP), a relying party of portier" },
	{ "migrate", cmd_migrate, "apply the database migrations" },
	{ "audit", cmd_audit, "the audit trail: verify the chain, list events" },
	{ "backup", cmd_backup, "an online copy of the SQLite database, checked (backup --to FILE)" },
	{ "import", cmd_import, "load an authentic source into the registry (import kbo PATH)" },
	{ "registry", cmd_registry, "the enterprise registry: show NUMBER, search TEXT" },
	{ "person", cmd_person, "people: add, set-password, show, activation-code" },
	{ "org", cmd_org, "organisations with their GAP (org add, org show)" },
	{ "quality", cmd_quality, "qualities of an organisation (quality activate, list)" },
	{ "account", cmd_account, "users of a quality (account add, suspend, reactivate, list)" },
	{ "keys", cmd_keys, "OpenID Connect signing keys and the key-encryption key (keys rotate|list|kek-new|rewrap)" },
	{ "client", cmd_client, "OpenID Connect clients (client add, list, remove)" },
	{ "rs", cmd_rs, "resource servers that introspect access tokens (rs add, list, remove)" },
	{ "idp", cmd_idp, "upstream identity providers offered as login doors (idp add, list, remove)" },
	{ "sp", cmd_sp, "SAML service providers (sp add, list, remove, refresh)" },
	{ "catalogue", cmd_catalogue, "the quality and application catalogue (list, add-quality …)" },
	{ "mail", cmd_mail, "the mail outbox: what was queued and sent (mail list)" },
	{ "login-throttle", cmd_login_throttle, "the slow-down of failed logins (show, clear)" },
	{ "mandate", cmd_mandate, "mandates between organisations: mark those past their end (mandate expire)" },
	{ "helpdesk", cmd_helpdesk, "the helpdesk role (add|remove NISS, list) and its requests" },
	{ "version", cmd_version, "print the version" },
	{ "eid", cmd_eid, "eID tools: a test CA and cards (eid test-ca), verify a certificate" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: portier COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'portier COMMAND --help' describes a command's options.\n");
}

/* portier(1) from the table usage() prints: the page and the help cannot drift apart. */
static int
man_page(FILE *f)
{
	man_head(f, "portier", "1", "access management and OpenID Connect provider");
	fputs(".SH SYNOPSIS\n.B portier\n.I COMMAND\n[\\fIOPTIONS\\fP]\n.SH DESCRIPTION\n"
	    "One executable: the web server and the administration commands. "
	    "\\fBportier\\fP \\fICOMMAND\\fP \\fB\\-\\-help\\fP describes a command's options. "
	    "Every setting of \\fBportier.conf\\fP(5) is also an option "
	    "\\fB\\-\\-\\fP\\fIkey value\\fP of the commands that read the settings.\n"
	    ".SH COMMANDS\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fputs(".TP\n.B ", f);
		man_text(f, commands[i].name);
		fputc('\n', f);
		man_text(f, commands[i].summary);
		fputc('\n', f);
	}
	fputs(".SH ENVIRONMENT\n.TP\n.B PORTIER_CONFIG\nthe settings file read when no "
	    "\\fB\\-\\-config\\fP is given\n.TP\n.BI PORTIER_ KEY\none setting, over the file's\n"
	    ".SH EXIT STATUS\n0 on success, 2 on a usage error, 1 on any other error.\n"
	    ".SH SEE ALSO\n.BR portier.conf (5)\n", f);
	return ferror(f) ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("portier: libsodium cannot start\n", stderr);
		return 1;
	}
	if (store_modules_register() != 0) {
		fputs("portier: statement tables overlap\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		/* The man pages, written at the package's build (debian/rules). */
		if (argc == 3 && strcmp(argv[2], "--man") == 0)
			return man_page(stdout);
		if (argc == 3 && strcmp(argv[2], "--conf-man") == 0)
			return config_man(stdout) != 0;
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "portier: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
