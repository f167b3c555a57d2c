/* helpdesk.c — the back office of the exception procedure (/helpdesk), for the helpdesk
 * role: the queue with its filters (status, case, age, reference), a request in full with
 * its history, "Papier signé reçu", approval (four-eyes when configured), rejection with
 * a reason, the request form and the activation letter as PDF. The services check the
 * policy: anyone else gets a 403 page and the refusal is audited. */
#include "apps/csam/csam_app.h"
#include "apps/org_id_view.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/msgid.h"
#include "csam/helpdesk.h"
#include "pdf/forms.h"
#include "policy/loa.h"

#define PAGE_MAX 1000

/* Separation of duties (CSAM_REFUSAL_OWN). */
static const char own_msgid[] = N_("Séparation des fonctions : vous ne pouvez pas traiter "
    "une demande que vous avez introduite ou qui vous désigne comme Gestionnaire d'Accès "
    "Principal. Un autre opérateur doit s'en charger.");

static const char *const statuses[] = { "received", "paper", "approving", "approved",
    "rejected", NULL };
static const char *const cases[] = { "rep_abroad", "rep_company", "foreign_company",
	"no_number", NULL };

/* A request's identifier: its value and type, or for a number the helpdesk assigns at the
 * approval, that type alone. */
static const char *
id_of_request(struct web_req *r, const char *type, const char *value)
{
	return value[0] ? app_org_identifier(r, type, value) : app_org_id_type(r, type);
}

/* v when it is one of list, else NULL. */
static const char *
pick(const char *v, const char *const *list)
{
	for (; v != NULL && *list != NULL; list++)
		if (strcmp(v, *list) == 0)
			return *list;
	return NULL;
}

static void
options(struct web_req *r, struct tmpl_ctx *c, const char *key, const char *const *list,
    const char *chosen, const char *(*label)(struct web_req *, const char *))
{
	for (; *list != NULL; list++) {
		struct tmpl_ctx *it = tmpl_list_add(c, key);

		if (it == NULL)
			return;
		tmpl_set(it, "value", *list);
		tmpl_set(it, "label", label(r, *list));
		tmpl_set_bool(it, "selected", chosen && strcmp(chosen, *list) == 0);
	}
}

static int
queue_get(struct web_req *r)
{
	struct csam_queue_filter f = { 0 };
	struct csam_queue_item *items = NULL;
	const char *age = web_query(r, "age"), *ref = web_query(r, "reference");
	int64_t page = web_id(web_query(r, "page"));
	size_t n = 0, total = 0;
	struct actor who;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	f.status = pick(web_query(r, "statut"), statuses);
	f.case_kind = pick(web_query(r, "cas"), cases);
	f.older_than_days = age && strcmp(age, "7") == 0 ? 7 : age && strcmp(age, "30") == 0 ?
	    30 : 0;
	f.reference = ref && ref[0] && strlen(ref) <= 40 ? ref : NULL;
	if (page > PAGE_MAX)
		page = PAGE_MAX;
	f.offset = page > 1 ? (size_t)(page - 1) * CSAM_QUEUE_PAGE : 0;
	rc = csam_queue(csam_app_store(r), web_arena(r), &who, &f, &items, &n, &total);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = web_page(r, N_("Helpdesk : demandes de la procédure d'exception"));
	if (c == NULL)
		return -1;
	options(r, c, "statuses", statuses, f.status, csam_app_status_label);
	options(r, c, "cases", cases, f.case_kind, csam_app_case_label);
	tmpl_set_bool(c, "age_7", f.older_than_days == 7);
	tmpl_set_bool(c, "age_30", f.older_than_days == 30);
	tmpl_set(c, "reference", f.reference ? f.reference : "");
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "items");

		if (it == NULL)
			return -1;
		tmpl_set(it, "reference", items[i].reference);
		tmpl_setf(it, "href", "/helpdesk/demandes/%s", items[i].reference);
		tmpl_set(it, "case", csam_app_case_label(r, items[i].case_kind));
		tmpl_set(it, "company", items[i].company_name);
		tmpl_set(it, "number", items[i].enterprise[0] ? csam_app_enterprise(r,
		    items[i].enterprise) : items[i].id_type[0] ? id_of_request(r,
		    items[i].id_type, items[i].id_value) : csam_app_country(r, items[i].country));
		tmpl_set(it, "submitted", csam_app_time(r, items[i].submitted_at));
		tmpl_set(it, "status", csam_app_status_label(r, items[i].status));
	}
	tmpl_set_int(c, "total", (int64_t)total);
	tmpl_set_int(c, "shown", (int64_t)n);
	if (f.offset + n < total) {
		tmpl_setf(c, "next_href", "/helpdesk?statut=%s&cas=%s&age=%d&reference=%s&page=%lld",
		    f.status ? f.status : "", f.case_kind ? f.case_kind : "", f.older_than_days,
		    web_url_encode(web_arena(r), f.reference ? f.reference : ""),
		    (long long)(page > 1 ? page + 1 : 2));
	}
	return web_render(r, "helpdesk/queue", c);
}

