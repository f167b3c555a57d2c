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
	SQL_REGQ_PERSONS,            /* JSON array of NISS (the CSV import of users) */
	SQL_REGQ_END
};

/* The SQLite text of these statements. */
/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_REGP_PERSON_LINE_COLS(X) X(REGP_PERSON_LINE_SOURCE_LINE, source_line)
SQL_COLUMNS(SQL_REGP_PERSON_LINE_COLS);
#define SQL_REGP_FUNCTION_LINE_COLS(X) X(REGP_FUNCTION_LINE_SOURCE_LINE, source_line)
SQL_COLUMNS(SQL_REGP_FUNCTION_LINE_COLS);
#define SQL_REGP_ENTERPRISE_EXISTS_COLS(X) X(REGP_ENTERPRISE_EXISTS_FOUND, found)
SQL_COLUMNS(SQL_REGP_ENTERPRISE_EXISTS_COLS);
#define SQL_REGP_ANY_ENTERPRISE_COLS(X) X(REGP_ANY_ENTERPRISE_FOUND, found)
SQL_COLUMNS(SQL_REGP_ANY_ENTERPRISE_COLS);
#define SQL_REGQ_ENTERPRISE_COLS(X) \
	X(REGQ_ENTERPRISE_ENTERPRISE_NUMBER, enterprise_number) \
	X(REGQ_ENTERPRISE_STATUS, status) \
	X(REGQ_ENTERPRISE_JURIDICAL_SITUATION, juridical_situation) \
	X(REGQ_ENTERPRISE_TYPE_OF_ENTERPRISE, type_of_enterprise) \
	X(REGQ_ENTERPRISE_JURIDICAL_FORM, juridical_form) \
	X(REGQ_ENTERPRISE_START_DATE, start_date) \
	X(REGQ_ENTERPRISE_JURIDICAL_FORM_LABEL, juridical_form_label) \
	X(REGQ_ENTERPRISE_JURIDICAL_SITUATION_LABEL, juridical_situation_label) \
	X(REGQ_ENTERPRISE_TYPE_OF_ENTERPRISE_LABEL, type_of_enterprise_label) \
	X(REGQ_ENTERPRISE_STATUS_LABEL, status_label) X(REGQ_ENTERPRISE_NAME, name)
SQL_COLUMNS(SQL_REGQ_ENTERPRISE_COLS);
#define SQL_REGQ_SEAT_COLS(X) \
	X(REGQ_SEAT_TYPE_OF_ADDRESS, type_of_address) \
	X(REGQ_SEAT_TYPE_OF_ADDRESS_LABEL, type_of_address_label) \
	X(REGQ_SEAT_COUNTRY_NL, country_nl) X(REGQ_SEAT_COUNTRY_FR, country_fr) \
	X(REGQ_SEAT_ZIPCODE, zipcode) X(REGQ_SEAT_MUNICIPALITY_NL, municipality_nl) \
	X(REGQ_SEAT_MUNICIPALITY_FR, municipality_fr) X(REGQ_SEAT_STREET_NL, street_nl) \
	X(REGQ_SEAT_STREET_FR, street_fr) X(REGQ_SEAT_HOUSE_NUMBER, house_number) \
	X(REGQ_SEAT_BOX, box) X(REGQ_SEAT_EXTRA_ADDRESS_INFO, extra_address_info)
SQL_COLUMNS(SQL_REGQ_SEAT_COLS);
#define SQL_REGQ_DENOMINATIONS_COLS(X) \
	X(REGQ_DENOMINATIONS_TYPE_OF_DENOMINATION, type_of_denomination) \
	X(REGQ_DENOMINATIONS_TYPE_LABEL, type_label) \
	X(REGQ_DENOMINATIONS_LANGUAGE, language) \
	X(REGQ_DENOMINATIONS_LANGUAGE_LABEL, language_label) \
	X(REGQ_DENOMINATIONS_DENOMINATION, denomination)
SQL_COLUMNS(SQL_REGQ_DENOMINATIONS_COLS);
#define SQL_REGQ_ESTABLISHMENTS_COLS(X) \
	X(REGQ_ESTABLISHMENTS_ESTABLISHMENT_NUMBER, establishment_number) \
	X(REGQ_ESTABLISHMENTS_START_DATE, start_date) X(REGQ_ESTABLISHMENTS_NAME, name) \
	X(REGQ_ESTABLISHMENTS_TYPE_OF_ADDRESS, type_of_address) \
	X(REGQ_ESTABLISHMENTS_TYPE_OF_ADDRESS_LABEL, type_of_address_label) \
	X(REGQ_ESTABLISHMENTS_COUNTRY_NL, country_nl) \
	X(REGQ_ESTABLISHMENTS_COUNTRY_FR, country_fr) \
	X(REGQ_ESTABLISHMENTS_ZIPCODE, zipcode) \
	X(REGQ_ESTABLISHMENTS_MUNICIPALITY_NL, municipality_nl) \
	X(REGQ_ESTABLISHMENTS_MUNICIPALITY_FR, municipality_fr) \
	X(REGQ_ESTABLISHMENTS_STREET_NL, street_nl) \
	X(REGQ_ESTABLISHMENTS_STREET_FR, street_fr) \
	X(REGQ_ESTABLISHMENTS_HOUSE_NUMBER, house_number) X(REGQ_ESTABLISHMENTS_BOX, box) \
	X(REGQ_ESTABLISHMENTS_EXTRA_ADDRESS_INFO, extra_address_info)
