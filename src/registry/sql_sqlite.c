/* sql_sqlite.c — the SQLite text of the registry's statements (schema: migrations/
 * 003_registry.sql). Bound parameters only. Row values are text; the extract id and the
 * source line are bound as integers (converting text there, by CAST or column affinity,
 * cost a quarter of the writing time of a full load). */
#include "registry/sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define R(id) [(id) - SQL_REGISTRY_FIRST]
/* The two parameters that follow a row's values in every INSERT. */
#define TAIL(x, l) "?" #x ", ?" #l ")"
/* The bulk-load text of a table's columns (store_load): COPY on PostgreSQL, a one-row
 * INSERT with params on SQLite. */
#ifdef SQL_DIALECT_PG
#define LOAD(table, cols, params) "COPY " table "(" cols ") FROM STDIN"
#else
#define LOAD(table, cols, params) "INSERT INTO " table "(" cols ") VALUES (" params ")"
#endif
#define P5 "?1, ?2, ?3, ?4, ?5"
#define P6 P5 ", ?6"
#define P7 P6 ", ?7"
#define P9 P7 ", ?8, ?9"
#define P15 P9 ", ?10, ?11, ?12, ?13, ?14, ?15"
/* Deletes the rows of one key (?1) that an older extract than ?2 wrote: what an update
 * extract replaces. */
#define OLDER(table, key) "DELETE FROM " table " WHERE " key " = ?1 AND extract_id <> ?2"

