/* designate.c — the standard procedure's pages, guide §2.2.1: "Désigner un Gestionnaire
 * d'Accès Principal" (eID required, the enterprise number and every check's message),
 * "Enregistrement de l'entreprise dans CSAM", its "- Confirmation" with "← Corriger" and
 * "Confirmer", and the success message; the same pages replace the GAP. The form's data
 * travel in the pages themselves and are checked again at every step. */
#include "apps/csam/csam_app.h"

#include <string.h>

#include "auth/person.h"
#include "base/msgid.h"
#include "csam/designate.h"
#include "policy/loa.h"
#include "registry/registry.h"

/* What the person typed, carried from page to page. */
struct values {
	const char *enterprise;
	bool other;
	const char *niss, *last_name, *email, *phone;
};

static void
values_read(struct web_req *r, struct values *v)
{
	v->enterprise = csam_app_form(r, "enterprise");
	v->other = strcmp(csam_app_form(r, "choice"), "other") == 0;
	v->niss = csam_app_form(r, "niss");
	v->last_name = csam_app_form(r, "last_name");
	v->email = csam_app_form(r, "email");
	v->phone = csam_app_form(r, "phone");
}

static bool
has_eid(struct web_req *r)
{
	struct web_session *s = web_session(r);

	return s != NULL && s->person_id != 0 && s->auth_level >= LOA_HIGH;
}

static const char *
here_path(bool replace)
{
	return replace ? "/csam/gap/remplacement" : "/csam/gap/enregistrement";
}

/* The message of a refused check, and the ways forward it offers. */
static void
refusal(struct web_req *r, struct tmpl_ctx *c, const struct csam_enterprise *e)
{
	const char *num = e->number[0] ? csam_app_enterprise(r, e->number) : "";
	const char *name = e->name[0] ? e->name : num;

	switch (e->check) {
	case CSAM_CHECK_NUMBER:
		tmpl_set(c, "error", web_t(r, be_reason_msgid(e->be)));
		break;
	case CSAM_CHECK_UNKNOWN:
		tmpl_set(c, "error", web_tf(r, N_("Le numéro d'entreprise {1} est inconnu de "
		    "la Banque-Carrefour des Entreprises (BCE). Vérifiez le numéro."), num, NULL,
		    NULL));
		tmpl_set_bool(c, "show_search", true);
		break;
	case CSAM_CHECK_STOPPED:
		tmpl_set(c, "error", web_tf(r, N_("L'entreprise {1} ({2}) n'est plus active "
		    "dans la Banque-Carrefour des Entreprises : elle ne peut pas être enregistrée."),
		    name, num, NULL));
		break;
	case CSAM_CHECK_NOT_REP:
		tmpl_set(c, "error", web_tf(r, N_("Vous n'exercez actuellement aucune fonction "
		    "légale reconnue par la Banque-Carrefour des Entreprises dans l'entreprise {1} "
		    "({2}). Seul un représentant légal de l'entreprise peut l'enregistrer."),
		    name, num, NULL));
		if (e->ended[0])
			tmpl_set(c, "error_detail", web_tf(r, N_("Votre fonction dans cette "
			    "entreprise a pris fin le {1}."), csam_app_date(r, e->ended), NULL, NULL));
		else if (e->starts[0])
			tmpl_set(c, "error_detail", web_tf(r, N_("Votre fonction dans cette "
			    "entreprise ne commence que le {1}."), csam_app_date(r, e->starts), NULL,
			    NULL));
		tmpl_set_bool(c, "show_bce_help", true);
		tmpl_setf(c, "lookup_href", "/entreprises/%s", e->number);
		break;
	case CSAM_CHECK_REGISTERED:
		tmpl_set(c, "error", web_tf(r, N_("L'entreprise {1} ({2}) est déjà enregistrée "
		    "dans CSAM. Son Gestionnaire d'Accès Principal est {3} : contactez-le pour "
		    "obtenir des accès."), name, num, e->gap_name[0] ? e->gap_name : "—"));
		tmpl_set_bool(c, "show_replace", true);
		tmpl_setf(c, "replace_href", "/csam/gap/remplacement?entreprise=%s", e->number);
		break;
	case CSAM_CHECK_NOT_REGISTERED:
		tmpl_set(c, "error", web_tf(r, N_("L'entreprise {1} ({2}) n'est pas encore "
		    "enregistrée dans CSAM : enregistrez-la d'abord."), name, num, NULL));
		break;
	default:
		break;
	}
}

