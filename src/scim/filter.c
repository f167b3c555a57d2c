/* filter.c — SCIM 2.0 filters (RFC 7644 §3.4.2.2): a recursive-descent parser bounded in
 * length, nodes and depth, the matcher over a getter, the seek condition, PATCH paths. */
#include "scim/filter.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

enum kind { K_AND, K_OR, K_NOT, K_CMP, K_VALPATH };
enum lit { L_NONE, L_STRING, L_NUMBER, L_TRUE, L_FALSE, L_NULL };

/* A point in time: seconds since 1970 (UTC) and nanoseconds. */
struct stime {
	long long sec;
	long nsec;
};

struct node {
	enum kind kind;
	enum scim_op op;
	enum lit lit;
	int attr;            /* CMP: index in attrs[]; VALPATH: the complex attribute's, or -1 */
	const char *value;   /* the literal, unescaped */
	const char *folded;  /* STRING, not case-exact: the literal case-folded */
	long long num;       /* INTEGER literal */
	struct stime time;   /* DATETIME literal */
	struct node *l, *r;  /* AND/OR: both; NOT, VALPATH: l */
};

struct scim_filter {
	struct node *root;
	const struct scim_attr *attrs;
	size_t nattrs;
};

struct parser {
	struct arena *a;
	const char *s;
	size_t n, pos;
	const struct scim_attr *attrs;
	size_t nattrs;
	const char *const *urns;
	const char *what;    /* "filter" or "path", for the messages */
	const char *prefix;  /* inside brackets: the complex attribute as typed */
	size_t prefix_len;
	int nodes, depth;
	const char *err;
	bool nomem;
};

static const char *const op_names[] = {
	[SCIM_EQ] = "eq", [SCIM_NE] = "ne", [SCIM_CO] = "co", [SCIM_SW] = "sw", [SCIM_EW] = "ew",
	[SCIM_PR] = "pr", [SCIM_GT] = "gt", [SCIM_GE] = "ge", [SCIM_LT] = "lt", [SCIM_LE] = "le",
};

/* Records the first error, at byte position pos (shown 1-based). */
static void *
fail(struct parser *p, size_t pos, const char *msg)
{
	if (p->err != NULL || p->nomem)
		return NULL;
	p->err = arena_printf(p->a, "invalid %s at character %zu: %s", p->what, pos + 1, msg);
	if (p->err == NULL)
		p->nomem = true;
	return NULL;
}

