/* store_pg.h — what the PostgreSQL backend (store_pg.c) adds to store.h while issue 13 is
 * under way: modules register their statement tables, and an operation is retried whole on
 * a serialization failure or a deadlock. See docs/store-contract.md. */
#ifndef PORTIER_STORE_PG_H
#define PORTIER_STORE_PG_H

#include <stdbool.h>
#include <stddef.h>

#include "store/sql_table.h"
#include "store/store.h"

/* The core's PostgreSQL texts where they differ from the portable ones (sql_pg.c). */
extern const struct sql_table sql_core_pg;

/* The same as store_register (store.h), its name before both backends were linked together.
 * Adds a module's statements: for an id, the text of pg (PostgreSQL's own, NULL where
 * the portable one serves) is taken first, else the text of portable with ?N rewritten
 * to $N. Either table may be NULL; the core's (store/sql.h) are always there. Call before
 * store_open, from one thread. Returns 0, or -1 (table full, or a range that overlaps one
 * already registered). */
int store_pg_register(const struct sql_table *portable, const struct sql_table *pg);

/* The text PostgreSQL is given for id, ?N rewritten to $N, into out: 1 when it is the
 * portable one, 0 when it is the module's PostgreSQL text, -1 when there is none (or out
 * is too small). */
int store_pg_text(int id, char *out, size_t outlen);

/* Whether s's STORE_WRITE transactions take turns through the writer lock (a session
 * advisory lock of the database, on every node: docs/store-contract.md rule 14); on by
 * default. Off, concurrent writers meet as SERIALIZABLE transactions and store_run retries
 * the one that fails (the unit tests of that retry turn it off). No effect on SQLite. */
void store_pg_writer_lock(struct store *s, bool on);

/* True when the last store call of this thread that failed (a statement, or a commit)
 * failed on a serialization failure or a deadlock (SQLSTATE 40001, 40P01): the whole
 * operation may be run again from its store_begin. Cleared by store_begin. */
bool store_retryable(void);

/* Runs op in a transaction of mode and commits it, again from the start (up to tries
 * times, with a short random pause growing each time) while it fails on a serialization
 * failure or a deadlock. op returns 0 to commit, anything else to roll back: that value
 * is returned (not retried, unless store_retryable() says so). op never ends tx itself,
 * and has no effect outside it (it may run several times). Returns 0 once committed,
 * -1 when the store failed (tries exhausted included). *attempts, when not NULL, gets the
 * number of transactions started. */
int store_run(struct store *s, enum store_mode mode, int tries,
    int (*op)(struct store_tx *tx, void *arg), void *arg, int *attempts);

#endif
