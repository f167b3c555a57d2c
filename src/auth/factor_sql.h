/* factor_sql.h — statement ids of second factors (SQL_RANGE_AUTH + 500 … 999). */
#ifndef PORTIER_AUTH_FACTOR_SQL_H
#define PORTIER_AUTH_FACTOR_SQL_H

#include "store/sql_table.h"

enum factor_sql {
	SQL_FACTOR_FIRST = SQL_RANGE_AUTH + 500,
	SQL_FACTOR_UNUSED_ = SQL_FACTOR_FIRST,
	SQL_FACTOR_END
};

extern const struct sql_table sql_factor_sqlite;

#endif
