/* store_sqlite.c — the SQLite backend of store.h: a pool of connections in WAL mode
 * with foreign keys and a busy timeout, statements prepared once per connection (the
 * transaction statements too), and checkpoints on a thread of their own so that no
 * request waits for the copy of the WAL into the database and its fsync.
 * Its public names are sqlite_store_* (backend_names.h): store.c dispatches to them. */
#define STORE_BACKEND_NAME(x) sqlite_store_##x
#include "store/backend_names.h"

#include "store/store.h"

#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/backend.h"

#define MIGRATION_MAX_BYTES (1 << 20)
/* WAL size, in pages, at which the checkpoint thread is woken (16 MiB of 4 KiB pages: a
 * checkpoint writes each page changed since the last one once, however often it changed),
 * and at which the committing writer checkpoints itself because the thread has not kept
 * up: the WAL stays bounded under any load. (16,000 and 48,000 were measured with
 * bench-machines, mTLS tokens: CPU per token did not fall, 0.090-0.115 ms against
 * 0.093-0.100 ms; the checkpoints are about 6 % of the server's CPU, in this thread.) */
#define CKPT_WAKE_PAGES 4000
#define CKPT_SELF_PAGES 16000
/* The planner's statistics, as SQLite advises long-lived connections (lang_analyze.html,
 * PRAGMA optimize): optimize=0x10002 when a connection opens, then PRAGMA optimize on each
 * connection of the pool every OPT_SECONDS and after OPT_COMMITS commits, from the
 * checkpoint thread. It re-analyzes a table that the connection's queries used when one of
 * its indexes has no statistics or when it has grown 25-fold since its last ANALYZE: the
 * statistics of nearly empty tables do not stay once the tables have grown (448cb12: taken
 * once at a load, they made an 80,000-user export take 823 s instead of 13 s). Each ANALYZE
 * reads at most about OPT_LIMIT rows of each index, so that a run on a large database
 * takes milliseconds. A pool connection busy at that moment is tried again OPT_RETRY
 * seconds later. */
#define OPT_SECONDS 3600
#define OPT_COMMITS 10000
#define OPT_RETRY 1
#define OPT_LIMIT "400"

/* The statements that begin and end transactions, prepared once like the others. */
enum ctl {
	CTL_BEGIN, CTL_BEGIN_IMMEDIATE, CTL_COMMIT, CTL_ROLLBACK,
	CTL_SAVEPOINT, CTL_RELEASE, CTL_ROLLBACK_TO, CTL_N
};
static const char *const ctl_sql[CTL_N] = {
	"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
	"SAVEPOINT portier_sp", "RELEASE portier_sp", "ROLLBACK TO portier_sp",
};

struct conn {
	sqlite3 *db;
	sqlite3_stmt *stmt[SQL_RANGE_END];   /* prepared on first use, kept */
	sqlite3_stmt *ctl[CTL_N];
};

/* The checkpoint thread and its own connection. */
struct ckpt {
	sqlite3 *db;
	struct store *s;           /* its store: writer lock, pool (statistics) */
	pthread_mutex_t *writer;   /* the store's writer lock, for the last few pages */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t copied;   /* signalled when a lock-free pass ends */
	bool wanted, quit;
	bool copying;            /* in its lock-free pass */
	atomic_int commits;      /* since the last statistics pass */
	int64_t optimize_at;     /* monotonic seconds of the next one */
	uint64_t optimize_left;  /* pool connections it could not take yet (bit i) */
};

/* The text of id: the portable one the module registered (store_register). */
static const char *
sql_text(int id)
{
	bool portable;

	return store_sql_text(id, STORE_DIALECT_SQLITE, &portable);
}

struct store {
	struct store_common base;      /* first: store.c dispatches on its ops */
	struct conn conns[STORE_MAX_POOL];
	/* One writer at a time inside this process: waiting here is a cheap futex wait,
	 * where SQLite's busy handler would sleep in steps of up to 100 ms. */
	pthread_mutex_t writer;
	struct ckpt ckpt;
};

struct store_q {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	sqlite3_stmt *st;
	struct store_tx *tx;
	bool try_;          /* store_insert_try: a constraint leaves tx usable */
};

struct store_tx {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	struct store *s;
	struct conn *c;
	struct store_q q;   /* one open query at a time per transaction is enough here */
	bool failed;
	bool writer;        /* holds s->writer */
	const char *undo;   /* settings to restore at the end (bulk load, long read) or NULL */
	struct store_sps sp;          /* its savepoints (store_savepoint) */
	struct store_tx_hooks hooks;  /* modules' state and last writes (store_tx_attach) */
};

