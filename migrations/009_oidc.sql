-- 009_oidc.sql — the OpenID Connect provider: signing keys, registered clients, pending
-- authorization requests, grants (one per authorization, with its code and access token,
-- the family of its tokens) and refresh tokens. Codes and tokens are stored as hashes only.

-- Signing keys. One active key (retired_at NULL); a retired key stays published in the
-- JWKS until publish_until, when every token it signed has expired.
CREATE TABLE oidc_key (
	kid           TEXT PRIMARY KEY,            -- RFC 7638 thumbprint (base64url)
	alg           TEXT NOT NULL DEFAULT 'ES256',
	private_der   BLOB NOT NULL,               -- the private key (DER)
	public_jwk    TEXT NOT NULL,               -- the public JWK as published
	created_at    INTEGER NOT NULL,            -- unix seconds
	retired_at    INTEGER,                     -- NULL while signing
	publish_until INTEGER                      -- unix seconds; set when retired
);
CREATE UNIQUE INDEX oidc_key_one_active ON oidc_key((1)) WHERE retired_at IS NULL;

-- Relying parties registered with `portier client add`.
CREATE TABLE oidc_client (
	id            TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
	secret_hash   BLOB CHECK (secret_hash IS NULL OR length(secret_hash) = 32),  -- NULL: public
	application   TEXT NOT NULL REFERENCES application(code),
	min_level     INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 3),
	scopes        TEXT NOT NULL,               -- allowed scopes, space-separated
	allow_national_number INTEGER NOT NULL DEFAULT 0 CHECK (allow_national_number IN (0, 1)),
	sector        TEXT NOT NULL,               -- pairwise sector: clients sharing it share subs
	created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
) WITHOUT ROWID;

-- Redirect URIs and post-logout redirect URIs, matched exactly.
CREATE TABLE oidc_client_uri (
	client_id     TEXT NOT NULL REFERENCES oidc_client(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('redirect', 'post_logout')),
	uri           TEXT NOT NULL CHECK (length(uri) BETWEEN 1 AND 512),
	PRIMARY KEY (client_id, kind, uri)
) WITHOUT ROWID;

-- An authorization request waiting for login, step-up or the profile choice.
CREATE TABLE oidc_request (
	id_hash       BLOB PRIMARY KEY,            -- BLAKE2b-256 of the id in the URL
	client_id     TEXT NOT NULL REFERENCES oidc_client(id) ON DELETE CASCADE,
	redirect_uri  TEXT NOT NULL,
	scope         TEXT NOT NULL,               -- granted scopes (requested ∩ allowed)
	state         TEXT,
	nonce         TEXT,
	code_challenge TEXT,                       -- S256 challenge or NULL
	prompt_login  INTEGER NOT NULL DEFAULT 0,  -- prompt=login: a fresh login is demanded
	max_age       INTEGER NOT NULL DEFAULT -1, -- seconds, -1 when not given
	level         INTEGER NOT NULL,            -- level of assurance demanded (client and acr)
	stale_session BLOB,                        -- session sent to log in again (prompt=login,
	                                           -- max_age): a fresh login rotates it
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX oidc_request_expiry ON oidc_request(expires_at);

-- One authorization: who, for which client, acting for which organisation, how
-- authenticated; with its code and its live access token. The grant is the family of its
-- tokens: revoking it revokes them all. Codes and tokens are "<grant id>.<256 random bits>"
-- ("<grant id>.<generation>.<…>" for refresh tokens); only the BLAKE2b-256 hash of the
-- random part is stored. Keeping them in the grant row (and refresh tokens clustered by
-- grant) keeps a token request to a few pages written.
CREATE TABLE oidc_grant (
	id            INTEGER PRIMARY KEY,
	client_id     TEXT NOT NULL REFERENCES oidc_client(id) ON DELETE CASCADE,
	person_id     INTEGER NOT NULL REFERENCES person(id),
	account_id    INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
	org_quality_id INTEGER NOT NULL REFERENCES org_quality(id) ON DELETE CASCADE,
	scope         TEXT NOT NULL,
	nonce         TEXT,
	auth_time     INTEGER NOT NULL,
	acr_level     INTEGER NOT NULL,
	amr           TEXT NOT NULL,               -- login method: eid, password, totp, token
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL,            -- end of the family (refresh tokens)
	revoked_at    INTEGER,
	revoked_why   TEXT,
	-- the authorization code: single use; kept used so that a second use is recognised
	-- and revokes what the first one issued
	code_hash     BLOB NOT NULL,
	code_expires_at INTEGER NOT NULL,
	code_used_at  INTEGER,
	redirect_uri  TEXT NOT NULL,
	code_challenge TEXT,                       -- S256 challenge or NULL
	-- the live access token: the newest one (an older one stops at the next refresh)
	access_hash   BLOB,
	access_expires_at INTEGER
);
CREATE INDEX oidc_grant_client_person ON oidc_grant(client_id, person_id);
CREATE INDEX oidc_grant_expiry ON oidc_grant(expires_at);
CREATE INDEX oidc_grant_account ON oidc_grant(account_id);

-- Refresh tokens, one generation after the other: each is used once (rotation); a used
-- one shown again revokes its grant.
CREATE TABLE oidc_refresh (
	grant_id      INTEGER NOT NULL REFERENCES oidc_grant(id) ON DELETE CASCADE,
	gen           INTEGER NOT NULL,
	hash          BLOB NOT NULL,
	created_at    INTEGER NOT NULL,
	used_at       INTEGER,
	PRIMARY KEY (grant_id, gen)
) WITHOUT ROWID;
