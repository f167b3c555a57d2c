/* sql_sqlite.c — SQLite text of the SCIM reads (scim/sql.h): account.public_id (access
 * owns account and quality_member; scim reads them, docs/table-owners.txt). */
#include "scim/sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define M(id) [(id) - SQL_SCIM_FIRST]

static const char *const scim_text[SQL_SCIM_END - SQL_SCIM_FIRST] = {
	/* A member of the quality by public id, within the organisation: an id of another
	 * organisation or quality is no resource here. */
	M(SQL_SCIM_ACCOUNT_OF) =
	    "SELECT a.id FROM account a JOIN quality_member m ON m.account_id = a.id "
	    "WHERE a.public_id = ?1 AND a.org_id = ?2 AND m.org_quality_id = ?3",
	M(SQL_SCIM_PUBLIC_OF) =
	    "SELECT public_id FROM account WHERE id = ?1 AND org_id = ?2",
};

static const char *const scim_cols[SQL_SCIM_END - SQL_SCIM_FIRST] = {
	M(SQL_SCIM_ACCOUNT_OF) = SQL_COLS(SQL_SCIM_ACCOUNT_OF_COLS),
	M(SQL_SCIM_PUBLIC_OF) = SQL_COLS(SQL_SCIM_PUBLIC_OF_COLS),
};

const struct sql_table SQL_TABLE(scim) = {
	SQL_SCIM_FIRST, SQL_SCIM_END - SQL_SCIM_FIRST, scim_text, scim_cols,
};
