/* export.c — the CSV writer and the exports built on it: a quality's users (guide §4,
 * "Exporter les utilisateurs (.csv)") and an audit trail. An export is a stream read
 * piece by piece (a streamed HTTP response): rows are read from the database and written
 * as the reader asks for bytes; nothing holds the whole file. */
#include "access/export.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/sql.h"
#include "base/msgid.h"
#include "be/be.h"

void
csvw_init(struct csv_writer *w, char sep, csvw_sink sink, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->sep = sep == ',' ? ',' : ';';
	w->sink = sink;
	w->arg = arg;
	buf_init(&w->pending, 2 * CSVW_CHUNK + 4 * 65536);
}

static int
flush(struct csv_writer *w)
{
	if (w->failed)
		return -1;
	if (w->pending.len > 0 && w->sink(w->arg, w->pending.data, w->pending.len) != 0)
		w->failed = true;
	buf_reset(&w->pending);
	return w->failed ? -1 : 0;
}

static int
put(struct csv_writer *w, const char *s, size_t n)
{
	if (w->failed)
		return -1;
	if (buf_add(&w->pending, s, n) != 0) {
		/* A single huge cell: pass what is pending, then the cell itself. */
		if (flush(w) != 0 || w->sink(w->arg, s, n) != 0) {
			w->failed = true;
			return -1;
		}
		return 0;
	}
	return w->pending.len >= CSVW_CHUNK ? flush(w) : 0;
}

int
csvw_bom(struct csv_writer *w)
{
	return put(w, "\xEF\xBB\xBF", 3);
}

int
csvw_field(struct csv_writer *w, const char *s)
{
	bool quote = false, defuse;
	const char *p;

	if (s == NULL)
		s = "";
	if (w->in_row && put(w, &w->sep, 1) != 0)
		return -1;
	w->in_row = true;
	for (p = s; *p != '\0'; p++)
		if (*p == w->sep || *p == '"' || *p == '\r' || *p == '\n')
			quote = true;
	defuse = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	    s[0] == '\r';
	if (!quote && !defuse)
		return put(w, s, strlen(s));
	if (quote && put(w, "\"", 1) != 0)
		return -1;
	if (defuse && put(w, "'", 1) != 0)
		return -1;
	for (p = s; *p != '\0';) {
		const char *q = strchr(p, '"');
		size_t n = q ? (size_t)(q - p) + 1 : strlen(p);

		if (put(w, p, n) != 0)
			return -1;
		if (q != NULL && put(w, "\"", 1) != 0)
			return -1;
		p += n;
	}
	return quote ? put(w, "\"", 1) : 0;
}

int
csvw_row_end(struct csv_writer *w)
{
	w->in_row = false;
	return put(w, "\r\n", 2);
}

int
csvw_finish(struct csv_writer *w)
{
	int rc = flush(w);

	buf_free(&w->pending);
	return rc == 0 && !w->failed ? 0 : -1;
}

/* ---- streams ---- */

enum export_kind { EXPORT_USERS, EXPORT_AUDIT };

struct export_stream {
	enum export_kind kind;
	struct store *s;
	/* The one acting, copied (its texts in a): the stream outlives the request that
	 * opened it. */
	struct actor who;
	int64_t org, quality;
	struct arena *a;             /* the plan, the query's bounds, who's texts */
	struct store_tx *tx;         /* the read transaction, held until the last row */
	struct store_q *q;
	struct search_plan *plan;    /* users */
	const char *active, *suspended;   /* statuses in the reader's language */
	bool with_quality;
	struct csv_writer w;
	struct buf out;              /* bytes written by the writer, not yet read */
	size_t off;                  /* of them, already read */
	int64_t rows;
	bool started;                /* handed to the caller */
	bool sent;                   /* bytes were read: a cut export is on record */
	bool done;                   /* every row written and the export recorded */
	bool failed;
};


/* Above this many bytes pending, a read returns what it has (the writer's chunk, one row). */
#define EXPORT_OUT_MAX (4 * CSVW_CHUNK + (1 << 20))

