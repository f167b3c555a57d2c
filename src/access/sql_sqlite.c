/* sql_sqlite.c — SQLite text of the access module's statements. */
#include "access/sql.h"
#include "store/dialect.h"

#include "access/account_data.h"

#include <stddef.h>

/* Issue 6: a name or description in the reader's language (parameter n holds fr/nl/de/en). */
#define LNAME(t, col, n) \
	"CASE ?" #n " WHEN 'nl' THEN " t "." col "_nl WHEN 'de' THEN " t "." col "_de " \
	"WHEN 'en' THEN " t "." col "_en ELSE " t "." col "_fr END"

/* The columns of a user row, shared by the plans of a user list (SQL_ACCESS_USERS_COLS,
 * which search.c reads by): account, names, type, NISS, status, quality (its name is filled
 * in by search.c; ?10, bound NULL, stands in its place so that every parameter is used,
 * which PostgreSQL needs to type them), account data, grants. */
#define USERS_COLS \
	"SELECT a.id, p.last_name, p.first_name, a.username, m.type, p.niss, a.status, " \
	"m.org_quality_id, CAST(?10 AS TEXT) AS quality_name, a.created_at, a.modified_at, " \
	"(SELECT " SQL_JOIN("g.application", "' '") " FROM app_grant g " \
	"WHERE g.org_quality_id = m.org_quality_id AND g.account_id = m.account_id) AS grants, " \
	"a.version, a.person_id, " ACCOUNT_DATA_COLS("a.") " "
/* The joins and filters of a user list: ?1 organisation, ?2 JSON array of activated-quality
 * ids, ?3 last name, ?4 first name, ?5 user name (LIKE patterns), ?6 type, ?7 NISS,
 * ?8 status, ?9 application; NULL means "any". */
#define USERS_JOIN \
	"a.id = m.account_id AND a.org_id = ?1 AND p.id = a.person_id " \
	"AND m.org_quality_id IN " SQL_ID_LIST("?2") " "
#define USERS_FILTERS \
	"AND (CAST(?4 AS TEXT) IS NULL OR " SQL_ILIKE("p.first_name", "?4") " ESCAPE '\\') " \
	"AND (CAST(?5 AS TEXT) IS NULL OR " SQL_ILIKE("a.username", "?5") " ESCAPE '\\') " \
	"AND (CAST(?6 AS TEXT) IS NULL OR m.type = ?6) " \
	"AND (CAST(?8 AS TEXT) IS NULL OR a.status = ?8) " \
	"AND (CAST(?9 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM app_grant g WHERE " \
	"g.org_quality_id = m.org_quality_id AND g.account_id = m.account_id " \
	"AND g.application = ?9)) "
#define USERS_OPT_NAME \
	"AND (CAST(?3 AS TEXT) IS NULL OR " SQL_ILIKE("p.last_name", "?3") " ESCAPE '\\') "
#define USERS_OPT_NISS "AND (CAST(?7 AS TEXT) IS NULL OR p.niss = ?7) "
#define USERS_ORDER \
	"ORDER BY " SQL_NOCASE("p.last_name") ", " SQL_NOCASE("p.first_name") ", p.id, " \
	"m.org_quality_id "
/* Members first: few members, sorted at the end. */
#define USERS_FROM_MEMBER \
	"FROM quality_member m CROSS JOIN account a CROSS JOIN person p WHERE " USERS_JOIN \
	USERS_OPT_NAME USERS_OPT_NISS USERS_FILTERS
/* People in name order (index person_name): many members, the page stops early and a
 * last-name prefix is a range of the index (?3 is '%' when no name is asked). */
#define USERS_FROM_NAME \
	"FROM person p CROSS JOIN account a CROSS JOIN quality_member m WHERE " \
	SQL_ILIKE("p.last_name", "?3") " ESCAPE '\\' AND m.account_id = a.id AND " USERS_JOIN \
	USERS_OPT_NISS USERS_FILTERS
/* The grants of one application (index app_grant_quality_app). */
#define USERS_FROM_GRANT \
	"FROM app_grant g0 CROSS JOIN quality_member m CROSS JOIN account a CROSS JOIN person p " \
	"WHERE g0.org_quality_id IN " SQL_ID_LIST("?2") " AND g0.application = ?9 " \
	"AND m.org_quality_id = g0.org_quality_id AND m.account_id = g0.account_id AND " \
	USERS_JOIN USERS_OPT_NAME USERS_OPT_NISS USERS_FILTERS
/* The members of one type (index quality_member_type). */
#define USERS_FROM_TYPE \
	"FROM quality_member m CROSS JOIN account a CROSS JOIN person p WHERE m.type = ?6 AND " \
	USERS_JOIN USERS_OPT_NAME USERS_OPT_NISS USERS_FILTERS
/* The accounts of a user-name prefix (unique index on org_id, username NOCASE). */
#define USERS_FROM_USERNAME \
	"FROM account a CROSS JOIN quality_member m CROSS JOIN person p WHERE a.org_id = ?1 " \
	"AND " SQL_ILIKE("a.username", "?5") " ESCAPE '\\' AND " USERS_JOIN USERS_OPT_NAME USERS_OPT_NISS \
	USERS_FILTERS
/* The accounts of one status (index account_status). */
#define USERS_FROM_STATUS \
	"FROM account a CROSS JOIN quality_member m CROSS JOIN person p WHERE a.org_id = ?1 " \
	"AND a.status = ?8 AND " USERS_JOIN USERS_OPT_NAME USERS_OPT_NISS USERS_FILTERS
/* One person by NISS. */
#define USERS_FROM_NISS \
	"FROM person p CROSS JOIN account a CROSS JOIN quality_member m WHERE p.niss = ?7 " \
	"AND m.account_id = a.id AND " USERS_JOIN USERS_OPT_NAME USERS_FILTERS

