/* store_pg.c — the PostgreSQL backend of store.h (libpq): a pool of connections, each
 * statement prepared once per connection with ?N rewritten to $N, write transactions
 * SERIALIZABLE and retried whole by the caller (store_run) on a serialization failure.
 * Linked beside store_sqlite.c: its public names are pg_store_* (backend_names.h) and
 * store.c dispatches to them through store_pg_ops. */
#define STORE_BACKEND_NAME(x) pg_store_##x
#include "store/backend_names.h"

#include "store/store_pg.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/backend.h"
#include "store/sql.h"

#define MIGRATION_MAX_BYTES (1 << 20)
/* PostgreSQL's own limit on a statement's parameters (a bulk insert of 32 rows of 15
 * columns has 480). */
#define MAX_PARAMS 65535
#define MAX_TABLES 32
/* Rows a long read holds at a time: its memory stays bounded whatever the export. */
#define FETCH_ROWS 1000
#define FETCH_SQL "FETCH 1000 FROM portier_cur"
#define BYTEA_OID 17
#define BOOL_OID 16
/* The advisory lock that migrators take (any bigint shared by every node: "portier"). */
#define MIGRATE_LOCK_KEY "8101409440408858994"
/* The advisory lock every STORE_WRITE transaction holds, on every node of one database:
 * the writers of a database take turns, as SQLite's do (docs/store-contract.md, rule 14). */
#define WRITER_LOCK_KEY "8101409440408858995"
#define WRITER_LOCK "SELECT pg_advisory_lock(" WRITER_LOCK_KEY ")"
#define WRITER_UNLOCK "SELECT pg_advisory_unlock(" WRITER_LOCK_KEY ")"

static _Thread_local bool last_retryable;

struct conn {
	PGconn *pg;
	bool prepared[SQL_RANGE_END];
};

struct store {
	struct store_common base;      /* first: store.c dispatches on its ops */
	struct conn conns[STORE_MAX_POOL];
	atomic_bool no_writer_lock;    /* store_pg_writer_lock(s, false) */
};

/* The rows of a statement, read whole (libpq holds them, store_next walks them), or in
 * a STORE_READ_LONG transaction FETCH_ROWS at a time from a cursor. */
struct store_q {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	PGresult *res;
	int row;
	int rows;
	bool cursor;           /* portier_cur is open: more rows may follow */
	unsigned char *blob;   /* the last bytea column decoded, freed at the next call */
	struct store_tx *tx;
};

struct store_tx {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	struct store *s;
	struct conn *c;
	struct store_q q;
	bool failed;
	bool long_read;     /* STORE_READ_LONG: queries through a cursor */
	int changes;        /* rows changed by the last store_exec */
	bool guarded;       /* the statement runs under SAVEPOINT portier_stmt (a _try) */
	bool writer;        /* holds the writer lock (WRITER_LOCK_KEY) until its end */
	struct store_sps sp;          /* its savepoints (store_savepoint) */
	struct store_tx_hooks hooks;  /* modules' state and last writes (store_tx_attach) */
};

/* The text of id to be rewritten (?N to $N): the portable one or the module's PostgreSQL
 * one, which keeps ?N too (both are written from one source, store/dialect.h). */
static const char *
sql_text(int id, bool *portable)
{
	const char *t = store_sql_text(id, STORE_DIALECT_PG, portable);

	*portable = true;
	return t;
}

/* Copies sql into out with SQLite's parameters ?N (and a bare ?, the next number) as
 * PostgreSQL's $N; string literals, quoted names and comments are copied as they are.
 * Returns 0, or -1 when out is too small. */
static int
rewrite_params(const char *sql, char *out, size_t outlen)
{
	size_t o = 0;
	int next = 1;
	char quote = 0;

	for (const char *p = sql; *p != '\0'; p++) {
		char tmp[16];
		const char *add = p;
		size_t len = 1;

		if (quote != 0) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (p[0] == '-' && p[1] == '-') {
			len = strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			len = end ? (size_t)(end + 2 - p) : strlen(p);
		} else if (*p == '?') {
			char *end;
			long n = strtol(p + 1, &end, 10);
			int w;

			if (end == p + 1)
				n = next;
			if (n < 1 || n > MAX_PARAMS)
				return -1;
			next = (int)n + 1;
			w = snprintf(tmp, sizeof(tmp), "$%ld", n);
			if (w < 0 || (size_t)w >= sizeof(tmp))
				return -1;
			add = tmp;
			len = (size_t)w;
			p = end - 1;
		}
		if (o + len + 1 > outlen)
			return -1;
		memcpy(out + o, add, len);
		o += len;
		if (add == p)
			p += len - 1;
	}
	out[o] = '\0';
	return 0;
}

/* sql rewritten (rewrite_params) into a new string the caller frees; NULL on failure. A
 * parameter grows from "?" to at most "$65535". */
static char *
rewritten(const char *sql)
{
	size_t len = strlen(sql) + 1;
	char *out;

	for (const char *p = sql; (p = strchr(p, '?')) != NULL; p++)
		len += 6;
	out = malloc(len);
	if (out != NULL && rewrite_params(sql, out, len) != 0) {
		free(out);
		out = NULL;
	}
	return out;
}

/* The SQLSTATE of res, or "" (no result: the connection failed). */
static const char *
sqlstate(const PGresult *res)
{
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return st ? st : "";
}

/* Class 23 (integrity constraint violation): unique, foreign key, not null, check,
 * exclusion. SQLite's SQLITE_CONSTRAINT covers the same. */
static bool
is_constraint(const PGresult *res)
{
	return strncmp(sqlstate(res), "23", 2) == 0;
}

/* "SQLSTATE: message" of a failed result, for the log: the primary message only (never
 * the DETAIL, which quotes values). */
static const char *
res_reason(const PGresult *res, char *buf, size_t len)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	snprintf(buf, len, "%s: %s", res ? sqlstate(res) : "-", m ? m : "no result");
	return buf;
}

static bool
is_retryable(const PGresult *res)
{
	return strcmp(sqlstate(res), "40001") == 0 || strcmp(sqlstate(res), "40P01") == 0;
}

static bool
pg_retryable(void)
{
	return last_retryable;
}

/* A connection string libpq reads: a URI or keyword=value pairs. */
static bool
is_conninfo(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0 ||
	    strchr(s, '=') != NULL;
}

/* libpq's message without its trailing newline. PQerrorMessage never repeats the
 * connection string, so a password in it is not written anywhere. */
