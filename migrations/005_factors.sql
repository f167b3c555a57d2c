-- 005_factors.sql — second factors: codes from a mobile app (TOTP, RFC 6238), personal
-- token cards of 24 numbered codes, the token door's pending challenges, and the
-- one-time activation codes the helpdesk issues to people without eID.

-- One authenticator app per person. The key stays readable (TOTP needs it); a code is
-- accepted only for a time step later than last_step, so a code is never used twice.
CREATE TABLE factor_totp (
	person_id    INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
	secret       BLOB,                    -- 20 bytes once confirmed, NULL before
	last_step    INTEGER NOT NULL DEFAULT 0,
	enrolled_at  INTEGER,                 -- unix seconds
	pending      BLOB,                    -- key shown on the enrolment page, not confirmed yet
	pending_at   INTEGER
);

-- Token cards: at most one active per person; a new card revokes the old when it is
-- activated. While pending, the seed the codes derive from is kept to print them again;
-- it is wiped at activation.
CREATE TABLE token_card (
	id               INTEGER PRIMARY KEY,
	person_id        INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	serial           TEXT NOT NULL,
	state            TEXT NOT NULL CHECK (state IN ('pending', 'active', 'revoked')),
	seed             BLOB,
	confirm_position INTEGER,
	issued_at        INTEGER NOT NULL,
	activated_at     INTEGER,
	revoked_at       INTEGER
);
CREATE INDEX token_card_person ON token_card(person_id, state);

-- The 24 codes of a card, each an Argon2id hash; used_at set once it served.
CREATE TABLE token_card_code (
	card_id   INTEGER NOT NULL REFERENCES token_card(id) ON DELETE CASCADE,
	position  INTEGER NOT NULL CHECK (position BETWEEN 1 AND 24),
	hash      TEXT NOT NULL,
	used_at   INTEGER,
	PRIMARY KEY (card_id, position)
) WITHOUT ROWID;

-- "Code n° 17": the position asked after the password, bound to the browser session
-- that asked (hash of its id) and to the hash of a token in the form; single use, 5 minutes.
CREATE TABLE token_challenge (
	token_hash   BLOB PRIMARY KEY,
	binding_hash BLOB NOT NULL,
	person_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	card_id      INTEGER,                 -- NULL: no active card, the answer will be refused
	username     TEXT NOT NULL,
	position     INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Activation codes from the helpdesk: BLAKE2b of the code (80 random bits), valid 14
-- days, single use; a new code revokes the person's earlier unused ones.
CREATE TABLE activation_code (
	id          INTEGER PRIMARY KEY,
	person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	code_hash   BLOB NOT NULL UNIQUE,
	issued_by   TEXT NOT NULL,
	issued_at   INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER,
	revoked_at  INTEGER
);
CREATE INDEX activation_code_person ON activation_code(person_id);
