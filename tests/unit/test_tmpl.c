/* test_tmpl.c — unit tests of the template engine: escaping, trusted HTML, blocks,
 * partials, translations, load errors with file:line, and render limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/tmpl.h"

struct file {
	const char *path;	/* relative to the fixture folder */
	const char *text;
};

static char base[] = "/tmp/test_tmpl.XXXXXX";
static unsigned nfixtures;

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(base) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates dir/rel with its parent folders. */
static void
write_file(const char *dir, const char *rel, const char *text, size_t len)
{
	char path[4096];
	char *slash;
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) < sizeof(path));
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
		*slash = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Writes the files into a new folder below base (its path into dir) and loads it. */
static int
load(const struct file *files, size_t n, char *dir, size_t dirlen, struct tmpl_set **set,
    char *err, size_t errlen)
{
	size_t i;

	assert_true((size_t)snprintf(dir, dirlen, "%s/f%u", base, nfixtures++) < dirlen);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (i = 0; i < n; i++)
		write_file(dir, files[i].path, files[i].text, strlen(files[i].text));
	err[0] = '\0';
	return tmpl_load_dir(dir, set, err, errlen);
}

static struct tmpl_set *
load_ok(const struct file *files, size_t n)
{
	struct tmpl_set *set = NULL;
	char dir[4096], err[512];

	if (load(files, n, dir, sizeof(dir), &set, err, sizeof(err)) != 0)
		fail_msg("load failed: %s", err);
	assert_non_null(set);
	return set;
}

/* The template text must fail to load with "<dir>/bad.html:<want>". */
static void
load_fails(const char *text, size_t len, const char *want)
{
	struct tmpl_set *set = (struct tmpl_set *)&set;	/* must be reset to NULL */
	char dir[4096], err[512], expect[4700];

	assert_true((size_t)snprintf(dir, sizeof(dir), "%s/f%u", base, nfixtures++) < sizeof(dir));
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "bad.html", text, len);
	assert_int_equal(tmpl_load_dir(dir, &set, err, sizeof(err)), -1);
	assert_null(set);
	snprintf(expect, sizeof(expect), "%s/bad.html:%s", dir, want);
	assert_string_equal(err, expect);
}

static struct tmpl_set *
one(const char *text)
{
	const struct file f = { "t.html", text };

	return load_ok(&f, 1);
}

/* Renders name and compares; want NULL means the render must fail. */
static void
check_render(const struct tmpl_set *set, const char *name, struct tmpl_ctx *c,
    tmpl_translate_fn tr, void *arg, const char *want)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = tmpl_render(set, name, c, tr, arg, &b);
	if (want == NULL) {
		assert_int_equal(rc, -1);
	} else {
		assert_int_equal(rc, 0);
		assert_string_equal(b.data != NULL ? b.data : "", want);
	}
	buf_free(&b);
}

static void
check_one(const char *text, struct tmpl_ctx *c, const char *want)
{
	struct tmpl_set *set = one(text);

	check_render(set, "t", c, NULL, NULL, want);
	tmpl_free(set);
}

/* ---- escaping ---- */

static void
test_html_escape_every_char(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(html_escape(&b, "a&b<c>d\"e'f`g=h", 15), 0);
	assert_string_equal(b.data, "a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g&#61;h");
	buf_reset(&b);
	assert_int_equal(html_escape(&b, "caf\xc3\xa9 ok", 8), 0);
	assert_string_equal(b.data, "caf\xc3\xa9 ok");
	buf_free(&b);
	/* a cap too small for the entities: -1 and the buffer as it was */
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "ab"), 0);
	assert_int_equal(html_escape(&b, "<<", 2), -1);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
}

static void
test_escape_text_and_attributes(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);
	const char *e = "&amp;&lt;&gt;&quot;&#39;&#96;&#61;";
	char want[512];

	(void)state;
	assert_int_equal(tmpl_set(c, "v", "&<>\"'`="), 0);
	snprintf(want, sizeof(want), "<p title=\"%s\" data-x='%s' id=%s>%s</p>", e, e, e, e);
	check_one("<p title=\"{{v}}\" data-x='{{v}}' id={{v}}>{{v}}</p>", c, want);
	arena_free(a);
}

