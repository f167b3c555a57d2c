/* email_code_sql.h — statement ids of the security codes sent by e-mail (SQL_RANGE_AUTH +
 * 950 … 999; table email_code, migrations/026_email_code.sql). */
#ifndef PORTIER_AUTH_EMAIL_CODE_SQL_H
#define PORTIER_AUTH_EMAIL_CODE_SQL_H

#include "store/sql_table.h"

enum email_code_sql {
	SQL_EMAIL_CODE_FIRST = SQL_RANGE_AUTH + 950,
	SQL_EMAIL_CODE_PURGE = SQL_EMAIL_CODE_FIRST,
	SQL_EMAIL_CODE_SENT_SINCE,
	SQL_EMAIL_CODE_VOID_OPEN,
	SQL_EMAIL_CODE_INSERT,
	SQL_EMAIL_CODE_GET,
	SQL_EMAIL_CODE_USE,
	SQL_EMAIL_CODE_WRONG,
	SQL_EMAIL_CODE_END
};

#define SQL_EMAIL_CODE_SENT_SINCE_COLS(X) X(EMAIL_CODE_SENT_SINCE_N, n)
SQL_COLUMNS(SQL_EMAIL_CODE_SENT_SINCE_COLS);
#define SQL_EMAIL_CODE_GET_COLS(X) \
	X(EMAIL_CODE_GET_ID, id) X(EMAIL_CODE_GET_BINDING_HASH, binding_hash) \
	X(EMAIL_CODE_GET_PERSON_ID, person_id) X(EMAIL_CODE_GET_USERNAME, username) \
	X(EMAIL_CODE_GET_CODE_HASH, code_hash) X(EMAIL_CODE_GET_ATTEMPTS, attempts) \
	X(EMAIL_CODE_GET_EXPIRES_AT, expires_at) X(EMAIL_CODE_GET_USED_AT, used_at) \
	X(EMAIL_CODE_GET_VOID_AT, void_at)
SQL_COLUMNS(SQL_EMAIL_CODE_GET_COLS);

/* The statements' text (both backends read the same portable SQL). */
extern const struct sql_table sql_email_code_sqlite;

#endif
