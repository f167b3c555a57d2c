/* sql.h — statement ids of the access module (SQL_RANGE_ACCESS …): organisations,
 * managers, the catalogue, accounts, quality members and grants. */
#ifndef PORTIER_ACCESS_SQL_H
#define PORTIER_ACCESS_SQL_H

#include "store/sql_table.h"

enum access_sql {
	SQL_ACCESS_FIRST = SQL_RANGE_ACCESS,
	/* roles of a person, for the policy */
	SQL_ACCESS_ORG_ROLE = SQL_ACCESS_FIRST,
	SQL_ACCESS_MANAGED_QUALITIES,
	SQL_ACCESS_ACCOUNT_STATUS,
	SQL_ACCESS_PLATFORM_ROLE,
	SQL_ACCESS_IS_USER,
	/* the organisations where a person holds a role */
	SQL_ACCESS_ORGS_OF_PERSON,
	SQL_ACCESS_ORG_GET,
	SQL_ACCESS_ORG_BY_ENTERPRISE,
	/* organisations and their managers */
	SQL_ACCESS_ORG_INSERT,
	SQL_ACCESS_MANAGER_INSERT,
	SQL_ACCESS_MANAGER_DELETE,
	SQL_ACCESS_MANAGERS_OF_ORG,
	SQL_ACCESS_GAP_OF_ORG,
	SQL_ACCESS_END_CORE_,
	/* further statements of issues 5 and 6 are added below, each with its comment */
	SQL_ACCESS_END
};

extern const struct sql_table sql_access_sqlite;

#endif