static void
pg_reason(PGconn *pg, char *err, size_t errlen)
{
	const char *m = pg ? PQerrorMessage(pg) : "out of memory";
	size_t len = strlen(m);

	while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
		len--;
	snprintf(err, errlen, "%.*s", (int)len, m);
}

static void
notice_ignore(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int
conn_open(struct conn *c, const char *conninfo, char *err, size_t errlen)
{
	/* The connection string as given (expand_dbname: dbname may hold all of it, TLS
	 * options and the server's own "options" included), the application's name for
	 * pg_stat_activity unless the string names one, and UTF-8. */
	const char *const keys[] = { "dbname", "fallback_application_name", "client_encoding",
		NULL };
	const char *const vals[] = { conninfo, "portier", "UTF8", NULL };

	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		char why[512];

		pg_reason(c->pg, why, sizeof(why));
		snprintf(err, errlen, "postgresql: %s", why);
		return -1;
	}
	/* Messages without their DETAIL: a unique violation's detail quotes the key (a
	 * NISS, an email), which must not reach the log. */
	PQsetErrorVerbosity(c->pg, PQERRORS_TERSE);
	/* NOTICEs (CREATE TABLE IF NOT EXISTS that skipped) are not for stderr. */
	PQsetNoticeProcessor(c->pg, notice_ignore, NULL);
	memset(c->prepared, 0, sizeof(c->prepared));
	return 0;
}

int
store_open(const char *path, int pool, struct store **out, char *err, size_t errlen)
{
	struct store *s;

	if (!is_conninfo(path)) {
		snprintf(err, errlen, "not a PostgreSQL connection string (postgresql://… or "
		    "host=… dbname=…)");
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->base.ops = &store_pg_ops;
	pool = store_pool_init(&s->base, pool);
	for (int i = 0; i < pool; i++) {
		s->base.n = i + 1;
		if (conn_open(&s->conns[i], path, err, errlen) != 0) {
			store_close(s);
			return -1;
		}
	}
	*out = s;
	return 0;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->base.n; i++)
		PQfinish(s->conns[i].pg);
	store_pool_destroy(&s->base);
	free(s);
}

/* Connects c again when libpq knows it lost the server; its statements are then to be
 * prepared again. */
static void
conn_check(struct conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return;
	PQreset(c->pg);
	memset(c->prepared, 0, sizeof(c->prepared));
	if (PQstatus(c->pg) == CONNECTION_OK)
		log_warn(NULL, "store: connection to the database restored");
}

/* Takes a free connection, waiting for one; one that the server dropped (a restart, a
 * failover) is connected again, its prepared statements forgotten. */
static struct conn *
conn_take(struct store *s)
{
	struct conn *c = &s->conns[store_pool_take(&s->base)];

	conn_check(c);
	return c;
}

static void
conn_give(struct store *s, struct conn *c)
{
	store_pool_give(&s->base, (int)(c - s->conns));
}

/* The connection's last message, for the log (terse: no DETAIL). */
static void
log_conn(const char *what, PGconn *pg)
{
	char why[512];

	pg_reason(pg, why, sizeof(why));
	log_err(NULL, "store: %s: %s", what, why);
}

/* Runs a statement without parameters (transaction control, savepoints, advisory
 * locks); 0 when it completed, -1 otherwise (with the result's retryable state recorded). */
static int
run_simple(struct conn *c, const char *sql, const char *expect_status)
{
	PGresult *res = PQexec(c->pg, sql);
	int rc = -1;

	if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK) &&
	    (expect_status == NULL || strcmp(PQcmdStatus(res), expect_status) == 0))
		rc = 0;
	else if (is_retryable(res))
		last_retryable = true;
	PQclear(res);
	return rc;
}

static void
q_clear(struct store_q *q)
{
	/* The cursor goes with the transaction anyway; closing it lets the transaction go
	 * on with another query. An aborted transaction refuses it: no matter. */
	if (q->cursor && run_simple(q->tx->c, "CLOSE portier_cur", NULL) != 0 &&
	    PQtransactionStatus(q->tx->c->pg) == PQTRANS_INTRANS)
		q->tx->failed = true;
	q->cursor = false;
	PQclear(q->res);
	q->res = NULL;
	PQfreemem(q->blob);
	q->blob = NULL;
}

static void
tx_release(struct store_tx *tx)
{
	store_tx_hooks_end(&tx->hooks);
	q_clear(&tx->q);
	/* After COMMIT or ROLLBACK, never before: the next writer's snapshot then holds all
	 * that this one wrote. A connection that is gone released the lock with its session. */
	if (tx->writer && PQstatus(tx->c->pg) == CONNECTION_OK &&
	    run_simple(tx->c, WRITER_UNLOCK, NULL) != 0)
		log_conn("writer unlock", tx->c->pg);
	conn_give(tx->s, tx->c);
	free(tx);
}

/* SQLite's STORE_WRITE (BEGIN IMMEDIATE, one writer) reads and writes as if alone:
 * SERIALIZABLE gives that, failing one of two transactions that would not have been; a
 * read is one snapshot, like SQLite's. */
static const char *
begin_sql(enum store_mode mode)
{
	return mode == STORE_WRITE ? "BEGIN ISOLATION LEVEL SERIALIZABLE" :
	    "BEGIN ISOLATION LEVEL REPEATABLE READ";
}

/* Begins on c. A connection the server closed since its last use (a restart, a
 * failover, an idle timeout) is known only now: nothing was done yet, so it is connected
 * again and the transaction begun once more. 0 or -1. */
static int
conn_begin(struct conn *c, const char *begin)
{
	if (run_simple(c, begin, NULL) == 0)
		return 0;
	if (PQstatus(c->pg) == CONNECTION_OK)
		return -1;
	conn_check(c);
	return PQstatus(c->pg) == CONNECTION_OK ? run_simple(c, begin, NULL) : -1;
}

