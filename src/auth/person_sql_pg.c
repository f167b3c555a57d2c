/* person_sql_pg.c — PostgreSQL's text of the people statements: the same source as person_sql.c, compiled
 * with SQL_DIALECT_PG (store/dialect.h spells the differences). */
#define SQL_DIALECT_PG
#include "auth/person_sql.c"
