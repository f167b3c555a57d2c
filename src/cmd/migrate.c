/* migrate.c — `portier migrate`: applies the numbered SQL migrations and says which
 * version the database is at. */
#include "cmd/cmd.h"

#include <stdio.h>

#include "store/store.h"

static const char usage[] =
    "usage: portier migrate [--db PATH|CONNINFO] [--config FILE]\n"
    "\n"
    "Applies the migrations in <share>/migrations (<share>/migrations/pg for a PostgreSQL\n"
    "connection string, postgresql://… or \"host=… dbname=…\") not yet applied to the database,\n"
    "each in its own transaction, and prints the schema version. serve does this too.\n";

int
cmd_migrate(int argc, char **argv)
{
	struct config c;
	struct store *s;
	char *pos[1];
	int npos, rc;

	rc = cmd_config(argc, argv, usage, &c, pos, 0, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	/* The schema only: the secrets at rest are the servers' business (no KEK needed). */
	if (open_store_schema(&c, &s) != 0)
		return 1;
	printf("database %s at schema version %d\n", store_label(c.db), store_schema_version(s));
	store_close(s);
	return 0;
}
