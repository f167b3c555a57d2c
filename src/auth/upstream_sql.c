/* upstream_sql.c — the text of the upstream providers' statements (auth/upstream_sql.h),
 * portable to both backends; auth owns upstream_idp and upstream_login (migration 023). */
#include "auth/upstream_sql.h"

#include <stddef.h>

#define U(id) [(id) - SQL_UPSTREAM_FIRST]

static const char *const upstream_text[SQL_UPSTREAM_END - SQL_UPSTREAM_FIRST] = {
	U(SQL_UPSTREAM_IDP_ADD) =
	    "INSERT INTO upstream_idp(id, name, issuer, client_id, auth_method, secret, scope, "
	    "level_max, nn_claim, logo, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	U(SQL_UPSTREAM_IDP_LIST) =
	    "SELECT id, name, issuer, client_id, auth_method, scope, level_max, nn_claim, logo, "
	    "created_at FROM upstream_idp ORDER BY name, id",
	U(SQL_UPSTREAM_IDP_GET) =
	    "SELECT id, name, issuer, client_id, auth_method, scope, level_max, nn_claim, logo, "
	    "secret FROM upstream_idp WHERE id = ?1",
	U(SQL_UPSTREAM_IDP_REMOVE) = "DELETE FROM upstream_idp WHERE id = ?1",
	U(SQL_UPSTREAM_IDP_SECRETS) = "SELECT id, secret FROM upstream_idp ORDER BY id",
	U(SQL_UPSTREAM_IDP_SET_SECRET) = "UPDATE upstream_idp SET secret = ?2 WHERE id = ?1",
	U(SQL_UPSTREAM_LOGIN_ADD) =
	    "INSERT INTO upstream_login(state_hash, idp, nonce, verifier, next, level, "
	    "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	U(SQL_UPSTREAM_LOGIN_GET) =
	    "SELECT idp, nonce, verifier, next, level, expires_at FROM upstream_login "
	    "WHERE state_hash = ?1",
	U(SQL_UPSTREAM_LOGIN_TAKE) = "DELETE FROM upstream_login WHERE state_hash = ?1",
	U(SQL_UPSTREAM_LOGIN_PURGE) = "DELETE FROM upstream_login WHERE expires_at <= ?1",
};

static const char *const upstream_cols[SQL_UPSTREAM_END - SQL_UPSTREAM_FIRST] = {
	U(SQL_UPSTREAM_IDP_LIST) = SQL_COLS(SQL_UPSTREAM_IDP_LIST_COLS),
	U(SQL_UPSTREAM_IDP_GET) = SQL_COLS(SQL_UPSTREAM_IDP_GET_COLS),
	U(SQL_UPSTREAM_IDP_SECRETS) = SQL_COLS(SQL_UPSTREAM_IDP_SECRETS_COLS),
	U(SQL_UPSTREAM_LOGIN_GET) = SQL_COLS(SQL_UPSTREAM_LOGIN_GET_COLS),
};

const struct sql_table sql_upstream_sqlite = {
	SQL_UPSTREAM_FIRST, SQL_UPSTREAM_END - SQL_UPSTREAM_FIRST, upstream_text, upstream_cols,
};
