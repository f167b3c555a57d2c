/* audit_feed_sql.h — statement ids of the audit trail read as a feed (the REST API's
 * GET /api/v1/audit, access/audit_feed.c): keyset pages by sequence, range SQL_RANGE_API + 300. */
#ifndef PORTIER_ACCESS_AUDIT_FEED_SQL_H
#define PORTIER_ACCESS_AUDIT_FEED_SQL_H

#include "store/sql_table.h"

enum audit_feed_sql {
	SQL_AUDIT_FEED_FIRST = SQL_RANGE_API + 300,   /* scim/ is + 0 … + 299 */
	SQL_AUDIT_FEED_PAGE = SQL_AUDIT_FEED_FIRST,
	SQL_AUDIT_FEED_END
};

#define SQL_AUDIT_FEED_PAGE_COLS(X) \
	X(AUDIT_FEED_SEQ, seq) X(AUDIT_FEED_AT, at) X(AUDIT_FEED_ACTOR, actor) \
	X(AUDIT_FEED_ACTOR_ROLE, actor_role) X(AUDIT_FEED_ACTION, action) \
	X(AUDIT_FEED_OBJECT, object) X(AUDIT_FEED_DETAILS, details) \
	X(AUDIT_FEED_ACTOR_LAST_NAME, actor_last_name) \
	X(AUDIT_FEED_ACTOR_FIRST_NAME, actor_first_name) \
	X(AUDIT_FEED_OBJECT_LAST_NAME, object_last_name) \
	X(AUDIT_FEED_OBJECT_FIRST_NAME, object_first_name)
SQL_COLUMNS(SQL_AUDIT_FEED_PAGE_COLS);

extern const struct sql_table sql_audit_feed_sqlite, sql_audit_feed_pg;

#endif
