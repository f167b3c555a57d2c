/* exception.c — the exception procedure's pages, guide §2.2.2 (public, no eID): the
 * request form for the guide's three cases with its warnings, the stop for requesters
 * who could use the standard procedure, the reference and the form to print (PDF, only
 * for the browser that made the request: a key in a cookie), the status by reference. */
#include "apps/csam/csam_app.h"

#include <stdlib.h>
#include <string.h>

#include "base/msgid.h"
#include "csam/exception.h"
#include "pdf/forms.h"
#include "registry/registry.h"

#define COOKIE "portier_exc"
#define COOKIE_AGE (30L * 86400)

/* The form's fields, shown again as typed when the form has errors. */
static const char *const fields[] = {
	"case_kind", "has_eid", "rep_domicile_be", "enterprise", "company_country",
	"company_name", "company_reg", "company_address", "rep_kind", "rep_company_name",
	"rep_company_number", "rep_company_country", "rep_last_name", "rep_first_name",
	"rep_birth_date", "rep_nationality", "rep_country", "rep_address", "rep_doc_type",
	"rep_doc_number", "rep_doc_country", "gap_niss", "gap_last_name", "gap_first_name",
	"gap_has_eid", "contact_email", "contact_phone", "declaration", "id_type", "id_value",
};

/* Radio and select values shown as chosen: "<field>_<value>" set true. */
static const char *const choices[] = {
	"case_kind", "has_eid", "rep_domicile_be", "rep_kind", "rep_doc_type", "gap_has_eid",
	"id_type",
};

static void
warnings(struct tmpl_ctx *c)
{
	tmpl_set_bool(c, "warnings", true);
}

static int
form_page(struct web_req *r, int status, const struct access_errors *err)
{
	const char *token = web_form(r, "token");
	char fresh[CSAM_TOKEN_LEN + 1];
	struct tmpl_ctx *c;

	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, N_("Désigner le Gestionnaire d'Accès Principal par la procédure "
	    "d'exception"));
	if (c == NULL)
		return -1;
	warnings(c);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		tmpl_set(c, fields[i], csam_app_form(r, fields[i]));
	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		const char *v = csam_app_form(r, choices[i]);

		if (v[0] != '\0' && strlen(v) < 32 && strspn(v, "abcdefghijklmnopqrstuvwxyz_") ==
		    strlen(v))
			tmpl_set_bool(c, arena_printf(web_arena(r), "%s_%s", choices[i], v), true);
	}
	tmpl_set_bool(c, "declaration_yes", strcmp(csam_app_form(r, "declaration"), "yes") == 0);
	csam_app_countries(r, c, "company_countries", csam_app_form(r, "company_country"));
	csam_app_countries(r, c, "rep_company_countries", csam_app_form(r,
	    "rep_company_country"));
	csam_app_countries(r, c, "nationalities", csam_app_form(r, "rep_nationality"));
	csam_app_countries(r, c, "rep_countries", csam_app_form(r, "rep_country"));
	csam_app_countries(r, c, "doc_countries", csam_app_form(r, "rep_doc_country"));
	if (token == NULL || !csam_valid_token(token)) {
		csam_token_new(fresh);
		token = fresh;
	}
	tmpl_set(c, "token", token);
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "csam/exception_form", c);
}

static int
form_get(struct web_req *r)
{
	return form_page(r, 200, NULL);
}

static int
stopped_page(struct web_req *r)
{
	struct tmpl_ctx *c = web_page(r, N_("Utilisez la procédure standard"));

	if (c == NULL)
		return -1;
	warnings(c);
	return web_render_status(r, 422, "csam/exception_stopped", c);
}

static int
form_post(struct web_req *r)
{
	struct access_errors err = { 0 };
	struct csam_exc_created out;
	struct csam_exc_form f;
	struct actor who;
	char today[11], *cookie;
	bool stopped;
	enum access_rc rc;

#define F(name) f.name = csam_app_form(r, #name)
	memset(&f, 0, sizeof(f));
	F(case_kind); F(has_eid); F(rep_domicile_be); F(enterprise); F(company_country);
	F(company_name); F(company_reg); F(company_address); F(rep_kind); F(rep_company_name);
	F(rep_company_number); F(rep_company_country); F(rep_last_name); F(rep_first_name);
	F(rep_birth_date); F(rep_nationality); F(rep_country); F(rep_address); F(rep_doc_type);
	F(rep_doc_number); F(rep_doc_country); F(gap_niss); F(gap_last_name); F(gap_first_name);
	F(gap_has_eid); F(contact_email); F(contact_phone); F(declaration); F(id_type);
	F(id_value);
#undef F
	registry_today(today);
	f.token = csam_app_form(r, "token");
	f.today = today;
	who = app_actor(r);
	rc = csam_exception_submit(csam_app_store(r), app_mail(r), web_arena(r), &who, &f, &err,
	    &stopped, &out);
	if (stopped)
		return rc == ACCESS_ERROR ? -1 : stopped_page(r);
	if (rc == ACCESS_INVALID)
		return form_page(r, 422, &err);
	if (rc != ACCESS_OK)
		return -1;
	/* The key opens the form's PDF in this browser only. */
	cookie = arena_printf(web_arena(r), "%s.%s", out.reference, out.key);
	if (cookie == NULL || web_set_cookie(r, COOKIE, cookie, COOKIE_AGE) != 0)
		return -1;
	return web_redirect(r, arena_printf(web_arena(r), "/csam/exception/demande/%s",
	    out.reference));
}

