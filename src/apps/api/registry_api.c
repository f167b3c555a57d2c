/* registry_api.c — portier's public registry API: GET /api/registry/enterprises/{number}
 * gives the public card of an enterprise (KBO open data) as JSON for relying parties such
 * as the agency portal. No personal data: neither NISS nor the representatives. */
#include "apps/app.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "be/be.h"
#include "registry/registry.h"
#include "web/i18n.h"

/* Sets key to v (taken); a NULL v or a failure marks *bad: the card is then not sent,
 * rather than sent without the member. */
static void
put(json_t *o, const char *key, json_t *v, int *bad)
{
	if (o == NULL) {
		json_decref(v);
		*bad = 1;
	} else if (json_object_set_new(o, key, v) != 0) {
		*bad = 1;
	}
}

/* Sets key to the string v, or leaves it out when v is NULL or empty. */
static void
set_str(json_t *o, const char *key, const char *v, int *bad)
{
	if (v != NULL && v[0] != '\0')
		put(o, key, json_string(v), bad);
}

/* Appends x (taken) to list; a failure marks *bad. */
static void
push(json_t *list, json_t *x, int *bad)
{
	if (list == NULL) {
		json_decref(x);
		*bad = 1;
	} else if (json_array_append_new(list, x) != 0) {
		*bad = 1;
	}
}

static void
code_label(json_t *o, const char *key, const char *code, const char *label, int *bad)
{
	json_t *x;

	if (code == NULL || code[0] == '\0')
		return;
	x = json_object();
	set_str(x, "code", code, bad);
	set_str(x, "label", label, bad);
	put(o, key, x, bad);
}

static json_t *
address_json(const struct reg_address *a, int *bad)
{
	json_t *o = json_object();

	set_str(o, "type", a->type, bad);
	set_str(o, "street", a->street, bad);
	set_str(o, "house_number", a->house_number, bad);
	set_str(o, "box", a->box, bad);
	set_str(o, "zipcode", a->zipcode, bad);
	set_str(o, "municipality", a->municipality, bad);
	set_str(o, "country", a->country, bad);
	set_str(o, "extra", a->extra, bad);
	return o;
}

/* The card as JSON, or NULL when any part of it cannot be built. */
static json_t *
card_json(const struct reg_enterprise *e)
{
	json_t *o = json_object(), *list;
	char vat[13];
	int bad = 0;

	be_vat_format(e->number, vat);
	set_str(o, "enterprise_number", e->number, &bad);
	set_str(o, "vat_number", vat, &bad);
	set_str(o, "name", e->name, &bad);
	set_str(o, "status", e->status, &bad);
	set_str(o, "status_label", e->status_label, &bad);
	put(o, "active", json_boolean(e->active), &bad);
	code_label(o, "juridical_form", e->juridical_form, e->juridical_form_label, &bad);
	code_label(o, "juridical_situation", e->juridical_situation,
	    e->juridical_situation_label, &bad);
	set_str(o, "type_of_enterprise", e->type_of_enterprise, &bad);
	set_str(o, "start_date", e->start_date, &bad);
	if (e->seat.type != NULL)
		put(o, "seat", address_json(&e->seat, &bad), &bad);
	list = json_array();
	for (size_t i = 0; i < e->nestablishments; i++) {
		const struct reg_establishment *es = &e->establishments[i];
		json_t *x = json_object();

		set_str(x, "number", es->number, &bad);
		set_str(x, "start_date", es->start_date, &bad);
		set_str(x, "name", es->name, &bad);
		put(x, "address", address_json(&es->address, &bad), &bad);
		push(list, x, &bad);
	}
	put(o, "establishments", list, &bad);
	put(o, "establishments_total",
	    json_integer((json_int_t)(e->establishments_total > e->nestablishments ?
	    e->establishments_total : e->nestablishments)), &bad);
	list = json_array();
	for (size_t i = 0; i < e->ncontacts; i++) {
		const struct reg_contact *c = &e->contacts[i];
		json_t *x = json_object();

		set_str(x, "entity", c->entity, &bad);
		set_str(x, "type", c->type, &bad);
		set_str(x, "type_label", c->type_label, &bad);
		set_str(x, "value", c->value, &bad);
		push(list, x, &bad);
	}
	put(o, "contacts", list, &bad);
	list = json_array();
	for (size_t i = 0; i < e->nactivities; i++) {
		const struct reg_activity *ac = &e->activities[i];
		json_t *x = json_object();

		set_str(x, "nace_version", ac->nace_version, &bad);
		set_str(x, "nace_code", ac->nace_code, &bad);
		set_str(x, "label", ac->label, &bad);
		set_str(x, "classification", ac->classification, &bad);
		set_str(x, "classification_label", ac->classification_label, &bad);
		push(list, x, &bad);
	}
	put(o, "activities", list, &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
send_json(struct web_req *r, int status, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	int rc;

	json_decref(o);
	if (text == NULL)
		return -1;
	web_add_header(r, "Access-Control-Allow-Origin", "*");
	if (status == 200)
		web_add_header(r, "Cache-Control", "public, max-age=300");
	rc = web_send(r, status, "application/json", text, strlen(text));
	free(text);
	return rc;
}

static int
api_error(struct web_req *r, int status, const char *code, const char *desc)
{
	return send_json(r, status, json_pack("{s:s, s:s}", "error", code, "error_description",
	    desc));
}

static int
enterprise(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *lang = web_query(r, "lang");
	char number[11];
	struct reg_card card;
	json_t *o;
	int rc;

	if (be_enterprise_parse(web_param(r, "number"), number) != BE_OK)
		return api_error(r, 400, "invalid_number", "not a valid enterprise number");
	if (lang == NULL || !i18n_supported(lang))
		lang = web_lang(r);
	rc = registry_card(app->store, web_arena(r), number, lang, NULL, &card);
	if (rc < 0)
		return api_error(r, 500, "server_error", "the registry cannot be read");
	if (rc > 0)
		return api_error(r, 404, "not_found", "no such enterprise in the registry");
	o = card_json(&card.e);
	if (o == NULL)
		return api_error(r, 500, "server_error", "the card cannot be built");
	return send_json(r, 200, o);
}

int
registry_api_routes(struct web_server *s)
{
	return web_route(s, "GET", "/api/registry/enterprises/:number", enterprise, 0);
}
