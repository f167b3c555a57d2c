/* machine_sql_sqlite.c — text of the token side of machines' statements: portable SQL,
 * the same on SQLite and PostgreSQL (upserts with ON CONFLICT, which both know). */
#include "oidc/machine_sql.h"

#include <stddef.h>

#define CERT_SELECT \
	"SELECT c.id, c.public_id, c.status, c.not_before, c.not_after, c.quality, " \
	"o.enterprise, c.thumbprint FROM system_cert c JOIN organisation o ON o.id = c.org_id "

static const char *const mach_text[SQL_MACH_END - SQL_MACH_FIRST] = {
#define T(id) [(id) - SQL_MACH_FIRST]
	T(SQL_MACH_CERT_BY_ID) = CERT_SELECT "WHERE c.public_id = ?1",
	T(SQL_MACH_CERT_BY_THUMB) = CERT_SELECT "WHERE c.thumbprint = ?1",
	T(SQL_MACH_CERT_APPS) =
	    "SELECT application FROM system_cert_app WHERE cert_id = ?1 ORDER BY application",
	T(SQL_MACH_JWKS_GET) =
	    "SELECT jwks FROM oidc_client_jwks WHERE client_id = ?1",
	T(SQL_MACH_JWKS_PUT) =
	    "INSERT INTO oidc_client_jwks(client_id, jwks, created_at) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(client_id) DO UPDATE SET jwks = excluded.jwks, "
	    "created_at = excluded.created_at",
	T(SQL_MACH_JWKS_DELETE) =
	    "DELETE FROM oidc_client_jwks WHERE client_id = ?1",
	/* A jti already kept inserts no row (a replay): no constraint error, so no savepoint
	 * around it (two round trips fewer per assertion on PostgreSQL). */
	T(SQL_MACH_JTI_INSERT) =
	    "INSERT INTO oidc_assertion_jti(client_id, jti_hash, expires_at) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(client_id, jti_hash) DO NOTHING",
	T(SQL_MACH_JTI_PURGE) =
	    "DELETE FROM oidc_assertion_jti WHERE expires_at <= ?1",
	/* Only while the certificate is usable at ?8 (its time as text) and, for an
	 * assertion, while ?9 (the JWKS it was verified with) is still the client's, both read
	 * in the token's own transaction: a certificate revoked, replaced or expired, or keys
	 * replaced, since the request read them (or since a node kept them, client_auth.c)
	 * issue nothing (no row). ?9 '' or NULL: no assertion. */
	T(SQL_MACH_TOKEN_INSERT) =
	    "INSERT INTO oidc_machine_token(token_hash, cert_id, scope, cnf_x5t, auth_method, "
	    "created_at, expires_at) SELECT ?1, c.id, ?3, ?4, ?5, ?6, ?7 FROM system_cert c "
	    "WHERE c.id = ?2 AND c.status = 'active' AND c.not_before <= ?8 "
	    "AND c.not_after > ?8 AND (COALESCE(?9, '') = '' OR EXISTS (SELECT 1 FROM "
	    "oidc_client_jwks j WHERE j.client_id = c.public_id AND j.jwks = ?9))",
	T(SQL_MACH_TOKEN_GET) =
	    "SELECT t.scope, t.cnf_x5t, t.created_at, t.expires_at, t.revoked_at, c.public_id, "
	    "c.status, c.not_after, c.quality, o.enterprise, c.org_id, "
	    "oq.id AS quality_id, c.registered_by FROM oidc_machine_token t "
	    "JOIN system_cert c ON c.id = t.cert_id JOIN organisation o ON o.id = c.org_id "
	    "LEFT JOIN org_quality oq ON oq.org_id = c.org_id AND oq.quality = c.quality "
	    "WHERE t.token_hash = ?1",
	T(SQL_MACH_TOKEN_REVOKE) =
	    "UPDATE oidc_machine_token SET revoked_at = ?2 WHERE token_hash = ?1 "
	    "AND revoked_at IS NULL",
	T(SQL_MACH_TOKEN_PURGE) =
	    "DELETE FROM oidc_machine_token WHERE expires_at <= ?1",
#undef T
};

static const char *const mach_cols[SQL_MACH_END - SQL_MACH_FIRST] = {
	[SQL_MACH_CERT_BY_ID - SQL_MACH_FIRST] = SQL_COLS(SQL_MACH_CERT_COLS),
	[SQL_MACH_CERT_BY_THUMB - SQL_MACH_FIRST] = SQL_COLS(SQL_MACH_CERT_COLS),
	[SQL_MACH_CERT_APPS - SQL_MACH_FIRST] = SQL_COLS(SQL_MACH_CERT_APPS_COLS),
	[SQL_MACH_JWKS_GET - SQL_MACH_FIRST] = SQL_COLS(SQL_MACH_JWKS_GET_COLS),
	[SQL_MACH_TOKEN_GET - SQL_MACH_FIRST] = SQL_COLS(SQL_MACH_TOKEN_GET_COLS),
};

const struct sql_table sql_oidc_machine_sqlite = {
	SQL_MACH_FIRST, SQL_MACH_END - SQL_MACH_FIRST, mach_text, mach_cols,
};
