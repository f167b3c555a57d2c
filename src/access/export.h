/* export.h — CSV export of a quality's users and of an audit trail: an RFC 4180 writer
 * (UTF-8 with BOM, ';' or ',' as separator, CRLF, quotes doubled, formula-like cells
 * defused), read as a stream or written whole to a sink. Format: docs/csv-export.md. */
#ifndef PORTIER_ACCESS_EXPORT_H
#define PORTIER_ACCESS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/search.h"
#include "base/buf.h"
#include "store/store.h"

/* Receives the bytes of the file in order; returns 0, or non-zero to stop. */
typedef int (*csvw_sink)(void *arg, const char *data, size_t len);

struct csv_writer {
	csvw_sink sink;
	void *arg;
	char sep;
	bool in_row;         /* a field was written in the current row */
	bool failed;
	struct buf pending;  /* flushed to the sink every CSVW_CHUNK bytes */
};

#define CSVW_CHUNK (64 * 1024)

/* Starts a writer with separator sep (';' or ','; anything else becomes ';'). */
void csvw_init(struct csv_writer *w, char sep, csvw_sink sink, void *arg);
/* Writes the UTF-8 byte order mark (first, once). Returns 0 or -1. */
int csvw_bom(struct csv_writer *w);
/* Writes one field of the current row: quoted when it holds the separator, a quote, CR
 * or LF (quotes doubled); a cell starting with = + - @ or a tab is prefixed with ' so
 * that spreadsheets do not run it as a formula. NULL writes an empty field. */
int csvw_field(struct csv_writer *w, const char *s);
/* Ends the current row with CRLF. */
int csvw_row_end(struct csv_writer *w);
/* Flushes what is pending and frees the writer. Returns 0, or -1 when anything failed. */
int csvw_finish(struct csv_writer *w);

/* Translates a French msgid (column titles, statuses) into the reader's language. */
typedef const char *(*export_tr)(void *arg, const char *msgid);

/* An export read piece by piece (a streamed response): a read transaction is held from
 * the open to the last row or the close. */
struct export_stream;

/* Checks the policy and the filters as export_users / export_audit do, then opens the
 * rows; *out is then to be read with export_read and ended with export_close. */
enum access_rc export_users_open(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_filter *f, char sep, export_tr tr, void *tr_arg,
    struct export_stream **out, struct access_errors *err);
enum access_rc export_audit_open(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, char sep, export_tr tr, void *tr_arg,
    struct export_stream **out, struct access_errors *err);
/* Copies the next bytes of the file (at most max) to dst: returns their count, 0 at the
 * end (after the last row the export is recorded in the audit trail), -1 on error. */
long export_read(struct export_stream *x, char *dst, size_t max);
/* Rows written so far. */
int64_t export_rows(const struct export_stream *x);
/* Ends the export at any point and frees it; an export cut short after some bytes were
 * read (the reader left) is recorded with the rows written and "incomplete". NULL is
 * accepted. */
void export_close(struct export_stream *x);

/* Writes the users of quality (0: every quality of org the one acting manages) matching f,
 * in name order, with a header row: NISS formatted, applications as codes. Checks
 * POLICY_EXPORT_USERS and records the export in the audit trail. *rows receives the count. */
enum access_rc export_users(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_filter *f, char sep, export_tr tr, void *tr_arg,
    csvw_sink sink, void *sink_arg, int64_t *rows, struct access_errors *err);
/* Writes the audit trail of org (or of one quality) matching f, newest first. */
enum access_rc export_audit(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, char sep, export_tr tr, void *tr_arg,
    csvw_sink sink, void *sink_arg, int64_t *rows, struct access_errors *err);

#endif