static void
test_xss_attempts(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_int_equal(tmpl_set(c, "name", "<script>alert(1)</script>"), 0);
	assert_int_equal(tmpl_set(c, "title", "\" onmouseover=\"x"), 0);
	check_one("<div title=\"{{title}}\">{{name}}</div>", c,
	    "<div title=\"&quot; onmouseover&#61;&quot;x\">"
	    "&lt;script&gt;alert(1)&lt;/script&gt;</div>");
	arena_free(a);
}

static void
test_trusted_html_only_by_set_html(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_int_equal(tmpl_set_html(c, "body_html", "<b>ok</b>"), 0);
	assert_int_equal(tmpl_set(c, "evil_html", "<b>no</b>"), 0);
	assert_int_equal(tmpl_set_html(c, "foo", "<i>x</i>"), -1);
	assert_int_equal(tmpl_set_html(c, "foo_htm", "<i>x</i>"), -1);
	assert_int_equal(tmpl_set_html(c, "html", "<i>x</i>"), -1);
	assert_int_equal(tmpl_set_html(c, NULL, "<i>x</i>"), -1);
	check_one("{{body_html}}|{{evil_html}}|{{foo}}", c, "<b>ok</b>|&lt;b&gt;no&lt;/b&gt;|");
	/* setting the same key as text afterwards makes it escaped again */
	assert_int_equal(tmpl_set(c, "body_html", "<b>ok</b>"), 0);
	check_one("{{body_html}}", c, "&lt;b&gt;ok&lt;/b&gt;");
	arena_free(a);
}

/* ---- values and contexts ---- */

static void
test_values(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_int_equal(tmpl_set_int(c, "n", -42), 0);
	assert_int_equal(tmpl_set_int(c, "min", INT64_MIN), 0);
	assert_int_equal(tmpl_set_bool(c, "b", true), 0);
	assert_int_equal(tmpl_setf(c, "f", "%d<%s", 7, "x"), 0);
	assert_non_null(tmpl_list_add(c, "l"));
	check_one("[{{n}}][{{min}}][{{b}}][{{f}}][{{l}}][{{missing}}][{{@index}}]", c,
	    "[-42][-9223372036854775808][][7&lt;x][][][]");
	/* a later set replaces the value */
	assert_int_equal(tmpl_set(c, "n", "text"), 0);
	check_one("{{n}}", c, "text");
	arena_free(a);
}

static void
test_bad_keys(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_null(tmpl_ctx_new(NULL));
	assert_int_equal(tmpl_set(c, "", "x"), -1);
	assert_int_equal(tmpl_set(c, NULL, "x"), -1);
	assert_int_equal(tmpl_set(c, "a-b", "x"), -1);
	assert_int_equal(tmpl_set(c, "@index", "x"), -1);
	assert_int_equal(tmpl_set(c, "a", NULL), -1);
	assert_int_equal(tmpl_set(NULL, "a", "x"), -1);
	assert_int_equal(tmpl_set_int(c, "a b", 1), -1);
	assert_int_equal(tmpl_set(c, "t", "x"), 0);
	assert_null(tmpl_list_add(c, "t"));	/* not a list */
	assert_null(tmpl_list_add(c, "a.b"));
	arena_free(a);
}

enum kind { K_NONE, K_TEXT, K_HTML, K_BOOL, K_INT, K_LIST };

