/* import.c — "Importer des utilisateurs (CSV)" of a quality: the upload form, the preview
 * of each row's class with counts and pages, the confirmation and its result with the
 * refused rows to download (service: access/import.h; docs/csv-import.md). */
#include "apps/uman/uman.h"

#include <stdio.h>
#include <string.h>

#include "access/import.h"
#include "base/msgid.h"

#define PREVIEW_PER_PAGE 100
/* The arena of a preview or a confirmation: the file, its cells and rows (20,000 rows of
 * a 5 MiB file fit; allocated as used). */
#define IMPORT_PAGE_ARENA ((size_t)256 << 20)

static const char *const class_code[IMPORT__CLASSES] = { "add", "change", "same", "refused" };
static const char *const class_msgid[IMPORT__CLASSES] = {
	N_("À ajouter"), N_("À modifier"), N_("Inchangé"), N_("Refusé"),
};

static const char *
base_path(struct web_req *r, const struct uman_here *here)
{
	return arena_printf(web_arena(r), "/acces/%lld/qualite/%lld/import", (long long)here->org,
	    (long long)here->quality);
}

static struct tmpl_ctx *
import_page(struct web_req *r, const struct actor *who, const struct uman_here *here,
    const char *title, enum access_rc *rc)
{
	struct quality_view q;
	struct tmpl_ctx *c;

	*rc = quality_get(uman_store(r), who, here->org, here->quality, web_arena(r), &q);
	if (*rc != ACCESS_OK)
		return NULL;
	c = uman_page(r, title, here, true);
	if (c == NULL) {
		*rc = ACCESS_ERROR;
		return NULL;
	}
	uman_entity(r, c, &q.org, q.name);
	tmpl_set(c, "base", base_path(r, here));
	return c;
}

static int
upload_form(struct web_req *r, const struct actor *who, const struct uman_here *here,
    int status, const struct access_errors *err)
{
	enum access_rc rc;
	struct tmpl_ctx *c = import_page(r, who, here, N_("Importer des utilisateurs (CSV)"), &rc);

	if (c == NULL)
		return rc == ACCESS_ERROR ? -1 : app_fail(r, rc);
	tmpl_set_int(c, "max_rows", IMPORT_MAX_ROWS);
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/import_upload", c);
}

static int
upload_get(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	/* The form is offered to whom the upload is (a refusal: 403 with its event). */
	rc = import_may(uman_store(r), &who, here.org, here.quality);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return upload_form(r, &who, &here, 200, NULL);
}

static int
upload_post(struct web_req *r)
{
	char id[IMPORT_ID_LEN + 1];
	struct access_errors err;
	struct actor who;
	struct uman_here here;
	const char *filename = NULL, *data;
	enum access_rc rc;
	size_t len = 0;

	if (!uman_enter(r, &who, &here))
		return 0;
	data = web_upload(r, "file", &len, &filename, NULL);
	rc = import_upload(uman_store(r), &who, here.org, here.quality, filename, data, len, id,
	    &err);
	if (rc == ACCESS_INVALID)
		return upload_form(r, &who, &here, 422, &err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, arena_printf(web_arena(r), "%s/%s", base_path(r, &here), id));
}

/* The counts per class, each a link to the rows of that class. */
static void
counts(struct web_req *r, struct tmpl_ctx *c, const struct import_view *v)
{
	for (int k = 0; k < IMPORT__CLASSES; k++) {
		struct tmpl_ctx *o = tmpl_list_add(c, "counts");

		if (o == NULL)
			return;
		tmpl_set(o, "code", class_code[k]);
		tmpl_set(o, "label", web_t(r, class_msgid[k]));
		tmpl_set_int(o, "n", (int64_t)v->counts[k]);
	}
	tmpl_set_int(c, "total", (int64_t)v->nrows);
	tmpl_set_int(c, "n_add", (int64_t)v->counts[IMPORT_ADD]);
	tmpl_set_int(c, "n_change", (int64_t)v->counts[IMPORT_CHANGE]);
	tmpl_set_int(c, "n_same", (int64_t)v->counts[IMPORT_SAME]);
	tmpl_set_int(c, "n_refused", (int64_t)v->counts[IMPORT_REFUSED]);
}

