/* import.h — CSV import of a quality's users (issue 19 part 1): the file in the export's
 * format is kept server-side, classified row by row against the current state and the
 * manager's policy (preview), then applied in one transaction (docs/csv-import.md). */
#ifndef PORTIER_ACCESS_IMPORT_H
#define PORTIER_ACCESS_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/export.h"
#include "base/arena.h"
#include "store/store.h"

#define IMPORT_MAX_BYTES ((size_t)5 << 20)   /* the file as uploaded */
#define IMPORT_MAX_ROWS 20000                /* data rows, the header not counted */
#define IMPORT_MAX_CELL 1024                 /* bytes of one cell */
#define IMPORT_MAX_COLS 64
#define IMPORT_TTL_SECONDS (30 * 60)         /* a preview's life */
#define IMPORT_ID_LEN 32                     /* hex characters of a batch's public id */

/* A parsed file: UTF-8 text, rows of cells (the header row is rows[0]). */
struct import_file {
	char sep;                  /* ';' or ',' */
	const char *text;          /* the whole file as UTF-8, without BOM */
	size_t text_len;
	const char ***rows;        /* rows[i][k] */
	size_t *ncells;
	size_t nrows;              /* with the header */
	bool converted;            /* was Windows-1252 */
};

/* Parses data (UTF-8 with or without BOM, else Windows-1252; ';' or ','; RFC 4180 with
 * quoted newlines) into f, texts in a. Returns 0, or 1 with *why the French msgid of the
 * refusal (too large, too many rows, a cell too long, malformed, empty), -1 when a is
 * full. The cells the export defused ('= '+ '- '@) come back without their quote. */
int import_parse(const char *data, size_t len, struct arena *a, struct import_file *f,
    const char **why);

enum import_class { IMPORT_ADD, IMPORT_CHANGE, IMPORT_SAME, IMPORT_REFUSED, IMPORT__CLASSES };

/* One data row as classified. */
struct import_row {
	size_t line;               /* its number among the file's rows (the header is 1) */
	enum import_class cls;
	const char *reason;        /* French msgid, when refused */
	const char *niss;          /* 11 digits when valid, else as typed */
	const char *last_name, *first_name, *username, *type, *apps;
	const char *const *cells;  /* the file's cells, for the refused-rows file */
	size_t ncells;
};

/* A classified batch. */
struct import_view {
	char id[IMPORT_ID_LEN + 1];
	const char *filename;
	char sep;
	size_t counts[IMPORT__CLASSES];
	struct import_row *rows;   /* every data row, in file order */
	size_t nrows;
	bool applied;
	const char *expires_at;
};

/* Whether who may import into quality (POLICY_MANAGE_USERS; a refusal is audited). */
enum access_rc import_may(struct store *s, const struct actor *who, int64_t org,
    int64_t quality);
/* Checks the policy (POLICY_MANAGE_USERS on quality: a refusal is a 403 with its audit
 * event), parses the file and keeps it for its preview: id receives the batch's public
 * id. ACCESS_INVALID with an error at "file" when the file is refused. */
enum access_rc import_upload(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *filename, const char *data, size_t len,
    char id[IMPORT_ID_LEN + 1], struct access_errors *err);
/* Classifies batch id (who's own, of org and quality, not expired, not yet applied)
 * against the current state, texts in a. ACCESS_NOT_FOUND for anyone else's or an
 * expired batch, ACCESS_CONFLICT when it was applied already. */
enum access_rc import_preview(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *id, struct arena *a, struct import_view *out);
/* Applies batch id in one transaction: every row classified again there, those to add or
 * to change applied through the pages' own service functions (one audit event per
 * change), a users.import event with the counts; the batch is used once (a second
 * confirmation: ACCESS_CONFLICT, nothing changed). out receives the classes applied.
 * The refused rows are kept as a CSV (tr gives the reason column's title and texts). */
enum access_rc import_apply(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *id, export_tr tr, void *tr_arg, struct arena *a,
    struct import_view *out);
/* The refused rows of an applied batch (its owner's), as CSV, in a. */
enum access_rc import_refused_csv(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *id, struct arena *a, const char **csv, size_t *len);

#endif
