/* tmpl.c — the template engine: parses every template once into a node tree and renders
 * it with every value HTML-escaped, except trusted HTML set by tmpl_set_html. */
#include "web/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/utf8.h"

#define TMPL_MAX_FILE	((size_t)1 << 20)	/* bytes of one template */
#define TMPL_MAX_NEST	32			/* open blocks in one template */
#define TMPL_MAX_INCL	16			/* nested {{> x}} at render */
#define TMPL_MAX_ARGS	9			/* {1}..{9} */
#define TMPL_MAX_DIRS	16			/* folder depth below the template root */
#define TMPL_MAX_STEPS	((unsigned long)1 << 22)	/* nodes visited by one render */

enum node_type {
	NODE_TEXT,	/* literal bytes */
	NODE_VAR,	/* {{name}}: escaped */
	NODE_HTML,	/* {{name_html}}: raw only if the value is trusted HTML */
	NODE_TRANS,	/* {{_ "msgid" a b}} */
	NODE_IF,
	NODE_UNLESS,
	NODE_EACH,
	NODE_PARTIAL
	/* {{! comments }} are dropped by the parser: they render nothing */
};

/* @index, @first, @last: data of the innermost {{#each}} */
enum special { SP_NONE, SP_INDEX, SP_FIRST, SP_LAST };

struct ref {
	const char *name;
	enum special sp;
};

struct tmpl;

struct node {
	enum node_type type;
	unsigned line;
	struct node *next;
	const char *s;		/* text (not NUL-terminated), msgid or partial name */
	size_t len;		/* bytes of s */
	struct ref ref;		/* the value of a var or block */
	struct ref *args;	/* NODE_TRANS */
	unsigned nargs;
	struct node *body;	/* blocks: the main branch */
	struct node *alt;	/* NODE_IF, NODE_UNLESS: after {{else}} */
	const struct tmpl *target;	/* NODE_PARTIAL, set by tmpl_load_dir */
};

struct tmpl {
	struct tmpl *next;
	const char *name;
	const char *file;	/* for messages */
	struct node *root;
};

struct tmpl_set {
	struct arena *a;	/* the set itself, its templates and nodes */
	struct tmpl *head;
	struct tmpl *last;
};

enum val_type { VAL_TEXT, VAL_HTML, VAL_BOOL, VAL_INT, VAL_LIST };

struct entry {
	struct entry *next;
	const char *key;
	enum val_type type;
	const char *s;		/* VAL_TEXT, VAL_HTML */
	size_t len;
	int64_t i;		/* VAL_INT, VAL_BOOL */
	struct tmpl_ctx *first;	/* VAL_LIST */
	struct tmpl_ctx *lastitem;
	size_t count;
};

struct tmpl_ctx {
	struct arena *a;
	struct tmpl_ctx *parent;
	struct tmpl_ctx *next;	/* next item of the same list */
	struct entry *vars;
};

/* ---- errors and names ---- */

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

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A key a template can name: [A-Za-z0-9_]+. */
static bool
valid_key(const char *key)
{
	const char *p;

	if (key == NULL || *key == '\0')
		return false;
	for (p = key; *p != '\0'; p++)
		if (!is_word(*p))
			return false;
	return true;
}

