/* kbo_plan.c — settles what an extract is before anything is written: its number, type
 * and dates (meta.csv first, then its name), the files to apply in order, and that each
 * of them has the official header, so that a bad header is refused before a long load. */
#include "registry/kbo_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"

#define HEADER_READ (64 * 1024)
#define META_MAX_BYTES (64 * 1024)
#define NUMBER_MAX 999999L

struct meta_sink {
	struct kbo_plan *p;
	char err[256];
};

static int
meta_row(void *ud, const struct kbo_row *row)
{
	struct meta_sink *m = ud;
	struct kbo_meta_row *r;

	if (m->p->nmeta == KBO_META_MAX) {
		snprintf(m->err, sizeof(m->err), "meta.csv:%lu: more than %d variables", row->line,
		    KBO_META_MAX);
		return -1;
	}
	if (row->len[0] > KBO_META_VARIABLE_MAX || row->len[1] > KBO_META_VALUE_MAX) {
		snprintf(m->err, sizeof(m->err), "meta.csv:%lu: variable or value too long",
		    row->line);
		return -1;
	}
	r = &m->p->meta[m->p->nmeta++];
	r->has_value = row->val[1] != NULL;
	r->variable = arena_strndup(m->p->arena, row->val[0], row->len[0]);
	r->value = r->has_value ? arena_strndup(m->p->arena, row->val[1], row->len[1]) : "";
	if (r->variable == NULL || r->value == NULL) {
		snprintf(m->err, sizeof(m->err), "out of memory");
		return -1;
	}
	return 0;
}

/* Reads all of meta.csv into p->meta. */
static int
read_meta(struct kbo_source *src, struct kbo_plan *p, char *err, size_t errlen)
{
	const struct kbo_table *t = &kbo_tables[KBO_META];
	struct meta_sink sink = { .p = p };
	struct kbo_member *m = NULL;
	struct kbo_csv *r = NULL;
	char buf[4096];
	long got, total = 0;
	int rc = -1;

	if (kbo_source_size(src, "meta.csv") < 0) {
		snprintf(err, errlen, "meta.csv: missing from %s", kbo_source_name(src));
		return -1;
	}
	if (kbo_member_open(src, "meta.csv", &m, err, errlen) != 0)
		return -1;
	r = kbo_csv_new("meta.csv", t->cols, t->ncols, meta_row, &sink);
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	while ((got = kbo_member_read(m, buf, sizeof(buf), err, errlen)) > 0) {
		total += got;
		if (total > META_MAX_BYTES) {
			snprintf(err, errlen, "meta.csv: larger than %d bytes", META_MAX_BYTES);
			goto done;
		}
		if (kbo_csv_feed(r, buf, (size_t)got) != 0)
			break;
	}
	if (got < 0)
		goto done;
	if ((got > 0 || kbo_csv_end(r) != 0)) {
		snprintf(err, errlen, "%s", sink.err[0] ? sink.err : kbo_csv_error(r));
		goto done;
	}
	rc = 0;
done:
	kbo_csv_free(r);
	kbo_member_close(m);
	return rc;
}

static struct kbo_meta_row *
meta_get(struct kbo_plan *p, const char *variable)
{
	for (int i = 0; i < p->nmeta; i++)
		if (strcmp(p->meta[i].variable, variable) == 0 && p->meta[i].has_value)
			return &p->meta[i];
	return NULL;
}

static long
parse_number(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > NUMBER_MAX)
		return -1;
	return v;
}

long
kbo_name_number(const char *name)
{
	/* The first group of exactly four digits between '_' or '-' on both sides. */
	for (const char *s = name; *s != '\0'; s++) {
		size_t n = 0;
		char d[5];

		if (*s != '_' && *s != '-')
			continue;
		while (n < 5 && s[1 + n] >= '0' && s[1 + n] <= '9')
			n++;
		if (n == 4 && (s[5] == '_' || s[5] == '-')) {
			memcpy(d, s + 1, 4);
			d[4] = '\0';
			return parse_number(d);
		}
	}
	return 0;
}