static int
to_out(void *arg, const char *data, size_t len)
{
	struct export_stream *x = arg;

	return buf_add(&x->out, data, len);
}

static const char *
status_msgid(const char *status)
{
	return strcmp(status, "suspended") == 0 ? N_("Suspendu") : N_("Actif");
}

static int
user_row(struct export_stream *x, const struct user_row *r)
{
	struct csv_writer *w = &x->w;
	char niss[16] = "", created[11] = "", modified[11] = "";

	if (strlen(r->niss) == 11)
		be_niss_format(r->niss, niss);
	snprintf(created, sizeof(created), "%.10s", r->created_at);
	snprintf(modified, sizeof(modified), "%.10s", r->modified_at);
	csvw_field(w, r->last_name);
	csvw_field(w, r->first_name);
	csvw_field(w, r->username);
	csvw_field(w, r->type);
	csvw_field(w, niss);
	csvw_field(w, strcmp(r->status, "suspended") == 0 ? x->suspended : x->active);
	if (x->with_quality)
		csvw_field(w, r->quality_name);
	for (size_t i = 0; i < account_nfields; i++)
		csvw_field(w, account_data_get(&r->data, i));
	csvw_field(w, created);
	csvw_field(w, modified);
	csvw_field(w, r->apps);
	return csvw_row_end(w);
}

static int
audit_row(struct csv_writer *w, const struct audit_row *r)
{
	char seq[24];

	snprintf(seq, sizeof(seq), "%" PRId64, r->seq);
	csvw_field(w, seq);
	csvw_field(w, r->at);
	csvw_field(w, r->actor_name ? r->actor_name : r->actor);
	csvw_field(w, r->actor_role);
	csvw_field(w, r->action);
	csvw_field(w, r->object_name ? r->object_name : r->object);
	csvw_field(w, r->details);
	return csvw_row_end(w);
}

/* Records the export in the audit trail: rows written, and incomplete when the file was
 * cut short (the reader left, or an error); the bytes written did leave the server. */
static int
record_export(const struct export_stream *x, bool complete)
{
	struct policy_actor actor;
	struct store_tx *tx;
	json_t *j = json_pack("{s:I}", "rows", (json_int_t)x->rows);
	char *details;
	int rc = -1;

	if (j != NULL && x->quality > 0 && json_object_set_new(j, "quality",
	    json_integer(x->quality)) != 0) {
		json_decref(j);
		j = NULL;
	}
	if (j != NULL && !complete && json_object_set_new(j, "incomplete", json_true()) != 0) {
		json_decref(j);
		j = NULL;
	}
	details = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (details != NULL && store_begin(x->s, STORE_WRITE, &tx) == 0) {
		struct policy_target t = { .quality = x->quality };

		if (access_allow(tx, &x->who, x->org, POLICY_READ_AUDIT, &t, &actor, NULL) !=
		    ACCESS_ERROR && access_audit(tx, &x->who, &actor, x->org,
		    x->kind == EXPORT_USERS ? "users.export" : "audit.export", NULL, details) == 0)
			rc = store_commit(&tx);
		else
			store_rollback(&tx);
	}
	free(details);
	return rc;
}

/* Ends the read transaction (before the audit record takes a connection of its own). */
static void
end_reading(struct export_stream *x)
{
	store_done(x->q);
	x->q = NULL;
	store_rollback(&x->tx);
	x->tx = NULL;
}

/* A stream with a reserved place; NULL with *busy set when there is none. */
static struct export_stream *
stream_new(enum export_kind kind, struct store *s, const struct actor *who, int64_t org,
    int64_t quality, bool *busy)
{
	struct export_stream *x;

	/* Streams under way hold a pooled connection each: the store's places for that. */
	*busy = !store_long_take(s);
	if (*busy)
		return NULL;
	x = calloc(1, sizeof(*x));
	if (x != NULL)
		x->a = arena_new(1 << 20);
	if (x == NULL || x->a == NULL) {
		free(x);
		store_long_put(s);
		return NULL;
	}
	x->kind = kind;
	x->s = s;
	x->org = org;
	x->quality = quality;
	x->who = *who;
	x->who.lang = arena_strdup(x->a, who->lang ? who->lang : "fr");
	x->who.source = arena_strdup(x->a, who->source);
	x->who.request_id = arena_strdup(x->a, who->request_id);
	if (x->who.lang == NULL || (who->source != NULL && x->who.source == NULL) ||
	    (who->request_id != NULL && x->who.request_id == NULL)) {
		arena_free(x->a);
		free(x);
		store_long_put(s);
		return NULL;
	}
	buf_init(&x->out, EXPORT_OUT_MAX);
	return x;
}