static bool
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* First n-byte needle in [s, end), or NULL (portable: builds without _GNU_SOURCE too). */
static const char *
find(const char *s, const char *end, const char *needle, size_t n)
{
	const char *p;

	while ((size_t)(end - s) >= n) {
		p = memchr(s, needle[0], (size_t)(end - s) - n + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
		s = p + 1;
	}
	return NULL;
}

/* ---- parser ---- */

struct parser {
	struct arena *a;
	const char *file;
	const char *p;		/* next byte of the template */
	const char *end;
	unsigned line;		/* line of p */
	const char *t;		/* inside the current tag */
	const char *tend;	/* "}}" of the current tag */
	unsigned tline;		/* line of the current tag's "{{" */
	char *err;
	size_t errlen;
};

enum tag_kind { TAG_NONE, TAG_NODE, TAG_OPEN, TAG_ELSE, TAG_CLOSE };

struct tag {
	enum tag_kind kind;
	struct node *n;		/* TAG_NODE, TAG_OPEN */
	enum node_type block;	/* TAG_CLOSE */
};

struct open_block {
	struct node *n;		/* NULL for the template itself */
	struct node **tail;	/* where the next node goes */
	bool in_else;
};

static int perr(struct parser *ps, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
perr(struct parser *ps, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->err == NULL || ps->errlen == 0)
		return -1;
	n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->file, line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned
count_lines(const char *s, const char *end)
{
	unsigned n = 0;

	while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		n++;
		s++;
	}
	return n;
}

static const char *
block_kw(enum node_type t)
{
	switch (t) {
	case NODE_IF:
		return "if";
	case NODE_UNLESS:
		return "unless";
	case NODE_EACH:
		return "each";
	default:
		return "?";
	}
}

static struct node *
node_new(struct parser *ps, enum node_type type)
{
	struct node *n = arena_alloc(ps->a, sizeof(*n));

	if (n == NULL) {
		perr(ps, ps->tline, "out of memory");
		return NULL;
	}
	n->type = type;
	n->line = ps->tline;
	return n;
}

static void
tag_skip_space(struct parser *ps)
{
	while (ps->t < ps->tend && is_space(*ps->t))
		ps->t++;
}

/* Reads [A-Za-z0-9_]+ at ps->t; returns its length (0 if none). */
static size_t
tag_word(struct parser *ps, const char **w)
{
	const char *s = ps->t;

	while (ps->t < ps->tend && is_word(*ps->t))
		ps->t++;
	*w = s;
	return (size_t)(ps->t - s);
}

/* The tag must end here (after optional spaces). */
static int
tag_end(struct parser *ps)
{
	tag_skip_space(ps);
	if (ps->t != ps->tend)
		return perr(ps, ps->tline, "unexpected \"%c\" in tag", *ps->t);
	return 0;
}

/* Reads a value name: word or @index/@first/@last. */
static int
tag_ref(struct parser *ps, struct ref *r)
{
	const char *w;
	size_t n;
	const char *start;
	bool at = false;

	tag_skip_space(ps);
	start = ps->t;
	if (ps->t < ps->tend && *ps->t == '@') {
		at = true;
		ps->t++;
	}
	n = tag_word(ps, &w);
	if (n == 0)
		return perr(ps, ps->tline, "expected a name in tag");
	r->sp = SP_NONE;
	if (at) {
		if (n == 5 && memcmp(w, "index", 5) == 0)
			r->sp = SP_INDEX;
		else if (n == 5 && memcmp(w, "first", 5) == 0)
			r->sp = SP_FIRST;
		else if (n == 4 && memcmp(w, "last", 4) == 0)
			r->sp = SP_LAST;
		else
			return perr(ps, ps->tline, "unknown variable @%.*s", (int)n, w);
	}
	r->name = arena_strndup(ps->a, start, (size_t)(ps->t - start));
	if (r->name == NULL)
		return perr(ps, ps->tline, "out of memory");
	return 0;
}

/* Reads a "…" literal (escapes: \" and \\) into *out. */
static int
tag_string(struct parser *ps, const char **out)
{
	char *s, *d;

	if (ps->t >= ps->tend || *ps->t != '"')
		return perr(ps, ps->tline, "bad string literal: expected '\"'");
	ps->t++;
	s = arena_alloc(ps->a, (size_t)(ps->tend - ps->t) + 1);
	if (s == NULL)
		return perr(ps, ps->tline, "out of memory");
	for (d = s; ps->t < ps->tend && *ps->t != '"'; ps->t++) {
		if (*ps->t == '\n')
			return perr(ps, ps->tline, "bad string literal: newline inside");
		if (*ps->t == '\\') {
			ps->t++;
			if (ps->t == ps->tend || (*ps->t != '"' && *ps->t != '\\'))
				return perr(ps, ps->tline, "bad string literal: bad escape");
		}
		*d++ = *ps->t;
	}
	if (ps->t == ps->tend)
		return perr(ps, ps->tline, "bad string literal: missing closing '\"'");
	ps->t++;
	*d = '\0';
	if (d == s)
		return perr(ps, ps->tline, "bad string literal: empty msgid");
	*out = s;
	return 0;
}

/* {{_ "msgid" a b}} with ps->t after the "_". */
static int
parse_trans(struct parser *ps, struct tag *tg)
{
	struct ref args[TMPL_MAX_ARGS];
	struct node *n;
	const char *p;
	unsigned na = 0;

	tag_skip_space(ps);
	if ((n = node_new(ps, NODE_TRANS)) == NULL || tag_string(ps, &n->s) != 0)
		return -1;
	for (;;) {
		if (ps->t < ps->tend && !is_space(*ps->t))
			return perr(ps, ps->tline, "unexpected \"%c\" in tag", *ps->t);
		tag_skip_space(ps);
		if (ps->t == ps->tend)
			break;
		if (na == TMPL_MAX_ARGS)
			return perr(ps, ps->tline, "more than %d arguments", TMPL_MAX_ARGS);
		if (tag_ref(ps, &args[na]) != 0)
			return -1;
		na++;
	}
	/* a placeholder without an argument would show "{3}" to the user */
	for (p = n->s; (p = strchr(p, '{')) != NULL; p++)
		if (p[1] >= '1' && p[1] <= '9' && p[2] == '}' && (unsigned)(p[1] - '0') > na)
			return perr(ps, ps->tline, "placeholder {%c} has no argument", p[1]);
	if (na > 0) {
		n->args = arena_alloc(ps->a, na * sizeof(*n->args));
		if (n->args == NULL)
			return perr(ps, ps->tline, "out of memory");
		memcpy(n->args, args, na * sizeof(*n->args));
	}
	n->nargs = na;
	n->len = strlen(n->s);
	tg->kind = TAG_NODE;
	tg->n = n;
	return 0;
}

static int
block_type(const char *w, size_t n, enum node_type *t)
{
	if (n == 2 && memcmp(w, "if", 2) == 0)
		*t = NODE_IF;
	else if (n == 6 && memcmp(w, "unless", 6) == 0)
		*t = NODE_UNLESS;
	else if (n == 4 && memcmp(w, "each", 4) == 0)
		*t = NODE_EACH;
	else
		return -1;
	return 0;
}

/* {{#kw name}} or {{/kw}} with ps->t after the sigil. */
static int
parse_block(struct parser *ps, struct tag *tg, char sigil)
{
	enum node_type t;
	const char *w;
	size_t n;

	tag_skip_space(ps);
	n = tag_word(ps, &w);
	if (block_type(w, n, &t) != 0)
		return perr(ps, ps->tline, "unknown block {{%c%.*s}}", sigil, (int)n, w);
	if (sigil == '/') {
		tg->kind = TAG_CLOSE;
		tg->block = t;
		return tag_end(ps);
	}
	if ((tg->n = node_new(ps, t)) == NULL || tag_ref(ps, &tg->n->ref) != 0)
		return -1;
	tg->kind = TAG_OPEN;
	return tag_end(ps);
}

/* {{> name}}: a template name is a relative path. */
static int
parse_partial(struct parser *ps, struct tag *tg)
{
	const char *s;

	tag_skip_space(ps);
	for (s = ps->t; ps->t < ps->tend; ps->t++)
		if (!is_word(*ps->t) && *ps->t != '/' && *ps->t != '.' && *ps->t != '-')
			break;
	if (ps->t == s)
		return perr(ps, ps->tline, "expected a template name after {{>");
	if ((tg->n = node_new(ps, NODE_PARTIAL)) == NULL)
		return -1;
	tg->n->len = (size_t)(ps->t - s);
	tg->n->s = arena_strndup(ps->a, s, tg->n->len);
	if (tg->n->s == NULL)
		return perr(ps, ps->tline, "out of memory");
	tg->kind = TAG_NODE;
	return tag_end(ps);
}

/* Finds the "}}" closing a tag that starts at s; a translation tag may hold "}}" inside
 * its string. An unterminated string ends at the next "}}" and is reported by tag_string. */
static const char *
find_tag_end(struct parser *ps, const char *s)
{
	const char *q;
	bool quoted = false;

	while (s < ps->end && is_space(*s))
		s++;
	if (s + 1 < ps->end && *s == '_' && (is_space(s[1]) || s[1] == '"'))
		quoted = true;
	for (; s + 1 < ps->end; s++) {
		if (quoted && *s == '"') {
			for (q = s + 1; q < ps->end && *q != '"' && *q != '\n'; q++)
				if (*q == '\\' && q + 1 < ps->end && q[1] != '\n')
					q++;
			if (q >= ps->end || *q == '\n')
				return find(s, ps->end, "}}", 2);
			s = q;
			continue;
		}
		if (s[0] == '}' && s[1] == '}')
			return s;
	}
	return NULL;
}

/* Reads the tag at ps->p ("{{") into tg and moves ps->p past it. */
static int
parse_tag(struct parser *ps, struct tag *tg)
{
	const char *s = ps->p + 2, *e;
	size_t skip = 2;
	const char *w;
	size_t n;

	ps->tline = ps->line;
	tg->kind = TAG_NONE;
	while (s < ps->end && is_space(*s))
		s++;
	if (ps->end - s >= 3 && memcmp(s, "!--", 3) == 0) {
		e = find(s + 3, ps->end, "--}}", 4);
		skip = 4;
	} else if (s < ps->end && *s == '!') {
		e = find(s, ps->end, "}}", 2);
	} else {
		e = find_tag_end(ps, s);
	}
	if (e == NULL)
		return perr(ps, ps->tline, "unclosed tag");
	ps->t = s;
	ps->tend = e;
	ps->line += count_lines(ps->p, e);
	ps->p = e + skip;
	if (*s == '!')
		return 0;
	if (ps->t == ps->tend)
		return perr(ps, ps->tline, "empty tag");
	switch (*ps->t) {
	case '#':
	case '/':
		ps->t++;
		return parse_block(ps, tg, ps->t[-1]);
	case '>':
		ps->t++;
		return parse_partial(ps, tg);
	case '_':
		if (ps->t + 1 < ps->tend && (is_space(ps->t[1]) || ps->t[1] == '"')) {
			ps->t++;
			return parse_trans(ps, tg);
		}
		break;
	case 'e':
		s = ps->t;
		n = tag_word(ps, &w);
		if (n == 4 && memcmp(w, "else", 4) == 0) {
			tg->kind = TAG_ELSE;
			return tag_end(ps);
		}
		ps->t = s;
		break;
	default:
		break;
	}
	if ((tg->n = node_new(ps, NODE_VAR)) == NULL || tag_ref(ps, &tg->n->ref) != 0)
		return -1;
	if (ends_with(tg->n->ref.name, strlen(tg->n->ref.name), "_html"))
		tg->n->type = NODE_HTML;
	tg->kind = TAG_NODE;
	return tag_end(ps);
}

static void
append(struct open_block *b, struct node *n)
{
	*b->tail = n;
	b->tail = &n->next;
}

/* Builds the tree with an explicit stack of open blocks, so depth is checked, not recursed. */
static int
parse(struct parser *ps, struct node **root)
{
	struct open_block stack[TMPL_MAX_NEST + 1];
	struct open_block *top;
	size_t depth = 0;
	const char *o;
	struct node *n;
	struct tag tg;

	stack[0].n = NULL;
	stack[0].tail = root;
	stack[0].in_else = false;
	while (ps->p < ps->end) {
		top = &stack[depth];
		o = find(ps->p, ps->end, "{{", 2);
		if (o == NULL)
			o = ps->end;
		if (o > ps->p) {
			ps->tline = ps->line;
			if ((n = node_new(ps, NODE_TEXT)) == NULL)
				return -1;
			n->s = ps->p;
			n->len = (size_t)(o - ps->p);
			append(top, n);
			ps->line += count_lines(ps->p, o);
			ps->p = o;
			continue;
		}
		if (parse_tag(ps, &tg) != 0)
			return -1;
		switch (tg.kind) {
		case TAG_NONE:
			break;
		case TAG_NODE:
			append(top, tg.n);
			break;
		case TAG_OPEN:
			if (depth == TMPL_MAX_NEST)
				return perr(ps, ps->tline, "blocks nested deeper than %d", TMPL_MAX_NEST);
			append(top, tg.n);
			depth++;
			stack[depth].n = tg.n;
			stack[depth].tail = &tg.n->body;
			stack[depth].in_else = false;
			break;
		case TAG_ELSE:
			if (depth == 0 || top->n->type == NODE_EACH)
				return perr(ps, ps->tline, "{{else}} outside {{#if}} or {{#unless}}");
			if (top->in_else)
				return perr(ps, ps->tline, "second {{else}} in {{#%s}} of line %u",
				    block_kw(top->n->type), top->n->line);
			top->in_else = true;
			top->tail = &top->n->alt;
			break;
		case TAG_CLOSE:
			if (depth == 0)
				return perr(ps, ps->tline, "unmatched {{/%s}}", block_kw(tg.block));
			if (top->n->type != tg.block)
				return perr(ps, ps->tline, "{{/%s}} closes {{#%s}} of line %u",
				    block_kw(tg.block), block_kw(top->n->type), top->n->line);
			depth--;
			break;
		}
	}
	if (depth > 0)
		return perr(ps, stack[depth].n->line, "unclosed {{#%s}}",
		    block_kw(stack[depth].n->type));
	return 0;
}

/* ---- sets ---- */

static struct tmpl *
set_find(const struct tmpl_set *set, const char *name)
{
	struct tmpl *t;

	for (t = set->head; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static struct tmpl_set *
set_new(void)
{
	struct arena *a = arena_new(0);
	struct tmpl_set *set;

	if (a == NULL)
		return NULL;
	set = arena_alloc(a, sizeof(*set));
	if (set == NULL) {
		arena_free(a);
		return NULL;
	}
	set->a = a;
	return set;
}

/* First line of text that is not valid UTF-8 (newlines never sit inside a sequence). */
static unsigned
bad_utf8_line(const char *s, size_t len)
{
	const char *end = s + len, *nl;
	unsigned line = 1;

	for (;;) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL || !utf8_valid(s, (size_t)(nl - s)))
			return line;
		s = nl + 1;
		line++;
	}
}

/* Parses text as template name and adds it to set; file names it in messages. */
static int
set_add(struct tmpl_set *set, const char *name, const char *file, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct parser ps;
	struct tmpl *t;
	char *copy;

	memset(&ps, 0, sizeof(ps));
	ps.a = set->a;
	ps.file = file;
	ps.err = err;
	ps.errlen = errlen;
	if (len > TMPL_MAX_FILE)
		return perr(&ps, 1, "larger than 1 MiB");
	if (!utf8_valid(text, len))
		return perr(&ps, bad_utf8_line(text, len), "invalid UTF-8 or NUL byte");
	if (set_find(set, name) != NULL)
		return perr(&ps, 1, "duplicate template name \"%s\"", name);
	t = arena_alloc(set->a, sizeof(*t));
	copy = arena_strndup(set->a, text, len);
	if (t == NULL || copy == NULL || (t->name = arena_strdup(set->a, name)) == NULL ||
	    (t->file = arena_strdup(set->a, file)) == NULL)
		return perr(&ps, 1, "out of memory");
	ps.p = copy;
	ps.end = copy + len;
	ps.line = 1;
	if (parse(&ps, &t->root) != 0)
		return -1;
	if (set->last != NULL)
		set->last->next = t;
	else
		set->head = t;
	set->last = t;
	return 0;
}

int
tmpl_parse_string(const char *name, const char *text, size_t len, struct tmpl_set **out,
    char *err, size_t errlen)
{
	struct tmpl_set *set = *out;

	if (name == NULL || *name == '\0' || (text == NULL && len > 0)) {
		seterr(err, errlen, "tmpl_parse_string: no name or text");
		return -1;
	}
	if (set == NULL && (set = set_new()) == NULL) {
		seterr(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if (set_add(set, name, name, text ? text : "", len, err, errlen) != 0) {
		if (*out == NULL)
			tmpl_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

/* Points every {{> x}} at its template; an unknown name is a load error. */
static int
link_nodes(const struct tmpl_set *set, const struct tmpl *t, struct node *n, char *err,
    size_t errlen)
{
	for (; n != NULL; n = n->next) {
		if (n->type == NODE_PARTIAL) {
			n->target = set_find(set, n->s);
			if (n->target == NULL) {
				seterr(err, errlen, "%s:%u: unknown partial \"%s\"", t->file,
				    n->line, n->s);
				return -1;
			}
		}
		if (link_nodes(set, t, n->body, err, errlen) != 0 ||
		    link_nodes(set, t, n->alt, err, errlen) != 0)
			return -1;
	}
	return 0;
}

static int
read_file(const char *path, struct buf *b, char *err, size_t errlen)
{
	char chunk[16384];
	ssize_t r;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		if (buf_add(b, chunk, (size_t)r) != 0) {
			seterr(err, errlen, "%s:1: larger than 1 MiB", path);
			goto done;
		}
	}
	rc = 0;
done:
	close(fd);
	return rc;
}

static int
load_file(struct tmpl_set *set, const char *path, const char *rel, char *err, size_t errlen)
{
	struct buf b;
	char *name;
	int rc = -1;

	buf_init(&b, TMPL_MAX_FILE);
	name = arena_strndup(set->a, rel, strlen(rel) - strlen(".html"));
	if (name == NULL) {
		seterr(err, errlen, "%s: out of memory", path);
		goto done;
	}
	if (read_file(path, &b, err, errlen) != 0)
		goto done;
	rc = set_add(set, name, path, b.data ? b.data : "", b.len, err, errlen);
done:
	buf_free(&b);
	return rc;
}

/* Loads every *.html below root/rel ("" for root); hidden entries are skipped. */
static int
load_tree(struct tmpl_set *set, const char *root, const char *rel, int depth, char *err,
    size_t errlen)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent **ents = NULL;
	struct stat st;
	const char *d;
	int i, n, k, rc = -1;

	k = snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if (k < 0 || (size_t)k >= sizeof(path)) {
		seterr(err, errlen, "%s/%s: path too long", root, rel);
		return -1;
	}
	if (depth > TMPL_MAX_DIRS) {
		seterr(err, errlen, "%s: folders nested deeper than %d", path, TMPL_MAX_DIRS);
		return -1;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		d = ents[i]->d_name;
		if (d[0] == '.')
			continue;
		k = snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", d);
		if (k >= 0 && (size_t)k < sizeof(sub))
			k = snprintf(path, sizeof(path), "%s/%s", root, sub);
		if (k < 0 || (size_t)k >= sizeof(path)) {
			seterr(err, errlen, "%s/%s: path too long", root, rel);
			goto done;
		}
		if (stat(path, &st) != 0) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (S_ISDIR(st.st_mode)) {
			if (load_tree(set, root, sub, depth + 1, err, errlen) != 0)
				goto done;
		} else if (S_ISREG(st.st_mode) && strlen(d) > strlen(".html") &&
		    ends_with(d, strlen(d), ".html")) {
			if (load_file(set, path, sub, err, errlen) != 0)
				goto done;
		}
	}
	rc = 0;
done:
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

int
tmpl_load_dir(const char *dir, struct tmpl_set **out, char *err, size_t errlen)
{
	struct tmpl_set *set;
	struct tmpl *t;

	*out = NULL;
	if ((set = set_new()) == NULL) {
		seterr(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	if (load_tree(set, dir, "", 0, err, errlen) != 0)
		goto fail;
	for (t = set->head; t != NULL; t = t->next)
		if (link_nodes(set, t, t->root, err, errlen) != 0)
			goto fail;
	*out = set;
	return 0;
fail:
	tmpl_free(set);
	return -1;
}

void
tmpl_free(struct tmpl_set *set)
{
	if (set != NULL)
		arena_free(set->a);
}

bool
tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return set != NULL && name != NULL && set_find(set, name) != NULL;
}

static void
each_msgid(const struct node *n, void (*fn)(void *arg, const char *msgid), void *arg)
{
	for (; n != NULL; n = n->next) {
		if (n->type == NODE_TRANS)
			fn(arg, n->s);
		each_msgid(n->body, fn, arg);
		each_msgid(n->alt, fn, arg);
	}
}

void
tmpl_each_msgid(const struct tmpl_set *set, void (*fn)(void *arg, const char *msgid), void *arg)
{
	const struct tmpl *t;

	if (set == NULL || fn == NULL)
		return;
	for (t = set->head; t != NULL; t = t->next)
		each_msgid(t->root, fn, arg);
}

/* ---- contexts ---- */

struct tmpl_ctx *
tmpl_ctx_new(struct arena *a)
{
	struct tmpl_ctx *c;

	if (a == NULL)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	if (c != NULL)
		c->a = a;
	return c;
}

static struct entry *
ctx_find(const struct tmpl_ctx *c, const char *key)
{
	struct entry *e;

	for (e = c->vars; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* Returns the entry for key in c (replacing its value), or NULL. */
static struct entry *
ctx_slot(struct tmpl_ctx *c, const char *key)
{
	struct entry *e;

	if (c == NULL || !valid_key(key))
		return NULL;
	e = ctx_find(c, key);
	if (e == NULL) {
		e = arena_alloc(c->a, sizeof(*e));
		if (e == NULL || (e->key = arena_strdup(c->a, key)) == NULL)
			return NULL;
		e->next = c->vars;
		c->vars = e;
	}
	e->first = e->lastitem = NULL;
	e->count = 0;
	e->s = NULL;
	e->len = 0;
	e->i = 0;
	return e;
}

static int
ctx_set_text(struct tmpl_ctx *c, const char *key, const char *text, enum val_type type)
{
	struct entry *e;
	char *s;

	if (c == NULL || text == NULL || (s = arena_strdup(c->a, text)) == NULL)
		return -1;
	if ((e = ctx_slot(c, key)) == NULL)
		return -1;
	e->type = type;
	e->s = s;
	e->len = strlen(s);
	return 0;
}

int
tmpl_set(struct tmpl_ctx *c, const char *key, const char *text)
{
	return ctx_set_text(c, key, text, VAL_TEXT);
}

int
tmpl_setf(struct tmpl_ctx *c, const char *key, const char *fmt, ...)
{
	struct entry *e;
	va_list ap;
	char *s;

	if (c == NULL || fmt == NULL)
		return -1;
	va_start(ap, fmt);
	s = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	if (s == NULL || (e = ctx_slot(c, key)) == NULL)
		return -1;
	e->type = VAL_TEXT;
	e->s = s;
	e->len = strlen(s);
	return 0;
}

int
tmpl_set_html(struct tmpl_ctx *c, const char *key, const char *html)
{
	if (key == NULL || !ends_with(key, strlen(key), "_html"))
		return -1;
	return ctx_set_text(c, key, html, VAL_HTML);
}

int
tmpl_set_bool(struct tmpl_ctx *c, const char *key, bool v)
{
	struct entry *e = ctx_slot(c, key);

	if (e == NULL)
		return -1;
	e->type = VAL_BOOL;
	e->i = v;
	return 0;
}

int
tmpl_set_int(struct tmpl_ctx *c, const char *key, int64_t v)
{
	struct entry *e = ctx_slot(c, key);

	if (e == NULL)
		return -1;
	e->type = VAL_INT;
	e->i = v;
	return 0;
}

struct tmpl_ctx *
tmpl_list_add(struct tmpl_ctx *c, const char *key)
{
	struct tmpl_ctx *item;
	struct entry *e;

	if (c == NULL || !valid_key(key))
		return NULL;
	e = ctx_find(c, key);
	if (e != NULL && e->type != VAL_LIST)
		return NULL;
	if ((item = tmpl_ctx_new(c->a)) == NULL)
		return NULL;
	if (e == NULL) {
		if ((e = ctx_slot(c, key)) == NULL)
			return NULL;
		e->type = VAL_LIST;
	}
	item->parent = c;
	if (e->lastitem != NULL)
		e->lastitem->next = item;
	else
		e->first = item;
	e->lastitem = item;
	e->count++;
	return item;
}

/* ---- rendering ---- */

/* One level of lookup: the context given to tmpl_render, or an item of {{#each}}.
 * Names resolve in the scope's context and its parents, then in the enclosing scope. */
struct scope {
	const struct scope *up;
	const struct tmpl_ctx *ctx;
	bool item;
	size_t index, count;	/* when item */
};

struct render {
	const struct tmpl_set *set;
	tmpl_translate_fn tr;
	void *tr_arg;
	struct buf *out;
	unsigned depth;		/* {{> x}} being rendered */
	unsigned long steps;
};

static const struct entry *
lookup(const struct scope *sc, const struct ref *r, struct entry *tmp)
{
	const struct tmpl_ctx *c;
	const struct entry *e;

	if (r->sp != SP_NONE) {
		while (sc != NULL && !sc->item)
			sc = sc->up;
		if (sc == NULL)
			return NULL;
		memset(tmp, 0, sizeof(*tmp));
		tmp->type = r->sp == SP_INDEX ? VAL_INT : VAL_BOOL;
		if (r->sp == SP_INDEX)
			tmp->i = (int64_t)sc->index;
		else if (r->sp == SP_FIRST)
			tmp->i = sc->index == 0;
		else
			tmp->i = sc->index + 1 == sc->count;
		return tmp;
	}
	for (; sc != NULL; sc = sc->up)
		for (c = sc->ctx; c != NULL; c = c->parent)
			if ((e = ctx_find(c, r->name)) != NULL)
				return e;
	return NULL;
}

static bool
truthy(const struct entry *e)
{
	if (e == NULL)
		return false;
	switch (e->type) {
	case VAL_TEXT:
	case VAL_HTML:
		return e->len > 0;
	case VAL_BOOL:
	case VAL_INT:
		return e->i != 0;
	case VAL_LIST:
		return e->count > 0;
	}
	return false;
}

/* The text of a value as it is written: ints in decimal, bools and lists as nothing. */
static const char *
value_text(const struct entry *e, char num[24], size_t *len)
{
	int k;

	*len = 0;
	if (e == NULL)
		return "";
	switch (e->type) {
	case VAL_TEXT:
	case VAL_HTML:
		*len = e->len;
		return e->s;
	case VAL_INT:
		k = snprintf(num, 24, "%" PRId64, e->i);
		*len = k > 0 ? (size_t)k : 0;
		return num;
	case VAL_BOOL:
	case VAL_LIST:
		break;
	}
	return "";
}

/* Translates, then replaces {1}..{9} by escaped arguments; the rest is escaped too. */
static int
render_trans(struct render *r, const struct node *n, const struct scope *sc)
{
	const char *msg, *p, *run, *v;
	char num[24];
	struct entry tmp;
	size_t len;

	msg = r->tr != NULL ? r->tr(r->tr_arg, n->s) : n->s;
	if (msg == NULL)
		msg = n->s;
	for (p = run = msg; *p != '\0'; p++) {
		if (p[0] != '{' || p[1] < '1' || p[1] > '9' || p[2] != '}' ||
		    (unsigned)(p[1] - '0') > n->nargs)
			continue;
		v = value_text(lookup(sc, &n->args[p[1] - '1'], &tmp), num, &len);
		if (html_escape(r->out, run, (size_t)(p - run)) != 0 ||
		    html_escape(r->out, v, len) != 0)
			return -1;
		p += 2;
		run = p + 1;
	}
	return html_escape(r->out, run, (size_t)(p - run));
}

static int render_nodes(struct render *r, const struct node *n, const struct scope *sc);

static int
render_each(struct render *r, const struct node *n, const struct scope *sc)
{
	const struct entry *e;
	struct entry tmp;
	struct scope item;
	const struct tmpl_ctx *c;

	e = lookup(sc, &n->ref, &tmp);
	if (e == NULL || e->type != VAL_LIST)
		return 0;
	item.up = sc;
	item.item = true;
	item.count = e->count;
	item.index = 0;
	for (c = e->first; c != NULL; c = c->next, item.index++) {
		if (++r->steps > TMPL_MAX_STEPS)
			return -1;
		item.ctx = c;
		if (render_nodes(r, n->body, &item) != 0)
			return -1;
	}
	return 0;
}

static int
render_node(struct render *r, const struct node *n, const struct scope *sc)
{
	const struct tmpl *t;
	const struct entry *e;
	struct entry tmp;
	const char *v;
	char num[24];
	size_t len;
	int rc;

	switch (n->type) {
	case NODE_TEXT:
		return buf_add(r->out, n->s, n->len);
	case NODE_VAR:
	case NODE_HTML:
		e = lookup(sc, &n->ref, &tmp);
		v = value_text(e, num, &len);
		if (n->type == NODE_HTML && e != NULL && e->type == VAL_HTML)
			return buf_add(r->out, v, len);
		return html_escape(r->out, v, len);
	case NODE_TRANS:
		return render_trans(r, n, sc);
	case NODE_IF:
	case NODE_UNLESS:
		if (truthy(lookup(sc, &n->ref, &tmp)) != (n->type == NODE_UNLESS))
			return render_nodes(r, n->body, sc);
		return render_nodes(r, n->alt, sc);
	case NODE_EACH:
		return render_each(r, n, sc);
	case NODE_PARTIAL:
		t = n->target != NULL ? n->target : set_find(r->set, n->s);
		if (t == NULL || r->depth == TMPL_MAX_INCL)
			return -1;
		r->depth++;
		rc = render_nodes(r, t->root, sc);
		r->depth--;
		return rc;
	}
	return -1;
}

static int
render_nodes(struct render *r, const struct node *n, const struct scope *sc)
{
	for (; n != NULL; n = n->next) {
		if (++r->steps > TMPL_MAX_STEPS)
			return -1;
		if (render_node(r, n, sc) != 0)
			return -1;
	}
	return 0;
}

int
tmpl_render(const struct tmpl_set *set, const char *name, struct tmpl_ctx *ctx,
    tmpl_translate_fn tr, void *tr_arg, struct buf *out)
{
	const struct tmpl *t;
	struct render r;
	struct scope root;
	size_t start = out->len;

	if (set == NULL || name == NULL || (t = set_find(set, name)) == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.set = set;
	r.tr = tr;
	r.tr_arg = tr_arg;
	r.out = out;
	memset(&root, 0, sizeof(root));
	root.ctx = ctx;
	if (render_nodes(&r, t->root, &root) == 0)
		return 0;
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return -1;
}

static const char *
entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '`':
		return "&#96;";
	case '=':
		return "&#61;";
	default:
		return NULL;
	}
}

int
html_escape(struct buf *out, const char *s, size_t n)
{
	size_t i, run = 0, start = out->len;
	const char *ent;

	for (i = 0; i < n; i++) {
		if ((ent = entity(s[i])) == NULL)
			continue;
		if (buf_add(out, s + run, i - run) != 0 || buf_puts(out, ent) != 0)
			goto fail;
		run = i + 1;
	}
	if (buf_add(out, s + run, n - run) == 0)
		return 0;
fail:
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return -1;
}
