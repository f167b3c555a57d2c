/* kbo_import.c — applies a KBO Open Data extract in one transaction: checks it is newer
 * than the last one applied, records it, then writes the rows the reader thread
 * (kbo_pipe.c) hands over. A full extract empties the tables, loads each without its
 * secondary index and builds that, and the name index, once the table is full. An update
 * applies, per table, its delete file then its insert file; the insert file holds all the
 * current rows of each entity it names, so they replace the rows earlier extracts wrote
 * for it — which also makes applying the same update twice (with force) give the same
 * tables. */
#include "registry/kbo_import.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/arena.h"
#include "base/clock.h"
#include "registry/kbo_internal.h"
#include "registry/sql.h"
#include "store/store.h"

struct writer {
	struct store_tx *tx;
	const struct kbo_plan *plan;
	int64_t id;                    /* this extract's kbo_extract.id */
	int job;                       /* current job, -1 before the first */
	unsigned long job_rows;
	char prev[11];                 /* last entity whose older rows were replaced */
	struct kbo_progress prog;
	unsigned long long rows;
	struct store_val *vals;        /* a batch's values for store_load */
	struct store_load *load;       /* the current job's rows, when loaded in bulk */
	struct kbo_source *src;        /* to read a file again (find_refused) */
};

/* Refuses an extract that is not newer than the last one applied, unless forced. */
static int
check_order(struct store_tx *tx, const struct kbo_plan *p, bool force, char *err,
    size_t errlen)
{
	struct store_q *q;
	bool refused = false;
	long last;
	int rc;

	if (store_query(tx, SQL_KBO_EXTRACT_LAST, &q, "") != 0) {
		snprintf(err, errlen, "cannot read the applied extracts (database not migrated?)");
		return -1;
	}
	rc = store_next(q);
	if (rc == 1 && !force) {
		const char *type = store_text(q, KBO_EXTRACT_LAST_EXTRACT_TYPE),
		    *at = store_text(q, KBO_EXTRACT_LAST_APPLIED_AT);

		last = (long)store_int(q, KBO_EXTRACT_LAST_EXTRACT_NUMBER);
		/* A full extract of the same number holds the state the update reached:
		 * harmless. The message quotes the row while it is current. */
		refused = p->full ? p->number < last : p->number <= last;
		if (refused)
			snprintf(err, errlen, "%s extract %ld is not newer than the last applied "
			    "extract %ld (%s, applied %s): refused; --force applies it anyway",
			    p->full ? "full" : "update", p->number, last, type ? type : "",
			    at ? at : "");
	}
	store_done(q);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the applied extracts");
		return -1;
	}
	return refused ? -1 : 0;
}

/* The id this extract will have: its rows carry it, its kbo_extract row is written last
 * (see finish_extract). The transaction holds the write lock: nobody else takes it. */
static int
reserve_extract(struct writer *w, char *err, size_t errlen)
{
	struct store_q *q;
	int rc;

	if (store_query(w->tx, SQL_KBO_EXTRACT_NEXT_ID, &q, "") != 0) {
		snprintf(err, errlen, "cannot read the applied extracts");
		return -1;
	}
	rc = store_next(q);
	if (rc == 1)
		w->id = store_int(q, KBO_EXTRACT_NEXT_ID_NEXT_ID);
	store_done(q);
	if (rc != 1) {
		snprintf(err, errlen, "cannot read the applied extracts");
		return -1;
	}
	return 0;
}

static int
exec_ok(struct writer *w, int id, char *err, size_t errlen)
{
	if (store_exec(w->tx, id, "") < 0) {
		snprintf(err, errlen, "database error while preparing the tables (statement %d)",
		    id);
		return -1;
	}
	return 0;
}