static int
tx_start(struct store *s, const char *begin, const char *settings, bool long_read,
    bool writer, struct store_tx **out)
{
	struct store_tx *tx = calloc(1, sizeof(*tx));

	*out = NULL;
	last_retryable = false;
	if (tx == NULL)
		return -1;
	tx->ops = &store_pg_ops;
	tx->q.ops = &store_pg_ops;
	tx->s = s;
	tx->c = conn_take(s);
	tx->q.tx = tx;
	tx->long_read = long_read;
	/* The writer lock is a session lock taken before BEGIN: a lock taken inside the
	 * transaction would come after its snapshot, which would miss the last writer's rows. */
	if (writer) {
		if (conn_begin(tx->c, WRITER_LOCK) != 0) {
			log_conn("writer lock", tx->c->pg);
			tx_release(tx);
			return -1;
		}
		tx->writer = true;
	}
	if (store_fault_hit(&s->base, STORE_FAULT_BEGIN) || conn_begin(tx->c, begin) != 0) {
		log_conn("begin", tx->c->pg);
		if (PQtransactionStatus(tx->c->pg) != PQTRANS_IDLE)
			run_simple(tx->c, "ROLLBACK", NULL);
		tx_release(tx);
		return -1;
	}
	if (settings != NULL && run_simple(tx->c, settings, NULL) != 0) {
		log_conn("begin", tx->c->pg);
		store_rollback(&tx);
		return -1;
	}
	*out = tx;
	return 0;
}

int
store_begin(struct store *s, enum store_mode mode, struct store_tx **out)
{
	return tx_start(s, begin_sql(mode), NULL, mode == STORE_READ_LONG,
	    mode == STORE_WRITE && !atomic_load(&s->no_writer_lock), out);
}

void
store_pg_writer_lock(struct store *s, bool on)
{
	if (s != NULL && s->base.ops == &store_pg_ops)
		atomic_store(&s->no_writer_lock, !on);
}

/* A bulk load trades durability until its commit, as on SQLite: its commit does not wait
 * for the WAL's flush (SET LOCAL ends with the transaction). */
int
store_bulk_begin(struct store *s, struct store_tx **out)
{
	return tx_start(s, begin_sql(STORE_WRITE), "SET LOCAL synchronous_commit = off", false,
	    false, out);
}

int
store_commit(struct store_tx **txp)
{
	struct store_tx *tx;

	if (txp == NULL || *txp == NULL)
		return -1;
	tx = *txp;
	*txp = NULL;
	q_clear(&tx->q);
	/* The modules' last writes, in the transaction (the audit chain's head): one that
	 * fails refuses the commit. */
	if (!tx->failed && store_tx_hooks_commit(tx, &tx->hooks) != 0)
		tx->failed = true;
	q_clear(&tx->q);
	if (tx->failed) {
		store_rollback(&tx);
		return -1;
	}
	/* An aborted transaction answers COMMIT with "ROLLBACK": only "COMMIT" is one. */
	if (store_fault_hit(&tx->s->base, STORE_FAULT_COMMIT) ||
	    run_simple(tx->c, "COMMIT", "COMMIT") != 0) {
		log_conn("commit", tx->c->pg);
		if (PQtransactionStatus(tx->c->pg) != PQTRANS_IDLE)
			run_simple(tx->c, "ROLLBACK", NULL);
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
	q_clear(&tx->q);
	if (PQtransactionStatus(tx->c->pg) != PQTRANS_IDLE)
		run_simple(tx->c, "ROLLBACK", NULL);
	tx_release(tx);
}

int
store_pg_text(int id, char *out, size_t outlen)
{
	bool portable = false;
	const char *sql = id >= 0 && id < SQL_RANGE_END ?
	    store_sql_text(id, STORE_DIALECT_PG, &portable) : NULL;

	if (sql == NULL || rewrite_params(sql, out, outlen) != 0)
		return -1;
	return portable ? 1 : 0;
}

/* 0 when the result columns of the statement prepared as name on c are the ones id
 * declares (rule 9; one more round trip, only for a statement that declares some), else
 * -1 with the reason in why. */
static int
cols_check(struct conn *c, const char *name, int id, char *why, size_t whylen)
{
	const char *names[STORE_MAX_COLS];
	PGresult *res;
	int n, rc;

	if (store_sql_cols(id, STORE_DIALECT_PG) == NULL)
		return 0;
	res = PQdescribePrepared(c->pg, name);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		char reason[256];

		snprintf(why, whylen, "statement %d: not described: %s", id,
		    res_reason(res, reason, sizeof(reason)));
		PQclear(res);
		return -1;
	}
	n = PQnfields(res);
	if (n > STORE_MAX_COLS) {
		snprintf(why, whylen, "statement %d: %d columns, more than %d", id, n,
		    STORE_MAX_COLS);
		PQclear(res);
		return -1;
	}
	for (int i = 0; i < n; i++)
		names[i] = PQfname(res, i);
	rc = store_cols_check(id, STORE_DIALECT_PG, n, names, why, whylen);
	PQclear(res);
	return rc;
}

/* The name of statement id's prepared form, prepared on this connection if not yet (its
 * columns checked); NULL with the reason in why, when given, if it cannot be. */
static const char *
stmt_prepare(struct store_tx *tx, int id, char *name, size_t namelen, char *why,
    size_t whylen)
{
	struct conn *c = tx->c;
	const char *sql;
	bool portable = false;

	if (id < 0 || id >= SQL_RANGE_END ||
	    store_fault_hit(&tx->s->base, STORE_FAULT_PREPARE))
		return NULL;
	snprintf(name, namelen, "p%d", id);
	if (!c->prepared[id]) {
		char *text = NULL;
		PGresult *res;
		bool ok;

		sql = sql_text(id, &portable);
		if (sql == NULL) {
			log_err(NULL, "store: prepare %d: no SQL for this id", id);
			return NULL;
		}
		if (portable && (text = rewritten(sql)) == NULL) {
			log_err(NULL, "store: prepare %d: parameters not rewritten", id);
			return NULL;
		}
		res = PQprepare(c->pg, name, portable ? text : sql, 0, NULL);
		free(text);
		ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok) {
			char reason[256];

			snprintf(why, whylen, "statement %d: %s", id,
			    res_reason(res, reason, sizeof(reason)));
			log_err(NULL, "store: prepare %s", why);
		}
		PQclear(res);
		if (!ok)
			return NULL;
		if (cols_check(c, name, id, why, whylen) != 0) {
			char drop[48];

			log_err(NULL, "store: prepare %s", why);
			/* Not kept: the next use is refused again. */
			snprintf(drop, sizeof(drop), "DEALLOCATE %s", name);
			PQclear(PQexec(c->pg, drop));
			return NULL;
		}
		c->prepared[id] = true;
	}
	return name;
}

static const char *
stmt_get(struct store_tx *tx, int id, char *name, size_t namelen)
{
	char why[768];

	return stmt_prepare(tx, id, name, namelen, why, sizeof(why));
}

