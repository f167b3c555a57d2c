/* batch.h — group commit for the provider's write transactions: operations that wait for
 * the store's writer at the same time share one transaction (one BEGIN, one COMMIT, one
 * write of the pages they all touch), each inside its own savepoint. Private to src/oidc. */
#ifndef PORTIER_OIDC_BATCH_H
#define PORTIER_OIDC_BATCH_H

#include "store/store.h"

/* One operation: its statements inside tx (never a commit or a rollback of its own).
 * Returns >= 0 to keep its changes, -1 to undo them (its savepoint only). */
typedef int (*oidc_batch_fn)(struct store_tx *tx, void *arg);

/* Runs fn(tx, arg) in a write transaction of s, possibly shared with other threads'
 * operations, and returns fn's result once that transaction is committed; -1 when fn
 * failed or the commit failed (then nothing of fn stays). fn's outputs are valid only
 * when the result is >= 0. */
int oidc_batch_run(struct store *s, oidc_batch_fn fn, void *arg);

#endif
