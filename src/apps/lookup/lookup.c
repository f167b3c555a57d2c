/* lookup.c — the public enterprise lookup ("Recherche d'entreprises", the guide's "BCE
 * Public Search"): a search form by number or name with paged results, and an enterprise
 * card with its current legal representatives. No session needed; GET only. A person is
 * shown by name only: a NISS never reaches these pages. */
#include "apps/app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "be/be.h"
#include "registry/registry.h"
#include "web/i18n.h"

#define PAGE_SIZE 20

/* text, or "" for NULL: an item's missing value must not fall back to its parent's. */
static int
set(struct tmpl_ctx *c, const char *key, const char *text)
{
	return tmpl_set(c, key, text != NULL ? text : "");
}

/* An ISO date as the reader's language writes it: 17/03/2014, 17.03.2014 in German. */
static const char *
date_local(struct web_req *r, const char *iso)
{
	if (iso == NULL || strlen(iso) != 10)
		return "";
	return arena_printf(web_arena(r), "%.2s%c%.2s%c%.4s", iso + 8,
	    strcmp(web_lang(r), "de") == 0 ? '.' : '/', iso + 5,
	    strcmp(web_lang(r), "de") == 0 ? '.' : '/', iso);
}

/* A NACE code as published with its dot: 46460 -> 46.460, 4646001 -> 46.460.01. */
static const char *
nace_display(struct web_req *r, const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n < 3)
		return code ? code : "";
	if (n <= 5)
		return arena_printf(web_arena(r), "%.2s.%s", code, code + 2);
	return arena_printf(web_arena(r), "%.2s.%.3s.%s", code, code + 2, code + 5);
}

/* The address as a one-item list "name" under c, for the lookup/address partial. */
static void
address_set(struct tmpl_ctx *c, const char *name, const struct reg_address *ad)
{
	struct tmpl_ctx *a;

	if (ad->street == NULL && ad->municipality == NULL && ad->zipcode == NULL)
		return;
	a = tmpl_list_add(c, name);
	if (a == NULL)
		return;
	set(a, "street", ad->street);
	set(a, "house_number", ad->house_number);
	set(a, "box", ad->box);
	set(a, "zipcode", ad->zipcode);
	set(a, "municipality", ad->municipality);
	set(a, "country", ad->country);
	set(a, "extra", ad->extra);
}

static void
status_set(struct tmpl_ctx *c, const struct reg_enterprise *e)
{
	tmpl_set_bool(c, "active", e->active);
}

static const char *
card_href(struct web_req *r, const char *number, const char *q, long page)
{
	if (q == NULL)
		return arena_printf(web_arena(r), "/entreprises/%s", number);
	return arena_printf(web_arena(r), "/entreprises/%s?q=%s&page=%ld", number,
	    web_url_encode(web_arena(r), q), page);
}

/* The page number of ?page=, 1 when absent, 0 when invalid. */
static long
page_param(struct web_req *r)
{
	const char *p = web_query(r, "page");
	char *end;
	long v;

	if (p == NULL || p[0] == '\0')
		return 1;
	if (p[0] < '0' || p[0] > '9')
		return 0;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > REGISTRY_PAGE_MAX)
		return 0;
	return v;
}

static bool
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

static void
results_set(struct web_req *r, struct tmpl_ctx *c, const char *q, long page,
    const struct reg_enterprise *res, int n, size_t total, bool capped)
{
	size_t pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;

	if (pages > REGISTRY_PAGE_MAX)
		pages = REGISTRY_PAGE_MAX;
	tmpl_set_bool(c, "searched", true);
	tmpl_set_bool(c, "found_none", total == 0);
	tmpl_set_bool(c, "found_one", total == 1);
	tmpl_set_bool(c, "found_many", total > 1 && !capped);
	tmpl_set_bool(c, "found_capped", capped);
	tmpl_setf(c, "total", "%zu", total);
	tmpl_setf(c, "page", "%ld", page);
	tmpl_setf(c, "pages", "%zu", pages ? pages : 1);
	tmpl_set_bool(c, "paged", pages > 1);
	tmpl_set_bool(c, "past_end", n == 0 && total > 0);
	if (page > 1)
		tmpl_set(c, "prev_href", arena_printf(web_arena(r), "/entreprises?q=%s&page=%ld",
		    web_url_encode(web_arena(r), q), page - 1));
	if ((size_t)page < pages)
		tmpl_set(c, "next_href", arena_printf(web_arena(r), "/entreprises?q=%s&page=%ld",
		    web_url_encode(web_arena(r), q), page + 1));
	for (int i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "results");
		char fmt[13];

		if (it == NULL)
			return;
		be_enterprise_format(res[i].number, fmt);
		set(it, "number", fmt);
		set(it, "href", card_href(r, res[i].number, q, page));
		set(it, "name", res[i].name);
		status_set(it, &res[i]);
		set(it, "juridical_form", res[i].juridical_form_label);
		address_set(it, "seat", &res[i].seat);
	}
}