static int
prepare_one(struct store_tx *tx, int id, char *why, size_t whylen)
{
	char name[16];

	snprintf(why, whylen, "statement %d: not prepared (see the log)", id);
	return stmt_prepare(tx, id, name, sizeof(name), why, whylen) != NULL ? 0 : -1;
}

/* Parameters as libpq takes them: texts (integers in decimal), blobs in binary. */
struct params {
	int n, max;
	const char **v;
	int *len;
	int *fmt;
	char (*num)[24];   /* integers in decimal */
	char *copy;        /* the NUL-ended copies of store_exec_vals's texts */
};

/* Room for max parameters; 0, or -1 (then params_free is still right). */
static int
params_init(struct params *p, size_t max)
{
	memset(p, 0, sizeof(*p));
	if (max > MAX_PARAMS)
		return -1;
	p->max = (int)max;
	if (max == 0)
		return 0;
	p->v = calloc(max, sizeof(*p->v));
	p->len = calloc(max, sizeof(*p->len));
	p->fmt = calloc(max, sizeof(*p->fmt));
	p->num = calloc(max, sizeof(*p->num));
	return p->v && p->len && p->fmt && p->num ? 0 : -1;
}

static void
params_free(struct params *p)
{
	free(p->v);
	free(p->len);
	free(p->fmt);
	free(p->num);
	free(p->copy);
}

static int
param_int(struct params *p, int64_t v)
{
	snprintf(p->num[p->n], sizeof(p->num[p->n]), "%" PRId64, v);
	p->v[p->n] = p->num[p->n];
	p->n++;
	return 0;
}

static int
params_fmt(struct params *p, const char *fmt, va_list ap)
{
	for (const char *f = fmt; *f != '\0'; f++) {
		if (p->n == p->max)
			return -1;
		switch (*f) {
		case 't':
			p->v[p->n++] = va_arg(ap, const char *);
			break;
		case 'i':
			param_int(p, va_arg(ap, int64_t));
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);

			if (v != 0)
				param_int(p, v);
			else
				p->v[p->n++] = NULL;
			break;
		}
		case 'b': {
			const void *b = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);

			if (n > INT32_MAX)
				return -1;
			p->v[p->n] = b;
			p->len[p->n] = (int)n;
			p->fmt[p->n] = b ? 1 : 0;
			p->n++;
			break;
		}
		case 'n':
			p->v[p->n++] = NULL;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* Runs the prepared statement name; the result, or NULL with tx failed when it could not
 * be sent at all. */
static PGresult *
run_prepared(struct store_tx *tx, const char *name, const struct params *p)
{
	PGresult *res;

	if (store_fault_hit(&tx->s->base, STORE_FAULT_STEP)) {
		tx->failed = true;
		return NULL;
	}
	res = PQexecPrepared(tx->c->pg, name, p->n, p->v, p->len, p->fmt, 0);
	return res;
}

/* A statement that ran: its count of rows. */
static int
exec_ok(struct store_tx *tx, PGresult *res)
{
	char *end;

	tx->changes = (int)strtol(PQcmdTuples(res), &end, 10);
	PQclear(res);
	if (tx->guarded && run_simple(tx->c, "RELEASE SAVEPOINT portier_stmt", NULL) != 0) {
		tx->failed = true;
		return -1;
	}
	return tx->changes;
}

/* A statement that failed (res NULL: not even sent): -2 for a constraint, rolled back to
 * the savepoint of a _try; without one the transaction is aborted, tx failed. Else -1 and
 * tx failed, a serialization failure noted as retryable. */
static int
exec_failed(struct store_tx *tx, int id, PGresult *res)
{
	char why[256];

	/* Nothing of a failed statement stays: rolled back to its savepoint, or the
	 * transaction lost (store_changes). */
	tx->changes = 0;
	if (res != NULL && is_constraint(res)) {
		/* Not expected by a plain write (else it would be a _try): said, for whoever
		 * looks for the caller that should have been one. */
		if (!tx->guarded)
			log_warn(NULL, "store: exec %d: %s (transaction aborted)", id,
			    res_reason(res, why, sizeof(why)));
		PQclear(res);
		if (tx->guarded &&
		    run_simple(tx->c, "ROLLBACK TO SAVEPOINT portier_stmt", NULL) == 0 &&
		    run_simple(tx->c, "RELEASE SAVEPOINT portier_stmt", NULL) == 0)
			return -2;
		tx->failed = true;
		return -2;
	}
	if (is_retryable(res)) {
		/* Expected under load, and retried: a warning. */
		last_retryable = true;
		log_warn(NULL, "store: exec %d: %s", id, res_reason(res, why, sizeof(why)));
	} else if (res != NULL) {
		log_err(NULL, "store: exec %d: %s", id, res_reason(res, why, sizeof(why)));
	}
	PQclear(res);
	tx->failed = true;
	return -1;
}

/* PostgreSQL aborts the whole transaction on any error. A write that expects a
 * constraint (store_exec_try, store_insert_try: try_) runs under a savepoint, rolled back
 * to on a constraint, which gives -2 and leaves the transaction usable as on SQLite; the
 * others (rule 11) do not pay its two round trips, and any error marks tx failed. */
static int
exec_params(struct store_tx *tx, int id, bool try_, const struct params *p)
{
	char name[16];
	PGresult *res;

	tx->changes = 0;
	tx->guarded = try_;
	if (stmt_get(tx, id, name, sizeof(name)) == NULL ||
	    (tx->guarded && run_simple(tx->c, "SAVEPOINT portier_stmt", NULL) != 0)) {
		tx->failed = true;
		return -1;
	}
	res = run_prepared(tx, name, p);
	if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK))
		return exec_ok(tx, res);
	return exec_failed(tx, id, res);
}

static int
exec_v(struct store_tx *tx, int id, bool try_, const char *fmt, va_list ap)
{
	struct params p;
	int rc;

	rc = params_init(&p, strlen(fmt));
	if (rc == 0)
		rc = params_fmt(&p, fmt, ap);
	if (rc != 0) {
		params_free(&p);
		tx->failed = true;
		return -1;
	}
	rc = exec_params(tx, id, try_, &p);
	params_free(&p);
	return rc;
}

