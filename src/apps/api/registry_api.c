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

/* Sets key to the string v, or leaves it out when v is NULL or empty. */
static void
set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		json_object_set_new(o, key, json_string(v));
}

static json_t *
code_label(const char *code, const char *label)
{
	json_t *o;

	if (code == NULL || code[0] == '\0')
		return NULL;
	o = json_object();
	set_str(o, "code", code);
	set_str(o, "label", label);
	return o;
}

static json_t *
address_json(const struct reg_address *a)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	set_str(o, "type", a->type);
	set_str(o, "street", a->street);
	set_str(o, "house_number", a->house_number);
	set_str(o, "box", a->box);
	set_str(o, "zipcode", a->zipcode);
	set_str(o, "municipality", a->municipality);
	set_str(o, "country", a->country);
	set_str(o, "extra", a->extra);
	return o;
}

static json_t *
card_json(const struct reg_enterprise *e)
{
	json_t *o = json_object(), *list;
	char vat[13];

	if (o == NULL)
		return NULL;
	be_vat_format(e->number, vat);
	set_str(o, "enterprise_number", e->number);
	set_str(o, "vat_number", vat);
	set_str(o, "name", e->name);
	set_str(o, "status", e->status);
	set_str(o, "status_label", e->status_label);
	json_object_set_new(o, "active", json_boolean(e->active));
	json_object_set_new(o, "juridical_form",
	    code_label(e->juridical_form, e->juridical_form_label));
	json_object_set_new(o, "juridical_situation",
	    code_label(e->juridical_situation, e->juridical_situation_label));
	set_str(o, "type_of_enterprise", e->type_of_enterprise);
	set_str(o, "start_date", e->start_date);
	if (e->seat.type != NULL)
		json_object_set_new(o, "seat", address_json(&e->seat));
	list = json_array();
	for (size_t i = 0; i < e->nestablishments; i++) {
		const struct reg_establishment *es = &e->establishments[i];
		json_t *x = json_object();

		set_str(x, "number", es->number);
		set_str(x, "start_date", es->start_date);
		set_str(x, "name", es->name);
		json_object_set_new(x, "address", address_json(&es->address));
		json_array_append_new(list, x);
	}
	json_object_set_new(o, "establishments", list);
	json_object_set_new(o, "establishments_total",
	    json_integer((json_int_t)(e->establishments_total > e->nestablishments ?
	    e->establishments_total : e->nestablishments)));
	list = json_array();
	for (size_t i = 0; i < e->ncontacts; i++) {
		const struct reg_contact *c = &e->contacts[i];
		json_t *x = json_object();

		set_str(x, "entity", c->entity);
		set_str(x, "type", c->type);
		set_str(x, "type_label", c->type_label);
		set_str(x, "value", c->value);
		json_array_append_new(list, x);
	}
	json_object_set_new(o, "contacts", list);
	list = json_array();
	for (size_t i = 0; i < e->nactivities; i++) {
		const struct reg_activity *ac = &e->activities[i];
		json_t *x = json_object();

		set_str(x, "nace_version", ac->nace_version);
		set_str(x, "nace_code", ac->nace_code);
		set_str(x, "label", ac->label);
		set_str(x, "classification", ac->classification);
		set_str(x, "classification_label", ac->classification_label);
		json_array_append_new(list, x);
	}
	json_object_set_new(o, "activities", list);
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
	json_t *o = json_object();

	json_object_set_new(o, "error", json_string(code));
	json_object_set_new(o, "error_description", json_string(desc));
	return send_json(r, status, o);
}

static int
enterprise(struct web_req *r)
{
	struct app *app = web_app(r);
	const char *lang = web_query(r, "lang");
	char number[11];
	struct reg_card card;
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
	return send_json(r, 200, card_json(&card.e));
}

int
registry_api_routes(struct web_server *s)
{
	return web_route(s, "GET", "/api/registry/enterprises/:number", enterprise, 0);
}
