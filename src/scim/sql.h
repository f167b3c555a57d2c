/* sql.h — statement ids of the SCIM service provider's reads (SQL_RANGE_API + 0 … 299):
 * an account's public id (the SCIM resource id) and back; texts in scim/sql_sqlite.c. */
#ifndef PORTIER_SCIM_SQL_H
#define PORTIER_SCIM_SQL_H

#include "store/sql_table.h"

enum scim_sql {
	SQL_SCIM_FIRST = SQL_RANGE_API,
	SQL_SCIM_ACCOUNT_OF = SQL_SCIM_FIRST,
	SQL_SCIM_PUBLIC_OF,
	SQL_SCIM_END
};

#define SQL_SCIM_ACCOUNT_OF_COLS(X) X(SCIM_ACCOUNT_ID, id)
SQL_COLUMNS(SQL_SCIM_ACCOUNT_OF_COLS);
#define SQL_SCIM_PUBLIC_OF_COLS(X) X(SCIM_PUBLIC_ID, public_id)
SQL_COLUMNS(SQL_SCIM_PUBLIC_OF_COLS);

extern const struct sql_table sql_scim_sqlite;
extern const struct sql_table sql_scim_pg;   /* the same, PostgreSQL's */

#endif
