/* sql_sqlite.c — SQLite text of the access module's statements. */
#include "access/sql.h"

#include <stddef.h>

static const char *const access_text[SQL_ACCESS_END - SQL_ACCESS_FIRST] = {
#define T(id) [(id) - SQL_ACCESS_FIRST]
	T(SQL_ACCESS_ORG_ROLE) =
	    "SELECT role FROM org_manager WHERE org_id = ?1 AND person_id = ?2",
	T(SQL_ACCESS_MANAGED_QUALITIES) =
	    "SELECT m.org_quality_id, m.type FROM quality_member m "
	    "JOIN account a ON a.id = m.account_id "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2",
	T(SQL_ACCESS_ACCOUNT_STATUS) =
	    "SELECT status FROM account WHERE org_id = ?1 AND person_id = ?2",
	T(SQL_ACCESS_PLATFORM_ROLE) =
	    "SELECT count(*) FROM platform_role WHERE person_id = ?1 AND role = ?2",
	T(SQL_ACCESS_IS_USER) =
	    "SELECT count(*) FROM quality_member m JOIN account a ON a.id = m.account_id "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2",
	T(SQL_ACCESS_ORGS_OF_PERSON) =
	    "SELECT DISTINCT o.id, o.enterprise, o.name FROM organisation o "
	    "WHERE o.id IN (SELECT org_id FROM org_manager WHERE person_id = ?1 "
	    "UNION SELECT org_id FROM account WHERE person_id = ?1) ORDER BY o.name",
	T(SQL_ACCESS_ORG_GET) =
	    "SELECT id, enterprise, country, foreign_reg, name, address, contact_email, "
	    "contact_phone, procedure, created_at FROM organisation WHERE id = ?1",
	T(SQL_ACCESS_ORG_BY_ENTERPRISE) =
	    "SELECT id FROM organisation WHERE enterprise = ?1",
	T(SQL_ACCESS_ORG_INSERT) =
	    "INSERT INTO organisation(enterprise, country, foreign_reg, name, address, "
	    "contact_email, contact_phone, procedure) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	T(SQL_ACCESS_MANAGER_INSERT) =
	    "INSERT INTO org_manager(org_id, person_id, role) VALUES (?1, ?2, ?3)",
	T(SQL_ACCESS_MANAGER_DELETE) =
	    "DELETE FROM org_manager WHERE org_id = ?1 AND person_id = ?2 AND role = ?3",
	T(SQL_ACCESS_MANAGERS_OF_ORG) =
	    "SELECT m.person_id, m.role, m.since, p.last_name, p.first_name, p.niss "
	    "FROM org_manager m JOIN person p ON p.id = m.person_id WHERE m.org_id = ?1 "
	    "ORDER BY m.role DESC, m.since",
	T(SQL_ACCESS_GAP_OF_ORG) =
	    "SELECT m.person_id, p.last_name, p.first_name, p.email FROM org_manager m "
	    "JOIN person p ON p.id = m.person_id WHERE m.org_id = ?1 AND m.role = 'GAP'",
#undef T
};

const struct sql_table sql_access_sqlite = {
	SQL_ACCESS_FIRST, SQL_ACCESS_END - SQL_ACCESS_FIRST, access_text,
};
