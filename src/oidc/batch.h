/* batch.h — group commit for the provider's write transactions, one batcher per store
 * (made with the provider, struct oidc_provider): operations that wait for the store's
 * writer at the same time share one transaction (one BEGIN, one COMMIT, one
 * write of the pages they all touch), each inside its own savepoint. Private to src/oidc. */
#ifndef PORTIER_OIDC_BATCH_H
#define PORTIER_OIDC_BATCH_H

#include "store/store.h"

/* One operation: its statements inside tx (never a commit or a rollback of its own).
 * Returns >= 0 to keep its changes, -1 to undo them (its savepoint only). */
typedef int (*oidc_batch_fn)(struct store_tx *tx, void *arg);

struct oidc_batch;

/* A batcher for s (its committer thread starts at the first operation). NULL when out of
 * memory. */
struct oidc_batch *oidc_batch_new(struct store *s);
/* Stops (oidc_batch_stop) and frees b. NULL is fine. */
void oidc_batch_free(struct oidc_batch *b);
/* The store of b. */
struct store *oidc_batch_store(const struct oidc_batch *b);

/* Runs fn(tx, arg) in a write transaction of b's store, possibly shared with other threads'
 * operations, and returns fn's result once that transaction is committed; -1 when fn
 * failed or the commit failed (then nothing of fn stays). fn's outputs are valid only
 * when the result is >= 0. */
int oidc_batch_run(struct oidc_batch *b, oidc_batch_fn fn, void *arg);
/* oidc_batch_run without waiting: queues fn(tx, arg) and returns 0 at once (-1 when out of
 * memory: then cb is not called); once the transaction is committed, cb(cb_arg, result)
 * runs on the committer's thread (or on the caller's, when no thread could be started).
 * cb must be quick and must not write to the store (the committer would wait for itself).
 * arg must stay valid until then. */
int oidc_batch_submit(struct oidc_batch *b, oidc_batch_fn fn, void *arg,
    void (*cb)(void *cb_arg, int rc), void *cb_arg);
/* When b is idle (no batch being committed or queued, no other caller running one this
 * way), runs fn(tx, arg) at once on the caller's thread in a write transaction of its
 * own, sets *rc as oidc_batch_run would return and returns 1. Otherwise does nothing and
 * returns 0 (the caller queues the operation: oidc_batch_run or oidc_batch_submit).
 * oidc_batch_run tries this first. */
int oidc_batch_try(struct oidc_batch *b, oidc_batch_fn fn, void *arg, int *rc);
/* Stops b's committer once every operation queued is committed and answered, and joins
 * it: after this, no thread of b holds a request or uses its store. Operations submitted
 * later are committed alone on their caller's thread. */
void oidc_batch_stop(struct oidc_batch *b);

#endif
