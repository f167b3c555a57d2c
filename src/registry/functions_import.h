/* functions_import.h — loads the legal functions (who represents which enterprise; portier's
 * own CSV format, see docs/registry-formats.md) into reg_function, replacing what was
 * there, in one transaction. */
#ifndef PORTIER_REGISTRY_FUNCTIONS_IMPORT_H
#define PORTIER_REGISTRY_FUNCTIONS_IMPORT_H

#include "registry/reg_import.h"

struct arena;
struct store;

/* Imports path into s. Every row is checked (enterprise and NISS checksums, dates, the
 * enterprises known in kbo_enterprise — import the KBO extract first —, duplicates); an
 * invalid row is reported as "file:line: reason" and then nothing is stored, unless
 * opts->skip_invalid, which stores the valid rows and writes the invalid ones with their
 * reason to the rejects file. A malformed file (quoting, header, field count, not UTF-8)
 * is always refused whole. Returns 0 and fills res (may be NULL; its texts in a), or -1
 * with the reason in err; the previous content is then untouched. */
int functions_import(struct store *s, struct arena *a, const char *path,
    const struct reg_import_opts *opts, struct reg_import_result *res, char *err,
    size_t errlen);

#endif