/* The request page; message is a notice (success) or an alert, field errors in err. */
static int
request_page(struct web_req *r, int status, const char *notice_msgid, const char *alert_msgid,
    const char *reason_error)
{
	const char *ref = web_param(r, "ref");
	struct csam_decision *d = NULL;
	struct csam_exc x;
	struct actor who;
	struct tmpl_ctx *c;
	size_t n = 0;
	enum access_rc rc;

	who = app_actor(r);
	rc = csam_request(csam_app_store(r), web_arena(r), &who, ref, &x, &d, &n);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, N_("Demande de la procédure d'exception"));
	if (c == NULL)
		return -1;
	tmpl_set(c, "reference", x.reference);
	tmpl_setf(c, "base", "/helpdesk/demandes/%s", x.reference);
	tmpl_set(c, "status", csam_app_status_label(r, x.status));
	tmpl_set(c, "case", csam_app_case_label(r, x.case_kind));
	tmpl_set(c, "submitted", csam_app_time(r, x.submitted_at));
	tmpl_set(c, "language", x.language);
	tmpl_set(c, "number", x.enterprise[0] ? csam_app_enterprise(r, x.enterprise) : "");
	tmpl_set(c, "identifier", x.id_type[0] ? id_of_request(r, x.id_type, x.id_value) : "");
	tmpl_set(c, "company_country", csam_app_country(r, x.company_country));
	tmpl_set(c, "company_name", x.company_name);
	tmpl_set(c, "company_reg", x.company_reg);
	tmpl_set(c, "company_address", x.company_address);
	tmpl_set_bool(c, "rep_company", strcmp(x.rep_kind, "company") == 0);
	tmpl_set(c, "rep_company_name", x.rep_company_name);
	tmpl_set(c, "rep_company_number", strlen(x.rep_company_number) == 10 &&
	    strcmp(x.rep_company_country, "BE") == 0 ? csam_app_enterprise(r,
	    x.rep_company_number) : x.rep_company_number);
	tmpl_set(c, "rep_company_country", csam_app_country(r, x.rep_company_country));
	tmpl_setf(c, "rep_name", "%s %s", x.rep_first_name, x.rep_last_name);
	tmpl_set(c, "rep_birth_date", csam_app_date(r, x.rep_birth_date));
	tmpl_set(c, "rep_nationality", csam_app_country(r, x.rep_nationality));
	tmpl_set(c, "rep_country", csam_app_country(r, x.rep_country));
	tmpl_set(c, "rep_address", x.rep_address);
	tmpl_set(c, "rep_doc", csam_app_doc_label(r, x.rep_doc_type));
	tmpl_set(c, "rep_doc_number", x.rep_doc_number);
	tmpl_set(c, "rep_doc_country", csam_app_country(r, x.rep_doc_country));
	tmpl_set(c, "gap_niss", csam_app_niss(r, x.gap_niss));
	tmpl_setf(c, "gap_name", "%s %s", x.gap_first_name, x.gap_last_name);
	tmpl_set_bool(c, "gap_has_eid", x.gap_has_eid);
	tmpl_set(c, "contact_email", x.contact_email);
	tmpl_set(c, "contact_phone", x.contact_phone);
	tmpl_set(c, "reason", x.reason);
	/* Separation of duties: her own request is read, not decided, by an operator. */
	tmpl_set_bool(c, "own", x.own);
	tmpl_set_bool(c, "can_paper", !x.own && strcmp(x.status, "received") == 0);
	tmpl_set_bool(c, "can_approve", !x.own && (strcmp(x.status, "paper") == 0 ||
	    strcmp(x.status, "approving") == 0));
	tmpl_set_bool(c, "can_reject", !x.own && (strcmp(x.status, "received") == 0 ||
	    strcmp(x.status, "paper") == 0 || strcmp(x.status, "approving") == 0));
	tmpl_set_bool(c, "approving", strcmp(x.status, "approving") == 0);
	tmpl_set_bool(c, "approved", strcmp(x.status, "approved") == 0);
	tmpl_set_bool(c, "rejected", strcmp(x.status, "rejected") == 0);
	tmpl_set_bool(c, "four_eyes", csam_app_cfg(r)->four_eyes);
	tmpl_set_bool(c, "letter", !x.own && strcmp(x.status, "approved") == 0 &&
	    !x.gap_has_eid);
	if (x.org_id > 0)
		tmpl_setf(c, "org_href", "/csam/organisation/%lld", (long long)x.org_id);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "history");
		const char *a = d[i].action;

		if (it == NULL)
			return -1;
		tmpl_set(it, "at", csam_app_time(r, d[i].at));
		tmpl_set(it, "operator", d[i].operator_name);
		tmpl_set(it, "action", strcmp(a, "paper") == 0 ? web_t(r, N_("Papier signé reçu")) :
		    strcmp(a, "approve") == 0 ? web_t(r, N_("Approbation")) :
		    web_t(r, N_("Rejet")));
		tmpl_set(it, "reason", d[i].reason);
	}
	if (notice_msgid != NULL)
		tmpl_set(c, "notice", web_t(r, notice_msgid));
	if (alert_msgid != NULL)
		tmpl_set(c, "alert", web_t(r, alert_msgid));
	if (reason_error != NULL) {
		tmpl_set(c, "err_reason", web_t(r, reason_error));
		tmpl_set(c, "typed_reason", csam_app_form(r, "reason"));
	}
	return web_render_status(r, status, "helpdesk/request", c);
}

