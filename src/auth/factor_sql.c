/* factor_sql.c — SQLite text of the second-factor statements (TOTP, token cards,
 * activation codes; ids from SQL_RANGE_AUTH + 500). */
#include "auth/factor_sql.h"

#include <stddef.h>

static const char *const factor_text[SQL_FACTOR_END - SQL_FACTOR_FIRST] = {
	[0] = NULL,
};

const struct sql_table sql_factor_sqlite = {
	SQL_FACTOR_FIRST, SQL_FACTOR_END - SQL_FACTOR_FIRST, factor_text,
};
