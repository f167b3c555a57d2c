/* webauthn_sql.c — text of the passkey statements (ids from SQL_RANGE_AUTH + 850), one
 * text for SQLite and PostgreSQL. Bound parameters only. */
#include "auth/webauthn_sql.h"

#include <stddef.h>

#define T(id) [(id) - SQL_WA_FIRST]

static const char *const wa_text[SQL_WA_END - SQL_WA_FIRST] = {
	T(SQL_WA_HANDLE_GET) =
	    "SELECT handle FROM webauthn_user WHERE person_id = ?1",
	T(SQL_WA_HANDLE_INSERT) =
	    "INSERT INTO webauthn_user(person_id, handle) VALUES (?1, ?2) "
	    "ON CONFLICT (person_id) DO NOTHING",
	T(SQL_WA_CRED_INSERT) =
	    "INSERT INTO webauthn_credential(person_id, credential_id, public_key, alg, "
	    "sign_count, transports, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	T(SQL_WA_CRED_LIST) =
	    "SELECT id, name, alg, created_at, last_used_at FROM webauthn_credential "
	    "WHERE person_id = ?1 ORDER BY id",
	T(SQL_WA_CRED_BY_ID) =
	    "SELECT c.id, c.person_id, c.public_key, c.alg, c.sign_count, u.handle "
	    "FROM webauthn_credential c JOIN webauthn_user u ON u.person_id = c.person_id "
	    "WHERE c.credential_id = ?1",
	/* Only from the counter read: two uses at once cannot both move it. */
	T(SQL_WA_CRED_USE) =
	    "UPDATE webauthn_credential SET sign_count = ?2, last_used_at = ?3 "
	    "WHERE id = ?1 AND sign_count = ?4",
	T(SQL_WA_CRED_DELETE) =
	    "DELETE FROM webauthn_credential WHERE id = ?1 AND person_id = ?2",
	T(SQL_WA_CRED_IDS) =
	    "SELECT credential_id FROM webauthn_credential WHERE person_id = ?1 ORDER BY id "
	    "LIMIT 32",
	T(SQL_WA_CHALLENGE_PUT) =
	    "INSERT INTO webauthn_challenge(binding_hash, purpose, challenge, person_id, "
	    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT (binding_hash, purpose) DO UPDATE SET challenge = excluded.challenge, "
	    "person_id = excluded.person_id, expires_at = excluded.expires_at",
	/* Single use: the answer takes the challenge whatever its outcome. */
	T(SQL_WA_CHALLENGE_TAKE) =
	    "DELETE FROM webauthn_challenge WHERE binding_hash = ?1 AND purpose = ?2 "
	    "RETURNING challenge, person_id, expires_at",
	T(SQL_WA_CHALLENGE_PURGE) =
	    "DELETE FROM webauthn_challenge WHERE expires_at < ?1",
};

static const char *const wa_cols[SQL_WA_END - SQL_WA_FIRST] = {
	T(SQL_WA_HANDLE_GET) = SQL_COLS(SQL_WA_HANDLE_GET_COLS),
	T(SQL_WA_CRED_LIST) = SQL_COLS(SQL_WA_CRED_LIST_COLS),
	T(SQL_WA_CRED_BY_ID) = SQL_COLS(SQL_WA_CRED_BY_ID_COLS),
	T(SQL_WA_CRED_IDS) = SQL_COLS(SQL_WA_CRED_IDS_COLS),
	T(SQL_WA_CHALLENGE_TAKE) = SQL_COLS(SQL_WA_CHALLENGE_TAKE_COLS),
};

const struct sql_table sql_webauthn_sqlite = {
	SQL_WA_FIRST, SQL_WA_END - SQL_WA_FIRST, wa_text, wa_cols,
};
