/* toolbox_sql.c — the text of the OAuth toolbox's statements (resource servers, client
 * options), portable: the same for SQLite and PostgreSQL. */
#include "oidc/toolbox_sql.h"

#include <stddef.h>

#define RS_COLS "SELECT id, secret_hash, audience, jwt_access_tokens, created_at " \
	"FROM oidc_resource_server "

static const char *const tb_text[SQL_OIDC_TB_END - SQL_OIDC_TB_FIRST] = {
#define T(id) [(id) - SQL_OIDC_TB_FIRST]
	T(SQL_OIDC_RS_INSERT) =
	    "INSERT INTO oidc_resource_server(id, secret_hash, audience, jwt_access_tokens, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_OIDC_RS_GET) = RS_COLS "WHERE id = ?1",
	T(SQL_OIDC_RS_BY_AUDIENCE) = RS_COLS "WHERE audience = ?1",
	T(SQL_OIDC_RS_LIST) = RS_COLS "ORDER BY id",
	T(SQL_OIDC_RS_DELETE) = "DELETE FROM oidc_resource_server WHERE id = ?1",
	T(SQL_OIDC_CLIENT_OPTION_INSERT) =
	    "INSERT INTO oidc_client_option(client_id, audience, require_par, "
	    "backchannel_logout_uri, backchannel_logout_session_required) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_OIDC_CLIENT_OPTION_GET) =
	    "SELECT audience, require_par, backchannel_logout_uri, "
	    "backchannel_logout_session_required FROM oidc_client_option WHERE client_id = ?1",
	T(SQL_OIDC_PAR_INSERT) =
	    "INSERT INTO oidc_par(id_hash, client_id, params, created_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_OIDC_PAR_GET) =
	    "SELECT client_id, params FROM oidc_par WHERE id_hash = ?1 AND expires_at > ?2",
	T(SQL_OIDC_PAR_DELETE) = "DELETE FROM oidc_par WHERE id_hash = ?1",
	T(SQL_OIDC_PAR_PURGE) = "DELETE FROM oidc_par WHERE expires_at <= ?1",
	/* One notification per live grant of a client with a back-channel logout URI. */
	T(SQL_OIDC_BCL_ENQUEUE_ACCOUNT) =
	    "INSERT INTO logout_outbox(client_id, grant_id, person_id, reason, next_attempt, "
	    "created_at) SELECT g.client_id, g.id, g.person_id, ?3, ?2, ?2 FROM oidc_grant g "
	    "JOIN oidc_client_option o ON o.client_id = g.client_id "
	    "WHERE g.account_id = ?1 AND (?4 = 0 OR g.org_quality_id = ?4) "
	    "AND g.revoked_at IS NULL AND g.expires_at > ?2 "
	    "AND o.backchannel_logout_uri IS NOT NULL",
	T(SQL_OIDC_BCL_ENQUEUE_PERSON) =
	    "INSERT INTO logout_outbox(client_id, grant_id, person_id, reason, next_attempt, "
	    "created_at) SELECT g.client_id, g.id, g.person_id, ?3, ?2, ?2 FROM oidc_grant g "
	    "JOIN oidc_client_option o ON o.client_id = g.client_id "
	    "WHERE g.person_id = ?1 AND g.revoked_at IS NULL AND g.expires_at > ?2 "
	    "AND o.backchannel_logout_uri IS NOT NULL",
	T(SQL_OIDC_BCL_REVOKE_ACCOUNT) =
	    "UPDATE oidc_grant SET revoked_at = ?2, revoked_why = ?3 "
	    "WHERE account_id = ?1 AND (?4 = 0 OR org_quality_id = ?4) AND revoked_at IS NULL",
	T(SQL_OIDC_BCL_REVOKE_PERSON) =
	    "UPDATE oidc_grant SET revoked_at = ?2, revoked_why = ?3 "
	    "WHERE person_id = ?1 AND revoked_at IS NULL AND client_id IN "
	    "(SELECT client_id FROM oidc_client_option WHERE backchannel_logout_uri IS NOT NULL)",
	T(SQL_OIDC_BCL_DUE) =
	    "SELECT id, next_attempt FROM logout_outbox WHERE status = 'pending' "
	    "AND next_attempt <= ?1 ORDER BY next_attempt, id LIMIT ?2",
	T(SQL_OIDC_BCL_GET) =
	    "SELECT b.client_id, b.grant_id, b.person_id, b.attempts, "
	    "o.backchannel_logout_uri FROM logout_outbox b "
	    "JOIN oidc_client_option o ON o.client_id = b.client_id WHERE b.id = ?1",
	/* A lease: the node that moves next_attempt first posts the notification. */
	T(SQL_OIDC_BCL_CLAIM) =
	    "UPDATE logout_outbox SET next_attempt = ?3 WHERE id = ?1 AND status = 'pending' "
	    "AND next_attempt = ?2",
	T(SQL_OIDC_BCL_SENT) =
	    "UPDATE logout_outbox SET status = 'sent', attempts = attempts + 1, "
	    "last_error = NULL, sent_at = ?2 WHERE id = ?1",
	T(SQL_OIDC_BCL_RETRY) =
	    "UPDATE logout_outbox SET attempts = attempts + 1, next_attempt = ?2, "
	    "last_error = ?3 WHERE id = ?1",
	/* Sent and failed notifications are kept a while (inspection), then dropped. */
	T(SQL_OIDC_BCL_PURGE) =
	    "DELETE FROM logout_outbox WHERE status <> 'pending' AND created_at <= ?1",
	T(SQL_OIDC_BCL_FAILED) =
	    "UPDATE logout_outbox SET status = 'failed', attempts = attempts + 1, "
	    "last_error = ?2 WHERE id = ?1",
#undef T
};

static const char *const tb_cols[SQL_OIDC_TB_END - SQL_OIDC_TB_FIRST] = {
	[SQL_OIDC_RS_GET - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_RS_GET_COLS),
	[SQL_OIDC_RS_BY_AUDIENCE - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_RS_GET_COLS),
	[SQL_OIDC_RS_LIST - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_RS_GET_COLS),
	[SQL_OIDC_CLIENT_OPTION_GET - SQL_OIDC_TB_FIRST] =
	    SQL_COLS(SQL_OIDC_CLIENT_OPTION_GET_COLS),
	[SQL_OIDC_PAR_GET - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_PAR_GET_COLS),
	[SQL_OIDC_BCL_DUE - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_BCL_DUE_COLS),
	[SQL_OIDC_BCL_GET - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_BCL_GET_COLS),
};

const struct sql_table sql_oidc_toolbox_sqlite = {
	SQL_OIDC_TB_FIRST, SQL_OIDC_TB_END - SQL_OIDC_TB_FIRST, tb_text, tb_cols,
};
