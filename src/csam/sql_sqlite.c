/* sql_sqlite.c — SQLite text of the GAP designation services' statements (csam/sql.h):
 * SQL_RANGE_ACCESS + 500 .. + 899 (the mail outbox's are mail/sql_sqlite.c).
 * Schema: migrations/006_access.sql, 010_registry_people.sql, 011_csam.sql. */
#include "csam/sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define CSAM_RANGE 400
#define T(id) [(id) - SQL_CSAM_FIRST]

/* The columns of an exception request, in the order exception.c reads them. */
#define EXC_COLS \
	"id, reference, access_hash, case_kind, status, language, enterprise, company_country, " \
	"company_name, company_reg, company_address, rep_kind, rep_company_name, " \
	"rep_company_number, rep_company_country, rep_last_name, rep_first_name, " \
	"rep_birth_date, rep_nationality, rep_country, rep_address, rep_doc_type, " \
	"rep_doc_number, rep_doc_country, gap_niss, gap_last_name, gap_first_name, " \
	"gap_has_eid, contact_email, contact_phone, submitted_at, paper_at, decided_at, " \
	"reason, org_id, gap_person, submitted_by, id_type, id_value"

/* The filters of the helpdesk queue: ?1 status, ?2 case, ?3 submitted before (ISO),
 * ?4 reference; NULL means any. */
#define EXC_FILTERS \
	"WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) " \
	"AND (CAST(?2 AS TEXT) IS NULL OR case_kind = ?2) " \
	"AND (CAST(?3 AS TEXT) IS NULL OR submitted_at < ?3) " \
	"AND (CAST(?4 AS TEXT) IS NULL OR reference = ?4) "