/* After each commit (SQLite calls it with the WAL's size in pages, the store's writer lock
 * held): wakes the checkpoint thread past CKPT_WAKE_PAGES; past CKPT_SELF_PAGES checkpoints
 * here, because the thread could not catch up with the writers. When the thread is copying
 * at that moment (the checkpoint is SQLite's to one connection at a time), the writer waits
 * for the end of its pass and checkpoints the rest: the WAL's bound holds however slow the
 * thread's copy and fsync are. */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct ckpt *k = arg;

	if (atomic_fetch_add(&k->commits, 1) + 1 == OPT_COMMITS) {
		pthread_mutex_lock(&k->lock);
		pthread_cond_signal(&k->wake);
		pthread_mutex_unlock(&k->lock);
	}
	if (pages >= CKPT_SELF_PAGES) {
		if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
		    NULL) == SQLITE_BUSY) {
			pthread_mutex_lock(&k->lock);
			while (k->copying)
				pthread_cond_wait(&k->copied, &k->lock);
			pthread_mutex_unlock(&k->lock);
			sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL,
			    NULL);
		}
	} else if (pages >= CKPT_WAKE_PAGES) {
		pthread_mutex_lock(&k->lock);
		k->wanted = true;
		pthread_cond_signal(&k->wake);
		pthread_mutex_unlock(&k->lock);
	}
	return SQLITE_OK;
}

static int64_t
mono_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static int optimize_pass(struct store *s, bool wait, uint64_t *which);

/* True when a statistics pass is due: its time has come or enough commits were made. */
static bool
optimize_due(const struct ckpt *k)
{
	return atomic_load(&k->commits) >= OPT_COMMITS || mono_seconds() >= k->optimize_at;
}

/* Sleeps (k->lock held) until a checkpoint is wanted, the thread must quit, or a
 * statistics pass is due. */
static void
ckpt_wait(struct ckpt *k)
{
	struct timespec until = { .tv_sec = (time_t)k->optimize_at };

	while (!k->wanted && !k->quit && !optimize_due(k))
		pthread_cond_timedwait(&k->wake, &k->lock, &until);
}

/* The statistics pass from the checkpoint thread (k->lock held on entry and return; not
 * held during the pass, which takes the writer lock: a committing writer takes k->lock
 * in wal_hook). */
static void
ckpt_optimize(struct ckpt *k)
{
	uint64_t which = k->optimize_left != 0 ? k->optimize_left : UINT64_MAX;

	atomic_store(&k->commits, 0);
	pthread_mutex_unlock(&k->lock);
	optimize_pass(k->s, false, &which);
	pthread_mutex_lock(&k->lock);
	k->optimize_left = which;
	k->optimize_at = mono_seconds() + (which != 0 ? OPT_RETRY : OPT_SECONDS);
}

static void *
ckpt_main(void *arg)
{
	struct ckpt *k = arg;

	/* Background work: requests get the CPU first. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	pthread_mutex_lock(&k->lock);
	for (;;) {
		ckpt_wait(k);
		if (k->quit)
			break;
		if (optimize_due(k))
			ckpt_optimize(k);
		if (!k->wanted)
			continue;
		k->wanted = false;
		k->copying = true;
		pthread_mutex_unlock(&k->lock);
		/* PASSIVE: copies what no reader still needs, never waits for a writer; the bulk
		 * of the pages, while writers go on. Then the pages they wrote meanwhile, with
		 * the writer lock held: the WAL is then fully copied and the next writer starts
		 * it over, so that it does not grow under steady writes. */
		sqlite3_wal_checkpoint_v2(k->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&k->lock);
		k->copying = false;
		pthread_cond_broadcast(&k->copied);
		pthread_mutex_unlock(&k->lock);
		pthread_mutex_lock(k->writer);
		sqlite3_wal_checkpoint_v2(k->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_unlock(k->writer);
		pthread_mutex_lock(&k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

static int conn_open(struct conn *c, const char *path, char *err, size_t errlen);

/* Opens the checkpoint thread's connection and starts it, then lets the pool's
 * connections wake it. Without it they keep SQLite's own automatic checkpoints. */
static void
ckpt_start(struct store *s, const char *path)
{
	struct conn c = { 0 };
	char err[256];

	if (conn_open(&c, path, err, sizeof(err)) != 0) {
		sqlite3_close(c.db);
		return;
	}
	s->ckpt.db = c.db;
	s->ckpt.s = s;
	s->ckpt.writer = &s->writer;
	s->ckpt.optimize_at = mono_seconds() + OPT_SECONDS;
	if (pthread_create(&s->ckpt.thread, NULL, ckpt_main, &s->ckpt) != 0) {
		sqlite3_close(s->ckpt.db);
		s->ckpt.db = NULL;
		return;
	}
	s->ckpt.started = true;
	for (int i = 0; i < s->base.n; i++)
		sqlite3_wal_hook(s->conns[i].db, wal_hook, &s->ckpt);
}

static void
ckpt_stop(struct store *s)
{
	if (!s->ckpt.started)
		return;
	pthread_mutex_lock(&s->ckpt.lock);
	s->ckpt.quit = true;
	pthread_cond_signal(&s->ckpt.wake);
	pthread_mutex_unlock(&s->ckpt.lock);
	pthread_join(s->ckpt.thread, NULL);
	sqlite3_close(s->ckpt.db);
	s->ckpt.started = false;
}

/* The memory map of the database file of every connection (256 MiB). */
#define MMAP_BYTES "268435456"

static int
conn_open(struct conn *c, const char *path, char *err, size_t errlen)
{
	static const char *pragmas =
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA synchronous=NORMAL;"
	    "PRAGMA temp_store=MEMORY;"
	    /* Reads of the database file through a mapping: no system call per page for a
	     * connection whose cache another connection's write has just invalidated. */
	    "PRAGMA mmap_size=" MMAP_BYTES ";"
	    /* A WAL file grown by a burst of writes is cut back after its checkpoint. */
	    "PRAGMA journal_size_limit=67108864;"
	    /* The planner's statistics (OPT_SECONDS above): each ANALYZE bounded; at open,
	     * those of all tables that need them (SQLite 3.46+; before, a table counts once
	     * this connection's queries used it, and the periodic pass does it). */
	    "PRAGMA analysis_limit=" OPT_LIMIT ";";
	static const char *open_optimize = "PRAGMA optimize=0x10002;";
	int rc;

	rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) :
		    sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(c->db, 5000);
	sqlite3_extended_result_codes(c->db, 1);
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(c->db));
		return -1;
	}
	/* Statistics are an aid: a database busy or read-only at this moment opens all the
	 * same. */
	if (sqlite3_exec(c->db, open_optimize, NULL, NULL, NULL) != SQLITE_OK)
		log_warn(NULL, "store: optimize at open: %s", sqlite3_errmsg(c->db));
	return 0;
}

