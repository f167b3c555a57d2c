/* eid_sql.c — SQLite text of the eID statements (ids from SQL_RANGE_AUTH). */
#include "auth/eid_sql.h"

#include <stddef.h>

static const char *const eid_text[SQL_EID_END - SQL_EID_FIRST] = {
	/* The card's names replace a manager's (or an older card's); the register's stay. */
	[SQL_EID_PERSON_CARD_NAMES - SQL_EID_FIRST] =
	    "UPDATE person SET last_name = ?2, first_name = ?3, name_source = 'eid' "
	    "WHERE id = ?1 AND name_source IN ('manager', 'eid') "
	    "AND (last_name <> ?2 OR first_name <> ?3 OR name_source <> 'eid')",
};

const struct sql_table sql_eid_sqlite = {
	SQL_EID_FIRST, SQL_EID_END - SQL_EID_FIRST, eid_text, NULL,
};
