/* rs.c — `portier rs add|list|remove`: the resource servers (APIs) that introspect the
 * provider's access tokens (RFC 7662) and may receive them as JWT (RFC 9068). */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "oidc/resource.h"
#include "store/store.h"

#define RS_ARGS_MAX 64

static const char usage[] =
    "usage: portier rs add --id ID --secret SECRET [--audience URI] [--jwt-access-tokens]\n"
    "       portier rs list\n"
    "       portier rs remove --id ID\n"
    "       (each also takes --db PATH and --config FILE)\n"
    "\n"
    "Registers the resource servers of the OpenID Connect provider.\n"
    "  --id ID              1-64 characters among A-Z a-z 0-9 . _ -\n"
    "  --secret SECRET      its secret for /oidc/introspect (client_secret_basic):\n"
    "                       16-256 printable ASCII characters; only a hash is kept\n"
    "  --audience URI       the audience of the tokens meant for it (default\n"
    "                       urn:portier:rs:ID); clients registered with\n"
    "                       `portier client add --audience URI` get such tokens\n"
    "  --jwt-access-tokens  those clients' access tokens are JWT (RFC 9068)\n";

struct rs_opts {
	const char *id, *secret, *audience;
	bool jwt;
};

/* Takes this command's options out of argv; what remains goes to cmd_config. */
static int
parse(int argc, char **argv, struct rs_opts *o, char **rest, int *nrest)
{
	static const char *const names[] = { "--id", "--secret", "--audience" };

	*nrest = 0;
	rest[(*nrest)++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char **slot[] = { &o->id, &o->secret, &o->audience };
		bool taken = false;

		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) && !taken; k++) {
			size_t n = strlen(names[k]);

			if (strncmp(argv[i], names[k], n) != 0)
				continue;
			if (argv[i][n] == '=') {
				*slot[k] = argv[i] + n + 1;
				taken = true;
			} else if (argv[i][n] == '\0') {
				if (i + 1 >= argc) {
					fprintf(stderr, "portier: %s needs a value\n", argv[i]);
					return -1;
				}
				*slot[k] = argv[++i];
				taken = true;
			}
		}
		if (taken)
			continue;
		if (strcmp(argv[i], "--jwt-access-tokens") == 0)
			o->jwt = true;
		else
			rest[(*nrest)++] = argv[i];
	}
	rest[*nrest] = NULL;
	return 0;
}

static int
print_rs(void *arg, const struct oidc_rs *rs)
{
	(void)arg;
	printf("%s\n  audience: %s\n  access tokens: %s\n  created: %s\n", rs->id,
	    rs->audience, rs->jwt_access_tokens ? "JWT (RFC 9068)" : "opaque", rs->created_at);
	return 0;
}

static int
run(struct store *s, const char *cmd, const struct rs_opts *o)
{
	char err[256];
	int rc;

	if (strcmp(cmd, "list") == 0) {
		rc = oidc_rs_list(s, print_rs, NULL);
		if (rc != 0)
			fputs("portier: rs list: database error\n", stderr);
		return rc == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "remove") == 0) {
		rc = oidc_rs_remove(s, o->id, "cli");
		if (rc == 0)
			printf("resource server %s removed\n", o->id);
		else
			fprintf(stderr, rc == 1 ? "portier: no resource server '%s'\n" :
			    "portier: rs remove '%s': database error\n", o->id);
		return rc == 0 ? 0 : 1;
	}
	rc = oidc_rs_add(s, o->id, o->secret, o->audience, o->jwt, "cli", err, sizeof(err));
	if (rc == -2)
		fprintf(stderr, "portier: a resource server '%s' or its audience exists already\n",
		    o->id);
	else if (rc != 0)
		fprintf(stderr, "portier: rs add: %s\n", err);
	else
		printf("resource server %s registered\n", o->id);
	return rc == 0 ? 0 : rc == -2 ? 1 : 2;
}

int
cmd_rs(int argc, char **argv)
{
	struct rs_opts o = { 0 };
	struct config c;
	struct store *s;
	char *rest[2 * RS_ARGS_MAX + 4], *pos[1];
	int nrest, npos, rc;

	if (argc > 2 * RS_ARGS_MAX || parse(argc, argv, &o, rest, &nrest) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	rc = cmd_config(nrest, rest, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "list") != 0 &&
	    strcmp(pos[0], "remove") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(pos[0], "list") != 0 && o.id == NULL) {
		fprintf(stderr, "portier: rs %s needs --id\n", pos[0]);
		return 2;
	}
	if (strcmp(pos[0], "add") == 0 && o.secret == NULL) {
		fputs("portier: rs add needs --secret\n", stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	rc = run(s, pos[0], &o);
	store_close(s);
	return rc;
}