static int
request_get(struct web_req *r)
{
	const char *ok = web_query(r, "ok");
	const char *notice = NULL;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	if (ok != NULL && strcmp(ok, "paper") == 0)
		notice = N_("La réception du formulaire signé est enregistrée.");
	else if (ok != NULL && strcmp(ok, "first") == 0)
		notice = N_("Votre approbation est enregistrée. Règle des quatre yeux : un autre "
		    "opérateur doit encore approuver la demande.");
	else if (ok != NULL && strcmp(ok, "approved") == 0)
		notice = N_("La demande est approuvée : l'organisation et son Gestionnaire d'Accès "
		    "Principal sont enregistrés, le demandeur en est informé.");
	else if (ok != NULL && strcmp(ok, "rejected") == 0)
		notice = N_("La demande est rejetée ; le demandeur en est informé.");
	return request_page(r, 200, notice, NULL, NULL);
}

/* A decision's result: back to the request with a notice, or the reason it was not taken. */
static int
answer(struct web_req *r, enum access_rc rc, enum csam_refusal why, const char *ok)
{
	char ref[CSAM_REFERENCE_MAX];

	switch (rc) {
	case ACCESS_OK:
		if (!csam_reference_parse(web_param(r, "ref"), ref))
			return web_error(r, 404);
		return web_redirect(r, arena_printf(web_arena(r), "/helpdesk/demandes/%s?ok=%s",
		    ref, ok));
	case ACCESS_REFUSED:
	case ACCESS_CONFLICT:
		switch (why) {
		case CSAM_REFUSAL_OWN:
			return request_page(r, 403, NULL, own_msgid, NULL);
		case CSAM_REFUSAL_SAME_OPERATOR:
			return request_page(r, 403, NULL, N_("Règle des quatre yeux : la seconde "
			    "approbation doit venir d'un autre opérateur que la première."), NULL);
		case CSAM_REFUSAL_NO_PAPER:
			return request_page(r, 409, NULL, N_("Le formulaire signé n'a pas encore été "
			    "reçu : la demande ne peut pas être approuvée."), NULL);
		case CSAM_REFUSAL_REGISTERED:
			return request_page(r, 409, NULL, N_("Cette entreprise a été enregistrée entre-"
			    "temps : la demande ne peut plus être approuvée. Rejetez-la en indiquant "
			    "la raison."), NULL);
		case CSAM_REFUSAL_REASON:
			return request_page(r, 422, NULL, NULL, N_("Indiquez la raison du rejet (1000 "
			    "caractères au plus) : elle est envoyée au demandeur."));
		default:
			return request_page(r, 409, NULL, N_("Cette demande a déjà été traitée."),
			    NULL);
		}
	default:
		return app_fail(r, rc);
	}
}

