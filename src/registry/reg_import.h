/* reg_import.h — what the persons and legal functions imports share: their options and
 * their result (functions_import.h, persons_import.h). Formats: docs/registry-formats.md. */
#ifndef PORTIER_REGISTRY_REG_IMPORT_H
#define PORTIER_REGISTRY_REG_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

/* At most this many invalid rows are reported one by one; the rest are counted. */
#define REG_IMPORT_REPORT_MAX 100

struct reg_import_opts {
	bool skip_invalid;      /* store the valid rows, write the invalid ones to rejects */
	const char *rejects;    /* with skip_invalid: where; NULL = "<file>.rejected.csv" */
	/* Called with "file:line: reason" for each invalid row (up to REG_IMPORT_REPORT_MAX);
	 * NULL: not reported. */
	void (*report)(void *arg, const char *message);
	void *report_arg;
};

struct reg_import_result {
	unsigned long rows;         /* rows stored */
	unsigned long rejected;     /* rows refused */
	const char *rejects;        /* the rejects file written (in the import's arena), ""
	                             * when none */
};

#endif
