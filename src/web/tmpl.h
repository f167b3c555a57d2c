/* tmpl.h — the template engine: templates are files, every value is HTML-escaped
 * unless it was set as trusted HTML under a name ending in "_html".
 *
 * Syntax (whitespace inside tags is free):
 *   {{name}}                   value of name (looked up in this context, then its parents), escaped
 *   {{name_html}}              trusted HTML set with tmpl_set_html(), written as is
 *   {{_ "Texte"}}              the French msgid translated through the callback, escaped
 *   {{_ "Bonjour {1}, {2}" a b}}  translation with {1}..{9} replaced by the escaped values of a, b
 *   {{#if name}}…{{else}}…{{/if}}, {{#unless name}}…{{/unless}}
 *                              truthy: non-empty string, true, non-zero int, non-empty list
 *   {{#each list}}…{{/each}}   one pass per item; inside, names resolve in the item first;
 *                              {{@index}} (0-based) and {{@first}}/{{@last}} are available
 *   {{> partials/name}}        includes another template with the current context
 *   {{! comment }}             nothing ({{!-- … --}} may contain "}}")
 *   Unknown names and bools render as empty text (no error); ints render in decimal.
 * Layouts: render the page, then render the layout with the page set as "content_html". */
#ifndef PORTIER_WEB_TMPL_H
#define PORTIER_WEB_TMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

struct tmpl_set;   /* all templates of a folder, parsed once at start */
struct tmpl_ctx;   /* data for one rendering, allocated in an arena */

/* Translates a French msgid; returns the text to show (never NULL). */
typedef const char *(*tmpl_translate_fn)(void *arg, const char *msgid);

/* Loads and parses every *.html below dir; a template's name is its path without ".html"
 * ("home", "partials/header"). Returns 0, or -1 with "file:line: reason" in err. */
int tmpl_load_dir(const char *dir, struct tmpl_set **out, char *err, size_t errlen);
/* Adds text as template name to *out (new set if NULL); partials not checked. 0, or -1 + err. */
int tmpl_parse_string(const char *name, const char *text, size_t len, struct tmpl_set **out,
    char *err, size_t errlen);
/* Frees a set. */
void tmpl_free(struct tmpl_set *set);
/* True when the set has a template of that name. */
bool tmpl_exists(const struct tmpl_set *set, const char *name);
/* Calls fn for every msgid used in {{_ "…"}} tags of every template (for catalogue checks). */
void tmpl_each_msgid(const struct tmpl_set *set, void (*fn)(void *arg, const char *msgid), void *arg);

/* Returns a new root context in arena a. */
struct tmpl_ctx *tmpl_ctx_new(struct arena *a);
/* Sets a text value (copied), escaped when written. Returns 0 or -1. */
int tmpl_set(struct tmpl_ctx *c, const char *key, const char *text);
/* Sets a formatted text value, escaped when written. */
int tmpl_setf(struct tmpl_ctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sets trusted HTML; refused (-1) unless key ends in "_html". */
int tmpl_set_html(struct tmpl_ctx *c, const char *key, const char *html);
int tmpl_set_bool(struct tmpl_ctx *c, const char *key, bool v);
int tmpl_set_int(struct tmpl_ctx *c, const char *key, int64_t v);
/* Appends a new item to the list named key (creating it) and returns the item's
 * context, whose lookups fall back to c; NULL on error. */
struct tmpl_ctx *tmpl_list_add(struct tmpl_ctx *c, const char *key);

/* Renders template name with ctx into out, translating with tr(tr_arg, msgid).
 * Returns 0, or -1 (unknown template, output cap, include depth > 16, over 4M nodes
 * visited); on -1 out is left as it was. */
int tmpl_render(const struct tmpl_set *set, const char *name, struct tmpl_ctx *ctx,
    tmpl_translate_fn tr, void *tr_arg, struct buf *out);

/* Appends s HTML-escaped (& < > " ' and also ` =) to out. Returns 0 or -1. */
int html_escape(struct buf *out, const char *s, size_t n);

#endif
