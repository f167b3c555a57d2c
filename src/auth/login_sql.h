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

/* The result columns of the statements read (store/sql_table.h, rule 9): X(constant,
 * name) in the order of the SELECT; callers read with the constants. */
#define SQL_SESSION_GET_COLS(X) \
	X(SESSION_GET_CSRF, csrf) X(SESSION_GET_LANG, lang) \
	X(SESSION_GET_PERSON_ID, person_id) X(SESSION_GET_AUTH_METHOD, auth_method) \
	X(SESSION_GET_AUTH_LEVEL, auth_level) X(SESSION_GET_AUTH_TIME, auth_time) \
	X(SESSION_GET_CREATED_AT, created_at) X(SESSION_GET_SEEN_AT, seen_at) \
	X(SESSION_GET_CAPACITY, capacity)
SQL_COLUMNS(SQL_SESSION_GET_COLS);
#define SQL_THROTTLE_GET_COLS(X) \
	X(THROTTLE_GET_FAILURES, failures) X(THROTTLE_GET_NEXT_ALLOWED, next_allowed) \
	X(THROTTLE_GET_UPDATED_AT, updated_at) X(THROTTLE_GET_REFUSED, refused) \
	X(THROTTLE_GET_NOTED_AT, noted_at)
SQL_COLUMNS(SQL_THROTTLE_GET_COLS);

extern const struct sql_table sql_login_sqlite;

#endif
