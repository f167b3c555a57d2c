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

/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_AUDIT_LAST_COLS(X) X(AUDIT_LAST_SEQ, seq) X(AUDIT_LAST_HASH, hash)
SQL_COLUMNS(SQL_AUDIT_LAST_COLS);
#define SQL_AUDIT_ALL_COLS(X) \
	X(AUDIT_ALL_SEQ, seq) X(AUDIT_ALL_AT, at) X(AUDIT_ALL_ACTOR, actor) \
	X(AUDIT_ALL_ACTOR_ROLE, actor_role) X(AUDIT_ALL_ORG, org) \
	X(AUDIT_ALL_OBJECT, object) X(AUDIT_ALL_ACTION, action) \
	X(AUDIT_ALL_DETAILS, details) X(AUDIT_ALL_SOURCE, source) \
	X(AUDIT_ALL_REQUEST_ID, request_id) X(AUDIT_ALL_PREV_HASH, prev_hash) \
	X(AUDIT_ALL_HASH, hash)
SQL_COLUMNS(SQL_AUDIT_ALL_COLS);
#define SQL_AUDIT_COUNT_COLS(X) X(AUDIT_COUNT_N, n)
SQL_COLUMNS(SQL_AUDIT_COUNT_COLS);
/* SQL_AUDIT_CP_LAST and SQL_AUDIT_CP_ALL share one list (checkpoint.c's cp_of_row). */
#define SQL_AUDIT_CP_COLS(X) \
	X(AUDIT_CP_SEQ, seq) X(AUDIT_CP_HASH, hash) X(AUDIT_CP_MADE_AT, made_at) \
	X(AUDIT_CP_SIGNATURE, signature)
SQL_COLUMNS(SQL_AUDIT_CP_COLS);

extern const struct sql_table sql_audit_sqlite;

#endif
