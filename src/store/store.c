/* store.c — the dispatcher of store.h: store_open picks the backend from its argument (a
 * file path: SQLite; postgresql://… or a libpq keyword string: PostgreSQL), every other
 * call goes to the backend of the object it is given; the registry of statements; and
 * what both backends do alike (fault injection, long holders' places, the schema version,
 * reading the migrations' folder). */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/metrics.h"
#include "store/backend.h"
#include "store/sql.h"
#include "store/store_pg.h"

#define MAX_MODULES 32

/* Every registered module: its portable texts (SQLite runs them as they are) and its
 * PostgreSQL ones where they differ. The store's own are always there. */
struct module {
	const struct sql_table *portable;
	const struct sql_table *pg;
};
static struct module modules[MAX_MODULES] = {
	{ &sql_core_sqlite, &sql_core_pg },
};
static int n_modules = 1;

static bool
ranges_overlap(const struct sql_table *a, const struct sql_table *b)
{
	return a->first < b->first + b->count && b->first < a->first + a->count;
}

static bool
same_module(const struct module *m, const struct sql_table *portable,
    const struct sql_table *pg)
{
	return m->portable == portable && m->pg == pg;
}

int
store_register(const struct sql_table *portable, const struct sql_table *pg)
{
	if (portable == NULL && pg == NULL)
		return -1;
	for (int i = 0; i < n_modules; i++) {
		if (same_module(&modules[i], portable, pg))
			return 0;   /* registered already (several stores, several tests) */
		for (int k = 0; k < 2; k++) {
			const struct sql_table *have = k ? modules[i].pg : modules[i].portable;

			if (have == NULL)
				continue;
			if ((portable != NULL && ranges_overlap(have, portable)) ||
			    (pg != NULL && ranges_overlap(have, pg)))
				return -1;
		}
	}
	if (n_modules == MAX_MODULES)
		return -1;
	modules[n_modules].portable = portable;
	modules[n_modules].pg = pg;
	n_modules++;
	return 0;
}

int
store_pg_register(const struct sql_table *portable, const struct sql_table *pg)
{
	return store_register(portable, pg);
}

static const char *
table_text(const struct sql_table *t, int id)
{
	if (t == NULL || id < t->first || id >= t->first + t->count)
		return NULL;
	return t->text[id - t->first];
}

const char *
store_sql_text(int id, enum store_dialect dialect, bool *portable)
{
	const char *t;

	for (int i = 0; i < n_modules; i++) {
		if (dialect == STORE_DIALECT_PG &&
		    (t = table_text(modules[i].pg, id)) != NULL) {
			*portable = false;
			return t;
		}
		if ((t = table_text(modules[i].portable, id)) != NULL) {
			*portable = true;
			return t;
		}
	}
	return NULL;
}

static const char *
table_cols(const struct sql_table *t, int id)
{
	if (t == NULL || t->cols == NULL || id < t->first || id >= t->first + t->count)
		return NULL;
	return t->cols[id - t->first];
}

const char *
store_sql_cols(int id, enum store_dialect dialect)
{
	const char *c;

	for (int i = 0; i < n_modules; i++) {
		/* A dialect text declares in its own table; a dialect table without
		 * declarations (the core's) shares the portable one's. */
		if (dialect == STORE_DIALECT_PG && table_text(modules[i].pg, id) != NULL &&
		    (c = table_cols(modules[i].pg, id)) != NULL)
			return c;
		if (table_text(modules[i].portable, id) != NULL)
			return table_cols(modules[i].portable, id);
	}
	return NULL;
}

/* Writes names[0 .. n-1] into out separated by commas, cut to outlen. */
static void
join_names(int n, const char *const *names, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; i < n && o + 1 < outlen; i++) {
		int w = snprintf(out + o, outlen - o, "%s%s", i ? "," : "", names[i]);

		if (w < 0)
			break;
		o += (size_t)w;
	}
}

