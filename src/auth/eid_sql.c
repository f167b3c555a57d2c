/* eid_sql.c — SQLite text of the eID statements (ids from SQL_RANGE_AUTH). */
#include "auth/eid_sql.h"

#include <stddef.h>

static const char *const eid_text[SQL_EID_END - SQL_EID_FIRST] = {
	[SQL_EID_PERSON_BY_NISS - SQL_EID_FIRST] =
	    "SELECT id FROM person WHERE niss = ?1",
};

const struct sql_table sql_eid_sqlite = {
	SQL_EID_FIRST, SQL_EID_END - SQL_EID_FIRST, eid_text,
};
