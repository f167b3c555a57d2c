/* registry.c — `portier registry show NUMBER` and `portier registry search TEXT`: the
 * enterprise card and the search of the public lookup page, on the command line, as text
 * or JSON. Read-only. A representative's NISS is shown masked, never whole. */
#include "cmd/cmd.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "be/be.h"
#include "registry/registry.h"
#include "store/store.h"

#define MAX_ARGS 64
#define PAGE_SIZE 20

static const char usage[] =
    "usage: portier registry show NUMBER [--json] [--lang fr|nl|de|en] [--date YYYY-MM-DD]\n"
    "       portier registry search TEXT [--json] [--page N] [--lang fr|nl|de|en]\n"
    "       (both also take --db PATH and --config FILE)\n"
    "\n"
    "show    prints the card of an enterprise of the KBO registry: names, status, juridical\n"
    "        form and situation, seat, establishments, activities (NACE), contacts, and its\n"
    "        current legal representatives (on --date, default today). NUMBER in any\n"
    "        accepted form: 0552.627.113, 0552627113, BE 0552 627 113, 552627113.\n"
    "search  finds enterprises by number (enterprise or establishment unit) or by name:\n"
    "        words in any order, accents ignored, the last word as a prefix; active\n"
    "        enterprises first, 20 per page (--page, up to 1000).\n"
    "--lang  language of names and labels (default fr; en falls back to fr).\n"
    "--json  one JSON object on stdout.\n"
    "Exit status: 0 found, 1 not found or failed, 2 usage.\n";

struct opts {
	bool json;
	const char *lang;
	const char *date;
	long page;
};

static int
take_opts(int argc, char **argv, struct opts *o, char **rest, int *nrest)
{
	*nrest = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *name = NULL, *v = NULL;

		if (strcmp(a, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (strcmp(a, "--lang") == 0 || strcmp(a, "--page") == 0 ||
		    strcmp(a, "--date") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "portier: %s needs a value\n", a);
				return -1;
			}
			name = a;
			v = argv[++i];
		} else if (strncmp(a, "--lang=", 7) == 0 || strncmp(a, "--page=", 7) == 0 ||
		    strncmp(a, "--date=", 7) == 0) {
			name = a;
			v = a + 7;
		}
		if (name == NULL) {
			if (*nrest == MAX_ARGS) {
				fprintf(stderr, "portier: too many arguments\n");
				return -1;
			}
			rest[(*nrest)++] = argv[i];
			continue;
		}
		if (strncmp(name, "--lang", 6) == 0) {
			if (strcmp(v, "fr") != 0 && strcmp(v, "nl") != 0 && strcmp(v, "de") != 0 &&
			    strcmp(v, "en") != 0) {
				fprintf(stderr, "portier: --lang must be fr, nl, de or en\n");
				return -1;
			}
			o->lang = v;
		} else if (strncmp(name, "--date", 6) == 0) {
			int y, m, d;
			char tail;

			if (strlen(v) != 10 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
			    m < 1 || m > 12 || d < 1 || d > 31) {
				fprintf(stderr, "portier: --date must be YYYY-MM-DD\n");
				return -1;
			}
			o->date = v;
		} else {
			char *end;

			errno = 0;
			o->page = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || o->page < 1 ||
			    o->page > REGISTRY_PAGE_MAX) {
				fprintf(stderr, "portier: --page must be a number from 1 to %d\n",
				    REGISTRY_PAGE_MAX);
				return -1;
			}
		}
	}
	return 0;
}

static const char *
or_dash(const char *s)
{
	return s != NULL ? s : "-";
}

/* "Rue de la Loi 16 box 3, 1000 Bruxelles, France" into out. */
static void
address_text(const struct reg_address *ad, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s%s%s%s%s%s%s%s%s", ad->street ? ad->street : "",
	    ad->house_number ? " " : "", ad->house_number ? ad->house_number : "",
	    ad->box ? " box " : "", ad->box ? ad->box : "",
	    ad->zipcode || ad->municipality ? ", " : "", ad->zipcode ? ad->zipcode : "",
	    ad->zipcode && ad->municipality ? " " : "", ad->municipality ? ad->municipality : "",
	    ad->country ? ", " : "", ad->country ? ad->country : "");
	if (out[0] == ',')
		memmove(out, out + 2, strlen(out + 2) + 1);
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
address_json(const struct reg_address *ad)
{
	if (ad->type == NULL && ad->street == NULL && ad->municipality == NULL)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "type", jstr(ad->type), "type_label", jstr(ad->type_label),
	    "street", jstr(ad->street), "house_number", jstr(ad->house_number),
	    "box", jstr(ad->box), "zipcode", jstr(ad->zipcode),
	    "municipality", jstr(ad->municipality), "country", jstr(ad->country),
	    "extra", jstr(ad->extra));
}

