-- 026_email_code.sql — the security codes sent by e-mail after the access codes (issue 17
-- part 3, door password+email, level low): only an Argon2id hash of the code, bound to the
-- browser session that asked (hash of its id) and to the hash of a token in the form;
-- single use, short-lived, void after a few wrong answers. Rows stay a day so that the
-- sends of the last hour can be counted (auth/email_code.c), then are purged.
CREATE TABLE email_code (
	id           INTEGER PRIMARY KEY,
	token_hash   BLOB NOT NULL UNIQUE,
	binding_hash BLOB NOT NULL,
	person_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
	username     TEXT NOT NULL,
	code_hash    TEXT NOT NULL,           -- libsodium's Argon2id string; '' once used or void
	attempts     INTEGER NOT NULL DEFAULT 0,
	sent_at      INTEGER NOT NULL,        -- unix seconds, from the service's clock
	expires_at   INTEGER NOT NULL,
	used_at      INTEGER,
	void_at      INTEGER
);
CREATE INDEX email_code_person ON email_code(person_id, sent_at);