/* Persons named by an audit event (actor "42", object "person:42"). */
#define AUDIT_FROM \
	"FROM audit_event e " \
	"LEFT JOIN person pa ON pa.id = CASE WHEN " SQL_ALL_DIGITS("e.actor") " " \
	"THEN CAST(e.actor AS BIGINT) END " \
	"LEFT JOIN person po ON po.id = CASE WHEN e.object LIKE 'person:%' " \
	"THEN CAST(substr(e.object, 8) AS BIGINT) END " \
	"WHERE e.org = ?1 " \
	"AND (CAST(?2 AS TEXT) IS NULL OR " SQL_JSON_TEXT("e.details", "quality") " = ?2) " \
	"AND (CAST(?3 AS TEXT) IS NULL OR e.action = ?3) " \
	"AND (CAST(?4 AS TEXT) IS NULL OR e.at >= ?4) " \
	"AND (CAST(?5 AS TEXT) IS NULL OR e.at < ?5) " \
	"AND (CAST(?6 AS TEXT) IS NULL " \
	"OR (pa.last_name || ' ' || pa.first_name) " SQL_LIKE " ?6 ESCAPE '\\' " \
	"OR (pa.first_name || ' ' || pa.last_name) " SQL_LIKE " ?6 ESCAPE '\\' " \
	"OR (po.last_name || ' ' || po.first_name) " SQL_LIKE " ?6 ESCAPE '\\' " \
	"OR (po.first_name || ' ' || po.last_name) " SQL_LIKE " ?6 ESCAPE '\\') "

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
	    "SELECT count(*) AS n FROM platform_role WHERE person_id = ?1 AND role = ?2",
	T(SQL_ACCESS_IS_USER) =
	    "SELECT count(*) AS n FROM quality_member m JOIN account a ON a.id = m.account_id "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2",
	T(SQL_ACCESS_ORGS_OF_PERSON) =
	    "SELECT DISTINCT o.id, o.enterprise, o.name, o.id_type, o.id_value FROM organisation o "
	    "WHERE o.id IN (SELECT org_id FROM org_manager WHERE person_id = ?1 "
	    "UNION SELECT org_id FROM account WHERE person_id = ?1) ORDER BY o.name",
	T(SQL_ACCESS_ORG_GET) =
	    "SELECT id, enterprise, country, foreign_reg, name, address, contact_email, "
	    "contact_phone, procedure, created_at, id_type, id_value FROM organisation "
	    "WHERE id = ?1",
	T(SQL_ACCESS_ORG_BY_IDENTIFIER) =
	    "SELECT id FROM organisation WHERE id_type = ?1 AND id_value = ?2",
	/* Only identifiers other than an enterprise number or a foreign registration change
	 * (by the helpdesk): those two stay with their columns. */
	T(SQL_ACCESS_ORG_SET_IDENTIFIER) =
	    "UPDATE organisation SET id_type = ?2, id_value = ?3 WHERE id = ?1 "
	    "AND enterprise IS NULL AND foreign_reg IS NULL",
	T(SQL_ACCESS_ORG_BY_ENTERPRISE) =
	    "SELECT id FROM organisation WHERE enterprise = ?1",
	T(SQL_ACCESS_ORG_INSERT) =
	    "INSERT INTO organisation(enterprise, country, foreign_reg, name, address, "
	    "contact_email, contact_phone, procedure, created_at, id_type, id_value) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "COALESCE(CAST(?10 AS TEXT), "
	    "CASE WHEN CAST(?1 AS TEXT) IS NULL THEN 'foreign' ELSE 'kbo' END), "
	    "COALESCE(CAST(?11 AS TEXT), CAST(?1 AS TEXT), CAST(?3 AS TEXT))) RETURNING id",
	/* The last parameter of this insert and of the organisation's, the org_quality's
	 * and the app_grant's: the time from C (clock_text), store-contract rule 3. */
	T(SQL_ACCESS_MANAGER_INSERT) =
	    "INSERT INTO org_manager(org_id, person_id, role, since) VALUES (?1, ?2, ?3, ?4)",
	T(SQL_ACCESS_MANAGER_DELETE) =
	    "DELETE FROM org_manager WHERE org_id = ?1 AND person_id = ?2 AND role = ?3",
	T(SQL_ACCESS_MANAGERS_OF_ORG) =
	    "SELECT m.person_id, m.role, m.since, p.last_name, p.first_name, p.niss "
	    "FROM org_manager m JOIN person p ON p.id = m.person_id WHERE m.org_id = ?1 "
	    "ORDER BY m.role DESC, m.since",
	T(SQL_ACCESS_ORGS_MANAGED_BY) =
	    "SELECT o.id, o.enterprise, o.name, m.role, m.since, o.id_type, o.id_value "
	    "FROM org_manager m "
	    "JOIN organisation o ON o.id = m.org_id WHERE m.person_id = ?1 "
	    "ORDER BY o.name, o.id LIMIT 200",
	T(SQL_ACCESS_GAP_OF_ORG) =
	    "SELECT m.person_id, p.last_name, p.first_name, p.email FROM org_manager m "
	    "JOIN person p ON p.id = m.person_id WHERE m.org_id = ?1 AND m.role = 'GAP'",

	/* issue 6: the catalogue */
	T(SQL_ACCESS_QUALITY_GET) =
	    "SELECT q.code, q.domain, " LNAME("q", "name", 2) " AS name, q.sort FROM quality q "
	    "WHERE q.code = ?1",
	T(SQL_ACCESS_QUALITY_LIST) =
	    "SELECT q.code, q.domain, " LNAME("q", "name", 1) " AS name, q.sort, "
	    "(SELECT count(*) FROM application a WHERE a.quality = q.code) AS apps FROM quality q "
	    "ORDER BY q.sort, q.code",
	T(SQL_ACCESS_QUALITY_INSERT) =
	    "INSERT INTO quality(code, domain, name_fr, name_nl, name_de, name_en, sort) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	T(SQL_ACCESS_APP_GET) =
	    "SELECT a.code, a.quality, " LNAME("a", "name", 2) " AS name, "
	    LNAME("a", "desc", 2) " AS description, "
	    "a.min_level FROM application a WHERE a.code = ?1",
	T(SQL_ACCESS_APPS_OF_QUALITY) =
	    "SELECT a.code, " LNAME("a", "name", 2) " AS name, "
	    LNAME("a", "desc", 2) " AS description, a.min_level "
	    "FROM application a WHERE a.quality = ?1 ORDER BY a.sort, a.code",
	T(SQL_ACCESS_APP_INSERT) =
	    "INSERT INTO application(code, quality, name_fr, name_nl, name_de, name_en, "
	    "desc_fr, desc_nl, desc_de, desc_en, min_level, sort) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	T(SQL_ACCESS_QUALITIES_INACTIVE) =
	    "SELECT q.code, " LNAME("q", "name", 2) " AS name FROM quality q WHERE q.code NOT IN "
	    "(SELECT quality FROM org_quality WHERE org_id = ?1) ORDER BY 2",
	/* issue 6: activated qualities */
	T(SQL_ACCESS_ORG_QUALITIES) =
	    "SELECT oq.id, oq.quality, " LNAME("q", "name", 2) " AS name, oq.email, "
	    "oq.activated_at, oq.activated_by FROM org_quality oq JOIN quality q ON q.code = oq.quality "
	    "WHERE oq.org_id = ?1 "
	    "ORDER BY 3",
	T(SQL_ACCESS_ORG_QUALITY_GET) =
	    "SELECT oq.id, oq.quality, " LNAME("q", "name", 3) " AS name, oq.email, oq.activated_at, "
	    "oq.activated_by FROM org_quality oq JOIN quality q ON q.code = oq.quality "
	    "WHERE oq.id = ?1 AND oq.org_id = ?2",
	T(SQL_ACCESS_ORG_QUALITY_BY_CODE) =
	    "SELECT id, email FROM org_quality WHERE org_id = ?1 AND quality = ?2",
	T(SQL_ACCESS_ORG_QUALITY_INSERT) =
	    "INSERT INTO org_quality(org_id, quality, email, activated_by, activated_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	T(SQL_ACCESS_ORG_QUALITY_SET_EMAIL) =
	    "UPDATE org_quality SET email = ?3 WHERE id = ?1 AND org_id = ?2",
	T(SQL_ACCESS_QUALITY_MANAGERS) =
	    "SELECT m.account_id, m.type, m.since, a.person_id, p.last_name, p.first_name, "
	    "a.username, a.status FROM quality_member m JOIN account a ON a.id = m.account_id "
	    "JOIN person p ON p.id = a.person_id "
	    "WHERE m.org_quality_id = ?1 AND m.type IN ('GL', 'COGL') "
	    "ORDER BY m.type = 'COGL', " SQL_NOCASE("p.last_name") ", " SQL_NOCASE("p.first_name"),
	T(SQL_ACCESS_ORG_SET_CONTACT) =
	    "UPDATE organisation SET contact_email = ?2, contact_phone = ?3 WHERE id = ?1",
	/* issue 6: people */
	T(SQL_ACCESS_PERSON_MAX_ID) =
	    "SELECT coalesce(max(id), 0) AS n FROM person",
	/* issue 6: accounts */
	T(SQL_ACCESS_ACCOUNT_GET) =
	    "SELECT a.id, a.person_id, a.username, a.status, a.created_at, a.modified_at, "
	    "a.version, p.niss, p.last_name, p.first_name, " ACCOUNT_DATA_COLS("a.") " "
	    "FROM account a JOIN person p ON p.id = a.person_id WHERE a.id = ?1 AND a.org_id = ?2",
	T(SQL_ACCESS_ACCOUNT_OF_PERSON) =
	    "SELECT a.id, a.person_id, a.username, a.status, a.created_at, a.modified_at, "
	    "a.version, p.niss, p.last_name, p.first_name, " ACCOUNT_DATA_COLS("a.") " "
	    "FROM account a JOIN person p ON p.id = a.person_id "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2",
	T(SQL_ACCESS_ACCOUNT_BY_USERNAME) =
	    /* Any case, as the unique index: on PostgreSQL lower() on both sides. */
	    "SELECT id FROM account WHERE org_id = ?1 AND " SQL_NOCASE("username") " = "
	    SQL_NOCASE("?2"),
	T(SQL_ACCESS_ACCOUNT_INSERT) =
	    "INSERT INTO account(org_id, person_id, username, " ACCOUNT_DATA_COLS("") ", "
	    "created_at, modified_at, public_id) "
	    "VALUES (?1, ?2, ?3, " ACCOUNT_DATA_PARAMS ", " ACCOUNT_DATA_AT ", " ACCOUNT_DATA_AT
	    ", ?9)",
	T(SQL_ACCESS_ACCOUNT_UPDATE) =
	    "UPDATE account SET username = ?3, (" ACCOUNT_DATA_COLS("") ") = "
	    "(" ACCOUNT_DATA_PARAMS "), modified_at = " ACCOUNT_DATA_AT ", "
	    "version = version + 1 WHERE id = ?1 AND version = ?2",
	/* The times of these three come from C (clock_time): the test clock governs them. */
	T(SQL_ACCESS_ACCOUNT_SET_STATUS) =
	    "UPDATE account SET status = ?3, modified_at = ?4, "
	    "version = version + 1 WHERE id = ?1 AND version = ?2",
	T(SQL_ACCESS_ACCOUNT_TOUCH) =
	    "UPDATE account SET modified_at = ?3, "
	    "version = version + 1 WHERE id = ?1 AND version = ?2",
	T(SQL_ACCESS_ACCOUNT_DELETE_UNUSED) =
	    "DELETE FROM account WHERE id = ?1 AND NOT EXISTS "
	    "(SELECT 1 FROM quality_member WHERE account_id = ?1)",
	/* issue 6: quality members and grants */
	T(SQL_ACCESS_MEMBER_GET) =
	    "SELECT type, since FROM quality_member WHERE org_quality_id = ?1 AND account_id = ?2",
	/* since (?4) from C (clock_time), as the account's times. */
	T(SQL_ACCESS_MEMBER_INSERT) =
	    "INSERT INTO quality_member(org_quality_id, account_id, type, since) "
	    "VALUES (?1, ?2, ?3, ?4)",
	T(SQL_ACCESS_MEMBER_SET_TYPE) =
	    "UPDATE quality_member SET type = ?3, since = ?4 "
	    "WHERE org_quality_id = ?1 AND account_id = ?2",
	T(SQL_ACCESS_MEMBER_DELETE) =
	    "DELETE FROM quality_member WHERE org_quality_id = ?1 AND account_id = ?2",
	T(SQL_ACCESS_MEMBER_COUNT) =
	    "SELECT count(*) AS n FROM quality_member "
	    "WHERE org_quality_id IN " SQL_ID_LIST("?1"),
	T(SQL_ACCESS_MEMBERSHIPS_OF_PERSON) =
	    "SELECT m.org_quality_id, m.type, " LNAME("q", "name", 3) " AS name, a.status "
	    "FROM quality_member m JOIN account a ON a.id = m.account_id "
	    "JOIN org_quality oq ON oq.id = m.org_quality_id JOIN quality q ON q.code = oq.quality "
	    "WHERE a.org_id = ?1 AND a.person_id = ?2 ORDER BY 3",
	T(SQL_ACCESS_GRANTS_OF) =
	    "SELECT application FROM app_grant WHERE org_quality_id = ?1 AND account_id = ?2 "
	    "ORDER BY application",
	T(SQL_ACCESS_GRANT_INSERT) =
	    "INSERT INTO app_grant(org_quality_id, account_id, application, granted_by, "
	    "granted_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_ACCESS_GRANT_DELETE) =
	    "DELETE FROM app_grant WHERE org_quality_id = ?1 AND account_id = ?2 "
	    "AND application = ?3",
	/* issue 6: user lists (?11 limit, ?12 offset) */
	T(SQL_ACCESS_USERS_BY_MEMBER) =
	    USERS_COLS USERS_FROM_MEMBER USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_BY_NAME) =
	    USERS_COLS USERS_FROM_NAME USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_BY_NISS) =
	    USERS_COLS USERS_FROM_NISS USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_COUNT_BY_MEMBER) =
	    "SELECT count(*) AS n " USERS_FROM_MEMBER,
	T(SQL_ACCESS_USERS_COUNT_BY_NAME) =
	    "SELECT count(*) AS n " USERS_FROM_NAME,
	T(SQL_ACCESS_USERS_COUNT_BY_NISS) =
	    "SELECT count(*) AS n " USERS_FROM_NISS,
	T(SQL_ACCESS_USERS_BY_GRANT) =
	    USERS_COLS USERS_FROM_GRANT USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_BY_TYPE) =
	    USERS_COLS USERS_FROM_TYPE USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_BY_USERNAME) =
	    USERS_COLS USERS_FROM_USERNAME USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_COUNT_BY_GRANT) =
	    "SELECT count(*) AS n " USERS_FROM_GRANT,
	T(SQL_ACCESS_USERS_COUNT_BY_TYPE) =
	    "SELECT count(*) AS n " USERS_FROM_TYPE,
	T(SQL_ACCESS_USERS_COUNT_BY_USERNAME) =
	    "SELECT count(*) AS n " USERS_FROM_USERNAME,
	T(SQL_ACCESS_USERS_BY_STATUS) =
	    USERS_COLS USERS_FROM_STATUS USERS_ORDER SQL_LIMIT("?11") " OFFSET ?12",
	T(SQL_ACCESS_USERS_COUNT_BY_STATUS) =
	    "SELECT count(*) AS n " USERS_FROM_STATUS,
	T(SQL_ACCESS_COUNT_TYPE_ONLY) =
	    "SELECT count(*) AS n FROM quality_member "
	    "WHERE org_quality_id IN " SQL_ID_LIST("?1") " AND type = ?2",
	T(SQL_ACCESS_COUNT_APP_ONLY) =
	    "SELECT count(*) AS n FROM app_grant "
	    "WHERE org_quality_id IN " SQL_ID_LIST("?1") " AND application = ?2",
	/* issue 6: hierarchy (managers first, then users, up to ?3 rows) */
	T(SQL_ACCESS_HIERARCHY_MEMBERS) =
	    "SELECT m.account_id, m.type, p.last_name, p.first_name, a.username, a.status, "
	    "(SELECT " SQL_JOIN("g.application", "' '") " FROM app_grant g "
	    "WHERE g.org_quality_id = m.org_quality_id AND g.account_id = m.account_id) AS grants, "
	    "(SELECT count(*) FROM quality_member c WHERE c.org_quality_id = ?1) AS total "
	    "FROM quality_member m JOIN account a ON a.id = m.account_id "
	    "JOIN person p ON p.id = a.person_id WHERE m.org_quality_id = ?1 AND a.org_id = ?2 "
	    "ORDER BY m.type = 'USER', m.type = 'COGL', " SQL_NOCASE("p.last_name") ", "
	    SQL_NOCASE("p.first_name") " LIMIT ?3",
	/* issue 6: audit trail (?1 organisation label, ?2 quality, ?3 action, ?4/?5 period,
	 * ?6 person pattern, ?7 limit, ?8 offset) */
	T(SQL_ACCESS_AUDIT_TRAIL) =
	    "SELECT e.seq, e.at, e.actor, e.actor_role, e.action, e.object, e.details, "
	    "pa.last_name AS actor_last_name, pa.first_name AS actor_first_name, "
	    "po.last_name AS object_last_name, po.first_name AS object_first_name " AUDIT_FROM
	    "ORDER BY e.seq DESC " SQL_LIMIT("?7") " OFFSET ?8",
	T(SQL_ACCESS_AUDIT_TRAIL_COUNT) =
	    "SELECT count(*) AS n " AUDIT_FROM,
	T(SQL_ACCESS_AUDIT_ACTIONS) =
	    "SELECT DISTINCT action FROM audit_event WHERE org = ?1 ORDER BY action",
	/* "Vos Responsables": the qualities where person ?1 is a member (name in ?2) … */
	T(SQL_ACCESS_RESP_QUALITIES) =
	    "SELECT oq.id AS org_quality_id, o.id AS org_id, o.name, "
	    "coalesce(o.enterprise, '') AS enterprise, coalesce(o.foreign_reg, '') AS foreign_reg, "
	    LNAME("q", "name", 2) " AS quality_name, oq.email, m.type, a.status, o.contact_email, "
	    "o.contact_phone, coalesce(o.id_type, '') AS id_type, "
	    "coalesce(o.id_value, '') AS id_value "
	    "FROM quality_member m JOIN account a ON a.id = m.account_id "
	    "JOIN org_quality oq ON oq.id = m.org_quality_id JOIN quality q ON q.code = oq.quality "
	    "JOIN organisation o ON o.id = a.org_id WHERE a.person_id = ?1 "
	    "ORDER BY " SQL_NOCASE("o.name") ", o.id, 6",
	/* … the active local managers of quality ?1 with their e-mail there … */
	T(SQL_ACCESS_RESP_LOCAL) =
	    "SELECT m.type AS role, p.last_name, p.first_name, a.email, p.id AS person_id "
	    "FROM quality_member m "
	    "JOIN account a ON a.id = m.account_id JOIN person p ON p.id = a.person_id "
	    "WHERE m.org_quality_id = ?1 AND m.type IN ('GL', 'COGL') AND a.status = 'active' "
	    "ORDER BY m.type = 'COGL', " SQL_NOCASE("p.last_name") ", " SQL_NOCASE("p.first_name"),
	/* … and the GAP and co-GAPs of organisation ?1, their e-mail in it (else their own). */
	T(SQL_ACCESS_RESP_MAIN) =
	    "SELECT m.role, p.last_name, p.first_name, coalesce((SELECT a.email FROM account a "
	    "WHERE a.org_id = m.org_id AND a.person_id = m.person_id), p.email, '') AS email, "
	    "p.id AS person_id FROM org_manager m JOIN person p ON p.id = m.person_id "
	    "WHERE m.org_id = ?1 ORDER BY m.role DESC, m.since, p.id",
	/* … and the organisations person ?1 manages as GAP or co-GAP (whose access is
	 * managed there by the GAP and co-GAPs, whether or not a member of a quality). */
	T(SQL_ACCESS_RESP_MANAGED) =
	    "SELECT o.id AS org_id, o.name, coalesce(o.enterprise, '') AS enterprise, "
	    "coalesce(o.foreign_reg, '') AS foreign_reg, m.role, o.contact_email, o.contact_phone, "
	    "coalesce(o.id_type, '') AS id_type, coalesce(o.id_value, '') AS id_value "
	    "FROM org_manager m JOIN organisation o ON o.id = m.org_id WHERE m.person_id = ?1 "
	    "ORDER BY " SQL_NOCASE("o.name") ", o.id",
	/* the profiles read model (access/profiles.h) the OpenID provider reads through */
	T(SQL_ACCESS_PROFILE_APP) =
	    "SELECT quality, min_level, name_fr, name_nl, name_de, name_en FROM application "
	    "WHERE code = ?1",
	/* Active accounts of person ?1 holding a grant for application ?2 within the
	 * application's quality. */
	T(SQL_ACCESS_PROFILES) =
	    "SELECT a.id AS account_id, oq.id AS org_quality_id, o.id AS org_id, o.enterprise, "
	    "o.name, o.country, o.foreign_reg, m.type, o.id_type, o.id_value "
	    "FROM account a "
	    "JOIN organisation o ON o.id = a.org_id "
	    "JOIN app_grant g ON g.account_id = a.id AND g.application = ?2 "
	    "JOIN application ap ON ap.code = g.application "
	    "JOIN org_quality oq ON oq.id = g.org_quality_id AND oq.org_id = a.org_id "
	    "AND oq.quality = ap.quality "
	    "JOIN quality_member m ON m.org_quality_id = oq.id AND m.account_id = a.id "
	    "WHERE a.person_id = ?1 AND a.status = 'active' ORDER BY o.name, o.id",
	/* Who can grant application ?2 in the organisations where person ?1 has an account:
	 * the GAP and co-GAPs, and the local managers of the application's quality. */
	T(SQL_ACCESS_PROFILE_GRANTERS) =
	    "SELECT o.id, om.role, p.first_name, p.last_name, "
	    "CASE om.role WHEN 'GAP' THEN 1 ELSE 2 END AS sort "
	    "FROM account a JOIN organisation o ON o.id = a.org_id "
	    "JOIN org_manager om ON om.org_id = o.id "
	    "JOIN person p ON p.id = om.person_id WHERE a.person_id = ?1 "
	    "UNION ALL "
	    "SELECT o.id, qm.type, p.first_name, p.last_name, "
	    "CASE qm.type WHEN 'GL' THEN 3 ELSE 4 END "
	    "FROM account a JOIN organisation o ON o.id = a.org_id "
	    "JOIN org_quality oq ON oq.org_id = o.id "
	    "AND oq.quality = (SELECT quality FROM application WHERE code = ?2) "
	    "JOIN quality_member qm ON qm.org_quality_id = oq.id AND qm.type IN ('GL', 'COGL') "
	    "JOIN account ga ON ga.id = qm.account_id "
	    "JOIN person p ON p.id = ga.person_id WHERE a.person_id = ?1 "
	    "ORDER BY 1, 5, 4, 3",
	T(SQL_ACCESS_PROFILE_MEMBERSHIPS) =
	    "SELECT o.id, o.name, o.enterprise, a.status FROM account a "
	    "JOIN organisation o ON o.id = a.org_id WHERE a.person_id = ?1 ORDER BY o.name, o.id",
	/* The profile of a grant as it stands now (account ?1, activated quality ?2) and
	 * whether application ?3 is still granted there. */
	T(SQL_ACCESS_PROFILE_NOW) =
	    "SELECT o.enterprise, o.name, o.country, o.foreign_reg, oq.quality, q.name_fr, "
	    "q.name_nl, q.name_de, q.name_en, m.type, a.status, "
	    "(SELECT count(*) FROM app_grant g WHERE g.org_quality_id = oq.id "
	    "AND g.account_id = a.id AND g.application = ?3) AS granted "
	    "FROM account a JOIN organisation o ON o.id = a.org_id "
	    "JOIN org_quality oq ON oq.id = ?2 AND oq.org_id = a.org_id "
	    "JOIN quality q ON q.code = oq.quality "
	    "JOIN quality_member m ON m.org_quality_id = oq.id AND m.account_id = a.id "
	    "WHERE a.id = ?1",
	T(SQL_ACCESS_PROFILE_APPS) =
	    "SELECT application FROM app_grant WHERE org_quality_id = ?1 AND account_id = ?2 "
	    "ORDER BY application",

	/* issue 16: mandates. Times (?11, ?12 …) from C (store-contract rule 3). */
	T(SQL_ACCESS_MANDATE_INSERT) =
	    "INSERT INTO mandate(public_id, mandator_org, mandatary_org, quality, start_quarter, "
	    "end_quarter, status, proposed_side, proposed_by, serve_all, created_at, changed_at, "
	    "version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'proposed', ?7, ?8, 0, ?9, ?9, 1) "
	    "RETURNING id",
	T(SQL_ACCESS_MANDATE_APP_INSERT) =
	    "INSERT INTO mandate_app(mandate_id, application) VALUES (?1, ?2)",
	T(SQL_ACCESS_MANDATE_EVENT_INSERT) =
	    "INSERT INTO mandate_event(mandate_id, at, status, actor, side, note) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* One mandate by its public id (?1), names in language ?2. */
	T(SQL_ACCESS_MANDATE_GET) =
	    "SELECT m.id, m.public_id, m.mandator_org, m.mandatary_org, m.quality, "
	    "m.start_quarter, m.end_quarter, m.status, m.proposed_side, m.serve_all, "
	    "m.created_at, m.changed_at, m.version, oa.name AS mandator_name, "
	    "oa.enterprise AS mandator_enterprise, ob.name AS mandatary_name, "
	    "ob.enterprise AS mandatary_enterprise, " LNAME("q", "name", 2) " AS quality_name "
	    "FROM mandate m JOIN organisation oa ON oa.id = m.mandator_org "
	    "JOIN organisation ob ON ob.id = m.mandatary_org JOIN quality q ON q.code = m.quality "
	    "WHERE m.public_id = ?1",
	/* Optimistic concurrency: the change applies to version ?4 only. */
	T(SQL_ACCESS_MANDATE_SET_STATUS) =
	    "UPDATE mandate SET status = ?2, changed_at = ?3, version = version + 1 "
	    "WHERE id = ?1 AND version = ?4",
	T(SQL_ACCESS_MANDATE_SET_SERVE_ALL) =
	    "UPDATE mandate SET serve_all = ?2, changed_at = ?3, version = version + 1 "
	    "WHERE id = ?1 AND version = ?4",
	/* The mandates given (mandator ?1) and received (mandatary ?1), newest first. */
	T(SQL_ACCESS_MANDATE_LIST) =
	    "SELECT m.id, m.public_id, m.mandator_org, m.mandatary_org, m.quality, "
	    "m.start_quarter, m.end_quarter, m.status, m.proposed_side, m.serve_all, "
	    "m.created_at, m.changed_at, m.version, oa.name AS mandator_name, "
	    "oa.enterprise AS mandator_enterprise, ob.name AS mandatary_name, "
	    "ob.enterprise AS mandatary_enterprise, " LNAME("q", "name", 2) " AS quality_name "
	    "FROM mandate m JOIN organisation oa ON oa.id = m.mandator_org "
	    "JOIN organisation ob ON ob.id = m.mandatary_org JOIN quality q ON q.code = m.quality "
	    "WHERE m.mandator_org = ?1 OR m.mandatary_org = ?1 ORDER BY m.id DESC LIMIT 500",
	T(SQL_ACCESS_MANDATE_APPS) =
	    "SELECT a.code, " LNAME("a", "name", 2) " AS name FROM mandate_app ma "
	    "JOIN application a ON a.code = ma.application WHERE ma.mandate_id = ?1 "
	    "ORDER BY a.sort, a.code",
	T(SQL_ACCESS_MANDATE_EVENTS) =
	    "SELECT e.at, e.status, e.side, e.note, p.last_name, p.first_name "
	    "FROM mandate_event e LEFT JOIN person p ON p.id = e.actor "
	    "WHERE e.mandate_id = ?1 ORDER BY e.id",
	T(SQL_ACCESS_MANDATE_MEMBERS) =
	    "SELECT mm.account_id, a.username, p.last_name, p.first_name, mm.since "
	    "FROM mandate_member mm JOIN account a ON a.id = mm.account_id "
	    "JOIN person p ON p.id = a.person_id WHERE mm.mandate_id = ?1 "
	    "ORDER BY " SQL_NOCASE("p.last_name") ", " SQL_NOCASE("p.first_name") ", a.id",
	T(SQL_ACCESS_MANDATE_GRANTS) =
	    "SELECT account_id, application FROM mandate_grant WHERE mandate_id = ?1 "
	    "ORDER BY account_id, application",
	T(SQL_ACCESS_MANDATE_MEMBER_INSERT) =
	    "INSERT INTO mandate_member(mandate_id, account_id, since, added_by) "
	    "VALUES (?1, ?2, ?3, ?4)",
	T(SQL_ACCESS_MANDATE_MEMBER_DELETE) =
	    "DELETE FROM mandate_member WHERE mandate_id = ?1 AND account_id = ?2",
	T(SQL_ACCESS_MANDATE_GRANT_INSERT) =
	    "INSERT INTO mandate_grant(mandate_id, account_id, application, granted_at, "
	    "granted_by) VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_ACCESS_MANDATE_GRANTS_CLEAR) =
	    "DELETE FROM mandate_grant WHERE mandate_id = ?1 AND account_id = ?2",
	/* Proposed or active mandates whose end quarter is before quarter ?1. */
	T(SQL_ACCESS_MANDATE_DUE) =
	    "SELECT public_id FROM mandate WHERE status IN ('proposed', 'active') "
	    "AND end_quarter IS NOT NULL AND end_quarter < ?1 ORDER BY id LIMIT 1000",
	/* An account of organisation ?1 by user name ?2 (any case, as the unique index). */
	T(SQL_ACCESS_MANDATE_ACCOUNT) =
	    "SELECT id, person_id FROM account WHERE org_id = ?1 AND " SQL_NOCASE("username")
	    " = " SQL_NOCASE("?2"),
