/* toolbox_sql.h — statement ids of the provider's OAuth toolbox (resource servers, client
 * options): a sub-range of SQL_RANGE_OIDC of its own, so that it never collides with the
 * ids of oidc/sql.h (SQL_RANGE_OIDC + 600 … 699; machines' token side has 500 …). */
#ifndef PORTIER_OIDC_TOOLBOX_SQL_H
#define PORTIER_OIDC_TOOLBOX_SQL_H

#include "store/sql_table.h"

enum oidc_toolbox_sql {
	SQL_OIDC_TB_FIRST = SQL_RANGE_OIDC + 600,
	SQL_OIDC_RS_INSERT = SQL_OIDC_TB_FIRST,
	SQL_OIDC_RS_GET,
	SQL_OIDC_RS_BY_AUDIENCE,
	SQL_OIDC_RS_LIST,
	SQL_OIDC_RS_DELETE,
	SQL_OIDC_CLIENT_OPTION_INSERT,
	SQL_OIDC_CLIENT_OPTION_GET,
	SQL_OIDC_PAR_INSERT,
	SQL_OIDC_PAR_GET,
	SQL_OIDC_PAR_DELETE,
	SQL_OIDC_PAR_PURGE,
	SQL_OIDC_BCL_ENQUEUE_ACCOUNT,
	SQL_OIDC_BCL_ENQUEUE_PERSON,
	SQL_OIDC_BCL_REVOKE_ACCOUNT,
	SQL_OIDC_BCL_REVOKE_PERSON,
	SQL_OIDC_BCL_DUE,
	SQL_OIDC_BCL_GET,
	SQL_OIDC_BCL_CLAIM,
	SQL_OIDC_BCL_SENT,
	SQL_OIDC_BCL_RETRY,
	SQL_OIDC_BCL_FAILED,
	SQL_OIDC_BCL_PURGE,
	SQL_OIDC_TB_END
};

#define SQL_OIDC_RS_GET_COLS(X) \
	X(OIDC_RS_GET_ID, id) X(OIDC_RS_GET_SECRET_HASH, secret_hash) \
	X(OIDC_RS_GET_AUDIENCE, audience) X(OIDC_RS_GET_JWT, jwt_access_tokens) \
	X(OIDC_RS_GET_CREATED_AT, created_at)
SQL_COLUMNS(SQL_OIDC_RS_GET_COLS);
#define SQL_OIDC_CLIENT_OPTION_GET_COLS(X) X(OIDC_CLIENT_OPTION_GET_AUDIENCE, audience) \
	X(OIDC_CLIENT_OPTION_GET_REQUIRE_PAR, require_par) \
	X(OIDC_CLIENT_OPTION_GET_BCL_URI, backchannel_logout_uri) \
	X(OIDC_CLIENT_OPTION_GET_BCL_SESSION, backchannel_logout_session_required)
SQL_COLUMNS(SQL_OIDC_CLIENT_OPTION_GET_COLS);

#define SQL_OIDC_PAR_GET_COLS(X) \
	X(OIDC_PAR_GET_CLIENT_ID, client_id) X(OIDC_PAR_GET_PARAMS, params)
SQL_COLUMNS(SQL_OIDC_PAR_GET_COLS);

#define SQL_OIDC_BCL_DUE_COLS(X) \
	X(OIDC_BCL_DUE_ID, id) X(OIDC_BCL_DUE_NEXT_ATTEMPT, next_attempt)
SQL_COLUMNS(SQL_OIDC_BCL_DUE_COLS);
#define SQL_OIDC_BCL_GET_COLS(X) \
	X(OIDC_BCL_GET_CLIENT_ID, client_id) X(OIDC_BCL_GET_GRANT_ID, grant_id) \
	X(OIDC_BCL_GET_PERSON_ID, person_id) \
	X(OIDC_BCL_GET_ATTEMPTS, attempts) X(OIDC_BCL_GET_URI, backchannel_logout_uri)
SQL_COLUMNS(SQL_OIDC_BCL_GET_COLS);

/* The same text serves both backends (portable SQL). */
extern const struct sql_table sql_oidc_toolbox_sqlite;

#endif
