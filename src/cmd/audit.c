/* audit.c — `portier audit verify`: walks the hash chain of audit events and reports
 * the first broken or missing one; exits 1 when the chain is broken. */
#include "cmd/cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier audit verify [--db PATH] [--config FILE]\n"
    "\n"
    "Recomputes the hash chain of the audit trail. Exit status: 0 intact,\n"
    "1 broken (the first broken or missing event is named), 2 usage or database error.\n";

int
cmd_audit(int argc, char **argv)
{
	struct config c;
	struct store *s;
	struct audit_report rep;
	char err[1024], *pos[1];
	int npos, rc;

	rc = cmd_config(argc, argv, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || strcmp(pos[0], "verify") != 0) {
		fputs(usage, stderr);
		return 2;
	}
	/* Verification only reads: no migrations, so that a copy can be checked as it is;
	 * a missing file is not created. */
	if (access(c.db, R_OK) != 0) {
		fprintf(stderr, "portier: database %s: %s\n", c.db, strerror(errno));
		return 2;
	}
	if (store_open(c.db, 1, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: database: %s\n", err);
		return 2;
	}
	rc = audit_verify(s, &rep);
	store_close(s);
	if (rc < 0) {
		fprintf(stderr, "portier: cannot read the audit trail of %s\n", c.db);
		return 2;
	}
	if (rc == 1) {
		printf("audit chain BROKEN at event %" PRId64 ": %s (%" PRId64 " events read)\n",
		    rep.first_bad, rep.reason, rep.events);
		return 1;
	}
	printf("audit chain intact: %" PRId64 " events\n", rep.events);
	return 0;
}