static json_t *
summary_json(const struct reg_enterprise *e)
{
	char fmt[13];

	be_enterprise_format(e->number, fmt);
	return json_pack("{s:s, s:s, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "number", e->number, "number_formatted", fmt, "name", jstr(e->name),
	    "status", jstr(e->status), "active", e->active,
	    "juridical_form", jstr(e->juridical_form),
	    "juridical_form_label", jstr(e->juridical_form_label),
	    "juridical_situation", jstr(e->juridical_situation),
	    "juridical_situation_label", jstr(e->juridical_situation_label),
	    "start_date", jstr(e->start_date), "seat", address_json(&e->seat));
}

static json_t *
card_json(const struct reg_card *c, const char *today)
{
	const struct reg_enterprise *e = &c->e;
	json_t *o = summary_json(e), *l;
	char fmt[16];
	/* Any part that cannot be built (a json_pack of a NULL, text not UTF-8) fails the
	 * whole card: it is never printed with parts left out. */
	int bad = o == NULL;

	bad |= json_object_set_new(o, "type_of_enterprise", jstr(e->type_of_enterprise)) != 0;
	bad |= json_object_set_new(o, "type_of_enterprise_label",
	    jstr(e->type_of_enterprise_label)) != 0;
	bad |= json_object_set_new(o, "status_label", jstr(e->status_label)) != 0;
	l = json_array();
	for (size_t i = 0; i < e->ndenominations; i++)
		bad |= json_array_append_new(l, json_pack("{s:o, s:o, s:o, s:o, s:o}",
		    "type", jstr(e->denominations[i].type),
		    "type_label", jstr(e->denominations[i].type_label),
		    "language", jstr(e->denominations[i].language),
		    "language_label", jstr(e->denominations[i].language_label),
		    "value", jstr(e->denominations[i].value))) != 0;
	bad |= json_object_set_new(o, "denominations", l) != 0;
	l = json_array();
	for (size_t i = 0; i < e->nestablishments; i++) {
		const struct reg_establishment *es = &e->establishments[i];

		be_establishment_format(es->number, fmt);
		bad |= json_array_append_new(l, json_pack("{s:s, s:s, s:o, s:o, s:o}",
		    "number", es->number, "number_formatted", fmt, "name", jstr(es->name),
		    "start_date", jstr(es->start_date), "address", address_json(&es->address))) != 0;
	}
	bad |= json_object_set_new(o, "establishments", l) != 0;
	bad |= json_object_set_new(o, "establishments_total", json_integer(
	    (json_int_t)e->establishments_total)) != 0;
	l = json_array();
	for (size_t i = 0; i < e->nactivities; i++) {
		const struct reg_activity *ac = &e->activities[i];

		bad |= json_array_append_new(l, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "nace_version", jstr(ac->nace_version), "nace_code", jstr(ac->nace_code),
		    "label", jstr(ac->label), "classification", jstr(ac->classification),
		    "classification_label", jstr(ac->classification_label),
		    "group", jstr(ac->group), "group_label", jstr(ac->group_label))) != 0;
	}
	bad |= json_object_set_new(o, "activities", l) != 0;
	l = json_array();
	for (size_t i = 0; i < e->ncontacts; i++)
		bad |= json_array_append_new(l, json_pack("{s:o, s:o, s:o, s:o}",
		    "entity", jstr(e->contacts[i].entity), "type", jstr(e->contacts[i].type),
		    "type_label", jstr(e->contacts[i].type_label),
		    "value", jstr(e->contacts[i].value))) != 0;
	bad |= json_object_set_new(o, "contacts", l) != 0;
	l = json_array();
	for (size_t i = 0; i < c->nfunctions; i++) {
		const struct reg_function *f = &c->functions[i];
		char masked[16];

		if (f->rep_niss != NULL)
			be_niss_mask(f->rep_niss, masked);
		bad |= json_array_append_new(l, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "representative_name", jstr(f->rep_name),
		    "representative_niss_masked", f->rep_niss ? json_string(masked) : json_null(),
		    "representative_enterprise", jstr(f->rep_enterprise),
		    "code", jstr(f->code), "label", jstr(f->label),
		    "begin", jstr(f->begin), "end", jstr(f->end))) != 0;
	}
	bad |= json_object_set_new(o, "current_functions", l) != 0;
	bad |= json_object_set_new(o, "date", json_string(today)) != 0;
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
print_json(json_t *o)
{
	int rc = -1;

	if (o != NULL && json_dumpf(o, stdout, JSON_INDENT(2)) == 0) {
		fputc('\n', stdout);
		rc = 0;
	}
	json_decref(o);
	if (rc != 0)
		fprintf(stderr, "portier: cannot write JSON\n");
	return rc;
}

