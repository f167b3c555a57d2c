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
/* A full load inserts SQL_KBO_MANY rows per statement: one statement start, one cursor
 * and one seek to the end of the table for all of them. OR FAIL: a failing row stops the
 * statement and keeps the rows before it (the import fails as a whole anyway), so SQLite
 * needs no statement journal, which past 64 KiB turns into a temporary file written at
 * every statement. Anonymous parameters number themselves in order: row r's values are
 * r * (columns + 2) + 1 ... */
#define X2(r) r ", " r
#define X4(r) X2(r) ", " X2(r)
#define X8(r) X4(r) ", " X4(r)
#define X16(r) X8(r) ", " X8(r)
#define X32(r) X16(r) ", " X16(r)
#define MANY(r) X32(r)
#define ROW_TAIL "?, ?)"
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
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, " SQL_NOW ")",

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

	/* full loads */
	R(SQL_KBO_CODE_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_code(category, code, language, description, extract_id, "
	    "source_line) "
	    "VALUES " MANY("(?, ?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_ENTERPRISE_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_enterprise(enterprise_number, status, juridical_situation, "
	    "type_of_enterprise, juridical_form, juridical_form_cac, start_date, extract_id, "
	    "source_line) "
	    "VALUES " MANY("(?, ?, ?, ?, ?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_ESTABLISHMENT_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_establishment(establishment_number, start_date, "
	    "enterprise_number, extract_id, source_line) "
	    "VALUES " MANY("(?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_DENOMINATION_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_denomination(entity_number, language, type_of_denomination, "
	    "denomination, extract_id, source_line) "
	    "VALUES " MANY("(?, ?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_ADDRESS_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_address(entity_number, type_of_address, country_nl, country_fr, "
	    "zipcode, municipality_nl, municipality_fr, street_nl, street_fr, house_number, "
	    "box, extra_address_info, date_striking_off, extract_id, source_line) "
	    "VALUES " MANY("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_CONTACT_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_contact(entity_number, entity_contact, contact_type, value, "
	    "extract_id, source_line) "
	    "VALUES " MANY("(?, ?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_ACTIVITY_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_activity(entity_number, activity_group, nace_version, "
	    "nace_code, classification, extract_id, source_line) "
	    "VALUES " MANY("(?, ?, ?, ?, ?, " ROW_TAIL),
	R(SQL_KBO_BRANCH_INSERT_MANY) =
	    SQL_INSERT_OR_FAIL " INTO kbo_branch(id, start_date, enterprise_number, extract_id, "
	    "source_line) "
	    "VALUES " MANY("(?, ?, ?, " ROW_TAIL),

#ifdef SQL_DIALECT_PG
	/* No name index to keep: PostgreSQL's name search reads kbo_denomination itself
	 * (query_sql.c). The parameters are named so that the statements prepare; the
	 * rebuild refreshes the planner's statistics after a load. */
	R(SQL_KBO_FTS_INSERT) =
	    "SELECT 1 WHERE CAST(?1 AS text) IS NULL AND CAST(?2 AS text) IS NULL "
	    "AND CAST(?3 AS text) IS NULL AND CAST(?4 AS text) IS NULL AND false",
	R(SQL_KBO_FTS_DELETE) =
	    "SELECT 1 WHERE CAST(?1 AS text) IS NULL AND CAST(?2 AS text) IS NULL AND false",
	R(SQL_KBO_FTS_REBUILD) = "ANALYZE kbo_denomination",
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
	R(SQL_KBO_INDEX_DROP_DENOMINATION) = "DROP INDEX IF EXISTS kbo_denomination_entity",
	R(SQL_KBO_INDEX_CREATE_ESTABLISHMENT) =
	    "CREATE INDEX kbo_establishment_enterprise ON kbo_establishment(enterprise_number)",
	R(SQL_KBO_INDEX_CREATE_DENOMINATION) =
	    "CREATE INDEX kbo_denomination_entity ON kbo_denomination(entity_number)",
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
