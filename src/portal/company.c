/* company.c — "Mon entreprise": the company's public card from portier's registry API
 * (name, VAT, seat, establishments, registry contacts) with the agency's own data (agency
 * number, contact points), and "Gérer mes données d'entreprise": the company's contact
 * points, the materiovigilance one among them. */
#include "portal/internal.h"

#include <stdio.h>
#include <string.h>

#include "be/be.h"
#include "value/value.h"

/* Fills c with the registry card: 0, or 1 when it cannot be shown (notice set). */
static int
card_to_ctx(struct web_req *r, struct tmpl_ctx *c, json_t *card)
{
	json_t *list, *x;
	size_t i;

	tmpl_set(c, "juridical_form", pjson_str(json_object_get(card, "juridical_form"),
	    "label"));
	tmpl_set(c, "status_label", pjson_str(card, "status_label"));
	tmpl_set(c, "start_date", pdate(r, pjson_str(card, "start_date")));
	tmpl_set(c, "seat", paddress_line(web_arena(r), json_object_get(card, "seat")));
	list = json_object_get(card, "establishments");
	json_array_foreach(list, i, x) {
		struct tmpl_ctx *e = tmpl_list_add(c, "establishments");
		char num[14];
		char digits[11];
		bool ok = be_establishment_parse(pjson_str(x, "number"), digits) == BE_OK;

		if (e == NULL)
			return -1;
		if (ok)
			be_establishment_format(digits, num);
		/* A number the registry gives in another form is shown as given, whole. */
		tmpl_set(e, "number", ok ? num : pjson_str(x, "number"));
		tmpl_set(e, "name", pjson_str(x, "name"));
		tmpl_set(e, "address", paddress_line(web_arena(r), json_object_get(x, "address")));
		tmpl_set(e, "start_date", pdate(r, pjson_str(x, "start_date")));
	}
	list = json_object_get(card, "contacts");
	json_array_foreach(list, i, x) {
		struct tmpl_ctx *e = tmpl_list_add(c, "registry_contacts");

		if (e == NULL)
			return -1;
		tmpl_set(e, "type", pjson_str(x, "type_label")[0] ? pjson_str(x, "type_label") :
		    pjson_str(x, "type"));
		tmpl_set(e, "value", pjson_str(x, "value"));
	}
	return 0;
}

static int
contacts_to_ctx(struct web_req *r, struct tmpl_ctx *c,
    const struct portal_contact k[PORTAL_CONTACT_KINDS])
{
	for (size_t i = 0; i < PORTAL_CONTACT_KINDS; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "contacts");

		if (e == NULL)
			return -1;
		tmpl_set(e, "kind", k[i].kind);
		tmpl_set(e, "label", pcat_label(r, pcat_contacts, pcat_ncontacts, k[i].kind));
		tmpl_set(e, "name", k[i].name);
		tmpl_set(e, "email", k[i].email);
		tmpl_set(e, "phone", k[i].phone);
		tmpl_set_bool(e, "given", k[i].updated_at != 0);
		tmpl_set(e, "updated", ptime(r, k[i].updated_at));
	}
	return 0;
}

static int
company(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_contact k[PORTAL_CONTACT_KINDS];
	struct pvisit v;
	struct tmpl_ctx *c;
	json_t *card = NULL;
	char vat[13], bce[13];
	int rc;

	if (!portal_require_login(r, &v))
		return 0;
	if (pdata_contacts(p->store, web_arena(r), v.company.id, k) != 0)
		return web_error(r, 500);
	c = web_page(r, N_("Mon entreprise"));
	if (c == NULL)
		return -1;
	be_vat_format(v.company.enterprise, vat);
	be_enterprise_format(v.company.enterprise, bce);
	tmpl_set(c, "company_name", v.company.name);
	tmpl_set(c, "vat", vat);
	tmpl_set(c, "bce_number", bce);
	tmpl_set(c, "agency_number", v.company.agency_number);
	tmpl_set_bool(c, "saved", web_query(r, "ok") != NULL);
	rc = portal_registry_card(p, v.company.enterprise, web_lang(r), &card);
	if (rc == 0) {
		tmpl_set_bool(c, "card", true);
		if (pjson_str(card, "name")[0] != '\0')
			tmpl_set(c, "company_name", pjson_str(card, "name"));
		rc = card_to_ctx(r, c, card);
		json_decref(card);
		if (rc != 0)
			return -1;
	}
	if (contacts_to_ctx(r, c, k) != 0)
		return -1;
	return web_render(r, "company", c);
}

/* ---- Gérer mes données d'entreprise: the contact points ---- */

/* The field name of one value of one contact: "materiovigilance_email". */
static const char *
field(struct web_req *r, const char *kind, const char *what)
{
	return arena_printf(web_arena(r), "%s_%s", kind, what);
}