SQL_COLUMNS(SQL_REGQ_ESTABLISHMENTS_COLS);
#define SQL_REGQ_ESTABLISHMENT_COUNT_COLS(X) X(REGQ_ESTABLISHMENT_COUNT_N, n)
SQL_COLUMNS(SQL_REGQ_ESTABLISHMENT_COUNT_COLS);
#define SQL_REGQ_ACTIVITIES_COLS(X) \
	X(REGQ_ACTIVITIES_ACTIVITY_GROUP, activity_group) \
	X(REGQ_ACTIVITIES_NACE_VERSION, nace_version) \
	X(REGQ_ACTIVITIES_NACE_CODE, nace_code) \
	X(REGQ_ACTIVITIES_CLASSIFICATION, classification) \
	X(REGQ_ACTIVITIES_NACE_LABEL, nace_label) \
	X(REGQ_ACTIVITIES_ACTIVITY_GROUP_LABEL, activity_group_label) \
	X(REGQ_ACTIVITIES_CLASSIFICATION_LABEL, classification_label)
SQL_COLUMNS(SQL_REGQ_ACTIVITIES_COLS);
#define SQL_REGQ_CONTACTS_COLS(X) \
	X(REGQ_CONTACTS_ENTITY_NUMBER, entity_number) \
	X(REGQ_CONTACTS_CONTACT_TYPE, contact_type) X(REGQ_CONTACTS_VALUE, value) \
	X(REGQ_CONTACTS_CONTACT_TYPE_LABEL, contact_type_label)
SQL_COLUMNS(SQL_REGQ_CONTACTS_COLS);
#define SQL_REGQ_FUNCTIONS_COLS(X) \
	X(REGQ_FUNCTIONS_ENTERPRISE_NUMBER, enterprise_number) \
	X(REGQ_FUNCTIONS_REP_NISS, rep_niss) \
	X(REGQ_FUNCTIONS_REP_ENTERPRISE, rep_enterprise) \
	X(REGQ_FUNCTIONS_REP_NAME, rep_name) \
	X(REGQ_FUNCTIONS_FUNCTION_CODE, function_code) \
	X(REGQ_FUNCTIONS_FUNCTION_LABEL, function_label) \
	X(REGQ_FUNCTIONS_BEGIN_DATE, begin_date) X(REGQ_FUNCTIONS_END_DATE, end_date)
SQL_COLUMNS(SQL_REGQ_FUNCTIONS_COLS);
#define SQL_REGQ_REPRESENTS_COLS(X) X(REGQ_REPRESENTS_FOUND, found)
SQL_COLUMNS(SQL_REGQ_REPRESENTS_COLS);
#define SQL_REGQ_PERSON_COLS(X) \
	X(REGQ_PERSON_NISS, niss) X(REGQ_PERSON_LAST_NAME, last_name) \
	X(REGQ_PERSON_FIRST_NAMES, first_names) X(REGQ_PERSON_BIRTH_DATE, birth_date) \
	X(REGQ_PERSON_SEX, sex) X(REGQ_PERSON_LANGUAGE, language) \
	X(REGQ_PERSON_COUNTRY, country)
SQL_COLUMNS(SQL_REGQ_PERSON_COLS);
#define SQL_REGQ_ESTABLISHMENT_OWNER_COLS(X) \
	X(REGQ_ESTABLISHMENT_OWNER_ENTERPRISE_NUMBER, enterprise_number)
SQL_COLUMNS(SQL_REGQ_ESTABLISHMENT_OWNER_COLS);
#define SQL_REGQ_SEARCH_COLS(X) \
	X(REGQ_SEARCH_NUM, num) X(REGQ_SEARCH_NAME, name) X(REGQ_SEARCH_STATUS, status)
SQL_COLUMNS(SQL_REGQ_SEARCH_COLS);

extern const struct sql_table sql_registry_query_sqlite;
extern const struct sql_table sql_registry_query_pg;   /* the same, PostgreSQL's */

#endif
