-- 023_upstream_idp.sql — upstream identity providers (issue 17, brokering): OpenID
-- providers (itsme, MyGov.be …) offered as login doors, and the logins under way through
-- them. Times come from the service's clock.

-- A provider portier is a relying party of. The client secret or the private key (DER)
-- is sealed under the key-encryption key when one is configured (base/envelope.h,
-- associated data "upstream_idp.secret:<id>").
CREATE TABLE upstream_idp (
	id           TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32),   -- in /login/idp/<id>
	name         TEXT NOT NULL,                 -- the door's title
	issuer       TEXT NOT NULL,
	client_id    TEXT NOT NULL,
	auth_method  TEXT NOT NULL CHECK (auth_method IN ('client_secret_basic', 'private_key_jwt')),
	secret       BLOB NOT NULL,                 -- client secret or PKCS#8 key, sealed
	scope        TEXT NOT NULL,
	level_max    INTEGER NOT NULL CHECK (level_max BETWEEN 1 AND 3),   -- the ceiling
	nn_claim     TEXT NOT NULL,                 -- the claim carrying the national number
	logo         TEXT,                          -- https:// or /static/ address, or NULL
	created_at   TEXT NOT NULL
);

-- A login sent to a provider and not back yet: single use (taken by its state, then
-- deleted), short-lived (expires_at). state_hash: SHA-256 of the state in the address.
CREATE TABLE upstream_login (
	state_hash   BLOB PRIMARY KEY,
	idp          TEXT NOT NULL REFERENCES upstream_idp(id) ON DELETE CASCADE,
	nonce        TEXT NOT NULL,
	verifier     TEXT NOT NULL,                 -- PKCE code_verifier
	next         TEXT NOT NULL,                 -- the local page the login continues
	level        INTEGER NOT NULL,              -- the level the page asked
	expires_at   INTEGER NOT NULL
);
CREATE INDEX upstream_login_expiry ON upstream_login(expires_at);
