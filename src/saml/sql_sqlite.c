/* sql_sqlite.c — portable text of the SAML identity provider's statements (both backends
 * run it: bound parameters, no dialect). */
#include "saml/sql.h"

#include <stddef.h>

/* The sessions of an account (?1, within quality ?2 unless 0), or of its person (?3)
 * recorded before sessions named their account. */
#define SESS_OF_ACCOUNT_BARE "((account_id = ?1 AND (?2 = 0 OR org_quality_id = ?2)) " \
	"OR (account_id IS NULL AND person_id = ?3))"
#define SESS_OF_ACCOUNT "((s.account_id = ?1 AND (?2 = 0 OR s.org_quality_id = ?2)) " \
	"OR (s.account_id IS NULL AND s.person_id = ?3))"

static const char *const saml_text[SQL_SAML_END - SQL_SAML_FIRST] = {
#define T(id) [(id) - SQL_SAML_FIRST]
	T(SQL_SAML_SP_INSERT) =
	    "INSERT INTO saml_sp(entity_id, application, metadata, source, min_level, "
	    "allow_national_number, encrypt_assertions, sig_alg, created_at, refreshed_at, "
	    "requested_attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?8, ?9, ?6, ?6, ?10)",
	T(SQL_SAML_SP_GET) =
	    "SELECT entity_id, application, metadata, source, min_level, allow_national_number, "
	    "encrypt_assertions, sig_alg, requested_attributes FROM saml_sp WHERE entity_id = ?1",
	T(SQL_SAML_SP_LIST) =
	    "SELECT entity_id, application, source, min_level, created_at, refreshed_at, "
	    "allow_national_number, encrypt_assertions, sig_alg FROM saml_sp ORDER BY entity_id",
	T(SQL_SAML_SP_DELETE) =
	    "DELETE FROM saml_sp WHERE entity_id = ?1",
	T(SQL_SAML_SP_REFRESH) =
	    "UPDATE saml_sp SET metadata = ?2, refreshed_at = ?3, requested_attributes = ?4 "
	    "WHERE entity_id = ?1",
	T(SQL_SAML_KEY_INSERT) =
	    "INSERT INTO saml_key(kid, alg, private_der, cert_pem, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_SAML_KEY_RETIRE) =
	    "UPDATE saml_key SET retired_at = ?1, publish_until = ?2 WHERE retired_at IS NULL",
	T(SQL_SAML_KEY_PUBLISHED) =
	    "SELECT kid, private_der, cert_pem, retired_at, alg FROM saml_key "
	    "WHERE retired_at IS NULL OR publish_until > ?1 "
	    "ORDER BY retired_at IS NOT NULL, alg DESC, created_at DESC",
	T(SQL_SAML_KEY_PURGE) =
	    "DELETE FROM saml_key WHERE retired_at IS NOT NULL AND publish_until <= ?1",
	T(SQL_SAML_KEY_SECRETS) =
	    "SELECT kid, private_der FROM saml_key ORDER BY kid",
	T(SQL_SAML_KEY_SET_SECRET) =
	    "UPDATE saml_key SET private_der = ?2 WHERE kid = ?1",
	T(SQL_SAML_REQ_INSERT) =
	    "INSERT INTO fed_request(id_hash, kind, requester, application, level, "
	    "force_login, max_age, browser, protocol, created_at, expires_at) "
	    "VALUES (?1, 'saml', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	T(SQL_SAML_REQ_GET) =
	    "SELECT requester, application, level, force_login, max_age, browser, "
	    "stale_session, protocol, created_at FROM fed_request "
	    "WHERE id_hash = ?1 AND kind = 'saml' AND expires_at > ?2",
	T(SQL_SAML_REQ_DELETE) =
	    "DELETE FROM fed_request WHERE id_hash = ?1",
	T(SQL_SAML_REQ_MARK) =
	    "UPDATE fed_request SET stale_session = ?2 WHERE id_hash = ?1",
	T(SQL_SAML_REQ_PURGE) =
	    "DELETE FROM fed_request WHERE expires_at <= ?1",
	T(SQL_SAML_SEEN_INSERT) =
	    "INSERT INTO saml_request_seen(issuer, request_id, expires_at) VALUES (?1, ?2, ?3)",
	T(SQL_SAML_SEEN_PURGE) =
	    "DELETE FROM saml_request_seen WHERE expires_at <= ?1",
	T(SQL_SAML_ART_INSERT) =
	    "INSERT INTO saml_artifact(artifact_hash, entity_id, message, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4)",
	T(SQL_SAML_ART_GET) =
	    "SELECT entity_id, message FROM saml_artifact "
	    "WHERE artifact_hash = ?1 AND expires_at > ?2",
	T(SQL_SAML_ART_DELETE) =
	    "DELETE FROM saml_artifact WHERE artifact_hash = ?1",
	T(SQL_SAML_ART_PURGE) =
	    "DELETE FROM saml_artifact WHERE expires_at <= ?1",
	T(SQL_SAML_SESS_UPSERT) =
	    "INSERT INTO saml_session(browser, entity_id, person_id, name_id, name_format, "
	    "session_index, created_at, expires_at, account_id, org_quality_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
	    "ON CONFLICT (browser, entity_id) DO UPDATE SET person_id = excluded.person_id, "
	    "name_id = excluded.name_id, name_format = excluded.name_format, "
	    "session_index = excluded.session_index, logout = NULL, "
	    "created_at = excluded.created_at, expires_at = excluded.expires_at, "
	    "account_id = excluded.account_id, org_quality_id = excluded.org_quality_id",
	T(SQL_SAML_SESS_PURGE) =
	    "DELETE FROM saml_session WHERE expires_at <= ?1",
	T(SQL_SAML_SESS_FIND) =
	    "SELECT person_id FROM saml_session WHERE browser = ?1 AND entity_id = ?2 "
	    "AND name_id = ?3 AND expires_at > ?4 AND logout IS NULL",
	T(SQL_SAML_SESS_DROP) =
	    "DELETE FROM saml_session WHERE browser = ?1 AND entity_id = ?2",
	T(SQL_SAML_SESS_CHAIN) =
	    "UPDATE saml_session SET logout = ?3 WHERE browser = ?1 AND person_id = ?2 "
	    "AND logout IS NULL AND expires_at > ?4",
	T(SQL_SAML_SESS_NEXT) =
	    "SELECT entity_id, name_id, name_format, session_index FROM saml_session "
	    "WHERE logout = ?1 AND browser = ?2 ORDER BY entity_id LIMIT 1",
	T(SQL_SAML_LOGOUT_INSERT) =
	    "INSERT INTO saml_logout(id_hash, browser, origin, origin_dump, origin_relay, "
	    "return_to, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?8, ?5, ?6, ?7)",
	T(SQL_SAML_LOGOUT_GET) =
	    "SELECT origin, origin_dump, return_to, origin_relay FROM saml_logout "
	    "WHERE id_hash = ?1 AND browser = ?2 AND expires_at > ?3",
	T(SQL_SAML_LOGOUT_DELETE) =
	    "DELETE FROM saml_logout WHERE id_hash = ?1",
	T(SQL_SAML_LOGOUT_PURGE) =
	    "DELETE FROM saml_logout WHERE expires_at <= ?1",
	/* The live sessions of account ?1 (within quality ?2; 0: all its qualities), and
	 * those of its person ?3 recorded without an account (before migration 040), with
	 * their SP's metadata (NULL: the SP was removed since). */
	T(SQL_SAML_SESS_OF_ACCOUNT) =
	    "SELECT s.entity_id, s.name_id, s.name_format, s.session_index, s.person_id, "
	    "p.metadata FROM saml_session s LEFT JOIN saml_sp p ON p.entity_id = s.entity_id "
	    "WHERE " SESS_OF_ACCOUNT " AND s.expires_at > ?4 ORDER BY s.entity_id",
	T(SQL_SAML_SESS_END_ACCOUNT) =
	    "DELETE FROM saml_session WHERE " SESS_OF_ACCOUNT_BARE,
	T(SQL_SAML_BCL_ENQUEUE) =
	    "INSERT INTO saml_logout_outbox(entity_id, person_id, name_id, name_format, "
	    "session_index, reason, next_attempt, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
	T(SQL_SAML_BCL_DUE) =
	    "SELECT id, next_attempt FROM saml_logout_outbox WHERE status = 'pending' "
	    "AND next_attempt <= ?1 ORDER BY next_attempt, id LIMIT ?2",
	T(SQL_SAML_BCL_GET) =
	    "SELECT entity_id, person_id, name_id, name_format, session_index, reason, attempts "
	    "FROM saml_logout_outbox WHERE id = ?1",
	/* A lease: the node that moves next_attempt first sends the request. */
	T(SQL_SAML_BCL_CLAIM) =
	    "UPDATE saml_logout_outbox SET next_attempt = ?3 WHERE id = ?1 "
	    "AND status = 'pending' AND next_attempt = ?2",
	T(SQL_SAML_BCL_SENT) =
	    "UPDATE saml_logout_outbox SET status = 'sent', attempts = attempts + 1, "
	    "last_error = NULL, sent_at = ?2 WHERE id = ?1",
	T(SQL_SAML_BCL_RETRY) =
	    "UPDATE saml_logout_outbox SET attempts = attempts + 1, next_attempt = ?2, "
	    "last_error = ?3 WHERE id = ?1",
	T(SQL_SAML_BCL_FAILED) =
	    "UPDATE saml_logout_outbox SET status = 'failed', attempts = attempts + 1, "
	    "last_error = ?2 WHERE id = ?1",
	T(SQL_SAML_BCL_PURGE) =
	    "DELETE FROM saml_logout_outbox WHERE status <> 'pending' AND created_at <= ?1",
#undef T
};