static int
paper_post(struct web_req *r)
{
	enum csam_refusal why;
	struct actor who;
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	rc = csam_paper_received(csam_app_store(r), &who, web_param(r, "ref"), &why);
	return answer(r, rc, why, "paper");
}

static int
approve_post(struct web_req *r)
{
	struct csam_approval out;
	enum csam_refusal why;
	struct actor who;
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	rc = csam_approve(csam_app_store(r), app_mail(r), &who, web_param(r, "ref"),
	    csam_app_cfg(r)->four_eyes, &out, &why);
	return answer(r, rc, why, rc == ACCESS_OK && out.waiting ? "first" : "approved");
}

static int
reject_post(struct web_req *r)
{
	enum csam_refusal why;
	struct actor who;
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	rc = csam_reject(csam_app_store(r), app_mail(r), &who, web_param(r, "ref"),
	    csam_app_form(r, "reason"), &why);
	return answer(r, rc, why, "rejected");
}

static const char *
translate(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

static int
send_pdf(struct web_req *r, void *pdf, size_t len, const char *name)
{
	int rc;

	if (pdf == NULL)
		return -1;
	rc = web_add_header(r, "Content-Disposition", arena_printf(web_arena(r),
	    "attachment; filename=\"%s.pdf\"", name)) == 0 &&
	    web_add_header(r, "Cache-Control", "no-store") == 0 ?
	    web_send(r, 200, "application/pdf", pdf, len) : -1;
	sodium_memzero(pdf, len);
	free(pdf);
	return rc;
}

static int
form_pdf_get(struct web_req *r)
{
	struct csam_decision *d;
	struct csam_exc x;
	struct actor who;
	size_t n, len = 0;
	enum access_rc rc;
	void *pdf;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	rc = csam_request(csam_app_store(r), web_arena(r), &who, web_param(r, "ref"), &x, &d, &n);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	/* Made before the call: an argument list may read len before the PDF sets it. */
	pdf = pdf_exception_form(&x, csam_app_cfg(r)->exception_address, translate, r, &len);
	return send_pdf(r, pdf, len, x.reference);
}

static int
letter_post(struct web_req *r)
{
	struct csam_letter l;
	struct actor who;
	size_t len = 0;
	enum access_rc rc;
	const char *name;
	void *pdf;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	rc = csam_activation_letter(csam_app_store(r), web_arena(r), &who, web_param(r, "ref"),
	    &l);
	if (rc == ACCESS_CONFLICT)
		return request_page(r, 409, NULL, N_("Une lettre d'activation n'est produite que "
		    "pour une demande approuvée."), NULL);
	if (rc == ACCESS_REFUSED)
		return request_page(r, 403, NULL, own_msgid, NULL);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	name = arena_printf(web_arena(r), "activation-%s", l.reference);
	pdf = pdf_activation_letter(&l, "/activer", translate, r, &len);
	sodium_memzero(l.code, ACTIVATION_CODE_MAX);
	return send_pdf(r, pdf, len, name);
}

int
helpdesk_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/helpdesk", queue_get, 0) != 0 ||
	    web_route(s, "GET", "/helpdesk/demandes/:ref", request_get, 0) != 0 ||
	    web_route(s, "GET", "/helpdesk/demandes/:ref/formulaire.pdf", form_pdf_get, 0) != 0 ||
	    web_route(s, "POST", "/helpdesk/demandes/:ref/papier", paper_post, 0) != 0 ||
	    web_route(s, "POST", "/helpdesk/demandes/:ref/approuver", approve_post, 0) != 0 ||
	    web_route(s, "POST", "/helpdesk/demandes/:ref/rejeter", reject_post, 0) != 0 ||
	    web_route(s, "POST", "/helpdesk/demandes/:ref/lettre", letter_post, 0) != 0)
		return -1;
	return 0;
}
