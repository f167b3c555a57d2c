/* import.c — `portier import SOURCE ...`: loads an authentic source into the registry.
 * `kbo` takes a KBO Open Data extract; `functions` and `persons` (import_people.c) take
 * portier's own CSV formats (each source is one row of the table below). */
#include "cmd/cmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/import_people.h"
#include "registry/kbo_import.h"
#include "store/store.h"

#define MAX_ARGS 64

static const char usage[] =
    "usage: portier import SOURCE [OPTIONS]\n"
    "\n"
    "Loads an authentic source into the registry, in one transaction: all of it or nothing.\n"
    "\n"
    "sources:\n"
    "  kbo PATH         a KBO Open Data extract, full or daily update\n"
    "                   (portier import kbo --help)\n"
    "  functions FILE   legal functions, portier's own CSV format\n"
    "                   (portier import functions --help)\n"
    "  persons FILE     persons (national register), portier's own CSV format\n"
    "                   (portier import persons --help)\n";

static const char kbo_usage[] =
    "usage: portier import kbo PATH [--force] [--extract-number N] [--db PATH]\n"
    "                          [--config FILE]\n"
    "\n"
    "Applies a KBO Open Data extract (Crossroads Bank for Enterprises) to the registry.\n"
    "PATH is the official zip (KboOpenData_<nr>_<yyyy>_<mm>_<dd>_Full.zip or _Update.zip)\n"
    "or a folder holding its CSV files.\n"
    "  full extract   replaces every registry table (meta, code, enterprise, establishment,\n"
    "                 denomination, address, contact, activity, branch)\n"
    "  update         applies per table <table>_delete.csv then <table>_insert.csv;\n"
    "                 code.csv and meta.csv are replaced whole\n"
    "The extract number comes from meta.csv (ExtractNumber), else from the name (_0147_ or\n"
    "-0147-), else from --extract-number. An extract not newer than the last one applied\n"
    "is refused unless --force. A bad row is reported as file:line: reason and nothing is\n"
    "applied. Progress on a terminal; one summary line per file otherwise.\n"
    "Exit status: 0 applied, 1 refused or failed (nothing changed), 2 usage.\n";

struct import_opts {
	bool force;
	long extract_number;
};

/* Takes the options cmd_config does not know out of argv; the rest goes on in rest. */
static int
take_opts(int argc, char **argv, struct import_opts *o, char **rest, int *nrest)
{
	*nrest = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (strcmp(a, "--force") == 0) {
			o->force = true;
			continue;
		}
		if (strcmp(a, "--extract-number") == 0 || strcmp(a, "--extract_number") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "portier: --extract-number needs a value\n");
				return -1;
			}
			v = argv[++i];
		} else if (strncmp(a, "--extract-number=", 17) == 0) {
			v = a + 17;
		}
		if (v != NULL) {
			char *end;

			errno = 0;
			o->extract_number = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || o->extract_number < 1 ||
			    o->extract_number > 999999) {
				fprintf(stderr, "portier: --extract-number must be a number from 1 "
				    "to 999999\n");
				return -1;
			}
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
import_kbo(int argc, char **argv)
{
	struct import_opts io = { 0 };
	struct kbo_import_opts ko = { 0 };
	struct kbo_import_result res;
	struct config c;
	struct store *s;
	char *rest[MAX_ARGS], *pos[1], err[1024];
	int nrest, npos, rc;

	if (take_opts(argc, argv, &io, rest, &nrest) != 0)
		return 2;
	rc = cmd_config(nrest, rest, kbo_usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1) {
		fputs(kbo_usage, stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	ko.force = io.force;
	ko.extract_number = io.extract_number;
	rc = kbo_import(s, pos[0], &ko, &res, err, sizeof(err));
	store_close(s);
	if (rc != 0) {
		fprintf(stderr, "portier: import kbo %s: %s\nportier: nothing was applied\n",
		    pos[0], err);
		return 1;
	}
	printf("applied %s extract %ld (snapshot %s): %llu rows in %.1f s into %s\n",
	    res.full ? "full" : "update", res.extract_number,
	    res.snapshot[0] ? res.snapshot : "unknown", res.rows, res.seconds, store_label(c.db));
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);   /* argv[0] is the source's name */
} sources[] = {
	{ "kbo", import_kbo },
	{ "functions", import_functions },
	{ "persons", import_persons },
};

int
cmd_import(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(argv[1], sources[i].name) == 0)
			return sources[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "portier: import: unknown source '%s'\n%s", argv[1], usage);
	return 2;
}