/* The n values v as parameters p (initialised here); 0, or -1 (p freed). */
static int
vals_params(struct params *p, const struct store_val *v, int n)
{
	size_t total = 0, at = 0;

	if (n < 0 || params_init(p, (size_t)n) != 0) {
		if (n >= 0)
			params_free(p);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (!v[i].integer && v[i].p != NULL)
			total += v[i].len + 1;
	/* libpq sends text parameters up to their NUL: copies, all in one block. */
	p->copy = malloc(total + 1);
	if (p->copy == NULL) {
		params_free(p);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (v[i].integer) {
			param_int(p, v[i].i);
		} else if (v[i].p != NULL) {
			memcpy(p->copy + at, v[i].p, v[i].len);
			p->copy[at + v[i].len] = '\0';
			p->v[p->n++] = p->copy + at;
			at += v[i].len + 1;
		} else {
			p->v[p->n++] = NULL;
		}
	}
	return 0;
}

/* store_exec_vals, and the row by row writes of a load (try_: a refused row leaves tx
 * usable, as store_load promises). */
static int
exec_vals(struct store_tx *tx, int id, bool try_, const struct store_val *v, int n)
{
	struct params p;
	int rc;

	if (vals_params(&p, v, n) != 0) {
		tx->failed = true;
		return -1;
	}
	rc = exec_params(tx, id, try_, &p);
	params_free(&p);
	return rc;
}

int
store_exec_vals(struct store_tx *tx, int id, const struct store_val *v, int n)
{
	return exec_vals(tx, id, false, v, n);
}

/* ---- bulk load: COPY ---- */

#define COPY_CHUNK (256 * 1024)

/* The COPY data being written: text format, sent to the server a chunk at a time. */
struct copy_out {
	PGconn *pg;
	char *buf;
	size_t used;
	bool failed;
};

static void
copy_flush(struct copy_out *o)
{
	if (!o->failed && o->used > 0 && PQputCopyData(o->pg, o->buf, (int)o->used) != 1)
		o->failed = true;
	o->used = 0;
}

/* Appends one value in COPY's text form: \N for NULL, the text with its backslashes,
 * tabs, newlines and carriage returns escaped. */
static void
copy_value(struct copy_out *o, const struct store_val *v)
{
	char num[24];
	const char *s = v->p;
	size_t n = v->len;

	if (v->integer) {
		n = (size_t)snprintf(num, sizeof(num), "%" PRId64, v->i);
		s = num;
	} else if (s == NULL) {
		s = "\\N";
		n = 2;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = s[i], esc = 0;

		if (o->used + 2 > COPY_CHUNK)
			copy_flush(o);
		if (!v->integer && v->p != NULL)
			esc = ch == '\\' ? '\\' : ch == '\t' ? 't' : ch == '\n' ? 'n' :
			    ch == '\r' ? 'r' : 0;
		if (esc != 0) {
			o->buf[o->used++] = '\\';
			ch = esc;
		}
		o->buf[o->used++] = ch;
	}
}

/* Starts copy (COPY … FROM STDIN) under the savepoint portier_stmt, in one round trip:
 * 0, or -1 (tx failed). */
static int
copy_start(struct store_tx *tx, int id, const char *copy)
{
	char start[512];
	PGresult *res;

	if (store_fault_hit(&tx->s->base, STORE_FAULT_STEP) || strlen(copy) + 32 > sizeof(start)) {
		tx->failed = true;
		return -1;
	}
	snprintf(start, sizeof(start), "SAVEPOINT portier_stmt; %s", copy);
	/* Not started: the savepoint may be missing, so exec_failed must not give -2. */
	tx->guarded = false;
	res = PQexec(tx->c->pg, start);
	if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
		exec_failed(tx, id, res);
		return -1;
	}
	PQclear(res);
	tx->guarded = true;
	return 0;
}

/* Writes nrows rows of ncols values to the COPY in progress. */
static void
copy_put_rows(struct copy_out *o, const struct store_val *v, int ncols, int nrows)
{
	for (int r = 0; r < nrows && !o->failed; r++) {
		for (int k = 0; k < ncols; k++) {
			if (k > 0) {
				if (o->used + 1 > COPY_CHUNK)
					copy_flush(o);
				o->buf[o->used++] = '\t';
			}
			copy_value(o, &v[(size_t)r * (size_t)ncols + (size_t)k]);
		}
		if (o->used + 1 > COPY_CHUNK)
			copy_flush(o);
		o->buf[o->used++] = '\n';
	}
}

/* Ends the COPY in progress and reads its outcome: the rows copied; -2 for a constraint
 * (rolled back to the savepoint); -1 (tx failed). */
static int
copy_finish(struct store_tx *tx, int id, struct copy_out *o)
{
	PGresult *res, *first = NULL;

	copy_flush(o);
	if (PQputCopyEnd(tx->c->pg, o->failed ? "portier: rows not sent" : NULL) != 1) {
		tx->failed = true;
		return -1;
	}
	while ((res = PQgetResult(tx->c->pg)) != NULL) {
		if (first == NULL)
			first = res;
		else
			PQclear(res);
	}
	if (first != NULL && PQresultStatus(first) == PGRES_COMMAND_OK && !o->failed)
		return exec_ok(tx, first);
	return exec_failed(tx, id, first);
}

/* Runs copy with the rows, as one COPY: 0, -2 for a constraint, -1 (tx failed). */
static int
copy_rows(struct store_tx *tx, int id, const char *copy, const struct store_val *v,
    int ncols, int nrows)
{
	struct copy_out o = { .pg = tx->c->pg };
	int rc;

	if (copy_start(tx, id, copy) != 0)
		return -1;
	o.buf = malloc(COPY_CHUNK);
	o.failed = o.buf == NULL;
	copy_put_rows(&o, v, ncols, nrows);
	rc = copy_finish(tx, id, &o);
	free(o.buf);
	if (rc >= 0 && rc != nrows) {
		tx->failed = true;
		return -1;
	}
	return rc < 0 ? rc : 0;
}

/* After a COPY refused for a constraint: the rows again, one INSERT (id's portable text)
 * each under the savepoint, up to the one refused. Slow, but only on a bad extract. */
