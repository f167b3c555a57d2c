/* sql_pg.c — PostgreSQL's text of the SCIM reads: the same source as sql_sqlite.c,
 * compiled with SQL_DIALECT_PG (store/dialect.h spells the differences). */
#define SQL_DIALECT_PG
#include "scim/sql_sqlite.c"
