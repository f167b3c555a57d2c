-- 006_access.sql — organisations and who manages them: GAP and co-GAPs, the quality and
-- application catalogue, activated qualities, accounts, their roles and grants.

-- A registered organisation: a Belgian enterprise (standard or exception procedure) or a
-- foreign company (exception procedure).
CREATE TABLE organisation (
	id            INTEGER PRIMARY KEY,
	enterprise    TEXT UNIQUE CHECK (enterprise IS NULL OR length(enterprise) = 10),
	country       TEXT NOT NULL DEFAULT 'BE',  -- ISO 3166-1 alpha-2
	foreign_reg   TEXT,                         -- foreign registration or VAT number
	name          TEXT NOT NULL,                -- denomination when registered
	address       TEXT,
	contact_email TEXT NOT NULL,
	contact_phone TEXT NOT NULL,
	procedure     TEXT NOT NULL CHECK (procedure IN ('standard', 'exception')),
	created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	CHECK (enterprise IS NOT NULL OR foreign_reg IS NOT NULL)
);

-- The main access manager (one per organisation) and co-GAPs ("Co-Responsable des Accès").
CREATE TABLE org_manager (
	org_id     INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	person_id  INTEGER NOT NULL REFERENCES person(id),
	role       TEXT NOT NULL CHECK (role IN ('GAP', 'COGAP')),
	since      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	PRIMARY KEY (org_id, person_id)
);
CREATE UNIQUE INDEX org_manager_one_gap ON org_manager(org_id) WHERE role = 'GAP';
CREATE INDEX org_manager_person ON org_manager(person_id);

-- The catalogue: qualities (capacities) and their secured applications, in four languages.
-- Data, extended by operators with `portier catalogue …`.
CREATE TABLE quality (
	code     TEXT PRIMARY KEY,
	domain   TEXT NOT NULL,                      -- employer, social_security, health …
	name_fr  TEXT NOT NULL, name_nl TEXT NOT NULL, name_de TEXT NOT NULL, name_en TEXT NOT NULL,
	sort     INTEGER NOT NULL DEFAULT 100
);
CREATE TABLE application (
	code       TEXT PRIMARY KEY,
	quality    TEXT NOT NULL REFERENCES quality(code),
	name_fr    TEXT NOT NULL, name_nl TEXT NOT NULL, name_de TEXT NOT NULL, name_en TEXT NOT NULL,
	desc_fr    TEXT NOT NULL, desc_nl TEXT NOT NULL, desc_de TEXT NOT NULL, desc_en TEXT NOT NULL,
	min_level  INTEGER NOT NULL DEFAULT 1 CHECK (min_level BETWEEN 1 AND 3),
	sort       INTEGER NOT NULL DEFAULT 100
);
CREATE INDEX application_quality ON application(quality, sort);

-- A quality activated for an organisation, with the quality's e-mail.
CREATE TABLE org_quality (
	id           INTEGER PRIMARY KEY,
	org_id       INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	quality      TEXT NOT NULL REFERENCES quality(code),
	email        TEXT NOT NULL,
	activated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	activated_by INTEGER REFERENCES person(id),
	UNIQUE (org_id, quality)
);

-- A person's account within an organisation (one per organisation).
CREATE TABLE account (
	id          INTEGER PRIMARY KEY,
	org_id      INTEGER NOT NULL REFERENCES organisation(id) ON DELETE CASCADE,
	person_id   INTEGER NOT NULL REFERENCES person(id),
	username    TEXT NOT NULL COLLATE NOCASE,
	title       TEXT NOT NULL DEFAULT '' CHECK (title IN ('', 'M.', 'Mme')),
	language    TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr','nl','de','en')),
	email       TEXT NOT NULL,
	local_email TEXT,
	status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
	created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	modified_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	version     INTEGER NOT NULL DEFAULT 1,      -- optimistic concurrency: a stale save is refused
	UNIQUE (org_id, person_id),
	UNIQUE (org_id, username)
);
CREATE INDEX account_person ON account(person_id);

-- An account's place in an activated quality: local manager (one GL), co-GL, or user.
CREATE TABLE quality_member (
	org_quality_id INTEGER NOT NULL REFERENCES org_quality(id) ON DELETE CASCADE,
	account_id     INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
	type           TEXT NOT NULL CHECK (type IN ('GL', 'COGL', 'USER')),
	since          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	PRIMARY KEY (org_quality_id, account_id)
);
CREATE UNIQUE INDEX quality_member_one_gl ON quality_member(org_quality_id) WHERE type = 'GL';
CREATE INDEX quality_member_account ON quality_member(account_id);

-- Secured applications granted to an account within an activated quality.
CREATE TABLE app_grant (
	org_quality_id INTEGER NOT NULL,
	account_id     INTEGER NOT NULL,
	application    TEXT NOT NULL REFERENCES application(code),
	granted_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	granted_by     INTEGER REFERENCES person(id),
	PRIMARY KEY (org_quality_id, account_id, application),
	FOREIGN KEY (org_quality_id, account_id)
		REFERENCES quality_member(org_quality_id, account_id) ON DELETE CASCADE
);
CREATE INDEX app_grant_application ON app_grant(application);

-- Platform roles (not tied to an organisation): helpdesk operators.
CREATE TABLE platform_role (
	person_id INTEGER NOT NULL REFERENCES person(id),
	role      TEXT NOT NULL CHECK (role IN ('helpdesk')),
	since     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
	PRIMARY KEY (person_id, role)
);
