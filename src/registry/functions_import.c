/* functions_import.c — `portier import functions`: legal functions (which person or which
 * enterprise represents an enterprise, from when to when) from portier's own CSV format
 * into reg_function, replacing the previous content; the file driver is reg_import.c.
 * Enterprises are checked against the KBO tables as they are at import time. */
#include "registry/functions_import.h"

#include <stdio.h>

#include "be/be.h"
#include "registry/query_sql.h"
#include "registry/reg_rows.h"
#include "store/store.h"

/* 1 when the enterprise is in kbo_enterprise, 0 when not, -1 on error. */
static int
known(struct store_tx *tx, const char *number)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_REGP_ENTERPRISE_EXISTS, &q, "t", number) != 0)
		return -1;
	rc = store_next(q);
	store_done(q);
	return rc;
}

/* The line that already gave this function, or 0. */
static long
first_line(struct store_tx *tx, const struct reg_function_row *f)
{
	struct store_q *q;
	long line = 0;

	if (store_query(tx, SQL_REGP_FUNCTION_LINE, &q, "tttt", f->enterprise,
	    f->rep_niss[0] ? f->rep_niss : f->rep_enterprise, f->code, f->begin) != 0)
		return 0;
	if (store_next(q) == 1)
		line = (long)store_int(q, REGP_FUNCTION_LINE_SOURCE_LINE);
	store_done(q);
	return line;
}

static int
function_row(struct store_tx *tx, const struct kbo_row *row, char *reason, size_t len)
{
	char buf[REG_ROW_BUF];    /* the row's normalised values: nothing allocated per row */
	struct reg_function_row f;
	char shown[13];
	int rc;

	if (reg_function_row_check(row, buf, &f, reason, len) != 0)
		return 1;
	rc = known(tx, f.enterprise);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		be_enterprise_format(f.enterprise, shown);
		snprintf(reason, len, "unknown enterprise %s: not in the KBO registry (import "
		    "the KBO extract first)", shown);
		return 1;
	}
	if (f.rep_enterprise[0] != '\0') {
		rc = known(tx, f.rep_enterprise);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			be_enterprise_format(f.rep_enterprise, shown);
			snprintf(reason, len, "unknown representing enterprise %s: not in the KBO "
			    "registry", shown);
			return 1;
		}
	}
	rc = store_exec_try(tx, SQL_REGP_FUNCTION_INSERT, "ttttttti", f.enterprise,
	    f.rep_niss[0] ? f.rep_niss : NULL, f.rep_enterprise[0] ? f.rep_enterprise : NULL,
	    f.code, f.label, f.begin, f.end[0] ? f.end : NULL, (int64_t)row->line);
	if (rc == 1)
		return 0;
	if (rc == -2) {
		snprintf(reason, len, "the same function of the same representative from the "
		    "same day is already given on line %ld", first_line(tx, &f));
		return 1;
	}
	return -1;
}

static const struct reg_import_kind functions = {
	.name = "functions",
	.cols = reg_function_cols,
	.ncols = REG_FUNCTION_NCOLS,
	.sql_clear = SQL_REGP_FUNCTION_CLEAR,
	.row = function_row,
};

int
functions_import(struct store *s, struct arena *a, const char *path,
    const struct reg_import_opts *opts, struct reg_import_result *res, char *err,
    size_t errlen)
{
	return reg_import_run(s, a, path, &functions, opts, res, err, errlen);
}