static const char *const text[CSAM_RANGE] = {
	/* The last function of person ?2 in enterprise ?1 that ended by ?3, and the first one
	 * that begins after ?3: why someone is not a representative today. */
	T(SQL_CSAM_FUNCTION_DATES) =
	    "SELECT (SELECT max(end_date) FROM reg_function WHERE enterprise_number = ?1 "
	    "AND rep_niss = ?2 AND end_date <= ?3) AS last_end, "
	    "(SELECT min(begin_date) FROM reg_function WHERE enterprise_number = ?1 "
	    "AND rep_niss = ?2 AND begin_date > ?3) AS next_begin",

	T(SQL_CSAM_SUBMISSION_GET) =
	    "SELECT person_id, kind, org_id, gap_person FROM csam_submission WHERE token = ?1",
	T(SQL_CSAM_SUBMISSION_INSERT) =
	    "INSERT INTO csam_submission(token, person_id, kind, org_id, gap_person, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	T(SQL_CSAM_EXC_INSERT) =
	    "INSERT INTO exception_request(reference, access_hash, case_kind, language, "
	    "enterprise, company_country, company_name, company_reg, company_address, "
	    "rep_kind, rep_company_name, rep_company_number, rep_company_country, "
	    "rep_last_name, rep_first_name, rep_birth_date, rep_nationality, rep_country, "
	    "rep_address, rep_doc_type, rep_doc_number, rep_doc_country, gap_niss, "
	    "gap_last_name, gap_first_name, gap_has_eid, contact_email, contact_phone, "
	    "form_token, submitted_by, submitted_at, id_type, id_value) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
	    "?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)",
	T(SQL_CSAM_EXC_GET) =
	    "SELECT " EXC_COLS " FROM exception_request WHERE reference = ?1",
	T(SQL_CSAM_EXC_BY_TOKEN) =
	    "SELECT id, reference FROM exception_request WHERE form_token = ?1",
	T(SQL_CSAM_EXC_SET_KEY) =
	    "UPDATE exception_request SET access_hash = ?2 WHERE id = ?1",
	T(SQL_CSAM_EXC_STATUS) =
	    "SELECT status, access_hash FROM exception_request WHERE reference = ?1",
	T(SQL_CSAM_EXC_PAPER) =
	    "UPDATE exception_request SET status = 'paper', paper_at = ?2 "
	    "WHERE id = ?1 AND status = 'received'",
	T(SQL_CSAM_EXC_APPROVING) =
	    "UPDATE exception_request SET status = 'approving' WHERE id = ?1 AND status = 'paper'",
	T(SQL_CSAM_EXC_APPROVED) =
	    "UPDATE exception_request SET status = 'approved', decided_at = ?4, "
	    "org_id = ?2, gap_person = ?3 WHERE id = ?1 AND status IN ('paper', 'approving')",
	T(SQL_CSAM_EXC_REJECTED) =
	    "UPDATE exception_request SET status = 'rejected', decided_at = ?3, "
	    "reason = ?2 WHERE id = ?1 AND status IN ('received', 'paper', 'approving')",
	T(SQL_CSAM_EXC_QUEUE) =
	    "SELECT reference, case_kind, status, company_name, enterprise, company_country, "
	    "submitted_at, id_type, id_value FROM exception_request " EXC_FILTERS
	    "ORDER BY submitted_at, id LIMIT ?5 OFFSET ?6",
	T(SQL_CSAM_EXC_QUEUE_COUNT) =
	    "SELECT count(*) AS n FROM exception_request " EXC_FILTERS,

	T(SQL_CSAM_DECISION_INSERT) =
	    "INSERT INTO exception_decision(request_id, operator, action, reason, at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	T(SQL_CSAM_DECISIONS_OF) =
	    "SELECT d.action, d.reason, d.at, d.operator, p.first_name, p.last_name "
	    "FROM exception_decision d JOIN person p ON p.id = d.operator "
	    "WHERE d.request_id = ?1 ORDER BY d.id LIMIT 100",
	T(SQL_CSAM_APPROVALS_BY) =
	    "SELECT count(*) AS n, coalesce(sum(CASE WHEN operator = ?2 THEN 1 ELSE 0 END), 0) AS mine "
	    "FROM exception_decision "
	    "WHERE request_id = ?1 AND action = 'approve'",

	T(SQL_CSAM_HELPDESK_ADD) =
	    "INSERT INTO platform_role(person_id, role, since) VALUES (?1, 'helpdesk', ?2)",
	T(SQL_CSAM_HELPDESK_REMOVE) =
	    "DELETE FROM platform_role WHERE person_id = ?1 AND role = 'helpdesk'",
	T(SQL_CSAM_HELPDESK_LIST) =
	    "SELECT p.id, p.niss, p.last_name, p.first_name, r.since FROM platform_role r "
	    "JOIN person p ON p.id = r.person_id WHERE r.role = 'helpdesk' "
	    "ORDER BY p.last_name, p.first_name, p.id",
	T(SQL_CSAM_HELPDESK_HAS) =
	    "SELECT count(*) AS n FROM platform_role WHERE person_id = ?1 AND role = 'helpdesk'",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const csam_cols[CSAM_RANGE] = {
	[SQL_CSAM_FUNCTION_DATES - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_FUNCTION_DATES_COLS),
	[SQL_CSAM_SUBMISSION_GET - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_SUBMISSION_GET_COLS),
	[SQL_CSAM_EXC_GET - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_EXC_GET_COLS),
	[SQL_CSAM_EXC_BY_TOKEN - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_EXC_BY_TOKEN_COLS),
	[SQL_CSAM_EXC_STATUS - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_EXC_STATUS_COLS),
	[SQL_CSAM_EXC_QUEUE - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_EXC_QUEUE_COLS),
	[SQL_CSAM_EXC_QUEUE_COUNT - SQL_CSAM_FIRST] =
	    SQL_COLS(SQL_CSAM_EXC_QUEUE_COUNT_COLS),
	[SQL_CSAM_DECISIONS_OF - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_DECISIONS_OF_COLS),
	[SQL_CSAM_APPROVALS_BY - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_APPROVALS_BY_COLS),
	[SQL_CSAM_HELPDESK_LIST - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_HELPDESK_LIST_COLS),
	[SQL_CSAM_HELPDESK_HAS - SQL_CSAM_FIRST] = SQL_COLS(SQL_CSAM_HELPDESK_HAS_COLS),
};

const struct sql_table SQL_TABLE(csam) = {
	.first = SQL_CSAM_FIRST,
	.count = CSAM_RANGE,
	.text = text,
	.cols = csam_cols,
};

/* The csam ids stop where the mail outbox's begin. */
_Static_assert((int)SQL_CSAM_END <= (int)SQL_CSAM_FIRST + CSAM_RANGE,
    "csam statements must lie inside the csam table's range");
