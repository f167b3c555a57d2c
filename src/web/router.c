/* router.c — method + path-pattern routing: ":name" takes one segment, a final "*"
 * takes the rest. Routes are few; a linear scan in registration order is enough. */
#include "web/internal.h"

#include <stdlib.h>

#include "base/metrics.h"
#include <string.h>

int
web_route(struct web_server *s, const char *method, const char *pattern, web_handler h,
    unsigned flags)
{
	struct route *rt;

	if (s->nroutes == WEB_MAX_ROUTES || pattern[0] != '/')
		return -1;
	rt = &s->routes[s->nroutes];
	rt->method = strdup(method);
	rt->pattern = strdup(pattern);
	if (rt->method == NULL || rt->pattern == NULL) {
		free(rt->method);
		free(rt->pattern);
		rt->method = rt->pattern = NULL;
		return -1;
	}
	rt->h = h;
	rt->flags = flags;
	rt->metric_id = metric_route(method, pattern);
	rt->body_max = (flags & WEB_UPLOAD) ? s->cfg.limits.upload_bytes : s->cfg.limits.body_bytes;
	s->nroutes++;
	return 0;
}

/* Matches path against pattern; fills params into r when r is not NULL. */
static bool
match(const char *pattern, const char *path, struct web_req *r)
{
	const char *p = pattern, *u = path;
	size_t np = 0;

	while (*p != '\0') {
		if (*p == '*' && p[1] == '\0') {
			if (r != NULL && np < WEB_MAX_PARAMS) {
				r->param_names[np] = "*";
				r->params[np++] = arena_strdup(r->arena, u);
			}
			break;
		}
		if (*p == ':') {
			const char *pe = strchr(p, '/'), *ue = strchr(u, '/');
			size_t pl = pe ? (size_t)(pe - p) : strlen(p);
			size_t ul = ue ? (size_t)(ue - u) : strlen(u);

			if (ul == 0)
				return false;
			if (r != NULL && np < WEB_MAX_PARAMS) {
				r->param_names[np] = arena_strndup(r->arena, p + 1, pl - 1);
				r->params[np++] = arena_strndup(r->arena, u, ul);
			}
			p += pl;
			u += ul;
			continue;
		}
		if (*p != *u)
			return false;
		p++;
		u++;
	}
	if (*p == '\0' && *u != '\0')
		return false;
	if (r != NULL)
		r->nparams = np;
	return true;
}

int
router_match(struct web_server *s, struct web_req *r, char *allow, size_t allowlen)
{
	const char *m = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	bool path_known = false;

	allow[0] = '\0';
	for (size_t i = 0; i < s->nroutes; i++) {
		struct route *rt = &s->routes[i];

		if (!match(rt->pattern, r->path, NULL))
			continue;
		if (strcmp(rt->method, m) == 0) {
			match(rt->pattern, r->path, r);
			r->route = rt;
			return 0;
		}
		path_known = true;
		if (strstr(allow, rt->method) == NULL && strlen(allow) + strlen(rt->method) + 3 <
		    allowlen) {
			if (allow[0] != '\0')
				strncat(allow, ", ", allowlen - strlen(allow) - 1);
			strncat(allow, rt->method, allowlen - strlen(allow) - 1);
			if (strcmp(rt->method, "GET") == 0)
				strncat(allow, ", HEAD", allowlen - strlen(allow) - 1);
		}
	}
	return path_known ? 405 : 404;
}

const char *
web_param(struct web_req *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->params[i];
	return NULL;
}
