/* activities.c — "Mes activités" / "Gérer mes activités": the company declares its
 * medical-device activities (distributor, manufacturer …) with device classes per
 * establishment, changes their classes and ends them; each step is kept in the history.
 * The activity of a path and its history list serve "Mes contrôles" too. */
#include "portal/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "be/be.h"
#include "value/value.h"

#define ESTABLISHMENTS_MAX 200

/* A positive row id from a path parameter, or 0. */
static int64_t
param_id(struct web_req *r)
{
	const char *s = web_param(r, "id");
	char *end;
	long long v;

	if (s == NULL || s[0] < '1' || s[0] > '9' || strlen(s) > 12)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && v > 0 ? (int64_t)v : 0;
}

/* The establishment numbers of the company in the registry (seat "" first). */
struct places {
	size_t n;
	char number[ESTABLISHMENTS_MAX + 1][11];
	const char *label[ESTABLISHMENTS_MAX + 1];
};

static void
places_read(struct web_req *r, const char *enterprise, struct places *pl)
{
	struct portal *p = web_app(r);
	json_t *card = NULL, *list, *x;
	size_t i;

	pl->n = 1;
	pl->number[0][0] = '\0';
	pl->label[0] = web_t(r, N_("Siège social"));
	if (portal_registry_card(p, enterprise, web_lang(r), &card) != 0)
		return;
	pl->label[0] = arena_printf(web_arena(r), "%s — %s", web_t(r, N_("Siège social")),
	    paddress_line(web_arena(r), json_object_get(card, "seat")));
	list = json_object_get(card, "establishments");
	json_array_foreach(list, i, x) {
		char digits[11], fmt[14];
		const char *name = pjson_str(x, "name");

		if (pl->n > ESTABLISHMENTS_MAX)
			break;
		if (be_establishment_parse(pjson_str(x, "number"), digits) != BE_OK)
			continue;
		be_establishment_format(digits, fmt);
		memcpy(pl->number[pl->n], digits, sizeof(digits));
		pl->label[pl->n] = arena_printf(web_arena(r), "%s%s%s — %s", fmt,
		    name[0] ? " " : "", name, paddress_line(web_arena(r),
		    json_object_get(x, "address")));
		pl->n++;
	}
	json_decref(card);
}

static const char *
place_label(struct web_req *r, const struct places *pl, const char *number)
{
	char fmt[14];

	for (size_t i = 0; i < pl->n; i++)
		if (strcmp(pl->number[i], number) == 0)
			return pl->label[i];
	if (number[0] == '\0')
		return web_t(r, N_("Siège social"));
	be_establishment_format(number, fmt);
	return arena_strdup(web_arena(r), fmt);
}

/* Checked classes from the form in catalogue order ("I,IIa"), or NULL when one is
 * unknown; "" when none. */
static const char *
classes_from_form(struct web_req *r)
{
	const char *sent[32];
	size_t n = web_form_all(r, "classes", sent, 32);
	struct buf b;
	const char *out;
	bool seen[32] = { false };

	if (n >= 32)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const struct pcat_item *it = pcat_find(pcat_classes, pcat_nclasses, sent[i]);

		if (it == NULL)
			return NULL;
		seen[it - pcat_classes] = true;
	}
	buf_init(&b, 256);
	for (size_t i = 0; i < pcat_nclasses; i++)
		if (seen[i] && (buf_puts(&b, b.len ? "," : "") != 0 ||
		    buf_puts(&b, pcat_classes[i].code) != 0)) {
			buf_free(&b);
			return NULL;
		}
	out = arena_strdup(web_arena(r), b.data ? b.data : "");
	buf_free(&b);
	return out;
}

/* The translated classes of "I,IIa" joined with ", ". */
static const char *
classes_text(struct web_req *r, const char *classes)
{
	struct arena *a = web_arena(r);
	const char *out = "";

	for (const char *p = classes; *p != '\0';) {
		size_t n = strcspn(p, ",");
		const char *code = arena_strndup(a, p, n);

		if (code == NULL)
			return NULL;
		out = arena_printf(a, "%s%s%s", out, out[0] ? ", " : "",
		    pcat_label(r, pcat_classes, pcat_nclasses, code));
		if (out == NULL)
			return NULL;
		p += n;
		if (*p == ',')
			p++;
	}
	return out;
}

static bool
has_class(const char *classes, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = classes; *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, code, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* The class checkboxes, ticked as in classes. */
static int
class_boxes(struct web_req *r, struct tmpl_ctx *c, const char *classes)
{
	for (size_t i = 0; i < pcat_nclasses; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "classes");

		if (e == NULL)
			return -1;
		tmpl_set(e, "code", pcat_classes[i].code);
		tmpl_set(e, "label", web_t(r, pcat_classes[i].msgid));
		tmpl_set_bool(e, "checked", classes != NULL && has_class(classes, pcat_classes[i].code));
		tmpl_set_bool(e, "ivd_first", strcmp(pcat_classes[i].code, "ivd_a") == 0);
	}
	return 0;
}