/* The mandator's name of the mandate a keyset page starts after or ends before (?9). */
#define KEY_NAME "(SELECT ko.name FROM mandate km JOIN organisation ko " \
	"ON ko.id = km.mandator_org WHERE km.public_id = ?9)"
	/* Issue 16: the mandates the person of account a serves for application ?app in
	 * quarter ?qtr (year * 10 + quarter): active, begun, not over, the application among
	 * the mandate's, and among theirs: all the mandate's when it serves all its
	 * mandatary's users, else the ones granted to a as a named member. (The mandate's
	 * application is asked once for both cases, not in each branch of an OR: PostgreSQL
	 * then checks it once a row, a third faster with 10,000 mandates.) */
#define MANDATE_SERVES(app, qtr) \
	"m.status = 'active' AND m.start_quarter <= " qtr " " \
	"AND (m.end_quarter IS NULL OR m.end_quarter >= " qtr ") " \
	"AND EXISTS (SELECT 1 FROM mandate_app ma " \
	"WHERE ma.mandate_id = m.id AND ma.application = " app ") " \
	"AND (m.serve_all = 1 OR EXISTS (SELECT 1 FROM mandate_member mm " \
	"JOIN mandate_grant mg ON mg.mandate_id = mm.mandate_id AND mg.account_id = mm.account_id " \
	"WHERE mm.mandate_id = m.id AND mm.account_id = a.id AND mg.application = " app ")) "
	/* The mandators person ?1 may act for with application ?2 in quarter ?3, through an
	 * active account in the mandatary, a page of them (?7 rows from ?8) by name and
	 * public id; ?4 a LIKE pattern of the mandator's name, ?5 one of its enterprise number
	 * (either matches; both NULL: any), ?6 one mandate's public id (NULL: any). Keyset
	 * pages: ?9 the public id of the mandate the page starts after (?10 = 0) or ends
	 * before (?10 = 1, read backwards), NULL for the first page; its place in the order
	 * is read once (an unknown one: no row). */
