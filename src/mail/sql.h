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

extern const struct sql_table sql_mail_sqlite;
extern const struct sql_table sql_mail_pg;   /* the same, PostgreSQL's */

#endif
