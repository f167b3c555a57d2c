/* pg_prepare_all.c — the machine's inventory for issue 13: applies migrations/pg to a
 * PostgreSQL database and asks the server to prepare every module's statement as the
 * PostgreSQL store would (?N rewritten to $N); prints each refusal and the counts.
 * Usage: pg_prepare_all CONNINFO [MIGRATIONS_DIR]  (make pg-inventory runs it on a
 * throw-away cluster). Exit 0 when it ran, whatever the count; 1 when it could not run. */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_pg.h"

#include "cmd/store_modules.h"

static int
prepare_range(PGconn *pg, const char *name, int first, int count, int *n, int *bad)
{
	static char text[65536];

	for (int id = first; id < first + count; id++) {
		PGresult *res;
		int rc = store_pg_text(id, text, sizeof(text));
		const char *st, *msg;

		if (rc < 0)
			continue;
		(*n)++;
		res = PQprepare(pg, "", text, 0, NULL);
		if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
			PQclear(res);
			continue;
		}
		(*bad)++;
		st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		printf("%-15s %5d  %s  %s\n", name, id, st ? st : "-", msg ? msg : "no result");
		PQclear(res);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 2 ? argv[2] : "migrations/pg";
	struct store *s;
	char err[512];
	int total = 0, bad = 0, applied;
	PGconn *pg;

	if (argc < 2) {
		fprintf(stderr, "usage: pg_prepare_all CONNINFO [MIGRATIONS_DIR]\n");
		return 1;
	}
	if (store_modules_register() != 0) {
		fprintf(stderr, "statement tables not registered\n");
		return 1;
	}
	if (store_open(argv[1], 1, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	applied = store_migrate(s, dir, err, sizeof(err));
	store_close(s);
	if (applied < 0) {
		fprintf(stderr, "migrate: %s\n", err);
		return 1;
	}
	printf("migrations applied: %d\n", applied);
	pg = PQconnectdb(argv[1]);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "connect failed\n");
		PQfinish(pg);
		return 1;
	}
	prepare_range(pg, "core", SQL_CORE_FIRST, SQL_CORE_END - SQL_CORE_FIRST, &total, &bad);
	/* The portal has a database of its own (portal/migrations): not here. */
	for (size_t i = 0; i < store_modules_n; i++) {
		const struct store_module *m = &store_modules[i];
		int n = 0, b = 0;

		if (m->own_db)
			continue;
		prepare_range(pg, m->name, m->portable->first, m->portable->count, &n, &b);
		printf("%-15s %4d statements, %3d refused by PostgreSQL\n", m->name, n, b);
		total += n;
		bad += b;
	}
	printf("total           %4d statements, %3d refused by PostgreSQL\n", total, bad);
	PQfinish(pg);
	return 0;
}
