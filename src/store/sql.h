/* sql.h — the names of every statement services may run.
 * Each backend gives every id its SQL text (store/sql_sqlite.c for SQLite). */
#ifndef PORTIER_STORE_SQL_H
#define PORTIER_STORE_SQL_H

enum store_sql {
	/* migrations */
	SQL_MIGRATION_VERSION,
	SQL_MIGRATION_RECORD,
	/* sessions */
	SQL_SESSION_INSERT,
	SQL_SESSION_GET,
	SQL_SESSION_TOUCH,
	SQL_SESSION_DELETE,
	SQL_SESSION_ROTATE,
	SQL_SESSION_SET_LANG,
	SQL_SESSION_PURGE,
	/* audit chain */
	SQL_AUDIT_LAST,
	SQL_AUDIT_INSERT,
	SQL_AUDIT_ALL,
	SQL_AUDIT_COUNT,
	/* people and access codes */
	SQL_PERSON_INSERT,
	SQL_PERSON_GET,
	SQL_PASSWORD_BY_USERNAME,
	SQL_PASSWORD_PUT,
	SQL_PASSWORD_SET_HASH,
	SQL_THROTTLE_GET,
	SQL_THROTTLE_PUT,
	SQL_THROTTLE_CLEAR,
	/* settings and secrets kept in the store */
	SQL_SETTING_GET,
	SQL_SETTING_PUT,
	SQL__COUNT
};

/* SQL text of id for the SQLite backend (never NULL for a valid id). */
const char *store_sql_sqlite(enum store_sql id);

#endif
