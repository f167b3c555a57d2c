/* form.c — query strings, urlencoded and multipart bodies, cookies.
 * Values are decoded into the request arena; limits and UTF-8 are checked here. */
#include "web/form.h"

#include <string.h>
#include <strings.h>

#include "base/pct.h"
#include "base/utf8.h"

static enum form_status
form_add(struct arena *a, struct form *f, size_t max_fields, const struct form_field *fld)
{
	if (f->n >= max_fields)
		return FORM_TOO_MANY;
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 16;
		struct form_field *nv = arena_alloc(a, ncap * sizeof(*nv));

		if (nv == NULL)
			return FORM_NOMEM;
		if (f->n)
			memcpy(nv, f->v, f->n * sizeof(*nv));
		f->v = nv;
		f->cap = ncap;
	}
	f->v[f->n++] = *fld;
	return FORM_OK;
}

/* Percent-decodes s[0..n) ('+' is a space) into the arena; NULL when malformed. */
static char *
url_decode(struct arena *a, const char *s, size_t n, size_t *outlen)
{
	char *out = arena_alloc(a, n + 1);
	long k;

	if (out == NULL)
		return NULL;
	k = pct_decode(s, n, out, n + 1, true);
	if (k < 0)
		return NULL;
	*outlen = (size_t)k;
	return out;
}

enum form_status
form_parse_urlencoded(struct arena *a, const char *s, size_t len, size_t max_fields,
    size_t max_value, struct form *f)
{
	size_t i = 0;

	while (i < len) {
		const char *pair = s + i, *amp = memchr(pair, '&', len - i), *eq;
		size_t plen = amp ? (size_t)(amp - pair) : len - i;
		struct form_field fld = { 0 };
		size_t raw_name, nlen = 0, vlen = 0;
		enum form_status st;

		i += plen + 1;
		if (plen == 0)
			continue;
		eq = memchr(pair, '=', plen);
		raw_name = eq ? (size_t)(eq - pair) : plen;
		if (raw_name > 256 * 3 || (eq && plen - raw_name - 1 > max_value * 3))
			return FORM_TOO_LONG;
		fld.name = url_decode(a, pair, raw_name, &nlen);
		fld.value = eq ? url_decode(a, eq + 1, plen - raw_name - 1, &vlen) : "";
		if (fld.name == NULL || fld.value == NULL)
			return FORM_BAD;
		if (vlen > max_value)
			return FORM_TOO_LONG;
		if (!utf8_valid(fld.name, nlen) || !utf8_valid(fld.value, vlen))
			return FORM_ENCODING;
		fld.len = vlen;
		st = form_add(a, f, max_fields, &fld);
		if (st != FORM_OK)
			return st;
	}
	return FORM_OK;
}

/* Finds a parameter (boundary=, name=, filename=) in a header value; quoted or token. */
static char *
header_param(struct arena *a, const char *h, size_t hlen, const char *param)
{
	size_t plen = strlen(param);

	for (size_t i = 0; i + plen < hlen; i++) {
		const char *v;
		size_t n = 0;

		if (strncasecmp(h + i, param, plen) != 0 || h[i + plen] != '=')
			continue;
		if (i > 0 && h[i - 1] != ';' && h[i - 1] != ' ' && h[i - 1] != '\t')
			continue;
		v = h + i + plen + 1;
		if (v < h + hlen && *v == '"') {
			v++;
			while (v + n < h + hlen && v[n] != '"')
				n++;
			if (v + n >= h + hlen)
				return NULL;
		} else {
			while (v + n < h + hlen && v[n] != ';' && v[n] != ' ' && v[n] != '\t')
				n++;
		}
		return arena_strndup(a, v, n);
	}
	return NULL;
}

static const char *
mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	return memmem(hay, hlen, needle, nlen);
}

enum form_status
form_parse_multipart(struct arena *a, const char *content_type, const char *body, size_t len,
    size_t max_fields, size_t max_value, struct form *f)
{
	char *boundary = header_param(a, content_type, strlen(content_type), "boundary");
	char *delim;
	size_t dlen;
	const char *p, *end = body + len;

	if (boundary == NULL || boundary[0] == '\0' || strlen(boundary) > 70)
		return FORM_BAD;
	delim = arena_printf(a, "--%s", boundary);
	if (delim == NULL)
		return FORM_NOMEM;
	dlen = strlen(delim);
	p = mem_find(body, len, delim, dlen);
	if (p == NULL)
		return FORM_BAD;
	p += dlen;
	for (;;) {
		struct form_field fld = { 0 };
		const char *hend, *next, *h;
		enum form_status st;
		size_t vlen;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return FORM_OK;               /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return FORM_BAD;
		p += 2;
		hend = mem_find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hend == NULL || hend - p > 4096)
			return FORM_BAD;
		/* Headers of the part: only Content-Disposition and Content-Type matter. */
		for (h = p; h < hend;) {
			const char *eol = mem_find(h, (size_t)(hend - h) + 2, "\r\n", 2);
			size_t hl = eol ? (size_t)(eol - h) : (size_t)(hend - h);

			if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
				fld.name = header_param(a, h + 20, hl - 20, "name");
				fld.filename = header_param(a, h + 20, hl - 20, "filename");
			} else if (hl > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
				const char *v = h + 13;
				while (*v == ' ' && v < h + hl)
					v++;
				fld.ctype = arena_strndup(a, v, hl - (size_t)(v - h));
			}
			h += hl + 2;
		}
		if (fld.name == NULL || fld.name[0] == '\0' || strlen(fld.name) > 256)
			return FORM_BAD;
		p = hend + 4;
		next = mem_find(p, (size_t)(end - p), delim, dlen);
		if (next == NULL || next - p < 2 || next[-2] != '\r' || next[-1] != '\n')
			return FORM_BAD;
		vlen = (size_t)(next - p) - 2;
		if (fld.filename == NULL) {
			if (vlen > max_value)
				return FORM_TOO_LONG;
			if (!utf8_valid(p, vlen))
				return FORM_ENCODING;
		} else if (!utf8_valid(fld.filename, strlen(fld.filename))) {
			return FORM_ENCODING;
		}
		if (!utf8_valid(fld.name, strlen(fld.name)))
			return FORM_ENCODING;
		fld.value = arena_strndup(a, p, vlen);
		if (fld.value == NULL)
			return FORM_NOMEM;
		fld.len = vlen;
		st = form_add(a, f, max_fields, &fld);
		if (st != FORM_OK)
			return st;
		p = next + dlen;
	}
}

enum form_status
form_parse_cookies(struct arena *a, const char *header, size_t max_fields, struct form *f)
{
	const char *p = header;

	while (*p != '\0') {
		const char *semi = strchr(p, ';'), *eq;
		size_t n = semi ? (size_t)(semi - p) : strlen(p);
		struct form_field fld = { 0 };
		enum form_status st;

		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		eq = memchr(p, '=', n);
		if (eq != NULL && eq > p) {
			const char *v = eq + 1;
			size_t vlen = n - (size_t)(v - p);

			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			fld.name = arena_strndup(a, p, (size_t)(eq - p));
			fld.value = arena_strndup(a, v, vlen);
			fld.len = vlen;
			if (fld.name == NULL || fld.value == NULL)
				return FORM_NOMEM;
			st = form_add(a, f, max_fields, &fld);
			if (st != FORM_OK)
				return st;
		}
		if (semi == NULL)
			break;
		p = semi + 1;
	}
	return FORM_OK;
}

const struct form_field *
form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}
