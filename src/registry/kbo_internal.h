/* kbo_internal.h — the parts of the KBO Open Data import that work together inside
 * registry/: the official file layouts, value normalisation, the streaming row reader,
 * the input (folder or zip) and progress output. Not for use outside registry/ (the
 * fuzz driver and unit tests excepted). */
#ifndef PORTIER_REGISTRY_KBO_INTERNAL_H
#define PORTIER_REGISTRY_KBO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "be/be.h"

#define KBO_MAX_COLS 13            /* address.csv, the widest file */
#define KBO_RECORD_MAX (64 * 1024) /* longest record accepted, in bytes */

/* kbo_files.c — the official layouts. */

enum kbo_kind {
	KBO_TEXT,          /* kept as published */
	KBO_ENTERPRISE,    /* "0552.627.113" -> "0552627113", mod-97 checked */
	KBO_ESTABLISHMENT, /* "2.190.171.611" -> "2190171611", mod-97 checked */
	KBO_ENTITY,        /* an enterprise or an establishment unit */
	KBO_BRANCH,        /* "9.000.006.626" -> "9000006626" (no check digits) */
	KBO_DATE,          /* "dd-mm-yyyy" -> "yyyy-mm-dd" */
};

struct kbo_column {
	const char *name;  /* header name, exact */
	enum kbo_kind kind;
	bool required;     /* empty refused */
};

enum kbo_table_id {
	KBO_META, KBO_CODE, KBO_ENTERPRISE_T, KBO_ESTABLISHMENT_T, KBO_DENOMINATION_T,
	KBO_ADDRESS_T, KBO_CONTACT_T, KBO_ACTIVITY_T, KBO_BRANCH_T, KBO_NTABLES
};

struct kbo_table {
	enum kbo_table_id id;
	const char *name;              /* "enterprise": name.csv, name_delete.csv, name_insert.csv */
	int ncols;
	const struct kbo_column *cols;
	const struct kbo_column *key;  /* the one column of name_delete.csv; NULL: no such file */
	bool keyed;                    /* one row per key (PRIMARY KEY): updates upsert */
	int sql_clear, sql_insert, sql_upsert, sql_delete;   /* statement ids; 0 = none */
	int sql_load;                   /* store_load of plain inserts (full loads); 0 = none */
	int sql_index_drop, sql_index_create;                /* 0 = no index rebuilt */
};

/* The nine tables in the order they are applied. */
extern const struct kbo_table kbo_tables[KBO_NTABLES];

/* kbo_value.c — normalisation of one field; pure functions. */

/* Writes "yyyy-mm-dd" of the calendar date "dd-mm-yyyy" (s, n bytes) into out.
 * Returns 0, or -1 when s is not a date in that form. */
int kbo_date_iso(const char *s, size_t n, char out[11]);
/* Writes "yyyy-mm-ddThh:mm:ss" of "dd-mm-yyyy hh:mm:ss" into out. Returns 0 or -1. */
int kbo_timestamp_iso(const char *s, size_t n, char out[20]);
/* Writes the 10 digits of a branch id ("9.000.006.626" or 10 digits). Returns 0 or -1. */
int kbo_branch_id(const char *s, size_t n, char out[11]);
/* Parses an enterprise or establishment number of kind k (KBO_ENTERPRISE,
 * KBO_ESTABLISHMENT or KBO_ENTITY) into 10 digits; returns BE_OK or the reason. */
enum be_reason kbo_number(enum kbo_kind k, const char *s, size_t n, char out[11]);
/* A short English reason for the command line ("check digits do not match"). */
const char *kbo_reason_text(enum be_reason r);

/* kbo_csv.c — the streaming row reader: libcsv in strict mode, physical line numbers,
 * the header checked against the layout, every value normalised by its column's kind. */

