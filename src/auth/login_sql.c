/* login_sql.c — SQLite text of the sessions' and the login slow-down's statements
 * (auth/login_sql.h). Schema: 001_foundation.sql, 015_login_slowdown.sql. */
#include "auth/login_sql.h"

#include <stddef.h>

#define T(id) [(id) - SQL_LOGIN_FIRST]

static const char *const login_text[SQL_LOGIN_END - SQL_LOGIN_FIRST] = {
	T(SQL_SESSION_INSERT) =
	    "INSERT INTO session(id_hash, csrf, lang, person_id, auth_method, auth_level, "
	    "auth_time, created_at, seen_at, capacity) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
	T(SQL_SESSION_GET) =
	    "SELECT csrf, lang, person_id, auth_method, auth_level, auth_time, created_at, "
	    "seen_at, capacity FROM session WHERE id_hash = ?1",
	T(SQL_SESSION_TOUCH) =
	    "UPDATE session SET seen_at = ?2 WHERE id_hash = ?1",
	T(SQL_SESSION_DELETE) =
	    "DELETE FROM session WHERE id_hash = ?1",
	T(SQL_SESSION_ROTATE) =
	    "UPDATE session SET id_hash = ?2, csrf = ?3, person_id = ?4, auth_method = ?5, "
	    "auth_level = ?6, auth_time = ?7, seen_at = ?8, capacity = ?9 WHERE id_hash = ?1",
	T(SQL_SESSION_SET_LANG) =
	    "UPDATE session SET lang = ?2 WHERE id_hash = ?1",
	T(SQL_SESSION_SET_CAPACITY) =
	    "UPDATE session SET capacity = ?2 WHERE id_hash = ?1",
	T(SQL_SESSION_PURGE) =
	    "DELETE FROM session WHERE seen_at < ?1 OR created_at < ?2",

	T(SQL_THROTTLE_GET) =
	    "SELECT failures, next_allowed, updated_at, refused, noted_at FROM login_throttle "
	    "WHERE key = ?1",
	T(SQL_THROTTLE_PUT) =
	    "INSERT INTO login_throttle(key, failures, next_allowed, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, "
	    "next_allowed = excluded.next_allowed, updated_at = excluded.updated_at, noted_at = 0",
	T(SQL_THROTTLE_REFUSED) =
	    "UPDATE login_throttle SET refused = ?2, noted_at = ?3 WHERE key = ?1",
	T(SQL_THROTTLE_CLEAR) =
	    "DELETE FROM login_throttle WHERE key = ?1",
	/* The key of a person's user name as keys_for (auth/login.c) writes it. */
	T(SQL_THROTTLE_CLEAR_PERSON) =
	    "DELETE FROM login_throttle WHERE key = (SELECT 'u:' || lower(username) "
	    "FROM credential_password WHERE person_id = ?1)",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const login_cols[SQL_LOGIN_END - SQL_LOGIN_FIRST] = {
	[SQL_SESSION_GET - SQL_LOGIN_FIRST] = SQL_COLS(SQL_SESSION_GET_COLS),
	[SQL_THROTTLE_GET - SQL_LOGIN_FIRST] = SQL_COLS(SQL_THROTTLE_GET_COLS),
};

const struct sql_table sql_login_sqlite = {
	SQL_LOGIN_FIRST, SQL_LOGIN_END - SQL_LOGIN_FIRST, login_text, login_cols,
};