#ifdef SQL_DIALECT_PG
	/* PostgreSQL (a prepared statement: a generic plan, where a CASE on ?10 in the ORDER
	 * BY is no index order): a page is one branch of three, picked by ?10 and ?9 (a
	 * one-time filter), and in it, for each active account of the person, a range of
	 * index mandate_mandatary_name (migration 034: the mandator's name kept in the
	 * mandate) from the key, in the page's direction, stopping after the page's rows:
	 * reads what it shows, not the 10,000 mandates of a social secretariat. The copy
	 * is the name itself: same order as organisation.name. The search reads the
	 * organisation's own name and number, so a search by number may start from the one
	 * organisation it finds (a third of the time of testing the copy on 10,000 rows). */
#define PAGE_OF(dir, bound, order) \
	"(SELECT x.mandate_id, x.sort_name, x.sort_id, a.id AS account_id FROM account a, " \
	"LATERAL (SELECT m.id AS mandate_id, m.mandator_name AS sort_name, " \
	"m.public_id AS sort_id FROM mandate m JOIN organisation o ON o.id = m.mandator_org " \
	"WHERE m.mandatary_org = a.org_id AND " MANDATE_SERVES("?2", "?3") \
	"AND ((CAST(?4 AS TEXT) IS NULL AND CAST(?5 AS TEXT) IS NULL) " \
	"OR o.name " SQL_LIKE " ?4 ESCAPE '\\' OR o.enterprise LIKE ?5) " \
	"AND (CAST(?6 AS TEXT) IS NULL OR m.public_id = ?6) AND " bound " " \
	"ORDER BY " order " LIMIT CAST(?7 AS bigint) + CAST(?8 AS bigint)) x " \
	"WHERE a.person_id = ?1 AND a.status = 'active' AND " dir " " \
	"ORDER BY " order " LIMIT ?7 OFFSET ?8) "
