/* static.c — files under share/static with cache headers, and the language switch.
 * Paths are checked character by character: no "..", no hidden files. */
#include "web/internal.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_MAX (4 << 20)

static const char *
mime_of(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".pdf", "application/pdf" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static bool
static_path_ok(const char *p)
{
	if (p == NULL || p[0] == '\0' || p[0] == '.' || strstr(p, "..") || strstr(p, "/."))
		return false;
	for (; *p != '\0'; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '/'))
			return false;
	}
	return true;
}

int
static_serve(struct web_req *r)
{
	const char *rel = web_param(r, "*");
	char path[4600], etag[64];
	struct stat st;
	const char *inm;
	char *data;
	int fd;
	ssize_t got;

	if (!static_path_ok(rel))
		return web_error(r, 404);
	/* A path that does not fit is not served (never a cut path opened). */
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", r->srv->static_dir, rel) >=
	    sizeof(path))
		return web_error(r, 404);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return web_error(r, 404);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX) {
		close(fd);
		return web_error(r, 404);
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
	    (unsigned long long)st.st_size);
	web_add_header(r, "Cache-Control", "public, max-age=86400");
	web_add_header(r, "ETag", arena_strdup(r->arena, etag));
	inm = web_header(r, "If-None-Match");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		close(fd);
		return web_send(r, 304, NULL, "", 0);
	}
	data = arena_alloc(r->arena, (size_t)st.st_size + 1);
	got = data ? read(fd, data, (size_t)st.st_size) : -1;
	close(fd);
	if (got != st.st_size)
		return web_error(r, 500);
	return web_send(r, 200, mime_of(path), data, (size_t)got);
}

int
lang_switch(struct web_req *r)
{
	const char *code = web_param(r, "code");
	const char *next = web_query(r, "next");

	if (!i18n_supported(code))
		return web_error(r, 404);
	web_set_cookie(r, "portier_lang", code, 365L * 24 * 3600);
	r->lang = i18n_negotiate(code, NULL);
	return web_redirect(r, next ? next : "/");
}
