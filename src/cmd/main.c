/* main.c — the portier executable: picks a subcommand and hands it the arguments.
 * Each subcommand parses its own options and prints --help. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "serve", cmd_serve, "run the web server" },
	{ "demo", cmd_demo, "run the web server with the demo world on localhost" },
	{ "migrate", cmd_migrate, "apply the database migrations" },
	{ "audit", cmd_audit, "verify the audit chain (audit verify)" },
	{ "version", cmd_version, "print the version" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: portier COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'portier COMMAND --help' describes a command's options.\n");
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("portier: libsodium cannot start\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
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