static const char *
class_text(struct web_req *r, const struct import_row *row)
{
	if (row->cls == IMPORT_REFUSED)
		return web_tf(r, N_("Refusé, car {1}"), web_t(r, row->reason), NULL, NULL);
	return web_t(r, class_msgid[row->cls]);
}

/* The preview's counts and its page of rows (of class want, or all) into c. */
static enum access_rc
preview_rows(struct web_req *r, struct tmpl_ctx *c, const struct import_view *v,
    const char *want, const char *page_text)
{
	int cls = -1, page = (int)web_id(page_text), pages;
	size_t shown = 0, matched = 0;

	for (int k = 0; want != NULL && k < IMPORT__CLASSES; k++)
		if (strcmp(want, class_code[k]) == 0)
			cls = k;
	counts(r, c, v);
	tmpl_set(c, "id", v->id);
	tmpl_set(c, "filename", v->filename);
	tmpl_set(c, "classe", cls >= 0 ? class_code[cls] : "");
	for (size_t i = 0; i < v->nrows; i++)
		matched += cls < 0 || (int)v->rows[i].cls == cls;
	pages = matched == 0 ? 1 : (int)((matched + PREVIEW_PER_PAGE - 1) / PREVIEW_PER_PAGE);
	if (page < 1 || page > pages)
		page = 1;
	tmpl_set_int(c, "page", page);
	tmpl_set_int(c, "pages", pages);
	tmpl_set_bool(c, "paged", pages > 1);
	if (page > 1)
		tmpl_set_int(c, "prev", page - 1);
	if (page < pages)
		tmpl_set_int(c, "next", page + 1);
	matched = 0;
	for (size_t i = 0; i < v->nrows && shown < PREVIEW_PER_PAGE; i++) {
		const struct import_row *row = &v->rows[i];
		struct tmpl_ctx *o;

		if (cls >= 0 && (int)row->cls != cls)
			continue;
		if (matched++ < (size_t)(page - 1) * PREVIEW_PER_PAGE)
			continue;
		if ((o = tmpl_list_add(c, "rows")) == NULL)
			return ACCESS_ERROR;
		shown++;
		tmpl_set_int(o, "line", (int64_t)row->line);
		tmpl_set(o, "cls", class_code[row->cls]);
		tmpl_set(o, "class_text", class_text(r, row));
		tmpl_set(o, "niss", strlen(row->niss) == 11 ? uman_niss(r, row->niss) : row->niss);
		tmpl_set(o, "last_name", row->last_name);
		tmpl_set(o, "first_name", row->first_name);
		tmpl_set(o, "username", row->username);
		tmpl_set(o, "type", row->type);
		tmpl_set(o, "apps", row->apps);
	}
	tmpl_set_bool(c, "may_apply", v->counts[IMPORT_ADD] + v->counts[IMPORT_CHANGE] > 0);
	return ACCESS_OK;
}

static int
preview_get(struct web_req *r)
{
	struct import_view v;
	struct actor who;
	struct uman_here here;
	struct tmpl_ctx *c;
	enum access_rc rc;
	const char *want = web_query(r, "classe");
	struct arena *ia;

	if (!uman_enter(r, &who, &here))
		return 0;
	/* The file and its rows: an arena of this page's own, freed once rendered. */
	if ((ia = arena_new(IMPORT_PAGE_ARENA)) == NULL)
		return -1;
	rc = import_preview(uman_store(r), &who, here.org, here.quality, web_param(r, "id"), ia,
	    &v);
	if (rc == ACCESS_CONFLICT) {
		arena_free(ia);
		return web_redirect(r, arena_printf(web_arena(r), "%s/%s/resultat",
		    base_path(r, &here), v.id));
	}
	if (rc != ACCESS_OK) {
		arena_free(ia);
		return app_fail(r, rc);
	}
	c = import_page(r, &who, &here, N_("Aperçu"), &rc);
	if (c == NULL) {
		arena_free(ia);
		return rc == ACCESS_ERROR ? -1 : app_fail(r, rc);
	}
	rc = preview_rows(r, c, &v, want, web_query(r, "page"));
	arena_free(ia);
	return rc == ACCESS_OK ? web_render(r, "uman/import_preview", c) : -1;
}


