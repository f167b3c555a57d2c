/* page.c — responses: pages rendered in the layout, localised error pages, redirects,
 * raw bodies, headers and cookies, and the security headers every response carries. */
#include "web/internal.h"

#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/pct.h"

static const char *const lang_labels[4] = { "NL", "FR", "DE", "EN" };
static const char *const lang_names[4] = {
	"Nederlands", "Français", "Deutsch", "English",
};

static bool
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

int
web_add_header(struct web_req *r, const char *name, const char *value)
{
	if (r->nheaders == WEB_MAX_HEADERS || name == NULL || value == NULL ||
	    !header_safe(name) || !header_safe(value))
		return -1;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
	return 0;
}

int
web_set_cookie(struct web_req *r, const char *name, const char *value, long max_age)
{
	char age[48] = "";
	const char *c;

	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	c = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value, age,
	    r->tls ? "; Secure" : "");
	return c ? web_add_header(r, "Set-Cookie", c) : -1;
}

int
web_send(struct web_req *r, int status, const char *ctype, const void *body, size_t len)
{
	buf_reset(&r->out);
	if (buf_add(&r->out, body, len) != 0)
		return -1;
	r->status = status;
	r->ctype = ctype;
	r->responded = true;
	return 0;
}

char *
web_url_encode(struct arena *a, const char *s)
{
	return pct_encode(a, s, "/");
}

struct tmpl_ctx *
web_page(struct web_req *r, const char *title_msgid)
{
	struct tmpl_ctx *c = tmpl_ctx_new(r->arena);
	struct web_session *s;
	const char *here;

	if (c == NULL)
		return NULL;
	tmpl_set(c, "lang", r->lang);
	tmpl_set(c, "title", web_t(r, title_msgid ? title_msgid : "Bienvenue sur portier"));
	tmpl_set(c, "rid", r->rid);
	tmpl_set(c, "version", r->srv->cfg.version ? r->srv->cfg.version : "");
	here = r->raw_query && r->raw_query[0] ? arena_printf(r->arena, "%s?%s", r->path,
	    r->raw_query) : r->path;
	for (int i = 0; i < 4; i++) {
		struct tmpl_ctx *l = tmpl_list_add(c, "langs");

		if (l == NULL)
			return NULL;
		tmpl_set(l, "code", i18n_langs[i]);
		tmpl_set(l, "label", lang_labels[i]);
		tmpl_set(l, "name", lang_names[i]);
		tmpl_set_bool(l, "current", strcmp(i18n_langs[i], r->lang) == 0);
		tmpl_setf(l, "href", "/lang/%s?next=%s", i18n_langs[i],
		    web_url_encode(r->arena, here ? here : "/"));
	}
	/* A page holding a form calls web_session_ensure() first: anonymous visitors of
	 * plain pages get no session row. */
	s = web_session(r);
	tmpl_set(c, "csrf", s ? s->csrf : "");
	tmpl_set_bool(c, "logged_in", s && s->person_id != 0);
	if (r->srv->page_hook)
		r->srv->page_hook(r, c);
	return c;
}

