/* i18n.c — the UI catalogues (GNU .mo files read into sorted arrays) and the choice of
 * language from the cookie and Accept-Language. A .mo file is input: every offset is checked. */
#include "web/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"

#define LANG_COUNT	4
#define LANG_DEFAULT	1		/* index of "fr" in i18n_langs */
#define MO_MAX		((size_t)8 << 20)	/* a catalogue larger than this is refused */
#define MO_HEADER	28		/* magic, revision, N, O, T, S, H */
#define MO_MAGIC	0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U
#define AL_MAX		1024		/* bytes of Accept-Language looked at */
#define Q_MAX		1000		/* q=1 in thousandths */

const char *const i18n_langs[LANG_COUNT] = { "nl", "fr", "de", "en" };

struct mo_entry {
	const char *id;		/* singular msgid, NUL-terminated inside the file image */
	const char *str;	/* first form of the translation, never empty */
};

struct mo_cat {
	unsigned char *data;	/* the file image the entries point into */
	struct mo_entry *ents;	/* sorted by strcmp of id, no duplicates */
	size_t n;
};

struct i18n {
	struct mo_cat cat[LANG_COUNT];
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
lang_index(const char *lang)
{
	size_t i;

	if (lang == NULL)
		return -1;
	for (i = 0; i < LANG_COUNT; i++)
		if (strcmp(lang, i18n_langs[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- .mo files ---- */

static uint32_t
mo_u32(const unsigned char *p, int swapped)
{
	if (swapped)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Checks that a table of count records of size bytes at off lies inside the file. */
static int
mo_table_fits(size_t len, uint32_t off, uint32_t count, size_t size)
{
	if (off > len)
		return 0;
	return count <= (len - off) / size;
}

/* Reads string descriptor i of the table at tab; returns its text, or NULL with err set. */
static const char *
mo_string(const unsigned char *d, size_t len, int swapped, uint32_t tab, uint32_t i,
    const char *what, char *err, size_t errlen)
{
	const unsigned char *rec = d + tab + (size_t)i * 8;
	uint32_t slen = mo_u32(rec, swapped);
	uint32_t off = mo_u32(rec + 4, swapped);

	/* The terminating NUL must be inside the file too: off + slen + 1 <= len. */
	if (off >= len || slen > len - off - 1) {
		seterr(err, errlen, "%s %u: offset %u + length %u is past the end of the "
		    "file (%zu bytes)", what, (unsigned)i, (unsigned)off, (unsigned)slen, len);
		return NULL;
	}
	if (d[off + slen] != '\0') {
		seterr(err, errlen, "%s %u: string at offset %u is not NUL-terminated",
		    what, (unsigned)i, (unsigned)off);
		return NULL;
	}
	return (const char *)d + off;
}

static int
mo_cmp(const void *a, const void *b)
{
	const struct mo_entry *x = a, *y = b;

	return strcmp(x->id, y->id);
}

/* Fills cat->ents and cat->n from the image d (which cat does not take). Returns 0 or -1. */
static int
mo_parse(const unsigned char *d, size_t len, struct mo_cat *cat, char *err, size_t errlen)
{
	struct mo_entry *ents = NULL;
	uint32_t magic, rev, n, otab, ttab, hsize, hoff, i;
	size_t k, kept = 0;
	int swapped;

	cat->ents = NULL;
	cat->n = 0;
	if (len > MO_MAX) {
		seterr(err, errlen, "file of %zu bytes exceeds the %zu-byte limit", len, MO_MAX);
		return -1;
	}
	if (len < MO_HEADER) {
		seterr(err, errlen, "file of %zu bytes is too short for a .mo header", len);
		return -1;
	}
	magic = mo_u32(d, 0);
	if (magic == MO_MAGIC)
		swapped = 0;
	else if (magic == MO_MAGIC_SWAPPED)
		swapped = 1;
	else {
		seterr(err, errlen, "not a .mo file (magic 0x%08x)", (unsigned)magic);
		return -1;
	}
	rev = mo_u32(d + 4, swapped);
	n = mo_u32(d + 8, swapped);
	otab = mo_u32(d + 12, swapped);
	ttab = mo_u32(d + 16, swapped);
	hsize = mo_u32(d + 20, swapped);
	hoff = mo_u32(d + 24, swapped);
	if (rev >> 16 > 1) {
		seterr(err, errlen, "unsupported .mo revision %u.%u",
		    (unsigned)(rev >> 16), (unsigned)(rev & 0xffff));
		return -1;
	}
	if (!mo_table_fits(len, otab, n, 8) || !mo_table_fits(len, ttab, n, 8)) {
		seterr(err, errlen, "string tables of %u entries at offsets %u and %u do not fit "
		    "in the file (%zu bytes)", (unsigned)n, (unsigned)otab, (unsigned)ttab, len);
		return -1;
	}
	/* The hash table is not used for lookups, but a file that lies about it is refused. */
	if (hsize > 0 && !mo_table_fits(len, hoff, hsize, 4)) {
		seterr(err, errlen, "hash table of %u slots at offset %u does not fit in the "
		    "file (%zu bytes)", (unsigned)hsize, (unsigned)hoff, len);
		return -1;
	}

	ents = calloc(n > 0 ? n : 1, sizeof(*ents));
	if (ents == NULL) {
		seterr(err, errlen, "out of memory for %u entries", (unsigned)n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *id, *str;

		id = mo_string(d, len, swapped, otab, i, "msgid", err, errlen);
		if (id == NULL)
			goto fail;
		str = mo_string(d, len, swapped, ttab, i, "msgstr", err, errlen);
		if (str == NULL)
			goto fail;
		/* id and str stop at the first NUL: the singular msgid and the first plural
		 * form. The header (msgid "") and untranslated entries are not kept. */
		if (id[0] == '\0' || str[0] == '\0')
			continue;
		if (!utf8_valid(id, strlen(id)) || !utf8_valid(str, strlen(str))) {
			seterr(err, errlen, "entry %u is not valid UTF-8", (unsigned)i);
			goto fail;
		}
		ents[kept].id = id;
		ents[kept].str = str;
		kept++;
	}
	qsort(ents, kept, sizeof(*ents), mo_cmp);
	for (k = 1; k < kept; k++) {
		if (strcmp(ents[k - 1].id, ents[k].id) == 0) {
			seterr(err, errlen, "msgid \"%.60s\" appears twice", ents[k].id);
			goto fail;
		}
	}
	cat->ents = ents;
	cat->n = kept;
	return 0;

fail:
	free(ents);
	return -1;
}

int
i18n_parse_mo(const void *data, size_t len, char *err, size_t errlen)
{
	struct mo_cat cat;
	int n;

	if (data == NULL && len > 0) {
		seterr(err, errlen, "no data");
		return -1;
	}
	if (mo_parse(data, len, &cat, err, errlen) != 0)
		return -1;
	n = cat.n > INT_MAX ? INT_MAX : (int)cat.n;
	free(cat.ents);
	return n;
}

/* Reads the whole regular file at path, refusing more than MO_MAX bytes. */
static int
mo_read(const char *path, unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
	unsigned char *data = NULL;
	struct stat st;
	size_t size, got = 0;
	ssize_t r;
	int fd;

	/* O_NONBLOCK: a FIFO in place of the file must not hang the start-up. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		seterr(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errlen, "cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "not a regular file");
		goto fail;
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > MO_MAX) {
		seterr(err, errlen, "file of %jd bytes exceeds the %zu-byte limit",
		    (intmax_t)st.st_size, MO_MAX);
		goto fail;
	}
	size = (size_t)st.st_size;
	data = malloc(size > 0 ? size : 1);
	if (data == NULL) {
		seterr(err, errlen, "out of memory for %zu bytes", size);
		goto fail;
	}
	while (got < size) {
		r = read(fd, data + got, size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "cannot read: %s", strerror(errno));
			goto fail;
		}
		if (r == 0) {
			seterr(err, errlen, "file shrank while being read");
			goto fail;
		}
		got += (size_t)r;
	}
	close(fd);
	*out = data;
	*outlen = size;
	return 0;

fail:
	free(data);
	close(fd);
	return -1;
}

int
i18n_load(const char *dir, struct i18n **out, char *err, size_t errlen)
{
	struct i18n *t;
	char path[PATH_MAX], why[256];
	unsigned char *data;
	size_t i, len;
	int n;

	*out = NULL;
	if (dir == NULL) {
		seterr(err, errlen, "no catalogue directory");
		return -1;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < LANG_COUNT; i++) {
		n = snprintf(path, sizeof(path), "%s/%s.mo", dir, i18n_langs[i]);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			seterr(err, errlen, "%s: catalogue path too long", dir);
			goto fail;
		}
		if (mo_read(path, &data, &len, why, sizeof(why)) != 0) {
			seterr(err, errlen, "%s: %s", path, why);
			goto fail;
		}
		t->cat[i].data = data;
		if (mo_parse(data, len, &t->cat[i], why, sizeof(why)) != 0) {
			seterr(err, errlen, "%s: %s", path, why);
			goto fail;
		}
	}
	*out = t;
	return 0;

fail:
	i18n_free(t);
	return -1;
}

void
i18n_free(struct i18n *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < LANG_COUNT; i++) {
		free(t->cat[i].ents);
		free(t->cat[i].data);
	}
	free(t);
}

static int
mo_key_cmp(const void *key, const void *ent)
{
	const struct mo_entry *e = ent;

	return strcmp(key, e->id);
}

const char *
i18n_get(const struct i18n *t, const char *lang, const char *msgid)
{
	const struct mo_cat *cat;
	const struct mo_entry *e;
	int i;

	if (msgid == NULL)
		return "";
	i = lang_index(lang);
	if (t == NULL || i < 0)
		return msgid;
	cat = &t->cat[i];
	if (cat->n == 0)
		return msgid;
	e = bsearch(msgid, cat->ents, cat->n, sizeof(*cat->ents), mo_key_cmp);
	return e != NULL ? e->str : msgid;
}

bool
i18n_supported(const char *lang)
{
	return lang_index(lang) >= 0;
}

/* ---- Accept-Language (RFC 9110 §12.5.4) ---- */

static int
al_ows(char c)
{
	return c == ' ' || c == '\t';
}

static int
al_range_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '*';
}

static char
al_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Parses a qvalue ("0", "0.5", "1.000") at s[*i..n); returns 0..Q_MAX or -1. */
static int
al_qvalue(const char *s, size_t n, size_t *i)
{
	size_t p = *i, digits = 0;
	int q, scale = 100;

	if (p >= n || (s[p] != '0' && s[p] != '1'))
		return -1;
	q = s[p] == '1' ? Q_MAX : 0;
	p++;
	if (p < n && s[p] == '.') {
		p++;
		while (p < n && s[p] >= '0' && s[p] <= '9' && digits < 3) {
			if (q == Q_MAX && s[p] != '0')
				return -1;
			if (q < Q_MAX)
				q += (s[p] - '0') * scale;
			scale /= 10;
			digits++;
			p++;
		}
	}
	*i = p;
	return q;
}

/* Reads one element "range *(OWS ; OWS param)" of s[0..n). Sets *lang to the index of the
 * supported language its primary subtag names, or -1 (unsupported, "*" or malformed),
 * and *q to its weight in thousandths. */
static void
al_element(const char *s, size_t n, int *lang, int *q)
{
	size_t i = 0, start, end, k, j;

	*lang = -1;
	*q = Q_MAX;
	while (i < n && al_ows(s[i]))
		i++;
	start = i;
	while (i < n && al_range_char(s[i]))
		i++;
	end = i;
	/* The primary subtag is what comes before the first '-'. */
	for (k = start; k < end && s[k] != '-'; k++)
		;
	if (k - start != 2)
		return;
	for (j = 0; j < LANG_COUNT; j++) {
		if (al_lower(s[start]) == i18n_langs[j][0] &&
		    al_lower(s[start + 1]) == i18n_langs[j][1])
			break;
	}
	if (j == LANG_COUNT)
		return;

	for (;;) {
		while (i < n && al_ows(s[i]))
			i++;
		if (i == n)
			break;
		if (s[i] != ';')
			return;		/* junk after the range: ignore the element */
		i++;
		while (i < n && al_ows(s[i]))
			i++;
		if (i + 1 < n && (s[i] == 'q' || s[i] == 'Q') && s[i + 1] == '=') {
			i += 2;
			*q = al_qvalue(s, n, &i);
			if (*q < 0)
				return;
			if (i < n && s[i] != ';' && !al_ows(s[i]))
				return;
			continue;
		}
		/* Another parameter: not defined for Accept-Language, skipped. */
		while (i < n && s[i] != ';' && !al_ows(s[i]))
			i++;
	}
	*lang = (int)j;
}

/* Returns the index of the preferred supported language, or -1. */
static int
al_best(const char *h)
{
	size_t len, p, e;
	int truncated, best = -1, bestq = 0, lang, q;

	if (h == NULL)
		return -1;
	len = strnlen(h, AL_MAX + 1);
	truncated = len > AL_MAX;
	if (truncated)
		len = AL_MAX;
	for (p = 0; p < len; p = e + 1) {
		for (e = p; e < len && h[e] != ','; e++)
			;
		/* An element cut by the limit could read as something else ("en;q=0.5" cut
		 * to "en" would mean q=1): it is dropped. */
		if (e == len && truncated && h[len] != ',')
			break;
		al_element(h + p, e - p, &lang, &q);
		/* Strictly greater: on equal weights the earlier element wins. */
		if (lang >= 0 && q > bestq) {
			best = lang;
			bestq = q;
		}
	}
	return best;
}

const char *
i18n_negotiate(const char *cookie_lang, const char *accept_language)
{
	int i;

	i = lang_index(cookie_lang);
	if (i >= 0)
		return i18n_langs[i];
	i = al_best(accept_language);
	if (i >= 0)
		return i18n_langs[i];
	return i18n_langs[LANG_DEFAULT];
}