static void
card_text(const struct reg_card *c, const char *today)
{
	const struct reg_enterprise *e = &c->e;
	char fmt[16], addr[1024];

	be_enterprise_format(e->number, fmt);
	printf("%s  %s\n", fmt, e->name ? e->name : "(no name)");
	printf("  status:              %s (%s)\n", e->status_label ? e->status_label :
	    e->active ? "active" : "stopped", or_dash(e->status));
	printf("  juridical situation: %s (%s)\n", or_dash(e->juridical_situation_label),
	    or_dash(e->juridical_situation));
	printf("  juridical form:      %s (%s)\n", or_dash(e->juridical_form_label),
	    or_dash(e->juridical_form));
	printf("  type:                %s\n", or_dash(e->type_of_enterprise_label));
	printf("  start date:          %s\n", or_dash(e->start_date));
	address_text(&e->seat, addr, sizeof(addr));
	printf("  seat:                %s\n", addr[0] ? addr : "-");
	printf("names:\n");
	for (size_t i = 0; i < e->ndenominations; i++)
		printf("  %s (%s): %s\n", or_dash(e->denominations[i].type_label),
		    or_dash(e->denominations[i].language_label),
		    or_dash(e->denominations[i].value));
	printf("establishments (%zu):\n", e->establishments_total);
	for (size_t i = 0; i < e->nestablishments; i++) {
		const struct reg_establishment *es = &e->establishments[i];

		be_establishment_format(es->number, fmt);
		address_text(&es->address, addr, sizeof(addr));
		printf("  %s  %s  %s  since %s\n", fmt, or_dash(es->name), addr[0] ? addr : "-",
		    or_dash(es->start_date));
	}
	printf("activities:\n");
	for (size_t i = 0; i < e->nactivities; i++) {
		const struct reg_activity *ac = &e->activities[i];

		printf("  NACE %s %s  %s (%s, %s)\n", or_dash(ac->nace_version),
		    or_dash(ac->nace_code), or_dash(ac->label), or_dash(ac->classification_label),
		    or_dash(ac->group_label));
	}
	printf("contacts:\n");
	for (size_t i = 0; i < e->ncontacts; i++)
		printf("  %s: %s\n", or_dash(e->contacts[i].type_label ? e->contacts[i].type_label :
		    e->contacts[i].type), or_dash(e->contacts[i].value));
	printf("current legal representatives (%s):\n", today);
	for (size_t i = 0; i < c->nfunctions; i++) {
		const struct reg_function *f = &c->functions[i];
		char who[16];

		if (f->rep_niss != NULL)
			be_niss_mask(f->rep_niss, who);
		else
			be_enterprise_format(f->rep_enterprise, who);
		printf("  %s (%s)  %s (%s)  since %s%s%s\n", or_dash(f->rep_name), who,
		    or_dash(f->label), or_dash(f->code), or_dash(f->begin), f->end ? " until " : "",
		    f->end ? f->end : "");
	}
	if (c->nfunctions == 0)
		printf("  none known\n");
}

