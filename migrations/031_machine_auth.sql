-- 031_machine_auth.sql — the token side of machines (issue 15): keys of clients that
-- authenticate with private_key_jwt (RFC 7523), the assertion ids already used, and the
-- access tokens issued to system certificates by the client_credentials grant. Times are
-- seconds since the epoch from the service's clock, as in oidc_grant.

-- The JWKS of a client that signs its assertions: a relying party (oidc_client.id) or a
-- machine (system_cert.public_id). One text of public keys; no private part is accepted.
CREATE TABLE oidc_client_jwks (
	client_id  TEXT PRIMARY KEY,
	jwks       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

-- Assertion ids seen (RFC 7523 §3 item 7): kept until the assertion expires, so a replay
-- within its life is refused; the hash of the jti, never the value.
CREATE TABLE oidc_assertion_jti (
	client_id  TEXT NOT NULL,
	jti_hash   BLOB NOT NULL,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (client_id, jti_hash)
);
CREATE INDEX oidc_assertion_jti_expiry ON oidc_assertion_jti(expires_at);

-- Access tokens of machines (client_credentials): stored as a hash; bound to the
-- certificate (cnf x5t#S256) when it came over mutual TLS.
CREATE TABLE oidc_machine_token (
	token_hash BLOB PRIMARY KEY,
	cert_id    INTEGER NOT NULL REFERENCES system_cert(id) ON DELETE CASCADE,
	scope      TEXT NOT NULL,
	cnf_x5t    TEXT,
	auth_method TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE INDEX oidc_machine_token_expiry ON oidc_machine_token(expires_at);
CREATE INDEX oidc_machine_token_cert ON oidc_machine_token(cert_id);
