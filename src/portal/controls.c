/* controls.c — "Mes contrôles": per declared activity, "Mon dossier" with the self-check
 * questionnaire to fill, save as a draft and submit (every question answered), its
 * status and history, and "Télécharger guideline(s)" (portal/static/guidelines). */
#include "portal/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMMENT_MAX 1000

static const char *
guideline_href(struct web_req *r, const char *kind)
{
	return arena_printf(web_arena(r), "/static/guidelines/%s.txt", kind);
}

static const char *
status_label(struct web_req *r, const struct portal_dossier *d)
{
	if (!d->exists)
		return web_t(r, N_("Non commencé"));
	if (strcmp(d->status, "submitted") == 0)
		return web_t(r, N_("Soumis"));
	return web_t(r, N_("Brouillon"));
}

/* All activities with their file's status. */
static int
controls(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_activity acts[PORTAL_ACTIVITIES_MAX];
	struct pvisit v;
	struct tmpl_ctx *c;
	size_t n = 0;

	if (!portal_require_login(r, &v))
		return 0;
	if (pdata_activities(p->store, web_arena(r), v.company.id, acts, PORTAL_ACTIVITIES_MAX,
	    &n) != 0)
		return web_error(r, 500);
	c = web_page(r, N_("Mes contrôles"));
	if (c == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct portal_dossier d;
		struct tmpl_ctx *e;

		if (acts[i].ended_on[0] != '\0')
			continue;
		if (pdata_dossier_get(p->store, web_arena(r), acts[i].id, &d) != 0)
			return web_error(r, 500);
		e = tmpl_list_add(c, "activities");
		if (e == NULL)
			return -1;
		tmpl_set_int(e, "id", acts[i].id);
		tmpl_set(e, "label", pcat_label(r, pcat_activities, pcat_nactivities, acts[i].kind));
		tmpl_set(e, "status", status_label(r, &d));
		tmpl_set(e, "guideline", guideline_href(r, acts[i].kind));
	}
	return web_render(r, "controls", c);
}

/* The questionnaire with the answers (JSON object), errors per question when shown again. */
static int
dossier_page(struct web_req *r, int status, const struct portal_activity *a,
    const struct portal_dossier *d, json_t *answers, const char *const *errors,
    const char *error)
{
	struct portal *p = web_app(r);
	struct portal_event ev[PORTAL_EVENTS_MAX];
	const char *label = pcat_label(r, pcat_activities, pcat_nactivities, a->kind);
	struct tmpl_ctx *c;
	size_t n = 0;

	if (web_session_ensure(r) == NULL ||
	    pdata_events(p->store, web_arena(r), a->id, ev, PORTAL_EVENTS_MAX, &n) != 0)
		return web_error(r, 500);
	c = web_page(r, N_("Mon dossier"));
	if (c == NULL)
		return -1;
	tmpl_set_int(c, "id", a->id);
	tmpl_set(c, "label", label);
	tmpl_set(c, "status", status_label(r, d));
	tmpl_set_bool(c, "submitted", d->exists && strcmp(d->status, "submitted") == 0);
	tmpl_set(c, "updated", ptime(r, d->updated_at));
	tmpl_set(c, "submitted_at", ptime(r, d->submitted_at));
	tmpl_set(c, "guideline", guideline_href(r, a->kind));
	tmpl_set_bool(c, "saved", web_query(r, "ok") != NULL);
	tmpl_set_bool(c, "sent", web_query(r, "sent") != NULL);
	if (error != NULL)
		tmpl_set(c, "error", web_t(r, error));
	for (size_t i = 0; i < pcat_nquestions; i++) {
		json_t *ans = json_object_get(answers, pcat_questions[i].code);
		const char *chosen = pjson_str(ans, "answer");
		struct tmpl_ctx *q = tmpl_list_add(c, "questions");

		if (q == NULL)
			return -1;
		tmpl_set(q, "code", pcat_questions[i].code);
		tmpl_setf(q, "number", "%zu", i + 1);
		tmpl_set(q, "text", web_t(r, pcat_questions[i].msgid));
		tmpl_set(q, "comment", pjson_str(ans, "comment"));
		if (errors != NULL && errors[i] != NULL)
			tmpl_set(q, "error", web_t(r, errors[i]));
		for (size_t k = 0; k < pcat_nanswers; k++) {
			struct tmpl_ctx *o = tmpl_list_add(q, "options");

			if (o == NULL)
				return -1;
			tmpl_set(o, "value", pcat_answers[k].code);
			tmpl_set(o, "label", web_t(r, pcat_answers[k].msgid));
			tmpl_set_bool(o, "checked", strcmp(chosen, pcat_answers[k].code) == 0);
		}
	}
	if (pevents_to_ctx(r, c, ev, n) != 0)
		return -1;
	return web_render_status(r, status, "dossier", c);
}

