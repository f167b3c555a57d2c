/* subdept_sql.c — SQLite (portable) text of the sub-departments' statements; subdept_sql_pg.c
 * compiles the same source for PostgreSQL (store/dialect.h). */
#include "access/subdept_sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define T(id) [(id) - SQL_SUBDEPT_FIRST]

static const char *const subdept_text[SQL_SUBDEPT_END - SQL_SUBDEPT_FIRST] = {
	T(SQL_SUBDEPT_LIST) =
	    "SELECT s.id, s.parent_id, s.name, s.establishment, s.version, "
	    "(SELECT count(*) FROM subdept_member m WHERE m.subdept_id = s.id) AS members, "
	    "(SELECT count(*) FROM subdept c WHERE c.parent_id = s.id) AS children "
	    "FROM subdept s WHERE s.org_id = ?1 ORDER BY s.name, s.id",
	T(SQL_SUBDEPT_GET) =
	    "SELECT s.id, s.parent_id, s.name, s.establishment, s.version, "
	    "(SELECT count(*) FROM subdept_member m WHERE m.subdept_id = s.id) AS members, "
	    "(SELECT count(*) FROM subdept c WHERE c.parent_id = s.id) AS children "
	    "FROM subdept s WHERE s.org_id = ?1 AND s.id = ?2",
	/* Names are unique in an organisation whatever their case. */
	T(SQL_SUBDEPT_BY_NAME) =
	    "SELECT id FROM subdept WHERE org_id = ?1 AND " SQL_NOCASE("name") " = "
	    SQL_NOCASE("?2"),
	T(SQL_SUBDEPT_BY_ESTABLISHMENT) =
	    "SELECT id FROM subdept WHERE org_id = ?1 AND establishment = ?2",
	/* created_at (?5) from C (clock_time). */
	T(SQL_SUBDEPT_INSERT) =
	    "INSERT INTO subdept(org_id, parent_id, name, establishment, created_at, created_by) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	T(SQL_SUBDEPT_RENAME) =
	    "UPDATE subdept SET name = ?3, version = version + 1 "
	    "WHERE org_id = ?1 AND id = ?2 AND version = ?4",
	/* Only an empty one: no member in any quality, no sub-department under it. */
	T(SQL_SUBDEPT_DELETE) =
	    "DELETE FROM subdept WHERE org_id = ?1 AND id = ?2 AND version = ?3 "
	    "AND NOT EXISTS (SELECT 1 FROM subdept_member m WHERE m.subdept_id = ?2) "
	    "AND NOT EXISTS (SELECT 1 FROM subdept c WHERE c.parent_id = ?2)",
	T(SQL_SUBDEPT_KBO_UNIT) =
	    "SELECT count(*) AS n FROM kbo_establishment "
	    "WHERE establishment_number = ?1 AND enterprise_number = ?2",
	T(SQL_SUBDEPT_KBO_UNITS) =
	    "SELECT e.establishment_number AS number, "
	    "(SELECT min(d.denomination) FROM kbo_denomination d "
	    "WHERE d.entity_number = e.establishment_number) AS name "
	    "FROM kbo_establishment e WHERE e.enterprise_number = ?1 "
	    "ORDER BY e.establishment_number LIMIT 200",
	T(SQL_SUBDEPT_MEMBER_GET) =
	    "SELECT subdept_id, type FROM subdept_member "
	    "WHERE org_quality_id = ?1 AND account_id = ?2",
	/* since (?5) from C (clock_time). */
	T(SQL_SUBDEPT_MEMBER_INSERT) =
	    "INSERT INTO subdept_member(org_quality_id, account_id, subdept_id, type, since) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_SUBDEPT_MEMBER_UPDATE) =
	    "UPDATE subdept_member SET subdept_id = ?3, type = ?4, since = ?5 "
	    "WHERE org_quality_id = ?1 AND account_id = ?2",
	T(SQL_SUBDEPT_MEMBER_DELETE) =
	    "DELETE FROM subdept_member WHERE org_quality_id = ?1 AND account_id = ?2",
	T(SQL_SUBDEPT_MEMBER_GL) =
	    "SELECT account_id FROM subdept_member "
	    "WHERE subdept_id = ?1 AND org_quality_id = ?2 AND type = 'GL'",
	T(SQL_SUBDEPT_MANAGED) =
	    "SELECT m.org_quality_id, m.subdept_id FROM subdept_member m "
	    "JOIN account a ON a.id = m.account_id "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2 AND m.type IN ('GL', 'COGL') "
	    "ORDER BY m.org_quality_id, m.subdept_id",
	T(SQL_SUBDEPT_MEMBERS) =
	    "SELECT m.subdept_id, m.org_quality_id, m.account_id, m.type, a.username, a.status, "
	    "p.last_name, p.first_name, "
	    "(SELECT " SQL_JOIN("g.application", "' '") " FROM app_grant g "
	    "WHERE g.org_quality_id = m.org_quality_id AND g.account_id = m.account_id) AS apps "
	    "FROM subdept_member m JOIN subdept s ON s.id = m.subdept_id "
	    "JOIN account a ON a.id = m.account_id JOIN person p ON p.id = a.person_id "
	    "WHERE s.org_id = ?1 ORDER BY m.subdept_id, m.org_quality_id, "
	    "CASE m.type WHEN 'GL' THEN 0 WHEN 'COGL' THEN 1 ELSE 2 END, "
	    "p.last_name, p.first_name, a.id LIMIT ?2",
	T(SQL_SUBDEPT_ACCOUNT) =
	    "SELECT person_id, username FROM account WHERE org_id = ?1 AND id = ?2",
	/* The sub-department of an account's membership of an activated quality (profiles). */
	T(SQL_SUBDEPT_OF_MEMBER) =
	    "SELECT s.name FROM subdept_member m JOIN subdept s ON s.id = m.subdept_id "
	    "WHERE m.org_quality_id = ?1 AND m.account_id = ?2",
	/* The sub-departments a person manages through an active account (home page). */
	T(SQL_SUBDEPT_MANAGED_BY) =
	    "SELECT DISTINCT m.subdept_id, s.name, m.type FROM subdept_member m "
	    "JOIN subdept s ON s.id = m.subdept_id JOIN account a ON a.id = m.account_id "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2 AND a.status = 'active' "
	    "AND m.type IN ('GL', 'COGL') ORDER BY s.name, m.subdept_id, m.type",
};