/* meta.csv replaces the last one, code.csv too (its file comes first). */
static int
prepare_tables(struct writer *w, char *err, size_t errlen)
{
	const struct kbo_plan *p = w->plan;

	if (exec_ok(w, SQL_KBO_META_CLEAR, err, errlen) != 0)
		return -1;
	for (int i = 0; i < p->nmeta; i++) {
		struct store_val v[3] = {
			{ .p = p->meta[i].variable, .len = strlen(p->meta[i].variable) },
			{ .p = p->meta[i].has_value ? p->meta[i].value : NULL,
			  .len = strlen(p->meta[i].value) },
			{ .i = w->id, .integer = true },
		};

		if (store_exec_vals(w->tx, SQL_KBO_META_INSERT, v, 3) != 1) {
			snprintf(err, errlen, "meta.csv: variable %.63s appears twice",
			    p->meta[i].variable);
			return -1;
		}
	}
	w->rows += (unsigned long long)p->nmeta;
	return exec_ok(w, SQL_KBO_CODE_CLEAR, err, errlen);
}

/* A full load empties a table, and drops its secondary index (built again once the table
 * is full: faster than keeping it up to date), just before its file: a page written early
 * in the transaction and changed again late would make SQLite re-read its whole log at
 * the commit to re-checksum it. */
static int
start_table(struct writer *w, const struct kbo_table *t, char *err, size_t errlen)
{
	if (t->id == KBO_CODE)
		return 0;   /* emptied by prepare_tables, in updates too */
	if (t->sql_index_drop != 0 && exec_ok(w, t->sql_index_drop, err, errlen) != 0)
		return -1;
	return exec_ok(w, t->sql_clear, err, errlen);
}

/* A full load builds a table's secondary index, and the name index of denominations,
 * as soon as the table is loaded: its pages are still in the cache, and the reader goes
 * on with the next file meanwhile. */
static int
finish_table(struct writer *w, const struct kbo_table *t, char *err, size_t errlen)
{
	char step[48];

	if (t->sql_index_create != 0) {
		snprintf(step, sizeof(step), "%s index", t->name);
		kbo_progress_step(&w->prog, step);
		if (exec_ok(w, t->sql_index_create, err, errlen) != 0)
			return -1;
		kbo_progress_step_done(&w->prog);
	}
	if (t->id == KBO_DENOMINATION_T) {
		kbo_progress_step(&w->prog, "name index");
		if (exec_ok(w, SQL_KBO_FTS_REBUILD, err, errlen) != 0)
			return -1;
		kbo_progress_step_done(&w->prog);
	}
	return 0;
}

static int
row_error(const struct kbo_job *j, const struct kbo_batch *b, int i, int rc, char *err,
    size_t errlen)
{
	const char *key = b->text + b->off[i][0];

	if (rc == -1)
		snprintf(err, errlen, "%s:%lu: the database refused the row", j->file, b->line[i]);
	else if (j->t->id == KBO_CODE)
		snprintf(err, errlen, "%s:%lu: code %.40s/%.20s/%.4s appears twice", j->file,
		    b->line[i], key, b->text + b->off[i][1], b->text + b->off[i][2]);
	else
		snprintf(err, errlen, "%s:%lu: %s %s appears twice", j->file, b->line[i],
		    j->cols[0].name, key);
	return -1;
}

/* Row i's values, then the extract id and the source line, into v. */
static void
row_values(const struct writer *w, const struct kbo_job *j, const struct kbo_batch *b,
    int i, struct store_val *v)
{
	for (int k = 0; k < j->ncols; k++, v++) {
		v->p = b->len[i][k] == KBO_NULL_LEN ? NULL : b->text + b->off[i][k];
		v->len = b->len[i][k] == KBO_NULL_LEN ? 0 : b->len[i][k];
		v->integer = false;
	}
	v[0] = (struct store_val){ .i = w->id, .integer = true };
	v[1] = (struct store_val){ .i = (int64_t)b->line[i], .integer = true };
}