/* The writer lock checks its owner: a second release of it (a transaction ended twice)
 * is refused and said, rather than undefined. */
static void
writer_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t at;

	if (pthread_mutexattr_init(&at) != 0 ||
	    pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK) != 0 ||
	    pthread_mutex_init(m, &at) != 0)
		pthread_mutex_init(m, NULL);
	pthread_mutexattr_destroy(&at);
}

/* The checkpoint thread's condition variable, on the monotonic clock its timed waits use
 * (a change of the wall clock neither delays nor hastens a statistics pass). */
static void
wake_init(pthread_cond_t *c)
{
	pthread_condattr_t at;

	if (pthread_condattr_init(&at) != 0 ||
	    pthread_condattr_setclock(&at, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(c, &at) != 0)
		log_err(NULL, "store: checkpoint thread: no monotonic clock");
	pthread_condattr_destroy(&at);
}

/* PRAGMA optimize on pool connection i, which the caller took: with the writer lock, since
 * an ANALYZE writes (sqlite_stat1), so that it neither waits in SQLite's busy handler nor
 * makes a writer wait there. 0 or -1. */
static int
conn_optimize(struct store *s, int i)
{
	int rc;

	pthread_mutex_lock(&s->writer);
	rc = sqlite3_exec(s->conns[i].db, "PRAGMA optimize;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		log_warn(NULL, "store: optimize: %s", sqlite3_errmsg(s->conns[i].db));
	pthread_mutex_unlock(&s->writer);
	return rc == SQLITE_OK ? 0 : -1;
}

/* PRAGMA optimize on the connections of the pool named in *which (bit i; each knows the
 * tables its own queries used). A connection in use is waited for (wait) or left: *which
 * ends with those left. 0, or -1 when one failed. The caller holds no transaction of s. */
static int
optimize_pass(struct store *s, bool wait, uint64_t *which)
{
	uint64_t left = 0;
	int failed = 0;

	for (int i = 0; i < s->base.n; i++) {
		bool got;

		if ((*which & ((uint64_t)1 << i)) == 0)
			continue;
		got = store_pool_try(&s->base, i);

		while (!got && wait) {
			nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
			got = store_pool_try(&s->base, i);
		}
		if (!got) {
			left |= (uint64_t)1 << i;
			continue;
		}
		failed |= conn_optimize(s, i);
		store_pool_give(&s->base, i);
	}
	*which = left;
	return failed ? -1 : 0;
}

/* The database holds password hashes, TOTP secrets, NISS and the audit trail: a new one
 * is created for its owner only, whatever the umask (SQLite gives the -wal and -shm files
 * the database's mode), and an existing one that others may read or write is said at
 * start. A name SQLite reads as no file (":memory:", "file:" URIs, "") is left alone. */
static void
file_guard(const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm" };
	char p[4096];
	struct stat st;
	int fd;

	if (path[0] == '\0' || path[0] == ':' || strncmp(path, "file:", 5) == 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return;
	}
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sides[i]);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
			log_warn(NULL, "store: %s has mode %04o: others may read or change the "
			    "database (password hashes, secrets, NISS, audit trail); chmod 600 it",
			    p, (unsigned)(st.st_mode & 07777));
	}
}