#define C(id) [(id) - SQL_SUBDEPT_FIRST]

static const char *const subdept_cols[SQL_SUBDEPT_END - SQL_SUBDEPT_FIRST] = {
	C(SQL_SUBDEPT_LIST) = SQL_COLS(SQL_SUBDEPT_COLS),
	C(SQL_SUBDEPT_GET) = SQL_COLS(SQL_SUBDEPT_COLS),
	C(SQL_SUBDEPT_BY_NAME) = SQL_COLS(SQL_SUBDEPT_ID_COLS),
	C(SQL_SUBDEPT_BY_ESTABLISHMENT) = SQL_COLS(SQL_SUBDEPT_ID_COLS),
	C(SQL_SUBDEPT_INSERT) = SQL_COLS(SQL_SUBDEPT_ID_COLS),
	C(SQL_SUBDEPT_KBO_UNIT) = SQL_COLS(SQL_SUBDEPT_N_COLS),
	C(SQL_SUBDEPT_KBO_UNITS) = SQL_COLS(SQL_SUBDEPT_KBO_UNITS_COLS),
	C(SQL_SUBDEPT_MEMBER_GET) = SQL_COLS(SQL_SUBDEPT_MEMBER_GET_COLS),
	C(SQL_SUBDEPT_MEMBER_GL) = SQL_COLS(SQL_SUBDEPT_MEMBER_GL_COLS),
	C(SQL_SUBDEPT_MANAGED) = SQL_COLS(SQL_SUBDEPT_MANAGED_COLS),
	C(SQL_SUBDEPT_MEMBERS) = SQL_COLS(SQL_SUBDEPT_MEMBERS_COLS),
	C(SQL_SUBDEPT_ACCOUNT) = SQL_COLS(SQL_SUBDEPT_ACCOUNT_COLS),
	C(SQL_SUBDEPT_OF_MEMBER) = SQL_COLS(SQL_SUBDEPT_OF_MEMBER_COLS),
	C(SQL_SUBDEPT_MANAGED_BY) = SQL_COLS(SQL_SUBDEPT_MANAGED_BY_COLS),
};

const struct sql_table SQL_TABLE(subdept) = {
	SQL_SUBDEPT_FIRST, SQL_SUBDEPT_END - SQL_SUBDEPT_FIRST, subdept_text, subdept_cols,
};