int
store_cols_check(int id, enum store_dialect dialect, int n, const char *const *names,
    char *why, size_t whylen)
{
	const char *decl = store_sql_cols(id, dialect), *p, *text;
	char got[512];
	bool portable;
	int i;

	if (decl == NULL)
		return 0;
	p = decl;
	for (i = 0; i < n; i++) {
		size_t len = strcspn(p, ",");

		if (len == 0 || names[i] == NULL || strlen(names[i]) != len ||
		    strncasecmp(names[i], p, len) != 0)
			goto fail;
		p += len;
		if (*p == ',')
			p++;
	}
	if (*p == '\0')
		return 0;
fail:
	text = store_sql_text(id, dialect, &portable);
	join_names(n, names, got, sizeof(got));
	snprintf(why, whylen, "statement %d (%.48s…) declares the columns %.*s, the "
	    "database gives %s", id, text ? text : "?", (int)(strlen(decl) -
	    (decl[0] && decl[strlen(decl) - 1] == ',')), decl, got);
	return -1;
}

bool
store_is_pg(const char *db)
{
	if (db == NULL)
		return false;
	if (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0)
		return true;
	/* A libpq keyword string: "host=… dbname=…"; a file name has no '=' before a '/'. */
	const char *eq = strchr(db, '=');
	const char *slash = strchr(db, '/');

	return eq != NULL && (slash == NULL || eq < slash);
}

const char *
store_label(const char *db)
{
	return store_is_pg(db) ? "PostgreSQL" : db;
}

int
store_open(const char *path, int pool, struct store **out, char *err, size_t errlen)
{
	if (store_is_pg(path))
		return pg_store_open(path, pool, out, err, errlen);
	return sqlite_store_open(path, pool, out, err, errlen);
}

/* The ops of any object a backend handed out: its first member. */
static const struct store_ops *
ops_of(const void *p)
{
	const struct store_ops *ops;

	memcpy(&ops, p, sizeof(ops));
	return ops;
}

/* For /metrics (base/metrics.h): the backend of an object, a failed call counted (rc -1;
 * -2 is a constraint, an answer rather than a failure), and the transaction's time from
 * begin to commit or rollback on this thread (a thread runs one transaction at a time). */
static _Thread_local long long tx_start_ns;

static enum metric_backend
backend_of(const void *p)
{
	return ops_of(p)->name[0] == 'p' ? MDB_POSTGRESQL : MDB_SQLITE;
}

static int
counted(const void *p, int rc)
{
	if (rc == -1)
		metric_db_error(backend_of(p));
	return rc;
}

static void
tx_timed(const void *p)
{
	if (tx_start_ns != 0)
		metric_db_time(backend_of(p), metric_now_ns() - tx_start_ns);
	tx_start_ns = 0;
}

void
store_close(struct store *s)
{
	if (s != NULL)
		ops_of(s)->close(s);
}

int
store_migrate(struct store *s, const char *dir, char *err, size_t errlen)
{
	return ops_of(s)->migrate(s, dir, err, errlen);
}

int
store_pool_size(const struct store *s)
{
	return ((const struct store_common *)(const void *)s)->n;
}

int
store_pool_init(struct store_common *c, int pool)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->freed, NULL);
	return pool < 1 ? 1 : pool > STORE_MAX_POOL ? STORE_MAX_POOL : pool;
}

void
store_pool_destroy(struct store_common *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->freed);
}

int
store_pool_take(struct store_common *c)
{
	int got = -1;

	pthread_mutex_lock(&c->lock);
	while (got < 0) {
		for (int i = 0; i < c->n; i++)
			if (!c->busy[i]) {
				c->busy[i] = true;
				got = i;
				break;
			}
		if (got < 0)
			pthread_cond_wait(&c->freed, &c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return got;
}

void
store_pool_give(struct store_common *c, int i)
{
	pthread_mutex_lock(&c->lock);
	c->busy[i] = false;
	pthread_cond_signal(&c->freed);
	pthread_mutex_unlock(&c->lock);
}

bool
store_pool_try(struct store_common *c, int i)
{
	bool got = false;

	pthread_mutex_lock(&c->lock);
	if (i >= 0 && i < c->n && !c->busy[i]) {
		c->busy[i] = true;
		got = true;
	}
	pthread_mutex_unlock(&c->lock);
	return got;
}

/* The state both backends keep alike: the first member of their struct store. */
static struct store_common *
common_of(struct store *s)
{
	return (struct store_common *)(void *)s;
}

/* At most a quarter of the pool (at least one) for long holders. */
bool
store_long_take(struct store *s)
{
	struct store_common *c = common_of(s);
	int max = store_pool_size(s) / 4;

	if (max < 1)
		max = 1;
	if (atomic_fetch_add(&c->long_held, 1) >= max) {
		atomic_fetch_sub(&c->long_held, 1);
		return false;
	}
	return true;
}

void
store_long_put(struct store *s)
{
	atomic_fetch_sub(&common_of(s)->long_held, 1);
}

int
store_schema_version(struct store *s)
{
	struct store_tx *tx;
	struct store_q *q;
	int v = -1;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_MIGRATION_VERSION, &q, "") == 0) {
		if (store_next(q) == 1)
			v = (int)store_int(q, MIGRATION_VERSION_VERSION);
		store_done(q);
	}
	store_rollback(&tx);
	return v;
}

