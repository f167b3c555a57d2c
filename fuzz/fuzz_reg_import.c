/* fuzz_reg_import.c — libFuzzer target for the whole persons and legal functions imports
 * (persons_import, functions_import: reg_import.c on kbo_csv.c and reg_rows.c, into a
 * migrated store): the first byte chooses the kind and whether invalid rows are skipped
 * (and written to a rejects file), the rest is the file. An import either succeeds with
 * its counts or fails with a reason; without skipping, no invalid row is ever stored.
 * fuzz_registry_rows checks the row parsers themselves. The store lives in /dev/shm (or
 * TMPDIR); run from the repository root (migrations/). Built by `make fuzz`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "registry/functions_import.h"
#include "registry/persons_import.h"
#include "cmd/store_modules.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static char dir[64], file[128], rejects[128];

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
cleanup(void)
{
	char db[128];

	store_close(store);
	unlink(file);
	unlink(rejects);
	snprintf(db, sizeof(db), "%s/t.db", dir);
	unlink(db);
	snprintf(db, sizeof(db), "%s/t.db-wal", dir);
	unlink(db);
	snprintf(db, sizeof(db), "%s/t.db-shm", dir);
	unlink(db);
	rmdir(dir);
}

static void
setup(void)
{
	char db[128], err[512];

	snprintf(dir, sizeof(dir), "%s", access("/dev/shm", W_OK) == 0 ?
	    "/dev/shm/fuzz-import-XXXXXX" : "/tmp/fuzz-import-XXXXXX");
	check(mkdtemp(dir) != NULL);
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(file, sizeof(file), "%s/in.csv", dir);
	snprintf(rejects, sizeof(rejects), "%s/rejects.csv", dir);
	check(store_modules_register() == 0);
	if (store_open(db, 1, &store, err, sizeof(err)) != 0 ||
	    store_migrate(store, "migrations", err, sizeof(err)) < 1) {
		fprintf(stderr, "fuzz_reg_import: %s (run from the repository root)\n", err);
		abort();
	}
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reg_import_opts o = { .rejects = rejects };
	struct reg_import_result res;
	struct arena *a;
	char err[1024];
	FILE *f;
	int rc;

	if (size < 1 || size > 256 * 1024)
		return 0;
	if (store == NULL)
		setup();
	f = fopen(file, "wb");
	check(f != NULL);
	check(fwrite(data + 1, 1, size - 1, f) == size - 1 && fclose(f) == 0);
	o.skip_invalid = (data[0] & 2) != 0;
	err[0] = '\0';
	a = arena_new(0);
	check(a != NULL);
	rc = (data[0] & 1) == 0 ? persons_import(store, a, file, &o, &res, err, sizeof(err)) :
	    functions_import(store, a, file, &o, &res, err, sizeof(err));
	if (rc != 0) {
		check(rc == -1 && err[0] != '\0');
	} else {
		check(err[0] == '\0');
		check(o.skip_invalid || res.rejected == 0);
		/* A rejects file exactly when rows were rejected. */
		check((res.rejected > 0) == (res.rejects[0] != '\0'));
		check(res.rejected == 0 || access(rejects, R_OK) == 0);
	}
	unlink(rejects);
	arena_free(a);
	return 0;
}