#define KEY_NAME_COPY "(SELECT km.mandator_name FROM mandate km WHERE km.public_id = ?9)"
	T(SQL_ACCESS_MANDATE_PROFILES) =
	    "SELECT m.id AS mandate_id, m.public_id, k.account_id, oq.id AS org_quality_id, "
	    "o.id AS org_id, o.enterprise, o.name, o.country, o.foreign_reg, "
	    "b.enterprise AS via_enterprise, b.name AS via_name, b.country AS via_country, "
	    "b.foreign_reg AS via_foreign_reg FROM ("
	    /* Forwards, from the key or (none) from the start: ('', '') is before any row,
	     * an unknown key (its name NULL) matches none. */
	    PAGE_OF("?10 = 0", "(m.mandator_name, m.public_id) > (CASE WHEN CAST(?9 AS TEXT) "
	    "IS NULL THEN '' ELSE " KEY_NAME_COPY " END, COALESCE(?9, ''))",
	    "sort_name, sort_id")
	    "UNION ALL "
	    PAGE_OF("?10 = 1 AND CAST(?9 AS TEXT) IS NOT NULL",
	    "(m.mandator_name, m.public_id) < (" KEY_NAME_COPY ", ?9)",
	    "sort_name DESC, sort_id DESC")
	    "UNION ALL "
	    PAGE_OF("?10 = 1 AND CAST(?9 AS TEXT) IS NULL", "TRUE", "sort_name DESC, sort_id DESC")
	    ") k "
	    "JOIN mandate m ON m.id = k.mandate_id "
	    "JOIN organisation o ON o.id = m.mandator_org "
	    "JOIN organisation b ON b.id = m.mandatary_org "
	    "JOIN org_quality oq ON oq.org_id = m.mandator_org AND oq.quality = m.quality "
	    "ORDER BY CASE WHEN ?10 = 0 THEN k.sort_name END, "
	    "CASE WHEN ?10 = 0 THEN k.sort_id END, "
	    "CASE WHEN ?10 = 1 THEN k.sort_name END DESC, "
	    "CASE WHEN ?10 = 1 THEN k.sort_id END DESC",
