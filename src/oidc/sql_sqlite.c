/* sql_sqlite.c — SQLite text of the OpenID Connect provider's statements. */
#include "oidc/sql.h"

#include <stddef.h>

static const char *const oidc_text[SQL_OIDC_END - SQL_OIDC_FIRST] = {
#define T(id) [(id) - SQL_OIDC_FIRST]
	T(SQL_OIDC_KEY_INSERT) =
	    "INSERT INTO oidc_key(kid, alg, private_der, public_jwk, created_at) "
	    "VALUES (?1, ?5, ?2, ?3, ?4)",
	T(SQL_OIDC_KEY_RETIRE) =
	    "UPDATE oidc_key SET retired_at = ?1, publish_until = ?2 WHERE retired_at IS NULL",
	T(SQL_OIDC_KEY_PUBLISHED) =
	    "SELECT kid, private_der, retired_at, alg FROM oidc_key "
	    "WHERE retired_at IS NULL OR publish_until > ?1 "
	    "ORDER BY retired_at IS NOT NULL, created_at DESC",
	T(SQL_OIDC_KEY_PURGE) =
	    "DELETE FROM oidc_key WHERE retired_at IS NOT NULL AND publish_until <= ?1",
	T(SQL_OIDC_KEY_ALL) =
	    "SELECT kid, alg, created_at, retired_at, publish_until FROM oidc_key "
	    "ORDER BY created_at DESC",
	/* Keys at rest (base/envelope.h): every private key, to wrap or rewrap it. */
	T(SQL_OIDC_KEY_SECRETS) =
	    "SELECT kid, private_der FROM oidc_key ORDER BY kid",
	T(SQL_OIDC_KEY_SET_SECRET) =
	    "UPDATE oidc_key SET private_der = ?2 WHERE kid = ?1",


	T(SQL_OIDC_CLIENT_INSERT) =
	    "INSERT INTO oidc_client(id, secret_hash, application, min_level, scopes, "
	    "allow_national_number, sector, id_token_alg, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	T(SQL_OIDC_CLIENT_URI_INSERT) =
	    "INSERT INTO oidc_client_uri(client_id, kind, uri) VALUES (?1, ?2, ?3)",
	T(SQL_OIDC_CLIENT_GET) =
	    "SELECT id, secret_hash, application, min_level, scopes, allow_national_number, "
	    "sector, created_at, id_token_alg FROM oidc_client WHERE id = ?1",
	T(SQL_OIDC_CLIENT_URIS) =
	    "SELECT kind, uri FROM oidc_client_uri WHERE client_id = ?1 ORDER BY kind, uri",
	T(SQL_OIDC_CLIENT_DELETE) =
	    "DELETE FROM oidc_client WHERE id = ?1",
	T(SQL_OIDC_CLIENT_SET_SECRET) =
	    "UPDATE oidc_client SET secret_hash = ?2 WHERE id = ?1 AND secret_hash IS NOT NULL",
	/* The origin of a redirect URI of a public client: the URI itself or what precedes its
	 * path or query (CORS preflights). */
	T(SQL_OIDC_CLIENT_PUBLIC_ORIGIN) =
	    "SELECT 1 AS found FROM oidc_client c JOIN oidc_client_uri u ON u.client_id = c.id "
	    "WHERE c.secret_hash IS NULL AND u.kind = 'redirect' AND (u.uri = ?1 OR "
	    "substr(u.uri, 1, length(?1) + 1) IN (?1 || '/', ?1 || '?')) LIMIT 1",
	T(SQL_OIDC_CLIENT_LIST) =
	    "SELECT id FROM oidc_client ORDER BY id",

	T(SQL_OIDC_REQ_INSERT) =
	    "INSERT INTO oidc_request(id_hash, client_id, redirect_uri, scope, state, nonce, "
	    "code_challenge, prompt_login, max_age, level, created_at, expires_at, browser_hash, "
	    "form_post) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	T(SQL_OIDC_REQ_GET) =
	    "SELECT client_id, redirect_uri, scope, state, nonce, code_challenge, prompt_login, "
	    "max_age, level, created_at, stale_session, browser_hash, form_post FROM oidc_request "
	    "WHERE id_hash = ?1 AND expires_at > ?2",
	T(SQL_OIDC_REQ_DELETE) =
	    "DELETE FROM oidc_request WHERE id_hash = ?1",
	T(SQL_OIDC_REQ_MARK) =
	    "UPDATE oidc_request SET stale_session = ?2 WHERE id_hash = ?1",
	T(SQL_OIDC_REQ_PURGE) =
	    "DELETE FROM oidc_request WHERE expires_at <= ?1",

	T(SQL_OIDC_GRANT_INSERT) =
	    "INSERT INTO oidc_grant(client_id, person_id, account_id, org_quality_id, scope, "
	    "nonce, auth_time, acr_level, amr, created_at, expires_at, code_hash, "
	    "code_expires_at, redirect_uri, code_challenge, mandate_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
	    "RETURNING id",
	/* The columns grant_read() in grants.c expects, in this order. */
	T(SQL_OIDC_GRANT_GET) =
	    "SELECT id, client_id, person_id, account_id, org_quality_id, scope, nonce, "
	    "auth_time, acr_level, amr, expires_at, revoked_at, created_at, code_hash, "
	    "code_expires_at, code_used_at, redirect_uri, code_challenge, access_hash, "
	    "access_expires_at, mandate_id FROM oidc_grant WHERE id = ?1",
	T(SQL_OIDC_GRANT_CODE_USE) =
	    "UPDATE oidc_grant SET code_used_at = ?2, access_hash = ?3, access_expires_at = ?4 "
	    "WHERE id = ?1 AND code_used_at IS NULL",
	T(SQL_OIDC_GRANT_ACCESS_SET) =
	    "UPDATE oidc_grant SET access_hash = ?2, access_expires_at = ?3 WHERE id = ?1",
	T(SQL_OIDC_GRANT_REVOKE) =
	    "UPDATE oidc_grant SET revoked_at = ?2, revoked_why = ?3 "
	    "WHERE id = ?1 AND revoked_at IS NULL",
	T(SQL_OIDC_GRANT_REVOKE_CLIENT_PERSON) =
	    "UPDATE oidc_grant SET revoked_at = ?3, revoked_why = ?4 "
	    "WHERE client_id = ?1 AND person_id = ?2 AND revoked_at IS NULL",
	T(SQL_OIDC_GRANT_PURGE) =
	    "DELETE FROM oidc_grant WHERE expires_at <= ?1",
	T(SQL_OIDC_REFRESH_INSERT) =
	    "INSERT INTO oidc_refresh(grant_id, gen, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
	T(SQL_OIDC_REFRESH_GET) =
	    "SELECT hash, used_at FROM oidc_refresh WHERE grant_id = ?1 AND gen = ?2",
	T(SQL_OIDC_REFRESH_USE) =
	    "UPDATE oidc_refresh SET used_at = ?3 WHERE grant_id = ?1 AND gen = ?2 "
	    "AND used_at IS NULL",
#undef T
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const oidc_cols[SQL_OIDC_END - SQL_OIDC_FIRST] = {
	[SQL_OIDC_KEY_PUBLISHED - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_KEY_PUBLISHED_COLS),
	[SQL_OIDC_KEY_ALL - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_KEY_ALL_COLS),
	[SQL_OIDC_KEY_SECRETS - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_KEY_SECRETS_COLS),
	[SQL_OIDC_CLIENT_GET - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_CLIENT_GET_COLS),
	[SQL_OIDC_CLIENT_URIS - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_CLIENT_URIS_COLS),
	[SQL_OIDC_CLIENT_LIST - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_CLIENT_LIST_COLS),
	[SQL_OIDC_CLIENT_PUBLIC_ORIGIN - SQL_OIDC_FIRST] =
	    SQL_COLS(SQL_OIDC_CLIENT_PUBLIC_ORIGIN_COLS),
	[SQL_OIDC_REQ_GET - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_REQ_GET_COLS),
	[SQL_OIDC_GRANT_INSERT - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_GRANT_INSERT_COLS),
	[SQL_OIDC_GRANT_GET - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_GRANT_GET_COLS),
	[SQL_OIDC_REFRESH_GET - SQL_OIDC_FIRST] = SQL_COLS(SQL_OIDC_REFRESH_GET_COLS),
};

const struct sql_table sql_oidc_sqlite = {
	SQL_OIDC_FIRST, SQL_OIDC_END - SQL_OIDC_FIRST, oidc_text, oidc_cols,
};
