/* mandate.c — `portier mandate expire`: marks the mandates whose end quarter has passed as
 * expired (issue 16), with their history row (no actor: the clock), audit event and mails
 * to both organisations. Meant for a daily timer; running it twice changes nothing. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "access/mandate.h"
#include "cmd/opts.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier mandate expire [--db PATH] [--config FILE]\n"
    "\n"
    "Marks every proposed or active mandate whose end quarter is before the current one\n"
    "as expired: a history row without actor, an audit event (mandate.expire) and a mail\n"
    "to both organisations (in French: the command loads no catalogue). Pages already\n"
    "show such a mandate as expired; this records it. Prints how many were marked.\n"
    "Exit status: 0 done, 2 usage or database error.\n";

int
cmd_mandate(int argc, char **argv)
{
	const struct actor by = { .name = "cli", .role = "operator", .source = "cli" };
	char *pos[1];
	struct config c;
	struct store *s;
	enum access_rc rc;
	int npos, n = 0, r;

	r = cmd_opts_config(argc, argv, NULL, 0, usage, &c, pos, 1, &npos);
	if (r != 0)
		return r > 0 ? 0 : 2;
	if (npos != 1 || strcmp(pos[0], "expire") != 0) {
		fputs(usage, stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 2;
	rc = mandate_expire_due(s, NULL, &by, &n);
	store_close(s);
	if (rc != ACCESS_OK) {
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	printf("%d mandate%s expired\n", n, n == 1 ? "" : "s");
	return 0;
}
