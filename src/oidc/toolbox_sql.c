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
	    "INSERT INTO oidc_client_option(client_id, audience) VALUES (?1, ?2)",
	T(SQL_OIDC_CLIENT_OPTION_GET) =
	    "SELECT audience FROM oidc_client_option WHERE client_id = ?1",
#undef T
};

static const char *const tb_cols[SQL_OIDC_TB_END - SQL_OIDC_TB_FIRST] = {
	[SQL_OIDC_RS_GET - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_RS_GET_COLS),
	[SQL_OIDC_RS_BY_AUDIENCE - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_RS_GET_COLS),
	[SQL_OIDC_RS_LIST - SQL_OIDC_TB_FIRST] = SQL_COLS(SQL_OIDC_RS_GET_COLS),
	[SQL_OIDC_CLIENT_OPTION_GET - SQL_OIDC_TB_FIRST] =
	    SQL_COLS(SQL_OIDC_CLIENT_OPTION_GET_COLS),
};

const struct sql_table sql_oidc_toolbox_sqlite = {
	SQL_OIDC_TB_FIRST, SQL_OIDC_TB_END - SQL_OIDC_TB_FIRST, tb_text, tb_cols,
};
