/* toolbox_sql.h — statement ids of the provider's OAuth toolbox (resource servers, client
 * options): a sub-range of SQL_RANGE_OIDC of its own, so that it never collides with the
 * ids of oidc/sql.h. */
#ifndef PORTIER_OIDC_TOOLBOX_SQL_H
#define PORTIER_OIDC_TOOLBOX_SQL_H

#include "store/sql_table.h"

enum oidc_toolbox_sql {
	SQL_OIDC_TB_FIRST = SQL_RANGE_OIDC + 500,
	SQL_OIDC_RS_INSERT = SQL_OIDC_TB_FIRST,
	SQL_OIDC_RS_GET,
	SQL_OIDC_RS_BY_AUDIENCE,
	SQL_OIDC_RS_LIST,
	SQL_OIDC_RS_DELETE,
	SQL_OIDC_CLIENT_OPTION_INSERT,
	SQL_OIDC_CLIENT_OPTION_GET,
	SQL_OIDC_TB_END
};

#define SQL_OIDC_RS_GET_COLS(X) \
	X(OIDC_RS_GET_ID, id) X(OIDC_RS_GET_SECRET_HASH, secret_hash) \
	X(OIDC_RS_GET_AUDIENCE, audience) X(OIDC_RS_GET_JWT, jwt_access_tokens) \
	X(OIDC_RS_GET_CREATED_AT, created_at)
SQL_COLUMNS(SQL_OIDC_RS_GET_COLS);
#define SQL_OIDC_CLIENT_OPTION_GET_COLS(X) X(OIDC_CLIENT_OPTION_GET_AUDIENCE, audience)
SQL_COLUMNS(SQL_OIDC_CLIENT_OPTION_GET_COLS);

/* The same text serves both backends (portable SQL). */
extern const struct sql_table sql_oidc_toolbox_sqlite;

#endif
