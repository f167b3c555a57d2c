/* person_sql.h — statement ids of people and their access codes (person,
 * credential_password), owned by auth/
 * (SQL_RANGE_AUTH + 200 … 499); every other module goes through auth/person.h. */
#ifndef PORTIER_AUTH_PERSON_SQL_H
#define PORTIER_AUTH_PERSON_SQL_H

#include "store/sql_table.h"

enum person_sql {
	SQL_PERSON_FIRST = SQL_RANGE_AUTH + 200,
	SQL_PERSON_INSERT = SQL_PERSON_FIRST, /* niss, last, first, lang, email, names from,
	                                       * created_at (clock_text) */
	SQL_PERSON_GET,                       /* (id) -> id, niss, last, first, lang, email,
	                                       * name_source */
	SQL_PERSON_BY_NISS,                   /* (niss) -> the same columns */
	SQL_PERSON_SET_CONTACT,               /* (id, email, language): their own data */
	/* access codes (credential_password) */
	SQL_PASSWORD_BY_USERNAME,
	SQL_PASSWORD_PUT,
	SQL_PASSWORD_SET_HASH,
	SQL_PERSON_END
};

/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_PERSON_INSERT_COLS(X) X(PERSON_INSERT_ID, id)
SQL_COLUMNS(SQL_PERSON_INSERT_COLS);
#define SQL_PERSON_COLS(X) \
	X(PERSON_ID, id) X(PERSON_NISS, niss) X(PERSON_LAST_NAME, last_name) \
	X(PERSON_FIRST_NAME, first_name) X(PERSON_LANGUAGE, language) \
	X(PERSON_EMAIL, email) X(PERSON_NAME_SOURCE, name_source)
SQL_COLUMNS(SQL_PERSON_COLS);
#define SQL_PASSWORD_BY_USERNAME_COLS(X) \
	X(PASSWORD_BY_USERNAME_PERSON_ID, person_id) X(PASSWORD_BY_USERNAME_HASH, hash)
SQL_COLUMNS(SQL_PASSWORD_BY_USERNAME_COLS);

extern const struct sql_table sql_person_sqlite;
extern const struct sql_table sql_person_pg;   /* the same, PostgreSQL's */

#endif