#undef PAGE_OF
#undef KEY_NAME_COPY
#else
	T(SQL_ACCESS_MANDATE_PROFILES) =
	    /* The page first, on what the order and the filters need (with 10,000 mandates
	     * each row costs), then what is shown, for its rows only: a third less on
	     * PostgreSQL. A mandator without the activated quality is no profile (its
	     * grant could not name it): such a row leaves its page a row short. */
	    "SELECT m.id AS mandate_id, m.public_id, k.account_id, oq.id AS org_quality_id, "
	    "o.id AS org_id, o.enterprise, o.name, o.country, o.foreign_reg, "
	    "b.enterprise AS via_enterprise, b.name AS via_name, b.country AS via_country, "
	    "b.foreign_reg AS via_foreign_reg "
	    "FROM (SELECT m.id AS mandate_id, o.name AS sort_name, m.public_id AS sort_id, "
	    "a.id AS account_id "
	    "FROM account a "
	    /* SQLite sorts the mandates it reads (10,000: 8 ms), in the table's order through
	     * mandate_mandatary; through migration 034's wider index, in the names' order,
	     * the same rows cost it twice as much (its planner picks that one unasked). */
	    "JOIN mandate m INDEXED BY mandate_mandatary ON m.mandatary_org = a.org_id "
	    "JOIN organisation o ON o.id = m.mandator_org "
	    "WHERE a.person_id = ?1 AND a.status = 'active' AND " MANDATE_SERVES("?2", "?3")
	    "AND ((CAST(?4 AS TEXT) IS NULL AND CAST(?5 AS TEXT) IS NULL) "
	    "OR o.name " SQL_LIKE " ?4 ESCAPE '\\' OR o.enterprise LIKE ?5) "
	    "AND (CAST(?6 AS TEXT) IS NULL OR m.public_id = ?6) "
	    "AND (CAST(?9 AS TEXT) IS NULL "
	    "OR (?10 = 0 AND (o.name > " KEY_NAME " OR (o.name = " KEY_NAME
	    " AND m.public_id > ?9))) "
	    "OR (?10 = 1 AND (o.name < " KEY_NAME " OR (o.name = " KEY_NAME
	    " AND m.public_id < ?9)))) "
	    "ORDER BY CASE WHEN ?10 = 0 THEN o.name END, "
	    "CASE WHEN ?10 = 0 THEN m.public_id END, "
	    "CASE WHEN ?10 = 1 THEN o.name END DESC, "
	    "CASE WHEN ?10 = 1 THEN m.public_id END DESC LIMIT ?7 OFFSET ?8) k "
	    "JOIN mandate m ON m.id = k.mandate_id "
	    "JOIN organisation o ON o.id = m.mandator_org "
	    "JOIN organisation b ON b.id = m.mandatary_org "
	    "JOIN org_quality oq ON oq.org_id = m.mandator_org AND oq.quality = m.quality "
	    "ORDER BY CASE WHEN ?10 = 0 THEN k.sort_name END, "
	    "CASE WHEN ?10 = 0 THEN k.sort_id END, "
	    "CASE WHEN ?10 = 1 THEN k.sort_name END DESC, "
	    "CASE WHEN ?10 = 1 THEN k.sort_id END DESC",
