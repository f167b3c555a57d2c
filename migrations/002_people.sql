-- 002_people.sql — the people who log in, their access codes, and login throttling.

CREATE TABLE person (
	id          INTEGER PRIMARY KEY,
	niss        TEXT UNIQUE,              -- 11 digits; NULL for people known only by a foreign id
	last_name   TEXT NOT NULL,
	first_name  TEXT NOT NULL,
	language    TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr','nl','de','en')),
	email       TEXT,
	created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

-- "Codes d'accès": a user name and an Argon2id hash (libsodium's encoded string).
CREATE TABLE credential_password (
	person_id   INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
	username    TEXT NOT NULL UNIQUE COLLATE NOCASE,
	hash        TEXT NOT NULL,
	updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

-- Failed attempts per key ("u:<username>" or "a:<address>"), whether or not the account exists.
CREATE TABLE login_throttle (
	key          TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	next_allowed INTEGER NOT NULL,        -- unix seconds before which attempts are refused
	updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
