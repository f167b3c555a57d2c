-- 001_foundation.sql — sessions, the audit chain, settings.

CREATE TABLE session (
	id_hash     BLOB PRIMARY KEY,          -- BLAKE2b-256 of the cookie value; the value itself is never stored
	csrf        TEXT NOT NULL,             -- per-session CSRF token (base64url, 256 bits)
	lang        TEXT,                      -- explicit language choice, NULL = negotiate
	person_id   INTEGER,                   -- NULL while anonymous
	auth_method TEXT,                      -- eid, password, totp, token
	auth_level  INTEGER NOT NULL DEFAULT 0,-- 0 none, 1 low, 2 substantial, 3 high
	auth_time   INTEGER,                   -- unix seconds of the last authentication
	capacity    TEXT,                      -- chosen capacity: employer, social_security, health
	created_at  INTEGER NOT NULL,          -- unix seconds; absolute timeout counts from here
	seen_at     INTEGER NOT NULL           -- unix seconds; idle timeout counts from here
) WITHOUT ROWID;
CREATE INDEX session_seen ON session(seen_at);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical content of this event).
CREATE TABLE audit_event (
	seq         INTEGER PRIMARY KEY,       -- 1, 2, 3 … without gaps
	at          TEXT NOT NULL,             -- UTC, ISO 8601 with milliseconds
	actor       TEXT,                      -- person id or "system"
	actor_role  TEXT,                      -- acting role (GAP, GL, helpdesk, system …)
	org         TEXT,                      -- organisation (enterprise number) or NULL
	object      TEXT,                      -- what was acted on
	action      TEXT NOT NULL,             -- dotted verb, e.g. session.login
	details     TEXT NOT NULL DEFAULT '{}',-- JSON object, canonical (sorted keys)
	source      TEXT,                      -- client address
	request_id  TEXT,
	prev_hash   TEXT NOT NULL,             -- hex; 64 zeros for the first event
	hash        TEXT NOT NULL UNIQUE       -- hex
);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;

CREATE TABLE setting (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
