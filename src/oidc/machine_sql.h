/* machine_sql.h — statement ids of the token side of machines (SQL_RANGE_OIDC + 500): the
 * system certificates read by client_credentials, client JWKS, assertion ids, machine
 * access tokens. A range of its own so that it grows apart from oidc/sql.h. */
#ifndef PORTIER_OIDC_MACHINE_SQL_H
#define PORTIER_OIDC_MACHINE_SQL_H

#include "store/sql_table.h"

enum oidc_machine_sql {
	SQL_MACH_FIRST = SQL_RANGE_OIDC + 500,
	SQL_MACH_CERT_BY_ID = SQL_MACH_FIRST,
	SQL_MACH_CERT_BY_THUMB,
	SQL_MACH_CERT_APPS,
	SQL_MACH_JWKS_GET,
	SQL_MACH_JWKS_PUT,
	SQL_MACH_JWKS_DELETE,
	SQL_MACH_JTI_INSERT,
	SQL_MACH_JTI_PURGE,
	SQL_MACH_TOKEN_INSERT,
	SQL_MACH_TOKEN_GET,
	SQL_MACH_TOKEN_REVOKE,
	SQL_MACH_TOKEN_PURGE,
	SQL_MACH_END
};

#define SQL_MACH_CERT_COLS(X) \
	X(MACH_CERT_ID, id) X(MACH_CERT_PUBLIC_ID, public_id) X(MACH_CERT_STATUS, status) \
	X(MACH_CERT_NOT_BEFORE, not_before) X(MACH_CERT_NOT_AFTER, not_after) \
	X(MACH_CERT_QUALITY, quality) X(MACH_CERT_ENTERPRISE, enterprise) \
	X(MACH_CERT_THUMBPRINT, thumbprint)
SQL_COLUMNS(SQL_MACH_CERT_COLS);
#define SQL_MACH_CERT_APPS_COLS(X) X(MACH_CERT_APPS_APPLICATION, application)
SQL_COLUMNS(SQL_MACH_CERT_APPS_COLS);
#define SQL_MACH_JWKS_GET_COLS(X) X(MACH_JWKS_GET_JWKS, jwks)
SQL_COLUMNS(SQL_MACH_JWKS_GET_COLS);
#define SQL_MACH_TOKEN_GET_COLS(X) \
	X(MACH_TOKEN_SCOPE, scope) X(MACH_TOKEN_CNF_X5T, cnf_x5t) \
	X(MACH_TOKEN_CREATED_AT, created_at) X(MACH_TOKEN_EXPIRES_AT, expires_at) \
	X(MACH_TOKEN_REVOKED_AT, revoked_at) X(MACH_TOKEN_PUBLIC_ID, public_id) \
	X(MACH_TOKEN_STATUS, status) X(MACH_TOKEN_NOT_AFTER, not_after) \
	X(MACH_TOKEN_QUALITY, quality) X(MACH_TOKEN_ENTERPRISE, enterprise) \
	X(MACH_TOKEN_ORG_ID, org_id) X(MACH_TOKEN_QUALITY_ID, quality_id) \
	X(MACH_TOKEN_REGISTERED_BY, registered_by)
SQL_COLUMNS(SQL_MACH_TOKEN_GET_COLS);

extern const struct sql_table sql_oidc_machine_sqlite;

#endif