static void
test_truthiness(void **state)
{
	static const struct {
		enum kind kind;
		const char *s;
		int64_t i;
		bool truthy;
	} cases[] = {
		{ K_NONE, NULL, 0, false },
		{ K_TEXT, "", 0, false },
		{ K_TEXT, "x", 0, true },
		{ K_TEXT, "0", 0, true },
		{ K_HTML, "", 0, false },
		{ K_HTML, "<br>", 0, true },
		{ K_BOOL, NULL, 0, false },
		{ K_BOOL, NULL, 1, true },
		{ K_INT, NULL, 0, false },
		{ K_INT, NULL, -1, true },
		{ K_INT, NULL, 7, true },
		{ K_LIST, NULL, 0, true },
	};
	struct tmpl_set *set = one("{{#if k_html}}T{{else}}F{{/if}}"
	    "{{#unless k_html}}u{{else}}U{{/unless}}{{#unless k_html}}!{{/unless}}");
	struct tmpl_ctx *c;
	struct arena *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = arena_new(0);
		c = tmpl_ctx_new(a);
		switch (cases[i].kind) {
		case K_NONE:
			break;
		case K_TEXT:
			assert_int_equal(tmpl_set(c, "k_html", cases[i].s), 0);
			break;
		case K_HTML:
			assert_int_equal(tmpl_set_html(c, "k_html", cases[i].s), 0);
			break;
		case K_BOOL:
			assert_int_equal(tmpl_set_bool(c, "k_html", cases[i].i != 0), 0);
			break;
		case K_INT:
			assert_int_equal(tmpl_set_int(c, "k_html", cases[i].i), 0);
			break;
		case K_LIST:
			assert_non_null(tmpl_list_add(c, "k_html"));
			break;
		}
		check_render(set, "t", c, NULL, NULL, cases[i].truthy ? "TU" : "Fu!");
		arena_free(a);
	}
	tmpl_free(set);
}

static void
test_nested_each(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a), *g, *m;

	(void)state;
	assert_int_equal(tmpl_set(c, "site", "S"), 0);
	assert_int_equal(tmpl_set(c, "name", "root"), 0);
	g = tmpl_list_add(c, "groups");
	assert_int_equal(tmpl_set(g, "name", "A"), 0);
	assert_int_equal(tmpl_set(g, "gid", "1"), 0);
	m = tmpl_list_add(g, "members");
	assert_int_equal(tmpl_set(m, "m", "x<"), 0);
	m = tmpl_list_add(g, "members");
	assert_int_equal(tmpl_set(m, "m", "y"), 0);
	g = tmpl_list_add(c, "groups");
	assert_int_equal(tmpl_set(g, "name", "B"), 0);
	assert_int_equal(tmpl_set(g, "gid", "2"), 0);
	m = tmpl_list_add(g, "members");
	assert_int_equal(tmpl_set(m, "m", "z"), 0);
	assert_int_equal(tmpl_set(m, "site", "shadow"), 0);
	assert_non_null(tmpl_list_add(c, "tags"));
	assert_int_equal(tmpl_set(tmpl_list_add(c, "tags"), "t", "t2"), 0);
	check_one("{{#each groups}}[{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}:"
	    "{{name}}/{{site}}:{{#each members}}({{@index}}{{#if @first}}f{{/if}}"
	    "{{#if @last}}l{{/if}} {{m}} {{name}} {{site}}){{/each}}]{{/each}}"
	    "{{name}}{{@index}}", c,
	    "[0F:A/S:(0f x&lt; A S)(1l y A S)][1L:B/S:(0fl z B shadow)]root");
	/* a root list iterated inside another each: the item, its parents (root), then the
	 * enclosing item */
	check_one("{{#each groups}}{{#each tags}}{{gid}}{{name}}-{{t}}-{{@index}};{{/each}}"
	    "{{/each}}", c, "1root--0;1root-t2-1;2root--0;2root-t2-1;");
	/* each over a missing name or a non-list renders nothing */
	check_one("<{{#each nope}}x{{/each}}{{#each site}}x{{/each}}>", c, "<>");
	arena_free(a);
}

/* ---- partials and layouts ---- */