static const char *
tr(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

static int
result_page(struct web_req *r, const struct actor *who, const struct uman_here *here,
    int status, const struct import_view *v, bool already)
{
	enum access_rc rc;
	struct tmpl_ctx *c = import_page(r, who, here, N_("Résultat de l'import"), &rc);

	if (c == NULL)
		return rc == ACCESS_ERROR ? -1 : app_fail(r, rc);
	tmpl_set(c, "id", v->id);
	tmpl_set_bool(c, "already", already);
	tmpl_set_bool(c, "has_counts", !already);
	if (!already)
		counts(r, c, v);
	return web_render_status(r, status, "uman/import_result", c);
}

static int
confirm_post(struct web_req *r)
{
	struct import_view v;
	struct actor who;
	struct uman_here here;
	struct arena *ia;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	if ((ia = arena_new(IMPORT_PAGE_ARENA)) == NULL)
		return -1;
	rc = import_apply(uman_store(r), &who, here.org, here.quality, web_param(r, "id"), tr, r,
	    ia, &v);
	arena_free(ia);       /* the counts are all the result page shows */
	if (rc == ACCESS_CONFLICT) {
		snprintf(v.id, sizeof(v.id), "%s", web_param(r, "id"));
		return result_page(r, &who, &here, 409, &v, true);
	}
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return result_page(r, &who, &here, 200, &v, false);
}

/* The refused rows of the import named by the address's id, read for the manager who
 * entered: 1 with *csv, 0 when the answer is sent already (not entered, or refused). */
static int
refused_enter(struct web_req *r, struct actor *who, struct uman_here *here, const char **csv,
    size_t *len)
{
	enum access_rc rc;

	if (!uman_enter(r, who, here))
		return 0;
	rc = import_refused_csv(uman_store(r), who, here->org, here->quality,
	    web_param(r, "id"), web_arena(r), csv, len);
	if (rc != ACCESS_OK)
		return app_fail(r, rc) < 0 ? -1 : 0;
	return 1;
}

/* After the confirmation (a preview's address used again): the download stays. */
static int
result_get(struct web_req *r)
{
	struct import_view v = { 0 };
	struct actor who;
	struct uman_here here;
	const char *csv;
	size_t len;
	int in = refused_enter(r, &who, &here, &csv, &len);

	if (in <= 0)
		return in;
	snprintf(v.id, sizeof(v.id), "%s", web_param(r, "id"));
	return result_page(r, &who, &here, 200, &v, true);
}

static int
refused_get(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	const char *csv;
	size_t len;
	int in = refused_enter(r, &who, &here, &csv, &len);

	if (in <= 0)
		return in;
	if (web_send(r, 200, "text/csv; charset=utf-8", csv, len) != 0)
		return -1;
	return web_add_header(r, "Content-Disposition", arena_printf(web_arena(r),
	    "attachment; filename=\"lignes-refusees-%lld-%lld.csv\"", (long long)here.org,
	    (long long)here.quality));
}

int
uman_import_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/qualite/:q/import", upload_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/import", upload_post, WEB_UPLOAD) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/import/:id", preview_get, 0) != 0 ||
	    web_route(s, "POST", "/acces/:org/qualite/:q/import/:id/confirmer", confirm_post,
	    0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/import/:id/resultat", result_get, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/import/:id/refuses.csv", refused_get,
	    0) != 0)
		return -1;
	return 0;
}
