/* fuzz_tmpl.c — libFuzzer target: each input is parsed as template "f" and rendered with
 * an empty context, then with a hostile one; no unescaped value may reach the output. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/tmpl.h"

/* Every value puts 0xFF (never valid UTF-8, so never in a loaded template) before each
 * special character: in the output each 0xFF must be followed by an entity's '&'. */
#define HOSTILE "\xff<\xff>\xff\"\xff'\xff`\xff=\xff&"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
identity(void *arg, const char *msgid)
{
	(void)arg;
	return msgid;
}

static const char *
hostile(void *arg, const char *msgid)
{
	(void)arg;
	(void)msgid;
	return "<x> {1}{2}{9}{10}{0}{";
}

static void
fill(struct tmpl_ctx *c)
{
	struct tmpl_ctx *item;
	int i;

	tmpl_set(c, "v", HOSTILE);
	tmpl_set(c, "v_html", HOSTILE);
	tmpl_set_html(c, "t_html", "<b>ok</b>");
	tmpl_set_bool(c, "b", true);
	tmpl_set_int(c, "n", -7);
	for (i = 0; i < 3; i++) {
		item = tmpl_list_add(c, "l");
		tmpl_set_int(item, "n", i);
		tmpl_set(tmpl_list_add(item, "l2"), "v", HOSTILE);
	}
}

static void
render(const struct tmpl_set *set, struct tmpl_ctx *c, tmpl_translate_fn tr)
{
	struct buf out;
	size_t i;

	buf_init(&out, 1 << 20);
	if (tmpl_render(set, "f", c, tr, NULL, &out) == 0) {
		for (i = 0; i < out.len; i++)
			if ((unsigned char)out.data[i] == 0xff &&
			    (i + 1 == out.len || out.data[i + 1] != '&'))
				abort();
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *set = NULL;
	struct tmpl_ctx *c;
	struct arena *a;
	char err[256];

	if (tmpl_parse_string("p", "[{{v}}{{t_html}}]", 17, &set, err, sizeof(err)) != 0)
		abort();
	if (tmpl_parse_string("f", (const char *)data, size, &set, err, sizeof(err)) != 0) {
		if (strncmp(err, "f:", 2) != 0)	/* every load error names file:line */
			abort();
		tmpl_free(set);
		return 0;
	}
	if ((a = arena_new(1 << 20)) == NULL)
		abort();
	render(set, tmpl_ctx_new(a), identity);
	c = tmpl_ctx_new(a);
	fill(c);
	render(set, c, hostile);
	arena_free(a);
	tmpl_free(set);
	return 0;
}
