/* sql.h — the names of the core statements (sessions, audit, access codes, settings).
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
	/* sessions */
	SQL_SESSION_INSERT,
	SQL_SESSION_GET,
	SQL_SESSION_TOUCH,
	SQL_SESSION_DELETE,
	SQL_SESSION_ROTATE,
	SQL_SESSION_SET_LANG,
	SQL_SESSION_SET_CAPACITY,
	SQL_SESSION_PURGE,
	/* audit chain */
	SQL_AUDIT_LAST,
	SQL_AUDIT_INSERT,
	SQL_AUDIT_ALL,
	SQL_AUDIT_COUNT,
	/* access codes (the person table's statements are auth/person_sql.h) */
	SQL_PASSWORD_BY_USERNAME,
	SQL_PASSWORD_PUT,
	SQL_PASSWORD_SET_HASH,
	SQL_THROTTLE_GET,
	SQL_THROTTLE_PUT,
	SQL_THROTTLE_REFUSED,
	SQL_THROTTLE_CLEAR,
	SQL_THROTTLE_CLEAR_PERSON,
	/* settings and secrets kept in the store */
	SQL_SETTING_GET,
	SQL_SETTING_PUT,
	SQL_CORE_END
};

/* The SQLite text of the core statements. */
extern const struct sql_table sql_core_sqlite;

#endif
