/* sql.h — statement ids of the mail outbox (SQL_RANGE_ACCESS + 900 … 999); their SQLite
 * text is mail/sql_sqlite.c. */
#ifndef PORTIER_MAIL_SQL_H
#define PORTIER_MAIL_SQL_H

#include "store/sql_table.h"

enum mail_sql {
	SQL_MAIL_FIRST = SQL_RANGE_ACCESS + 900,
	SQL_MAIL_INSERT = SQL_MAIL_FIRST,
	SQL_MAIL_DUE,
	SQL_MAIL_CLAIM,
	SQL_MAIL_SENT,
	SQL_MAIL_RETRY,
	SQL_MAIL_FAILED,
	SQL_MAIL_LIST,
	SQL_MAIL_COUNT,
	SQL_MAIL_END
};

/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_MAIL_DUE_COLS(X) X(MAIL_DUE_ID, id) X(MAIL_DUE_NEXT_ATTEMPT, next_attempt)
SQL_COLUMNS(SQL_MAIL_DUE_COLS);
#define SQL_MAIL_LIST_COLS(X) \
	X(MAIL_LIST_ID, id) X(MAIL_LIST_KIND, kind) X(MAIL_LIST_RECIPIENT, recipient) \
	X(MAIL_LIST_LANGUAGE, language) X(MAIL_LIST_SUBJECT, subject) \
	X(MAIL_LIST_BODY, body) X(MAIL_LIST_ORG, org) X(MAIL_LIST_STATUS, status) \
	X(MAIL_LIST_ATTEMPTS, attempts) X(MAIL_LIST_NEXT_ATTEMPT, next_attempt) \
	X(MAIL_LIST_LAST_ERROR, last_error) X(MAIL_LIST_CREATED_AT, created_at) \
	X(MAIL_LIST_SENT_AT, sent_at)
SQL_COLUMNS(SQL_MAIL_LIST_COLS);
#define SQL_MAIL_COUNT_COLS(X) X(MAIL_COUNT_N, n)
SQL_COLUMNS(SQL_MAIL_COUNT_COLS);

extern const struct sql_table sql_mail_sqlite;
extern const struct sql_table sql_mail_pg;   /* the same, PostgreSQL's */

#endif