static void *
nomem(struct parser *p)
{
	p->nomem = true;
	return NULL;
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '.' || c == ':' || c == '$';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void
skip_ws(struct parser *p)
{
	while (p->pos < p->n && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

/* Whether the word w (lower case) stands at the cursor, followed by something that ends a
 * word; the cursor moves past it when so. */
static bool
keyword(struct parser *p, const char *w)
{
	size_t k = strlen(w);

	if (p->n - p->pos < k || strncasecmp(p->s + p->pos, w, k) != 0)
		return false;
	if (p->pos + k < p->n && is_name_char(p->s[p->pos + k]))
		return false;
	p->pos += k;
	return true;
}

/* Length of the URN of urns[] (followed by ':') that s[0..n) starts with, the longest, or 0. */
static size_t
urn_prefix(const char *s, size_t n, const char *const *urns)
{
	size_t best = 0;

	for (size_t i = 0; urns != NULL && urns[i] != NULL; i++) {
		size_t k = strlen(urns[i]);

		if (k + 1 < n && k + 1 > best && strncasecmp(s, urns[i], k) == 0 && s[k] == ':')
			best = k + 1;
	}
	return best;
}

static bool
same_ci(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && strncasecmp(a, b, an) == 0;
}

/* The index in attrs[] of the path name[0..n): as written, else with the URN prefixes left
 * out on either side; -1 when none. */
static int
find_attr(const struct scim_attr *attrs, size_t nattrs, const char *const *urns,
    const char *name, size_t n)
{
	size_t off = urn_prefix(name, n, urns);

	for (size_t i = 0; i < nattrs; i++)
		if (same_ci(name, n, attrs[i].path, strlen(attrs[i].path)))
			return (int)i;
	for (size_t i = 0; i < nattrs; i++) {
		size_t pn = strlen(attrs[i].path), po = urn_prefix(attrs[i].path, pn, urns);

		if (same_ci(name + off, n - off, attrs[i].path + po, pn - po))
			return (int)i;
	}
	return -1;
}

int
scim_attr_find(const struct scim_attr *attrs, size_t nattrs, const char *const *urns,
    const char *path)
{
	if (path == NULL || attrs == NULL)
		return -1;
	return find_attr(attrs, nattrs, urns, path, strlen(path));
}

static struct node *
new_node(struct parser *p, enum kind k, size_t pos)
{
	struct node *n;

	if (++p->nodes > SCIM_FILTER_NODES)
		return fail(p, pos, "too many conditions (at most 64 conditions and operators)");
	n = arena_alloc(p->a, sizeof(*n));
	if (n == NULL)
		return nomem(p);
	n->kind = k;
	n->attr = -1;
	return n;
}

/* Reads an attribute path at the cursor; *len its length (0: none there). */
static const char *
read_path(struct parser *p, size_t *len)
{
	size_t start = p->pos;

	if (p->pos < p->n && is_alpha(p->s[p->pos]))
		while (p->pos < p->n && is_name_char(p->s[p->pos]))
			p->pos++;
	*len = p->pos - start;
	return p->s + start;
}

/* The attribute a name at start names: inside brackets, relative to the complex one. */
static int
resolve(struct parser *p, const char *name, size_t len, size_t start)
{
	int i;

	if (p->prefix != NULL) {
		char *full = arena_printf(p->a, "%.*s.%.*s", (int)p->prefix_len, p->prefix,
		    (int)len, name);

		if (full == NULL)
			return nomem(p), -1;
		i = find_attr(p->attrs, p->nattrs, p->urns, full, strlen(full));
	} else {
		i = find_attr(p->attrs, p->nattrs, p->urns, name, len);
	}
	if (i < 0) {
		const char *m = arena_printf(p->a, "unknown attribute \"%.*s\"",
		    len > 80 ? 80 : (int)len, name);

		if (m == NULL)
			return nomem(p), -1;
		fail(p, start, m);
	}
	return i;
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* One \u escape (and its low surrogate) at s[*i] (just after the backslash-u); the code
 * point, or 0 when malformed or a lone surrogate. */
static unsigned
read_u_escape(struct parser *p, size_t *i)
{
	unsigned hi, lo;

	if (p->n - *i < 4 || hex4(p->s + *i, &hi) != 0)
		return 0;
	*i += 4;
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return 0;
	if (hi < 0xD800 || hi > 0xDBFF)
		return hi;
	if (p->n - *i < 6 || p->s[*i] != '\\' || p->s[*i + 1] != 'u' ||
	    hex4(p->s + *i + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
		return 0;
	*i += 6;
	return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

/* A JSON string at the cursor (on its opening quote): unescaped into the arena. */
static const char *
read_string(struct parser *p)
{
	size_t start = p->pos, i = p->pos + 1, o = 0;
	char *out = arena_alloc(p->a, p->n - p->pos + 1);

	if (out == NULL)
		return nomem(p);
	for (;;) {
		char c;

		if (i >= p->n)
			return fail(p, start, "string without its closing quote");
		c = p->s[i];
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			return fail(p, i, "control character in a string (escape it)");
		if (c != '\\') {
			out[o++] = c;
			i++;
			continue;
		}
		if (++i >= p->n)
			return fail(p, start, "string without its closing quote");
		c = p->s[i++];
		switch (c) {
		case '"': case '\\': case '/':
			out[o++] = c;
			break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			size_t at = i - 2;
			unsigned cp = read_u_escape(p, &i);

			if (cp == 0)
				return fail(p, at, "bad \\u escape (four hex digits, no lone "
				    "surrogate, no \\u0000)");
			o += put_utf8(out + o, cp);
			break;
		}
		default:
			return fail(p, i - 2, "bad escape in a string (\\\" \\\\ \\/ \\b \\f \\n "
			    "\\r \\t \\uXXXX)");
		}
	}
	out[o] = '\0';
	if (!utf8_valid(out, o))
		return fail(p, start, "string is not valid UTF-8");
	p->pos = i + 1;
	return out;
}

/* A JSON number at the cursor; *integer whether it has neither fraction nor exponent. */
static const char *
read_number(struct parser *p, bool *integer)
{
	size_t start = p->pos, i = p->pos;
	const char *s = p->s;
	char *out;

	*integer = true;
	if (i < p->n && s[i] == '-')
		i++;
	if (i < p->n && s[i] == '0')
		i++;
	else if (i < p->n && s[i] >= '1' && s[i] <= '9')
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return fail(p, start, "bad number");
	if (i < p->n && s[i] == '.') {
		*integer = false;
		if (++i >= p->n || s[i] < '0' || s[i] > '9')
			return fail(p, start, "bad number");
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
		*integer = false;
		if (++i < p->n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->n || s[i] < '0' || s[i] > '9')
			return fail(p, start, "bad number");
		while (i < p->n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->n && is_name_char(s[i]))
		return fail(p, start, "bad number");
	out = arena_strndup(p->a, s + start, i - start);
	if (out == NULL)
		return nomem(p);
	p->pos = i;
	return out;
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(int y, int m, int d)
{
	long long yy = y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* An xsd:dateTime, YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM] (no zone: UTC). */
static int
parse_time(const char *s, struct stime *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se, zh = 0, zm = 0, sign = 0;
	long ns = 0, scale = 100000000;
	size_t i = 19;

	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':' || digits(s, 4, &y) != 0 ||
	    digits(s + 5, 2, &mo) != 0 || digits(s + 8, 2, &d) != 0 ||
	    digits(s + 11, 2, &h) != 0 || digits(s + 14, 2, &mi) != 0 ||
	    digits(s + 17, 2, &se) != 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	if (s[i] == '.') {
		if (s[++i] < '0' || s[i] > '9')
			return -1;
		for (; s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			ns += (s[i] - '0') * scale;
	}
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '+' ? 1 : -1;
		if (digits(s + i + 1, 2, &zh) != 0 || s[i + 3] != ':' ||
		    digits(s + i + 4, 2, &zm) != 0 || zh > 14 || zm > 59)
			return -1;
		i += 6;
	}
	if (s[i] != '\0')
		return -1;
	t->sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    sign * (zh * 3600 + zm * 60);
	t->nsec = ns;
	return 0;
}

static int
parse_int(const char *s, long long *out)
{
	char *end;

	if (*s == '\0' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* The case-folded copy of s in the arena. */
static const char *
fold_arena(struct arena *a, const char *s)
{
	char *f = g_utf8_casefold(s, -1);
	char *out;

	if (f == NULL)
		return NULL;
	out = arena_strdup(a, f);
	g_free(f);
	return out;
}

/* Whether op and literal suit the attribute's type (a mismatch is refused, as RFC 7644
 * asks for gt/lt on booleans); converts the literal. */
static void *
check_literal(struct parser *p, struct node *n, size_t at, bool integer)
{
	const struct scim_attr *at_ = &p->attrs[n->attr];
	bool ordered = n->op >= SCIM_GT, text = n->op >= SCIM_CO && n->op <= SCIM_EW;

	if (n->lit == L_NULL)
		return n->op == SCIM_EQ || n->op == SCIM_NE ? n :
		    fail(p, at, "null goes only with eq or ne");
	switch (at_->type) {
	case SCIM_STRING:
		if (n->lit != L_STRING)
			return fail(p, at, "this attribute takes a string");
		if (!at_->case_exact && (n->folded = fold_arena(p->a, n->value)) == NULL)
			return nomem(p);
		return n;
	case SCIM_BOOLEAN:
		if (ordered || text)
			return fail(p, at, "a boolean takes only eq or ne");
		if (n->lit != L_TRUE && n->lit != L_FALSE)
			return fail(p, at, "this attribute takes true or false");
		return n;
	case SCIM_DATETIME:
		if (text)
			return fail(p, at, "co, sw and ew take only a string attribute");
		if (n->lit != L_STRING || parse_time(n->value, &n->time) != 0)
			return fail(p, at, "this attribute takes a date and time "
			    "(\"2011-05-13T04:42:34Z\")");
		return n;
	case SCIM_INTEGER:
		if (text)
			return fail(p, at, "co, sw and ew take only a string attribute");
		if (n->lit != L_NUMBER || !integer || parse_int(n->value, &n->num) != 0)
			return fail(p, at, "this attribute takes an integer");
		return n;
	}
	return fail(p, at, "unknown attribute type");
}

/* The comparison value at the cursor. */
static void *
read_literal(struct parser *p, struct node *n, bool *integer)
{
	char c = p->pos < p->n ? p->s[p->pos] : '\0';

	*integer = false;
	if (c == '"') {
		n->lit = L_STRING;
		n->value = read_string(p);
		return (void *)n->value;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		n->lit = L_NUMBER;
		n->value = read_number(p, integer);
		return (void *)n->value;
	}
	n->value = "";
	if (keyword(p, "true"))
		n->lit = L_TRUE;
	else if (keyword(p, "false"))
		n->lit = L_FALSE;
	else if (keyword(p, "null"))
		n->lit = L_NULL;
	else
		return fail(p, p->pos, "expected a value (a \"string\", a number, true, false "
		    "or null)");
	n->value = n->lit == L_TRUE ? "true" : n->lit == L_FALSE ? "false" : "null";
	return n;
}

static struct node *parse_or(struct parser *p);

/* attrPath "[" valFilter "]": the brackets' names are relative to the attribute. */
static struct node *
parse_valpath(struct parser *p, const char *name, size_t len, size_t start)
{
	size_t off = urn_prefix(name, len, p->urns);
	struct node *n;

	if (p->prefix != NULL)
		return fail(p, p->pos, "value paths do not nest");
	if (memchr(name + off, '.', len - off) != NULL)
		return fail(p, p->pos, "brackets follow a multi-valued attribute, not a "
		    "sub-attribute");
	if (++p->depth > SCIM_FILTER_DEPTH)
		return fail(p, p->pos, "nested too deeply (at most 16 levels)");
	if ((n = new_node(p, K_VALPATH, start)) == NULL)
		return NULL;
	n->attr = find_attr(p->attrs, p->nattrs, p->urns, name, len);
	p->prefix = name;
	p->prefix_len = len;
	p->pos++;
	n->l = parse_or(p);
	p->prefix = NULL;
	if (n->l == NULL)
		return NULL;
	skip_ws(p);
	if (p->pos >= p->n || p->s[p->pos] != ']')
		return fail(p, p->pos, "expected ] to close the value path");
	p->pos++;
	p->depth--;
	return n;
}

/* attrPath SP "pr" / attrPath SP compareOp SP compValue / valuePath. */
static struct node *
parse_attr_exp(struct parser *p)
{
	size_t start = p->pos, len, opat;
	const char *name = read_path(p, &len);
	struct node *n;
	bool integer;
	int op = -1;

	if (len == 0)
		return fail(p, start, p->pos >= p->n ? "expected an attribute, found the end" :
		    "expected an attribute name, not or (");
	if (p->pos < p->n && p->s[p->pos] == '[')
		return parse_valpath(p, name, len, start);
	if ((n = new_node(p, K_CMP, start)) == NULL)
		return NULL;
	if ((n->attr = resolve(p, name, len, start)) < 0)
		return NULL;
	if (p->pos >= p->n || p->s[p->pos] != ' ')
		return fail(p, p->pos, "expected a space then an operator");
	skip_ws(p);
	opat = p->pos;
	for (int i = 0; i <= SCIM_LE && op < 0; i++)
		if (keyword(p, op_names[i]))
			op = i;
	if (op < 0)
		return fail(p, opat, "unknown operator (eq, ne, co, sw, ew, pr, gt, ge, lt, le)");
	n->op = (enum scim_op)op;
	if (n->op == SCIM_PR) {
		n->lit = L_NONE;
		return n;
	}
	if (p->pos >= p->n || p->s[p->pos] != ' ')
		return fail(p, p->pos, "expected a space then a value");
	skip_ws(p);
	opat = p->pos;
	if (read_literal(p, n, &integer) == NULL)
		return NULL;
	return check_literal(p, n, opat, integer);
}

/* "(" FILTER ")" at the cursor (on the parenthesis). */
static struct node *
parse_group(struct parser *p)
{
	size_t open = p->pos;
	struct node *n;

	if (++p->depth > SCIM_FILTER_DEPTH)
		return fail(p, p->pos, "nested too deeply (at most 16 levels)");
	p->pos++;
	if ((n = parse_or(p)) == NULL)
		return NULL;
	skip_ws(p);
	if (p->pos >= p->n || p->s[p->pos] != ')')
		return fail(p, p->pos >= p->n ? open : p->pos, p->pos >= p->n ?
		    "unbalanced parenthesis: ( without )" : "expected )");
	p->pos++;
	p->depth--;
	return n;
}

static struct node *
parse_not(struct parser *p)
{
	size_t at;
	struct node *n;

	skip_ws(p);
	at = p->pos;
	if (keyword(p, "not")) {
		skip_ws(p);
		if (p->pos >= p->n || p->s[p->pos] != '(')
			return fail(p, p->pos, "expected ( after not");
		if ((n = new_node(p, K_NOT, at)) == NULL)
			return NULL;
		n->l = parse_group(p);
		return n->l == NULL ? NULL : n;
	}
	if (p->pos < p->n && p->s[p->pos] == '(')
		return parse_group(p);
	if (p->pos < p->n && p->s[p->pos] == ')')
		return fail(p, p->pos, "unbalanced parenthesis: ) without (");
	return parse_attr_exp(p);
}

/* One level of the precedence (and over or): left-associative chains. */
static struct node *
parse_chain(struct parser *p, const char *word, enum kind k,
    struct node *(*sub)(struct parser *))
{
	struct node *l = sub(p), *n;

	while (l != NULL) {
		size_t at;

		skip_ws(p);
		at = p->pos;
		if (!keyword(p, word))
			break;
		if ((n = new_node(p, k, at)) == NULL)
			return NULL;
		n->l = l;
		if ((n->r = sub(p)) == NULL)
			return NULL;
		l = n;
	}
	return l;
}

static struct node *
parse_and(struct parser *p)
{
	return parse_chain(p, "and", K_AND, parse_not);
}

static struct node *
parse_or(struct parser *p)
{
	return parse_chain(p, "or", K_OR, parse_and);
}

/* The checks every entry point makes on the text. 0 ok, 1 refused. */
static int
parser_init(struct parser *p, struct arena *a, const char *what, const char *text,
    const struct scim_attr *attrs, size_t nattrs, const char *const *urns)
{
	memset(p, 0, sizeof(*p));
	p->a = a;
	p->what = what;
	p->attrs = attrs;
	p->nattrs = nattrs;
	p->urns = urns;
	p->s = text != NULL ? text : "";
	p->n = text != NULL ? strnlen(text, SCIM_FILTER_MAX + 1) : 0;
	if (p->n > SCIM_FILTER_MAX) {
		p->err = arena_printf(a, "invalid %s: longer than %d bytes", what, SCIM_FILTER_MAX);
		return 1;
	}
	if (p->n == 0) {
		p->err = arena_printf(a, "invalid %s: empty", what);
		return 1;
	}
	return 0;
}

static int
parser_result(struct parser *p, const char **err)
{
	if (p->nomem || p->err == NULL) {
		if (err != NULL)
			*err = NULL;
		return -1;
	}
	if (err != NULL)
		*err = p->err;
	return 1;
}

int
scim_filter_parse(struct arena *a, const char *text, const struct scim_attr *attrs,
    size_t nattrs, const char *const *urns, struct scim_filter **out, const char **err)
{
	struct parser p;
	struct scim_filter *f;
	struct node *root;

	*out = NULL;
	if (parser_init(&p, a, "filter", text, attrs, nattrs, urns) != 0)
		return parser_result(&p, err);
	root = parse_or(&p);
	if (root != NULL) {
		skip_ws(&p);
		if (p.pos < p.n)
			root = fail(&p, p.pos, p.s[p.pos] == ')' ?
			    "unbalanced parenthesis: ) without (" :
			    "expected and, or or the end of the filter");
	}
	if (root == NULL)
		return parser_result(&p, err);
	if ((f = arena_alloc(a, sizeof(*f))) == NULL) {
		if (err != NULL)
			*err = NULL;
		return -1;
	}
	f->root = root;
	f->attrs = attrs;
	f->nattrs = nattrs;
	*out = f;
	if (err != NULL)
		*err = NULL;
	return 0;
}

/* --- matching --- */

/* Three-way comparison of two texts as the attribute compares them. */
static int
cmp_text(const char *a, const char *b)
{
	int c = strcmp(a, b);

	return (c > 0) - (c < 0);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool
order_holds(enum scim_op op, int c)
{
	switch (op) {
	case SCIM_EQ: return c == 0;
	case SCIM_GT: return c > 0;
	case SCIM_GE: return c >= 0;
	case SCIM_LT: return c < 0;
	case SCIM_LE: return c <= 0;
	default: return false;
	}
}

/* The case-folded v: in buf when it is short ASCII (the common case: no allocation; case
 * folding maps ASCII to ASCII lower case), else from glib (*heap set, for g_free). NULL
 * when v is not valid UTF-8 (g_utf8_casefold wants valid text). */
static const char *
fold_value(const char *v, char *buf, size_t size, char **heap)
{
	size_t i;

	*heap = NULL;
	for (i = 0; v[i] != '\0' && i + 1 < size && (unsigned char)v[i] < 0x80; i++)
		buf[i] = v[i] >= 'A' && v[i] <= 'Z' ? (char)(v[i] - 'A' + 'a') : v[i];
	if (v[i] == '\0') {
		buf[i] = '\0';
		return buf;
	}
	if (!utf8_valid(v, strlen(v)))
		return NULL;
	*heap = g_utf8_casefold(v, -1);
	return *heap;
}

static bool
match_string(const struct scim_attr *at, const struct node *n, enum scim_op op, const char *v)
{
	const char *lit = n->value;
	char *folded = NULL, buf[256];
	bool ok;

	if (!at->case_exact) {
		/* A stored value that is not UTF-8 matches nothing. */
		if ((v = fold_value(v, buf, sizeof(buf), &folded)) == NULL)
			return false;
		lit = n->folded;
	}
	switch (op) {
	case SCIM_CO: ok = strstr(v, lit) != NULL; break;
	case SCIM_SW: ok = strncmp(v, lit, strlen(lit)) == 0; break;
	case SCIM_EW: ok = ends_with(v, lit); break;
	default: ok = order_holds(op, cmp_text(v, lit)); break;
	}
	g_free(folded);
	return ok;
}

static bool
match_value(const struct scim_attr *at, const struct node *n, enum scim_op op, const char *v)
{
	struct stime t;
	long long k;

	switch (at->type) {
	case SCIM_STRING:
		return match_string(at, n, op, v);
	case SCIM_BOOLEAN:
		if (strcasecmp(v, "true") != 0 && strcasecmp(v, "false") != 0)
			return false;
		return op == SCIM_EQ && (strcasecmp(v, "true") == 0) == (n->lit == L_TRUE);
	case SCIM_DATETIME:
		if (parse_time(v, &t) != 0)
			return false;
		return order_holds(op, t.sec != n->time.sec ?
		    (t.sec > n->time.sec) - (t.sec < n->time.sec) :
		    (t.nsec > n->time.nsec) - (t.nsec < n->time.nsec));
	case SCIM_INTEGER:
		if (parse_int(v, &k) != 0)
			return false;
		return order_holds(op, (k > n->num) - (k < n->num));
	}
	return false;
}

static size_t
get_values(const struct scim_filter *f, int attr, scim_get_fn get, void *res, int elem,
    const char **vals)
{
	size_t k = get(res, f->attrs[attr].id, elem, vals, SCIM_VALUES_MAX);

	return k > SCIM_VALUES_MAX ? SCIM_VALUES_MAX : k;
}

static bool
match_cmp(const struct scim_filter *f, const struct node *n, scim_get_fn get, void *res,
    int elem)
{
	const char *vals[SCIM_VALUES_MAX];
	size_t k = get_values(f, n->attr, get, res, elem, vals);
	enum scim_op op = n->op;
	bool present = false;

	for (size_t i = 0; i < k; i++)
		if (vals[i] != NULL && vals[i][0] != '\0')
			present = true;
	if (op == SCIM_PR || n->lit == L_NULL)
		return op == SCIM_PR ? present : (op == SCIM_NE) == present;
	/* ne is the complement of eq: no value equal (an absent attribute included). */
	if (op == SCIM_NE)
		op = SCIM_EQ;
	for (size_t i = 0; i < k; i++)
		if (vals[i] != NULL && match_value(&f->attrs[n->attr], n, op, vals[i]))
			return n->op != SCIM_NE;
	return n->op == SCIM_NE;
}

/* Whether any attribute the subtree names has a value in element elem. */
static bool
any_present(const struct scim_filter *f, const struct node *n, scim_get_fn get, void *res,
    int elem)
{
	const char *vals[SCIM_VALUES_MAX];

	if (n == NULL)
		return false;
	if (n->kind == K_CMP)
		return get_values(f, n->attr, get, res, elem, vals) > 0;
	return any_present(f, n->l, get, res, elem) || any_present(f, n->r, get, res, elem);
}

static bool eval(const struct scim_filter *f, const struct node *n, scim_get_fn get,
    void *res, int elem);

static bool
match_valpath(const struct scim_filter *f, const struct node *n, scim_get_fn get, void *res)
{
	const char *vals[SCIM_VALUES_MAX];
	size_t count = SCIM_VALUES_MAX;

	if (n->attr >= 0)
		count = get_values(f, n->attr, get, res, -1, vals);
	for (size_t e = 0; e < count; e++) {
		if (n->attr < 0 && !any_present(f, n->l, get, res, (int)e))
			break;
		if (eval(f, n->l, get, res, (int)e))
			return true;
	}
	return false;
}

static bool
eval(const struct scim_filter *f, const struct node *n, scim_get_fn get, void *res, int elem)
{
	switch (n->kind) {
	case K_AND: return eval(f, n->l, get, res, elem) && eval(f, n->r, get, res, elem);
	case K_OR: return eval(f, n->l, get, res, elem) || eval(f, n->r, get, res, elem);
	case K_NOT: return !eval(f, n->l, get, res, elem);
	case K_CMP: return match_cmp(f, n, get, res, elem);
	case K_VALPATH: return match_valpath(f, n, get, res);
	}
	return false;
}

bool
scim_filter_match(const struct scim_filter *f, scim_get_fn get, void *res)
{
	return f != NULL && f->root != NULL && eval(f, f->root, get, res, -1);
}

/* --- what the store can start from --- */

static bool
in_list(int id, const int *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void
seek_walk(const struct scim_filter *f, const struct node *n, const int *seekable, size_t ns,
    const struct node **best)
{
	if (n->kind == K_AND) {
		seek_walk(f, n->l, seekable, ns, best);
		seek_walk(f, n->r, seekable, ns, best);
	} else if (n->kind == K_VALPATH) {
		seek_walk(f, n->l, seekable, ns, best);
	} else if (n->kind == K_CMP && (n->op == SCIM_EQ || n->op == SCIM_SW) &&
	    (n->lit == L_STRING || n->lit == L_NUMBER) &&
	    in_list(f->attrs[n->attr].id, seekable, ns)) {
		if (*best == NULL || ((*best)->op == SCIM_SW && n->op == SCIM_EQ))
			*best = n;
	}
}

int
scim_filter_seek(const struct scim_filter *f, const int *seekable, size_t n, int *id,
    enum scim_op *op, const char **value)
{
	const struct node *best = NULL;

	if (f == NULL || f->root == NULL)
		return 1;
	seek_walk(f, f->root, seekable, n, &best);
	if (best == NULL)
		return 1;
	*id = f->attrs[best->attr].id;
	*op = best->op;
	*value = best->value;
	return 0;
}

bool
scim_filter_is_seek_only(const struct scim_filter *f, const int *seekable, size_t n)
{
	const struct node *r;

	if (f == NULL || (r = f->root) == NULL)
		return false;
	return r->kind == K_CMP && (r->op == SCIM_EQ || r->op == SCIM_SW) &&
	    (r->lit == L_STRING || r->lit == L_NUMBER) && in_list(f->attrs[r->attr].id, seekable, n);
}

static bool
names_walk(const struct scim_filter *f, const struct node *n, int id)
{
	if (n == NULL)
		return false;
	if ((n->kind == K_CMP || n->kind == K_VALPATH) && n->attr >= 0 &&
	    f->attrs[n->attr].id == id)
		return true;
	return names_walk(f, n->l, id) || names_walk(f, n->r, id);
}

bool
scim_filter_names(const struct scim_filter *f, int id)
{
	return f != NULL && names_walk(f, f->root, id);
}

/* --- PATCH paths --- */

/* The part after the brackets: nothing, or "." and a sub-attribute of the complex one. */
static int
path_sub(struct parser *p, const char *name, size_t len, struct scim_path *out)
{
	size_t start, sl;
	const char *sub;

	if (p->pos >= p->n)
		return 0;
	if (p->s[p->pos] != '.')
		return fail(p, p->pos, "expected . and a sub-attribute, or the end"), 1;
	start = ++p->pos;
	sub = read_path(p, &sl);
	if (sl == 0 || memchr(sub, '.', sl) != NULL || memchr(sub, ':', sl) != NULL)
		return fail(p, start, "expected a sub-attribute name"), 1;
	p->prefix = name;
	p->prefix_len = len;
	out->sub = resolve(p, sub, sl, start);
	p->prefix = NULL;
	if (out->sub < 0)
		return 1;
	out->sub = p->attrs[out->sub].id;
	if (p->pos < p->n)
		return fail(p, p->pos, "expected the end of the path"), 1;
	return 0;
}

static int
path_parse(struct parser *p, struct scim_path *out)
{
	size_t len, start = p->pos;
	const char *name = read_path(p, &len);
	struct scim_filter *f;
	int i;

	if (len == 0)
		return fail(p, start, "expected an attribute name"), 1;
	if ((i = resolve(p, name, len, start)) < 0)
		return 1;
	out->attr = p->attrs[i].id;
	if (p->pos >= p->n)
		return 0;
	if (p->s[p->pos] != '[' || memchr(name, '.', len - urn_prefix(name, len, p->urns)) !=
	    NULL)
		return fail(p, p->pos, p->s[p->pos] == '[' ? "brackets follow a multi-valued "
		    "attribute, not a sub-attribute" : "expected [ or the end of the path"), 1;
	p->pos++;
	p->depth = 1;
	p->prefix = name;
	p->prefix_len = len;
	if ((f = arena_alloc(p->a, sizeof(*f))) == NULL)
		return nomem(p), 1;
	f->attrs = p->attrs;
	f->nattrs = p->nattrs;
	if ((f->root = parse_or(p)) == NULL)
		return 1;
	p->prefix = NULL;
	skip_ws(p);
	if (p->pos >= p->n || p->s[p->pos] != ']')
		return fail(p, p->pos, "expected ] to close the value path"), 1;
	p->pos++;
	out->filter = f;
	return path_sub(p, name, len, out);
}

int
scim_path_parse(struct arena *a, const char *path, const struct scim_attr *attrs,
    size_t nattrs, const char *const *urns, struct scim_path *out, const char **err)
{
	struct parser p;

	out->attr = -1;
	out->filter = NULL;
	out->sub = -1;
	if (parser_init(&p, a, "path", path, attrs, nattrs, urns) != 0 ||
	    path_parse(&p, out) != 0) {
		out->attr = -1;
		out->filter = NULL;
		out->sub = -1;
		return parser_result(&p, err);
	}
	if (err != NULL)
		*err = NULL;
	return 0;
}

bool
scim_path_match_elem(const struct scim_path *p, scim_get_fn get, void *res, int elem)
{
	if (p->filter == NULL)
		return true;
	return eval(p->filter, p->filter->root, get, res, elem);
}
