-- 001_portal.sql — the agency portal's own database (not portier's): its visitors'
-- sessions, the companies it knows with the agency number given at their first visit,
-- their contact points, declared activities, and the self-check files of each activity.

-- Sessions of the portal's visitors; only a hash of the cookie value is kept.
CREATE TABLE portal_session (
	id_hash       BLOB PRIMARY KEY CHECK (length(id_hash) = 32),
	csrf          TEXT NOT NULL,
	lang          TEXT NOT NULL DEFAULT '',
	user_id       INTEGER NOT NULL DEFAULT 0,     -- portal_user.id once logged in
	created_at    INTEGER NOT NULL,
	seen_at       INTEGER NOT NULL,
	-- the login under way: state, nonce and PKCE verifier of the authorization request
	login_state   TEXT,
	login_nonce   TEXT,
	login_verifier TEXT,
	login_started INTEGER,
	login_next    TEXT,
	-- who is logged in, as the ID token says
	sub           TEXT,
	name          TEXT,
	enterprise    TEXT,                           -- 10 digits
	org_name      TEXT,
	id_token      TEXT                            -- kept for RP-initiated logout
) WITHOUT ROWID;
CREATE INDEX portal_session_seen ON portal_session(seen_at);

-- People who logged in (pairwise subject of the provider).
CREATE TABLE portal_user (
	id            INTEGER PRIMARY KEY,
	sub           TEXT NOT NULL UNIQUE CHECK (length(sub) BETWEEN 1 AND 255),
	name          TEXT NOT NULL DEFAULT '',
	first_seen    INTEGER NOT NULL,
	last_seen     INTEGER NOT NULL
);

-- Companies known to the agency; the agency number is given at the first visit.
CREATE TABLE company (
	id            INTEGER PRIMARY KEY,
	enterprise    TEXT NOT NULL UNIQUE CHECK (length(enterprise) = 10),
	agency_number TEXT UNIQUE,                    -- AFMPS-000123
	name          TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);

-- Contact points kept by the company itself (the registry's are read from portier).
CREATE TABLE company_contact (
	company_id    INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('general', 'materiovigilance', 'regulatory')),
	name          TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 200),
	email         TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
	phone         TEXT NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
	updated_at    INTEGER NOT NULL,
	updated_by    INTEGER REFERENCES portal_user(id),
	PRIMARY KEY (company_id, kind)
) WITHOUT ROWID;

-- Declared medical-device activities, per establishment ('' = the registered seat).
CREATE TABLE activity (
	id            INTEGER PRIMARY KEY,
	company_id    INTEGER NOT NULL REFERENCES company(id) ON DELETE CASCADE,
	kind          TEXT NOT NULL CHECK (kind IN ('distributor', 'manufacturer', 'importer',
	                  'authorised_rep', 'exporter', 'steriliser', 'assembler')),
	establishment TEXT NOT NULL DEFAULT '' CHECK (establishment = '' OR length(establishment) = 10),
	classes       TEXT NOT NULL,                  -- comma-separated: I,IIa,IIb,III,custom,ivd_a …
	started_on    TEXT NOT NULL,                  -- ISO date
	ended_on      TEXT,                           -- ISO date, NULL while current
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE INDEX activity_company ON activity(company_id, ended_on);
CREATE UNIQUE INDEX activity_one_current ON activity(company_id, kind, establishment)
	WHERE ended_on IS NULL;

-- The self-check file of an activity: the questionnaire's answers and its status.
CREATE TABLE dossier (
	activity_id   INTEGER PRIMARY KEY REFERENCES activity(id) ON DELETE CASCADE,
	status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
	answers       TEXT NOT NULL DEFAULT '{}',     -- JSON: question code -> {answer, comment}
	updated_at    INTEGER NOT NULL,
	submitted_at  INTEGER
);

-- What happened to files and activities, for the history shown to the company.
CREATE TABLE dossier_event (
	id            INTEGER PRIMARY KEY,
	activity_id   INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
	at            INTEGER NOT NULL,
	action        TEXT NOT NULL CHECK (action IN ('declared', 'changed', 'ended', 'saved',
	                  'submitted')),
	user_name     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX dossier_event_activity ON dossier_event(activity_id, at);
