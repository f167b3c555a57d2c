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
		const char *type = store_text(q, 1), *at = store_text(q, 2);

		last = (long)store_int(q, 0);
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
		w->id = store_int(q, 0);
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

/* Rows i .. i + SQL_KBO_MANY - 1 of a plain insert in one statement. A duplicate key
 * stops it after the rows before the failing one (SQLite's INSERT OR FAIL; none on
 * PostgreSQL, where a statement is all or nothing): the rows not written are written
 * again one at a time, and the one refused names the line and the number. */
static int
write_many(struct writer *w, const struct kbo_job *j, const struct kbo_batch *b, int i,
    char *err, size_t errlen)
{
	struct store_val v[SQL_KBO_MANY * (KBO_MAX_COLS + 2)];
	int per_row = j->ncols + 2, rc;

	for (int n = 0; n < SQL_KBO_MANY; n++, i++)
		row_values(w, j, b, i, v + n * per_row);
	rc = store_exec_vals(w->tx, j->t->sql_insert_many, v, SQL_KBO_MANY * per_row);
	if (rc == -2) {
		int done = store_changes(w->tx);

		i -= SQL_KBO_MANY;
		if (done < 0 || done >= SQL_KBO_MANY)
			done = 0;
		for (int k = done; k < SQL_KBO_MANY; k++) {
			rc = store_exec_vals(w->tx, j->t->sql_insert, v + k * per_row, per_row);
			if (rc < 0)
				return row_error(j, b, i + k, rc, err, errlen);
		}
		return row_error(j, b, i, -1, err, errlen);
	}
	return rc < 0 ? row_error(j, b, i - SQL_KBO_MANY, rc, err, errlen) : 0;
}

/* Writes a batch's rows: many at a time where the table allows it. */
static int
write_batch(struct writer *w, const struct kbo_batch *b, char *err, size_t errlen)
{
	const struct kbo_job *j = &w->plan->jobs[b->job];
	bool plain = j->kind == KBO_JOB_INSERT && (w->plan->full || j->t->sql_delete == 0);
	int i = 0;

	if (plain && j->t->sql_insert_many != 0)
		for (; b->nrows - i >= SQL_KBO_MANY; i += SQL_KBO_MANY)
			if (write_many(w, j, b, i, err, errlen) != 0)
				return -1;
	for (; i < b->nrows; i++)
		if (write_row(w, j, b, i, err, errlen) != 0)
			return -1;
	return 0;
}

static int
job_done(struct writer *w, char *err, size_t errlen)
{
	const struct kbo_job *j = &w->plan->jobs[w->job];

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
		}
		if (write_batch(w, b, err, errlen) != 0) {
			kbo_pipe_release(*pipe, b);
			return -1;
		}
		w->job_rows += (unsigned long)b->nrows;
		kbo_progress_update(&w->prog, w->job_rows, b->pos);
		last = b->last;
		kbo_pipe_release(*pipe, b);   /* the reader may refill it from here on */
		if (last && job_done(w, err, errlen) != 0)
			return -1;
	}
	return kbo_pipe_finish(pipe, err, errlen);
}

/* Records the extract, with the rows read, and the audit event of the import. */
static int
finish_extract(struct writer *w, const char *source, bool force, char *err, size_t errlen)
{
	const struct kbo_plan *p = w->plan;
	char object[32], details[160];
	struct audit_event ev = {
		.actor = "system", .actor_role = "import", .object = object,
		.action = "registry.kbo_import", .details = details,
	};

	snprintf(object, sizeof(object), "kbo_extract:%" PRId64, w->id);
	if (json_text(details, sizeof(details), "{s:I, s:s, s:I, s:b}", "extract_number",
	    (json_int_t)p->number, "type", p->full ? "full" : "update", "rows",
	    (json_int_t)w->rows, "forced", force) != 0 ||
	    store_exec(w->tx, SQL_KBO_EXTRACT_INSERT, "iittttiii", w->id, (int64_t)p->number,
	    p->full ? "full" : "update", p->snapshot[0] ? p->snapshot : NULL,
	    p->timestamp[0] ? p->timestamp : NULL, p->version[0] ? p->version : NULL, source,
	    (int64_t)force, (int64_t)w->rows) != 1 || audit_append(w->tx, &ev) != 0) {
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
	store_rollback(&w.tx);
	kbo_source_close(src);
	arena_free(a);
	return rc;
}
