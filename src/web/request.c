/* request.c — what a handler reads of its request: method, path, inputs, headers,
 * cookies, language, the app context. */
#include "web/internal.h"

#include <string.h>

struct arena *
web_arena(struct web_req *r)
{
	return r->arena;
}

void *
web_app(struct web_req *r)
{
	return r->srv->app;
}

const char *
web_method(struct web_req *r)
{
	return r->method;
}

const char *
web_path(struct web_req *r)
{
	return r->path;
}

const char *
web_rid(struct web_req *r)
{
	return r->rid;
}

const char *
web_client(struct web_req *r)
{
	return r->client;
}

const char *
web_peer(struct web_req *r)
{
	return r->peer;
}

const char *
web_lang(struct web_req *r)
{
	return r->lang;
}

const char *
web_query(struct web_req *r, const char *name)
{
	const struct form_field *f = form_get(&r->query, name);

	return f ? f->value : NULL;
}

const char *
web_raw_query(struct web_req *r)
{
	return r->raw_query != NULL ? r->raw_query : "";
}

const char *
web_form(struct web_req *r, const char *name)
{
	const struct form_field *f = form_get(&r->form, name);

	return f && f->filename == NULL ? f->value : NULL;
}

size_t
web_form_all(struct web_req *r, const char *name, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->form.n && n < max; i++)
		if (strcmp(r->form.v[i].name, name) == 0 && r->form.v[i].filename == NULL)
			out[n++] = r->form.v[i].value;
	return n;
}

/* The name of a field given twice in f, or also present in g (when g is not NULL). */
static const char *
repeated_in(const struct form *f, const struct form *g)
{
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = i + 1; j < f->n; j++)
			if (strcmp(f->v[i].name, f->v[j].name) == 0)
				return f->v[i].name;
		if (g != NULL && form_get(g, f->v[i].name) != NULL)
			return f->v[i].name;
	}
	return NULL;
}

const char *
web_repeated_param(struct web_req *r, bool across)
{
	const char *name = repeated_in(&r->query, across ? &r->form : NULL);

	return name != NULL ? name : repeated_in(&r->form, NULL);
}

int64_t
web_id(const char *s)
{
	int64_t v = 0;

	if (s == NULL || s[0] == '\0' || strlen(s) > 15)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

const void *
web_upload(struct web_req *r, const char *name, size_t *len, const char **filename,
    const char **ctype)
{
	const struct form_field *f = form_get(&r->form, name);

	if (f == NULL || f->filename == NULL)
		return NULL;
	*len = f->len;
	if (filename)
		*filename = f->filename;
	if (ctype)
		*ctype = f->ctype;
	return f->value;
}

const char *
web_header(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
web_cookie(struct web_req *r, const char *name)
{
	const struct form_field *f = form_get(&r->cookies, name);

	return f ? f->value : NULL;
}

const char *
web_t(struct web_req *r, const char *msgid)
{
	return i18n_get(r->srv->i18n, r->lang, msgid);
}

const char *
web_tf(struct web_req *r, const char *msgid, const char *a, const char *b, const char *c)
{
	const char *t = web_t(r, msgid), *args[3] = { a, b, c };
	struct buf out;
	char *res;

	buf_init(&out, 16 * 1024);
	for (const char *p = t; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			const char *v = args[p[1] - '1'];

			buf_puts(&out, v ? v : "");
			p += 2;
			continue;
		}
		buf_putc(&out, *p);
	}
	res = arena_strdup(r->arena, out.data ? out.data : "");
	buf_free(&out);
	return res ? res : "";
}

const char *
web_body(struct web_req *r, size_t *len)
{
	*len = r->body.len;
	return r->body.data ? r->body.data : "";
}
