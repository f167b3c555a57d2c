/* reg_import.c — the driver of the persons and legal functions imports: streams the file
 * through the KBO row reader (kbo_csv.c), hands each row to the kind's check-and-store
 * step, reports and (with skip_invalid) writes aside the invalid rows, and replaces the
 * table in one transaction with an import record and an audit event — or changes nothing. */
#include "registry/reg_rows.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/arena.h"
#include "base/clock.h"
#include "registry/query_sql.h"
#include "store/store.h"

#define CHUNK (64 * 1024)

struct run {
	const struct reg_import_kind *k;
	const struct reg_import_opts *o;
	struct store_tx *tx;
	const char *file;           /* as given: the name in messages */
	FILE *rejects;
	bool write_failed;
	unsigned long rows, rejected;
	bool db_failed;
};

/* One CSV field, quoted unless empty (empty reads back as empty, as in the input). */
static void
put_field(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
reject_write(struct run *r, const struct kbo_row *row, const char *reason)
{
	char line[24];

	for (int i = 0; i < r->k->ncols; i++) {
		put_field(r->rejects, row->val[i]);
		fputc(',', r->rejects);
	}
	snprintf(line, sizeof(line), "%lu", row->line);
	put_field(r->rejects, line);
	fputc(',', r->rejects);
	put_field(r->rejects, reason);
	if (fputc('\n', r->rejects) == EOF)
		r->write_failed = true;
}

static int
on_row(void *ud, const struct kbo_row *row)
{
	struct run *r = ud;
	char reason[REG_REASON_MAX], msg[REG_REASON_MAX + 1200];
	int rc;

	rc = r->k->row(r->tx, row, reason, sizeof(reason));
	if (rc < 0) {
		r->db_failed = true;
		return -1;
	}
	if (rc == 0) {
		r->rows++;
		return 0;
	}
	r->rejected++;
	if (r->o->report != NULL && r->rejected <= REG_IMPORT_REPORT_MAX) {
		snprintf(msg, sizeof(msg), "%s:%lu: %s", r->file, row->line, reason);
		r->o->report(r->o->report_arg, msg);
	}
	if (r->rejects != NULL)
		reject_write(r, row, reason);
	return 0;
}

/* Streams the file through the reader. Returns 0, or -1 with err. */
static int
read_file(struct run *r, const char *path, char *err, size_t errlen)
{
	struct kbo_csv *csv;
	FILE *f;
	char *chunk;
	size_t n;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	chunk = malloc(CHUNK);
	csv = kbo_csv_new(r->file, r->k->cols, r->k->ncols, on_row, r);
	if (chunk == NULL || csv == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	while ((n = fread(chunk, 1, CHUNK, f)) > 0)
		if (kbo_csv_feed(csv, chunk, n) != 0)
			break;
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto done;
	}
	if (kbo_csv_error(csv)[0] == '\0' && !r->db_failed)
		kbo_csv_end(csv);
	if (r->db_failed) {
		snprintf(err, errlen, "%s: database error while storing the rows", path);
		goto done;
	}
	if (kbo_csv_error(csv)[0] != '\0') {
		snprintf(err, errlen, "%s", kbo_csv_error(csv));
		goto done;
	}
	rc = 0;
done:
	kbo_csv_free(csv);
	free(chunk);
	fclose(f);
	return rc;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The import record and its audit event, inside the import's transaction. */
static int
record(struct run *r, const char *path)
{
	struct audit_event ev = { 0 };
	char action[48], at[CLOCK_TEXT_SIZE];
	json_t *d;
	char *details;
	int rc;

	/* applied_at from the service's clock (docs/store-contract.md, rule 3). */
	if (clock_text(clock_time(), at) != 0 ||
	    store_exec(r->tx, SQL_REGP_IMPORT_INSERT, "ttiit", r->k->name, base_name(path),
	    (int64_t)r->rows, (int64_t)r->rejected, at) != 1)
		return -1;
	d = json_pack("{s:s, s:I, s:I}", "source", base_name(path), "rows",
	    (json_int_t)r->rows, "rejected", (json_int_t)r->rejected);
	details = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	if (details == NULL)
		return -1;
	snprintf(action, sizeof(action), "registry.%s.import", r->k->name);
	ev.actor = "system";
	ev.object = r->k->name;
	ev.action = action;
	ev.details = details;
	ev.source = "cli";
	rc = audit_append(r->tx, &ev);
	free(details);
	return rc;
}

int
reg_import_run(struct store *s, struct arena *a, const char *path,
    const struct reg_import_kind *k, const struct reg_import_opts *opts,
    struct reg_import_result *res, char *err, size_t errlen)
{
	static const struct reg_import_opts none;
	struct run r = { .k = k, .o = opts ? opts : &none, .file = path };
	const char *rejects = "", *tmp = "";
	int rc = -1;

	if (res != NULL) {
		memset(res, 0, sizeof(*res));
		res->rejects = "";
	}
	err[0] = '\0';
	if (r.o->skip_invalid) {
		rejects = r.o->rejects ? arena_strdup(a, r.o->rejects) :
		    arena_printf(a, "%s.rejected.csv", path);
		tmp = rejects != NULL ? arena_printf(a, "%s.tmp", rejects) : NULL;
		if (tmp == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r.rejects = fopen(tmp, "w");
		if (r.rejects == NULL) {
			snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
			return -1;
		}
		for (int i = 0; i < k->ncols; i++) {
			put_field(r.rejects, k->cols[i].name);
			fputc(',', r.rejects);
		}
		fputs("\"Line\",\"Reason\"\n", r.rejects);
	}
	if (store_bulk_begin(s, &r.tx) != 0) {
		snprintf(err, errlen, "cannot start a transaction");
		goto done;
	}
	if (store_exec(r.tx, k->sql_clear, "") < 0) {
		snprintf(err, errlen, "cannot empty the %s table (database not migrated?)",
		    k->name);
		goto done;
	}
	if (read_file(&r, path, err, errlen) != 0)
		goto done;
	if (r.rejected > 0 && !r.o->skip_invalid) {
		snprintf(err, errlen, "%lu invalid row%s%s", r.rejected, r.rejected > 1 ? "s" : "",
		    r.rejected > REG_IMPORT_REPORT_MAX ? " (the first ones are reported)" : "");
		goto done;
	}
	if (record(&r, path) != 0) {
		snprintf(err, errlen, "cannot record the import");
		goto done;
	}
	if (r.rejects != NULL) {
		bool bad = r.write_failed || ferror(r.rejects);

		if (fclose(r.rejects) != 0 || bad) {
			r.rejects = NULL;
			snprintf(err, errlen, "%s: write error", tmp);
			goto done;
		}
		r.rejects = NULL;
		if (r.rejected > 0 && rename(tmp, rejects) != 0) {
			snprintf(err, errlen, "%s: cannot write: %s", rejects, strerror(errno));
			goto done;
		}
	}
	rc = store_commit(&r.tx);
	r.tx = NULL;
	if (rc != 0) {
		snprintf(err, errlen, "cannot commit the import");
		if (r.rejected > 0 && r.o->skip_invalid)
			unlink(rejects);
		goto done;
	}
	if (res != NULL) {
		res->rows = r.rows;
		res->rejected = r.rejected;
		if (r.rejected > 0)
			res->rejects = rejects;
	}
done:
	store_rollback(&r.tx);
	if (r.rejects != NULL)
		fclose(r.rejects);
	if (r.o->skip_invalid)
		unlink(tmp);
	return rc;
}