static const char *const registry_text[SQL_REGISTRY_END - SQL_REGISTRY_FIRST] = {
	R(SQL_KBO_EXTRACT_LAST) =
	    "SELECT extract_number, extract_type, applied_at FROM kbo_extract "
	    "ORDER BY id DESC LIMIT 1",
	R(SQL_KBO_EXTRACT_NEXT_ID) =
	    "SELECT coalesce(max(id), 0) + 1 AS next_id FROM kbo_extract",
	R(SQL_KBO_EXTRACT_INSERT) =
	    "INSERT INTO kbo_extract(id, extract_number, extract_type, snapshot_date, "
	    "extract_timestamp, version, source, forced, rows, applied_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",

	R(SQL_KBO_META_CLEAR) = "DELETE FROM kbo_meta",
	R(SQL_KBO_META_INSERT) =
	    "INSERT INTO kbo_meta(variable, value, extract_id) VALUES (?1, ?2, ?3)",

	R(SQL_KBO_CODE_CLEAR) = "DELETE FROM kbo_code",
	R(SQL_KBO_CODE_INSERT) =
	    "INSERT INTO kbo_code(category, code, language, description, extract_id, "
	    "source_line) VALUES (?1, ?2, ?3, ?4, " TAIL(5, 6),

	R(SQL_KBO_ENTERPRISE_CLEAR) = "DELETE FROM kbo_enterprise",
	R(SQL_KBO_ENTERPRISE_INSERT) =
	    "INSERT INTO kbo_enterprise(enterprise_number, status, juridical_situation, "
	    "type_of_enterprise, juridical_form, juridical_form_cac, start_date, extract_id, "
	    "source_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " TAIL(8, 9),
	R(SQL_KBO_ENTERPRISE_UPSERT) =
	    "INSERT INTO kbo_enterprise(enterprise_number, status, juridical_situation, "
	    "type_of_enterprise, juridical_form, juridical_form_cac, start_date, extract_id, "
	    "source_line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " TAIL(8, 9) " "
	    "ON CONFLICT(enterprise_number) DO UPDATE SET status = excluded.status, "
	    "juridical_situation = excluded.juridical_situation, "
	    "type_of_enterprise = excluded.type_of_enterprise, "
	    "juridical_form = excluded.juridical_form, "
	    "juridical_form_cac = excluded.juridical_form_cac, "
	    "start_date = excluded.start_date, extract_id = excluded.extract_id, "
	    "source_line = excluded.source_line "
	    "WHERE kbo_enterprise.extract_id <> excluded.extract_id",
	R(SQL_KBO_ENTERPRISE_DELETE) = OLDER("kbo_enterprise", "enterprise_number"),

	R(SQL_KBO_ESTABLISHMENT_CLEAR) = "DELETE FROM kbo_establishment",
	R(SQL_KBO_ESTABLISHMENT_INSERT) =
	    "INSERT INTO kbo_establishment(establishment_number, start_date, "
	    "enterprise_number, extract_id, source_line) VALUES (?1, ?2, ?3, " TAIL(4, 5),
	R(SQL_KBO_ESTABLISHMENT_UPSERT) =
	    "INSERT INTO kbo_establishment(establishment_number, start_date, "
	    "enterprise_number, extract_id, source_line) VALUES (?1, ?2, ?3, " TAIL(4, 5) " "
	    "ON CONFLICT(establishment_number) DO UPDATE SET start_date = excluded.start_date, "
	    "enterprise_number = excluded.enterprise_number, extract_id = excluded.extract_id, "
	    "source_line = excluded.source_line "
	    "WHERE kbo_establishment.extract_id <> excluded.extract_id",
	R(SQL_KBO_ESTABLISHMENT_DELETE) = OLDER("kbo_establishment", "establishment_number"),

	R(SQL_KBO_DENOMINATION_CLEAR) = "DELETE FROM kbo_denomination",
	R(SQL_KBO_DENOMINATION_INSERT) =
	    "INSERT INTO kbo_denomination(entity_number, language, type_of_denomination, "
	    "denomination, extract_id, source_line) VALUES (?1, ?2, ?3, ?4, " TAIL(5, 6),
	R(SQL_KBO_DENOMINATION_DELETE) = OLDER("kbo_denomination", "entity_number"),

	R(SQL_KBO_ADDRESS_CLEAR) = "DELETE FROM kbo_address",
	R(SQL_KBO_ADDRESS_INSERT) =
	    "INSERT INTO kbo_address(entity_number, type_of_address, country_nl, country_fr, "
	    "zipcode, municipality_nl, municipality_fr, street_nl, street_fr, house_number, "
	    "box, extra_address_info, date_striking_off, extract_id, source_line) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, " TAIL(14, 15),
	R(SQL_KBO_ADDRESS_DELETE) = OLDER("kbo_address", "entity_number"),

	R(SQL_KBO_CONTACT_CLEAR) = "DELETE FROM kbo_contact",
	R(SQL_KBO_CONTACT_INSERT) =
	    "INSERT INTO kbo_contact(entity_number, entity_contact, contact_type, value, "
	    "extract_id, source_line) VALUES (?1, ?2, ?3, ?4, " TAIL(5, 6),
	R(SQL_KBO_CONTACT_DELETE) = OLDER("kbo_contact", "entity_number"),

	R(SQL_KBO_ACTIVITY_CLEAR) = "DELETE FROM kbo_activity",
	R(SQL_KBO_ACTIVITY_INSERT) =
	    "INSERT INTO kbo_activity(entity_number, activity_group, nace_version, nace_code, "
	    "classification, extract_id, source_line) VALUES (?1, ?2, ?3, ?4, ?5, " TAIL(6, 7),
	R(SQL_KBO_ACTIVITY_DELETE) = OLDER("kbo_activity", "entity_number"),

	R(SQL_KBO_BRANCH_CLEAR) = "DELETE FROM kbo_branch",
	R(SQL_KBO_BRANCH_INSERT) =
	    "INSERT INTO kbo_branch(id, start_date, enterprise_number, extract_id, source_line) "
	    "VALUES (?1, ?2, ?3, " TAIL(4, 5),
	R(SQL_KBO_BRANCH_UPSERT) =
	    "INSERT INTO kbo_branch(id, start_date, enterprise_number, extract_id, source_line) "
	    "VALUES (?1, ?2, ?3, " TAIL(4, 5) " "
	    "ON CONFLICT(id) DO UPDATE SET start_date = excluded.start_date, "
	    "enterprise_number = excluded.enterprise_number, extract_id = excluded.extract_id, "
	    "source_line = excluded.source_line "
	    "WHERE kbo_branch.extract_id <> excluded.extract_id",
	R(SQL_KBO_BRANCH_DELETE) = OLDER("kbo_branch", "id"),

#ifdef SQL_DIALECT_PG
	/* The name index is a GIN index over kbo_denomination itself (migrations/pg/
	 * 017_registry_name_search.sql), kept up to date by PostgreSQL: nothing to insert or
	 * delete by hand. The parameters are named so that the statements prepare. A full
	 * load drops it with the entity index and builds it here once the table is full. */
	R(SQL_KBO_FTS_INSERT) =
	    "SELECT 1 WHERE CAST(?1 AS text) IS NULL AND CAST(?2 AS text) IS NULL "
	    "AND CAST(?3 AS text) IS NULL AND CAST(?4 AS text) IS NULL AND false",
	R(SQL_KBO_FTS_DELETE) =
	    "SELECT 1 WHERE CAST(?1 AS text) IS NULL AND CAST(?2 AS text) IS NULL AND false",
	R(SQL_KBO_FTS_REBUILD) =
	    "CREATE INDEX kbo_denomination_words ON kbo_denomination "
	    "USING gin (to_tsvector('simple', registry_name_words(denomination)))",
#else
	R(SQL_KBO_FTS_INSERT) =
	    "INSERT INTO kbo_denomination_fts(rowid, denomination) "
	    "VALUES (last_insert_rowid(), ?4)",
	R(SQL_KBO_FTS_DELETE) =
	    "INSERT INTO kbo_denomination_fts(kbo_denomination_fts, rowid, denomination) "
	    "SELECT 'delete', id, denomination FROM kbo_denomination "
	    "WHERE entity_number = ?1 AND extract_id <> ?2",
	R(SQL_KBO_FTS_REBUILD) =
	    "INSERT INTO kbo_denomination_fts(kbo_denomination_fts) VALUES ('rebuild')",
#endif

	R(SQL_KBO_INDEX_DROP_ESTABLISHMENT) = "DROP INDEX IF EXISTS kbo_establishment_enterprise",
#ifdef SQL_DIALECT_PG
	R(SQL_KBO_INDEX_DROP_DENOMINATION) =
	    "DROP INDEX IF EXISTS kbo_denomination_entity, kbo_denomination_words",
#else
	R(SQL_KBO_INDEX_DROP_DENOMINATION) = "DROP INDEX IF EXISTS kbo_denomination_entity",
#endif
	R(SQL_KBO_INDEX_CREATE_ESTABLISHMENT) =
	    "CREATE INDEX kbo_establishment_enterprise ON kbo_establishment(enterprise_number)",
	R(SQL_KBO_INDEX_CREATE_DENOMINATION) =
	    "CREATE INDEX kbo_denomination_entity ON kbo_denomination(entity_number)",

	/* full loads through store_load: PostgreSQL copies the rows in; SQLite (and
	 * PostgreSQL, to find a refused row after a failed COPY) inserts them one by one */
	R(SQL_KBO_CODE_LOAD) = LOAD("kbo_code",
	    "category, code, language, description, extract_id, source_line", P6),
	R(SQL_KBO_ENTERPRISE_LOAD) = LOAD("kbo_enterprise",
	    "enterprise_number, status, juridical_situation, "
	    "type_of_enterprise, juridical_form, juridical_form_cac, start_date, extract_id, "
	    "source_line", P9),
	R(SQL_KBO_ESTABLISHMENT_LOAD) = LOAD("kbo_establishment",
	    "establishment_number, start_date, enterprise_number, "
	    "extract_id, source_line", P5),
	R(SQL_KBO_DENOMINATION_LOAD) = LOAD("kbo_denomination",
	    "entity_number, language, type_of_denomination, "
	    "denomination, extract_id, source_line", P6),
	R(SQL_KBO_ADDRESS_LOAD) = LOAD("kbo_address",
	    "entity_number, type_of_address, country_nl, country_fr, "
	    "zipcode, municipality_nl, municipality_fr, street_nl, street_fr, house_number, "
	    "box, extra_address_info, date_striking_off, extract_id, source_line", P15),
	R(SQL_KBO_CONTACT_LOAD) = LOAD("kbo_contact",
	    "entity_number, entity_contact, contact_type, value, "
	    "extract_id, source_line", P6),
	R(SQL_KBO_ACTIVITY_LOAD) = LOAD("kbo_activity",
	    "entity_number, activity_group, nace_version, nace_code, "
	    "classification, extract_id, source_line", P7),
	R(SQL_KBO_BRANCH_LOAD) = LOAD("kbo_branch",
	    "id, start_date, enterprise_number, extract_id, source_line", P5),
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const registry_cols[SQL_REGISTRY_END - SQL_REGISTRY_FIRST] = {
	[SQL_KBO_EXTRACT_LAST - SQL_REGISTRY_FIRST] = SQL_COLS(SQL_KBO_EXTRACT_LAST_COLS),
	[SQL_KBO_EXTRACT_NEXT_ID - SQL_REGISTRY_FIRST] =
	    SQL_COLS(SQL_KBO_EXTRACT_NEXT_ID_COLS),
};

const struct sql_table SQL_TABLE(registry) = {
	.first = SQL_REGISTRY_FIRST,
	.count = SQL_REGISTRY_END - SQL_REGISTRY_FIRST,
	.text = registry_text,
	.cols = registry_cols,
};