#endif
	/* Mandate ?1 as it stands now for account ?2, application ?3, quarter ?4: the
	 * mandator and the quality the claims show, the mandatary (the chain), and whether
	 * the account still serves under it with the application. */
	T(SQL_ACCESS_MANDATE_NOW) =
	    "SELECT o.enterprise, o.name, o.country, o.foreign_reg, m.quality, q.name_fr, "
	    "q.name_nl, q.name_de, q.name_en, b.enterprise AS via_enterprise, "
	    "b.name AS via_name, b.country AS via_country, b.foreign_reg AS via_foreign_reg, "
	    "CASE WHEN a.status = 'active' AND a.org_id = m.mandatary_org AND "
	    MANDATE_SERVES("?3", "?4") "THEN 1 ELSE 0 END AS serves "
	    "FROM mandate m JOIN account a ON a.id = ?2 "
	    "JOIN organisation o ON o.id = m.mandator_org "
	    "JOIN organisation b ON b.id = m.mandatary_org "
	    "JOIN quality q ON q.code = m.quality WHERE m.id = ?1",
#undef MANDATE_SERVES
#undef KEY_NAME
	/* The applications account ?2 may use under mandate ?1 (the claim). */
	T(SQL_ACCESS_MANDATE_USABLE_APPS) =
	    "SELECT ma.application FROM mandate m "
	    "JOIN mandate_app ma ON ma.mandate_id = m.id WHERE m.id = ?1 "
	    "AND (m.serve_all = 1 OR EXISTS (SELECT 1 FROM mandate_member mm "
	    "JOIN mandate_grant mg ON mg.mandate_id = mm.mandate_id "
	    "AND mg.account_id = mm.account_id WHERE mm.mandate_id = m.id "
	    "AND mm.account_id = ?2 AND mg.application = ma.application)) "
	    "ORDER BY ma.application",
	/* CSV imports: times (?8, ?9) from C; the batch is read by its owner only. */
	T(SQL_ACCESS_IMPORT_INSERT) =
	    "INSERT INTO import_batch(public_id, org_id, quality_id, person_id, filename, "
	    "content, sep, nrows, created_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?10, ?8, ?9)",
	T(SQL_ACCESS_IMPORT_GET) =
	    "SELECT org_id, quality_id, person_id, filename, content, sep, nrows, expires_at, "
	    "applied_at, result FROM import_batch WHERE public_id = ?1",
	/* Single use: the confirmation marks the batch in its own transaction. */
	T(SQL_ACCESS_IMPORT_APPLY) =
	    "UPDATE import_batch SET applied_at = ?2, result = ?3 "
	    "WHERE public_id = ?1 AND applied_at IS NULL",
	T(SQL_ACCESS_IMPORT_PURGE) =
	    "DELETE FROM import_batch WHERE expires_at < ?1",
	/* Bulk reads of the import, for every row of a file at once (?N: a JSON array of
	 * texts); each gives what the per-row reads above give for one. */
	T(SQL_ACCESS_BULK_PERSONS) =
	    "SELECT p.id, p.niss, p.last_name, p.first_name, p.language AS p_language, "
	    "p.email AS p_email, a.id AS account_id, a.username, a.status, a.created_at, "
	    "a.modified_at, a.version, m.type, m.since, " ACCOUNT_DATA_COLS("a.") " "
	    "FROM person p LEFT JOIN account a ON a.person_id = p.id AND a.org_id = ?1 "
	    "LEFT JOIN quality_member m ON m.account_id = a.id AND m.org_quality_id = ?2 "
	    "WHERE p.niss IN " SQL_TEXT_LIST("?3"),
	T(SQL_ACCESS_BULK_GRANTS) =
	    "SELECT g.account_id, g.application FROM app_grant g "
	    "JOIN account a ON a.id = g.account_id JOIN person p ON p.id = a.person_id "
	    "WHERE g.org_quality_id = ?2 AND a.org_id = ?1 AND p.niss IN " SQL_TEXT_LIST("?3") " "
	    "ORDER BY g.account_id, g.application",
	/* The accounts of organisation ?1 holding a user name of ?2 (given in lower case;
	 * any case, as the unique index and SQL_ACCESS_ACCOUNT_BY_USERNAME). */
	T(SQL_ACCESS_BULK_USERNAMES) =
	    "SELECT username AS name, id FROM account WHERE org_id = ?1 AND "
	    SQL_NOCASE("username") " IN " SQL_TEXT_LIST("?2"),
	/* The grants of one member at once: ?3 a JSON array of application codes (one round
	 * trip for all, rather than one each); granted_at (?5) from C. */
	T(SQL_ACCESS_GRANT_INSERT_MANY) =
	    "INSERT INTO app_grant(org_quality_id, account_id, application, granted_by, "
	    "granted_at) SELECT CAST(?1 AS BIGINT), CAST(?2 AS BIGINT), l.value, "
	    "CAST(?4 AS BIGINT), CAST(?5 AS TEXT) FROM " SQL_TEXT_LIST("?3") " AS l",
