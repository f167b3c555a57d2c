-- 003_registry.sql — KBO Open Data (the Crossroads Bank for Enterprises' public extract):
-- one table per official file, with the official columns in snake_case and in order.
--
-- Written only by `portier import kbo` (src/registry/kbo_import.c), which validates every
-- value before it is stored:
--   * enterprise, establishment and entity numbers: 10 digits, mod-97 checked
--     ("0552.627.113" -> '0552627113', "2.190.171.611" -> '2190171611');
--   * branch ids ("9.000.006.626", not an official number): 10 digits;
--   * dates: ISO 'yyyy-mm-dd' (the files have dd-mm-yyyy); timestamps 'yyyy-mm-ddThh:mm:ss';
--   * codes: TEXT as published, leading zeros kept ('000', '610'); never numbers;
--   * an empty field is NULL.
-- extract_id on every row names the kbo_extract that wrote it, source_line the line of
-- the file it came from: an update's insert file replaces, per entity, the rows that
-- earlier extracts wrote (see kbo_import.c).
-- address, contact and activity are stored in entity order (WITHOUT ROWID, keyed by
-- entity_number first): an entity's rows sit together and need no second index.
-- No foreign keys: an extract is applied as published, and a full extract is loaded
-- table by table. kbo_import.c drops the indexes marked "rebuilt by the import" before
-- a full load of their table and creates them again after it: keep the two in step (the
-- unit test test_kbo_import compares them).

-- Extracts applied, oldest first; the last row is "the last applied extract".
CREATE TABLE kbo_extract (
	id                INTEGER PRIMARY KEY,
	extract_number    INTEGER NOT NULL,           -- ExtractNumber (147 for ..._0147_...)
	extract_type      TEXT NOT NULL CHECK (extract_type IN ('full', 'update')),
	snapshot_date     TEXT,                       -- SnapshotDate, ISO
	extract_timestamp TEXT,                       -- ExtractTimestamp, ISO
	version           TEXT,                       -- Version of the format ("1.0.0")
	source            TEXT NOT NULL,              -- file or folder name it came from
	forced            INTEGER NOT NULL DEFAULT 0, -- applied with --force
	rows              INTEGER,                    -- data rows read, all files
	applied_at        TEXT NOT NULL               -- UTC, ISO 8601
);

-- meta.csv of the last applied extract (dates ISO).
CREATE TABLE kbo_meta (
	variable    TEXT PRIMARY KEY,                 -- Variable
	value       TEXT,                             -- Value
	extract_id  INTEGER NOT NULL
) WITHOUT ROWID;

-- code.csv: the labels of every code in FR, NL, DE (and EN where published).
CREATE TABLE kbo_code (
	category    TEXT NOT NULL,                    -- Category (JuridicalForm, Nace2008 ...)
	code        TEXT NOT NULL,                    -- Code
	language    TEXT NOT NULL,                    -- Language (FR, NL, DE)
	description TEXT,                             -- Description
	extract_id  INTEGER NOT NULL,
	source_line INTEGER NOT NULL,
	PRIMARY KEY (category, code, language)
) WITHOUT ROWID;

CREATE TABLE kbo_enterprise (
	enterprise_number   TEXT PRIMARY KEY,         -- EnterpriseNumber
	status              TEXT,                     -- Status (code)
	juridical_situation TEXT,                     -- JuridicalSituation (code)
	type_of_enterprise  TEXT,                     -- TypeOfEnterprise (code)
	juridical_form      TEXT,                     -- JuridicalForm (code)
	juridical_form_cac  TEXT,                     -- JuridicalFormCAC (code)
	start_date          TEXT,                     -- StartDate
	extract_id          INTEGER NOT NULL,
	source_line         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE kbo_establishment (
	establishment_number TEXT PRIMARY KEY,        -- EstablishmentNumber
	start_date           TEXT,                    -- StartDate
	enterprise_number    TEXT NOT NULL,           -- EnterpriseNumber
	extract_id           INTEGER NOT NULL,
	source_line          INTEGER NOT NULL
) WITHOUT ROWID;
-- rebuilt by the import:
CREATE INDEX kbo_establishment_enterprise ON kbo_establishment(enterprise_number);

-- entity_number: an enterprise or an establishment unit, in the four tables below.
-- id is the rowid, kept stable for the full-text index.
CREATE TABLE kbo_denomination (
	id                   INTEGER PRIMARY KEY,
	entity_number        TEXT NOT NULL,           -- EntityNumber
	language             TEXT,                    -- Language (code)
	type_of_denomination TEXT,                    -- TypeOfDenomination (code)
	denomination         TEXT,                    -- Denomination
	extract_id           INTEGER NOT NULL,
	source_line          INTEGER NOT NULL
);
-- rebuilt by the import:
CREATE INDEX kbo_denomination_entity ON kbo_denomination(entity_number);

CREATE TABLE kbo_address (
	entity_number      TEXT NOT NULL,             -- EntityNumber
	type_of_address    TEXT,                      -- TypeOfAddress (code)
	country_nl         TEXT,                      -- CountryNL
	country_fr         TEXT,                      -- CountryFR
	zipcode            TEXT,                      -- Zipcode
	municipality_nl    TEXT,                      -- MunicipalityNL
	municipality_fr    TEXT,                      -- MunicipalityFR
	street_nl          TEXT,                      -- StreetNL
	street_fr          TEXT,                      -- StreetFR
	house_number       TEXT,                      -- HouseNumber
	box                TEXT,                      -- Box
	extra_address_info TEXT,                      -- ExtraAddressInfo
	date_striking_off  TEXT,                      -- DateStrikingOff
	extract_id         INTEGER NOT NULL,
	source_line        INTEGER NOT NULL,
	PRIMARY KEY (entity_number, extract_id, source_line)
) WITHOUT ROWID;

CREATE TABLE kbo_contact (
	entity_number  TEXT NOT NULL,                 -- EntityNumber
	entity_contact TEXT,                          -- EntityContact (code: ENT, EST)
	contact_type   TEXT,                          -- ContactType (code: TEL, EMAIL, WEB)
	value          TEXT,                          -- Value
	extract_id     INTEGER NOT NULL,
	source_line    INTEGER NOT NULL,
	PRIMARY KEY (entity_number, extract_id, source_line)
) WITHOUT ROWID;

CREATE TABLE kbo_activity (
	entity_number  TEXT NOT NULL,                 -- EntityNumber
	activity_group TEXT,                          -- ActivityGroup (code)
	nace_version   TEXT,                          -- NaceVersion (2003, 2008, 2025)
	nace_code      TEXT,                          -- NaceCode (code in category Nace<version>)
	classification TEXT,                          -- Classification (code: MAIN, SECO, ANCI)
	extract_id     INTEGER NOT NULL,
	source_line    INTEGER NOT NULL,
	PRIMARY KEY (entity_number, extract_id, source_line)
) WITHOUT ROWID;

CREATE TABLE kbo_branch (
	id                TEXT PRIMARY KEY,           -- Id
	start_date        TEXT,                       -- StartDate
	enterprise_number TEXT NOT NULL,              -- EnterpriseNumber
	extract_id        INTEGER NOT NULL,
	source_line       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX kbo_branch_enterprise ON kbo_branch(enterprise_number);

-- Name search: every denomination, words folded to lower case without accents
-- ("Société" matches "societe"). External content: the text lives in kbo_denomination
-- only; the import keeps this index in step (rebuild after a full load, 'delete' and
-- insert commands during an update). Anything else that writes kbo_denomination must too.
CREATE VIRTUAL TABLE kbo_denomination_fts USING fts5(
	denomination,
	content = 'kbo_denomination',
	content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
