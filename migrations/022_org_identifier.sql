-- 022_org_identifier.sql — organisations without a Belgian enterprise number (issue 16,
-- part 5): an identifier type (a small catalogue) and value on every organisation, and the
-- exception request's case "no_number" that brings one (docs/org-identifiers.md).

-- The identifier types, with their names in the four languages (data; the C catalogue in
-- src/access/org_id.c names the same codes).
CREATE TABLE org_id_type (
	code    TEXT PRIMARY KEY,
	name_fr TEXT NOT NULL, name_nl TEXT NOT NULL, name_de TEXT NOT NULL, name_en TEXT NOT NULL,
	sort    INTEGER NOT NULL DEFAULT 100
);
INSERT INTO org_id_type(code, name_fr, name_nl, name_de, name_en, sort) VALUES
	('kbo', 'Numéro d''entreprise', 'Ondernemingsnummer', 'Unternehmensnummer',
	 'Enterprise number', 10),
	('foreign', 'Numéro d''enregistrement étranger', 'Buitenlands registratienummer',
	 'Ausländische Registrierungsnummer', 'Foreign registration number', 20),
	('inami', 'Numéro INAMI', 'RIZIV-nummer', 'LIKIV-Nummer', 'NIHDI number', 30),
	('helpdesk', 'Numéro attribué par le helpdesk', 'Nummer toegekend door de helpdesk',
	 'Vom Helpdesk vergebene Nummer', 'Number assigned by the helpdesk', 40);

-- The organisation's identifier: its type and value (the enterprise number for 'kbo', the
-- foreign registration for 'foreign'). enterprise and foreign_reg stay what they were.
ALTER TABLE organisation ADD COLUMN id_type TEXT REFERENCES org_id_type(code);
-- The exception request of an organisation without an enterprise number: the identifier
-- type asked for and its value (NULL for 'helpdesk': the helpdesk assigns it).
ALTER TABLE exception_request ADD COLUMN id_type TEXT REFERENCES org_id_type(code);
-- SQLite cannot alter a CHECK: the documented way to loosen one ("Making other kinds of
-- table schema changes", lang_altertable.html) is to edit the stored table definition; the
-- ADD COLUMNs that follow bump the schema cookie and reload the whole schema (every column
-- a loosened CHECK names exists by then). Rebuilding the tables instead would need foreign
-- keys off, which a migration's transaction cannot do.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (enterprise IS NOT NULL OR foreign_reg IS NOT NULL)',
	'CHECK (enterprise IS NOT NULL OR foreign_reg IS NOT NULL OR id_value IS NOT NULL)')
	WHERE type = 'table' AND name = 'organisation';
UPDATE sqlite_schema SET sql = replace(replace(sql,
	'''foreign_company''))', '''foreign_company'', ''no_number''))'),
	'CHECK (enterprise IS NOT NULL OR company_reg IS NOT NULL)',
	'CHECK (enterprise IS NOT NULL OR company_reg IS NOT NULL OR id_type IS NOT NULL)')
	WHERE type = 'table' AND name = 'exception_request';
PRAGMA writable_schema = OFF;
ALTER TABLE organisation ADD COLUMN id_value TEXT;
UPDATE organisation SET id_type = 'kbo', id_value = enterprise WHERE enterprise IS NOT NULL;
UPDATE organisation SET id_type = 'foreign', id_value = foreign_reg
	WHERE enterprise IS NULL AND foreign_reg IS NOT NULL;
-- One organisation per identifier of a type; foreign registrations are numbered per country
-- (two countries may give the same number), so they stay out of the rule.
CREATE UNIQUE INDEX organisation_identifier ON organisation(id_type, id_value)
	WHERE id_type <> 'foreign';
ALTER TABLE exception_request ADD COLUMN id_value TEXT;