int
store_ping(struct store *s)
{
	return store_schema_version(s) >= 0 ? 0 : -1;
}

int
store_begin(struct store *s, enum store_mode mode, struct store_tx **out)
{
	tx_start_ns = metric_now_ns();
	return counted(s, ops_of(s)->begin(s, mode, out));
}

int
store_bulk_begin(struct store *s, struct store_tx **out)
{
	return ops_of(s)->bulk_begin(s, out);
}

int
store_commit(struct store_tx **txp)
{
	const struct store_ops *ops;
	int rc;

	if (txp == NULL || *txp == NULL)
		return -1;
	ops = ops_of(*txp);
	tx_timed(*txp);
	rc = ops->commit(txp);
	if (rc == -1)
		metric_db_error(ops->name[0] == 'p' ? MDB_POSTGRESQL : MDB_SQLITE);
	return rc;
}

void
store_rollback(struct store_tx **txp)
{
	if (txp != NULL && *txp != NULL) {
		tx_timed(*txp);
		ops_of(*txp)->rollback(txp);
	}
}

int
store_exec(struct store_tx *tx, int id, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ops_of(tx)->exec(tx, id, false, fmt, ap);
	va_end(ap);
	return counted(tx, rc);
}

int
store_exec_try(struct store_tx *tx, int id, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ops_of(tx)->exec(tx, id, true, fmt, ap);
	va_end(ap);
	return counted(tx, rc);
}

int
store_exec_vals(struct store_tx *tx, int id, const struct store_val *v, int n)
{
	return counted(tx, ops_of(tx)->exec_vals(tx, id, v, n));
}

int
store_load(struct store_tx *tx, int id, const struct store_val *v, int ncols, int nrows,
    int *bad)
{
	return ops_of(tx)->load(tx, id, v, ncols, nrows, bad);
}

int
store_load_begin(struct store_tx *tx, int id, int ncols, struct store_load **out)
{
	return ops_of(tx)->load_begin(tx, id, ncols, out);
}

int
store_load_rows(struct store_load *l, const struct store_val *v, int nrows, int *bad)
{
	return ops_of(l)->load_rows(l, v, nrows, bad);
}

int
store_load_end(struct store_load **lp)
{
	if (lp == NULL || *lp == NULL)
		return 0;
	return ops_of(*lp)->load_end(lp);
}

int
store_maintain(struct store *s)
{
	const struct store_ops *ops = ops_of(s);

	return ops->maintain != NULL ? ops->maintain(s) : 0;
}

int
store_changes(struct store_tx *tx)
{
	return ops_of(tx)->changes(tx);
}

int
store_query(struct store_tx *tx, int id, struct store_q **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ops_of(tx)->query(tx, id, false, out, fmt, ap);
	va_end(ap);
	return counted(tx, rc);
}

int
store_next(struct store_q *q)
{
	return counted(q, ops_of(q)->next(q));
}

const char *
store_text(struct store_q *q, int col)
{
	return ops_of(q)->text(q, col);
}

int64_t
store_int(struct store_q *q, int col)
{
	return ops_of(q)->integer(q, col);
}

const void *
store_blob(struct store_q *q, int col, size_t *len)
{
	return ops_of(q)->blob(q, col, len);
}

bool
store_null(struct store_q *q, int col)
{
	return ops_of(q)->null(q, col);
}

void
store_done(struct store_q *q)
{
	if (q != NULL)
		ops_of(q)->done(q);
}

/* Over the backend's query and step: a constraint comes back as -2 from the query on
 * PostgreSQL (the statement runs whole there) and from the first step on SQLite. */
static int
insert_v(struct store_tx *tx, int id, bool try_, int64_t *rowid, const char *fmt, va_list ap)
{
	struct store_q *q = NULL;
	int rc;

	rc = counted(tx, ops_of(tx)->query(tx, id, try_, &q, fmt, ap));
	if (rc != 0)
		return rc == -2 ? -2 : -1;
	rc = ops_of(q)->next(q);
	if (rc == 1)
		*rowid = ops_of(q)->integer(q, 0);
	ops_of(q)->done(q);
	return rc;
}

