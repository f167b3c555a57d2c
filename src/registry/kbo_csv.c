/* kbo_csv.c — reads one KBO Open Data CSV file as a stream: libcsv (strict mode) splits
 * fields, this file counts physical lines, checks the header and normalises each value.
 * Memory is fixed: one record of at most KBO_RECORD_MAX bytes is held at a time. */
#include "registry/kbo_internal.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* libcsv sees at most this much at once, so that a line without end is caught early. */
#define PIECE_MAX (64 * 1024)
#define SHOW_MAX 24

struct kbo_csv {
	struct csv_parser p;
	const char *file;
	const struct kbo_column *cols;
	int ncols;
	kbo_row_fn fn;
	void *ud;

	unsigned long line;       /* physical line being fed, from 1 */
	uint64_t offset;          /* bytes fed so far */
	bool bom_done;            /* past the byte order mark, or sure there is none */
	bool cr_pending;          /* the last byte fed was a CR: a LF next ends no line */
	bool header_ok;
	bool open;                /* a record has begun and not ended */
	size_t rec_bytes;         /* bytes of the open record fed so far */
	int nfield;               /* fields of the open record so far */
	unsigned long rows;
	bool failed;
	char err[512];

	struct kbo_row row;
	size_t used;              /* bytes of buf holding the row's values */
	char buf[KBO_RECORD_MAX + 2 * KBO_MAX_COLS];
};

static void fail(struct kbo_csv *r, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct kbo_csv *r, unsigned long line, const char *fmt, ...)
{
	char reason[400];
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof(r->err), "%s:%lu: %s", r->file, line, reason);
}

