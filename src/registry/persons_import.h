/* persons_import.h — loads the persons register (portier's own CSV format, see
 * docs/registry-formats.md) into reg_person, replacing what was there, in one transaction. */
#ifndef PORTIER_REGISTRY_PERSONS_IMPORT_H
#define PORTIER_REGISTRY_PERSONS_IMPORT_H

#include "registry/reg_import.h"

struct arena;
struct store;

/* Imports path into s. Every row is checked (NISS checksum, names, dates, codes, a NISS
 * given twice); an invalid row is reported as "file:line: reason" and then nothing is
 * stored, unless opts->skip_invalid, which stores the valid rows and writes the invalid
 * ones with their reason to the rejects file. A malformed file (quoting, header, field
 * count, not UTF-8) is always refused whole. Returns 0 and fills res (may be NULL; its
 * texts in a), or -1 with the reason in err; the previous content is then untouched. */
int persons_import(struct store *s, struct arena *a, const char *path,
    const struct reg_import_opts *opts, struct reg_import_result *res, char *err,
    size_t errlen);

#endif