int
store_insert(struct store_tx *tx, int id, int64_t *rowid, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = insert_v(tx, id, false, rowid, fmt, ap);
	va_end(ap);
	return rc;
}

int
store_insert_try(struct store_tx *tx, int id, int64_t *rowid, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = insert_v(tx, id, true, rowid, fmt, ap);
	va_end(ap);
	return rc;
}

int
store_sp_check(const struct store_sps *sp, enum store_sp what)
{
	return (what == STORE_SP_SET ? sp->depth < STORE_SP_MAX : sp->depth > 0) ? 0 : -1;
}

void
store_sp_done(struct store_sps *sp, enum store_sp what, bool *failed)
{
	if (what == STORE_SP_SET)
		sp->failed[sp->depth++] = *failed;
	else if (what == STORE_SP_RELEASE)
		sp->depth--;
	else
		*failed = sp->failed[sp->depth - 1];
}

int
store_savepoint(struct store_tx *tx)
{
	return ops_of(tx)->savepoint(tx, STORE_SP_SET);
}

int
store_release(struct store_tx *tx)
{
	return ops_of(tx)->savepoint(tx, STORE_SP_RELEASE);
}

int
store_rollback_to(struct store_tx *tx)
{
	return ops_of(tx)->savepoint(tx, STORE_SP_ROLLBACK_TO);
}

static void
state_free(const struct store_tx_hook *hook, void *state)
{
	if (state != NULL && hook->free_state != NULL)
		hook->free_state(state);
}

void *
store_tx_state(struct store_tx *tx, const struct store_tx_hook *hook)
{
	struct store_tx_hooks *h = ops_of(tx)->hooks(tx);

	for (int i = 0; i < h->n; i++)
		if (h->v[i].hook == hook)
			return h->v[i].state;
	return NULL;
}

int
store_tx_attach(struct store_tx *tx, const struct store_tx_hook *hook, void *state)
{
	struct store_tx_hooks *h = ops_of(tx)->hooks(tx);
	int i;

	for (i = 0; i < h->n && h->v[i].hook != hook; i++)
		;
	if (i == STORE_TX_HOOKS) {
		log_err(NULL, "store: more than %d hooks in one transaction", STORE_TX_HOOKS);
		state_free(hook, state);
		h->refused = true;
		return -1;
	}
	if (i == h->n) {
		h->v[i].hook = hook;
		h->v[i].state = NULL;
		h->n++;
	}
	if (h->v[i].state != state)
		state_free(hook, h->v[i].state);
	h->v[i].state = state;
	return 0;
}

int
store_tx_hooks_commit(struct store_tx *tx, struct store_tx_hooks *h)
{
	if (h->refused)
		return -1;
	for (int i = 0; i < h->n; i++)
		if (h->v[i].hook->before_commit != NULL &&
		    h->v[i].hook->before_commit(tx, h->v[i].state) != 0)
			return -1;
	return 0;
}

void
store_tx_hooks_clear(struct store_tx_hooks *h)
{
	for (int i = 0; i < h->n; i++) {
		state_free(h->v[i].hook, h->v[i].state);
		h->v[i].state = NULL;
	}
}

void
store_tx_hooks_end(struct store_tx_hooks *h)
{
	store_tx_hooks_clear(h);
	h->n = 0;
}

int
store_script(struct store_tx *tx, const char *sql, char *err, size_t errlen)
{
	return ops_of(tx)->script(tx, sql, err, errlen);
}

int
store_check_columns(struct store *s, const struct sql_table *t, char *err, size_t errlen)
{
	struct store_tx *tx = NULL;
	int rc = -1;

	if (store_begin(s, STORE_READ, &tx) != 0) {
		snprintf(err, errlen, "no transaction to check the statements' columns");
		return -1;
	}
	for (int id = t->first; id < t->first + t->count; id++) {
		if (table_text(t, id) == NULL || table_cols(t, id) == NULL)
			continue;
		if (ops_of(tx)->prepare(tx, id, err, errlen) != 0)
			goto done;
	}
	rc = 0;
done:
	store_rollback(&tx);
	return rc;
}

