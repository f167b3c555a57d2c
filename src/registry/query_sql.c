/* query_sql.c — the SQLite text of the registry queries and of the persons and legal
 * functions imports (schema: migrations/003_registry.sql, 010_registry_people.sql).
 * Bound parameters only. Labels come from kbo_code in the asked language, else in FR. */
#include "registry/query_sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define R(id) [(id) - SQL_REGQ_FIRST]

/* The description of code expr in category cat, in code-table language lang, else FR. */
#define LABEL(cat, expr, lang) \
	"(SELECT c.description FROM kbo_code c WHERE c.category = " cat " AND c.code = " expr \
	" AND c.language IN (" lang ", 'FR') ORDER BY c.language = 'FR' LIMIT 1)"

/* Rank of a denomination's KBO language: the reader's first, then unknown, FR, NL, DE, EN. */
#define LANG_RANK(col, lang) \
	"CASE " col " WHEN " lang " THEN 0 WHEN '0' THEN 1 WHEN '1' THEN 2 WHEN '2' THEN 3 " \
	"WHEN '3' THEN 4 WHEN '4' THEN 5 ELSE 6 END"

/* The best name of entity expr: type first (the preferred type, then name 001, commercial
 * name 003, abbreviation 002, others), then language. */
#define BEST_NAME(entity, pref_type, lang) \
	"(SELECT d.denomination FROM kbo_denomination d WHERE d.entity_number = " entity \
	" AND d.denomination IS NOT NULL ORDER BY CASE WHEN d.type_of_denomination = " pref_type \
	" THEN 0 ELSE 1 END, CASE d.type_of_denomination WHEN '001' THEN 0 WHEN '003' THEN 1 " \
	"WHEN '002' THEN 2 ELSE 3 END, " LANG_RANK("d.language", lang) ", d.id LIMIT 1)"

/* The columns of an address a, in the order query.c reads them. */
#define ADDRESS_COLS(lang) \
	"a.type_of_address, " LABEL("'TypeOfAddress'", "a.type_of_address", lang) \
	" AS type_of_address_label, " \
	"a.country_nl, a.country_fr, a.zipcode, a.municipality_nl, a.municipality_fr, " \
	"a.street_nl, a.street_fr, a.house_number, a.box, a.extra_address_info"

/* The order in which the addresses of an entity are tried: of type pref first, not struck
 * off first, then as published. */
#define ADDRESS_ORDER(t, pref) \
	"ORDER BY " t ".type_of_address = " pref " DESC, " t ".date_striking_off IS NOT NULL, " \
	t ".extract_id, " t ".source_line "

/* The key of the address of entity expr to show (a row value for the join). */
#define ADDRESS_PICK(entity, pref) \
	"(SELECT b.extract_id, b.source_line FROM kbo_address b WHERE b.entity_number = " entity \
	" " ADDRESS_ORDER("b", pref) "LIMIT 1)"

#define CURRENT(t, today) \
	t ".begin_date <= " today " AND (" t ".end_date IS NULL OR " t ".end_date > " today ")"