static int
show(struct store *s, const char *text, const struct opts *o)
{
	struct arena *a = arena_new(0);
	struct reg_card card;
	char number[11], today[11];
	enum be_reason r;
	int rc = 1;

	if (a == NULL)
		return 1;
	r = be_enterprise_parse(text, number);
	if (r != BE_OK) {
		fprintf(stderr, "portier: registry show: '%s' is not a valid enterprise number\n",
		    text);
		arena_free(a);
		return 2;
	}
	if (o->date != NULL)
		snprintf(today, sizeof(today), "%s", o->date);
	else
		registry_today(today);
	switch (registry_card(s, a, number, o->lang, today, &card)) {
	case 0:
		if (o->json)
			rc = print_json(card_json(&card, today)) == 0 ? 0 : 1;
		else {
			card_text(&card, today);
			rc = 0;
		}
		break;
	case 1: {
		char fmt[13];

		be_enterprise_format(number, fmt);
		fprintf(stderr, "portier: registry show: no enterprise %s in the registry\n",
		    fmt);
		break;
	}
	default:
		fprintf(stderr, "portier: registry show: cannot read the registry\n");
	}
	arena_free(a);
	return rc;
}

static int
search(struct store *s, const char *text, const struct opts *o)
{
	struct arena *a = arena_new(0);
	struct reg_enterprise res[PAGE_SIZE];
	size_t total = 0, pages, len = strlen(text);
	bool capped = false;
	int n, rc = 1;

	if (a == NULL)
		return 1;
	if (len == 0 || len > REGISTRY_SEARCH_TEXT_MAX * 4) {
		fprintf(stderr, "portier: registry search: give 1 to %d characters\n",
		    REGISTRY_SEARCH_TEXT_MAX);
		arena_free(a);
		return 2;
	}
	n = registry_find(s, a, text, o->lang, (size_t)(o->page - 1) * PAGE_SIZE, PAGE_SIZE,
	    res, &total, &capped);
	if (n < 0) {
		fprintf(stderr, "portier: registry search: cannot search (text longer than %d "
		    "characters or not UTF-8?)\n", REGISTRY_SEARCH_TEXT_MAX);
		arena_free(a);
		return 1;
	}
	pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (o->json) {
		json_t *l = json_array();
		int bad = l == NULL;

		for (int i = 0; !bad && i < n; i++)
			bad = json_array_append_new(l, summary_json(&res[i])) != 0;
		if (bad) {
			json_decref(l);
			l = NULL;
		}
		/* json_pack refuses a NULL "o": no list printed with results left out. */
		rc = print_json(json_pack("{s:s, s:I, s:b, s:I, s:I, s:o}", "query", text,
		    "total", (json_int_t)total, "capped", capped, "page", (json_int_t)o->page,
		    "pages", (json_int_t)pages, "results", l)) == 0 ? 0 : 1;
	} else {
		printf("%s%zu enterprise%s found (page %ld of %zu)\n", capped ? "more than " : "",
		    total, total == 1 ? "" : "s", o->page, pages ? pages : 1);
		for (int i = 0; i < n; i++) {
			char fmt[13], addr[1024];

			be_enterprise_format(res[i].number, fmt);
			address_text(&res[i].seat, addr, sizeof(addr));
			printf("%s  %-2s  %s  %s  %s\n", fmt, or_dash(res[i].status),
			    or_dash(res[i].name), or_dash(res[i].juridical_form_label),
			    addr[0] ? addr : "-");
		}
		rc = 0;
	}
	if (rc == 0 && total == 0)
		rc = 1;
	arena_free(a);
	return rc;
}

int
cmd_registry(int argc, char **argv)
{
	struct opts o = { .lang = "fr", .page = 1 };
	struct config c;
	struct store *s;
	char *rest[MAX_ARGS], *pos[2];
	int nrest, npos, rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (take_opts(argc, argv, &o, rest, &nrest) != 0)
		return 2;
	rc = cmd_config(nrest, rest, usage, &c, pos, 2, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 2 || (strcmp(pos[0], "show") != 0 && strcmp(pos[0], "search") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(pos[0], "show") == 0 && o.page != 1) {
		fprintf(stderr, "portier: --page goes with search\n");
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	rc = strcmp(pos[0], "show") == 0 ? show(s, pos[1], &o) : search(s, pos[1], &o);
	store_close(s);
	return rc;
}
