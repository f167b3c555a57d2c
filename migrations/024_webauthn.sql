-- 024_webauthn.sql — passkeys (WebAuthn, issue 17 part 2): each person's random user
-- handle, their credentials (public keys only), and the pending challenges of the
-- ceremonies (single use, short-lived, bound to the session they were given to).
-- Times come from the service's clock.

-- The user.id an authenticator keeps for a person: 32 random bytes (libsodium), never
-- the NISS or any other personal data.
CREATE TABLE webauthn_user (
	person_id  INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
	handle     BLOB NOT NULL UNIQUE
);

-- A registered passkey: its credential id, its public key as the authenticator gave it
-- (COSE_Key), algorithm (-7 ES256, -257 RS256) and the last signature counter seen.
CREATE TABLE webauthn_credential (
	id            INTEGER PRIMARY KEY,
	person_id     INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	credential_id BLOB NOT NULL UNIQUE,
	public_key    BLOB NOT NULL,
	alg           INTEGER NOT NULL CHECK (alg IN (-7, -257)),
	sign_count    INTEGER NOT NULL DEFAULT 0,
	transports    TEXT NOT NULL DEFAULT '',
	name          TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	last_used_at  TEXT
);
CREATE INDEX webauthn_credential_person ON webauthn_credential(person_id);

-- A challenge waiting for its answer: one per session and purpose (a new one replaces
-- it), taken (deleted) by the answer whatever its outcome. purpose: 'register'
-- (enrolment), 'login' (the passwordless door), 'second' (after the access codes of
-- person_id).
CREATE TABLE webauthn_challenge (
	binding_hash BLOB NOT NULL,              -- BLAKE2b-256 of the session id
	purpose      TEXT NOT NULL CHECK (purpose IN ('register', 'login', 'second')),
	challenge    BLOB NOT NULL,
	person_id    INTEGER REFERENCES person(id) ON DELETE CASCADE,
	expires_at   INTEGER NOT NULL,           -- unix seconds
	PRIMARY KEY (binding_hash, purpose)
) WITHOUT ROWID;
