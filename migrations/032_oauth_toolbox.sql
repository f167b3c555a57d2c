-- 032_oauth_toolbox.sql — the OAuth toolbox of the OpenID provider (issue 15 part 3):
-- resource servers that introspect access tokens (RFC 7662) and may receive them as JWT
-- (RFC 9068), and per-client options (the audience of its access tokens). Times come from
-- the service's clock.

-- A resource server (an API) authenticates to /oidc/introspect with its id and secret
-- (client_secret_basic); only the BLAKE2b-256 hash of the secret is kept. Access tokens
-- of clients registered with its audience are meant for it.
CREATE TABLE oidc_resource_server (
	id            TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
	secret_hash   BLOB NOT NULL CHECK (length(secret_hash) = 32),
	audience      TEXT NOT NULL UNIQUE CHECK (length(audience) BETWEEN 1 AND 512),
	jwt_access_tokens INTEGER NOT NULL CHECK (jwt_access_tokens IN (0, 1)),
	created_at    TEXT NOT NULL
);

-- Options of a client beyond its registration of migration 009 (one row, or none).
CREATE TABLE oidc_client_option (
	client_id     TEXT PRIMARY KEY REFERENCES oidc_client(id) ON DELETE CASCADE,
	audience      TEXT CHECK (audience IS NULL OR length(audience) BETWEEN 1 AND 512)
);

-- response_mode=form_post: the answer goes back as an auto-submitted form.
ALTER TABLE oidc_request ADD COLUMN form_post INTEGER NOT NULL DEFAULT 0
	CHECK (form_post IN (0, 1));