int
store_open(const char *path, int pool, struct store **out, char *err, size_t errlen)
{
	struct store *s;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->base.ops = &store_sqlite_ops;
	pool = store_pool_init(&s->base, pool);
	writer_init(&s->writer);
	pthread_mutex_init(&s->ckpt.lock, NULL);
	wake_init(&s->ckpt.wake);
	pthread_cond_init(&s->ckpt.copied, NULL);
	file_guard(path);
	for (int i = 0; i < pool; i++) {
		if (conn_open(&s->conns[i], path, err, errlen) != 0) {
			s->base.n = i + 1;
			store_close(s);
			return -1;
		}
		s->base.n = i + 1;
	}
	ckpt_start(s, path);
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	ckpt_stop(s);
	for (int i = 0; i < s->base.n; i++) {
		for (int k = 0; k < SQL_RANGE_END; k++)
			sqlite3_finalize(s->conns[i].stmt[k]);
		for (int k = 0; k < CTL_N; k++)
			sqlite3_finalize(s->conns[i].ctl[k]);
		sqlite3_close(s->conns[i].db);
	}
	pthread_mutex_destroy(&s->ckpt.lock);
	pthread_cond_destroy(&s->ckpt.wake);
	pthread_cond_destroy(&s->ckpt.copied);
	store_pool_destroy(&s->base);
	pthread_mutex_destroy(&s->writer);
	free(s);
}

static struct conn *
conn_take(struct store *s)
{
	return &s->conns[store_pool_take(&s->base)];
}

static void
conn_give(struct store *s, struct conn *c)
{
	store_pool_give(&s->base, (int)(c - s->conns));
}

/* The settings conn_open sets, which a bulk load changes for its transaction. */
static const char bulk_on[] =
    "PRAGMA synchronous=OFF;"
    "PRAGMA cache_size=-65536;"
    "PRAGMA threads=2;"
    "PRAGMA temp_store=FILE;";
static const char bulk_off[] =
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA cache_size=-2000;"
    "PRAGMA threads=0;"
    "PRAGMA temp_store=MEMORY;";
/* A long read (STORE_READ_LONG): pages through the bounded cache, sorts on disk. */
static const char long_on[] =
    "PRAGMA mmap_size=0;"
    "PRAGMA temp_store=FILE;";
static const char long_off[] =
    "PRAGMA mmap_size=" MMAP_BYTES ";"
    "PRAGMA temp_store=MEMORY;";

