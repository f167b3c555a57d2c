/* sql_sqlite.c — SQLite text of the mail outbox's statements (mail/sql.h): the mail module
 * owns mail_outbox (migrations/011_csam.sql); others queue mail through mail/mail.h. */
#include "mail/sql.h"
#include "store/dialect.h"

#include <stddef.h>

#define M(id) [(id) - SQL_MAIL_FIRST]

static const char *const mail_text[SQL_MAIL_END - SQL_MAIL_FIRST] = {
	M(SQL_MAIL_INSERT) =
	    "INSERT INTO mail_outbox(kind, recipient, language, subject, body, org, "
	    "next_attempt, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	M(SQL_MAIL_DUE) =
	    "SELECT id, next_attempt FROM mail_outbox WHERE status = 'pending' "
	    "AND next_attempt <= ?1 ORDER BY next_attempt, id LIMIT ?2",
	/* A lease: the node that moves next_attempt first delivers the mail. On PostgreSQL
	 * the row is claimed FOR UPDATE SKIP LOCKED: a node never waits on a mail another is
	 * claiming, it leaves it (0 rows) and that one sends it. */
#ifdef SQL_DIALECT_PG
	M(SQL_MAIL_CLAIM) =
	    ("UPDATE mail_outbox SET next_attempt = ?3 WHERE id = (SELECT id FROM mail_outbox "
	    "WHERE id = ?1 AND status = 'pending' AND next_attempt = ?2 FOR UPDATE SKIP LOCKED)"),
#else
	M(SQL_MAIL_CLAIM) =
	    "UPDATE mail_outbox SET next_attempt = ?3 WHERE id = ?1 AND status = 'pending' "
	    "AND next_attempt = ?2",
#endif
	M(SQL_MAIL_SENT) =
	    "UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, "
	    "last_error = NULL, sent_at = ?2 WHERE id = ?1",
	M(SQL_MAIL_RETRY) =
	    "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt = ?2, "
	    "last_error = ?3 WHERE id = ?1",
	M(SQL_MAIL_FAILED) =
	    "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1, "
	    "last_error = ?2 WHERE id = ?1",
	M(SQL_MAIL_LIST) =
	    "SELECT id, kind, recipient, language, subject, body, org, status, attempts, "
	    "next_attempt, last_error, created_at, sent_at FROM mail_outbox "
	    "WHERE (?1 = 0 OR id = ?1) ORDER BY id DESC LIMIT ?2",
	M(SQL_MAIL_COUNT) =
	    "SELECT count(*) AS n FROM mail_outbox WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1)",
};

/* The result columns of each statement read, from the lists in its header (rule 9). */
static const char *const mail_cols[SQL_MAIL_END - SQL_MAIL_FIRST] = {
	[SQL_MAIL_DUE - SQL_MAIL_FIRST] = SQL_COLS(SQL_MAIL_DUE_COLS),
	[SQL_MAIL_LIST - SQL_MAIL_FIRST] = SQL_COLS(SQL_MAIL_LIST_COLS),
	[SQL_MAIL_COUNT - SQL_MAIL_FIRST] = SQL_COLS(SQL_MAIL_COUNT_COLS),
};

const struct sql_table SQL_TABLE(mail) = {
	SQL_MAIL_FIRST, SQL_MAIL_END - SQL_MAIL_FIRST, mail_text, mail_cols,
};
