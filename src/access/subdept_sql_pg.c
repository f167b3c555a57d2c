/* subdept_sql_pg.c — PostgreSQL's text of the sub-departments' statements: the same source
 * as subdept_sql.c, compiled with SQL_DIALECT_PG (store/dialect.h spells the differences). */
#define SQL_DIALECT_PG
#include "access/subdept_sql.c"
