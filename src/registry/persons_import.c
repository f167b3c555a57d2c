/* persons_import.c — `portier import persons`: the persons register (NISS, names, birth
 * date, sex, language, country of domicile) from portier's own CSV format into reg_person,
 * replacing the previous content; the file driver is reg_import.c. */
#include "registry/persons_import.h"

#include <stdio.h>

#include "registry/query_sql.h"
#include "registry/reg_rows.h"
#include "store/store.h"

/* The line that already gave this NISS, or 0. */
static long
first_line(struct store_tx *tx, const char *niss)
{
	struct store_q *q;
	long line = 0;

	if (store_query(tx, SQL_REGP_PERSON_LINE, &q, "t", niss) != 0)
		return 0;
	if (store_next(q) == 1)
		line = (long)store_int(q, REGP_PERSON_LINE_SOURCE_LINE);
	store_done(q);
	return line;
}

static int
person_row(struct store_tx *tx, const struct kbo_row *row, char *reason, size_t len)
{
	char buf[REG_ROW_BUF];    /* the row's normalised values: nothing allocated per row */
	struct reg_person_row p;
	int rc;

	if (reg_person_row_check(row, buf, &p, reason, len) != 0)
		return 1;
	rc = store_exec_try(tx, SQL_REGP_PERSON_INSERT, "ttttttti", p.niss, p.last_name,
	    p.first_names, p.birth_date[0] ? p.birth_date : NULL, p.sex[0] ? p.sex : NULL,
	    p.language[0] ? p.language : NULL, p.country, (int64_t)row->line);
	if (rc == 1)
		return 0;
	if (rc == -2) {
		snprintf(reason, len, "the same NISS is already given on line %ld",
		    first_line(tx, p.niss));
		return 1;
	}
	return -1;
}

static const struct reg_import_kind persons = {
	.name = "persons",
	.cols = reg_person_cols,
	.ncols = REG_PERSON_NCOLS,
	.sql_clear = SQL_REGP_PERSON_CLEAR,
	.row = person_row,
};

int
persons_import(struct store *s, struct arena *a, const char *path,
    const struct reg_import_opts *opts, struct reg_import_result *res, char *err,
    size_t errlen)
{
	return reg_import_run(s, a, path, &persons, opts, res, err, errlen);
}