static int
load_find_bad(struct store_tx *tx, int id, const struct store_val *v, int ncols,
    int nrows, int *bad)
{
	bool portable;
	const char *sql = store_sql_text(id, STORE_DIALECT_SQLITE, &portable);
	char *text = sql != NULL ? rewritten(sql) : NULL;
	int rc = -1;

	if (text == NULL) {
		tx->failed = true;
		return -1;
	}
	for (int r = 0; r < nrows; r++) {
		struct params p;
		PGresult *res;

		if (vals_params(&p, v + (size_t)r * (size_t)ncols, ncols) != 0) {
			tx->failed = true;
			goto done;
		}
		if (run_simple(tx->c, "SAVEPOINT portier_stmt", NULL) != 0) {
			params_free(&p);
			tx->failed = true;
			goto done;
		}
		tx->guarded = true;
		res = PQexecParams(tx->c->pg, text, p.n, NULL, p.v, p.len, p.fmt, 0);
		params_free(&p);
		if (res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK) {
			if (exec_ok(tx, res) < 0)
				goto done;
			continue;
		}
		rc = exec_failed(tx, id, res);
		if (rc == -2)
			*bad = r;
		goto done;
	}
	rc = -1;   /* the COPY was refused but every row passes: not a row's fault */
	tx->failed = true;
done:
	free(text);
	return rc;
}

int
store_load(struct store_tx *tx, int id, const struct store_val *v, int ncols, int nrows,
    int *bad)
{
	bool portable = false;
	const char *sql = store_sql_text(id, STORE_DIALECT_PG, &portable);
	int rc;

	*bad = -1;
	if (sql == NULL || ncols <= 0 || nrows < 0) {
		tx->failed = true;
		return -1;
	}
	if (nrows == 0)
		return 0;
	if (portable || strncasecmp(sql, "COPY", 4) != 0) {
		/* No COPY text: the statement row by row, as SQLite does. */
		for (int r = 0; r < nrows; r++) {
			rc = exec_vals(tx, id, true, v + (size_t)r * (size_t)ncols, ncols);
			if (rc == -2)
				*bad = r;
			if (rc < 0)
				return rc;
		}
		return nrows;
	}
	rc = copy_rows(tx, id, sql, v, ncols, nrows);
	if (rc == -2)
		rc = load_find_bad(tx, id, v, ncols, nrows, bad);
	return rc == 0 ? nrows : rc;
}

/* A streamed load: one COPY from store_load_begin to store_load_end; the server works
 * on the rows while the caller reads the next ones. Without a COPY text for id, the rows
 * go one statement each, as on SQLite. */
struct store_load {
	const struct store_ops *ops;   /* first: store.c dispatches on it */
	struct store_tx *tx;
	int id, ncols, status;
	bool copying;
	long rows;
	struct copy_out out;
};

int
store_load_begin(struct store_tx *tx, int id, int ncols, struct store_load **out)
{
	bool portable = false;
	const char *sql = store_sql_text(id, STORE_DIALECT_PG, &portable);
	struct store_load *l = calloc(1, sizeof(*l));

	*out = NULL;
	if (l == NULL || sql == NULL || ncols <= 0) {
		free(l);
		tx->failed = true;
		return -1;
	}
	*l = (struct store_load){ .ops = &store_pg_ops, .tx = tx, .id = id, .ncols = ncols,
	    .out = { .pg = tx->c->pg } };
	l->copying = !portable && strncasecmp(sql, "COPY", 4) == 0;
	if (l->copying) {
		l->out.buf = malloc(COPY_CHUNK);
		if (l->out.buf == NULL) {
			tx->failed = true;
			free(l);
			return -1;
		}
		if (copy_start(tx, id, sql) != 0) {
			free(l->out.buf);
			free(l);
			return -1;
		}
	}
	*out = l;
	return 0;
}

int
store_load_rows(struct store_load *l, const struct store_val *v, int nrows, int *bad)
{
	int rc;

	*bad = -1;
	if (l->status != 0 || nrows < 0)
		return -1;
	if (l->copying) {
		copy_put_rows(&l->out, v, l->ncols, nrows);
		l->rows += nrows;
		if (l->out.failed) {
			l->status = -1;
			return -1;
		}
		return 0;
	}
	rc = store_load(l->tx, l->id, v, l->ncols, nrows, bad);
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
	int rc = l->status;

	if (l->copying) {
		if (rc != 0)
			l->out.failed = true;   /* the COPY is refused: nothing of it stays */
		rc = copy_finish(l->tx, l->id, &l->out);
		if (rc >= 0 && rc != l->rows) {
			l->tx->failed = true;
			rc = -1;
		}
		if (l->status != 0 && rc != -1)
			rc = l->status;
		free(l->out.buf);
	} else if (rc == 0) {
		rc = l->rows > INT_MAX ? -1 : (int)l->rows;
	}
	free(l);
	*lp = NULL;
	return rc;
}

/* The rows changed by the last store_exec: 0 when it failed, since a PostgreSQL
 * statement is all or nothing (SQLite's INSERT OR FAIL keeps the rows before). */
int
store_changes(struct store_tx *tx)
{
	return tx->changes;
}

/* The next FETCH_ROWS rows of the cursor into q; 0, or -1. */
static int
cursor_fetch(struct store_q *q)
{
	PGresult *res = PQexec(q->tx->c->pg, FETCH_SQL);

	PQclear(q->res);
	q->res = NULL;
	q->row = -1;
	q->rows = 0;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		char why[256];

		log_err(NULL, "store: fetch: %s", res_reason(res, why, sizeof(why)));
		PQclear(res);
		return -1;
	}
	q->res = res;
	q->rows = PQntuples(res);
	return 0;
}

/* A long read's query: a cursor over statement id's text with the same parameters (not
 * the prepared statement: a cursor is declared over a text), then its first rows. */
static int
cursor_open(struct store_tx *tx, int id, const struct params *p)
{
	static const char head[] = "DECLARE portier_cur NO SCROLL CURSOR FOR ";
	bool portable = false;
	const char *sql = sql_text(id, &portable);
	char *text = portable ? rewritten(sql) : NULL, *decl;
	const char *body = portable ? text : sql;
	PGresult *res;
	bool ok;

	if (body == NULL) {
		free(text);
		return -1;
	}
	decl = malloc(sizeof(head) + strlen(body));
	if (decl == NULL) {
		free(text);
		return -1;
	}
	memcpy(decl, head, sizeof(head) - 1);
	memcpy(decl + sizeof(head) - 1, body, strlen(body) + 1);
	free(text);
	res = PQexecParams(tx->c->pg, decl, p->n, NULL, p->v, p->len, p->fmt, 0);
	free(decl);
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok) {
		char why[256];

		log_err(NULL, "store: query %d: %s", id, res_reason(res, why, sizeof(why)));
	}
	PQclear(res);
	if (!ok)
		return -1;
	tx->q.cursor = true;
	return cursor_fetch(&tx->q);
}

