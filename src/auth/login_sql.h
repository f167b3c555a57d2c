/* login_sql.h — statement ids of sessions and of the login slow-down (session,
 * login_throttle), owned by auth/ (SQL_RANGE_AUTH + 300 … 499). */
#ifndef PORTIER_AUTH_LOGIN_SQL_H
#define PORTIER_AUTH_LOGIN_SQL_H

#include "store/sql_table.h"

enum login_sql {
	SQL_LOGIN_FIRST = SQL_RANGE_AUTH + 300,
	/* sessions (session_store.c) */
	SQL_SESSION_INSERT = SQL_LOGIN_FIRST,
	SQL_SESSION_GET,
	SQL_SESSION_TOUCH,
	SQL_SESSION_DELETE,
	SQL_SESSION_ROTATE,
	SQL_SESSION_SET_LANG,
	SQL_SESSION_SET_CAPACITY,
	SQL_SESSION_PURGE,
	/* the login slow-down (login.c) */
	SQL_THROTTLE_GET,
	SQL_THROTTLE_PUT,
	SQL_THROTTLE_REFUSED,
	SQL_THROTTLE_CLEAR,
	SQL_THROTTLE_CLEAR_PERSON,
	SQL_LOGIN_END
};

extern const struct sql_table sql_login_sqlite;

#endif