static int
write_row(struct writer *w, const struct kbo_job *j, const struct kbo_batch *b, int i,
    char *err, size_t errlen)
{
	const struct kbo_table *t = j->t;
	struct store_val v[KBO_MAX_COLS + 2], key[2];
	int n = j->ncols + 2, rc;

	row_values(w, j, b, i, v);
	key[0] = v[0];
	key[1] = v[j->ncols];

	if (j->kind == KBO_JOB_DELETE) {
		if ((t->id == KBO_DENOMINATION_T &&
		    store_exec_vals(w->tx, SQL_KBO_FTS_DELETE, key, 2) < 0) ||
		    store_exec_vals(w->tx, t->sql_delete, key, 2) < 0)
			return row_error(j, b, i, -1, err, errlen);
		return 0;
	}
	if (w->plan->full || t->sql_delete == 0) {
		rc = store_exec_vals(w->tx, t->sql_insert, v, n);
		return rc < 0 ? row_error(j, b, i, rc, err, errlen) : 0;
	}
	if (t->keyed) {
		/* No change: the row was already written by this very extract. */
		rc = store_exec_vals(w->tx, t->sql_upsert, v, n);
		return rc <= 0 ? row_error(j, b, i, rc < 0 ? rc : -2, err, errlen) : 0;
	}
	/* An entity's first row in this file: its rows from earlier extracts go. */
	if (strcmp(w->prev, v[0].p) != 0) {
		if ((t->id == KBO_DENOMINATION_T &&
		    store_exec_vals(w->tx, SQL_KBO_FTS_DELETE, key, 2) < 0) ||
		    store_exec_vals(w->tx, t->sql_delete, key, 2) < 0)
			return row_error(j, b, i, -1, err, errlen);
		memcpy(w->prev, v[0].p, sizeof(w->prev));
	}
	rc = store_exec_vals(w->tx, t->sql_insert, v, n);
	if (rc >= 0 && t->id == KBO_DENOMINATION_T)
		rc = store_exec_vals(w->tx, SQL_KBO_FTS_INSERT, v, 4);
	return rc < 0 ? row_error(j, b, i, rc, err, errlen) : 0;
}

/* True when a job's rows are only added (a full load, or a table without delete file):
 * the bulk path. */
static bool
plain_job(const struct writer *w, const struct kbo_job *j)
{
	return j->kind == KBO_JOB_INSERT && (w->plan->full || j->t->sql_delete == 0);
}

/* Batch b's values into w->vals. Returns 0, or -1 (out of memory). */
static int
batch_values(struct writer *w, const struct kbo_job *j, const struct kbo_batch *b, char *err,
    size_t errlen)
{
	int per_row = j->ncols + 2;

	if (w->vals == NULL &&
	    (w->vals = malloc(sizeof(*w->vals) * KBO_BATCH_ROWS * (KBO_MAX_COLS + 2))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < b->nrows; i++)
		row_values(w, j, b, i, w->vals + (size_t)i * (size_t)per_row);
	return 0;
}

/* A batch of a job's streamed load (PostgreSQL: rows added to the job's one COPY). SQLite
 * names a refused row at once; PostgreSQL at the end of the job (job_done). */
static int
write_stream(struct writer *w, const struct kbo_job *j, const struct kbo_batch *b,
    char *err, size_t errlen)
{
	int bad = -1, rc;

	if (b->nrows == 0)
		return 0;
	if (batch_values(w, j, b, err, errlen) != 0)
		return -1;
	rc = store_load_rows(w->load, w->vals, b->nrows, &bad);
	if (rc == -2 && bad >= 0 && bad < b->nrows)
		return row_error(j, b, bad, rc, err, errlen);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%lu-%lu: the database refused the rows", j->file,
		    b->line[0], b->line[b->nrows - 1]);
		return -1;
	}
	return 0;
}

/* A batch in one store_load, which names a refused row (PostgreSQL: one COPY, then the
 * rows one by one if it is refused). The rows before it are written; the import stops. */
static int
write_load(struct writer *w, const struct kbo_job *j, const struct kbo_batch *b, char *err,
    size_t errlen)
{
	int per_row = j->ncols + 2, bad = -1, rc;

	if (b->nrows == 0)
		return 0;
	if (batch_values(w, j, b, err, errlen) != 0)
		return -1;
	rc = store_load(w->tx, j->t->sql_load, w->vals, per_row, b->nrows, &bad);
	if (rc == -2 && bad >= 0 && bad < b->nrows)
		return row_error(j, b, bad, rc, err, errlen);
	if (rc != b->nrows) {
		snprintf(err, errlen, "%s:%lu-%lu: the database refused the rows", j->file,
		    b->line[0], b->line[b->nrows - 1]);
		return -1;
	}
	return 0;
}

