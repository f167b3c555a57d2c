/* export.c — the CSV writer and the exports built on it: a quality's users (guide §4,
 * "Exporter les utilisateurs (.csv)") and an audit trail. Rows go to the sink as the
 * database yields them; nothing holds the whole file but the sink. */
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
	defuse = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t';
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

/* ---- users ---- */

struct users_job {
	struct csv_writer w;
	export_tr tr;
	void *tr_arg;
	bool with_quality;
};

static const char *
status_msgid(const char *status)
{
	return strcmp(status, "suspended") == 0 ? N_("Suspendu") : N_("Actif");
}

static int
user_row(void *arg, const struct user_row *r)
{
	struct users_job *j = arg;
	struct csv_writer *w = &j->w;
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
	csvw_field(w, j->tr(j->tr_arg, status_msgid(r->status)));
	if (j->with_quality)
		csvw_field(w, r->quality_name);
	csvw_field(w, r->title);
	csvw_field(w, r->language);
	csvw_field(w, r->email);
	csvw_field(w, r->local_email);
	csvw_field(w, created);
	csvw_field(w, modified);
	csvw_field(w, r->apps);
	return csvw_row_end(w);
}

static int
record_export(struct store *s, const struct access_who *who, int64_t org, int64_t quality,
    const char *action, int64_t rows)
{
	struct policy_actor actor;
	struct store_tx *tx;
	json_t *j = json_pack("{s:I}", "rows", (json_int_t)rows);
	char *details;
	int rc = -1;

	if (j != NULL && quality > 0 && json_object_set_new(j, "quality",
	    json_integer(quality)) != 0) {
		json_decref(j);
		j = NULL;
	}
	details = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (details != NULL && store_begin(s, STORE_WRITE, &tx) == 0) {
		struct policy_target t = { .quality = quality };

		if (access_allow(tx, who, org, POLICY_READ_AUDIT, &t, &actor, NULL) != ACCESS_ERROR &&
		    access_audit(tx, who, &actor, org, action, NULL, details) == 0)
			rc = store_commit(&tx);
		else
			store_rollback(&tx);
	}
	free(details);
	return rc;
}

enum access_rc
export_users(struct store *s, const struct access_who *who, int64_t org, int64_t quality,
    const struct user_filter *f, char sep, export_tr tr, void *tr_arg, csvw_sink sink,
    void *sink_arg, int64_t *rows, struct access_errors *err)
{
	static const char *const head[] = {
		N_("Nom"), N_("Prénom"), N_("Nom d'utilisateur"), N_("Type"), N_("NISS"),
		N_("Statut"), N_("Qualité"), N_("Titre"), N_("Choix linguistique"),
		N_("Adresse e-mail utilisateur"), N_("Adresse e-mail locale"), N_("Date création"),
		N_("Date modification"), N_("Applications sécurisées"),
	};
	struct users_job j = { .tr = tr, .tr_arg = tr_arg, .with_quality = quality == 0 };
	struct search_plan *p;
	struct store_tx *tx = NULL;
	struct arena *a = arena_new(1 << 20);
	enum access_rc rc;
	int64_t n;

	*rows = 0;
	if (a == NULL)
		return ACCESS_ERROR;
	rc = search_plan(s, &tx, who, org, quality, POLICY_EXPORT_USERS, f, a, &p, err);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	csvw_init(&j.w, sep, sink, sink_arg);
	csvw_bom(&j.w);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		if (i != 6 || j.with_quality)
			csvw_field(&j.w, tr(tr_arg, head[i]));
	csvw_row_end(&j.w);
	n = search_each(tx, p, user_row, &j);
	store_rollback(&tx);
	arena_free(a);
	if (csvw_finish(&j.w) != 0 || n < 0)
		return ACCESS_ERROR;
	*rows = n;
	if (record_export(s, who, org, quality, "users.export", n) != 0)
		return ACCESS_ERROR;
	return ACCESS_OK;
}

/* ---- audit trail ---- */

struct audit_job {
	struct csv_writer w;
};

static int
audit_row(void *arg, const struct audit_row *r)
{
	struct audit_job *j = arg;
	char seq[24];

	snprintf(seq, sizeof(seq), "%" PRId64, r->seq);
	csvw_field(&j->w, seq);
	csvw_field(&j->w, r->at);
	csvw_field(&j->w, r->actor_name ? r->actor_name : r->actor);
	csvw_field(&j->w, r->actor_role);
	csvw_field(&j->w, r->action);
	csvw_field(&j->w, r->object_name ? r->object_name : r->object);
	csvw_field(&j->w, r->details);
	return csvw_row_end(&j->w);
}

enum access_rc
export_audit(struct store *s, const struct access_who *who, int64_t org, int64_t quality,
    const struct audit_filter *f, char sep, export_tr tr, void *tr_arg, csvw_sink sink,
    void *sink_arg, int64_t *rows, struct access_errors *err)
{
	static const char *const head[] = {
		N_("Numéro"), N_("Date"), N_("Acteur"), N_("Rôle"), N_("Action"), N_("Objet"),
		N_("Détails"),
	};
	struct audit_job j;
	enum access_rc rc;

	csvw_init(&j.w, sep, sink, sink_arg);
	csvw_bom(&j.w);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csvw_field(&j.w, tr(tr_arg, head[i]));
	csvw_row_end(&j.w);
	rc = search_audit_each(s, who, org, quality, f, err, audit_row, &j, rows);
	if (csvw_finish(&j.w) != 0 && rc == ACCESS_OK)
		rc = ACCESS_ERROR;
	if (rc == ACCESS_OK && record_export(s, who, org, quality, "audit.export", *rows) != 0)
		rc = ACCESS_ERROR;
	return rc;
}
