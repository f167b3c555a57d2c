/* factor_sql.c — SQLite text of the second-factor statements (TOTP, token cards,
 * activation codes; ids from SQL_RANGE_AUTH + 500). Bound parameters only. */
#include "auth/factor_sql.h"

#include <stddef.h>

#define T(id) [(id) - SQL_FACTOR_FIRST]

static const char *const factor_text[SQL_FACTOR_END - SQL_FACTOR_FIRST] = {
	T(SQL_FACTOR_TOTP_GET) =
	    "SELECT secret, last_step, enrolled_at, pending, pending_at "
	    "FROM factor_totp WHERE person_id = ?1",
	T(SQL_FACTOR_TOTP_SET_PENDING) =
	    "INSERT INTO factor_totp(person_id, pending, pending_at) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(person_id) DO UPDATE SET pending = excluded.pending, "
	    "pending_at = excluded.pending_at",
	T(SQL_FACTOR_TOTP_CONFIRM) =
	    "UPDATE factor_totp SET secret = pending, pending = NULL, pending_at = NULL, "
	    "last_step = ?2, enrolled_at = ?3 WHERE person_id = ?1 AND pending IS NOT NULL",
	/* The replay guard: only a later time step than the last accepted one changes a row. */
	T(SQL_FACTOR_TOTP_USE_STEP) =
	    "UPDATE factor_totp SET last_step = ?2 "
	    "WHERE person_id = ?1 AND secret IS NOT NULL AND last_step < ?2",
	T(SQL_FACTOR_TOTP_DELETE) =
	    "DELETE FROM factor_totp WHERE person_id = ?1",
	/* Keys at rest (base/envelope.h): every stored key, to wrap or rewrap them. */
	T(SQL_FACTOR_TOTP_ALL_KEYS) =
	    "SELECT person_id, secret, pending FROM factor_totp ORDER BY person_id",
	T(SQL_FACTOR_TOTP_SET_KEYS) =
	    "UPDATE factor_totp SET secret = ?2, pending = ?3 WHERE person_id = ?1",

	T(SQL_FACTOR_CARD_INSERT) =
	    "INSERT INTO token_card(person_id, serial, state, seed, confirm_position, issued_at) "
	    "VALUES (?1, ?2, 'pending', ?3, ?4, ?5) RETURNING id",
	T(SQL_FACTOR_CARD_CODE_INSERT) =
	    "INSERT INTO token_card_code(card_id, position, hash) VALUES (?1, ?2, ?3)",
	T(SQL_FACTOR_CARD_DROP_PENDING) =
	    "DELETE FROM token_card WHERE person_id = ?1 AND state = 'pending'",
	T(SQL_FACTOR_CARD_PENDING) =
	    "SELECT id, serial, seed, confirm_position, issued_at FROM token_card "
	    "WHERE person_id = ?1 AND state = 'pending' ORDER BY id DESC LIMIT 1",
	T(SQL_FACTOR_CARD_ACTIVE) =
	    "SELECT c.id, c.serial, c.activated_at, "
	    "(SELECT count(*) FROM token_card_code k WHERE k.card_id = c.id AND k.used_at IS NULL) "
	    "AS unused FROM token_card c WHERE c.person_id = ?1 AND c.state = 'active' "
	    "ORDER BY c.id DESC LIMIT 1",
	T(SQL_FACTOR_CARD_REVOKE_ACTIVE) =
	    "UPDATE token_card SET state = 'revoked', revoked_at = ?2 "
	    "WHERE person_id = ?1 AND state = 'active'",
	T(SQL_FACTOR_CARD_ACTIVATE) =
	    "UPDATE token_card SET state = 'active', seed = NULL, activated_at = ?2 "
	    "WHERE id = ?1 AND state = 'pending'",
	T(SQL_FACTOR_CARD_REVOKE_ALL) =
	    "UPDATE token_card SET state = 'revoked', seed = NULL, revoked_at = ?2 "
	    "WHERE person_id = ?1 AND state IN ('pending', 'active')",
	T(SQL_FACTOR_CARD_CODE_HASH) =
	    "SELECT k.hash FROM token_card_code k JOIN token_card c ON c.id = k.card_id "
	    "WHERE k.card_id = ?1 AND k.position = ?2 AND k.used_at IS NULL "
	    "AND c.person_id = ?3 AND c.state = 'active'",
	T(SQL_FACTOR_CARD_UNUSED) =
	    "SELECT position FROM token_card_code WHERE card_id = ?1 AND used_at IS NULL "
	    "ORDER BY position",
	/* Single use: only an unused code of an active card changes a row. */
	T(SQL_FACTOR_CARD_CODE_USE) =
	    "UPDATE token_card_code SET used_at = ?3 "
	    "WHERE card_id = ?1 AND position = ?2 AND used_at IS NULL "
	    "AND EXISTS (SELECT 1 FROM token_card c WHERE c.id = ?1 AND c.state = 'active')",

	T(SQL_FACTOR_CHALLENGE_INSERT) =
	    "INSERT INTO token_challenge(token_hash, binding_hash, person_id, card_id, username, "
	    "position, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	T(SQL_FACTOR_CHALLENGE_GET) =
	    "SELECT binding_hash, person_id, card_id, username, position, expires_at "
	    "FROM token_challenge WHERE token_hash = ?1",
	T(SQL_FACTOR_CHALLENGE_DELETE) =
	    "DELETE FROM token_challenge WHERE token_hash = ?1",
	T(SQL_FACTOR_CHALLENGE_PURGE) =
	    "DELETE FROM token_challenge WHERE expires_at < ?1",

	T(SQL_FACTOR_ACTIVATION_REVOKE_OPEN) =
	    "UPDATE activation_code SET revoked_at = ?2 "
	    "WHERE person_id = ?1 AND used_at IS NULL AND revoked_at IS NULL",
	T(SQL_FACTOR_ACTIVATION_INSERT) =
	    "INSERT INTO activation_code(person_id, code_hash, issued_by, issued_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_FACTOR_ACTIVATION_BY_HASH) =
	    "SELECT id, person_id, expires_at, used_at, revoked_at FROM activation_code "
	    "WHERE code_hash = ?1",
	T(SQL_FACTOR_ACTIVATION_USE) =
	    "UPDATE activation_code SET used_at = ?2 "
	    "WHERE id = ?1 AND used_at IS NULL AND revoked_at IS NULL",

	T(SQL_FACTOR_CREDENTIAL_OF) =
	    "SELECT username, hash FROM credential_password WHERE person_id = ?1",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const factor_cols[SQL_FACTOR_END - SQL_FACTOR_FIRST] = {
	[SQL_FACTOR_TOTP_GET - SQL_FACTOR_FIRST] = SQL_COLS(SQL_FACTOR_TOTP_GET_COLS),
	[SQL_FACTOR_TOTP_ALL_KEYS - SQL_FACTOR_FIRST] = SQL_COLS(SQL_FACTOR_TOTP_ALL_KEYS_COLS),
	[SQL_FACTOR_CARD_INSERT - SQL_FACTOR_FIRST] = SQL_COLS(SQL_FACTOR_CARD_INSERT_COLS),
	[SQL_FACTOR_CARD_PENDING - SQL_FACTOR_FIRST] =
	    SQL_COLS(SQL_FACTOR_CARD_PENDING_COLS),
	[SQL_FACTOR_CARD_ACTIVE - SQL_FACTOR_FIRST] = SQL_COLS(SQL_FACTOR_CARD_ACTIVE_COLS),
	[SQL_FACTOR_CARD_CODE_HASH - SQL_FACTOR_FIRST] =
	    SQL_COLS(SQL_FACTOR_CARD_CODE_HASH_COLS),
	[SQL_FACTOR_CARD_UNUSED - SQL_FACTOR_FIRST] = SQL_COLS(SQL_FACTOR_CARD_UNUSED_COLS),
	[SQL_FACTOR_CHALLENGE_GET - SQL_FACTOR_FIRST] =
	    SQL_COLS(SQL_FACTOR_CHALLENGE_GET_COLS),
	[SQL_FACTOR_ACTIVATION_BY_HASH - SQL_FACTOR_FIRST] =
	    SQL_COLS(SQL_FACTOR_ACTIVATION_BY_HASH_COLS),
	[SQL_FACTOR_CREDENTIAL_OF - SQL_FACTOR_FIRST] =
	    SQL_COLS(SQL_FACTOR_CREDENTIAL_OF_COLS),
};

const struct sql_table sql_factor_sqlite = {
	SQL_FACTOR_FIRST, SQL_FACTOR_END - SQL_FACTOR_FIRST, factor_text, factor_cols,
};
