/* query_sql_pg.c — PostgreSQL's text of the registry queries: the same source as
 * query_sql.c, compiled with SQL_DIALECT_PG (store/dialect.h spells the differences). */
#define SQL_DIALECT_PG
#include "registry/query_sql.c"
