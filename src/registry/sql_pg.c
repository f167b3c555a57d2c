/* sql_pg.c — PostgreSQL's text of the registry's statements: the same source as sql_sqlite.c, compiled
 * with SQL_DIALECT_PG (store/dialect.h spells the differences). */
#define SQL_DIALECT_PG
#include "registry/sql_sqlite.c"
