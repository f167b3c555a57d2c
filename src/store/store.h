/* store.h — database access for services: one interface, SQLite now, PostgreSQL next.
 * Services name statements by id (enum store_sql and the modules' own ranges, see
 * sql_table.h); each backend holds the SQL text of every id, so no SQL string is built
 * from input and services never see a dialect. */
#ifndef PORTIER_STORE_H
#define PORTIER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/sql.h"

struct store;       /* a database: a pool of connections */
struct store_tx;    /* one transaction on one connection */
struct store_q;     /* the rows of one statement */

/* STORE_READ_LONG: a read held while many rows are sent (a streamed export): no memory map
 * of the file and sorts spilled to temporary files, so that the process's memory does not
 * grow with the rows read (SQLite's cache stays bounded); somewhat slower. */
enum store_mode { STORE_READ, STORE_WRITE, STORE_READ_LONG };

/* Opens the database named by path with up to pool connections: a PostgreSQL one for a
 * libpq connection string (postgresql://…, postgres://…, or keywords "host=… dbname=…"),
 * else the SQLite file at path (created if needed). Returns 0, or -1 with a reason in err. */
int store_open(const char *path, int pool, struct store **out, char *err, size_t errlen);
/* True when db names a PostgreSQL database (store_open's rule). */
bool store_is_pg(const char *db);
/* Calls fn(arg, path) for each file the client library reads when it connects to db
 * (PostgreSQL: sslrootcert, sslcert, sslkey, sslcrl, sslcrldir, passfile, named in the
 * string or defaulted under $HOME), so that a sandbox can let them be read; nothing for a
 * SQLite file (its folder is the caller's). Returns 0, or the first non-zero of fn. */
int store_client_files(const char *db, int (*fn)(void *arg, const char *path), void *arg);
/* The highest number among the migrations of dir (NNN_name.sql), or -1 when there is none
 * or a name is not a migration's (store_migrate would refuse the folder too). */
int store_migrations_newest(const char *dir);
/* What messages may say of db: the path of a SQLite file, "the PostgreSQL database" for a
 * connection string (which may hold a password: never printed). */
const char *store_label(const char *db);
/* Adds a module's statements, for every store opened after: portable holds the texts
 * SQLite runs and PostgreSQL too (?N rewritten to $N) unless pg (may be NULL, or hold
 * NULL for an id) gives PostgreSQL's own. Called by the composition root (cmd/) before
 * store_open, from one thread; registering the same pair again does nothing. Returns 0,
 * or -1 (table full, a range overlapping another module's). See docs/store-contract.md. */
struct sql_table;
int store_register(const struct sql_table *portable, const struct sql_table *pg);
void store_close(struct store *s);
/* Prepares, on one connection of s, every statement of t that declares its result columns
 * (sql_table.h) and compares them with the names the database gives: 0, or -1 with the
 * first statement that differs in err. Run at start, so that a server whose SELECT lists
 * its columns in another order than its callers read them refuses to start. */
int store_check_columns(struct store *s, const struct sql_table *t, char *err,
    size_t errlen);
/* Applies the numbered migrations from dir not yet applied, each in its own transaction.
 * Returns the number applied (>= 0), or -1 with a reason in err. */
int store_migrate(struct store *s, const char *dir, char *err, size_t errlen);
/* Connections in the pool: a caller that holds one for long (a streamed export) keeps
 * its share small, since store_begin waits for a free one. */
int store_pool_size(const struct store *s);
/* Takes one of the places for such long holders: at most a quarter of the pool (at least
 * one), counted per store, so that the other requests always find a connection. True
 * when taken; give it back with store_long_put. */
bool store_long_take(struct store *s);
void store_long_put(struct store *s);
/* Returns 0 when the database answers a trivial read, -1 otherwise. */
int store_ping(struct store *s);
/* Highest migration number applied, or -1. */
int store_schema_version(struct store *s);
/* Refreshes the query planner's statistics where they have gone stale (SQLite: PRAGMA
 * optimize on each connection of the pool; PostgreSQL's autoanalyze does it: nothing).
 * The SQLite store also runs it by itself, hourly and after many commits. 0 or -1. */
int store_maintain(struct store *s);

/* Transactions have one owner, the pointer the caller holds: store_commit and
 * store_rollback end the transaction whatever happens and set that pointer to NULL, and
 * both do nothing on NULL, so a cleanup label may always call store_rollback(&tx), also
 * after a commit that failed (the transaction is then already rolled back and ended). */

/* Starts a transaction (STORE_WRITE takes the write lock at once). Returns 0, or -1 with
 * *out NULL. */