struct kbo_row {
	unsigned long line;              /* physical line where the record starts */
	int n;                           /* fields: always the layout's column count */
	const char *val[KBO_MAX_COLS];   /* NUL-terminated; NULL for an empty field */
	size_t len[KBO_MAX_COLS];
};

/* Called for each data row; the row is valid during the call only. Returns 0 to go on,
 * -1 to stop (the reader then fails with an empty reason: the caller knows why). */
typedef int (*kbo_row_fn)(void *ud, const struct kbo_row *row);

struct kbo_csv;

/* A reader for file (the name used in messages) with the given layout; NULL when out of
 * memory. fn may be NULL (rows are checked and dropped). */
struct kbo_csv *kbo_csv_new(const char *file, const struct kbo_column *cols, int ncols,
    kbo_row_fn fn, void *ud);
void kbo_csv_free(struct kbo_csv *r);
/* Parses the next n bytes of the file. Returns 0, or -1 after the first error. */
int kbo_csv_feed(struct kbo_csv *r, const char *data, size_t n);
/* Ends the file (a last record without a newline, an unterminated quote, no header).
 * Returns 0 or -1. */
int kbo_csv_end(struct kbo_csv *r);
/* True once the header has been read and accepted. */
bool kbo_csv_header_ok(const struct kbo_csv *r);
/* "file:line: reason" of the first error, "" if none. */
const char *kbo_csv_error(const struct kbo_csv *r);
/* Data rows handed to fn so far. */
unsigned long kbo_csv_rows(const struct kbo_csv *r);

/* kbo_source.c — where the files come from: a folder or the official zip. */

struct kbo_source;
struct kbo_member;

/* Opens path, a folder or a .zip file. Returns 0, or -1 with a reason in err. */
int kbo_source_open(const char *path, struct kbo_source **out, char *err, size_t errlen);
void kbo_source_close(struct kbo_source *s);
/* The last component of path ("KboOpenData_0147_2025_10_12_Update.zip"). */
const char *kbo_source_name(const struct kbo_source *s);
/* Size in bytes of file (e.g. "enterprise.csv") in the extract, or -1 when absent. */
int64_t kbo_source_size(struct kbo_source *s, const char *file);
/* Opens file for reading (file is kept: it must outlive the member). Returns 0, or -1
 * with a reason in err. */
int kbo_member_open(struct kbo_source *s, const char *file, struct kbo_member **out,
    char *err, size_t errlen);
/* Reads up to n bytes: returns the count, 0 at the end, -1 with a reason in err. */
long kbo_member_read(struct kbo_member *m, char *buf, size_t n, char *err, size_t errlen);
void kbo_member_close(struct kbo_member *m);

/* kbo_plan.c — which extract this is and what to apply, in order. */

struct arena;

enum kbo_job_kind { KBO_JOB_INSERT, KBO_JOB_DELETE };

/* One file to apply. */
struct kbo_job {
	const struct kbo_table *t;
	enum kbo_job_kind kind;
	const char *file;               /* "enterprise_insert.csv", in the plan's arena */
	const struct kbo_column *cols;  /* its layout */
	int ncols;
	uint64_t size;                  /* bytes (uncompressed) */
};

#define KBO_META_MAX 32
#define KBO_META_VARIABLE_MAX 63        /* bytes of a variable's name in meta.csv */
#define KBO_META_VALUE_MAX 127          /* bytes of its value */

/* Texts in the plan's arena. */
struct kbo_meta_row {
	const char *variable;
	const char *value;              /* dates in ISO form; "" when absent */
	bool has_value;
};

/* What kbo_plan_make settles; its texts are in arena (the caller's, for the import). */
struct kbo_plan {
	struct arena *arena;
	bool full;
	long number;                    /* ExtractNumber */
	const char *snapshot;           /* SnapshotDate, ISO; "" when absent */
	const char *timestamp;          /* ExtractTimestamp, ISO; "" when absent */
	const char *version;            /* Version; "" when absent */
	struct kbo_meta_row meta[KBO_META_MAX];
	int nmeta;
	struct kbo_job jobs[2 * KBO_NTABLES];
	int njobs;
	uint64_t total_bytes;           /* of the jobs */
};