/* The page of the list and the declaration form; form values kept on errors. */
static int
activities_page(struct web_req *r, int status, const struct pvisit *v, const char *kind,
    const char *place, const char *classes, const char *error)
{
	struct portal *p = web_app(r);
	struct portal_activity acts[PORTAL_ACTIVITIES_MAX];
	struct places *pl = arena_alloc(web_arena(r), sizeof(*pl));
	struct tmpl_ctx *c;
	size_t n = 0;

	if (pl == NULL || web_session_ensure(r) == NULL ||
	    pdata_activities(p->store, web_arena(r), v->company.id, acts, PORTAL_ACTIVITIES_MAX,
	    &n) != 0)
		return web_error(r, 500);
	places_read(r, v->company.enterprise, pl);
	c = web_page(r, N_("Mes activités"));
	if (c == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool ended = acts[i].ended_on[0] != '\0';
		struct tmpl_ctx *e = tmpl_list_add(c, ended ? "ended" : "current");

		if (e == NULL)
			return -1;
		tmpl_set_int(e, "id", acts[i].id);
		tmpl_set(e, "label", pcat_label(r, pcat_activities, pcat_nactivities, acts[i].kind));
		tmpl_set(e, "place", place_label(r, pl, acts[i].establishment));
		tmpl_set(e, "classes", classes_text(r, acts[i].classes));
		tmpl_set(e, "started", pdate(r, acts[i].started_on));
		tmpl_set(e, "ended_on", pdate(r, acts[i].ended_on));
	}
	for (size_t i = 0; i < pcat_nactivities; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "kinds");

		if (e == NULL)
			return -1;
		tmpl_set(e, "code", pcat_activities[i].code);
		tmpl_set(e, "label", web_t(r, pcat_activities[i].msgid));
		tmpl_set_bool(e, "selected", kind != NULL && strcmp(kind, pcat_activities[i].code) == 0);
	}
	for (size_t i = 0; i < pl->n; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "places");

		if (e == NULL)
			return -1;
		tmpl_set(e, "number", pl->number[i]);
		tmpl_set(e, "label", pl->label[i]);
		tmpl_set_bool(e, "selected", place != NULL && strcmp(place, pl->number[i]) == 0);
	}
	if (class_boxes(r, c, classes) != 0)
		return -1;
	if (error != NULL)
		tmpl_set(c, "error", web_t(r, error));
	tmpl_set_bool(c, "declared", web_query(r, "ok") != NULL);
	return web_render_status(r, status, "activities", c);
}

static int
activities_show(struct web_req *r)
{
	struct pvisit v;

	if (!portal_require_login(r, &v))
		return 0;
	return activities_page(r, 200, &v, NULL, "", NULL, NULL);
}

static int
activity_declare(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct places *pl = arena_alloc(web_arena(r), sizeof(*pl));
	struct portal_activity a;
	struct pvisit v;
	const char *kind = web_form(r, "kind"), *place = web_form(r, "establishment");
	const char *classes;
	bool place_ok = false;
	int64_t id;
	int rc;

	if (!portal_require_login(r, &v))
		return 0;
	if (pl == NULL)
		return web_error(r, 500);
	place = place ? place : "";
	classes = classes_from_form(r);
	if (kind == NULL || pcat_find(pcat_activities, pcat_nactivities, kind) == NULL)
		return activities_page(r, 422, &v, kind, place, classes,
		    N_("Choisissez une activité dans la liste."));
	places_read(r, v.company.enterprise, pl);
	for (size_t i = 0; i < pl->n; i++)
		place_ok = place_ok || strcmp(pl->number[i], place) == 0;
	if (!place_ok)
		return activities_page(r, 422, &v, kind, "", classes,
		    N_("Choisissez une unité d'établissement de votre entreprise."));
	if (classes == NULL || classes[0] == '\0')
		return activities_page(r, 422, &v, kind, place, classes,
		    N_("Cochez au moins une classe de dispositifs."));
	memset(&a, 0, sizeof(a));
	a.kind = kind;
	a.establishment = place;
	a.classes = classes;
	rc = pdata_activity_declare(p->store, v.company.id, &a, v.who.name, &id);
	if (rc == -2)
		return activities_page(r, 422, &v, kind, place, classes,
		    N_("Cette activité est déjà déclarée pour cette unité d'établissement. "
		    "Modifiez-la plutôt que de la déclarer une seconde fois."));
	if (rc != 0)
		return web_error(r, 500);
	return web_redirect(r, "/activites?ok=1");
}