#undef T
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const access_cols[SQL_ACCESS_END - SQL_ACCESS_FIRST] = {
	[SQL_ACCESS_ORG_ROLE - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_ORG_ROLE_COLS),
	[SQL_ACCESS_MANAGED_QUALITIES - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANAGED_QUALITIES_COLS),
	[SQL_ACCESS_ACCOUNT_STATUS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ACCOUNT_STATUS_COLS),
	[SQL_ACCESS_PLATFORM_ROLE - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_IS_USER - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_ORGS_OF_PERSON - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORGS_OF_PERSON_COLS),
	[SQL_ACCESS_ORG_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_ORG_GET_COLS),
	[SQL_ACCESS_ORG_BY_IDENTIFIER - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORG_BY_IDENTIFIER_COLS),
	[SQL_ACCESS_ORG_BY_ENTERPRISE - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORG_BY_ENTERPRISE_COLS),
	[SQL_ACCESS_ORG_INSERT - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_ORG_INSERT_COLS),
	[SQL_ACCESS_MANAGERS_OF_ORG - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANAGERS_OF_ORG_COLS),
	[SQL_ACCESS_GAP_OF_ORG - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_GAP_OF_ORG_COLS),
	[SQL_ACCESS_ORGS_MANAGED_BY - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORGS_MANAGED_BY_COLS),
	[SQL_ACCESS_QUALITY_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_QUALITY_GET_COLS),
	[SQL_ACCESS_QUALITY_LIST - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_QUALITY_LIST_COLS),
	[SQL_ACCESS_APP_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_APP_GET_COLS),
	[SQL_ACCESS_APPS_OF_QUALITY - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_APPS_OF_QUALITY_COLS),
	[SQL_ACCESS_QUALITIES_INACTIVE - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_QUALITIES_INACTIVE_COLS),
	[SQL_ACCESS_ORG_QUALITIES - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORG_QUALITY_COLS),
	[SQL_ACCESS_ORG_QUALITY_GET - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORG_QUALITY_COLS),
	[SQL_ACCESS_ORG_QUALITY_BY_CODE - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORG_QUALITY_BY_CODE_COLS),
	[SQL_ACCESS_ORG_QUALITY_INSERT - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ORG_QUALITY_INSERT_COLS),
	[SQL_ACCESS_QUALITY_MANAGERS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_QUALITY_MANAGERS_COLS),
	[SQL_ACCESS_PERSON_MAX_ID - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_ACCOUNT_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_ACCOUNT_COLS),
	[SQL_ACCESS_ACCOUNT_OF_PERSON - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ACCOUNT_COLS),
	[SQL_ACCESS_ACCOUNT_BY_USERNAME - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_ACCOUNT_BY_USERNAME_COLS),
	[SQL_ACCESS_MEMBER_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_MEMBER_GET_COLS),
	[SQL_ACCESS_MEMBER_COUNT - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_MEMBERSHIPS_OF_PERSON - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MEMBERSHIPS_OF_PERSON_COLS),
	[SQL_ACCESS_GRANTS_OF - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_GRANTS_OF_COLS),
	[SQL_ACCESS_USERS_BY_MEMBER - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_BY_NAME - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_BY_NISS - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_MEMBER - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_NAME - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_NISS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_USERS_BY_GRANT - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_BY_TYPE - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_BY_USERNAME - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_GRANT - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_TYPE - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_USERNAME - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_USERS_BY_STATUS - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_USERS_COLS),
	[SQL_ACCESS_USERS_COUNT_BY_STATUS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_COUNT_TYPE_ONLY - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_COUNT_APP_ONLY - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_HIERARCHY_MEMBERS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_HIERARCHY_MEMBERS_COLS),
	[SQL_ACCESS_AUDIT_TRAIL - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_AUDIT_TRAIL_COLS),
	[SQL_ACCESS_AUDIT_TRAIL_COUNT - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_COUNT_COLS),
	[SQL_ACCESS_AUDIT_ACTIONS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_AUDIT_ACTIONS_COLS),
	[SQL_ACCESS_RESP_QUALITIES - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_RESP_QUALITIES_COLS),
	[SQL_ACCESS_RESP_LOCAL - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_RESP_COLS),
	[SQL_ACCESS_RESP_MAIN - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_RESP_COLS),
	[SQL_ACCESS_RESP_MANAGED - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_RESP_MANAGED_COLS),
	[SQL_ACCESS_PROFILE_APP - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_PROFILE_APP_COLS),
	[SQL_ACCESS_PROFILES - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_PROFILES_COLS),
	[SQL_ACCESS_PROFILE_GRANTERS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_PROFILE_GRANTERS_COLS),
	[SQL_ACCESS_PROFILE_MEMBERSHIPS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_PROFILE_MEMBERSHIPS_COLS),
	[SQL_ACCESS_PROFILE_NOW - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_PROFILE_NOW_COLS),
	[SQL_ACCESS_PROFILE_APPS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_PROFILE_APPS_COLS),
	[SQL_ACCESS_MANDATE_INSERT - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_INSERT_COLS),
	[SQL_ACCESS_MANDATE_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_MANDATE_COLS),
	[SQL_ACCESS_MANDATE_LIST - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_MANDATE_COLS),
	[SQL_ACCESS_MANDATE_APPS - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_MANDATE_APPS_COLS),
	[SQL_ACCESS_MANDATE_EVENTS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_EVENTS_COLS),
	[SQL_ACCESS_MANDATE_MEMBERS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_MEMBERS_COLS),
	[SQL_ACCESS_MANDATE_GRANTS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_GRANTS_COLS),
	[SQL_ACCESS_MANDATE_DUE - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_MANDATE_DUE_COLS),
	[SQL_ACCESS_MANDATE_ACCOUNT - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_ACCOUNT_COLS),
	[SQL_ACCESS_MANDATE_PROFILES - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_PROFILES_COLS),
	[SQL_ACCESS_MANDATE_NOW - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_MANDATE_NOW_COLS),
	[SQL_ACCESS_MANDATE_USABLE_APPS - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_MANDATE_USABLE_APPS_COLS),
	[SQL_ACCESS_IMPORT_GET - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_IMPORT_GET_COLS),
	[SQL_ACCESS_BULK_PERSONS - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_BULK_PERSONS_COLS),
	[SQL_ACCESS_BULK_GRANTS - SQL_ACCESS_FIRST] = SQL_COLS(SQL_ACCESS_BULK_GRANTS_COLS),
	[SQL_ACCESS_BULK_USERNAMES - SQL_ACCESS_FIRST] =
	    SQL_COLS(SQL_ACCESS_BULK_USERNAMES_COLS),
};

const struct sql_table SQL_TABLE(access) = {
	SQL_ACCESS_FIRST, SQL_ACCESS_END - SQL_ACCESS_FIRST, access_text, access_cols,
};
