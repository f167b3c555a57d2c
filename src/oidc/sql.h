/* sql.h — statement ids of the OpenID Connect provider (SQL_RANGE_OIDC …): keys, clients,
 * pending requests, grants, codes, tokens. Profiles are read through access/profiles.h,
 * people through auth/person.h. */
#ifndef PORTIER_OIDC_SQL_H
#define PORTIER_OIDC_SQL_H

#include "store/sql_table.h"

enum oidc_sql {
	SQL_OIDC_FIRST = SQL_RANGE_OIDC,
	/* signing keys */
	SQL_OIDC_KEY_INSERT = SQL_OIDC_FIRST,
	SQL_OIDC_KEY_RETIRE,
	SQL_OIDC_KEY_PUBLISHED,
	SQL_OIDC_KEY_PURGE,
	SQL_OIDC_KEY_ALL,
	/* clients */
	SQL_OIDC_CLIENT_INSERT,
	SQL_OIDC_CLIENT_URI_INSERT,
	SQL_OIDC_CLIENT_GET,
	SQL_OIDC_CLIENT_URIS,
	SQL_OIDC_CLIENT_DELETE,
	SQL_OIDC_CLIENT_SET_SECRET,
	SQL_OIDC_CLIENT_LIST,
	SQL_OIDC_CLIENT_PUBLIC_ORIGIN,
	/* pending authorization requests */
	SQL_OIDC_REQ_INSERT,
	SQL_OIDC_REQ_GET,
	SQL_OIDC_REQ_DELETE,
	SQL_OIDC_REQ_MARK,
	SQL_OIDC_REQ_PURGE,
	/* grants (with their code and access token) and refresh tokens */
	SQL_OIDC_GRANT_INSERT,
	SQL_OIDC_GRANT_GET,
	SQL_OIDC_GRANT_CODE_USE,
	SQL_OIDC_GRANT_ACCESS_SET,
	SQL_OIDC_GRANT_REVOKE,
	SQL_OIDC_GRANT_REVOKE_CLIENT_PERSON,
	SQL_OIDC_GRANT_PURGE,
	SQL_OIDC_REFRESH_INSERT,
	SQL_OIDC_REFRESH_GET,
	SQL_OIDC_REFRESH_USE,
	SQL_OIDC_END
};

extern const struct sql_table sql_oidc_sqlite;

#endif