/* The writer and the header row, in the reader's language. */
static void
stream_head(struct export_stream *x, char sep, export_tr tr, void *tr_arg,
    const char *const *head, size_t n, size_t skip)
{
	csvw_init(&x->w, sep, to_out, x);
	csvw_bom(&x->w);
	for (size_t i = 0; i < n; i++)
		if (i != skip)
			csvw_field(&x->w, tr(tr_arg, head[i]));
	csvw_row_end(&x->w);
}

enum access_rc
export_users_open(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_filter *f, char sep, export_tr tr, void *tr_arg,
    struct export_stream **out, struct access_errors *err)
{
	static const char *const first[] = {
		N_("Nom"), N_("Prénom"), N_("Nom d'utilisateur"), N_("Type"), N_("NISS"),
		N_("Statut"), N_("Qualité"),
	}, *const last[] = {
		N_("Date création"), N_("Date modification"), N_("Applications sécurisées"),
	};
	const size_t nfirst = sizeof(first) / sizeof(first[0]);
	const char **head;
	size_t n = 0;
	bool busy;
	struct export_stream *x = stream_new(EXPORT_USERS, s, who, org, quality, &busy);
	enum access_rc rc;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (x == NULL)
		return busy ? ACCESS_BUSY : ACCESS_ERROR;
	x->with_quality = quality == 0;
	rc = search_plan(s, STORE_READ_LONG, &x->tx, &x->who, org, quality, POLICY_EXPORT_USERS,
	    f, x->a, &x->plan, err);
	if (rc != ACCESS_OK) {
		x->tx = NULL;
		export_close(x);
		return rc;
	}
	if (search_rows_open(x->tx, x->plan, &x->q) != 0) {
		export_close(x);
		return ACCESS_ERROR;
	}
	/* The account data's columns (the table's) between the quality and the dates. */
	head = arena_alloc(x->a, (nfirst + account_nfields + 3) * sizeof(*head));
	if (head == NULL) {
		export_close(x);
		return ACCESS_ERROR;
	}
	for (size_t i = 0; i < nfirst; i++)
		head[n++] = first[i];
	for (size_t i = 0; i < account_nfields; i++)
		head[n++] = account_fields[i].column;
	for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++)
		head[n++] = last[i];
	x->active = tr(tr_arg, status_msgid("active"));
	x->suspended = tr(tr_arg, status_msgid("suspended"));
	stream_head(x, sep, tr, tr_arg, head, n, x->with_quality ? (size_t)-1 : nfirst - 1);
	x->started = true;
	*out = x;
	return ACCESS_OK;
}

enum access_rc
export_audit_open(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, char sep, export_tr tr, void *tr_arg,
    struct export_stream **out, struct access_errors *err)
{
	static const char *const head[] = {
		N_("Numéro"), N_("Date"), N_("Acteur"), N_("Rôle"), N_("Action"), N_("Objet"),
		N_("Détails"),
	};
	bool busy;
	struct export_stream *x = stream_new(EXPORT_AUDIT, s, who, org, quality, &busy);
	enum access_rc rc;

	*out = NULL;
	if (x == NULL) {
		memset(err, 0, sizeof(*err));
		return busy ? ACCESS_BUSY : ACCESS_ERROR;
	}
	rc = search_audit_open(s, &x->who, org, quality, f, x->a, &x->tx, &x->q, err);
	if (rc != ACCESS_OK) {
		x->tx = NULL;
		x->q = NULL;
		export_close(x);
		return rc;
	}
	stream_head(x, sep, tr, tr_arg, head, sizeof(head) / sizeof(head[0]), (size_t)-1);
	x->started = true;
	*out = x;
	return ACCESS_OK;
}

