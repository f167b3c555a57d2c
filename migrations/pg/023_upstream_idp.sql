-- 023_upstream_idp.sql (PostgreSQL, as migrations/023_upstream_idp.sql) — upstream identity providers (issue 17, brokering): OpenID
-- providers (itsme, MyGov.be …) offered as login doors, and the logins under way through
-- them. Times come from the service's clock.

-- A provider portier is a relying party of. The client secret or the private key (DER)
-- is sealed under the key-encryption key when one is configured (base/envelope.h,
-- associated data "upstream_idp.secret:<id>").
CREATE TABLE upstream_idp (
	id           text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32),   -- in /login/idp/<id>
	name         text NOT NULL,                 -- the door's title
	issuer       text NOT NULL,
	client_id    text NOT NULL,
	auth_method  text NOT NULL CHECK (auth_method IN ('client_secret_basic', 'private_key_jwt')),
	secret       bytea NOT NULL,                 -- client secret or PKCS#8 key, sealed
	scope        text NOT NULL,
	level_max    bigint NOT NULL CHECK (level_max BETWEEN 1 AND 3),   -- the ceiling
	nn_claim     text NOT NULL,                 -- the claim carrying the national number
	logo         text,                          -- https:// or /static/ address, or NULL
	created_at   text NOT NULL
);

-- A login sent to a provider and not back yet: single use (taken by its state, then
-- deleted), short-lived (expires_at). state_hash: SHA-256 of the state in the address.
CREATE TABLE upstream_login (
	state_hash   bytea PRIMARY KEY,
	idp          text NOT NULL REFERENCES upstream_idp(id) ON DELETE CASCADE,
	nonce        text NOT NULL,
	verifier     text NOT NULL,                 -- PKCE code_verifier
	next         text NOT NULL,                 -- the local page the login continues
	level        bigint NOT NULL,              -- the level the page asked
	expires_at   bigint NOT NULL
);
CREATE INDEX upstream_login_expiry ON upstream_login(expires_at);
