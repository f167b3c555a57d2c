/* sql_sqlite.c — the SQL text of the store's own statements (migrations, settings).
 * Bound parameters only; other modules keep theirs in their own sql_sqlite file. */
#include "store/sql.h"

#include <stddef.h>

static const char *const core_text[SQL_CORE_END - SQL_CORE_FIRST] = {
	[SQL_MIGRATION_VERSION] =
	    "SELECT coalesce(max(version), -1) AS version FROM schema_migration",
	[SQL_MIGRATION_RECORD] =
	    "INSERT INTO schema_migration(version, name, applied_at) VALUES (?1, ?2, ?3)",

	[SQL_MIGRATION_APPLIED] =
	    "SELECT count(*) AS n FROM schema_migration WHERE version = ?1",

	[SQL_SETTING_GET] =
	    "SELECT value FROM setting WHERE name = ?1",
	[SQL_SETTING_PUT] =
	    ("INSERT INTO setting(name, value) VALUES (?1, ?2) "
	    "ON CONFLICT(name) DO UPDATE SET value = excluded.value"),
	/* A value set once: the first writer's stays. */
	[SQL_SETTING_PUT_NEW] =
	    "INSERT INTO setting(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const core_cols[SQL_CORE_END - SQL_CORE_FIRST] = {
	[SQL_MIGRATION_VERSION - SQL_CORE_FIRST] = SQL_COLS(SQL_MIGRATION_VERSION_COLS),
	[SQL_MIGRATION_APPLIED - SQL_CORE_FIRST] = SQL_COLS(SQL_MIGRATION_APPLIED_COLS),
	[SQL_SETTING_GET - SQL_CORE_FIRST] = SQL_COLS(SQL_SETTING_GET_COLS),
};

const struct sql_table sql_core_sqlite = {
	SQL_CORE_FIRST, SQL_CORE_END - SQL_CORE_FIRST, core_text, core_cols,
};
