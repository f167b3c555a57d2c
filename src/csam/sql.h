/* sql.h — statement ids of the GAP designation services (SQL_RANGE_ACCESS + 500 …):
 * the standard procedure, co-GAPs, exception requests, helpdesk decisions and roles.
 * The table sql_csam_sqlite covers SQL_RANGE_ACCESS + 500 .. + 899; the mail outbox's
 * statements are mail/sql.h (+ 900 …). */
#ifndef PORTIER_CSAM_SQL_H
#define PORTIER_CSAM_SQL_H

#include "store/sql_table.h"

enum csam_sql {
	SQL_CSAM_FIRST = SQL_RANGE_ACCESS + 500,
	/* the registry's dates of a person's functions */
	SQL_CSAM_FUNCTION_DATES = SQL_CSAM_FIRST,
	/* the standard procedure */
	SQL_CSAM_SUBMISSION_GET,
	SQL_CSAM_SUBMISSION_INSERT,
	/* exception requests */
	SQL_CSAM_EXC_INSERT,
	SQL_CSAM_EXC_GET,
	SQL_CSAM_EXC_BY_TOKEN,
	SQL_CSAM_EXC_SET_KEY,
	SQL_CSAM_EXC_STATUS,
	SQL_CSAM_EXC_PAPER,
	SQL_CSAM_EXC_APPROVING,
	SQL_CSAM_EXC_APPROVED,
	SQL_CSAM_EXC_REJECTED,
	SQL_CSAM_EXC_QUEUE,
	SQL_CSAM_EXC_QUEUE_COUNT,
	/* helpdesk decisions */
	SQL_CSAM_DECISION_INSERT,
	SQL_CSAM_DECISIONS_OF,
	SQL_CSAM_APPROVALS_BY,
	/* the helpdesk role */
	SQL_CSAM_HELPDESK_ADD,
	SQL_CSAM_HELPDESK_REMOVE,
	SQL_CSAM_HELPDESK_LIST,
	SQL_CSAM_HELPDESK_HAS,
	SQL_CSAM_END
};

extern const struct sql_table sql_csam_sqlite;
extern const struct sql_table sql_csam_pg;   /* the same, PostgreSQL's */

#endif