static void
test_partials_and_names(void **state)
{
	static const struct file files[] = {
		{ "page.html", "<ul>{{#each items}}{{> partials/row}}{{/each}}</ul>" },
		{ "partials/row.html", "<li>{{@index}}={{v}}{{> partials/deep/x}}</li>" },
		{ "partials/deep/x.html", "{{#if @last}}.{{/if}}" },
		{ "layout.html", "<main>{{content_html}}</main>" },
		{ "notes.txt", "{{#if}} not a template" },
		{ ".hidden/h.html", "{{/if}}" },
		{ "x.html.bak", "{{" },
	};
	struct tmpl_set *set = load_ok(files, sizeof(files) / sizeof(files[0]));
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);
	struct buf b;

	(void)state;
	assert_true(tmpl_exists(set, "page"));
	assert_true(tmpl_exists(set, "partials/row"));
	assert_true(tmpl_exists(set, "partials/deep/x"));
	assert_false(tmpl_exists(set, "partials/row.html"));
	assert_false(tmpl_exists(set, "notes"));
	assert_false(tmpl_exists(set, ".hidden/h"));
	assert_int_equal(tmpl_set(tmpl_list_add(c, "items"), "v", "<a>"), 0);
	assert_int_equal(tmpl_set(tmpl_list_add(c, "items"), "v", "b"), 0);
	check_render(set, "page", c, NULL, NULL, "<ul><li>0=&lt;a&gt;</li><li>1=b.</li></ul>");
	check_render(set, "nope", c, NULL, NULL, NULL);
	/* the layout pattern of tmpl.h */
	buf_init(&b, 0);
	assert_int_equal(tmpl_render(set, "page", c, NULL, NULL, &b), 0);
	assert_int_equal(tmpl_set_html(c, "content_html", b.data), 0);
	buf_free(&b);
	check_render(set, "layout", c, NULL, NULL,
	    "<main><ul><li>0=&lt;a&gt;</li><li>1=b.</li></ul></main>");
	tmpl_free(set);
	arena_free(a);
}

static void
test_include_recursion(void **state)
{
	static const struct file files[] = {
		{ "loop.html", "x{{> loop}}" },
		{ "a.html", "{{#if yes}}{{> b}}{{/if}}" },
		{ "b.html", "{{> a}}" },
	};
	struct tmpl_set *set = load_ok(files, 3), *chain = NULL;
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);
	char name[16], text[32], err[256];
	struct buf b;
	int i;

	(void)state;
	assert_int_equal(tmpl_set_bool(c, "yes", true), 0);
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "keep"), 0);
	assert_int_equal(tmpl_render(set, "loop", c, NULL, NULL, &b), -1);
	assert_int_equal(tmpl_render(set, "a", c, NULL, NULL, &b), -1);
	assert_string_equal(b.data, "keep");	/* nothing half-written */
	assert_int_equal(b.len, 4);
	buf_free(&b);
	tmpl_free(set);

	/* t0 -> t1 -> ... -> t17: 16 nested includes work, 17 do not */
	for (i = 0; i <= 17; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		if (i < 17)
			snprintf(text, sizeof(text), "%d{{> t%d}}", i, i + 1);
		else
			snprintf(text, sizeof(text), "end");
		assert_int_equal(tmpl_parse_string(name, text, strlen(text), &chain, err,
		    sizeof(err)), 0);
	}
	check_render(chain, "t1", c, NULL, NULL, "12345678910111213141516end");
	check_render(chain, "t0", c, NULL, NULL, NULL);
	tmpl_free(chain);
	arena_free(a);
}

/* ---- translations ---- */

struct catalogue {
	const char *from, *to;
	const char *seen;	/* the last msgid asked for */
};

static const char *
translate(void *arg, const char *msgid)
{
	struct catalogue *cat = arg;

	for (; cat->from != NULL; cat++) {
		if (strcmp(cat->from, msgid) == 0) {
			cat->seen = msgid;
			return cat->to;
		}
	}
	return msgid;
}

