/* sql.h — statement ids of the audit chain (audit_event), owned by audit/
 * (SQL_RANGE_CORE + 500 … 999: the store keeps 0 … 499). */
#ifndef PORTIER_AUDIT_SQL_H
#define PORTIER_AUDIT_SQL_H

#include "store/sql_table.h"

enum audit_sql {
	SQL_AUDIT_FIRST = SQL_RANGE_CORE + 500,
	SQL_AUDIT_LAST = SQL_AUDIT_FIRST,
	SQL_AUDIT_INSERT,
	SQL_AUDIT_ALL,
	SQL_AUDIT_COUNT,
	/* Signed checkpoints of the chain head (checkpoint.c, migration 019). */
	SQL_AUDIT_CP_INSERT,
	SQL_AUDIT_CP_LAST,
	SQL_AUDIT_CP_ALL,
	SQL_AUDIT_END
};

extern const struct sql_table sql_audit_sqlite;

#endif
