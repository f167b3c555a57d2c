-- 032_oauth_toolbox.sql (PostgreSQL, as migrations/032_oauth_toolbox.sql) — the OAuth
-- toolbox of the OpenID provider (issue 15 part 3): resource servers that introspect
-- access tokens (RFC 7662) and may receive them as JWT (RFC 9068), and per-client options
-- (the audience of its access tokens). Times come from the service's clock.

CREATE TABLE oidc_resource_server (
	id            text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
	secret_hash   bytea NOT NULL CHECK (length(secret_hash) = 32),
	audience      text NOT NULL UNIQUE CHECK (length(audience) BETWEEN 1 AND 512),
	jwt_access_tokens bigint NOT NULL CHECK (jwt_access_tokens IN (0, 1)),
	created_at    text NOT NULL
);

CREATE TABLE oidc_client_option (
	client_id     text PRIMARY KEY REFERENCES oidc_client(id) ON DELETE CASCADE,
	audience      text CHECK (audience IS NULL OR length(audience) BETWEEN 1 AND 512)
);

ALTER TABLE oidc_request ADD COLUMN form_post bigint NOT NULL DEFAULT 0
	CHECK (form_post IN (0, 1));