static const char *const text[SQL_REGQ_END - SQL_REGQ_FIRST] = {
	R(SQL_REGP_PERSON_CLEAR) = "DELETE FROM reg_person",
	R(SQL_REGP_PERSON_INSERT) =
	    "INSERT INTO reg_person(niss, last_name, first_names, birth_date, sex, language, "
	    "country, source_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	R(SQL_REGP_PERSON_LINE) = "SELECT source_line FROM reg_person WHERE niss = ?1",

	R(SQL_REGP_FUNCTION_CLEAR) = "DELETE FROM reg_function",
	R(SQL_REGP_FUNCTION_INSERT) =
	    "INSERT INTO reg_function(enterprise_number, rep_niss, rep_enterprise, "
	    "function_code, function_label, begin_date, end_date, source_line) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	R(SQL_REGP_FUNCTION_LINE) =
	    "SELECT source_line FROM reg_function WHERE enterprise_number = ?1 "
	    "AND coalesce(rep_niss, rep_enterprise) = ?2 AND function_code = ?3 "
	    "AND begin_date = ?4",
	R(SQL_REGP_ENTERPRISE_EXISTS) =
	    "SELECT 1 AS found FROM kbo_enterprise WHERE enterprise_number = ?1",
	R(SQL_REGP_IMPORT_INSERT) =
	    "INSERT INTO reg_import(kind, source, rows, rejected, applied_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	R(SQL_REGP_ANY_ENTERPRISE) = "SELECT 1 AS found FROM kbo_enterprise LIMIT 1",

	R(SQL_REGQ_ENTERPRISE) =
	    "SELECT e.enterprise_number, e.status, e.juridical_situation, "
	    "e.type_of_enterprise, e.juridical_form, e.start_date, "
	    LABEL("'JuridicalForm'", "e.juridical_form", "?2") " AS juridical_form_label, "
	    LABEL("'JuridicalSituation'", "e.juridical_situation", "?2") " AS juridical_situation_label, "
	    LABEL("'TypeOfEnterprise'", "e.type_of_enterprise", "?2") " AS type_of_enterprise_label, "
	    LABEL("'Status'", "e.status", "?2") " AS status_label, "
	    BEST_NAME("e.enterprise_number", "'001'", "?3") " AS name "
	    "FROM kbo_enterprise e WHERE e.enterprise_number = ?1",
	R(SQL_REGQ_SEAT) =
	    "SELECT " ADDRESS_COLS("?2") " FROM kbo_address a WHERE a.entity_number = ?1 "
	    ADDRESS_ORDER("a", "'REGO'") "LIMIT 1",
	R(SQL_REGQ_DENOMINATIONS) =
	    "SELECT d.type_of_denomination, "
	    LABEL("'TypeOfDenomination'", "d.type_of_denomination", "?2") " AS type_label, "
	    "d.language, " LABEL("'Language'", "d.language", "?2") " AS language_label, "
	    "d.denomination "
	    "FROM kbo_denomination d WHERE d.entity_number = ?1 AND d.denomination IS NOT NULL "
	    "ORDER BY d.type_of_denomination, d.language, d.id LIMIT 100",
	R(SQL_REGQ_ESTABLISHMENTS) =
	    "SELECT es.establishment_number, es.start_date, "
	    BEST_NAME("es.establishment_number", "'003'", "?3") " AS name, "
	    ADDRESS_COLS("?2") " "
	    "FROM kbo_establishment es LEFT JOIN kbo_address a "
	    "ON a.entity_number = es.establishment_number AND (a.extract_id, a.source_line) = "
	    ADDRESS_PICK("es.establishment_number", "'BAET'") " "
	    "WHERE es.enterprise_number = ?1 ORDER BY es.establishment_number LIMIT ?4",
	R(SQL_REGQ_ESTABLISHMENT_COUNT) =
	    "SELECT count(*) AS n FROM kbo_establishment WHERE enterprise_number = ?1",
	R(SQL_REGQ_ACTIVITIES) =
	    "SELECT a.activity_group, a.nace_version, a.nace_code, a.classification, "
	    LABEL("'Nace' || a.nace_version", "a.nace_code", "?2") " AS nace_label, "
	    LABEL("'ActivityGroup'", "a.activity_group", "?2") " AS activity_group_label, "
	    LABEL("'Classification'", "a.classification", "?2") " AS classification_label "
	    "FROM kbo_activity a WHERE a.entity_number = ?1 "
	    "ORDER BY a.nace_version DESC, CASE a.classification WHEN 'MAIN' THEN 0 "
	    "WHEN 'SECO' THEN 1 ELSE 2 END, a.activity_group, a.nace_code, a.extract_id, "
	    "a.source_line LIMIT ?3",
	R(SQL_REGQ_CONTACTS) =
	    "SELECT t.entity_number, t.contact_type, t.value, "
	    LABEL("'ContactType'", "t.contact_type", "?2") " AS contact_type_label FROM ("
	    "SELECT 0 AS k, c.extract_id AS x, c.source_line AS l, c.entity_number, "
	    "c.contact_type, c.value FROM kbo_contact c WHERE c.entity_number = ?1 UNION ALL "
	    "SELECT 1, c.extract_id, c.source_line, c.entity_number, c.contact_type, c.value "
	    "FROM kbo_establishment es JOIN kbo_contact c "
	    "ON c.entity_number = es.establishment_number WHERE es.enterprise_number = ?1) t "
	    "WHERE t.value IS NOT NULL ORDER BY t.k, t.entity_number, t.x, t.l LIMIT ?3",
	R(SQL_REGQ_FUNCTIONS) =
	    "SELECT f.enterprise_number, f.rep_niss, f.rep_enterprise, "
	    "CASE WHEN f.rep_niss IS NOT NULL THEN (SELECT p.first_names || ' ' || "
	    "p.last_name FROM reg_person p WHERE p.niss = f.rep_niss) ELSE "
	    BEST_NAME("f.rep_enterprise", "'001'", "?3") " END AS rep_name, "
	    "f.function_code, f.function_label, f.begin_date, f.end_date "
	    "FROM reg_function f WHERE f.enterprise_number = ?1 AND " CURRENT("f", "?2") " "
	    "ORDER BY f.begin_date, f.id LIMIT 500",
	R(SQL_REGQ_REPRESENTS) =
	    "SELECT 1 AS found FROM reg_function f WHERE f.enterprise_number = ?2 AND "
	    CURRENT("f", "?3") " AND (f.rep_niss = ?1 OR EXISTS (SELECT 1 FROM reg_function g "
	    "WHERE g.enterprise_number = f.rep_enterprise AND g.rep_niss = ?1 AND "
	    CURRENT("g", "?3") ")) LIMIT 1",
	R(SQL_REGQ_PERSON) =
	    "SELECT niss, last_name, first_names, birth_date, sex, language, country "
	    "FROM reg_person WHERE niss = ?1",
	/* The persons of a JSON array of NISS, columns as SQL_REGQ_PERSON. */
	R(SQL_REGQ_PERSONS) =
	    "SELECT niss, last_name, first_names, birth_date, sex, language, country "
	    "FROM reg_person WHERE niss IN " SQL_TEXT_LIST("?1"),
	R(SQL_REGQ_ESTABLISHMENT_OWNER) =
	    "SELECT enterprise_number FROM kbo_establishment WHERE establishment_number = ?1",
	/* The first ?2 denominations matching FTS5 query ?1, in index order, each with its
	 * enterprise (an establishment unit's name counts for its enterprise) and that
	 * enterprise's status (NULL when it is not in kbo_enterprise). No sorting here: the
	 * caller deduplicates and orders at most ?2 rows. */
#ifdef SQL_DIALECT_PG
	/* PostgreSQL has no FTS5: the GIN index of migrations/pg/017_registry_name_search.sql
	 * holds each name's words as FTS5's tokenizer makes them, and registry_name_query
	 * turns FTS5's query (query.c: quoted words, all required, the last one a prefix when
	 * followed by '*') into the same tsquery. The expression must stay the index's. */
	R(SQL_REGQ_SEARCH) =
	    "SELECT x.num, x.name, e.status FROM (SELECT CASE WHEN substr(d.entity_number, 1, 1) "
	    "IN ('0', '1') THEN d.entity_number ELSE (SELECT es.enterprise_number "
	    "FROM kbo_establishment es WHERE es.establishment_number = d.entity_number) END "
	    "AS num, d.denomination AS name FROM kbo_denomination d "
	    "WHERE to_tsvector('simple', registry_name_words(d.denomination)) @@ "
	    "registry_name_query(CAST(?1 AS text)) "
	    "ORDER BY d.id LIMIT ?2) x "
	    "LEFT JOIN kbo_enterprise e ON e.enterprise_number = x.num",
#else
	R(SQL_REGQ_SEARCH) =
	    "SELECT x.num, x.name, e.status FROM (SELECT CASE WHEN substr(d.entity_number, 1, 1) "
	    "IN ('0', '1') THEN d.entity_number ELSE (SELECT es.enterprise_number "
	    "FROM kbo_establishment es WHERE es.establishment_number = d.entity_number) END "
	    "AS num, d.denomination AS name FROM (SELECT rowid AS rid FROM kbo_denomination_fts "
	    "WHERE kbo_denomination_fts MATCH ?1 LIMIT ?2) f "
	    "JOIN kbo_denomination d ON d.id = f.rid) x "
	    "LEFT JOIN kbo_enterprise e ON e.enterprise_number = x.num",
#endif
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const query_cols[SQL_REGQ_END - SQL_REGQ_FIRST] = {
	[SQL_REGP_PERSON_LINE - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGP_PERSON_LINE_COLS),
	[SQL_REGP_FUNCTION_LINE - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGP_FUNCTION_LINE_COLS),
	[SQL_REGP_ENTERPRISE_EXISTS - SQL_REGQ_FIRST] =
	    SQL_COLS(SQL_REGP_ENTERPRISE_EXISTS_COLS),
	[SQL_REGP_ANY_ENTERPRISE - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGP_ANY_ENTERPRISE_COLS),
	[SQL_REGQ_ENTERPRISE - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_ENTERPRISE_COLS),
	[SQL_REGQ_SEAT - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_SEAT_COLS),
	[SQL_REGQ_DENOMINATIONS - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_DENOMINATIONS_COLS),
	[SQL_REGQ_ESTABLISHMENTS - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_ESTABLISHMENTS_COLS),
	[SQL_REGQ_ESTABLISHMENT_COUNT - SQL_REGQ_FIRST] =
	    SQL_COLS(SQL_REGQ_ESTABLISHMENT_COUNT_COLS),
	[SQL_REGQ_ACTIVITIES - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_ACTIVITIES_COLS),
	[SQL_REGQ_CONTACTS - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_CONTACTS_COLS),
	[SQL_REGQ_FUNCTIONS - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_FUNCTIONS_COLS),
	[SQL_REGQ_REPRESENTS - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_REPRESENTS_COLS),
	[SQL_REGQ_PERSON - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_PERSON_COLS),
	[SQL_REGQ_PERSONS - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_PERSON_COLS),
	[SQL_REGQ_ESTABLISHMENT_OWNER - SQL_REGQ_FIRST] =
	    SQL_COLS(SQL_REGQ_ESTABLISHMENT_OWNER_COLS),
	[SQL_REGQ_SEARCH - SQL_REGQ_FIRST] = SQL_COLS(SQL_REGQ_SEARCH_COLS),
};

const struct sql_table SQL_TABLE(registry_query) = {
	.first = SQL_REGQ_FIRST,
	.count = SQL_REGQ_END - SQL_REGQ_FIRST,
	.text = text,
	.cols = query_cols,
};