/* "Désigner un Gestionnaire d'Accès Principal": the explanation, the number, and why a
 * number was refused (e may be NULL). Without an eID session, why eID and its door. */
static int
start_page(struct web_req *r, int status, const char *typed, const struct csam_enterprise *e,
    bool replace, const char *error_msgid)
{
	struct web_session *s = web_session_ensure(r);
	const char *next = replace && e && e->number[0] ? arena_printf(web_arena(r),
	    "/csam/gap/remplacement?entreprise=%s", e->number) : "/csam/gap";
	struct tmpl_ctx *c;

	if (s == NULL)
		return -1;
	c = web_page(r, N_("Désignation d'un Gestionnaire d'Accès Principal"));
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "need_eid", !has_eid(r));
	tmpl_set_bool(c, "logged_in_lower", s->person_id != 0 && !has_eid(r));
	tmpl_setf(c, "eid_href", "/login/eid?next=%s", web_url_encode(web_arena(r), next));
	tmpl_setf(c, "login_href", "/login?level=%d&next=%s", LOA_HIGH,
	    web_url_encode(web_arena(r), next));
	tmpl_set(c, "enterprise", typed ? typed : "");
	if (e != NULL && e->check != CSAM_CHECK_LEVEL)
		refusal(r, c, e);
	if (error_msgid != NULL)
		tmpl_set(c, "error", web_t(r, error_msgid));
	return web_render_status(r, status, "csam/gap_start", c);
}

static int
start_get(struct web_req *r)
{
	const char *typed = web_query(r, "entreprise");

	if (typed != NULL && strlen(typed) > CSAM_TYPED_MAX)
		typed = "";
	return start_page(r, 200, typed, NULL, false, NULL);
}

/* A check refused: back to the first page with its message (403 for the policy's). */
static int
refused(struct web_req *r, enum access_rc rc, const char *typed, const struct csam_enterprise *e,
    bool replace)
{
	if (rc == ACCESS_ERROR)
		return -1;
	return start_page(r, rc == ACCESS_DENIED ? 403 : 422, typed, e, replace, NULL);
}

static int
start_post(struct web_req *r)
{
	const char *typed = csam_app_form(r, "enterprise");
	char today[11];
	struct csam_enterprise e;
	struct actor who;
	enum access_rc rc;

	who = app_actor(r);
	registry_today(today);
	rc = csam_check(csam_app_store(r), web_arena(r), &who, typed, today, false, &e);
	if (rc != ACCESS_OK)
		return refused(r, rc, typed, &e, false);
	return web_redirect(r, arena_printf(web_arena(r), "/csam/gap/enregistrement?entreprise=%s",
	    e.number));
}

/* The data of the enterprise (from the registry) and of the person logged in. */
static int
common(struct web_req *r, struct tmpl_ctx *c, const struct csam_enterprise *e, bool replace)
{
	struct web_session *s = web_session(r);
	struct person me;

	if (s == NULL || person_get(csam_app_store(r), web_arena(r), s->person_id, &me) != 0)
		return -1;
	tmpl_set(c, "number", e->number);
	tmpl_set(c, "number_f", csam_app_enterprise(r, e->number));
	tmpl_set(c, "name", e->name);
	tmpl_set(c, "address", e->address);
	tmpl_set_bool(c, "replace", replace);
	tmpl_set(c, "mode", replace ? "replace" : "register");
	tmpl_set(c, "form_action", here_path(replace));
	tmpl_setf(c, "me_name", "%s %s", me.first_name, me.last_name);
	tmpl_set(c, "me_niss", csam_app_niss(r, me.niss));
	if (replace && e->gap_name[0])
		tmpl_set(c, "current_gap", e->gap_name);
	return 0;
}

