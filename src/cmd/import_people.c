/* import_people.c — `portier import functions FILE` and `portier import persons FILE`:
 * the two authentic sources in portier's own CSV formats (docs/registry-formats.md).
 * Each import replaces its table in one transaction; invalid rows are listed as
 * file:line: reason and refuse the whole file unless --skip-invalid. */
#include "cmd/import_people.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "cmd/cmd.h"
#include "registry/functions_import.h"
#include "registry/persons_import.h"
#include "store/store.h"

#define MAX_ARGS 64

static const char functions_usage[] =
    "usage: portier import functions FILE [--skip-invalid] [--rejects FILE] [--db PATH]\n"
    "                                [--config FILE]\n"
    "\n"
    "Replaces the legal functions (who represents which enterprise) with those of FILE,\n"
    "portier's own CSV format (docs/registry-formats.md):\n"
    "  \"EnterpriseNumber\",\"RepresentativeNISS\",\"RepresentativeEnterpriseNumber\",\n"
    "  \"FunctionCode\",\"FunctionLabel\",\"BeginDate\",\"EndDate\"\n"
    "Every row is checked: enterprise numbers and NISS (mod 97), dates (yyyy-mm-dd or\n"
    "dd-mm-yyyy), enterprises known in the KBO registry (import kbo first), duplicates.\n"
    "Invalid rows are listed as file:line: reason and nothing is applied, unless\n"
    "  --skip-invalid    store the valid rows; write the invalid ones with their reason to\n"
    "  --rejects FILE    (default: FILE.rejected.csv)\n"
    "Exit status: 0 applied, 1 refused or failed (nothing changed), 2 usage.\n";

static const char persons_usage[] =
    "usage: portier import persons FILE [--skip-invalid] [--rejects FILE] [--db PATH]\n"
    "                              [--config FILE]\n"
    "\n"
    "Replaces the persons register with the persons of FILE, portier's own CSV format\n"
    "(docs/registry-formats.md):\n"
    "  \"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\",\"Country\"\n"
    "Every row is checked: NISS (mod 97, matching the birth date), names, dates, sex\n"
    "(M, F, X), language (fr, nl, de, en), country (ISO 3166 alpha-2), a NISS given twice.\n"
    "Invalid rows are listed as file:line: reason and nothing is applied, unless\n"
    "  --skip-invalid    store the valid rows; write the invalid ones with their reason to\n"
    "  --rejects FILE    (default: FILE.rejected.csv)\n"
    "Exit status: 0 applied, 1 refused or failed (nothing changed), 2 usage.\n";

typedef int (*import_fn)(struct store *, struct arena *, const char *,
    const struct reg_import_opts *, struct reg_import_result *, char *, size_t);

static void
report(void *arg, const char *message)
{
	(void)arg;
	fprintf(stderr, "%s\n", message);
}

/* Takes --skip-invalid and --rejects out of argv; the rest goes on in rest. */
static int
take_opts(int argc, char **argv, struct reg_import_opts *o, char **rest, int *nrest)
{
	*nrest = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--skip-invalid") == 0 || strcmp(a, "--skip_invalid") == 0) {
			o->skip_invalid = true;
			continue;
		}
		if (strcmp(a, "--rejects") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				fprintf(stderr, "portier: --rejects needs a file name\n");
				return -1;
			}
			o->rejects = argv[++i];
			continue;
		}
		if (strncmp(a, "--rejects=", 10) == 0) {
			if (a[10] == '\0') {
				fprintf(stderr, "portier: --rejects needs a file name\n");
				return -1;
			}
			o->rejects = a + 10;
			continue;
		}
		if (*nrest == MAX_ARGS) {
			fprintf(stderr, "portier: too many arguments\n");
			return -1;
		}
		rest[(*nrest)++] = argv[i];
	}
	return 0;
}

static int
run(int argc, char **argv, const char *what, const char *one, const char *usage, import_fn fn)
{
	struct reg_import_opts o = { .report = report };
	struct reg_import_result res;
	struct arena *a;
	struct config c;
	struct store *s;
	char *rest[MAX_ARGS], *pos[1], err[1400];
	int nrest, npos, rc;

	if (take_opts(argc, argv, &o, rest, &nrest) != 0)
		return 2;
	rc = cmd_config(nrest, rest, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (o.rejects != NULL && !o.skip_invalid) {
		fprintf(stderr, "portier: --rejects goes with --skip-invalid\n");
		return 2;
	}
	a = arena_new(0);
	if (a == NULL || open_store(&c, &s) != 0) {
		arena_free(a);
		return 1;
	}
	rc = fn(s, a, pos[0], &o, &res, err, sizeof(err));
	store_close(s);
	if (rc != 0)
		fprintf(stderr, "portier: import %s %s: %s\nportier: nothing was applied\n", what,
		    pos[0], err);
	else
		printf("imported %lu %s from %s into %s (the previous %s were replaced)\n",
		    res.rows, res.rows == 1 ? one : what, pos[0], store_label(c.db), what);
	if (rc == 0 && res.rejected > 0)
		printf("%lu invalid row%s skipped, written with the reason to %s\n", res.rejected,
		    res.rejected > 1 ? "s" : "", res.rejects);
	arena_free(a);
	return rc != 0 ? 1 : 0;
}

int
import_functions(int argc, char **argv)
{
	return run(argc, argv, "functions", "function", functions_usage, functions_import);
}

int
import_persons(int argc, char **argv)
{
	return run(argc, argv, "persons", "person", persons_usage, persons_import);
}