/* Runs one of the transaction statements on c; an SQLite result code. */
static int
ctl_run(struct conn *c, enum ctl which)
{
	int rc;

	if (c->ctl[which] == NULL && (rc = sqlite3_prepare_v3(c->db, ctl_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &c->ctl[which], NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(c->ctl[which]);
	sqlite3_reset(c->ctl[which]);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void
tx_release(struct store_tx *tx)
{
	store_tx_hooks_end(&tx->hooks);
	store_done(tx->q.st ? &tx->q : NULL);
	if (tx->undo != NULL && sqlite3_exec(tx->c->db, tx->undo, NULL, NULL, NULL) != SQLITE_OK)
		log_err(NULL, "store: settings restored: %s", sqlite3_errmsg(tx->c->db));
	if (tx->writer && pthread_mutex_unlock(&tx->s->writer) != 0)
		log_err(NULL, "store: writer lock released twice");
	conn_give(tx->s, tx->c);
	free(tx);
}

/* Takes a connection (and the writer lock for STORE_WRITE), applies settings, if any,
 * outside a transaction, where SQLite accepts all of them (undo restores them at the
 * end), and begins. */
static int
tx_start(struct store *s, enum store_mode mode, const char *settings, const char *undo,
    struct store_tx **out)
{
	struct store_tx *tx = calloc(1, sizeof(*tx));

	*out = NULL;
	if (tx == NULL)
		return -1;
	tx->ops = &store_sqlite_ops;
	tx->q.ops = &store_sqlite_ops;
	tx->s = s;
	tx->c = conn_take(s);
	if (mode == STORE_WRITE) {
		pthread_mutex_lock(&s->writer);
		tx->writer = true;
	}
	if (store_fault_hit(&s->base, STORE_FAULT_BEGIN) ||
	    (settings != NULL && sqlite3_exec(tx->c->db, settings, NULL, NULL, NULL) !=
	    SQLITE_OK) || ctl_run(tx->c, mode == STORE_WRITE ? CTL_BEGIN_IMMEDIATE : CTL_BEGIN) !=
	    SQLITE_OK) {
		log_err(NULL, "store: begin: %s", sqlite3_errmsg(tx->c->db));
		tx->undo = undo;   /* undo whatever part was applied */
		tx_release(tx);
		return -1;
	}
	tx->undo = undo;
	*out = tx;
	return 0;
}

int
store_begin(struct store *s, enum store_mode mode, struct store_tx **out)
{
	if (mode == STORE_READ_LONG)
		return tx_start(s, STORE_READ, long_on, long_off, out);
	return tx_start(s, mode, NULL, NULL, out);
}

int
store_bulk_begin(struct store *s, struct store_tx **out)
{
	return tx_start(s, STORE_WRITE, bulk_on, bulk_off, out);
}

int
store_commit(struct store_tx **txp)
{
	struct store_tx *tx;
	int rc;

	if (txp == NULL || *txp == NULL)
		return -1;
	tx = *txp;
	*txp = NULL;
	store_done(tx->q.st ? &tx->q : NULL);
	/* The modules' last writes, in the transaction (the audit chain's head): one that
	 * fails refuses the commit. */
	if (!tx->failed && store_tx_hooks_commit(tx, &tx->hooks) != 0)
		tx->failed = true;
	store_done(tx->q.st ? &tx->q : NULL);
	if (tx->failed) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_fault_hit(&tx->s->base, STORE_FAULT_COMMIT) ? SQLITE_IOERR :
	    ctl_run(tx->c, CTL_COMMIT);
	if (rc != SQLITE_OK) {
		log_err(NULL, "store: commit: %s", sqlite3_errmsg(tx->c->db));
		if (!sqlite3_get_autocommit(tx->c->db))
			ctl_run(tx->c, CTL_ROLLBACK);
		tx_release(tx);
		return -1;
	}
	tx_release(tx);
	return 0;
}

void
store_rollback(struct store_tx **txp)
{
	struct store_tx *tx;

	if (txp == NULL || *txp == NULL)
		return;
	tx = *txp;
	*txp = NULL;
	store_done(tx->q.st ? &tx->q : NULL);
	if (!sqlite3_get_autocommit(tx->c->db))
		ctl_run(tx->c, CTL_ROLLBACK);
	tx_release(tx);
}

/* 0 when the columns of st, just prepared for id, are the ones id declares (rule 9),
 * else -1 with the reason in why. */
static int
cols_check(sqlite3_stmt *st, int id, char *why, size_t whylen)
{
	const char *names[STORE_MAX_COLS];
	int n = sqlite3_column_count(st);

	if (n > STORE_MAX_COLS) {
		snprintf(why, whylen, "statement %d: %d columns, more than %d", id, n,
		    STORE_MAX_COLS);
		return -1;
	}
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	return store_cols_check(id, STORE_DIALECT_SQLITE, n, names, why, whylen);
}

/* Statement id prepared on tx's connection (once, then kept), or NULL with the reason in
 * why when given. */
static sqlite3_stmt *
stmt_prepare(struct store_tx *tx, int id, char *why, size_t whylen)
{
	struct conn *c = tx->c;
	const char *sql;
	char reason[768];

	if (id < 0 || id >= SQL_RANGE_END ||
	    store_fault_hit(&tx->s->base, STORE_FAULT_PREPARE))
		return NULL;
	if (c->stmt[id] == NULL) {
		sql = sql_text(id);
		if (sql == NULL || sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &c->stmt[id], NULL) != SQLITE_OK) {
			snprintf(reason, sizeof(reason), "statement %d: %s", id,
			    sql ? sqlite3_errmsg(c->db) : "no SQL for this id");
			goto fail;
		}
		if (cols_check(c->stmt[id], id, reason, sizeof(reason)) != 0) {
			sqlite3_finalize(c->stmt[id]);
			c->stmt[id] = NULL;
			goto fail;
		}
	}
	return c->stmt[id];
fail:
	log_err(NULL, "store: prepare %s", reason);
	if (why != NULL)
		snprintf(why, whylen, "%s", reason);
	return NULL;
}

static sqlite3_stmt *
stmt_get(struct store_tx *tx, int id)
{
	return stmt_prepare(tx, id, NULL, 0);
}

static int
prepare_one(struct store_tx *tx, int id, char *why, size_t whylen)
{
	return stmt_prepare(tx, id, why, whylen) != NULL ? 0 : -1;
}

static int
bind_all(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	int i = 1, rc = SQLITE_OK;

	for (const char *f = fmt; *f != '\0' && rc == SQLITE_OK; f++, i++) {
		switch (*f) {
		case 't': {
			const char *t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT) :
			    sqlite3_bind_null(st, i);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			rc = v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = p ? sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT) :
			    sqlite3_bind_null(st, i);
			break;
		}
		case 'n':
			rc = sqlite3_bind_null(st, i);
			break;
		default:
			return -1;
		}
	}
	return rc == SQLITE_OK ? 0 : -1;
}

/* Runs the bound statement st (statement id) to its end: the rows changed, -2 for a
 * constraint, or -1 for any other error, which marks the transaction failed (an error the
 * caller overlooks cannot lead to a commit of half its writes); a constraint too unless
 * the caller expects it (try_): SQLite undoes the statement alone, PostgreSQL would not. */
static int
exec_step(struct store_tx *tx, sqlite3_stmt *st, int id, bool try_)
{
	int rc;

	if (store_fault_hit(&tx->s->base, STORE_FAULT_STEP)) {
		tx->failed = true;
		return -1;
	}
	do
		rc = sqlite3_step(st);
	while (rc == SQLITE_ROW);
	if (rc == SQLITE_DONE)
		return sqlite3_changes(tx->c->db);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		if (!try_) {
			log_warn(NULL, "store: exec %d: %s (transaction failed)", id,
			    sqlite3_errmsg(tx->c->db));
			tx->failed = true;
		}
		return -2;
	}
	log_err(NULL, "store: exec %d: %s", id, sqlite3_errmsg(tx->c->db));
	tx->failed = true;
	return -1;
}

static int
exec_v(struct store_tx *tx, int id, bool try_, const char *fmt, va_list ap)
{
	sqlite3_stmt *st = stmt_get(tx, id);
	int rc, res;

	if (st == NULL) {
		tx->failed = true;
		return -1;
	}
	rc = bind_all(st, fmt, ap);
	if (rc != 0) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		tx->failed = true;
		return -1;
	}
	res = exec_step(tx, st, id, try_);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return res;
}

