/* eid_sql.h — statement ids of the eID door (SQL_RANGE_AUTH + 0 … 199). */
#ifndef PORTIER_AUTH_EID_SQL_H
#define PORTIER_AUTH_EID_SQL_H

#include "store/sql_table.h"

enum eid_sql {
	SQL_EID_FIRST = SQL_RANGE_AUTH,
	SQL_EID_PERSON_CARD_NAMES = SQL_EID_FIRST, /* (id, last, first): names a manager typed */
	SQL_EID_END
};

extern const struct sql_table sql_eid_sqlite;

#endif