void
store_fault_after(struct store *s, long n, unsigned kinds)
{
	struct store_common *c = common_of(s);

	atomic_store(&c->fault_kinds, 0u);
	atomic_store(&c->fault_calls, 0L);
	atomic_store(&c->fault_n, n);
	atomic_store(&c->fault_kinds, kinds & STORE_FAULT_ALL);
}

void
store_fault_off(struct store *s)
{
	struct store_common *c = common_of(s);

	atomic_store(&c->fault_kinds, 0u);
	atomic_store(&c->fault_n, 0L);
}

long
store_fault_calls(struct store *s)
{
	return atomic_load(&common_of(s)->fault_calls);
}

bool
store_fault_hit(struct store_common *c, unsigned kind)
{
	long k;

	if ((atomic_load(&c->fault_kinds) & kind) == 0)
		return false;
	k = atomic_fetch_add(&c->fault_calls, 1) + 1;
	if (k != atomic_load(&c->fault_n))
		return false;
	log_err(NULL, "store: injected fault at call %ld (kind %u)", k, kind);
	return true;
}

static int
migration_cmp(const void *a, const void *b)
{
	return ((const struct store_migration *)a)->number -
	    ((const struct store_migration *)b)->number;
}

int
store_migrations_list(const char *dir, int lowest, struct store_migration *list, int max,
    char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *end;
		long num;

		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		num = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '_' || num < lowest || num > 9999 || n == max ||
		    len >= sizeof(list[n].name)) {
			snprintf(err, errlen, "%s/%s: not a migration name (NNN_name.sql)", dir,
			    e->d_name);
			closedir(d);
			return -1;
		}
		list[n].number = (int)num;
		memcpy(list[n].name, e->d_name, len + 1);
		n++;
	}
	closedir(d);
	qsort(list, (size_t)n, sizeof(*list), migration_cmp);
	for (int i = 1; i < n; i++)
		if (list[i].number == list[i - 1].number) {
			snprintf(err, errlen, "%s: two migrations numbered %d", dir, list[i].number);
			return -1;
		}
	return n;
}

int
store_migrations_newest(const char *dir)
{
	struct store_migration *list = malloc(512 * sizeof(*list));
	char err[512];
	int n, newest = -1;

	if (list == NULL)
		return -1;
	n = store_migrations_list(dir, 1, list, 512, err, sizeof(err));
	if (n > 0)
		newest = list[n - 1].number;
	free(list);
	return newest;
}

int
store_read_file(const char *path, struct buf *out)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(out, chunk, n) != 0) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return buf_add(out, "", 0);
}

/* Which backend failed last on this thread is not known here: PostgreSQL's flag is the
 * only one that can be set (SQLite has one writer and never asks for a retry). */
bool
store_retryable(void)
{
	return store_pg_ops.retryable();
}

int
store_run(struct store *s, enum store_mode mode, int tries,
    int (*op)(struct store_tx *tx, void *arg), void *arg, int *attempts)
{
	struct store_tx *tx;
	int rc;

	if (attempts != NULL)
		*attempts = 0;
	for (int i = 0; i < tries; i++) {
		if (i > 0) {
			/* A random pause, from 1 ms doubling: the two that collided start apart. */
			long ms = 1L << (i < 8 ? i - 1 : 7);
			struct timespec ts = { 0, (long)(ms * 1000000L +
			    (long)randombytes_uniform((uint32_t)(ms * 1000000L))) };

			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec = ts.tv_nsec / 1000000000L;
				ts.tv_nsec %= 1000000000L;
			}
			nanosleep(&ts, NULL);
		}
		if (attempts != NULL)
			(*attempts)++;
		if (store_begin(s, mode, &tx) != 0)
			return -1;
		rc = op(tx, arg);
		if (rc != 0) {
			bool again = store_retryable();

			store_rollback(&tx);
			if (again)
				continue;
			return rc;
		}
		if (store_commit(&tx) == 0)
			return 0;
		if (!store_retryable())
			return -1;
	}
	log_err(NULL, "store: gave up after %d serialization failures", tries);
	return -1;
}

int
store_read_pairs(struct store *s, int id, int64_t p1, int64_t p2, int64_t *c0, int64_t *c1,
    int max)
{
	struct store_tx *tx;
	struct store_q *q;
	int n = 0, rc = 0;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, id, &q, "ii", p1, p2) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while (n < max && (rc = store_next(q)) == 1) {
		c0[n] = store_int(q, 0);
		c1[n] = store_int(q, 1);
		n++;
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : n;
}