static const char *
translate_cb(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

int
web_render_status(struct web_req *r, int status, const char *name, struct tmpl_ctx *ctx)
{
	struct buf page;
	int rc = -1;

	buf_init(&page, 8 << 20);
	if (tmpl_render(r->srv->tmpl, name, ctx, translate_cb, r, &page) != 0) {
		log_err(r->rid, "cannot render template %s", name);
		goto done;
	}
	if (tmpl_set_html(ctx, "content_html", page.data ? page.data : "") != 0)
		goto done;
	buf_reset(&r->out);
	if (tmpl_render(r->srv->tmpl, "layout", ctx, translate_cb, r, &r->out) != 0) {
		log_err(r->rid, "cannot render the layout for %s", name);
		goto done;
	}
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	r->responded = true;
	rc = 0;
done:
	buf_free(&page);
	return rc;
}

int
web_render(struct web_req *r, const char *name, struct tmpl_ctx *ctx)
{
	return web_render_status(r, 200, name, ctx);
}

struct tmpl_ctx *
web_page_bare(struct web_req *r, const char *title_msgid)
{
	struct tmpl_ctx *c = tmpl_ctx_new(r->arena);

	if (c == NULL || tmpl_set(c, "lang", r->lang) != 0 ||
	    tmpl_set(c, "title", web_t(r, title_msgid)) != 0)
		return NULL;
	return c;
}

int
web_render_bare(struct web_req *r, const char *name, struct tmpl_ctx *ctx)
{
	buf_reset(&r->out);
	if (tmpl_render(r->srv->tmpl, name, ctx, translate_cb, r, &r->out) != 0) {
		log_err(r->rid, "cannot render template %s", name);
		return -1;
	}
	r->status = 200;
	r->ctype = "text/html; charset=utf-8";
	r->responded = true;
	return 0;
}

int
web_redirect(struct web_req *r, const char *local_path)
{
	/* Only local paths: "/x" but never "//host" or "/\host" (open redirects). */
	if (local_path == NULL || local_path[0] != '/' || local_path[1] == '/' ||
	    local_path[1] == '\\' || !header_safe(local_path))
		local_path = "/";
	buf_reset(&r->out);
	r->status = 303;
	r->ctype = "text/plain; charset=utf-8";
	r->responded = true;
	return web_add_header(r, "Location", arena_strdup(r->arena, local_path));
}

struct error_text {
	int status;
	const char *title;
	const char *message;
};

static const struct error_text errors[] = {
	{ 400, N_("Requête invalide"),
	    N_("La requête n'a pas pu être comprise. Vérifiez les données envoyées et réessayez.") },
	{ 403, N_("Accès refusé"), N_("Vous n'avez pas le droit d'effectuer cette action.") },
	{ 404, N_("Page introuvable"), N_("La page demandée n'existe pas ou a été déplacée.") },
	{ 405, N_("Méthode non autorisée"), N_("Cette adresse n'accepte pas ce type de requête.") },
	{ 413, N_("Requête trop volumineuse"),
	    N_("Les données envoyées dépassent la taille autorisée.") },
	{ 414, N_("Requête trop volumineuse"),
	    N_("Les données envoyées dépassent la taille autorisée.") },
	{ 431, N_("Requête trop volumineuse"),
	    N_("Les données envoyées dépassent la taille autorisée.") },
	{ 503, N_("Service indisponible"),
	    N_("Le service redémarre. Veuillez réessayer dans un moment.") },
	{ 500, N_("Erreur interne"),
	    N_("Une erreur inattendue s'est produite. Veuillez réessayer plus tard.") },
};

/* The machine APIs' refusals made here (a body over the route's limit, headers over the
 * limit, a body for no route) in their own error format, not an HTML page: a SCIM Error
 * (RFC 7644 §3.12) under /scim/v2/, problem details (RFC 9457) under /api/v1/. 1 when the
 * path is neither. The detail is English, as the APIs' own. */
static int
api_error(struct web_req *r, int status)
{
	const char *detail = status == 413 || status == 414 || status == 431 ?
	    "the request is too large" : status == 404 ? "not found" : status == 405 ?
	    "method not allowed" : status == 400 ? "bad request" : status == 503 ?
	    "service unavailable" : "internal error";
	const char *title = status == 413 ? "Content Too Large" : status == 414 ? "URI Too Long" :
	    status == 431 ? "Request Header Fields Too Large" : status == 404 ? "Not Found" :
	    status == 405 ? "Method Not Allowed" : status == 400 ? "Bad Request" :
	    status == 503 ? "Service Unavailable" : "Internal Server Error";
	const char *body;

	if (r->path == NULL)
		return 1;
	if (strncmp(r->path, "/scim/v2/", 9) == 0) {
		body = arena_printf(r->arena, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:"
		    "2.0:Error\"],\"status\":\"%d\",\"detail\":\"%s\"}", status, detail);
		return body != NULL ? web_send(r, status, "application/scim+json", body,
		    strlen(body)) : -1;
	}
	if (strncmp(r->path, "/api/v1/", 8) == 0) {
		body = arena_printf(r->arena, "{\"type\":\"about:blank\",\"title\":\"%s\","
		    "\"status\":%d,\"detail\":\"%s\"}", title, status, detail);
		return body != NULL ? web_send(r, status, "application/problem+json", body,
		    strlen(body)) : -1;
	}
	return 1;
}

int
web_error(struct web_req *r, int status)
{
	const struct error_text *e = &errors[sizeof(errors) / sizeof(errors[0]) - 1];
	struct tmpl_ctx *c;

	web_stream_cancel(r);   /* the error page replaces a stream not yet sent */
	if (api_error(r, status) == 0) {
		r->status = status;
		return 0;
	}
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].status == status)
			e = &errors[i];
	c = web_page(r, e->title);
	if (c != NULL) {
		tmpl_set_int(c, "status", status);
		tmpl_set(c, "message", web_t(r, e->message));
		tmpl_set_bool(c, "csrf_hint", status == 403);
	}
	if (c == NULL || web_render_status(r, status, "error", c) != 0) {
		const char *t = web_t(r, e->title);
		web_send(r, status, "text/plain; charset=utf-8", t, strlen(t));
	}
	r->status = status;
	return 0;
}

enum MHD_Result
resp_queue(struct web_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	if (!r->responded)
		web_error(r, 500);
	if (r->stream_read != NULL)
		resp = stream_response(r);
	else
		resp = MHD_create_response_from_buffer(r->out.len,
		    r->out.data ? r->out.data : (void *)"", MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (r->ctype != NULL)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	for (size_t i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
	/* A handler may set a stricter or narrower policy of its own (the form_post answer of
	 * the OpenID provider lets its one form go to the client). */
	if (MHD_get_response_header(resp, "Content-Security-Policy") == NULL)
		MHD_add_response_header(resp, "Content-Security-Policy",
		    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
		    "img-src 'self' data:; font-src 'self'; form-action 'self'; "
		    "frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Request-Id", r->rid);
	if (MHD_get_response_header(resp, "Cache-Control") == NULL)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000; includeSubDomains");
	if (r->srv->stopping)
		MHD_add_response_header(resp, "Connection", "close");
	if (r->status == 0)
		r->status = 200;
	rc = MHD_queue_response(r->conn, (unsigned int)r->status, resp);
	MHD_destroy_response(resp);
	r->responded = true;
	return rc;
}
