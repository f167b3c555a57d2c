/* sql_sqlite.c — SQLite text of the audit chain's statements (audit/sql.h). Schema:
 * 001_foundation.sql, 012_audit_no_hash_index.sql, 019_audit_checkpoint.sql. */
#include "audit/sql.h"

#include <stddef.h>

#define T(id) [(id) - SQL_AUDIT_FIRST]

static const char *const audit_text[SQL_AUDIT_END - SQL_AUDIT_FIRST] = {
	T(SQL_AUDIT_LAST) =
	    "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1",
	/* (Parentheses: clang's -Wstring-concatenation takes a statement of several
	 * literals, in this short table, for a missing comma.) */
	T(SQL_AUDIT_INSERT) =
	    ("INSERT INTO audit_event(seq, at, actor, actor_role, org, object, action, details, "
	    "source, request_id, prev_hash, hash) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
	T(SQL_AUDIT_ALL) =
	    ("SELECT seq, at, actor, actor_role, org, object, action, details, source, "
	    "request_id, prev_hash, hash FROM audit_event ORDER BY seq"),
	T(SQL_AUDIT_COUNT) =
	    "SELECT count(*) AS n FROM audit_event",
	/* One checkpoint per position: a second node's insert for the same event is a no-op. */
	T(SQL_AUDIT_CP_INSERT) =
	    ("INSERT INTO audit_checkpoint(seq, hash, made_at, signature) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (seq) DO NOTHING"),
	T(SQL_AUDIT_CP_LAST) =
	    "SELECT seq, hash, made_at, signature FROM audit_checkpoint ORDER BY seq DESC LIMIT 1",
	T(SQL_AUDIT_CP_ALL) =
	    "SELECT seq, hash, made_at, signature FROM audit_checkpoint ORDER BY seq",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const audit_cols[SQL_AUDIT_END - SQL_AUDIT_FIRST] = {
	[SQL_AUDIT_LAST - SQL_AUDIT_FIRST] = SQL_COLS(SQL_AUDIT_LAST_COLS),
	[SQL_AUDIT_ALL - SQL_AUDIT_FIRST] = SQL_COLS(SQL_AUDIT_ALL_COLS),
	[SQL_AUDIT_COUNT - SQL_AUDIT_FIRST] = SQL_COLS(SQL_AUDIT_COUNT_COLS),
	[SQL_AUDIT_CP_LAST - SQL_AUDIT_FIRST] = SQL_COLS(SQL_AUDIT_CP_COLS),
	[SQL_AUDIT_CP_ALL - SQL_AUDIT_FIRST] = SQL_COLS(SQL_AUDIT_CP_COLS),
};

const struct sql_table sql_audit_sqlite = {
	SQL_AUDIT_FIRST, SQL_AUDIT_END - SQL_AUDIT_FIRST, audit_text, audit_cols,
};
