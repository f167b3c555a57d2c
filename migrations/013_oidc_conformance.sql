-- 013_oidc_conformance.sql — the provider signs with RS256 beside ES256 (OpenID Connect
-- Core §15.1 makes RS256 mandatory): one active key per alg, and each client chooses the
-- alg of its ID tokens (id_token_signed_response_alg; ES256 for the clients registered
-- before). A pending authorization request is bound to the browser that started it: the
-- hash of a random value kept in that browser's cookie (NULL: never continued).
DROP INDEX oidc_key_one_active;
CREATE UNIQUE INDEX oidc_key_one_active ON oidc_key(alg) WHERE retired_at IS NULL;
ALTER TABLE oidc_client ADD COLUMN id_token_alg TEXT NOT NULL DEFAULT 'ES256'
	CHECK (id_token_alg IN ('ES256', 'RS256'));
ALTER TABLE oidc_request ADD COLUMN browser_hash BLOB
	CHECK (browser_hash IS NULL OR length(browser_hash) = 32);
