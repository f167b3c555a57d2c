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
	audience      TEXT CHECK (audience IS NULL OR length(audience) BETWEEN 1 AND 512),
	-- require_pushed_authorization_requests (RFC 9126 §6)
	require_par   INTEGER NOT NULL DEFAULT 0 CHECK (require_par IN (0, 1)),
	-- OpenID Connect Back-Channel Logout 1.0: where logout tokens are posted, and
	-- whether its ID tokens (and logout tokens) must carry sid
	backchannel_logout_uri TEXT CHECK (backchannel_logout_uri IS NULL OR
	    length(backchannel_logout_uri) BETWEEN 1 AND 512),
	backchannel_logout_session_required INTEGER NOT NULL DEFAULT 0
	    CHECK (backchannel_logout_session_required IN (0, 1))
);

-- Pushed authorization requests (RFC 9126): the parameters a client pushed, kept 60 s
-- under the hash of the random part of their request_uri, used once, by that client.
CREATE TABLE oidc_par (
	id_hash       BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
	client_id     TEXT NOT NULL REFERENCES oidc_client(id) ON DELETE CASCADE,
	params        TEXT NOT NULL,               -- application/x-www-form-urlencoded
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL
);
CREATE INDEX oidc_par_expiry ON oidc_par(expires_at);

-- response_mode=form_post: the answer goes back as an auto-submitted form.
ALTER TABLE oidc_request ADD COLUMN form_post INTEGER NOT NULL DEFAULT 0
	CHECK (form_post IN (0, 1));

-- Back-channel logout notifications waiting to be posted (a logout at portier, a
-- suspension or a removal of an account ends the grants of relying parties that
-- registered a back-channel logout URI). The logout token is signed at the first attempt
-- and sent unchanged at each retry; retries back off exponentially up to a bound.
CREATE TABLE logout_outbox (
	id            INTEGER PRIMARY KEY,
	client_id     TEXT NOT NULL REFERENCES oidc_client(id) ON DELETE CASCADE,
	grant_id      INTEGER NOT NULL,            -- its sid (the grant row may be gone)
	person_id     INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	reason        TEXT NOT NULL,               -- logout, suspended, removed
	logout_token  TEXT,                        -- NULL until the first attempt
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_attempt  INTEGER NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
	last_error    TEXT,
	created_at    INTEGER NOT NULL,
	sent_at       INTEGER
);
CREATE INDEX logout_outbox_due ON logout_outbox(status, next_attempt);
