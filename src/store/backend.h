/* backend.h — what a backend of store.h gives the dispatcher (store.c): its functions in an
 * ops table, and the statement texts registered for its dialect. Included by backends only.
 * A backend's public names are renamed (STORE_BACKEND) so that both link into one binary. */
#ifndef PORTIER_STORE_BACKEND_H
#define PORTIER_STORE_BACKEND_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "store/sql_table.h"
#include "store/store.h"

enum store_sp { STORE_SP_SET, STORE_SP_RELEASE, STORE_SP_ROLLBACK_TO };

/* Savepoints a transaction may nest (store_savepoint); one more is refused. */
#define STORE_SP_MAX 8

/* A transaction's savepoints: how many are set, and its failed mark when each was. */
struct store_sps {
	int depth;
	bool failed[STORE_SP_MAX];
};

/* Modules' hooks attached to a transaction (store_tx_attach): at most STORE_TX_HOOKS. */
#define STORE_TX_HOOKS 4

struct store_tx_hooks {
	int n;
	bool refused;   /* a hook could not be attached: the commit is refused */
	struct {
		const struct store_tx_hook *hook;
		void *state;
	} v[STORE_TX_HOOKS];
};

/* What a backend does with its transaction's hooks (store.c): before its COMMIT, each
 * hook's before_commit (0, or -1: the commit is refused); at a rollback to a savepoint,
 * every state cleared; at the transaction's end, every state freed and the hooks gone. */
int store_tx_hooks_commit(struct store_tx *tx, struct store_tx_hooks *h);
void store_tx_hooks_clear(struct store_tx_hooks *h);
void store_tx_hooks_end(struct store_tx_hooks *h);

/* Every object a backend hands out (struct store, store_tx, store_q, store_load) starts
 * with a pointer to its ops: the dispatcher reads it to call the right backend. */

#define STORE_MAX_POOL 64

/* What every backend's struct store starts with (its member base): the ops, then the
 * state kept alike for both: fault injection, the long holders' places, the pool. */
struct store_common {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	/* Fault injection (store_fault_after): the kinds counted, the calls counted, the
	 * number of the call to fail. */
	atomic_uint fault_kinds;
	atomic_long fault_calls;
	atomic_long fault_n;
	atomic_int long_held;    /* places taken by long holders (store_long_take) */
	/* The pool: n connections (the backend's conns[0 .. n-1]), busy[i] while a
	 * transaction holds the i-th; store_begin waits on freed for one. */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	int n;
	bool busy[STORE_MAX_POOL];
};

/* The pool's bookkeeping: init (returns pool within 1 .. STORE_MAX_POOL; the backend
 * opens that many connections and sets n as it goes), take (waits for a free connection,
 * returns its index), give (index), destroy. */
int store_pool_init(struct store_common *c, int pool);
int store_pool_take(struct store_common *c);
void store_pool_give(struct store_common *c, int i);
/* Takes place i if it is free (true), without waiting. */
bool store_pool_try(struct store_common *c, int i);
void store_pool_destroy(struct store_common *c);
struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	int (*migrate)(struct store *s, const char *dir, char *err, size_t errlen);
	int (*begin)(struct store *s, enum store_mode mode, struct store_tx **out);
	int (*bulk_begin)(struct store *s, struct store_tx **out);
	int (*commit)(struct store_tx **txp);
	void (*rollback)(struct store_tx **txp);
	/* try_: the caller expects a constraint error (store_exec_try): -2 leaves the
	 * transaction usable; without it -2 marks the transaction failed. */
	int (*exec)(struct store_tx *tx, int id, bool try_, const char *fmt, va_list ap);
	int (*exec_vals)(struct store_tx *tx, int id, const struct store_val *v, int n);
	int (*load)(struct store_tx *tx, int id, const struct store_val *v, int ncols,
	    int nrows, int *bad);
	int (*load_begin)(struct store_tx *tx, int id, int ncols, struct store_load **out);
	int (*load_rows)(struct store_load *l, const struct store_val *v, int nrows, int *bad);
	int (*load_end)(struct store_load **lp);
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
	/* Prepares statement id on tx's connection (its columns checked, rule 9): 0, or -1
	 * with the reason in why. */
	int (*prepare)(struct store_tx *tx, int id, char *why, size_t whylen);
	/* store_savepoint, store_release, store_rollback_to. */
	int (*savepoint)(struct store_tx *tx, enum store_sp what);
	/* True when the last failure of this thread may succeed if the operation is run
	 * again (serialization failure, deadlock); NULL: never. */
	bool (*retryable)(void);
	/* store_maintain; NULL: nothing to do. */
	int (*maintain)(struct store *s);
	/* The hooks of tx (store_tx_attach). */
	struct store_tx_hooks *(*hooks)(struct store_tx *tx);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

int sqlite_store_open(const char *path, int pool, struct store **out, char *err,
    size_t errlen);
int pg_store_open(const char *conninfo, int pool, struct store **out, char *err,
    size_t errlen);

/* True when this call, of kind (enum store_fault_kind), is the one a test asked to fail
 * (store_fault_after); said in the log. */
bool store_fault_hit(struct store_common *c, unsigned kind);

/* Before a backend runs savepoint statement what: 0 when it may (one to set below the
 * limit, one to release or roll back to), else -1. After it ran: the savepoint recorded
 * with *failed, forgotten, or *failed given back what it was when it was set. */
int store_sp_check(const struct store_sps *sp, enum store_sp what);
void store_sp_done(struct store_sps *sp, enum store_sp what, bool *failed);

/* A migration file NNN_name.sql of a folder. */
struct store_migration {
	int number;
	char name[256];
};
/* The migrations of dir in number order, numbered lowest to 9999, into list (max); their
 * count, or -1 with a reason in err (a name not NNN_name.sql, two of one number). */
int store_migrations_list(const char *dir, int lowest, struct store_migration *list,
    int max, char *err, size_t errlen);
/* The whole file at path into out, NUL-terminated; 0 or -1. */
struct buf;
int store_read_file(const char *path, struct buf *out);

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
