/* sql_sqlite.c — the SQL text of the core statements for the SQLite backend.
 * Bound parameters only; other modules keep theirs in their own sql_sqlite file. */
#include "store/sql.h"

#include <stddef.h>

static const char *const core_text[SQL_CORE_END - SQL_CORE_FIRST] = {
	[SQL_MIGRATION_VERSION] =
	    "SELECT coalesce(max(version), -1) FROM schema_migration",
	[SQL_MIGRATION_RECORD] =
	    "INSERT INTO schema_migration(version, name, applied_at) "
	    "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",

	[SQL_MIGRATION_APPLIED] =
	    "SELECT count(*) FROM schema_migration WHERE version = ?1",

	[SQL_SESSION_INSERT] =
	    "INSERT INTO session(id_hash, csrf, lang, person_id, auth_method, auth_level, "
	    "auth_time, created_at, seen_at, capacity) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
	[SQL_SESSION_GET] =
	    "SELECT csrf, lang, person_id, auth_method, auth_level, auth_time, created_at, "
	    "seen_at, capacity FROM session WHERE id_hash = ?1",
	[SQL_SESSION_TOUCH] =
	    "UPDATE session SET seen_at = ?2 WHERE id_hash = ?1",
	[SQL_SESSION_DELETE] =
	    "DELETE FROM session WHERE id_hash = ?1",
	[SQL_SESSION_ROTATE] =
	    "UPDATE session SET id_hash = ?2, csrf = ?3, person_id = ?4, auth_method = ?5, "
	    "auth_level = ?6, auth_time = ?7, seen_at = ?8, capacity = ?9 WHERE id_hash = ?1",
	[SQL_SESSION_SET_CAPACITY] =
	    "UPDATE session SET capacity = ?2 WHERE id_hash = ?1",
	[SQL_SESSION_SET_LANG] =
	    "UPDATE session SET lang = ?2 WHERE id_hash = ?1",
	[SQL_SESSION_PURGE] =
	    "DELETE FROM session WHERE seen_at < ?1 OR created_at < ?2",

	[SQL_AUDIT_LAST] =
	    "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1",
	[SQL_AUDIT_INSERT] =
	    "INSERT INTO audit_event(seq, at, actor, actor_role, org, object, action, details, "
	    "source, request_id, prev_hash, hash) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[SQL_AUDIT_ALL] =
	    "SELECT seq, at, actor, actor_role, org, object, action, details, source, "
	    "request_id, prev_hash, hash FROM audit_event ORDER BY seq",
	[SQL_AUDIT_COUNT] =
	    "SELECT count(*) FROM audit_event",

	[SQL_PASSWORD_BY_USERNAME] =
	    "SELECT person_id, hash FROM credential_password WHERE username = ?1",
	[SQL_PASSWORD_PUT] =
	    "INSERT INTO credential_password(person_id, username, hash) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(person_id) DO UPDATE SET username = excluded.username, "
	    "hash = excluded.hash, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
	[SQL_PASSWORD_SET_HASH] =
	    "UPDATE credential_password SET hash = ?2, "
	    "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE person_id = ?1",
	[SQL_THROTTLE_GET] =
	    "SELECT failures, next_allowed, updated_at, refused, noted_at FROM login_throttle "
	    "WHERE key = ?1",
	[SQL_THROTTLE_PUT] =
	    "INSERT INTO login_throttle(key, failures, next_allowed, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, "
	    "next_allowed = excluded.next_allowed, updated_at = excluded.updated_at, noted_at = 0",
	[SQL_THROTTLE_REFUSED] =
	    "UPDATE login_throttle SET refused = ?2, noted_at = ?3 WHERE key = ?1",
	[SQL_THROTTLE_CLEAR] =
	    "DELETE FROM login_throttle WHERE key = ?1",
	/* The key of a person's user name as keys_for (auth/login.c) writes it. */
	[SQL_THROTTLE_CLEAR_PERSON] =
	    "DELETE FROM login_throttle WHERE key = (SELECT 'u:' || lower(username) "
	    "FROM credential_password WHERE person_id = ?1)",

	[SQL_SETTING_GET] =
	    "SELECT value FROM setting WHERE name = ?1",
	[SQL_SETTING_PUT] =
	    "INSERT INTO setting(name, value) VALUES (?1, ?2) "
	    "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
};

const struct sql_table sql_core_sqlite = {
	SQL_CORE_FIRST, SQL_CORE_END - SQL_CORE_FIRST, core_text,
};
