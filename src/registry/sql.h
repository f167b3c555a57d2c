/* sql.h — the names of the registry's statements (KBO Open Data, later legal functions
 * and persons), in the registry's id range; sql_sqlite.c gives each its SQLite text. */
#ifndef PORTIER_REGISTRY_SQL_H
#define PORTIER_REGISTRY_SQL_H

#include "store/sql_table.h"

enum registry_sql {
	SQL_REGISTRY_FIRST = SQL_RANGE_REGISTRY,
	/* applied extracts */
	SQL_KBO_EXTRACT_LAST = SQL_REGISTRY_FIRST,
	SQL_KBO_EXTRACT_NEXT_ID,
	SQL_KBO_EXTRACT_INSERT,
	/* one group per official file: CLEAR empties the table; INSERT adds a row (text
	 * parameters in file order, then the extract id and the source line); UPSERT inserts
	 * or replaces a row written by an earlier extract; DELETE removes an entity's rows
	 * written by earlier extracts (parameters: number, extract id) */
	SQL_KBO_META_CLEAR,
	SQL_KBO_META_INSERT,
	SQL_KBO_CODE_CLEAR,
	SQL_KBO_CODE_INSERT,
	SQL_KBO_ENTERPRISE_CLEAR,
	SQL_KBO_ENTERPRISE_INSERT,
	SQL_KBO_ENTERPRISE_UPSERT,
	SQL_KBO_ENTERPRISE_DELETE,
	SQL_KBO_ESTABLISHMENT_CLEAR,
	SQL_KBO_ESTABLISHMENT_INSERT,
	SQL_KBO_ESTABLISHMENT_UPSERT,
	SQL_KBO_ESTABLISHMENT_DELETE,
	SQL_KBO_DENOMINATION_CLEAR,
	SQL_KBO_DENOMINATION_INSERT,
	SQL_KBO_DENOMINATION_DELETE,
	SQL_KBO_ADDRESS_CLEAR,
	SQL_KBO_ADDRESS_INSERT,
	SQL_KBO_ADDRESS_DELETE,
	SQL_KBO_CONTACT_CLEAR,
	SQL_KBO_CONTACT_INSERT,
	SQL_KBO_CONTACT_DELETE,
	SQL_KBO_ACTIVITY_CLEAR,
	SQL_KBO_ACTIVITY_INSERT,
	SQL_KBO_ACTIVITY_DELETE,
	SQL_KBO_BRANCH_CLEAR,
	SQL_KBO_BRANCH_INSERT,
	SQL_KBO_BRANCH_UPSERT,
	SQL_KBO_BRANCH_DELETE,
	/* the name index over denominations */
	SQL_KBO_FTS_INSERT,          /* the row just inserted (parameters: its 4 values) */
	SQL_KBO_FTS_DELETE,          /* an entity's rows, as DENOMINATION_DELETE */
	SQL_KBO_FTS_REBUILD,
	/* the secondary indexes a full load drops before loading their table and builds
	 * after it: the same as 003_registry.sql (address, contact and activity are kept in
	 * entity order instead; branch, a few thousand rows, keeps its index) */
	SQL_KBO_INDEX_DROP_ESTABLISHMENT,
	SQL_KBO_INDEX_DROP_DENOMINATION,
	SQL_KBO_INDEX_CREATE_ESTABLISHMENT,
	SQL_KBO_INDEX_CREATE_DENOMINATION,
	/* the bulk path of full loads (store_load): a one-row INSERT for SQLite, COPY of the
	 * same columns for PostgreSQL; parameters as X_INSERT */
	SQL_KBO_CODE_LOAD,
	SQL_KBO_ENTERPRISE_LOAD,
	SQL_KBO_ESTABLISHMENT_LOAD,
	SQL_KBO_DENOMINATION_LOAD,
	SQL_KBO_ADDRESS_LOAD,
	SQL_KBO_CONTACT_LOAD,
	SQL_KBO_ACTIVITY_LOAD,
	SQL_KBO_BRANCH_LOAD,
	SQL_REGISTRY_END
};

/* The SQLite text of the registry's statements. */
/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_KBO_EXTRACT_LAST_COLS(X) \
	X(KBO_EXTRACT_LAST_EXTRACT_NUMBER, extract_number) \
	X(KBO_EXTRACT_LAST_EXTRACT_TYPE, extract_type) \
	X(KBO_EXTRACT_LAST_APPLIED_AT, applied_at)
SQL_COLUMNS(SQL_KBO_EXTRACT_LAST_COLS);
#define SQL_KBO_EXTRACT_NEXT_ID_COLS(X) X(KBO_EXTRACT_NEXT_ID_NEXT_ID, next_id)
SQL_COLUMNS(SQL_KBO_EXTRACT_NEXT_ID_COLS);

extern const struct sql_table sql_registry_sqlite;
extern const struct sql_table sql_registry_pg;   /* the same, PostgreSQL's */

#endif