/* "Enregistrement de l'entreprise dans CSAM" with the values typed (v may be NULL). */
static int
form_page(struct web_req *r, int status, const struct csam_enterprise *e, bool replace,
    const struct values *v, const struct access_errors *err)
{
	struct tmpl_ctx *c;

	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, replace ? N_("Remplacement du Gestionnaire d'Accès Principal") :
	    N_("Enregistrement de l'entreprise dans CSAM"));
	if (c == NULL || common(r, c, e, replace) != 0)
		return -1;
	tmpl_set_bool(c, "other", v && v->other);
	if (v != NULL) {
		tmpl_set(c, "niss", v->niss);
		tmpl_set(c, "last_name", v->last_name);
		tmpl_set(c, "email", v->email);
		tmpl_set(c, "phone", v->phone);
	}
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "csam/gap_form", c);
}

static int
form_get(struct web_req *r, bool replace)
{
	const char *typed = web_query(r, "entreprise");
	char today[11];
	struct csam_enterprise e;
	struct actor who;
	enum access_rc rc;

	if (!has_eid(r))
		return start_page(r, 200, "", NULL, replace, NULL);
	who = app_actor(r);
	registry_today(today);
	rc = csam_check(csam_app_store(r), web_arena(r), &who, typed ? typed : "", today,
	    replace, &e);
	if (rc != ACCESS_OK)
		return refused(r, rc, typed, &e, replace);
	return form_page(r, 200, &e, replace, NULL, NULL);
}

static int
register_get(struct web_req *r)
{
	return form_get(r, false);
}

static int
replace_get(struct web_req *r)
{
	return form_get(r, true);
}

/* "Enregistrement de l'entreprise dans CSAM - Confirmation" with a new token, or the one
 * of the form shown again. */
static int
confirm_page(struct web_req *r, int status, const struct csam_enterprise *e,
    const struct csam_gap *gap, const struct values *v, bool replace, const char *token,
    const char *error_msgid)
{
	char fresh[CSAM_TOKEN_LEN + 1];
	struct tmpl_ctx *c;

	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, replace ? N_("Remplacement du Gestionnaire d'Accès Principal - "
	    "Confirmation") : N_("Enregistrement de l'entreprise dans CSAM - Confirmation"));
	if (c == NULL || common(r, c, e, replace) != 0)
		return -1;
	if (token == NULL || !csam_valid_token(token)) {
		csam_token_new(fresh);
		token = fresh;
	}
	tmpl_set(c, "token", token);
	tmpl_set_bool(c, "other", v->other);
	tmpl_set(c, "niss", v->niss);
	tmpl_set(c, "last_name", v->last_name);
	tmpl_set(c, "email", v->email);
	tmpl_set(c, "phone", v->phone);
	tmpl_setf(c, "gap_name", "%s %s", gap->first_name, gap->last_name);
	tmpl_set(c, "gap_niss", csam_app_niss(r, gap->niss));
	if (error_msgid != NULL)
		tmpl_set(c, "err_accept", web_t(r, error_msgid));
	return web_render_status(r, status, "csam/gap_confirm", c);
}

static struct csam_gap_form
gap_form(const struct values *v, const char *token, const char *today)
{
	struct csam_gap_form f = {
		.enterprise = v->enterprise, .other = v->other, .niss = v->niss,
		.last_name = v->last_name, .email = v->email, .phone = v->phone, .token = token,
		.today = today,
	};

	return f;
}

/* "Suivant": the checks again, the form's checks, then the confirmation page. */
static int
form_post(struct web_req *r, bool replace)
{
	struct access_errors err = { 0 };
	struct csam_enterprise e;
	struct csam_gap gap;
	struct csam_gap_form f;
	struct actor who;
	struct values v;
	char today[11];
	enum access_rc rc;

	values_read(r, &v);
	who = app_actor(r);
	registry_today(today);
	rc = csam_check(csam_app_store(r), web_arena(r), &who, v.enterprise, today, replace,
	    &e);
	if (rc != ACCESS_OK)
		return refused(r, rc, v.enterprise, &e, replace);
	f = gap_form(&v, NULL, today);
	rc = csam_gap_form_check(csam_app_store(r), web_arena(r), &who, &f,
	    replace ? e.org_id : 0, &gap, &err);
	if (rc == ACCESS_INVALID)
		return form_page(r, 422, &e, replace, &v, &err);
	if (rc != ACCESS_OK)
		return -1;
	return confirm_page(r, 200, &e, &gap, &v, replace, NULL, NULL);
}

static int
register_post(struct web_req *r)
{
	return form_post(r, false);
}

static int
replace_post(struct web_req *r)
{
	return form_post(r, true);
}