/* store_exec_vals, and the row by row writes of a load (try_: a refused row leaves tx
 * usable, as store_load promises; SQLite undoes that statement alone). */
static int
exec_vals(struct store_tx *tx, int id, bool try_, const struct store_val *v, int n)
{
	sqlite3_stmt *st = stmt_get(tx, id);
	int rc = SQLITE_OK, res;

	if (st == NULL) {
		tx->failed = true;
		return -1;
	}
	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		if (v[i].integer)
			rc = sqlite3_bind_int64(st, i + 1, v[i].i);
		else if (v[i].p != NULL)
			rc = sqlite3_bind_text64(st, i + 1, v[i].p, v[i].len, SQLITE_STATIC,
			    SQLITE_UTF8);
		else
			rc = sqlite3_bind_null(st, i + 1);
	}
	if (rc != SQLITE_OK) {
		log_err(NULL, "store: bind %d: %s", id, sqlite3_errmsg(tx->c->db));
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		tx->failed = true;
		return -1;
	}
	res = exec_step(tx, st, id, try_);
	/* The texts belong to the caller: no binding may outlive this call. */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return res;
}

int
store_exec_vals(struct store_tx *tx, int id, const struct store_val *v, int n)
{
	return exec_vals(tx, id, false, v, n);
}

/* SQLite has no faster path than its prepared INSERT: one row at a time, in order, so
 * that the first refused row is known and the rows before it stay written. */
int
store_load(struct store_tx *tx, int id, const struct store_val *v, int ncols, int nrows,
    int *bad)
{
	*bad = -1;
	for (int r = 0; r < nrows; r++) {
		int rc = exec_vals(tx, id, true, v + (size_t)r * (size_t)ncols, ncols);

		if (rc == -2)
			*bad = r;
		if (rc < 0)
			return rc;
	}
	return nrows;
}

/* SQLite's streamed load: the load's INSERT made into one of LOAD_MANY rows (one statement
 * start, cursor and seek to the table's end for all of them), OR FAIL so that a refused
 * row stops it keeping the rows before it — their count names it — and so that SQLite
 * needs no statement journal (past 64 KiB a temporary file written at every statement).
 * The rows left over, and any text that is not a one-row INSERT INTO with VALUES, go one
 * INSERT each. */
#define LOAD_MANY 32

struct store_load {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	struct store_tx *tx;
	int id, ncols, status;
	long rows;
	sqlite3_stmt *many;            /* NULL: row by row */
};

/* The LOAD_MANY-row form of sql (a one-row INSERT of ncols values), or NULL. */
static char *
load_many_text(const char *sql, int ncols)
{
	const char *values = strstr(sql, " VALUES (");
	size_t head, group = (size_t)ncols * 3 + 2, n;
	char *out, *p;

	if (strncmp(sql, "INSERT INTO ", 12) != 0 || values == NULL || ncols > 64)
		return NULL;
	head = (size_t)(values - sql) + 8;     /* up to and with " VALUES " */
	n = head + 8 + LOAD_MANY * (group + 2) + 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	p = out + snprintf(out, n, "INSERT OR FAIL INTO %.*s", (int)(head - 12), sql + 12);
	for (int r = 0; r < LOAD_MANY; r++) {
		*p++ = r > 0 ? ',' : ' ';
		*p++ = '(';
		for (int k = 0; k < ncols; k++) {
			if (k > 0) {
				*p++ = ',';
				*p++ = ' ';
			}
			*p++ = '?';
		}
		*p++ = ')';
	}
	*p = '\0';
	return out;
}

int
store_load_begin(struct store_tx *tx, int id, int ncols, struct store_load **out)
{
	struct store_load *l = calloc(1, sizeof(*l));
	const char *sql = sql_text(id);
	char *many = sql != NULL ? load_many_text(sql, ncols) : NULL;

	*out = NULL;
	if (l == NULL || sql == NULL || ncols <= 0) {
		free(l);
		free(many);
		tx->failed = true;
		return -1;
	}
	*l = (struct store_load){ .ops = &store_sqlite_ops, .tx = tx, .id = id, .ncols = ncols };
	if (many != NULL && sqlite3_prepare_v3(tx->c->db, many, -1, SQLITE_PREPARE_PERSISTENT,
	    &l->many, NULL) != SQLITE_OK) {
		log_err(NULL, "store: prepare load %d: %s", id, sqlite3_errmsg(tx->c->db));
		l->many = NULL;   /* row by row, then */
	}
	free(many);
	*out = l;
	return 0;
}