/* One activity: its classes to change, the form to end it, its history. */
static int
activity_page(struct web_req *r, int status, const struct pvisit *v,
    const struct portal_activity *a, const char *classes, const char *error)
{
	struct portal *p = web_app(r);
	struct portal_event ev[PORTAL_EVENTS_MAX];
	struct places *pl = arena_alloc(web_arena(r), sizeof(*pl));
	struct tmpl_ctx *c;
	const char *label = pcat_label(r, pcat_activities, pcat_nactivities, a->kind);
	char today[11];
	time_t t = time(NULL);
	struct tm tm;
	size_t n = 0;

	if (pl == NULL || web_session_ensure(r) == NULL ||
	    pdata_events(p->store, web_arena(r), a->id, ev, PORTAL_EVENTS_MAX, &n) != 0)
		return web_error(r, 500);
	places_read(r, v->company.enterprise, pl);
	localtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	c = web_page(r, N_("Gérer mes activités"));
	if (c == NULL)
		return -1;
	tmpl_set_int(c, "id", a->id);
	tmpl_set(c, "label", label);
	tmpl_set(c, "place", place_label(r, pl, a->establishment));
	tmpl_set(c, "started", pdate(r, a->started_on));
	tmpl_set(c, "ended_on", pdate(r, a->ended_on));
	tmpl_set_bool(c, "ended", a->ended_on[0] != '\0');
	tmpl_set(c, "classes_text", classes_text(r, a->classes));
	tmpl_set(c, "today", today);
	if (class_boxes(r, c, classes ? classes : a->classes) != 0)
		return -1;
	if (error != NULL)
		tmpl_set(c, "error", web_t(r, error));
	tmpl_set_bool(c, "saved", web_query(r, "ok") != NULL);
	if (pevents_to_ctx(r, c, ev, n) != 0)
		return -1;
	return web_render_status(r, status, "activity", c);
}

int
pevents_to_ctx(struct web_req *r, struct tmpl_ctx *c, const struct portal_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *e = tmpl_list_add(c, "events");

		if (e == NULL)
			return -1;
		tmpl_set(e, "at", ptime(r, ev[i].at));
		tmpl_set(e, "action", pcat_label(r, pcat_events, pcat_nevents, ev[i].action));
		tmpl_set(e, "who", ev[i].user_name);
	}
	return 0;
}

int
portal_require_activity(struct web_req *r, struct pvisit *v, struct portal_activity *a)
{
	struct portal *p = web_app(r);
	int64_t id = param_id(r);
	int rc;

	if (!portal_require_login(r, v))
		return 0;
	rc = id ? pdata_activity_get(p->store, web_arena(r), v->company.id, id, a) : 1;
	if (rc != 0) {
		web_error(r, rc > 0 ? 404 : 500);
		return 0;
	}
	return 1;
}

static int
activity_show(struct web_req *r)
{
	struct portal_activity a;
	struct pvisit v;

	if (!portal_require_activity(r, &v, &a))
		return 0;
	return activity_page(r, 200, &v, &a, NULL, NULL);
}

static int
activity_change(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_activity a;
	struct pvisit v;
	const char *classes;
	int rc;

	if (!portal_require_activity(r, &v, &a))
		return 0;
	classes = classes_from_form(r);
	if (a.ended_on[0] != '\0')
		return activity_page(r, 409, &v, &a, NULL,
		    N_("Cette activité est terminée : elle ne peut plus être modifiée."));
	if (classes == NULL || classes[0] == '\0')
		return activity_page(r, 422, &v, &a, classes ? classes : "",
		    N_("Cochez au moins une classe de dispositifs."));
	rc = pdata_activity_change(p->store, v.company.id, a.id, classes, v.who.name);
	if (rc < 0)
		return web_error(r, 500);
	return web_redirect(r, arena_printf(web_arena(r), "/activites/%lld?ok=1",
	    (long long)a.id));
}

static int
activity_end(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_activity a;
	struct pvisit v;
	const char *date = web_form(r, "ended_on");
	int rc;

	if (!portal_require_activity(r, &v, &a))
		return 0;
	if (a.ended_on[0] != '\0')
		return activity_page(r, 409, &v, &a, NULL,
		    N_("Cette activité est terminée : elle ne peut plus être modifiée."));
	if (!value_ok(VALUE_DATE, date, 0) || strcmp(date, a.started_on) < 0)
		return activity_page(r, 422, &v, &a, NULL,
		    N_("Indiquez une date de fin valide, au plus tôt la date de début."));
	rc = pdata_activity_end(p->store, v.company.id, a.id, date, v.who.name);
	if (rc < 0)
		return web_error(r, 500);
	return web_redirect(r, "/activites");
}

int
portal_activity_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/activites", activities_show, 0) != 0 ||
	    web_route(s, "POST", "/activites", activity_declare, 0) != 0 ||
	    web_route(s, "GET", "/activites/:id", activity_show, 0) != 0 ||
	    web_route(s, "POST", "/activites/:id", activity_change, 0) != 0 ||
	    web_route(s, "POST", "/activites/:id/fin", activity_end, 0) != 0)
		return -1;
	return 0;
}
