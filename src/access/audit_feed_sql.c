/* audit_feed_sql.c — SQLite (portable) text of the audit feed's statement; audit_feed_sql_pg.c
 * compiles the same source for PostgreSQL (store/dialect.h). */
#include "access/audit_feed_sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define T(id) [(id) - SQL_AUDIT_FEED_FIRST]

static const char *const audit_feed_text[SQL_AUDIT_FEED_END - SQL_AUDIT_FEED_FIRST] = {
	/* The events of organisation ?1 (its label: enterprise number or org:<id>) after
	 * sequence ?2, oldest first, at most ?3; with ?4, only those of that activated
	 * quality (details.quality, as the pages' trail). The index audit_event_org (org,
	 * seq) serves the keyset: a page costs its rows, however deep. */
	T(SQL_AUDIT_FEED_PAGE) =
	    "SELECT e.seq, e.at, e.actor, e.actor_role, e.action, e.object, e.details, "
	    "pa.last_name AS actor_last_name, pa.first_name AS actor_first_name, "
	    "po.last_name AS object_last_name, po.first_name AS object_first_name "
	    "FROM audit_event e "
	    "LEFT JOIN person pa ON pa.id = CASE WHEN " SQL_ALL_DIGITS("e.actor") " "
	    "THEN CAST(e.actor AS BIGINT) END "
	    "LEFT JOIN person po ON po.id = CASE WHEN e.object LIKE 'person:%' "
	    "THEN CAST(substr(e.object, 8) AS BIGINT) END "
	    "WHERE e.org = ?1 AND e.seq > ?2 "
	    "AND (CAST(?4 AS TEXT) IS NULL OR " SQL_JSON_TEXT("e.details", "quality") " = ?4) "
	    "ORDER BY e.seq LIMIT ?3",
};

#define C(id) [(id) - SQL_AUDIT_FEED_FIRST]

static const char *const audit_feed_cols[SQL_AUDIT_FEED_END - SQL_AUDIT_FEED_FIRST] = {
	C(SQL_AUDIT_FEED_PAGE) = SQL_COLS(SQL_AUDIT_FEED_PAGE_COLS),
};

const struct sql_table SQL_TABLE(audit_feed) = {
	SQL_AUDIT_FEED_FIRST, SQL_AUDIT_FEED_END - SQL_AUDIT_FEED_FIRST, audit_feed_text,
	audit_feed_cols,
};