static void
test_translation(void **state)
{
	struct catalogue cat[] = {
		{ "Bonjour {1}, vous avez {2} messages", "Hello {1}, you have {2} messages", NULL },
		{ "Gras {1}", "<b>Bold</b> & {1}", NULL },
		{ "{1} pour {2}", "for {2}: {1} {3} {1}", NULL },
		{ NULL, NULL, NULL },
	};
	struct tmpl_set *set = one("{{_ \"Bonjour {1}, vous avez {2} messages\" who n}}|"
	    "{{_ \"Gras {1}\" who_html}}|{{ _ \"{1} pour {2}\" n who }}|"
	    "{{_ \"Dit \\\"oui\\\" }} \\\\\"}}|{{_\"Absent\"}}");
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_int_equal(tmpl_set(c, "who", "<Eve> {2}"), 0);
	assert_int_equal(tmpl_set_int(c, "n", 3), 0);
	assert_int_equal(tmpl_set_html(c, "who_html", "<i>x</i>"), 0);
	check_render(set, "t", c, translate, cat,
	    "Hello &lt;Eve&gt; {2}, you have 3 messages|"
	    "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt;|"
	    "for &lt;Eve&gt; {2}: 3 {3} 3|"
	    "Dit &quot;oui&quot; }} \\|Absent");
	/* the msgid went to the translator with its placeholders intact */
	assert_string_equal(cat[0].seen, "Bonjour {1}, vous avez {2} messages");
	/* without a translator the French text is shown */
	check_render(set, "t", c, NULL, NULL,
	    "Bonjour &lt;Eve&gt; {2}, vous avez 3 messages|Gras &lt;i&gt;x&lt;/i&gt;|"
	    "3 pour &lt;Eve&gt; {2}|Dit &quot;oui&quot; }} \\|Absent");
	tmpl_free(set);
	arena_free(a);
}

struct msgids {
	char text[512];
};

static void
collect(void *arg, const char *msgid)
{
	struct msgids *m = arg;
	size_t n = strlen(m->text);

	snprintf(m->text + n, sizeof(m->text) - n, "%s;", msgid);
}

static void
test_each_msgid(void **state)
{
	static const struct file files[] = {
		{ "b.html", "{{_ \"Un\"}}{{#if x}}{{_ \"Deux\"}}{{else}}{{#each l}}"
		    "{{_ \"Trois {1}\" y}}{{/each}}{{/if}}" },
		{ "a/p.html", "{{#unless z}}{{_ \"Quatre\"}}{{/unless}}{{! {{_ \"Non\"}} }}" },
	};
	struct tmpl_set *set = load_ok(files, 2);
	struct msgids m;

	(void)state;
	m.text[0] = '\0';
	tmpl_each_msgid(set, collect, &m);
	assert_string_equal(m.text, "Quatre;Un;Deux;Trois {1};");
	tmpl_free(set);
}

/* ---- syntax ---- */

static void
test_syntax_details(void **state)
{
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_int_equal(tmpl_set(c, "name", "N"), 0);
	assert_int_equal(tmpl_set(c, "elsewhere", "E"), 0);
	check_one("{{  name  }}{{#  if\tname }}y{{ / if }}{{\nname\n}}", c, "NyN");
	check_one("a{{! hidden }}b{{!-- has }} inside --}}c{{!}}{{ ! x }}{{\n!-- }} --}}", c,
	    "abc");
	check_one("a } }} { b {x} {{elsewhere}}", c, "a } }} { b {x} E");
	check_one("", c, "");
	arena_free(a);
}

/* ---- load errors ---- */

