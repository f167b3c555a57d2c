/* common.c — configuration for every subcommand: file, environment, flags, --help.
 * Flags win over the environment, which wins over the file. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"

bool
cmd_help_or_config_file(int argc, char **argv, const char *usage, const char **file)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return true;
		}
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			*file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			*file = argv[i] + 9;
	}
	return false;
}

int
cmd_config(int argc, char **argv, const char *usage, struct config *c, char **pos, int maxpos,
    int *npos)
{
	const char *file = getenv("PORTIER_CONFIG");
	char err[1024];
	int i;

	*npos = 0;
	config_defaults(c);
	if (cmd_help_or_config_file(argc, argv, usage, &file))
		return 1;
	if (file != NULL && config_file(c, file, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	if (config_env(c, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	for (i = 1; i < argc; i++) {
		char key[64];
		const char *a = argv[i], *value, *eq;
		size_t klen;

		if (strncmp(a, "--", 2) != 0) {
			if (*npos >= maxpos) {
				fprintf(stderr, "portier: unexpected argument '%s'\n%s", a, usage);
				return -1;
			}
			pos[(*npos)++] = argv[i];
			continue;
		}
		a += 2;
		eq = strchr(a, '=');
		klen = eq ? (size_t)(eq - a) : strlen(a);
		if (klen >= sizeof(key)) {
			fprintf(stderr, "portier: unknown option '%s'\n", argv[i]);
			return -1;
		}
		memcpy(key, a, klen);
		key[klen] = '\0';
		for (char *k = key; *k; k++)
			if (*k == '-')
				*k = '_';
		if (eq != NULL) {
			value = eq + 1;
		} else if (strcmp(key, "demo") == 0) {
			value = "true";
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "portier: option --%s needs a value\n", key);
			return -1;
		}
		if (strcmp(key, "config") == 0)
			continue;
		if (config_set(c, key, value, err, sizeof(err)) != 0) {
			fprintf(stderr, "portier: option --%s: %s\n%s", key, err, usage);
			return -1;
		}
	}
	return 0;
}

int
cmd_password_cfg(const struct config *c, struct password_cfg *out)
{
	char common[1100];

	password_cfg_init(out, (unsigned long long)c->password_ops, (size_t)c->password_mem_kib);
	snprintf(common, sizeof(common), "%s/data/common-passwords.txt", c->share_dir);
	if (password_cfg_load_common(out, common) != 0) {
		fprintf(stderr, "portier: cannot read %s\n", common);
		return -1;
	}
	return 0;
}
