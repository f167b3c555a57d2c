/* person.c — `portier person activation-code`: the helpdesk issues a one-time activation
 * code to a person without eID, named by user name or by NISS (never printed back). */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/activation.h"
#include "be/be.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier person activation-code (--username NAME | --niss NISS) [--db PATH]\n"
    "                                      [--config FILE]\n"
    "\n"
    "Issues a one-time activation code for a person without eID: with it, on the page\n"
    "\"Activer mes codes d'accès\" (/activer), the person sets a password and may enrol a\n"
    "mobile app or a token card. The code is valid 14 days and serves once; it is printed\n"
    "here only (the database keeps a hash). An earlier unused code of the person stops\n"
    "working. The NISS may be typed with dots, dashes or spaces.\n"
    "Exit status: 0 issued, 1 no such person, 2 usage or database error.\n";

int
cmd_person(int argc, char **argv)
{
	const char *username = NULL, *niss_in = NULL;
	const struct cmd_opt opts[] = {
		{ .name = "username", .value = &username }, { .name = "niss", .value = &niss_in },
	};
	char *pos[1], code[ACTIVATION_CODE_MAX], until[32];
	struct be_niss niss;
	struct config c;
	struct store *s;
	int64_t person = 0, expires = 0;
	int npos, rc;
	struct tm tm;
	time_t t;

	/* add, set-password, show: person_add.c. */
	if (argc > 1 && (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "set-password") == 0 ||
	    strcmp(argv[1], "show") == 0))
		return cmd_person_world(argc, argv);
	/* Our own options first; the rest are the common settings (--db, --config …). */
	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1,
	    &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || strcmp(pos[0], "activation-code") != 0 ||
	    (username == NULL) == (niss_in == NULL)) {
		fputs(usage, stderr);
		return 2;
	}
	if (niss_in != NULL && be_niss_parse(niss_in, &niss) != BE_OK) {
		fprintf(stderr, "portier: the NISS is not valid (check digits, date or length)\n");
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 2;
	rc = activation_find_person(s, username, niss_in ? niss.digits : NULL, &person);
	if (rc == 0)
		rc = activation_issue(s, &(struct actor){ .name = "cli", .role = "helpdesk" }, person,
		    code, &expires);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "portier: cannot issue the code (database error)\n");
		return 2;
	}
	if (rc == 1) {
		fprintf(stderr, "portier: no person with this %s\n", username ? "user name" : "NISS");
		return 1;
	}
	t = (time_t)expires;
	if (localtime_r(&t, &tm) == NULL || strftime(until, sizeof(until), "%Y-%m-%d %H:%M",
	    &tm) == 0)
		until[0] = '\0';
	printf("activation code: %s\nvalid until:     %s\n", code, until);
	sodium_memzero(code, sizeof(code));
	return 0;
}
