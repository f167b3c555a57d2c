/* reg_rows.h — inside registry/: the layouts of the persons and legal functions files,
 * the pure checks of one row (reg_rows.c) and the import driver both imports share
 * (reg_import.c). Not for use outside registry/ (the fuzz driver and tests excepted). */
#ifndef PORTIER_REGISTRY_REG_ROWS_H
#define PORTIER_REGISTRY_REG_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/kbo_internal.h"
#include "registry/reg_import.h"

struct arena;
struct store;
struct store_tx;

#define REG_PERSON_NCOLS 7
#define REG_FUNCTION_NCOLS 7
#define REG_TEXT_MAX 200          /* characters of a name or a label */
#define REG_CODE_MAX 16           /* bytes of a function code */
#define REG_REASON_MAX 256

/* The columns, in file order (every one read as text: the checks below decide). */
extern const struct kbo_column reg_person_cols[REG_PERSON_NCOLS];
extern const struct kbo_column reg_function_cols[REG_FUNCTION_NCOLS];

/* Bytes of the buffer that holds one row's normalised values (NISS and enterprise digits,
 * ISO dates, country): a local of the one function that checks and stores the row, so
 * that a bulk import allocates nothing per row. */
#define REG_ROW_BUF 64

/* One persons row, checked and normalised; the names point into the row, the normalised
 * values into the caller's buffer or to constants. Absent values are "". */
struct reg_person_row {
	const char *niss;             /* 11 digits */
	const char *last_name, *first_names;
	const char *birth_date;       /* yyyy-mm-dd, "" when unknown */
	const char *sex;              /* M, F, X or "" */
	const char *language;         /* fr, nl, de, en or "" */
	const char *country;          /* ISO 3166 alpha-2, upper case */
};

/* One legal functions row, checked and normalised, as reg_person_row. */
struct reg_function_row {
	const char *enterprise;       /* 10 digits */
	const char *rep_niss;         /* "" when the representative is an enterprise */
	const char *rep_enterprise;   /* "" when it is a person */
	const char *code, *label;
	const char *begin;
	const char *end;              /* "" while open */
};

/* Checks one row of each kind; on refusal writes a reason (never a NISS) and returns -1,
 * else fills out (its normalised values in buf) and returns 0. Pure: the database checks
 * are the importers'. */
int reg_person_row_check(const struct kbo_row *row, char buf[REG_ROW_BUF],
    struct reg_person_row *out, char *reason, size_t len);
int reg_function_row_check(const struct kbo_row *row, char buf[REG_ROW_BUF],
    struct reg_function_row *out, char *reason, size_t len);
/* Writes "yyyy-mm-dd" of s (n bytes), given as "yyyy-mm-dd" or "dd-mm-yyyy". 0 or -1. */
int reg_date(const char *s, size_t n, char out[11]);

/* What differs between the two imports. */
struct reg_import_kind {
	const char *name;                        /* "persons", "functions" */
	const struct kbo_column *cols;
	int ncols;
	int sql_clear;
	/* Checks and stores one row inside tx: 0 stored, 1 refused (reason written), -1 error. */
	int (*row)(struct store_tx *tx, const struct kbo_row *row, char *reason, size_t len);
};

/* Reads path with the kind's layout and replaces its table in one transaction of s: the
 * driver behind persons_import() and functions_import() (res's texts in a). Returns 0 or
 * -1 with err. */
int reg_import_run(struct store *s, struct arena *a, const char *path,
    const struct reg_import_kind *k, const struct reg_import_opts *opts,
    struct reg_import_result *res, char *err, size_t errlen);

#endif