/* "← Corriger" (the form again with its data) or "Confirmer". */
static int
confirm_post(struct web_req *r)
{
	bool replace = strcmp(csam_app_form(r, "mode"), "replace") == 0;
	const char *token = csam_app_form(r, "token");
	struct access_errors err = { 0 };
	struct csam_enterprise e;
	struct csam_done done;
	struct csam_gap gap;
	struct csam_gap_form f;
	struct actor who;
	struct values v;
	char today[11];
	enum access_rc rc;

	values_read(r, &v);
	who = app_actor(r);
	registry_today(today);
	if (web_form(r, "back") != NULL) {
		rc = csam_check(csam_app_store(r), web_arena(r), &who, v.enterprise, today,
		    replace, &e);
		if (rc != ACCESS_OK)
			return refused(r, rc, v.enterprise, &e, replace);
		return form_page(r, 200, &e, replace, &v, NULL);
	}
	f = gap_form(&v, token, today);
	if (strcmp(csam_app_form(r, "accept"), "yes") != 0) {
		rc = csam_check(csam_app_store(r), web_arena(r), &who, v.enterprise, today,
		    replace, &e);
		if (rc != ACCESS_OK)
			return refused(r, rc, v.enterprise, &e, replace);
		rc = csam_gap_form_check(csam_app_store(r), web_arena(r), &who, &f,
		    replace ? e.org_id : 0, &gap, &err);
		if (rc == ACCESS_INVALID)
			return form_page(r, 422, &e, replace, &v, &err);
		if (rc != ACCESS_OK)
			return -1;
		return confirm_page(r, 422, &e, &gap, &v, replace, token,
		    N_("Cochez « Oui, je confirme » pour accepter les conditions d'activation."));
	}
	rc = csam_designate(csam_app_store(r), app_mail(r), web_arena(r), &who, &f, replace, &e,
	    &gap, &err, &done);
	if (rc == ACCESS_OK)
		return web_redirect(r, arena_printf(web_arena(r), "/csam/gap/resultat?t=%s",
		    token));
	if (rc == ACCESS_INVALID && access_error_of(&err, "token") == NULL)
		return form_page(r, 422, &e, replace, &v, &err);
	if (rc == ACCESS_INVALID)
		return start_page(r, 422, v.enterprise, NULL, replace, access_error_of(&err, "token"));
	return refused(r, rc, v.enterprise, &e, replace);
}

/* The guide's success message. */
static int
done_get(struct web_req *r)
{
	const char *token = web_query(r, "t");
	struct csam_done done;
	struct actor who;
	struct tmpl_ctx *c;
	enum access_rc rc;

	if (!app_require_level(r, LOA_LOW))
		return 0;
	who = app_actor(r);
	rc = csam_submission(csam_app_store(r), web_arena(r), &who, token, &done);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	c = web_page(r, done.replaced ? N_("Remplacement du Gestionnaire d'Accès Principal") :
	    N_("Enregistrement de l'entreprise dans CSAM"));
	if (c == NULL)
		return -1;
	tmpl_set_bool(c, "replaced", done.replaced);
	tmpl_set_bool(c, "self", done.self);
	tmpl_set(c, "gap_name", done.gap_name);
	tmpl_set(c, "name", done.name);
	tmpl_set(c, "number_f", csam_app_enterprise(r, done.enterprise));
	tmpl_setf(c, "org_href", "/csam/organisation/%lld", (long long)done.org_id);
	return web_render(r, "csam/gap_done", c);
}

int
csam_designate_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/csam/gap", start_get, 0) != 0 ||
	    web_route(s, "POST", "/csam/gap", start_post, 0) != 0 ||
	    web_route(s, "GET", "/csam/gap/enregistrement", register_get, 0) != 0 ||
	    web_route(s, "POST", "/csam/gap/enregistrement", register_post, 0) != 0 ||
	    web_route(s, "GET", "/csam/gap/remplacement", replace_get, 0) != 0 ||
	    web_route(s, "POST", "/csam/gap/remplacement", replace_post, 0) != 0 ||
	    web_route(s, "POST", "/csam/gap/confirmation", confirm_post, 0) != 0 ||
	    web_route(s, "GET", "/csam/gap/resultat", done_get, 0) != 0)
		return -1;
	return 0;
}