int store_begin(struct store *s, enum store_mode mode, struct store_tx **out);
/* Starts a write transaction for loading many rows at once (bulk imports). The backend
 * may trade speed for durability until the commit and use more memory and helper threads
 * while it lasts (SQLite: synchronous=OFF, a 64 MiB page cache, sorting on 2 threads,
 * temporary files on disk); it restores its usual settings when the transaction ends.
 * Returns 0, or -1 with *out NULL. */
int store_bulk_begin(struct store *s, struct store_tx **out);
/* Commits and ends *txp, then sets *txp to NULL. Returns 0, or -1 (then it was rolled
 * back and ended all the same; also when *txp is NULL). */
int store_commit(struct store_tx **txp);
/* Rolls back and ends *txp, then sets *txp to NULL; nothing when txp or *txp is NULL. */
void store_rollback(struct store_tx **txp);

/* Runs statement id with parameters described by fmt, one letter per parameter:
 *   't' const char * (text, NULL binds NULL), 'i' int64_t, 'I' int64_t (0 binds NULL), 'b' const void *, size_t (blob),
 *   'n' NULL. Returns the number of rows changed (>= 0), -2 for a constraint (unique,
 * foreign key, not null, check), or -1 for any other error. Both errors mark the
 * transaction failed (its commit is refused): PostgreSQL aborts a transaction on any
 * error, and SQLite is made to answer the same so that tests on it catch a caller that
 * goes on. A write that expects a constraint uses store_exec_try. */
int store_exec(struct store_tx *tx, int id, const char *fmt, ...);
/* store_exec for a write that expects a constraint error (docs/store-contract.md rule
 * 11): -2 undoes the statement only and leaves the transaction usable. Costs two round
 * trips on PostgreSQL (the statement runs under a savepoint); use it where the caller
 * tests for -2 and goes on, or maps it to an answer of its own. */
int store_exec_try(struct store_tx *tx, int id, const char *fmt, ...);
/* One parameter of store_exec_vals: the integer i when integer is set, else the text of
 * len bytes at p (no NUL needed), or NULL when p is NULL. */
struct store_val {
	const char *p;
	size_t len;
	int64_t i;
	bool integer;
};
/* Runs statement id with n parameters, texts bound without a copy: the bulk-load path
 * for rows read from files. The texts must stay valid until the call returns. Returns as
 * store_exec. */
int store_exec_vals(struct store_tx *tx, int id, const struct store_val *v, int n);
/* Loads nrows rows of ncols values each (v: row after row) with statement id, the bulk path
 * of imports. id's portable text is a one-row INSERT with ncols parameters, which SQLite
 * runs row by row; PostgreSQL's text of id is `COPY table(columns) FROM STDIN` of the same
 * columns, and the rows travel in one COPY. Returns nrows when all were written; -2 when a
 * row broke a constraint: *bad is its index, the rows before it are written, the rows
 * from it on are not, tx stays usable (on PostgreSQL the COPY is undone and the rows run
 * again one by one to find it); -1 for any other error (tx is then failed). */
int store_load(struct store_tx *tx, int id, const struct store_val *v, int ncols, int nrows,
    int *bad);
/* The streamed form of store_load, for a whole file: the rows go to the server while the
 * caller reads the next ones (PostgreSQL: one COPY from begin to end, never waiting for the
 * server in between). While a load is open, tx runs nothing else. */
struct store_load;
/* Starts a load of rows of ncols values with statement id (as store_load). Returns 0, or
 * -1 (tx failed) with *out NULL. */
int store_load_begin(struct store_tx *tx, int id, int ncols, struct store_load **out);
/* Adds nrows rows (v: row after row); the values may be reused once it returns. Returns 0;
 * -2 when the backend already knows that a row broke a constraint: *bad is its index in v
 * (SQLite; the rows before it are written); -1 (tx failed). After an error, only
 * store_load_end. */
int store_load_rows(struct store_load *l, const struct store_val *v, int nrows, int *bad);
/* Ends the load, frees it and sets *lp to NULL (NULL accepted: 0). Returns the rows loaded;
 * -2 when a row broke a constraint — PostgreSQL learns it only here and cannot tell which:
 * every row of this load is then undone (store_load on the same rows names it) — with tx
 * still usable; -1 (tx failed). */
int store_load_end(struct store_load **lp);
/* Rows changed by the last statement run in tx, also by one that failed part-way (SQLite
 * INSERT OR FAIL keeps the rows before the failing one): tells which row failed. On
 * PostgreSQL a statement is all or nothing: 0 after a failure. */
int store_changes(struct store_tx *tx);
/* Prepares statement id for reading rows; same fmt. Returns 0 or -1 (the transaction is
 * then marked failed). */
int store_query(struct store_tx *tx, int id, struct store_q **out, const char *fmt, ...);
/* Steps to the next row: 1 row, 0 no more rows, -1 error (the transaction is then marked
 * failed: a read error taken for "no row" cannot lead to a commit). */