/* The requester's key for reference from the cookie, or NULL. */
static const char *
cookie_key(struct web_req *r, const char *reference)
{
	const char *v = web_cookie(r, COOKIE);
	size_t n = strlen(reference);

	if (v == NULL || strncmp(v, reference, n) != 0 || v[n] != '.')
		return NULL;
	return v + n + 1;
}

static int
done_get(struct web_req *r)
{
	char ref[CSAM_REFERENCE_MAX];
	const char *status;
	struct csam_exc x;
	const char *key;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!csam_reference_parse(web_param(r, "ref"), ref))
		return web_error(r, 404);
	rc = csam_exception_status(csam_app_store(r), web_arena(r), ref, &status);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = web_page(r, N_("Votre demande a été enregistrée"));
	if (c == NULL)
		return -1;
	tmpl_set(c, "reference", ref);
	tmpl_set(c, "status", csam_app_status_label(r, status));
	key = cookie_key(r, ref);
	if (key != NULL && csam_exception_for_requester(csam_app_store(r), web_arena(r), ref, key,
	    &x) == ACCESS_OK) {
		tmpl_setf(c, "pdf_href", "/csam/exception/demande/%s/formulaire.pdf", ref);
	}
	for (const char *p = csam_app_cfg(r)->exception_address; p && *p != '\0'; ) {
		const char *sep = strstr(p, " | ");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);
		struct tmpl_ctx *it = tmpl_list_add(c, "postal");

		if (it == NULL)
			return -1;
		tmpl_set(it, "line", arena_strndup(web_arena(r), p, n));
		p = sep ? sep + 3 : p + n;
	}
	return web_render(r, "csam/exception_done", c);
}

static const char *
translate(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

static int
pdf_get(struct web_req *r)
{
	char ref[CSAM_REFERENCE_MAX], *disposition;
	const char *key;
	struct csam_exc x;
	size_t len = 0;
	void *pdf;
	int rc;

	if (!csam_reference_parse(web_param(r, "ref"), ref))
		return web_error(r, 404);
	key = cookie_key(r, ref);
	if (key == NULL || csam_exception_for_requester(csam_app_store(r), web_arena(r), ref, key,
	    &x) != ACCESS_OK)
		return web_error(r, 404);
	pdf = pdf_exception_form(&x, csam_app_cfg(r)->exception_address, translate, r, &len);
	if (pdf == NULL)
		return -1;
	disposition = arena_printf(web_arena(r), "attachment; filename=\"%s.pdf\"", ref);
	rc = web_add_header(r, "Content-Disposition", disposition) == 0 &&
	    web_add_header(r, "Cache-Control", "no-store") == 0 ?
	    web_send(r, 200, "application/pdf", pdf, len) : -1;
	free(pdf);
	return rc;
}

static int
status_get(struct web_req *r)
{
	const char *typed = web_query(r, "reference");
	char ref[CSAM_REFERENCE_MAX];
	const char *status = NULL;
	struct tmpl_ctx *c = web_page(r, N_("Statut d'une demande"));
	int code = 200;

	if (c == NULL)
		return -1;
	if (typed != NULL && strlen(typed) <= 40)
		tmpl_set(c, "reference", typed);
	if (typed != NULL && typed[0] != '\0') {
		enum access_rc rc = csam_reference_parse(typed, ref) ?
		    csam_exception_status(csam_app_store(r), web_arena(r), ref, &status) :
		    ACCESS_NOT_FOUND;

		if (rc == ACCESS_ERROR)
			return -1;
		if (rc == ACCESS_OK) {
			tmpl_set(c, "found_ref", ref);
			tmpl_set(c, "status", csam_app_status_label(r, status));
		} else {
			tmpl_set(c, "err_reference", web_t(r, N_("Aucune demande ne porte cette "
			    "référence. Vérifiez-la : elle a la forme EX-XXXX-XXXX.")));
			code = 404;
		}
	}
	return web_render_status(r, code, "csam/exception_status", c);
}

int
csam_exception_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/csam/exception", form_get, 0) != 0 ||
	    web_route(s, "POST", "/csam/exception", form_post, 0) != 0 ||
	    web_route(s, "GET", "/csam/exception/statut", status_get, 0) != 0 ||
	    web_route(s, "GET", "/csam/exception/demande/:ref", done_get, 0) != 0 ||
	    web_route(s, "GET", "/csam/exception/demande/:ref/formulaire.pdf", pdf_get, 0) != 0)
		return -1;
	return 0;
}
