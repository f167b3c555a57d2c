/* login_throttle.c — `portier login-throttle show|clear`: an operator reads or lifts the
 * slow-down that failed logins put on a user name or an address (auth/login.h), e.g. for
 * someone the helpdesk has identified. Lifting it is audited. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "auth/login.h"
#include "cmd/opts.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier login-throttle show (--username NAME | --address ADDR) [--db PATH]\n"
    "       portier login-throttle clear (--username NAME | --address ADDR) [--db PATH]\n"
    "\n"
    "Failed logins slow a user name down (from the third failure: 1 s, doubling up to a\n"
    "minute, never a lock) and a client address (from the twentieth). show prints the\n"
    "stored state as one JSON object: failures, next_allowed, updated_at (unix seconds),\n"
    "refused (attempts refused during the current wait), noted_at. clear forgets the\n"
    "failures (audited as login.throttle.clear). User names match in any case.\n"
    "Exit status: 0 done, 1 nothing recorded, 2 usage or database error.\n";

int
cmd_login_throttle(int argc, char **argv)
{
	const char *username = NULL, *address = NULL;
	const struct cmd_opt opts[] = {
		{ .name = "username", .value = &username }, { .name = "address", .value = &address },
	};
	struct login_throttle_view v;
	char *pos[1];
	struct config c;
	struct store *s;
	int npos, rc;

	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (username == NULL) == (address == NULL) ||
	    (strcmp(pos[0], "show") != 0 && strcmp(pos[0], "clear") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 2;
	if (strcmp(pos[0], "show") == 0) {
		rc = login_throttle_show(s, username, username ? NULL : address, &v);
		if (rc == 0)
			printf("{\"failures\":%lld,\"next_allowed\":%lld,\"updated_at\":%lld,"
			    "\"refused\":%lld,\"noted_at\":%lld}\n", (long long)v.failures,
			    (long long)v.next_allowed, (long long)v.updated_at, (long long)v.refused,
			    (long long)v.noted_at);
	} else {
		rc = login_throttle_clear(s, username, username ? NULL : address, "cli");
		if (rc == 0)
			printf("slow-down lifted\n");
	}
	store_close(s);
	if (rc == 1)
		fprintf(stderr, "portier: no failed login recorded for it\n");
	else if (rc < 0)
		fprintf(stderr, "portier: database error\n");
	return rc < 0 ? 2 : rc;
}