int store_next(struct store_q *q);
/* Column values of the current row; text is valid until the next store_next/store_done. */
const char *store_text(struct store_q *q, int col);
int64_t store_int(struct store_q *q, int col);
const void *store_blob(struct store_q *q, int col, size_t *len);
bool store_null(struct store_q *q, int col);
/* Finishes reading; NULL is accepted. */
/* Runs statement id (two integer parameters p1, p2) in a read transaction of its own and
 * reads the first two columns, integers, of at most max rows into c0[] and c1[] (an
 * outbox's due ids and times): the number of rows, or -1. */
int store_read_pairs(struct store *s, int id, int64_t p1, int64_t p2, int64_t *c0,
    int64_t *c1, int max);
void store_done(struct store_q *q);

/* Runs statement id, an INSERT … RETURNING id (the portable way to learn a new row's id),
 * with store_exec's fmt, and sets *rowid from its one row: 1, 0 when it inserted nothing,
 * -2 for a constraint or -1 for any other error, both marking the transaction failed as
 * store_exec does. */
int store_insert(struct store_tx *tx, int id, int64_t *rowid, const char *fmt, ...);
/* store_insert for an insert that expects a constraint error: -2 leaves the transaction
 * usable, as store_exec_try. */
int store_insert_try(struct store_tx *tx, int id, int64_t *rowid, const char *fmt, ...);
/* Savepoints, for an operation that tries one thing and, when it fails, undoes it and
 * goes on with another in the same transaction (oidc/batch.c: one per item of a batch).
 * store_savepoint marks the point (they nest, up to 8); store_rollback_to undoes what
 * came after the innermost one, errors included: a transaction that failed after the
 * point is usable again (not one that had failed before it), and the point stays;
 * store_release forgets the innermost point and keeps what came after it. Each returns
 * 0, or -1 (the transaction is then marked failed). */
int store_savepoint(struct store_tx *tx);
int store_release(struct store_tx *tx);
int store_rollback_to(struct store_tx *tx);
/* State a module keeps for the length of one transaction (the audit chain's head: read
 * once, written once before the commit), with what the store does with it. The store
 * knows nothing of the module: it keeps the pointer, clears the state (free_state) at
 * every store_rollback_to, since what it describes may have been undone, and at the
 * transaction's end, and calls before_commit in store_commit. */
struct store_tx_hook {
	/* Run by store_commit, before the commit, in the order attached, with the state (NULL
	 * when a rollback to a savepoint cleared it since): it may run statements in tx.
	 * Non-zero refuses the commit (the transaction is rolled back, store_commit gives
	 * -1). Not run for a transaction already failed. NULL: nothing to run. */
	int (*before_commit)(struct store_tx *tx, void *state);
	/* Frees a state; NULL when states need no freeing. */
	void (*free_state)(void *state);
};
/* The state hook's module keeps in tx; NULL when none was attached, or since the last
 * store_rollback_to cleared it. */
void *store_tx_state(struct store_tx *tx, const struct store_tx_hook *hook);
/* Attaches hook to tx with state (NULL allowed): once per hook, a later call replaces
 * the state (the old one freed). The hook stays until the transaction's end, through
 * rollbacks to savepoints (which clear its state only). Returns 0, or -1 when tx holds
 * too many hooks (state is then freed, and tx marked failed: its commit is refused). */
int store_tx_attach(struct store_tx *tx, const struct store_tx_hook *hook, void *state);

/* Runs a whole script (migrations, tests only): never with input. Returns 0 or -1. */
int store_script(struct store_tx *tx, const char *sql, char *err, size_t errlen);

/* Fault injection, for tests: compiled in, off unless a test turns it on. The store counts
 * its calls of the kinds given (begin: store_begin; prepare: store_exec, store_exec_vals,
 * store_query, store_script; step: each statement run and each store_next; commit:
 * store_commit) and fails the nth one as a disk error would (the transaction is then
 * marked failed); n = 0 only counts, which tells a test how many calls an operation
 * makes. Counting is per store, over all its threads. */
enum store_fault_kind {
	STORE_FAULT_BEGIN = 1,
	STORE_FAULT_PREPARE = 2,
	STORE_FAULT_STEP = 4,
	STORE_FAULT_COMMIT = 8,
	STORE_FAULT_ALL = 15,
};
/* Starts counting the calls of the kinds in mask from zero and fails the nth (n >= 1). */
void store_fault_after(struct store *s, long n, unsigned kinds);
/* Stops counting and failing. */
void store_fault_off(struct store *s);
/* The calls counted since store_fault_after, the failed one included. */
long store_fault_calls(struct store *s);

#endif
