/* backend.h — what a backend of store.h gives the dispatcher (store.c): its functions in an
 * ops table, and the statement texts registered for its dialect. Included by backends only.
 * A backend's public names are renamed (STORE_BACKEND) so that both link into one binary. */
#ifndef PORTIER_STORE_BACKEND_H
#define PORTIER_STORE_BACKEND_H

#include <stdarg.h>
#include <stdbool.h>

#include "store/sql_table.h"
#include "store/store.h"

/* Every object a backend hands out (struct store, store_tx, store_q, store_load) starts with a pointer
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
	int (*exec)(struct store_tx *tx, int id, const char *fmt, va_list ap);
	int (*exec_vals)(struct store_tx *tx, int id, const struct store_val *v, int n);
	int (*load)(struct store_tx *tx, int id, const struct store_val *v, int ncols,
	    int nrows, int *bad);
	int (*load_begin)(struct store_tx *tx, int id, int ncols, struct store_load **out);
	int (*load_rows)(struct store_load *l, const struct store_val *v, int nrows, int *bad);
	int (*load_end)(struct store_load **lp);
	int (*changes)(struct store_tx *tx);
	int (*query)(struct store_tx *tx, int id, struct store_q **out, const char *fmt,
	    va_list ap);
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
	/* Prepares statement id on tx's connection (its columns checked, rule 9): 0, or -1
	 * with the reason in why. */
	int (*prepare)(struct store_tx *tx, int id, char *why, size_t whylen);
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
/* The result columns declared for id ("id,name,"; sql_table.h), NULL when none. */
const char *store_sql_cols(int id, enum store_dialect dialect);
/* Compares the n names a backend's database reports for id's result with its declaration:
 * 0 when they are the same (or id declares none), else -1 with the statement and both
 * lists in why. Backends call it when they prepare a statement. */
#define STORE_MAX_COLS 128
int store_cols_check(int id, enum store_dialect dialect, int n, const char *const *names,
    char *why, size_t whylen);

#endif
