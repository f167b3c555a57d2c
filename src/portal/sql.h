/* sql.h — statement ids of the agency portal's own database (SQL_RANGE_PORTAL …):
 * sessions and the login under way, users, companies, contact points, activities,
 * self-check files and their history. */
#ifndef PORTIER_PORTAL_SQL_H
#define PORTIER_PORTAL_SQL_H

#include "store/sql_table.h"

enum portal_sql {
	SQL_PORTAL_FIRST = SQL_RANGE_PORTAL,
	/* sessions (web layer) */
	SQL_PORTAL_SESS_GET = SQL_PORTAL_FIRST,
	SQL_PORTAL_SESS_INSERT,
	SQL_PORTAL_SESS_TOUCH,
	SQL_PORTAL_SESS_ROTATE,
	SQL_PORTAL_SESS_DELETE,
	SQL_PORTAL_SESS_PURGE,
	/* the login under way and who is logged in */
	SQL_PORTAL_LOGIN_SET,
	SQL_PORTAL_LOGIN_GET,
	SQL_PORTAL_LOGIN_CLEAR,
	SQL_PORTAL_SESS_USER_SET,
	SQL_PORTAL_SESS_USER_GET,
	/* users */
	SQL_PORTAL_USER_UPSERT,
	SQL_PORTAL_USER_ID,
	/* companies */
	SQL_PORTAL_COMPANY_INSERT,
	SQL_PORTAL_COMPANY_NUMBER,
	SQL_PORTAL_COMPANY_NAME,
	SQL_PORTAL_COMPANY_GET,
	SQL_PORTAL_CONTACT_LIST,
	SQL_PORTAL_CONTACT_UPSERT,
	SQL_PORTAL_CONTACT_DELETE,
	/* activities */
	SQL_PORTAL_ACT_LIST,
	SQL_PORTAL_ACT_GET,
	SQL_PORTAL_ACT_INSERT,
	SQL_PORTAL_ACT_UPDATE,
	SQL_PORTAL_ACT_END,
	/* self-check files */
	SQL_PORTAL_DOSSIER_GET,
	SQL_PORTAL_DOSSIER_SAVE,
	SQL_PORTAL_EVENT_INSERT,
	SQL_PORTAL_EVENT_LIST,
	SQL_PORTAL_END
};

extern const struct sql_table sql_portal_sqlite;

#endif