/* A value for a message: printable ASCII only, cut short; never a whole field. */
static const char *
show(const char *s, size_t n, char out[SHOW_MAX + 4])
{
	size_t i, k = 0;

	for (i = 0; i < n && k < SHOW_MAX; i++)
		out[k++] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"') ? s[i] : '?';
	if (i < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

static void
header_field(struct kbo_csv *r, const char *s, size_t n)
{
	const char *want = r->cols[r->nfield].name;
	char shown[SHOW_MAX + 4];

	if (strlen(want) != n || memcmp(want, s, n) != 0)
		fail(r, r->row.line, "unexpected column %d \"%s\", expected \"%s\"", r->nfield + 1,
		    show(s, n, shown), want);
}

/* Normalises field s (n bytes, NUL-terminated by libcsv) into the row buffer. */
static void
value_field(struct kbo_csv *r, const char *s, size_t n)
{
	const struct kbo_column *c = &r->cols[r->nfield];
	char *dst = r->buf + r->used, shown[SHOW_MAX + 4];
	int i = r->nfield;
	enum be_reason why;
	size_t out = n;

	r->row.val[i] = NULL;
	r->row.len[i] = 0;
	if (n == 0) {
		if (c->required)
			fail(r, r->row.line, "%s is empty", c->name);
		return;
	}
	if (r->used + n + 1 > sizeof(r->buf)) {
		fail(r, r->row.line, "record longer than %d bytes", KBO_RECORD_MAX);
		return;
	}
	switch (c->kind) {
	case KBO_TEXT:
		if (!utf8_valid(s, n)) {
			fail(r, r->row.line, "%s is not valid UTF-8 text", c->name);
			return;
		}
		memcpy(dst, s, n);
		dst[n] = '\0';
		break;
	case KBO_ENTERPRISE:
	case KBO_ESTABLISHMENT:
	case KBO_ENTITY:
		why = kbo_number(c->kind, s, n, dst);
		if (why != BE_OK) {
			fail(r, r->row.line, "%s \"%s\": %s", c->name, show(s, n, shown),
			    kbo_reason_text(why));
			return;
		}
		out = 10;
		break;
	case KBO_BRANCH:
		if (kbo_branch_id(s, n, dst) != 0) {
			fail(r, r->row.line, "%s \"%s\": not a branch id (10 digits)", c->name,
			    show(s, n, shown));
			return;
		}
		out = 10;
		break;
	case KBO_DATE:
		if (kbo_date_iso(s, n, dst) != 0) {
			fail(r, r->row.line, "%s \"%s\": not a date (dd-mm-yyyy)", c->name,
			    show(s, n, shown));
			return;
		}
		out = 10;
		break;
	}
	r->row.val[i] = dst;
	r->row.len[i] = out;
	r->used += out + 1;
}

static void
begin_record(struct kbo_csv *r)
{
	if (r->open)
		return;
	r->open = true;
	r->rec_bytes = 0;
	r->row.line = r->line;
}

static void
on_field(void *s, size_t n, void *ud)
{
	struct kbo_csv *r = ud;

	if (r->failed)
		return;
	begin_record(r);
	if (r->nfield < r->ncols) {
		if (!r->header_ok)
			header_field(r, s, n);
		else
			value_field(r, s, n);
	}
	r->nfield++;
}

static void
on_row(int term, void *ud)
{
	struct kbo_csv *r = ud;

	(void)term;
	if (r->failed)
		goto reset;
	if (r->nfield != r->ncols) {
		if (!r->header_ok && r->nfield < r->ncols)
			fail(r, r->row.line, "missing column %d \"%s\"", r->nfield + 1,
			    r->cols[r->nfield].name);
		else if (!r->header_ok)
			fail(r, r->row.line, "unexpected column %d after \"%s\"", r->ncols + 1,
			    r->cols[r->ncols - 1].name);
		else
			fail(r, r->row.line, "%d fields, expected %d", r->nfield, r->ncols);
		goto reset;
	}
	if (!r->header_ok) {
		r->header_ok = true;
		goto reset;
	}
	r->row.n = r->ncols;
	r->rows++;
	if (r->fn != NULL && r->fn(r->ud, &r->row) != 0) {
		r->failed = true;
		r->err[0] = '\0';
	}
reset:
	r->open = false;
	r->nfield = 0;
	r->used = 0;
}

static bool
has_content(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			return true;
	return false;
}

/* A space is data here: libcsv would otherwise trim it around unquoted fields. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

struct kbo_csv *
kbo_csv_new(const char *file, const struct kbo_column *cols, int ncols, kbo_row_fn fn,
    void *ud)
{
	struct kbo_csv *r;

	if (ncols < 1 || ncols > KBO_MAX_COLS)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(r);
		return NULL;
	}
	csv_set_space_func(&r->p, no_space);
	csv_set_blk_size(&r->p, 4096);
	r->file = file;
	r->cols = cols;
	r->ncols = ncols;
	r->fn = fn;
	r->ud = ud;
	r->line = 1;
	return r;
}

void
kbo_csv_free(struct kbo_csv *r)
{
	if (r == NULL)
		return;
	csv_free(&r->p);
	free(r);
}

/* Bytes of s up to and including the end of its first line ("\n", "\r\n" or "\r"), or n.
 * A plain loop: lines are short, and memchr's set-up costs more than it saves here. */
static size_t
line_length(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			return i + 1;
		if (s[i] == '\r')
			return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
	}
	return n;
}

/* Skips a UTF-8 byte order mark at the start of the file. Returns bytes to skip, or -1. */
static int
skip_bom(struct kbo_csv *r, const char *data, size_t n)
{
	static const char bom[3] = { '\xef', '\xbb', '\xbf' };
	size_t k = 0;

	while (r->offset + k < 3 && k < n) {
		if (data[k] != bom[r->offset + k]) {
			if (r->offset + k == 0) {
				r->bom_done = true;   /* no byte order mark: the usual case */
				return 0;
			}
			fail(r, 1, "broken byte order mark");
			return -1;
		}
		k++;
	}
	r->bom_done = r->offset + k == 3;
	return (int)k;
}

int
kbo_csv_feed(struct kbo_csv *r, const char *data, size_t n)
{
	if (r->failed)
		return -1;
	if (!r->bom_done) {
		int skip = skip_bom(r, data, n);

		if (skip < 0)
			return -1;
		r->offset += (uint64_t)skip;
		data += skip;
		n -= (size_t)skip;
	}
	/* One physical line (or piece of one) at a time: every callback then knows its line.
	 * A line ends with "\n", "\r\n" or a lone "\r", as libcsv ends records. */
	while (n > 0) {
		size_t lim = n < PIECE_MAX ? n : PIECE_MAX;
		size_t take = line_length(data, lim);
		bool ends_line, crlf_end;
		size_t got;

		ends_line = data[take - 1] == '\n' || data[take - 1] == '\r';
		/* The "\n" of a "\r\n" split between two reads ends no second line. */
		crlf_end = r->cr_pending && take == 1 && data[0] == '\n';
		if (!r->open && has_content(data, take))
			begin_record(r);
		got = csv_parse(&r->p, data, take, on_field, on_row, r);
		if (r->failed)
			return -1;
		if (got < take) {
			if (csv_error(&r->p) == CSV_EPARSE)
				fail(r, r->line, "broken quoting: a quote inside an unquoted field "
				    "or text after a closing quote");
			else
				fail(r, r->line, "%s", csv_strerror(csv_error(&r->p)));
			return -1;
		}
		if (r->open) {
			r->rec_bytes += take;
			if (r->rec_bytes > KBO_RECORD_MAX) {
				fail(r, r->row.line, "record longer than %d bytes (a quote "
				    "left open?)", KBO_RECORD_MAX);
				return -1;
			}
		}
		if (ends_line && !crlf_end)
			r->line++;
		r->cr_pending = data[take - 1] == '\r';
		r->offset += take;
		data += take;
		n -= take;
	}
	return 0;
}

int
kbo_csv_end(struct kbo_csv *r)
{
	if (r->failed)
		return -1;
	if (csv_fini(&r->p, on_field, on_row, r) != 0 && !r->failed)
		fail(r, r->row.line, "quoted field not closed at the end of the file");
	if (!r->failed && !r->header_ok)
		fail(r, 1, "empty file: no header");
	return r->failed ? -1 : 0;
}

bool
kbo_csv_header_ok(const struct kbo_csv *r)
{
	return r->header_ok;
}

const char *
kbo_csv_error(const struct kbo_csv *r)
{
	return r->err;
}

unsigned long
kbo_csv_rows(const struct kbo_csv *r)
{
	return r->rows;
}
