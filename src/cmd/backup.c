/* backup.c — `portier backup --to FILE`: an online copy of the SQLite database while the
 * server serves on it, checked by reopening it and verifying its audit chain. */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <stdio.h>

#include "audit/audit.h"
#include "base/arena.h"
#include "cmd/config.h"
#include "cmd/opts.h"
#include "ops/backup.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier backup --to FILE [--db PATH] [--config FILE]\n"
    "\n"
    "Copies the SQLite database to FILE while portier runs on it (SQLite's online backup,\n"
    "one consistent snapshot; the server's writers are not stopped), then checks the copy:\n"
    "reopened, PRAGMA integrity_check, and the audit chain verified as `portier audit\n"
    "verify` does. FILE must not exist: a backup never overwrites a file. Exit status: 0\n"
    "copied and checked, 1 the copy is written but its audit chain is broken, 2 no copy.\n"
    "A PostgreSQL database is backed up with pg_dump -Fc (docs/deploy.md, Backups).\n";

/* The audit chain of the copy, as `audit verify`. The exit status. */
static int
verify_copy(const char *path)
{
	struct store *s;
	struct audit_report rep;
	struct arena *a;
	char err[512];
	int rc;

	if (store_open(path, 1, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier backup: cannot reopen the copy %s: %s\n", path, err);
		return 2;
	}
	a = arena_new(0);
	rc = a != NULL ? audit_verify(s, a, &rep) : -1;
	if (rc < 0)
		fprintf(stderr, "portier backup: cannot read the audit trail of the copy %s\n", path);
	else if (rc == 1)
		fprintf(stderr, "portier backup: %s written, but its audit chain is BROKEN at "
		    "event %" PRId64 ": %s\n", path, rep.first_bad, rep.reason);
	else
		printf("audit chain intact: %" PRId64 " events\n", rep.events);
	arena_free(a);
	store_close(s);
	return rc < 0 ? 2 : rc;
}

int
cmd_backup(int argc, char **argv)
{
	const char *to = NULL;
	const struct cmd_opt opts[] = { { .name = "to", .value = &to } };
	struct ops_backup_stats st;
	struct config c;
	char *pos[1], err[1024];
	int npos, rc;

	rc = cmd_opts_config(argc, argv, opts, 1, usage, &c, pos, 0, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (to == NULL || to[0] == '\0') {
		fputs(usage, stderr);
		return 2;
	}
	if (store_is_pg(c.db)) {
		fprintf(stderr, "portier backup: %s: portier backup copies SQLite files only; "
		    "back up PostgreSQL with pg_dump -Fc and check the copy with pg_restore into a "
		    "fresh database and portier audit verify (docs/deploy.md, Backups)\n",
		    store_label(c.db));
		return 2;
	}
	if (ops_backup_sqlite(c.db, to, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier backup: %s\n", err);
		return 2;
	}
	printf("copied %s to %s: %d pages in %d steps, integrity check ok\n", c.db, to,
	    st.pages, st.steps);
	rc = verify_copy(to);
	if (ops_backup_journal_delete(to) != 0) {
		fprintf(stderr, "portier backup: %s: cannot leave WAL mode\n", to);
		return 2;
	}
	return rc;
}