static int
query_v(struct store_tx *tx, int id, bool try_, struct store_q **out, const char *fmt,
    va_list ap)
{
	struct params p;
	char name[16];
	PGresult *res;
	int rc;

	if (tx->q.res != NULL || stmt_get(tx, id, name, sizeof(name)) == NULL) {
		tx->failed = true;
		return -1;
	}
	/* Rows are read by named columns only (rule 9): a statement read declares them. */
	if (store_sql_cols(id, STORE_DIALECT_PG) == NULL) {
		log_err(NULL, "store: query %d: no result columns declared", id);
		tx->failed = true;
		return -1;
	}
	rc = params_init(&p, strlen(fmt));
	if (rc == 0)
		rc = params_fmt(&p, fmt, ap);
	if (rc != 0) {
		params_free(&p);
		tx->failed = true;
		return -1;
	}
	if (tx->long_read) {
		rc = cursor_open(tx, id, &p);
		params_free(&p);
		if (rc != 0) {
			tx->failed = true;
			return -1;
		}
		*out = &tx->q;
		return 0;
	}
	/* An INSERT … RETURNING (store_insert) breaks a constraint here, where it runs
	 * whole: store_insert_try's under a savepoint, as store_exec_try, so that it gives
	 * -2 and tx stays usable. */
	tx->guarded = try_;
	if (tx->guarded && run_simple(tx->c, "SAVEPOINT portier_stmt", NULL) != 0) {
		params_free(&p);
		tx->failed = true;
		return -1;
	}
	res = run_prepared(tx, name, &p);
	params_free(&p);
	if (tx->guarded) {
		if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
			return exec_failed(tx, id, res);
		if (run_simple(tx->c, "RELEASE SAVEPOINT portier_stmt", NULL) != 0) {
			PQclear(res);
			tx->failed = true;
			return -1;
		}
	}
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		if (res != NULL && is_constraint(res))
			return exec_failed(tx, id, res);   /* -2, tx failed */
		if (is_retryable(res))
			last_retryable = true;
		if (res != NULL) {
			char why[256];

			log_err(NULL, "store: query %d: %s", id, res_reason(res, why, sizeof(why)));
		}
		PQclear(res);
		tx->failed = true;
		return -1;
	}
	tx->q.res = res;
	tx->q.row = -1;
	tx->q.rows = PQntuples(res);
	tx->q.tx = tx;
	*out = &tx->q;
	return 0;
}

int
store_next(struct store_q *q)
{
	if (store_fault_hit(&q->tx->s->base, STORE_FAULT_STEP)) {
		q->tx->failed = true;
		return -1;
	}
	PQfreemem(q->blob);
	q->blob = NULL;
	if (q->row + 1 >= q->rows && q->cursor && q->rows == FETCH_ROWS &&
	    cursor_fetch(q) != 0) {
		q->tx->failed = true;
		return -1;
	}
	if (q->row + 1 >= q->rows)
		return 0;
	q->row++;
	return 1;
}

static bool
col_ok(const struct store_q *q, int col)
{
	return q->res != NULL && q->row >= 0 && q->row < q->rows && col >= 0 &&
	    col < PQnfields(q->res);
}

const char *
store_text(struct store_q *q, int col)
{
	if (!col_ok(q, col) || PQgetisnull(q->res, q->row, col))
		return NULL;
	return PQgetvalue(q->res, q->row, col);
}

/* Integers come as text; a boolean as 1 or 0, as SQLite stores it. */
int64_t
store_int(struct store_q *q, int col)
{
	const char *t = store_text(q, col);
	char *end;

	if (t == NULL)
		return 0;
	if (PQftype(q->res, col) == BOOL_OID)
		return t[0] == 't';
	return strtoll(t, &end, 10);
}

const void *
store_blob(struct store_q *q, int col, size_t *len)
{
	const char *t = store_text(q, col);

	*len = 0;
	if (t == NULL)
		return NULL;
	if (PQftype(q->res, col) != BYTEA_OID) {
		*len = (size_t)PQgetlength(q->res, q->row, col);
		return t;
	}
	PQfreemem(q->blob);
	q->blob = PQunescapeBytea((const unsigned char *)t, len);
	return q->blob;
}

bool
store_null(struct store_q *q, int col)
{
	return !col_ok(q, col) || PQgetisnull(q->res, q->row, col);
}

void
store_done(struct store_q *q)
{
	if (q == NULL)
		return;
	q_clear(q);
}

/* A whole script in one simple-protocol call: libpq runs its statements in turn, in the
 * transaction already open. */
int
store_script(struct store_tx *tx, const char *sql, char *err, size_t errlen)
{
	PGresult *res;
	bool ok;

	if (store_fault_hit(&tx->s->base, STORE_FAULT_PREPARE)) {
		snprintf(err, errlen, "injected fault");
		tx->failed = true;
		return -1;
	}
	res = PQexec(tx->c->pg, sql);
	ok = res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK);
	if (!ok) {
		char why[512];

		if (is_retryable(res))
			last_retryable = true;
		pg_reason(tx->c->pg, why, sizeof(why));
		snprintf(err, errlen, "%s", why);
		tx->failed = true;
	}
	PQclear(res);
	return ok ? 0 : -1;
}

/* Migrations: files NNN_name.sql in dir (migrations/pg), applied in number order, by one
 * node at a time: every migrator holds the same advisory lock for its whole run, so a
 * second node that starts meanwhile waits, then finds them applied. */
#define LOWEST_MIGRATION 0

/* A transaction on the migrator's connection, READ COMMITTED: each statement sees what
 * the migrator before it committed (the lock was taken after this snapshot would have
 * been, under REPEATABLE READ). */
static int
migrate_tx(struct store *s, struct conn *c, struct store_tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->ops = &store_pg_ops;
	tx->q.ops = &store_pg_ops;
	tx->s = s;
	tx->c = c;
	tx->q.tx = tx;
	if (run_simple(c, "BEGIN ISOLATION LEVEL READ COMMITTED", NULL) != 0)
		return -1;
	return 0;
}

static int
migrate_end(struct store_tx *tx, bool commit)
{
	int rc = 0;

	q_clear(&tx->q);
	if (commit && !tx->failed && run_simple(tx->c, "COMMIT", "COMMIT") == 0)
		return 0;
	if (commit)
		rc = -1;
	if (PQtransactionStatus(tx->c->pg) != PQTRANS_IDLE)
		run_simple(tx->c, "ROLLBACK", NULL);
	return rc;
}