/* LOAD_MANY rows of v in one statement: 0, -2 with *bad, -1. */
static int
load_group(struct store_load *l, const struct store_val *v, int *bad)
{
	int n = LOAD_MANY * l->ncols, rc = SQLITE_OK;

	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		if (v[i].integer)
			rc = sqlite3_bind_int64(l->many, i + 1, v[i].i);
		else if (v[i].p != NULL)
			rc = sqlite3_bind_text64(l->many, i + 1, v[i].p, v[i].len, SQLITE_STATIC,
			    SQLITE_UTF8);
		else
			rc = sqlite3_bind_null(l->many, i + 1);
	}
	if (rc == SQLITE_OK) {
		rc = exec_step(l->tx, l->many, l->id, true);
		if (rc == -2)
			*bad = sqlite3_changes(l->tx->c->db);
		rc = rc < 0 ? rc : 0;
	} else {
		log_err(NULL, "store: bind load %d: %s", l->id, sqlite3_errmsg(l->tx->c->db));
		l->tx->failed = true;
		rc = -1;
	}
	sqlite3_reset(l->many);
	sqlite3_clear_bindings(l->many);
	return rc;
}

int
store_load_rows(struct store_load *l, const struct store_val *v, int nrows, int *bad)
{
	int r = 0, rc;

	*bad = -1;
	if (l->status != 0 || nrows < 0)
		return -1;
	for (; l->many != NULL && nrows - r >= LOAD_MANY; r += LOAD_MANY) {
		rc = load_group(l, v + (size_t)r * (size_t)l->ncols, bad);
		if (rc == -2)
			*bad = *bad >= 0 && *bad < LOAD_MANY ? r + *bad : -1;
		if (rc < 0) {
			l->status = rc;
			return rc;
		}
		l->rows += LOAD_MANY;
	}
	rc = store_load(l->tx, l->id, v + (size_t)r * (size_t)l->ncols, l->ncols, nrows - r, bad);
	if (rc == -2 && *bad >= 0)
		*bad += r;
	if (rc < 0) {
		l->status = rc;
		return rc;
	}
	l->rows += rc;
	return 0;
}

int
store_load_end(struct store_load **lp)
{
	struct store_load *l = *lp;
	int rc = l->status != 0 ? l->status : l->rows > INT_MAX ? -1 : (int)l->rows;

	sqlite3_finalize(l->many);
	free(l);
	*lp = NULL;
	return rc;
}

int
store_changes(struct store_tx *tx)
{
	return sqlite3_changes(tx->c->db);
}

static int
query_v(struct store_tx *tx, int id, bool try_, struct store_q **out, const char *fmt,
    va_list ap)
{
	sqlite3_stmt *st = stmt_get(tx, id);
	int rc;

	/* Rows are read by named columns only (rule 9): a statement read declares them. */
	if (st != NULL && store_sql_cols(id, STORE_DIALECT_SQLITE) == NULL) {
		log_err(NULL, "store: query %d: no result columns declared", id);
		st = NULL;
	}
	if (st == NULL || tx->q.st != NULL) {
		tx->failed = true;
		return -1;
	}
	rc = bind_all(st, fmt, ap);
	if (rc != 0) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		tx->failed = true;
		return -1;
	}
	tx->q.st = st;
	tx->q.tx = tx;
	tx->q.try_ = try_;
	*out = &tx->q;
	return 0;
}

int
store_next(struct store_q *q)
{
	int rc;

	if (store_fault_hit(&q->tx->s->base, STORE_FAULT_STEP)) {
		q->tx->failed = true;
		return -1;
	}
	rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	/* An INSERT … RETURNING breaks its constraint at the first step: -2 as store_exec,
	 * the statement undone, the transaction usable for store_insert_try only. */
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		if (!q->try_) {
			log_warn(NULL, "store: step: %s (transaction failed)",
			    sqlite3_errmsg(q->tx->c->db));
			q->tx->failed = true;
		}
		return -2;
	}
	log_err(NULL, "store: step: %s", sqlite3_errmsg(q->tx->c->db));
	q->tx->failed = true;
	return -1;
}

const char *
store_text(struct store_q *q, int col)
{
	return (const char *)sqlite3_column_text(q->st, col);
}

int64_t
store_int(struct store_q *q, int col)
{
	return sqlite3_column_int64(q->st, col);
}

const void *
store_blob(struct store_q *q, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(q->st, col);

	*len = (size_t)sqlite3_column_bytes(q->st, col);
	return p;
}

bool
store_null(struct store_q *q, int col)
{
	return sqlite3_column_type(q->st, col) == SQLITE_NULL;
}

void
store_done(struct store_q *q)
{
	if (q == NULL || q->st == NULL)
		return;
	sqlite3_reset(q->st);
	sqlite3_clear_bindings(q->st);
	q->st = NULL;
}

int
store_script(struct store_tx *tx, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (store_fault_hit(&tx->s->base, STORE_FAULT_PREPARE)) {
		snprintf(err, errlen, "injected fault");
		tx->failed = true;
		return -1;
	}
	if (sqlite3_exec(tx->c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg ? msg : "error");
		sqlite3_free(msg);
		tx->failed = true;
		return -1;
	}
	return 0;
}

/* Migrations: files NNN_name.sql in dir, applied in number order. */
#define LOWEST_MIGRATION 1

/* 1 when migration number is recorded, 0 when not, -1 when the store cannot tell (not
 * "no": a read error must not lead to applying a migration twice). */