/* Writes the next row: 1, 0 after the last one (the file finished and recorded), -1. */
static int
stream_step(struct export_stream *x)
{
	int r;

	if (x->kind == EXPORT_USERS) {
		struct user_row row;

		r = search_rows_next(x->q, x->plan, &row);
		if (r == 1 && user_row(x, &row) != 0)
			r = -1;
	} else {
		struct arena *ra = arena_new(1 << 16);
		struct audit_row row;

		r = ra ? search_audit_next(x->q, ra, &row) : -1;
		if (r == 1 && audit_row(&x->w, &row) != 0)
			r = -1;
		arena_free(ra);
	}
	if (r == 1) {
		x->rows++;
		return 1;
	}
	end_reading(x);
	if (r < 0 || csvw_finish(&x->w) != 0)
		return -1;
	x->done = true;
	return record_export(x, true) == 0 ? 0 : -1;
}

long
export_read(struct export_stream *x, char *dst, size_t max)
{
	size_t n;

	if (x->failed)
		return -1;
	/* What was read goes; the rest moves to the front, so out stays bounded. */
	if (x->off > 0) {
		memmove(x->out.data, x->out.data + x->off, x->out.len - x->off);
		x->out.len -= x->off;
		x->off = 0;
	}
	while (!x->done && x->out.len < max) {
		if (stream_step(x) < 0) {
			x->failed = true;
			return -1;
		}
	}
	n = x->out.len < max ? x->out.len : max;
	memcpy(dst, x->out.data, n);
	x->off = n;
	x->sent = x->sent || n > 0;
	return (long)n;
}

int64_t
export_rows(const struct export_stream *x)
{
	return x->rows;
}

void
export_close(struct export_stream *x)
{
	if (x == NULL)
		return;
	if (x->tx != NULL) {
		/* Cut short: a reader gone mid-file. The rows sent are on record; nothing left
		 * the server when nothing was read (a HEAD request, a client gone at once). */
		end_reading(x);
		csvw_finish(&x->w);
		if (x->started && x->sent)
			record_export(x, false);
	}
	buf_free(&x->out);
	arena_free(x->a);
	store_long_put(x->s);
	free(x);
}

/* ---- the whole file to a sink (the service's callers, benchmarks) ---- */

static enum access_rc
export_drain(struct export_stream *x, csvw_sink sink, void *sink_arg, int64_t *rows)
{
	char chunk[CSVW_CHUNK];
	enum access_rc rc = ACCESS_OK;
	long n;

	while ((n = export_read(x, chunk, sizeof(chunk))) > 0)
		if (sink(sink_arg, chunk, (size_t)n) != 0) {
			rc = ACCESS_ERROR;
			break;
		}
	if (n < 0)
		rc = ACCESS_ERROR;
	*rows = x->rows;
	export_close(x);
	return rc;
}

enum access_rc
export_users(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct user_filter *f, char sep, export_tr tr, void *tr_arg, csvw_sink sink,
    void *sink_arg, int64_t *rows, struct access_errors *err)
{
	struct export_stream *x;
	enum access_rc rc;

	*rows = 0;
	rc = export_users_open(s, who, org, quality, f, sep, tr, tr_arg, &x, err);
	return rc == ACCESS_OK ? export_drain(x, sink, sink_arg, rows) : rc;
}

enum access_rc
export_audit(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const struct audit_filter *f, char sep, export_tr tr, void *tr_arg, csvw_sink sink,
    void *sink_arg, int64_t *rows, struct access_errors *err)
{
	struct export_stream *x;
	enum access_rc rc;

	*rows = 0;
	rc = export_audit_open(s, who, org, quality, f, sep, tr, tr_arg, &x, err);
	return rc == ACCESS_OK ? export_drain(x, sink, sink_arg, rows) : rc;
}