/* Reads the variables the import uses; dates become ISO, in p->meta too. */
static int
settle_meta(struct kbo_plan *p, int *type, char *err, size_t errlen)
{
	struct kbo_meta_row *v;
	char iso[20];

	*type = -1;
	v = meta_get(p, "SnapshotDate");
	if (v != NULL) {
		if (kbo_date_iso(v->value, strlen(v->value), iso) != 0) {
			snprintf(err, errlen, "meta.csv: SnapshotDate \"%.16s\" is not a date "
			    "(dd-mm-yyyy)", v->value);
			return -1;
		}
		p->snapshot = v->value = arena_strdup(p->arena, iso);
	}
	v = meta_get(p, "ExtractTimestamp");
	if (v != NULL) {
		if (kbo_timestamp_iso(v->value, strlen(v->value), iso) != 0) {
			snprintf(err, errlen, "meta.csv: ExtractTimestamp \"%.24s\" is not "
			    "dd-mm-yyyy hh:mm:ss", v->value);
			return -1;
		}
		p->timestamp = v->value = arena_strdup(p->arena, iso);
	}
	if (p->snapshot == NULL || p->timestamp == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	v = meta_get(p, "Version");
	if (v != NULL)
		p->version = v->value;
	v = meta_get(p, "ExtractType");
	if (v != NULL) {
		if (strcasecmp(v->value, "full") == 0) {
			*type = 1;
		} else if (strcasecmp(v->value, "update") == 0) {
			*type = 0;
		} else {
			snprintf(err, errlen, "meta.csv: ExtractType \"%.16s\" is neither full nor "
			    "update", v->value);
			return -1;
		}
	}
	v = meta_get(p, "ExtractNumber");
	if (v != NULL) {
		p->number = parse_number(v->value);
		if (p->number < 0) {
			snprintf(err, errlen, "meta.csv: ExtractNumber \"%.16s\" is not a number "
			    "from 1 to %ld", v->value, NUMBER_MAX);
			return -1;
		}
	}
	return 0;
}

static int
settle_number(struct kbo_plan *p, const char *name, long hint, char *err, size_t errlen)
{
	if (p->number > 0) {
		if (hint > 0 && hint != p->number) {
			snprintf(err, errlen, "--extract-number %ld contradicts meta.csv "
			    "(ExtractNumber %ld)", hint, p->number);
			return -1;
		}
		return 0;
	}
	p->number = hint > 0 ? hint : kbo_name_number(name);
	if (p->number <= 0) {
		snprintf(err, errlen, "%s: no extract number in meta.csv nor in the name "
		    "(like _0147_ or -0147-); give it with --extract-number N", name);
		return -1;
	}
	return 0;
}

static int
settle_type(struct kbo_source *src, struct kbo_plan *p, int type, char *err, size_t errlen)
{
	const char *name = kbo_source_name(src);
	bool has_full = kbo_source_size(src, "enterprise.csv") >= 0;
	bool has_update = kbo_source_size(src, "enterprise_insert.csv") >= 0;

	if (type < 0 && strcasestr(name, "full") != NULL)
		type = 1;
	else if (type < 0 && strcasestr(name, "update") != NULL)
		type = 0;
	if (type < 0 && has_full != has_update)
		type = has_full ? 1 : 0;
	if (type < 0) {
		snprintf(err, errlen, "%s: cannot tell a full extract (enterprise.csv) from an "
		    "update (enterprise_insert.csv)", name);
		return -1;
	}
	p->full = type == 1;
	if (p->full ? !has_full : !has_update) {
		snprintf(err, errlen, "%s: a%s extract without %s", name, p->full ? " full" :
		    "n update", p->full ? "enterprise.csv" : "enterprise_insert.csv");
		return -1;
	}
	return 0;
}

static int
add_job(struct kbo_source *src, struct kbo_plan *p, const struct kbo_table *t,
    enum kbo_job_kind kind, const char *suffix, char *err, size_t errlen)
{
	struct kbo_job *j = &p->jobs[p->njobs];
	int64_t size;

	j->t = t;
	j->kind = kind;
	j->file = arena_printf(p->arena, "%s%s.csv", t->name, suffix);
	if (j->file == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	j->cols = kind == KBO_JOB_DELETE ? t->key : t->cols;
	j->ncols = kind == KBO_JOB_DELETE ? 1 : t->ncols;
	size = kbo_source_size(src, j->file);
	if (size < 0) {
		snprintf(err, errlen, "%s: missing from %s", j->file, kbo_source_name(src));
		return -1;
	}
	j->size = (uint64_t)size;
	p->total_bytes += j->size;
	p->njobs++;
	return 0;
}

static int
list_jobs(struct kbo_source *src, struct kbo_plan *p, char *err, size_t errlen)
{
	for (int i = KBO_CODE; i < KBO_NTABLES; i++) {
		const struct kbo_table *t = &kbo_tables[i];

		if (p->full || t->key == NULL) {
			if (add_job(src, p, t, KBO_JOB_INSERT, "", err, errlen) != 0)
				return -1;
			continue;
		}
		if (add_job(src, p, t, KBO_JOB_DELETE, "_delete", err, errlen) != 0 ||
		    add_job(src, p, t, KBO_JOB_INSERT, "_insert", err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Reads the first line of a job's file and checks it against the layout. */
static int
check_header(struct kbo_source *src, const struct kbo_job *j, char *err, size_t errlen)
{
	struct kbo_member *m = NULL;
	struct kbo_csv *r = NULL;
	char *buf = NULL;
	size_t have = 0;
	long got = 1;
	const char *nl = NULL;
	int rc = -1;

	if (kbo_member_open(src, j->file, &m, err, errlen) != 0)
		return -1;
	buf = malloc(HEADER_READ);
	r = kbo_csv_new(j->file, j->cols, j->ncols, NULL, NULL);
	if (buf == NULL || r == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	while (nl == NULL && have < HEADER_READ) {
		got = kbo_member_read(m, buf + have, HEADER_READ - have, err, errlen);
		if (got <= 0)
			break;
		nl = memchr(buf + have, '\n', (size_t)got);
		have += (size_t)got;
	}
	if (got < 0)
		goto done;
	if (kbo_csv_feed(r, buf, nl ? (size_t)(nl - buf) + 1 : have) != 0 ||
	    (!kbo_csv_header_ok(r) && kbo_csv_end(r) != 0)) {
		snprintf(err, errlen, "%s", kbo_csv_error(r));
		goto done;
	}
	if (!kbo_csv_header_ok(r)) {
		snprintf(err, errlen, "%s:1: header longer than %d bytes", j->file, HEADER_READ);
		goto done;
	}
	rc = 0;
done:
	free(buf);
	kbo_csv_free(r);
	kbo_member_close(m);
	return rc;
}

int
kbo_plan_make(struct kbo_source *src, struct arena *a, long number_hint, struct kbo_plan *p,
    char *err, size_t errlen)
{
	int type;

	memset(p, 0, sizeof(*p));
	p->arena = a;
	p->snapshot = p->timestamp = p->version = "";
	if (read_meta(src, p, err, errlen) != 0 || settle_meta(p, &type, err, errlen) != 0 ||
	    settle_number(p, kbo_source_name(src), number_hint, err, errlen) != 0 ||
	    settle_type(src, p, type, err, errlen) != 0 || list_jobs(src, p, err, errlen) != 0)
		return -1;
	for (int i = 0; i < p->njobs; i++)
		if (check_header(src, &p->jobs[i], err, errlen) != 0)
			return -1;
	return 0;
}