static int
search_page(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *q = web_query(r, "q");
	struct reg_enterprise *res;
	size_t total = 0;
	bool capped = false;
	struct tmpl_ctx *c;
	long page = page_param(r);
	char number[11];
	int n;

	if (page == 0)
		return web_error(r, 400);
	c = web_page(r, N_("Recherche d'entreprises"));
	if (c == NULL)
		return -1;
	if (blank(q))
		return web_render(r, "lookup/search", c);
	set(c, "q", q);
	if (utf8_len(q, strlen(q)) > REGISTRY_SEARCH_TEXT_MAX) {
		set(c, "error", web_t(r, N_("Le texte recherché est trop long : 200 caractères "
		    "au plus.")));
		return web_render_status(r, 400, "lookup/search", c);
	}
	res = arena_alloc(web_arena(r), PAGE_SIZE * sizeof(*res));
	if (res == NULL)
		return -1;
	n = registry_find(app->store, web_arena(r), q, web_lang(r),
	    (size_t)(page - 1) * PAGE_SIZE, PAGE_SIZE, res, &total, &capped);
	if (n < 0)
		return -1;
	/* A number that names one enterprise goes straight to its card. */
	if (n == 1 && total == 1 && page == 1 && (be_enterprise_parse(q, number) == BE_OK ||
	    be_establishment_parse(q, number) == BE_OK))
		return web_redirect(r, card_href(r, res[0].number, NULL, 0));
	results_set(r, c, q, page, res, n, total, capped);
	return web_render(r, "lookup/search", c);
}

static void
card_set(struct web_req *r, struct tmpl_ctx *c, const struct reg_card *card)
{
	const struct reg_enterprise *e = &card->e;
	char fmt[14];

	be_enterprise_format(e->number, fmt);
	set(c, "number", fmt);
	set(c, "vat", arena_printf(web_arena(r), "BE%s", e->number));
	set(c, "name", e->name);
	status_set(c, e);
	set(c, "juridical_form", e->juridical_form_label);
	set(c, "juridical_situation", e->juridical_situation_label);
	set(c, "type_of_enterprise", e->type_of_enterprise_label);
	set(c, "start_date", date_local(r, e->start_date));
	address_set(c, "seat", &e->seat);

	for (size_t i = 0; i < e->ndenominations; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "denominations");

		if (it == NULL)
			return;
		set(it, "type", e->denominations[i].type_label);
		set(it, "language", e->denominations[i].language_label);
		set(it, "value", e->denominations[i].value);
	}
	for (size_t i = 0; i < card->nfunctions; i++) {
		const struct reg_function *f = &card->functions[i];
		struct tmpl_ctx *it = tmpl_list_add(c, "functions");

		if (it == NULL)
			return;
		/* Names only: the representative's NISS stays in the registry. */
		set(it, "rep_name", f->rep_name);
		if (f->rep_enterprise != NULL) {
			be_enterprise_format(f->rep_enterprise, fmt);
			set(it, "rep_number", fmt);
			set(it, "rep_href", card_href(r, f->rep_enterprise, NULL, 0));
		} else {
			set(it, "rep_number", "");
			set(it, "rep_href", "");
		}
		set(it, "label", f->label);
		set(it, "begin", date_local(r, f->begin));
	}
	tmpl_setf(c, "establishments_total", "%zu", e->establishments_total);
	tmpl_setf(c, "establishments_shown", "%zu", e->nestablishments);
	tmpl_set_bool(c, "establishments_cut", e->establishments_total > e->nestablishments);
	for (size_t i = 0; i < e->nestablishments; i++) {
		const struct reg_establishment *es = &e->establishments[i];
		struct tmpl_ctx *it = tmpl_list_add(c, "establishments");

		if (it == NULL)
			return;
		be_establishment_format(es->number, fmt);
		set(it, "number", fmt);
		set(it, "name", es->name);
		set(it, "start_date", date_local(r, es->start_date));
		address_set(it, "address", &es->address);
	}
	for (size_t i = 0; i < e->nactivities; i++) {
		const struct reg_activity *ac = &e->activities[i];
		struct tmpl_ctx *it = tmpl_list_add(c, "activities");

		if (it == NULL)
			return;
		set(it, "code", nace_display(r, ac->nace_code));
		set(it, "version", ac->nace_version);
		set(it, "label", ac->label);
		set(it, "classification", ac->classification_label ? ac->classification_label :
		    ac->classification);
		set(it, "group", ac->group_label ? ac->group_label : ac->group);
	}
	for (size_t i = 0; i < e->ncontacts; i++) {
		const struct reg_contact *ct = &e->contacts[i];
		struct tmpl_ctx *it = tmpl_list_add(c, "contacts");

		if (it == NULL)
			return;
		set(it, "type", ct->type_label ? ct->type_label : ct->type);
		set(it, "value", ct->value);
		if (ct->entity != NULL && strcmp(ct->entity, e->number) != 0) {
			be_establishment_format(ct->entity, fmt);
			set(it, "unit", fmt);
		} else {
			set(it, "unit", "");
		}
	}
}

static int
card_page(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *p = web_param(r, "number"), *q = web_query(r, "q");
	struct reg_card card;
	struct tmpl_ctx *c;
	char number[11];
	long page = page_param(r);
	int rc;

	if (p == NULL || strlen(p) > 32 || be_enterprise_parse(p, number) != BE_OK)
		return web_error(r, 404);
	if (strcmp(p, number) != 0)
		return web_redirect(r, card_href(r, number, NULL, 0));
	rc = registry_card(app->store, web_arena(r), number, web_lang(r), NULL, &card);
	if (rc == 1)
		return web_error(r, 404);
	if (rc != 0)
		return -1;
	c = web_page(r, N_("Fiche d'entreprise"));
	if (c == NULL)
		return -1;
	if (card.e.name != NULL)
		set(c, "title", card.e.name);
	if (!blank(q) && utf8_len(q, strlen(q)) <= REGISTRY_SEARCH_TEXT_MAX && page > 0)
		set(c, "back_href", arena_printf(web_arena(r), "/entreprises?q=%s&page=%ld",
		    web_url_encode(web_arena(r), q), page));
	card_set(r, c, &card);
	return web_render(r, "lookup/card", c);
}

int
lookup_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/entreprises", search_page, 0) != 0 ||
	    web_route(s, "GET", "/entreprises/:number", card_page, 0) != 0)
		return -1;
	return 0;
}
