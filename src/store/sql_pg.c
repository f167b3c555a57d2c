/* sql_pg.c — the PostgreSQL texts of the store's own statements where the portable text
 * (sql_sqlite.c, with ?N rewritten to $N) does not serve; NULL elsewhere. */
#include "store/sql.h"
#include "store/store_pg.h"

#include <stddef.h>

static const char *const core_text[SQL_CORE_END - SQL_CORE_FIRST] = {
	/* None today: the migration record takes its time as a parameter (rule 3), one
	 * text for both. */
	NULL,
};

const struct sql_table sql_core_pg = {
	SQL_CORE_FIRST, SQL_CORE_END - SQL_CORE_FIRST, core_text, NULL,
};
