-- 022_org_identifier.sql (PostgreSQL, as migrations/022_org_identifier.sql) — organisations
-- without a Belgian enterprise number (issue 16, part 5): an identifier type (a small catalogue) and value on every organisation, and the
-- exception request's case "no_number" that brings one (docs/org-identifiers.md).

-- The identifier types, with their names in the four languages (data; the C catalogue in
-- src/access/org_id.c names the same codes).
CREATE TABLE org_id_type (
	code    text PRIMARY KEY,
	name_fr text NOT NULL, name_nl text NOT NULL, name_de text NOT NULL, name_en text NOT NULL,
	sort    bigint NOT NULL DEFAULT 100
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
ALTER TABLE organisation ADD COLUMN id_type text REFERENCES org_id_type(code);
-- The CHECKs loosened: an organisation may have neither an enterprise number nor a foreign
-- registration when it has another identifier; a request of case 'no_number' has neither.
ALTER TABLE organisation DROP CONSTRAINT organisation_check;
ALTER TABLE exception_request DROP CONSTRAINT exception_request_check;
ALTER TABLE exception_request DROP CONSTRAINT exception_request_case_kind_check;
ALTER TABLE organisation ADD COLUMN id_value text;
ALTER TABLE organisation ADD CONSTRAINT organisation_check
	CHECK (enterprise IS NOT NULL OR foreign_reg IS NOT NULL OR id_value IS NOT NULL);
ALTER TABLE exception_request ADD CONSTRAINT exception_request_case_kind_check
	CHECK (case_kind IN ('rep_abroad', 'rep_company', 'foreign_company', 'no_number'));
UPDATE organisation SET id_type = 'kbo', id_value = enterprise WHERE enterprise IS NOT NULL;
UPDATE organisation SET id_type = 'foreign', id_value = foreign_reg
	WHERE enterprise IS NULL AND foreign_reg IS NOT NULL;
-- One organisation per identifier of a type; foreign registrations are numbered per country
-- (two countries may give the same number), so they stay out of the rule.
CREATE UNIQUE INDEX organisation_identifier ON organisation(id_type, id_value)
	WHERE id_type <> 'foreign';

-- The exception request of an organisation without an enterprise number: the identifier
-- type asked for and its value (NULL for 'helpdesk': the helpdesk assigns it).
ALTER TABLE exception_request ADD COLUMN id_type text REFERENCES org_id_type(code);
ALTER TABLE exception_request ADD COLUMN id_value text;
ALTER TABLE exception_request ADD CONSTRAINT exception_request_check
	CHECK (enterprise IS NOT NULL OR company_reg IS NOT NULL OR id_type IS NOT NULL);
