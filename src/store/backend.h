/* backend.h — what a backend of store.h gives the dispatcher (store.c): its functions in an
 * ops table, and the statement texts registered for its dialect. Included by backends only.
 * A backend's public names are renamed (STORE_BACKEND) so that both link into one binary. */
#ifndef PORTIER_STORE_BACKEND_H
#define PORTIER_STORE_BACKEND_H

#include <stdarg.h>
#include <stdbool.h>

#include "store/sql_table.h"
#include "store/store.h"

enum store_sp { STORE_SP_SET, STORE_SP_RELEASE, STORE_SP_ROLLBACK_TO };

/* Savepoints a transaction may nest (store_savepoint); one more is refused. */
#define STORE_SP_MAX 8

/* Every object a backend hands out (struct store, store_tx, store_q) starts with a pointer
 * to its ops: the dispatcher reads it to call the right backend. */
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	int (*migrate)(struct store *s, const char *dir, char *err, size_t errlen);
	int (*pool_size)(const struct store *s);
	int (*ping)(struct store *s);
	bool (*long_take)(struct store *s);
	void (*long_put)(struct store *s);
	int (*schema_version)(struct store *s);
	int (*begin)(struct store *s, enum store_mode mode, struct store_tx **out);
	int (*bulk_begin)(struct store *s, struct store_tx **out);
	int (*commit)(struct store_tx **txp);
	void (*rollback)(struct store_tx **txp);
	/* try_: the caller expects a constraint error (store_exec_try): -2 leaves the
	 * transaction usable; without it -2 marks the transaction failed. */
	int (*exec)(struct store_tx *tx, int id, bool try_, const char *fmt, va_list ap);
	int (*exec_vals)(struct store_tx *tx, int id, const struct store_val *v, int n);
	int (*changes)(struct store_tx *tx);
	int (*query)(struct store_tx *tx, int id, bool try_, struct store_q **out,
	    const char *fmt, va_list ap);
	int (*next)(struct store_q *q);
	const char *(*text)(struct store_q *q, int col);
	int64_t (*integer)(struct store_q *q, int col);
	const void *(*blob)(struct store_q *q, int col, size_t *len);
	bool (*null)(struct store_q *q, int col);
	void (*done)(struct store_q *q);
	int (*script)(struct store_tx *tx, const char *sql, char *err, size_t errlen);
	void (*fault_after)(struct store *s, long n, unsigned kinds);
	void (*fault_off)(struct store *s);
	long (*fault_calls)(struct store *s);
	/* store_savepoint, store_release, store_rollback_to. */
	int (*savepoint)(struct store_tx *tx, enum store_sp what);
	/* True when the last failure of this thread may succeed if the operation is run
	 * again (serialization failure, deadlock); NULL: never. */
	bool (*retryable)(void);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

int sqlite_store_open(const char *path, int pool, struct store **out, char *err,
    size_t errlen);
int pg_store_open(const char *conninfo, int pool, struct store **out, char *err,
    size_t errlen);

enum store_dialect { STORE_DIALECT_SQLITE, STORE_DIALECT_PG };

/* The text a backend of dialect prepares for id: the module's dialect text when it gave
 * one (PostgreSQL only today), else its portable text; NULL when no module has id.
 * *portable tells which (PostgreSQL rewrites ?N in portable texts). */
const char *store_sql_text(int id, enum store_dialect dialect, bool *portable);

#endif
