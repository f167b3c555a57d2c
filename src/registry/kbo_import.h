/* kbo_import.h — applies a KBO Open Data extract (the Crossroads Bank for Enterprises'
 * public data, full or daily update) to the registry tables, in one transaction. */
#ifndef PORTIER_REGISTRY_KBO_IMPORT_H
#define PORTIER_REGISTRY_KBO_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

struct store;

struct kbo_import_opts {
	bool force;            /* apply even when not newer than the last applied extract */
	long extract_number;   /* when neither meta.csv nor the name gives it; 0 = none */
	bool quiet;            /* no progress or summary lines on stderr */
};

struct kbo_import_result {
	long extract_number;
	bool full;             /* a full extract (else a daily update) */
	char snapshot[11];     /* SnapshotDate, ISO; "" when meta.csv has none: a fixed-format
	                        * value (yyyy-mm-dd), hence an array */
	unsigned long long rows;   /* data rows read, all files */
	double seconds;
};

/* Applies the extract at path — a folder holding the CSV files or the official zip — to
 * store s: a full extract replaces every registry table, an update applies per table its
 * delete file then its insert file; code.csv and meta.csv are replaced whole. Either
 * everything is applied and the extract recorded, or nothing changes. Returns 0 and fills
 * res (may be NULL), or -1 with the reason in err: "file:line: reason" for a bad row or
 * header, or why the extract is refused. */
int kbo_import(struct store *s, const char *path, const struct kbo_import_opts *opts,
    struct kbo_import_result *res, char *err, size_t errlen);

#endif