static void
test_load_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "a\nb\n{{name", "3: unclosed tag" },
		{ "x\n{{/if}}", "2: unmatched {{/if}}" },
		{ "{{#if a}}\n{{#each b}}{{/if}}", "2: {{/if}} closes {{#each}} of line 2" },
		{ "\n{{#if a}}x", "2: unclosed {{#if}}" },
		{ "{{#unless a}}{{/unless}}\n{{#each a}}", "2: unclosed {{#each}}" },
		{ "{{#with a}}{{/with}}", "1: unknown block {{#with}}" },
		{ "{{/foo}}", "1: unknown block {{/foo}}" },
		{ "\n\n{{_ \"abc}}", "3: bad string literal: missing closing '\"'" },
		{ "{{_ \"a\\q\"}}", "1: bad string literal: bad escape" },
		{ "{{_ \"a\nb\"}}", "1: bad string literal: newline inside" },
		{ "{{_ abc}}", "1: bad string literal: expected '\"'" },
		{ "{{_ \"\"}}", "1: bad string literal: empty msgid" },
		{ "{{_ \"{1} {2}\" a}}", "1: placeholder {2} has no argument" },
		{ "{{_ \"x\" a b c d e f g h i j}}", "1: more than 9 arguments" },
		{ "{{_ \"x\"a}}", "1: unexpected \"a\" in tag" },
		{ "{{else}}", "1: {{else}} outside {{#if}} or {{#unless}}" },
		{ "{{#each l}}\n{{else}}{{/each}}", "2: {{else}} outside {{#if}} or {{#unless}}" },
		{ "{{#if a}}{{else}}\n{{else}}{{/if}}", "2: second {{else}} in {{#if}} of line 1" },
		{ "{{#if}}{{/if}}", "1: expected a name in tag" },
		{ "{{a b}}", "1: unexpected \"b\" in tag" },
		{ "{{{a}}}", "1: expected a name in tag" },
		{ "{{ \n }}", "1: empty tag" },
		{ "{{@foo}}", "1: unknown variable @foo" },
		{ "{{> }}", "1: expected a template name after {{>" },
		{ "{{!-- a\n\n--}}\n{{/if}}", "4: unmatched {{/if}}" },
		{ "ok\n\xff\n", "2: invalid UTF-8 or NUL byte" },
	};
	char deep[40 * 16], text[16];
	char *big;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		load_fails(cases[i].text, strlen(cases[i].text), cases[i].want);
	load_fails("a\nb\0c", 5, "2: invalid UTF-8 or NUL byte");

	/* 32 nested blocks load, 33 do not */
	deep[0] = '\0';
	for (i = 0; i < 33; i++) {
		snprintf(text, sizeof(text), "{{#if a}}\n");
		strncat(deep, text, sizeof(deep) - strlen(deep) - 1);
	}
	load_fails(deep, strlen(deep), "33: blocks nested deeper than 32");

	big = malloc(((size_t)1 << 20) + 1);
	assert_non_null(big);
	memset(big, 'a', ((size_t)1 << 20) + 1);
	load_fails(big, ((size_t)1 << 20) + 1, "1: larger than 1 MiB");
	free(big);
}

static void
test_nesting_limit_ok(void **state)
{
	char text[64 * 16] = "";
	size_t i;
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);

	(void)state;
	assert_int_equal(tmpl_set_bool(c, "a", true), 0);
	for (i = 0; i < 32; i++)
		strncat(text, "{{#if a}}", sizeof(text) - strlen(text) - 1);
	strncat(text, "in", sizeof(text) - strlen(text) - 1);
	for (i = 0; i < 32; i++)
		strncat(text, "{{/if}}", sizeof(text) - strlen(text) - 1);
	check_one(text, c, "in");
	arena_free(a);
}

static void
test_unknown_partial_at_load(void **state)
{
	static const struct file files[] = {
		{ "ok.html", "fine" },
		{ "page.html", "<p>\n{{#if x}}{{> partials/nope}}{{/if}}" },
	};
	struct tmpl_set *set = (struct tmpl_set *)&set;
	char dir[4096], err[512], want[4700];

	(void)state;
	assert_int_equal(load(files, 2, dir, sizeof(dir), &set, err, sizeof(err)), -1);
	assert_null(set);
	snprintf(want, sizeof(want), "%s/page.html:2: unknown partial \"partials/nope\"", dir);
	assert_string_equal(err, want);
}

static void
test_load_dir_missing(void **state)
{
	struct tmpl_set *set = NULL;
	char err[512];

	(void)state;
	assert_int_equal(tmpl_load_dir("/nonexistent/portier-tmpl", &set, err, sizeof(err)), -1);
	assert_null(set);
	assert_non_null(strstr(err, "/nonexistent/portier-tmpl: "));
}

