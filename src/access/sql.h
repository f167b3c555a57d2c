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
	SQL_ACCESS_ORGS_MANAGED_BY,
	SQL_ACCESS_END_CORE_,
	/* further statements of issues 5 and 6 are added below, each with its comment */
	/* issue 6 — access management (quality.c, account.c, search.c, export.c,
	 * hierarchy.c, catalogue.c) */
	/* the catalogue */
	SQL_ACCESS_QUALITY_GET,
	SQL_ACCESS_QUALITY_LIST,
	SQL_ACCESS_QUALITY_INSERT,
	SQL_ACCESS_APP_GET,
	SQL_ACCESS_APPS_OF_QUALITY,
	SQL_ACCESS_APP_INSERT,
	SQL_ACCESS_QUALITIES_INACTIVE,
	/* activated qualities */
	SQL_ACCESS_ORG_QUALITIES,
	SQL_ACCESS_ORG_QUALITY_GET,
	SQL_ACCESS_ORG_QUALITY_BY_CODE,
	SQL_ACCESS_ORG_QUALITY_INSERT,
	SQL_ACCESS_ORG_QUALITY_SET_EMAIL,
	SQL_ACCESS_QUALITY_MANAGERS,
	SQL_ACCESS_ORG_SET_CONTACT,
	/* people (read only: auth/person.h owns the table) */
	SQL_ACCESS_PERSON_MAX_ID,
	/* accounts (optimistic concurrency on version) */
	SQL_ACCESS_ACCOUNT_GET,
	SQL_ACCESS_ACCOUNT_OF_PERSON,
	SQL_ACCESS_ACCOUNT_BY_USERNAME,
	SQL_ACCESS_ACCOUNT_INSERT,
	SQL_ACCESS_ACCOUNT_UPDATE,
	SQL_ACCESS_ACCOUNT_SET_STATUS,
	SQL_ACCESS_ACCOUNT_TOUCH,
	SQL_ACCESS_ACCOUNT_DELETE_UNUSED,
	/* quality members and grants */
	SQL_ACCESS_MEMBER_GET,
	SQL_ACCESS_MEMBER_INSERT,
	SQL_ACCESS_MEMBER_SET_TYPE,
	SQL_ACCESS_MEMBER_DELETE,
	SQL_ACCESS_MEMBER_COUNT,
	SQL_ACCESS_MEMBERSHIPS_OF_PERSON,
	SQL_ACCESS_GRANTS_OF,
	SQL_ACCESS_GRANT_INSERT,
	SQL_ACCESS_GRANT_DELETE,
	/* user lists, six plans (search.c chooses): by member, by name index, by NISS … */
	SQL_ACCESS_USERS_BY_MEMBER,
	SQL_ACCESS_USERS_BY_NAME,
	SQL_ACCESS_USERS_BY_NISS,
	SQL_ACCESS_USERS_COUNT_BY_MEMBER,
	SQL_ACCESS_USERS_COUNT_BY_NAME,
	SQL_ACCESS_USERS_COUNT_BY_NISS,
	/* … and three more, driven by an index of a selective filter */
	SQL_ACCESS_USERS_BY_GRANT,
	SQL_ACCESS_USERS_BY_TYPE,
	SQL_ACCESS_USERS_BY_USERNAME,
	SQL_ACCESS_USERS_COUNT_BY_GRANT,
	SQL_ACCESS_USERS_COUNT_BY_TYPE,
	SQL_ACCESS_USERS_COUNT_BY_USERNAME,
	SQL_ACCESS_USERS_BY_STATUS,
	SQL_ACCESS_USERS_COUNT_BY_STATUS,
	/* counts of one filter alone, from an index only */
	SQL_ACCESS_COUNT_TYPE_ONLY,
	SQL_ACCESS_COUNT_APP_ONLY,
	/* hierarchy */
	SQL_ACCESS_HIERARCHY_MEMBERS,
	/* audit trail of an organisation or a quality */
	SQL_ACCESS_AUDIT_TRAIL,
	SQL_ACCESS_AUDIT_TRAIL_COUNT,
	SQL_ACCESS_AUDIT_ACTIONS,
	/* "Vos Responsables" (responsibles.c): the person's qualities as a member, the
	 * managers of each with their contact data */
	SQL_ACCESS_RESP_QUALITIES,
	SQL_ACCESS_RESP_LOCAL,
	SQL_ACCESS_RESP_MAIN,
	/* the profiles read model (profiles.h) */
	SQL_ACCESS_PROFILE_APP,
	SQL_ACCESS_PROFILES,
	SQL_ACCESS_PROFILE_GRANTERS,
	SQL_ACCESS_PROFILE_MEMBERSHIPS,
	SQL_ACCESS_PROFILE_NOW,
	SQL_ACCESS_PROFILE_APPS,
	SQL_ACCESS_END
};

extern const struct sql_table sql_access_sqlite;
extern const struct sql_table sql_access_pg;   /* sql_pg.c: the same, PostgreSQL */

#endif
