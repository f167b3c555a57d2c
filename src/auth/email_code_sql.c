/* email_code_sql.c — text of the e-mail security-code statements (ids from SQL_RANGE_AUTH
 * + 900), portable SQL for both backends. Bound parameters only; times from C. */
#include "auth/email_code_sql.h"

#include <stddef.h>

#define T(id) [(id) - SQL_EMAIL_CODE_FIRST]

static const char *const email_code_text[SQL_EMAIL_CODE_END - SQL_EMAIL_CODE_FIRST] = {
	T(SQL_EMAIL_CODE_PURGE) =
	    "DELETE FROM email_code WHERE sent_at < ?1",
	T(SQL_EMAIL_CODE_SENT_SINCE) =
	    "SELECT count(*) AS n FROM email_code WHERE person_id = ?1 AND sent_at >= ?2",
	/* One live code per person: a new one voids the earlier ones. */
	T(SQL_EMAIL_CODE_VOID_OPEN) =
	    "UPDATE email_code SET void_at = ?2, code_hash = '' "
	    "WHERE person_id = ?1 AND used_at IS NULL AND void_at IS NULL",
	T(SQL_EMAIL_CODE_INSERT) =
	    "INSERT INTO email_code(token_hash, binding_hash, person_id, username, code_hash, "
	    "sent_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	T(SQL_EMAIL_CODE_GET) =
	    "SELECT id, binding_hash, person_id, username, code_hash, attempts, expires_at, "
	    "used_at, void_at FROM email_code WHERE token_hash = ?1",
	/* Single use: only a live, unexpired code with attempts left changes a row. */
	T(SQL_EMAIL_CODE_USE) =
	    "UPDATE email_code SET used_at = ?2, code_hash = '' "
	    "WHERE id = ?1 AND used_at IS NULL AND void_at IS NULL AND expires_at >= ?2 "
	    "AND attempts < ?3",
	/* A wrong answer: one attempt more; the last one allowed voids the code. */
	T(SQL_EMAIL_CODE_WRONG) =
	    "UPDATE email_code SET attempts = attempts + 1, "
	    "void_at = CASE WHEN attempts + 1 >= ?2 THEN ?3 ELSE void_at END, "
	    "code_hash = CASE WHEN attempts + 1 >= ?2 THEN '' ELSE code_hash END "
	    "WHERE id = ?1 AND used_at IS NULL AND void_at IS NULL",
};

static const char *const email_code_cols[SQL_EMAIL_CODE_END - SQL_EMAIL_CODE_FIRST] = {
	[SQL_EMAIL_CODE_SENT_SINCE - SQL_EMAIL_CODE_FIRST] =
	    SQL_COLS(SQL_EMAIL_CODE_SENT_SINCE_COLS),
	[SQL_EMAIL_CODE_GET - SQL_EMAIL_CODE_FIRST] = SQL_COLS(SQL_EMAIL_CODE_GET_COLS),
};

const struct sql_table sql_email_code_sqlite = {
	SQL_EMAIL_CODE_FIRST, SQL_EMAIL_CODE_END - SQL_EMAIL_CODE_FIRST, email_code_text,
	email_code_cols,
};
