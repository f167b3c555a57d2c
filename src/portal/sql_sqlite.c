/* sql_sqlite.c — SQLite text of the agency portal's statements (portal/migrations). */
#include "portal/sql.h"

#include <stddef.h>

#define ACT_COLS "id, kind, establishment, classes, started_on, ended_on"

static const char *const portal_text[SQL_PORTAL_END - SQL_PORTAL_FIRST] = {
#define T(id) [(id) - SQL_PORTAL_FIRST]
	T(SQL_PORTAL_SESS_GET) =
	    "SELECT csrf, lang, user_id, created_at, seen_at FROM portal_session "
	    "WHERE id_hash = ?1",
	T(SQL_PORTAL_SESS_INSERT) =
	    "INSERT INTO portal_session(id_hash, csrf, lang, user_id, created_at, seen_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	T(SQL_PORTAL_SESS_TOUCH) =
	    "UPDATE portal_session SET seen_at = ?2 WHERE id_hash = ?1",
	T(SQL_PORTAL_SESS_ROTATE) =
	    "UPDATE portal_session SET id_hash = ?2, csrf = ?3, lang = ?4, user_id = ?5, "
	    "seen_at = ?6 WHERE id_hash = ?1",
	T(SQL_PORTAL_SESS_DELETE) =
	    "DELETE FROM portal_session WHERE id_hash = ?1",
	T(SQL_PORTAL_SESS_PURGE) =
	    "DELETE FROM portal_session WHERE seen_at < ?1 OR created_at < ?2",

	T(SQL_PORTAL_LOGIN_SET) =
	    "UPDATE portal_session SET login_state = ?2, login_nonce = ?3, login_verifier = ?4, "
	    "login_started = ?5, login_next = ?6 WHERE id_hash = ?1",
	T(SQL_PORTAL_LOGIN_GET) =
	    "SELECT login_state, login_nonce, login_verifier, login_started, login_next "
	    "FROM portal_session WHERE id_hash = ?1 AND login_state IS NOT NULL",
	T(SQL_PORTAL_LOGIN_CLEAR) =
	    "UPDATE portal_session SET login_state = NULL, login_nonce = NULL, "
	    "login_verifier = NULL, login_started = NULL, login_next = NULL WHERE id_hash = ?1",
	T(SQL_PORTAL_SESS_USER_SET) =
	    "UPDATE portal_session SET sub = ?2, name = ?3, enterprise = ?4, org_name = ?5, "
	    "id_token = ?6, login_state = NULL, login_nonce = NULL, login_verifier = NULL, "
	    "login_started = NULL, login_next = NULL WHERE id_hash = ?1",
	T(SQL_PORTAL_SESS_USER_GET) =
	    "SELECT sub, name, enterprise, org_name, id_token, user_id FROM portal_session "
	    "WHERE id_hash = ?1 AND user_id <> 0 AND sub IS NOT NULL",

	T(SQL_PORTAL_USER_UPSERT) =
	    "INSERT INTO portal_user(sub, name, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3) "
	    "ON CONFLICT(sub) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen",
	T(SQL_PORTAL_USER_ID) =
	    "SELECT id FROM portal_user WHERE sub = ?1",

	T(SQL_PORTAL_COMPANY_INSERT) =
	    "INSERT INTO company(enterprise, name, created_at) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(enterprise) DO NOTHING",
	/* The agency number follows the row id: given once, never changed. */
	T(SQL_PORTAL_COMPANY_NUMBER) =
	    "UPDATE company SET agency_number = printf('AFMPS-%06d', id) "
	    "WHERE enterprise = ?1 AND agency_number IS NULL",
	T(SQL_PORTAL_COMPANY_NAME) =
	    "UPDATE company SET name = ?2 WHERE enterprise = ?1 AND name <> ?2",
	T(SQL_PORTAL_COMPANY_GET) =
	    "SELECT id, enterprise, agency_number, name, created_at FROM company "
	    "WHERE enterprise = ?1",
	T(SQL_PORTAL_CONTACT_LIST) =
	    "SELECT kind, name, email, phone, updated_at FROM company_contact "
	    "WHERE company_id = ?1",
	T(SQL_PORTAL_CONTACT_UPSERT) =
	    "INSERT INTO company_contact(company_id, kind, name, email, phone, updated_at, "
	    "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	    "ON CONFLICT(company_id, kind) DO UPDATE SET name = excluded.name, "
	    "email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at, "
	    "updated_by = excluded.updated_by",
	T(SQL_PORTAL_CONTACT_DELETE) =
	    "DELETE FROM company_contact WHERE company_id = ?1 AND kind = ?2",

	T(SQL_PORTAL_ACT_LIST) =
	    "SELECT " ACT_COLS " FROM activity WHERE company_id = ?1 "
	    "ORDER BY ended_on IS NOT NULL, started_on, id",
	T(SQL_PORTAL_ACT_GET) =
	    "SELECT " ACT_COLS " FROM activity WHERE id = ?1 AND company_id = ?2",
	T(SQL_PORTAL_ACT_INSERT) =
	    "INSERT INTO activity(company_id, kind, establishment, classes, started_on, "
	    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
	T(SQL_PORTAL_ACT_UPDATE) =
	    "UPDATE activity SET classes = ?3, updated_at = ?4 "
	    "WHERE id = ?1 AND company_id = ?2 AND ended_on IS NULL",
	T(SQL_PORTAL_ACT_END) =
	    "UPDATE activity SET ended_on = ?3, updated_at = ?4 "
	    "WHERE id = ?1 AND company_id = ?2 AND ended_on IS NULL",

	T(SQL_PORTAL_DOSSIER_GET) =
	    "SELECT status, answers, updated_at, submitted_at FROM dossier WHERE activity_id = ?1",
	T(SQL_PORTAL_DOSSIER_SAVE) =
	    "INSERT INTO dossier(activity_id, status, answers, updated_at, submitted_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(activity_id) DO UPDATE SET "
	    "status = excluded.status, answers = excluded.answers, "
	    "updated_at = excluded.updated_at, "
	    "submitted_at = COALESCE(excluded.submitted_at, dossier.submitted_at)",
	T(SQL_PORTAL_EVENT_INSERT) =
	    "INSERT INTO dossier_event(activity_id, at, action, user_name) VALUES (?1, ?2, ?3, ?4)",
	T(SQL_PORTAL_EVENT_LIST) =
	    "SELECT at, action, user_name FROM dossier_event WHERE activity_id = ?1 "
	    "ORDER BY at DESC, id DESC LIMIT 50",
#undef T
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const portal_cols[SQL_PORTAL_END - SQL_PORTAL_FIRST] = {
	[SQL_PORTAL_SESS_GET - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_SESS_GET_COLS),
	[SQL_PORTAL_LOGIN_GET - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_LOGIN_GET_COLS),
	[SQL_PORTAL_SESS_USER_GET - SQL_PORTAL_FIRST] =
	    SQL_COLS(SQL_PORTAL_SESS_USER_GET_COLS),
	[SQL_PORTAL_USER_ID - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_USER_ID_COLS),
	[SQL_PORTAL_COMPANY_GET - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_COMPANY_GET_COLS),
	[SQL_PORTAL_CONTACT_LIST - SQL_PORTAL_FIRST] =
	    SQL_COLS(SQL_PORTAL_CONTACT_LIST_COLS),
	[SQL_PORTAL_ACT_LIST - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_ACT_COLS),
	[SQL_PORTAL_ACT_GET - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_ACT_COLS),
	[SQL_PORTAL_ACT_INSERT - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_ACT_INSERT_COLS),
	[SQL_PORTAL_DOSSIER_GET - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_DOSSIER_GET_COLS),
	[SQL_PORTAL_EVENT_LIST - SQL_PORTAL_FIRST] = SQL_COLS(SQL_PORTAL_EVENT_LIST_COLS),
};

const struct sql_table sql_portal_sqlite = {
	.first = SQL_PORTAL_FIRST,
	.count = SQL_PORTAL_END - SQL_PORTAL_FIRST,
	.text = portal_text,
	.cols = portal_cols,
};
