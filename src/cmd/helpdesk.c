/* helpdesk.c — `portier helpdesk add|remove NISS` and `portier helpdesk list`: who holds
 * the helpdesk role (the back office of the exception procedure, /helpdesk). NISS are
 * read from the command line and printed masked only. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "be/be.h"
#include "csam/helpdesk.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier helpdesk add NISS [--db PATH] [--config FILE]\n"
    "       portier helpdesk remove NISS [--db PATH] [--config FILE]\n"
    "       portier helpdesk list [--db PATH] [--config FILE]\n"
    "       portier helpdesk requests|request REFERENCE --as NISS (see --help of those)\n"
    "\n"
    "Gives or takes the helpdesk role: its holders decide the requests of the exception\n"
    "procedure at /helpdesk (they log in with eID or access codes). A person not yet known\n"
    "to portier is created from the persons register. The NISS may be typed with dots,\n"
    "dashes or spaces; it is shown masked. Each change is an audit event.\n"
    "Exit status: 0 done, 1 unknown person (or role not held), 2 usage or database error.\n";

static int
list(struct store *s)
{
	struct arena *a = arena_new(0);
	struct csam_operator *ops;
	int n;

	if (a == NULL)
		return 2;
	n = csam_helpdesk_list(s, a, &ops);
	if (n < 0) {
		fprintf(stderr, "portier: cannot read the helpdesk operators\n");
		arena_free(a);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		char masked[16];

		if (strlen(ops[i].niss) == 11)
			be_niss_mask(ops[i].niss, masked);
		else
			snprintf(masked, sizeof(masked), "-");
		printf("%-6lld %-16s %s %s (since %.10s)\n", (long long)ops[i].person_id, masked,
		    ops[i].first_name, ops[i].last_name, ops[i].since);
	}
	if (n == 0)
		printf("no helpdesk operator\n");
	arena_free(a);
	return 0;
}

int
cmd_helpdesk(int argc, char **argv)
{
	char *pos[2];
	struct config c;
	struct be_niss niss;
	struct store *s;
	enum access_rc rc;
	int npos, x;
	/* The operator at the command line; "cli" is also the source of its events. */
	const struct actor by = { .name = "cli", .lang = "fr", .source = "cli" };

	/* The exception procedure's requests: helpdesk_requests.c. */
	if (argc > 1 && (strcmp(argv[1], "requests") == 0 || strcmp(argv[1], "request") == 0))
		return cmd_helpdesk_requests(argc, argv);
	x = cmd_config(argc, argv, usage, &c, pos, 2, &npos);
	if (x != 0)
		return x > 0 ? 0 : 2;
	if (npos == 1 && strcmp(pos[0], "list") == 0) {
		if (open_store(&c, &s) != 0)
			return 2;
		x = list(s);
		store_close(s);
		return x;
	}
	if (npos != 2 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "remove") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (be_niss_parse(pos[1], &niss) != BE_OK) {
		fprintf(stderr, "portier: the NISS is not valid (check digits, date or length)\n");
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 2;
	rc = strcmp(pos[0], "add") == 0 ? csam_helpdesk_grant(s, &by, niss.digits) :
	    csam_helpdesk_revoke(s, &by, niss.digits);
	store_close(s);
	switch (rc) {
	case ACCESS_OK:
		printf("%s\n", strcmp(pos[0], "add") == 0 ? "helpdesk role given" :
		    "helpdesk role taken away");
		return 0;
	case ACCESS_CONFLICT:
		printf("this person already has the helpdesk role\n");
		return 0;
	case ACCESS_NOT_FOUND:
		fprintf(stderr, "portier: %s\n", strcmp(pos[0], "add") == 0 ?
		    "no person with this NISS (neither in portier nor in the persons register)" :
		    "this person has no helpdesk role");
		return 1;
	default:
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
}
