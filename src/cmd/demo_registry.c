/* demo_registry.c — loads the demo registry (a small full KBO extract in the official
 * format, the demo persons and their legal functions) into an empty registry, through the
 * same import services as `portier import`. The files live in <share>/demo/. */
#include "cmd/demo_registry.h"

#include <stdio.h>

#include "base/arena.h"
#include "base/log.h"
#include "cmd/config.h"
#include "registry/functions_import.h"
#include "registry/kbo_import.h"
#include "registry/persons_import.h"
#include "registry/registry.h"

static void
report(void *arg, const char *message)
{
	(void)arg;
	log_warn(NULL, "demo: %s", message);
}

int
demo_registry_seed(struct store *s)
{
	/* Forced: an empty registry may still remember an extract (one that held nothing). */
	struct kbo_import_opts ko = { .quiet = true, .force = true };
	struct reg_import_opts ro = { .report = report };
	struct reg_import_result persons, functions;
	struct arena *a;
	struct config c;
	char path[1200], err[1400];
	int empty, rc;

	empty = registry_empty(s);
	if (empty <= 0)
		return empty;
	/* The share dir as serve finds it by default: beside the executable, or from the
	 * environment (PORTIER_SHARE_DIR). */
	config_defaults(&c);
	if (config_env(&c, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: demo: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/demo/kbo", c.share_dir);
	if (kbo_import(s, path, &ko, NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: demo: import kbo %s: %s\n", path, err);
		return -1;
	}
	/* The demo files have no invalid rows: the imports write no rejects file and take
	 * nothing from the arena but an empty result. */
	a = arena_new(16 * 1024);
	if (a == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/demo/persons.csv", c.share_dir);
	rc = persons_import(s, a, path, &ro, &persons, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "portier: demo: import persons %s: %s\n", path, err);
	} else {
		snprintf(path, sizeof(path), "%s/demo/functions.csv", c.share_dir);
		rc = functions_import(s, a, path, &ro, &functions, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "portier: demo: import functions %s: %s\n", path, err);
	}
	arena_free(a);
	if (rc != 0)
		return -1;
	log_info(NULL, "demo: registry loaded from %s/demo (%lu persons, %lu legal functions)",
	    c.share_dir, persons.rows, functions.rows);
	return 0;
}