static const char *const saml_cols[SQL_SAML_END - SQL_SAML_FIRST] = {
	[SQL_SAML_SP_GET - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_SP_GET_COLS),
	[SQL_SAML_SP_LIST - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_SP_LIST_COLS),
	[SQL_SAML_KEY_PUBLISHED - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_KEY_PUBLISHED_COLS),
	[SQL_SAML_KEY_SECRETS - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_KEY_SECRETS_COLS),
	[SQL_SAML_REQ_GET - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_REQ_GET_COLS),
	[SQL_SAML_ART_GET - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_ART_GET_COLS),
	[SQL_SAML_SESS_FIND - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_SESS_FIND_COLS),
	[SQL_SAML_SESS_NEXT - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_SESS_NEXT_COLS),
	[SQL_SAML_LOGOUT_GET - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_LOGOUT_GET_COLS),
	[SQL_SAML_SESS_OF_ACCOUNT - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_SESS_OF_ACCOUNT_COLS),
	[SQL_SAML_BCL_DUE - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_BCL_DUE_COLS),
	[SQL_SAML_BCL_GET - SQL_SAML_FIRST] = SQL_COLS(SQL_SAML_BCL_GET_COLS),
};

const struct sql_table sql_saml_sqlite = {
	SQL_SAML_FIRST, SQL_SAML_END - SQL_SAML_FIRST, saml_text, saml_cols,
};