static void
test_parse_string(void **state)
{
	struct tmpl_set *set = NULL;
	char err[256];

	(void)state;
	assert_int_equal(tmpl_parse_string("mem", "a\n{{#if x}}", 11, &set, err, sizeof(err)), -1);
	assert_null(set);
	assert_string_equal(err, "mem:2: unclosed {{#if}}");
	assert_int_equal(tmpl_parse_string("one", "1{{> two}}", 10, &set, err, sizeof(err)), 0);
	assert_non_null(set);
	/* a partial unknown at parse is an error at render */
	check_render(set, "one", NULL, NULL, NULL, NULL);
	assert_int_equal(tmpl_parse_string("two", "2", 1, &set, err, sizeof(err)), 0);
	check_render(set, "one", NULL, NULL, NULL, "12");
	/* a failed or duplicate add leaves the set usable */
	assert_int_equal(tmpl_parse_string("two", "x", 1, &set, err, sizeof(err)), -1);
	assert_string_equal(err, "two:1: duplicate template name \"two\"");
	assert_int_equal(tmpl_parse_string("three", "{{/each}}", 9, &set, err, sizeof(err)), -1);
	assert_false(tmpl_exists(set, "three"));
	check_render(set, "one", NULL, NULL, NULL, "12");
	tmpl_free(set);
}

/* ---- render limits ---- */

static void
test_output_cap(void **state)
{
	struct tmpl_set *set = one("0123456789{{v}}");
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);
	struct buf b;

	(void)state;
	assert_int_equal(tmpl_set(c, "v", "<>"), 0);
	buf_init(&b, 8);
	assert_int_equal(tmpl_render(set, "t", c, NULL, NULL, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	buf_init(&b, 17);	/* one byte short of the escaped value */
	assert_int_equal(tmpl_render(set, "t", c, NULL, NULL, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	buf_init(&b, 18);
	assert_int_equal(tmpl_render(set, "t", c, NULL, NULL, &b), 0);
	assert_string_equal(b.data, "0123456789&lt;&gt;");
	buf_free(&b);
	tmpl_free(set);
	arena_free(a);
}

static void
test_step_cap(void **state)
{
	char text[64 * 16] = "";
	struct arena *a = arena_new(0);
	struct tmpl_ctx *c = tmpl_ctx_new(a);
	size_t i;

	(void)state;
	/* 4^16 passes with no output must stop, not spin */
	for (i = 0; i < 4; i++)
		assert_non_null(tmpl_list_add(c, "l"));
	for (i = 0; i < 16; i++)
		strncat(text, "{{#each l}}", sizeof(text) - strlen(text) - 1);
	for (i = 0; i < 16; i++)
		strncat(text, "{{/each}}", sizeof(text) - strlen(text) - 1);
	check_one(text, c, NULL);
	/* items count too: 2100^2 passes over an empty body, only 2 nodes */
	for (i = 4; i < 2100; i++)
		assert_non_null(tmpl_list_add(c, "l"));
	check_one("{{#each l}}{{#each l}}{{/each}}{{/each}}", c, NULL);
	check_one("{{#each l}}{{/each}}.", c, ".");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escape_every_char),
		cmocka_unit_test(test_escape_text_and_attributes),
		cmocka_unit_test(test_xss_attempts),
		cmocka_unit_test(test_trusted_html_only_by_set_html),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_truthiness),
		cmocka_unit_test(test_nested_each),
		cmocka_unit_test(test_partials_and_names),
		cmocka_unit_test(test_include_recursion),
		cmocka_unit_test(test_translation),
		cmocka_unit_test(test_each_msgid),
		cmocka_unit_test(test_syntax_details),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_nesting_limit_ok),
		cmocka_unit_test(test_unknown_partial_at_load),
		cmocka_unit_test(test_load_dir_missing),
		cmocka_unit_test(test_parse_string),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_step_cap),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
