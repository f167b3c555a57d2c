-- 020_mandate.sql — mandates between organisations (issue 16): organisation A (mandator)
-- lets organisation B (mandatary) act for it on a group of applications of one of A's
-- qualities, from a start quarter to an optional end quarter; B's managers choose who
-- serves under it and with which of its applications. Times come from the service's clock.

-- A mandate. Quarters are year * 10 + quarter (2027 Q1 = 20271), inclusive bounds.
CREATE TABLE mandate (
	id            INTEGER PRIMARY KEY,
	public_id     TEXT NOT NULL UNIQUE,          -- random (libsodium), used in addresses
	mandator_org  INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	mandatary_org INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	quality       TEXT NOT NULL REFERENCES quality(code),
	start_quarter INTEGER NOT NULL CHECK (start_quarter % 10 BETWEEN 1 AND 4),
	end_quarter   INTEGER CHECK (end_quarter IS NULL
	                             OR (end_quarter % 10 BETWEEN 1 AND 4 AND end_quarter >= start_quarter)),
	status        TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'refused', 'ended', 'expired')),
	proposed_side TEXT NOT NULL CHECK (proposed_side IN ('mandator', 'mandatary')),
	proposed_by   INTEGER NOT NULL REFERENCES person(id),
	serve_all     INTEGER NOT NULL DEFAULT 0 CHECK (serve_all IN (0, 1)),
	created_at    TEXT NOT NULL,
	changed_at    TEXT NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1,    -- optimistic concurrency, as account.version
	CHECK (mandator_org <> mandatary_org)
);
CREATE INDEX mandate_mandatary ON mandate(mandatary_org, status);
CREATE INDEX mandate_mandator ON mandate(mandator_org, status);

-- The applications a mandate covers: all of them belong to the mandate's quality.
CREATE TABLE mandate_app (
	mandate_id  INTEGER NOT NULL REFERENCES mandate(id) ON DELETE CASCADE,
	application TEXT NOT NULL REFERENCES application(code),
	PRIMARY KEY (mandate_id, application)
);

-- The mandate's history: one row per change of status (and per change of who serves).
CREATE TABLE mandate_event (
	id         INTEGER PRIMARY KEY,
	mandate_id INTEGER NOT NULL REFERENCES mandate(id) ON DELETE CASCADE,
	at         TEXT NOT NULL,
	status     TEXT NOT NULL,
	actor      INTEGER REFERENCES person(id),     -- NULL: the clock (expiry)
	side       TEXT CHECK (side IS NULL OR side IN ('mandator', 'mandatary')),
	note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mandate_event_mandate ON mandate_event(mandate_id, id);

-- Named users of the mandatary who serve under a mandate (when serve_all is 0) …
CREATE TABLE mandate_member (
	mandate_id INTEGER NOT NULL REFERENCES mandate(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
	since      TEXT NOT NULL,
	added_by   INTEGER REFERENCES person(id),
	PRIMARY KEY (mandate_id, account_id)
);
CREATE INDEX mandate_member_account ON mandate_member(account_id);

-- … and the mandate's applications each of them may use: the mandate is the ceiling
-- (the second foreign key), so a grant outside it cannot be stored.
CREATE TABLE mandate_grant (
	mandate_id  INTEGER NOT NULL,
	account_id  INTEGER NOT NULL,
	application TEXT NOT NULL,
	granted_at  TEXT NOT NULL,
	granted_by  INTEGER REFERENCES person(id),
	PRIMARY KEY (mandate_id, account_id, application),
	FOREIGN KEY (mandate_id, account_id)
		REFERENCES mandate_member(mandate_id, account_id) ON DELETE CASCADE,
	FOREIGN KEY (mandate_id, application)
		REFERENCES mandate_app(mandate_id, application) ON DELETE CASCADE
);