/* Reads meta.csv, settles the extract's number (meta.csv, else number_hint when > 0,
 * else a 4-digit group in the name such as _0147_ or -0147-) and type (meta.csv, else the
 * name, else the files present), lists the files to apply and checks every header.
 * Returns 0, or -1 with the reason in err. */
int kbo_plan_make(struct kbo_source *src, struct arena *a, long number_hint,
    struct kbo_plan *p, char *err, size_t errlen);
/* The extract number in a file or folder name ("KboOpenData_0147_..." -> 147), or 0. */
long kbo_name_number(const char *name);

/* kbo_pipe.c — rows read on a second thread while the caller writes: the reader parses
 * and normalises the plan's files in order into batches; the writer takes them in the
 * same order. A fixed ring of batches: memory stays flat whatever the extract's size. */

#define KBO_BATCH_ROWS 4096
#define KBO_BATCH_TEXT (1024 * 1024)
#define KBO_NULL_LEN UINT32_MAX        /* len[][] of an empty field */

struct kbo_batch {
	int job;                        /* index in plan->jobs */
	int nrows;
	bool last;                      /* the job's last batch */
	bool eos;                       /* nothing follows: the reader is done or failed */
	uint64_t pos;                   /* bytes of the job's file read so far */
	size_t used;                    /* bytes of text in use */
	unsigned long line[KBO_BATCH_ROWS];
	uint32_t off[KBO_BATCH_ROWS][KBO_MAX_COLS];
	uint32_t len[KBO_BATCH_ROWS][KBO_MAX_COLS];
	char text[KBO_BATCH_TEXT];
};

struct kbo_pipe;

/* Starts the reader over the plan's jobs. Returns 0, or -1 with a reason in err. */
int kbo_pipe_start(struct kbo_pipe **out, struct kbo_source *src, const struct kbo_plan *plan,
    char *err, size_t errlen);
/* The next batch, waiting for it; a batch with eos set is the last one. */
struct kbo_batch *kbo_pipe_next(struct kbo_pipe *p);
/* Hands a batch back to the reader once written. */
void kbo_pipe_release(struct kbo_pipe *p, struct kbo_batch *b);
/* Stops the reader if it still runs, waits for it and frees everything; *pp becomes NULL
 * (NULL accepted). Returns 0 when the reader read every file, or -1 with its error in err. */
int kbo_pipe_finish(struct kbo_pipe **pp, char *err, size_t errlen);

/* kbo_progress.c — a progress line on a terminal, one summary line per file otherwise. */

struct kbo_progress {
	bool quiet;            /* print nothing */
	bool tty;              /* stderr is a terminal */
	uint64_t total_bytes;  /* all files */
	uint64_t done_bytes;   /* files finished */
	double start;          /* of the import */
	double file_start;
	double last_draw;
	const char *file;
};

/* Starts the clock; tty and quiet decide the output. */
void kbo_progress_start(struct kbo_progress *p, uint64_t total_bytes, bool quiet);
/* A file begins. */
void kbo_progress_file(struct kbo_progress *p, const char *file);
/* rows written and bytes of the current file read so far; draws at most 5 times a second. */
void kbo_progress_update(struct kbo_progress *p, unsigned long rows, uint64_t pos);
/* The current file is done: rows written, its size. */
void kbo_progress_file_done(struct kbo_progress *p, unsigned long rows, uint64_t size);
/* A step after the files ("building indexes"). */
void kbo_progress_step(struct kbo_progress *p, const char *what);
/* That step is done. */
void kbo_progress_step_done(struct kbo_progress *p);
/* Ends the progress line. */
void kbo_progress_end(struct kbo_progress *p);
/* Seconds on a monotonic clock. */
double kbo_now(void);

#endif
