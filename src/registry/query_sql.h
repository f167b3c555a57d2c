/* query_sql.h — the names of the statements of the registry's queries (registry.h) and of
 * the persons and legal functions imports, in the registry range from +500 (the KBO
 * import owns the ids below, registry/sql.h); query_sql.c gives each its SQLite text. */
#ifndef PORTIER_REGISTRY_QUERY_SQL_H
#define PORTIER_REGISTRY_QUERY_SQL_H

#include "store/sql_table.h"

enum registry_query_sql {
	SQL_REGQ_FIRST = SQL_RANGE_REGISTRY + 500,
	/* persons import (migrations/010_registry_people.sql) */
	SQL_REGP_PERSON_CLEAR = SQL_REGQ_FIRST,
	SQL_REGP_PERSON_INSERT,      /* niss, last, first, birth, sex, lang, country, line */
	SQL_REGP_PERSON_LINE,        /* niss -> source_line */
	/* legal functions import */
	SQL_REGP_FUNCTION_CLEAR,
	SQL_REGP_FUNCTION_INSERT,    /* enterprise, niss, rep ent., code, label, begin, end, line */
	SQL_REGP_FUNCTION_LINE,      /* enterprise, representative, code, begin -> source_line */
	SQL_REGP_ENTERPRISE_EXISTS,  /* number -> 1 */
	SQL_REGP_IMPORT_INSERT,      /* kind, source, rows, rejected, applied_at */
	SQL_REGP_ANY_ENTERPRISE,     /* -> 1 when kbo_enterprise has a row */
	/* queries; "lang" parameters are a code-table language (FR, NL, DE, EN) or a KBO
	 * denomination language (0 unknown, 1 FR, 2 NL, 3 DE, 4 EN) as each statement says */
	SQL_REGQ_ENTERPRISE,         /* number, code lang, KBO lang */
	SQL_REGQ_SEAT,               /* number, code lang */
	SQL_REGQ_DENOMINATIONS,      /* number, code lang */
	SQL_REGQ_ESTABLISHMENTS,     /* number, code lang, KBO lang, max */
	SQL_REGQ_ESTABLISHMENT_COUNT,/* number */
	SQL_REGQ_ACTIVITIES,         /* number, code lang, max */
	SQL_REGQ_CONTACTS,           /* number, code lang, max */
	SQL_REGQ_FUNCTIONS,          /* number, today, KBO lang */
	SQL_REGQ_REPRESENTS,         /* niss, number, today */
	SQL_REGQ_PERSON,             /* niss */
	SQL_REGQ_ESTABLISHMENT_OWNER,/* establishment number -> enterprise number */
	SQL_REGQ_SEARCH,             /* FTS5 query, max rows -> number, name, status */
	SQL_REGQ_END
};

/* The SQLite text of these statements. */
extern const struct sql_table sql_registry_query_sqlite;
extern const struct sql_table sql_registry_query_pg;   /* the same, PostgreSQL's */

#endif
