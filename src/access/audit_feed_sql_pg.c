/* audit_feed_sql_pg.c — PostgreSQL's text of the audit feed's statement: the same source as
 * audit_feed_sql.c, compiled with SQL_DIALECT_PG (store/dialect.h spells the differences). */
#define SQL_DIALECT_PG
#include "access/audit_feed_sql.c"
