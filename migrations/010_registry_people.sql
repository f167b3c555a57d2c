-- 010_registry_people.sql — the two authentic sources that are not in KBO Open Data:
-- the persons register and the legal functions (who represents an enterprise).
--
-- Written only by `portier import persons` and `portier import functions`
-- (src/registry/persons_import.c, functions_import.c), which validate every value first
-- and replace the whole table in one transaction: formats in docs/registry-formats.md.
--   * NISS: 11 digits, mod-97 checked; enterprise numbers: 10 digits, mod-97 checked;
--   * dates: ISO 'yyyy-mm-dd'; an empty field is NULL;
--   * source_line: the line of the imported file the row came from (error messages).
-- No foreign keys to the kbo_ tables nor between these two: a KBO update may remove an
-- enterprise that still has functions here, and persons and functions are imported in
-- either order. The functions import checks the enterprises against kbo_enterprise.

-- The persons register: one row per NISS.
CREATE TABLE reg_person (
	niss        TEXT PRIMARY KEY,                 -- NISS
	last_name   TEXT NOT NULL,                    -- LastName
	first_names TEXT NOT NULL,                    -- FirstNames
	birth_date  TEXT,                             -- BirthDate, ISO; NULL when unknown
	sex         TEXT CHECK (sex IN ('M', 'F', 'X')),                -- Sex; NULL unknown
	language    TEXT CHECK (language IN ('fr', 'nl', 'de', 'en')),  -- Language; NULL unknown
	country     TEXT NOT NULL,                    -- Country of domicile, ISO 3166 alpha-2
	source_line INTEGER NOT NULL
) WITHOUT ROWID;

-- Legal functions: an enterprise is represented by a person (rep_niss) or by another
-- enterprise (rep_enterprise), exactly one of the two. A function is current on day D
-- when begin_date <= D and (end_date IS NULL or end_date > D).
CREATE TABLE reg_function (
	id                INTEGER PRIMARY KEY,
	enterprise_number TEXT NOT NULL,              -- EnterpriseNumber
	rep_niss          TEXT,                       -- RepresentativeNISS
	rep_enterprise    TEXT,                       -- RepresentativeEnterpriseNumber
	function_code     TEXT NOT NULL,              -- FunctionCode (text, leading zeros kept)
	function_label    TEXT NOT NULL,              -- FunctionLabel
	begin_date        TEXT NOT NULL,              -- BeginDate, ISO
	end_date          TEXT,                       -- EndDate, ISO; NULL while open
	source_line       INTEGER NOT NULL,
	CHECK ((rep_niss IS NULL) <> (rep_enterprise IS NULL)),
	CHECK (end_date IS NULL OR end_date > begin_date)
);
CREATE INDEX reg_function_enterprise ON reg_function(enterprise_number);
CREATE INDEX reg_function_rep_niss ON reg_function(rep_niss) WHERE rep_niss IS NOT NULL;
CREATE INDEX reg_function_rep_enterprise ON reg_function(rep_enterprise)
	WHERE rep_enterprise IS NOT NULL;
-- The same function of the same representative starting the same day is a duplicate.
CREATE UNIQUE INDEX reg_function_unique ON reg_function(enterprise_number,
	coalesce(rep_niss, rep_enterprise), function_code, begin_date);

-- Imports applied, oldest first.
CREATE TABLE reg_import (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('persons', 'functions')),
	source     TEXT NOT NULL,                     -- file name (without its folder)
	rows       INTEGER NOT NULL,                  -- rows stored
	rejected   INTEGER NOT NULL,                  -- rows refused (--skip-invalid)
	applied_at TEXT NOT NULL                      -- UTC, ISO 8601
);