static const char *
form_value(struct web_req *r, const char *kind, const char *what)
{
	const char *v = web_form(r, field(r, kind, what));

	return v ? v : "";
}

static int
contacts_form(struct web_req *r, int status, const struct portal_contact k[PORTAL_CONTACT_KINDS],
    const char *const errors[PORTAL_CONTACT_KINDS][3])
{
	struct tmpl_ctx *c;
	bool any = false;

	if (web_session_ensure(r) == NULL)
		return web_error(r, 500);
	c = web_page(r, N_("Gérer mes données d'entreprise"));
	if (c == NULL)
		return -1;
	for (size_t i = 0; i < PORTAL_CONTACT_KINDS; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "contacts");
		const char *err_name = errors ? errors[i][0] : NULL;
		const char *err_email = errors ? errors[i][1] : NULL;
		const char *err_phone = errors ? errors[i][2] : NULL;

		if (e == NULL)
			return -1;
		tmpl_set(e, "kind", k[i].kind);
		tmpl_set(e, "label", pcat_label(r, pcat_contacts, pcat_ncontacts, k[i].kind));
		tmpl_set(e, "name", k[i].name);
		tmpl_set(e, "email", k[i].email);
		tmpl_set(e, "phone", k[i].phone);
		if (err_name)
			tmpl_set(e, "error_name", web_t(r, err_name));
		if (err_email)
			tmpl_set(e, "error_email", web_t(r, err_email));
		if (err_phone)
			tmpl_set(e, "error_phone", web_t(r, err_phone));
		any = any || err_name || err_email || err_phone;
	}
	tmpl_set_bool(c, "has_errors", any);
	return web_render_status(r, status, "contacts", c);
}

static int
contacts_show(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_contact k[PORTAL_CONTACT_KINDS];
	struct pvisit v;

	if (!portal_require_login(r, &v))
		return 0;
	if (pdata_contacts(p->store, web_arena(r), v.company.id, k) != 0)
		return web_error(r, 500);
	return contacts_form(r, 200, k, NULL);
}

/* One contact point's fields, all optional, in the order of errors[][]: name, e-mail,
 * phone (the materiovigilance e-mail is required, below). */
static const struct value_field contact_fields[3] = {
	{ "name", VALUE_TEXT, false, PORTAL_NAME_MAX, NULL,
	  N_("Le nom doit compter au plus 200 caractères, sur une ligne.") },
	{ "email", VALUE_EMAIL, false, PORTAL_EMAIL_MAX, NULL,
	  N_("Indiquez une adresse e-mail valide, par exemple vigilance@entreprise.be.") },
	{ "phone", VALUE_PHONE, false, PORTAL_PHONE_MAX, NULL,
	  N_("Indiquez un numéro de téléphone valide, par exemple +32 2 123 45 67.") },
};

static int
contacts_save(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_contact k[PORTAL_CONTACT_KINDS];
	const char *errors[PORTAL_CONTACT_KINDS][3];
	struct pvisit v;
	bool bad = false;

	if (!portal_require_login(r, &v))
		return 0;
	memset(k, 0, sizeof(k));
	memset(errors, 0, sizeof(errors));
	for (size_t i = 0; i < PORTAL_CONTACT_KINDS; i++) {
		const char *kind = portal_contact_kinds[i];
		const char *name = form_value(r, kind, "name");
		const char *email = form_value(r, kind, "email");
		const char *phone = form_value(r, kind, "phone");

		/* What was typed comes back as typed, whole. */
		k[i].kind = kind;
		k[i].name = name;
		k[i].email = email;
		k[i].phone = phone;
		for (size_t f = 0; f < 3; f++)
			errors[i][f] = value_field_check(&contact_fields[f],
			    (const char *[]){ name, email, phone }[f], NULL, 0);
		if (strcmp(kind, "materiovigilance") == 0 && email[0] == '\0' && errors[i][1] == NULL)
			errors[i][1] = N_("L'adresse e-mail du point de contact matériovigilance est "
			    "obligatoire.");
		bad = bad || errors[i][0] || errors[i][1] || errors[i][2];
	}
	if (bad)
		return contacts_form(r, 422, k, (const char *const (*)[3])errors);
	if (pdata_contacts_save(p->store, v.company.id, v.who.user_id, k) != 0)
		return web_error(r, 500);
	return web_redirect(r, "/entreprise?ok=1");
}

int
portal_company_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/entreprise", company, 0) != 0 ||
	    web_route(s, "GET", "/entreprise/contacts", contacts_show, 0) != 0 ||
	    web_route(s, "POST", "/entreprise/contacts", contacts_save, 0) != 0)
		return -1;
	return 0;
}