/* 1 applied, 0 not, -1 cannot tell. */
static int
migration_applied(struct store_tx *tx, int number)
{
	struct store_q *q;
	int applied = -1;

	if (store_query(tx, SQL_MIGRATION_APPLIED, &q, "i", (int64_t)number) == 0) {
		if (store_next(q) == 1)
			applied = store_int(q, 0) > 0;
		store_done(q);
	}
	return applied;
}

static int
migrate_one(struct store *s, struct conn *c, const char *dir, const struct store_migration *m,
    char *err, size_t errlen)
{
	struct store_tx tx;
	char path[4096], reason[512], at[CLOCK_TEXT_SIZE];
	struct buf sql;
	int done, rc = -1;

	if (migrate_tx(s, c, &tx) != 0) {
		snprintf(err, errlen, "cannot start a transaction");
		return -1;
	}
	done = migration_applied(&tx, m->number);
	if (done != 0) {
		if (done < 0)
			snprintf(err, errlen, "%s: cannot tell whether it is applied", m->name);
		migrate_end(&tx, false);
		return done < 0 ? -1 : 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, m->name);
	buf_init(&sql, MIGRATION_MAX_BYTES);
	if (store_read_file(path, &sql) != 0) {
		snprintf(err, errlen, "%s: cannot read", path);
		goto done;
	}
	reason[0] = '\0';
	if (store_script(&tx, sql.data, reason, sizeof(reason)) != 0 ||
	    clock_text(clock_time(), at) != 0 ||
	    store_exec(&tx, SQL_MIGRATION_RECORD, "itt", (int64_t)m->number, m->name, at) != 1) {
		snprintf(err, errlen, "%s: %s", path, reason[0] ? reason : "not recorded");
		goto done;
	}
	if (migrate_end(&tx, true) != 0) {
		snprintf(err, errlen, "%s: commit failed", path);
		buf_free(&sql);
		return -1;
	}
	rc = 1;
done:
	if (rc < 0)
		migrate_end(&tx, false);
	buf_free(&sql);
	return rc;
}

int
store_migrate(struct store *s, const char *dir, char *err, size_t errlen)
{
	static const char *bootstrap =
	    "CREATE TABLE IF NOT EXISTS schema_migration(version integer PRIMARY KEY, "
	    "name text NOT NULL, applied_at text NOT NULL)";
	struct store_migration list[512];
	struct conn *c;
	int n, applied = 0, rc;

	n = store_migrations_list(dir, LOWEST_MIGRATION, list, 512, err, errlen);
	if (n < 0)
		return -1;
	c = conn_take(s);
	/* The session's lock, held until released below or the connection ends (a migrator
	 * that dies gives it up with its connection). */
	if (run_simple(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", NULL) != 0) {
		snprintf(err, errlen, "migrations: advisory lock not taken");
		conn_give(s, c);
		return -1;
	}
	if (run_simple(c, bootstrap, NULL) != 0) {
		char why[512];

		pg_reason(c->pg, why, sizeof(why));
		snprintf(err, errlen, "schema_migration: %s", why);
		applied = -1;
	}
	for (int i = 0; i < n && applied >= 0; i++) {
		err[0] = '\0';
		rc = migrate_one(s, c, dir, &list[i], err, errlen);
		applied = rc < 0 ? -1 : applied + rc;
	}
	run_simple(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", NULL);
	conn_give(s, c);
	return applied;
}

/* store_savepoint, store_release, store_rollback_to: one name (the innermost is meant),
 * with the failed mark of the transaction when each was set; ROLLBACK TO makes an aborted
 * transaction usable again. */
static int
savepoint(struct store_tx *tx, enum store_sp what)
{
	static const char *const sql[] = {
		[STORE_SP_SET] = "SAVEPOINT portier_sp",
		[STORE_SP_RELEASE] = "RELEASE SAVEPOINT portier_sp",
		[STORE_SP_ROLLBACK_TO] = "ROLLBACK TO SAVEPOINT portier_sp",
	};

	/* What a module kept may describe what is undone: cleared, whatever the outcome. */
	if (what == STORE_SP_ROLLBACK_TO)
		store_tx_hooks_clear(&tx->hooks);
	if (store_sp_check(&tx->sp, what) != 0) {
		tx->failed = true;
		return -1;
	}
	if (tx->q.res != NULL)
		store_done(&tx->q);
	if (run_simple(tx->c, sql[what], NULL) != 0) {
		tx->failed = true;
		return -1;
	}
	store_sp_done(&tx->sp, what, &tx->failed);
	return 0;
}

static struct store_tx_hooks *
tx_hooks(struct store_tx *tx)
{
	return &tx->hooks;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
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
	.retryable = pg_retryable,
};

/* The files libpq may read at connect (store.h): those the string names, else their
 * defaults under $HOME (~/.pgpass, ~/.postgresql/). */
int
store_client_files(const char *db, int (*fn)(void *arg, const char *path), void *arg)
{
	static const char *const keys[] = {
		"sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir", "passfile",
	};
	PQconninfoOption *opts;
	const char *home = getenv("HOME");
	char path[1024];
	int rc = 0;

	if (!store_is_pg(db))
		return 0;
	opts = PQconninfoParse(db, NULL);
	for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL && rc == 0; o++)
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && rc == 0; i++)
			if (strcmp(o->keyword, keys[i]) == 0 && o->val != NULL && o->val[0] != '\0')
				rc = fn(arg, o->val);
	PQconninfoFree(opts);
	/* libpq's environment gives the same files when the string does not. */
	static const char *const envs[] = {
		"PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "PGSSLCRL", "PGSSLCRLDIR", "PGPASSFILE",
		"PGSERVICEFILE", "PGSYSCONFDIR",
	};
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]) && rc == 0; i++) {
		const char *v = getenv(envs[i]);

		if (v != NULL && v[0] != '\0')
			rc = fn(arg, v);
	}
	if (rc == 0 && home != NULL && home[0] == '/') {
		snprintf(path, sizeof(path), "%s/.pgpass", home);
		rc = fn(arg, path);
		snprintf(path, sizeof(path), "%s/.postgresql", home);
		if (rc == 0)
			rc = fn(arg, path);
	}
	return rc;
}