/* The activity of the path, current only: an ended one has no file to fill (404). */
static int
dossier_load(struct web_req *r, struct pvisit *v, struct portal_activity *a)
{
	if (!portal_require_activity(r, v, a))
		return 0;
	if (a->ended_on[0] != '\0') {
		web_error(r, 404);
		return 0;
	}
	return 1;
}

static int
dossier_show(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_activity a;
	struct portal_dossier d;
	struct pvisit v;
	json_t *answers;
	int rc;

	if (!dossier_load(r, &v, &a))
		return 0;
	if (pdata_dossier_get(p->store, web_arena(r), a.id, &d) != 0)
		return web_error(r, 500);
	answers = json_loads(d.answers, JSON_REJECT_DUPLICATES, NULL);
	rc = dossier_page(r, 200, &a, &d, answers, NULL, NULL);
	json_decref(answers);
	return rc;
}

static int
dossier_save(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_activity a;
	struct portal_dossier d;
	struct pvisit v;
	const char *errors[32] = { NULL };
	const char *action = web_form(r, "action");
	json_t *answers = json_object();
	char *text = NULL;
	bool submit, bad = false, missing = false;
	int rc = -1;

	if (answers == NULL)
		return -1;
	if (!dossier_load(r, &v, &a)) {
		json_decref(answers);
		return 0;
	}
	submit = action != NULL && strcmp(action, "submit") == 0;
	for (size_t i = 0; i < pcat_nquestions && i < 32; i++) {
		const char *code = pcat_questions[i].code;
		const char *ans = web_form(r, arena_printf(web_arena(r), "q_%s", code));
		const char *com = web_form(r, arena_printf(web_arena(r), "c_%s", code));
		json_t *o = json_object();

		if (o == NULL)
			goto done;
		if (ans != NULL && pcat_find(pcat_answers, pcat_nanswers, ans) == NULL) {
			errors[i] = N_("Choisissez Oui, Non ou Sans objet.");
			ans = NULL;
			bad = true;
		}
		if (com != NULL && !ptext_ok(com, COMMENT_MAX)) {
			errors[i] = N_("Le commentaire doit compter au plus 1000 caractères.");
			bad = true;
		}
		if (submit && ans == NULL && errors[i] == NULL) {
			errors[i] = N_("Répondez à cette question avant de soumettre le dossier.");
			missing = true;
		}
		/* Kept as typed to be shown again. json_string refuses what is not UTF-8: such a
		 * comment is already refused above with its message; any other failure ends the
		 * request rather than saving the dossier without the answer. */
		if ((ans != NULL && json_object_set_new(o, "answer", json_string(ans)) != 0) ||
		    (com != NULL && com[0] != '\0' &&
		    json_object_set_new(o, "comment", json_string(com)) != 0 && !bad)) {
			json_decref(o);
			goto done;
		}
		if (json_object_set_new(answers, code, o) != 0)
			goto done;
	}
	if (bad || missing) {
		if (pdata_dossier_get(p->store, web_arena(r), a.id, &d) != 0) {
			rc = web_error(r, 500);
			goto done;
		}
		rc = dossier_page(r, 422, &a, &d, answers, errors,
		    missing && !bad ? N_("Le dossier ne peut être soumis que lorsque toutes les "
		    "questions ont une réponse. Vos réponses n'ont pas été enregistrées.") :
		    N_("Certaines réponses ne sont pas valides. Corrigez-les puis réessayez."));
		goto done;
	}
	text = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
	if (text == NULL)
		goto done;
	rc = pdata_dossier_save(p->store, v.company.id, a.id, text, submit, v.who.name);
	if (rc != 0) {
		rc = web_error(r, rc > 0 ? 404 : 500);
		goto done;
	}
	rc = web_redirect(r, arena_printf(web_arena(r), "/controles/%lld?%s", (long long)a.id,
	    submit ? "sent=1" : "ok=1"));
done:
	free(text);
	json_decref(answers);
	return rc;
}

int
portal_control_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/controles", controls, 0) != 0 ||
	    web_route(s, "GET", "/controles/:id", dossier_show, 0) != 0 ||
	    web_route(s, "POST", "/controles/:id", dossier_save, 0) != 0)
		return -1;
	return 0;
}
