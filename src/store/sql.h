/* sql.h — the names of the store's own statements: migrations and settings (the table
 * of named values the store keeps for every module). Sessions, access codes and the
 * login slow-down are auth/'s (auth/person_sql.h, auth/login_sql.h), the audit chain
 * audit/sql.h.
 * Each module names its own statements in its own range (registry 1000+, access 2000+ …,
 * see sql_table.h); each backend gives every id its SQL text. */
#ifndef PORTIER_STORE_SQL_H
#define PORTIER_STORE_SQL_H

#include "store/sql_table.h"

enum store_sql {
	SQL_CORE_FIRST = SQL_RANGE_CORE,
	/* migrations */
	SQL_MIGRATION_VERSION = SQL_CORE_FIRST,
	SQL_MIGRATION_RECORD,
	SQL_MIGRATION_APPLIED,
	/* settings and secrets kept in the store */
	SQL_SETTING_GET,
	SQL_SETTING_PUT,
	SQL_SETTING_PUT_NEW,
	SQL_CORE_END
};

/* The SQLite text of the core statements. */
/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_MIGRATION_VERSION_COLS(X) X(MIGRATION_VERSION_VERSION, version)
SQL_COLUMNS(SQL_MIGRATION_VERSION_COLS);
#define SQL_MIGRATION_APPLIED_COLS(X) X(MIGRATION_APPLIED_N, n)
SQL_COLUMNS(SQL_MIGRATION_APPLIED_COLS);
#define SQL_SETTING_GET_COLS(X) X(SETTING_GET_VALUE, value)
SQL_COLUMNS(SQL_SETTING_GET_COLS);

extern const struct sql_table sql_core_sqlite;

#endif