static int
migration_applied(struct store *s, int number)
{
	struct store_tx *tx;
	struct store_q *q;
	int applied = -1;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_MIGRATION_APPLIED, &q, "i", (int64_t)number) == 0) {
		if (store_next(q) == 1)
			applied = store_int(q, 0) > 0;
		store_done(q);
	}
	store_rollback(&tx);
	return applied;
}

int
store_migrate(struct store *s, const char *dir, char *err, size_t errlen)
{
	static const char *bootstrap =
	    "CREATE TABLE IF NOT EXISTS schema_migration(version INTEGER PRIMARY KEY, "
	    "name TEXT NOT NULL, applied_at TEXT NOT NULL)";
	struct store_migration list[512];
	struct store_tx *tx;
	int n, applied = 0;

	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		snprintf(err, errlen, "cannot start a transaction");
		return -1;
	}
	if (store_script(tx, bootstrap, err, errlen) != 0) {
		store_rollback(&tx);
		return -1;
	}
	if (store_commit(&tx) != 0) {
		snprintf(err, errlen, "schema_migration: commit failed");
		return -1;
	}
	n = store_migrations_list(dir, LOWEST_MIGRATION, list, 512, err, errlen);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char path[4096];
		char at[CLOCK_TEXT_SIZE];
		struct buf sql;
		int done;

		/* Every migration not recorded yet, in number order (not only those above the
		 * highest: a branch may bring a lower number later). */
		done = migration_applied(s, list[i].number);

		if (done < 0) {
			snprintf(err, errlen, "%s: cannot tell whether it is applied", list[i].name);
			return -1;
		}
		if (done == 1)
			continue;
		err[0] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, list[i].name);
		buf_init(&sql, MIGRATION_MAX_BYTES);
		if (store_read_file(path, &sql) != 0) {
			snprintf(err, errlen, "%s: cannot read", path);
			buf_free(&sql);
			return -1;
		}
		if (store_begin(s, STORE_WRITE, &tx) != 0) {
			buf_free(&sql);
			snprintf(err, errlen, "cannot start a transaction");
			return -1;
		}
		if (store_script(tx, sql.data, err, errlen) != 0 ||
		    clock_text(clock_time(), at) != 0 ||
		    store_exec(tx, SQL_MIGRATION_RECORD, "itt", (int64_t)list[i].number,
		    list[i].name, at) != 1) {
			char reason[512];

			snprintf(reason, sizeof(reason), "%s", err);
			snprintf(err, errlen, "%s: %s", path, reason);
			store_rollback(&tx);
			buf_free(&sql);
			return -1;
		}
		if (store_commit(&tx) != 0) {
			snprintf(err, errlen, "%s: commit failed", path);
			buf_free(&sql);
			return -1;
		}
		buf_free(&sql);
		applied++;
	}
	return applied;
}

/* store_savepoint, store_release, store_rollback_to: SQLite's own savepoints, one name
 * (the innermost is meant), with the failed mark of the transaction when each was set. */
static int
savepoint(struct store_tx *tx, enum store_sp what)
{
	static const enum ctl ctl_of[] = {
		[STORE_SP_SET] = CTL_SAVEPOINT, [STORE_SP_RELEASE] = CTL_RELEASE,
		[STORE_SP_ROLLBACK_TO] = CTL_ROLLBACK_TO,
	};

	/* What a module kept may describe what is undone: cleared, whatever the outcome. */
	if (what == STORE_SP_ROLLBACK_TO)
		store_tx_hooks_clear(&tx->hooks);
	if (store_sp_check(&tx->sp, what) != 0) {
		tx->failed = true;
		return -1;
	}
	store_done(tx->q.st ? &tx->q : NULL);
	if (ctl_run(tx->c, ctl_of[what]) != SQLITE_OK) {
		log_err(NULL, "store: %s: %s", ctl_sql[ctl_of[what]], sqlite3_errmsg(tx->c->db));
		tx->failed = true;
		return -1;
	}
	store_sp_done(&tx->sp, what, &tx->failed);
	return 0;
}

/* store_maintain: the statistics pass now, waiting for connections in use. */
static int
store_maintain_sqlite(struct store *s)
{
	uint64_t all = UINT64_MAX;

	return optimize_pass(s, true, &all);
}

static struct store_tx_hooks *
tx_hooks(struct store_tx *tx)
{
	return &tx->hooks;
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.close = store_close,
	.migrate = store_migrate,
	.begin = store_begin,
	.bulk_begin = store_bulk_begin,
	.commit = store_commit,
	.rollback = store_rollback,
	.exec = exec_v,
	.exec_vals = store_exec_vals,
	.load = store_load,
	.load_begin = store_load_begin,
	.load_rows = store_load_rows,
	.load_end = store_load_end,
	.changes = store_changes,
	.query = query_v,
	.next = store_next,
	.text = store_text,
	.integer = store_int,
	.blob = store_blob,
	.null = store_null,
	.done = store_done,
	.script = store_script,
	.prepare = prepare_one,
	.savepoint = savepoint,
	.hooks = tx_hooks,
	.retryable = NULL,
	.maintain = store_maintain_sqlite,
};
