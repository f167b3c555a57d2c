/* sql_pg.c — the PostgreSQL texts of the store's own statements where the portable text
 * (sql_sqlite.c, with ?N rewritten to $N) does not serve; NULL elsewhere. */
#include "store/sql.h"
#include "store/store_pg.h"

#include <stddef.h>

static const char *const core_text[SQL_CORE_END - SQL_CORE_FIRST] = {
	/* strftime is SQLite's: the same UTC text from PostgreSQL's clock. The contract
	 * (docs/store-contract.md) passes the time as a parameter instead, so that one text
	 * serves both; until the migration code does, this override. */
	[SQL_MIGRATION_RECORD] =
	    "INSERT INTO schema_migration(version, name, applied_at) "
	    "VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
};

const struct sql_table sql_core_pg = {
	SQL_CORE_FIRST, SQL_CORE_END - SQL_CORE_FIRST, core_text, NULL,
};