/* Writes a batch's rows: all at once through store_load where the table allows it. */
static int
write_batch(struct writer *w, const struct kbo_batch *b, char *err, size_t errlen)
{
	const struct kbo_job *j = &w->plan->jobs[b->job];

	if (w->load != NULL)
		return write_stream(w, j, b, err, errlen);
	for (int i = 0; i < b->nrows; i++)
		if (write_row(w, j, b, i, err, errlen) != 0)
			return -1;
	return 0;
}

/* The job's streamed load was refused without saying which row (PostgreSQL: its COPY is
 * undone, the transaction goes on): the file is read again and loaded a batch at a time
 * with store_load, which names the row. The import fails either way; this only finds
 * the line to report, and costs a second reading of the file. */
static int
find_refused(struct writer *w, char *err, size_t errlen)
{
	const struct kbo_plan *p = w->plan;
	const struct kbo_job *j = &p->jobs[w->job];
	struct kbo_plan *one = malloc(sizeof(*one));
	struct kbo_pipe *pipe = NULL;
	struct kbo_batch *b;
	int rc = 0;

	if (one == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*one = *p;
	one->jobs[0] = *j;
	one->njobs = 1;
	if (kbo_pipe_start(&pipe, w->src, one, err, errlen) != 0) {
		free(one);
		return -1;
	}
	while (!(b = kbo_pipe_next(pipe))->eos && rc == 0) {
		rc = write_load(w, j, b, err, errlen);
		kbo_pipe_release(pipe, b);
	}
	if (b->eos)
		kbo_pipe_release(pipe, b);
	kbo_pipe_finish(&pipe, NULL, 0);
	free(one);
	if (rc == 0)
		snprintf(err, errlen, "%s: the database refused the rows", j->file);
	return -1;
}

/* The end of a job: its load ended, its table's indexes built. Returns 0, -1, or -2 when
 * the load was refused without the row (find_refused then names it). */
static int
job_done(struct writer *w, char *err, size_t errlen)
{
	const struct kbo_job *j = &w->plan->jobs[w->job];

	if (w->load != NULL) {
		int rc = store_load_end(&w->load);

		if (rc == -2)
			return -2;   /* write_all stops the reader, then find_refused */
		if (rc < 0) {
			snprintf(err, errlen, "%s: the database refused the rows", j->file);
			return -1;
		}
	}

	kbo_progress_file_done(&w->prog, w->job_rows, j->size);
	w->rows += w->job_rows;
	return w->plan->full ? finish_table(w, j->t, err, errlen) : 0;
}

/* Takes the reader's batches in order and writes their rows. */
static int
write_all(struct writer *w, struct kbo_pipe **pipe, char *err, size_t errlen)
{
	struct kbo_batch *b;
	bool last;
	int rc;

	for (;;) {
		b = kbo_pipe_next(*pipe);
		if (b->eos) {
			kbo_pipe_release(*pipe, b);
			break;
		}
		if (b->job != w->job) {
			w->job = b->job;
			w->job_rows = 0;
			w->prev[0] = '\0';
			kbo_progress_file(&w->prog, w->plan->jobs[w->job].file);
			if (w->plan->full &&
			    start_table(w, w->plan->jobs[w->job].t, err, errlen) != 0) {
				kbo_pipe_release(*pipe, b);
				return -1;
			}
			if (plain_job(w, &w->plan->jobs[w->job]) &&
			    w->plan->jobs[w->job].t->sql_load != 0 &&
			    store_load_begin(w->tx, w->plan->jobs[w->job].t->sql_load,
			    w->plan->jobs[w->job].ncols + 2, &w->load) != 0) {
				snprintf(err, errlen, "%s: cannot start loading",
				    w->plan->jobs[w->job].file);
				kbo_pipe_release(*pipe, b);
				return -1;
			}
		}
		if (write_batch(w, b, err, errlen) != 0) {
			kbo_pipe_release(*pipe, b);
			return -1;
		}
		w->job_rows += (unsigned long)b->nrows;
		kbo_progress_update(&w->prog, w->job_rows, b->pos);
		last = b->last;
		kbo_pipe_release(*pipe, b);   /* the reader may refill it from here on */
		if (last && (rc = job_done(w, err, errlen)) != 0) {
			if (rc == -2) {
				/* The reader may be reading the next file: one reader at a time. */
				kbo_pipe_finish(pipe, NULL, 0);
				find_refused(w, err, errlen);
			}
			return -1;
		}
	}
	return kbo_pipe_finish(pipe, err, errlen);
}

/* Records the extract, with the rows read, and the audit event of the import. */
static int
finish_extract(struct writer *w, const char *source, bool force, char *err, size_t errlen)
{
	const struct kbo_plan *p = w->plan;
	char object[32], details[160], at[CLOCK_TEXT_SIZE];
	struct audit_event ev = {
		.actor = "system", .actor_role = "import", .object = object,
		.action = "registry.kbo_import", .details = details,
	};

	snprintf(object, sizeof(object), "kbo_extract:%" PRId64, w->id);
	if (json_text(details, sizeof(details), "{s:I, s:s, s:I, s:b}", "extract_number",
	    (json_int_t)p->number, "type", p->full ? "full" : "update", "rows",
	    (json_int_t)w->rows, "forced", force) != 0 ||
	    clock_text(clock_time(), at) != 0 ||
	    store_exec(w->tx, SQL_KBO_EXTRACT_INSERT, "iittttiiit", w->id, (int64_t)p->number,
	    p->full ? "full" : "update", p->snapshot[0] ? p->snapshot : NULL,
	    p->timestamp[0] ? p->timestamp : NULL, p->version[0] ? p->version : NULL, source,
	    (int64_t)force, (int64_t)w->rows, at) != 1 || audit_append(w->tx, &ev) != 0) {
		snprintf(err, errlen, "cannot record the extract");
		return -1;
	}
	return 0;
}

int
kbo_import(struct store *s, const char *path, const struct kbo_import_opts *opts,
    struct kbo_import_result *res, char *err, size_t errlen)
{
	struct kbo_import_opts none = { 0 };
	struct kbo_source *src = NULL;
	struct arena *a = NULL;         /* the plan and its texts, for the whole import */
	struct kbo_plan *plan = NULL;
	struct kbo_pipe *pipe = NULL;
	struct writer w = { .job = -1 };
	int rc = -1;

	if (opts == NULL)
		opts = &none;
	err[0] = '\0';
	if (kbo_source_open(path, &src, err, errlen) != 0)
		goto done;
	a = arena_new(0);
	plan = a != NULL ? arena_alloc(a, sizeof(*plan)) : NULL;
	if (plan == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (kbo_plan_make(src, a, opts->extract_number, plan, err, errlen) != 0)
		goto done;
	w.plan = plan;
	w.src = src;
	kbo_progress_start(&w.prog, plan->total_bytes, opts->quiet);
	if (store_bulk_begin(s, &w.tx) != 0) {
		snprintf(err, errlen, "cannot start a write transaction");
		goto done;
	}
	if (check_order(w.tx, plan, opts->force, err, errlen) != 0 ||
	    reserve_extract(&w, err, errlen) != 0 ||
	    prepare_tables(&w, err, errlen) != 0 ||
	    kbo_pipe_start(&pipe, src, plan, err, errlen) != 0 ||
	    write_all(&w, &pipe, err, errlen) != 0)
		goto done;
	if (finish_extract(&w, kbo_source_name(src), opts->force, err, errlen) != 0)
		goto done;
	kbo_progress_step(&w.prog, "commit");
	rc = store_commit(&w.tx);
	w.tx = NULL;
	if (rc != 0) {
		snprintf(err, errlen, "the database refused the commit: nothing was applied");
		goto done;
	}
	kbo_progress_step_done(&w.prog);
	if (res != NULL) {
		res->extract_number = plan->number;
		res->full = plan->full;
		/* "" or the 10 characters of an ISO date (kbo_date_iso). */
		memcpy(res->snapshot, plan->snapshot, strlen(plan->snapshot) + 1);
		res->rows = w.rows;
		res->seconds = kbo_now() - w.prog.start;
	}
done:
	kbo_progress_end(&w.prog);
	kbo_pipe_finish(&pipe, NULL, 0);
	store_load_end(&w.load);   /* an import that failed mid-file */
	free(w.vals);
	store_rollback(&w.tx);
	kbo_source_close(src);
	arena_free(a);
	return rc;
}
