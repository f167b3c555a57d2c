/* common.c — the shared parts of the access-management pages: entrance (login, capacity
 * "Acteur des soins de santé", ids from the path), the side menus of the guide, the entity
 * header, answers to posted forms, dates, NISS and labels. */
#include "apps/uman/uman.h"
#include "apps/org_id_view.h"

#include <stdio.h>
#include <string.h>

#include "access/export.h"
#include "base/msgid.h"
#include "be/be.h"
#include "policy/loa.h"

int
uman_enter(struct web_req *r, struct actor *who, struct uman_here *here)
{
	struct web_session *s;
	const char *org = web_param(r, "org"), *q = web_param(r, "q");

	memset(here, 0, sizeof(*here));
	if (!app_require_capacity(r))
		return 0;
	s = web_session(r);
	if (s == NULL || s->person_id == 0) {
		web_error(r, 403);
		return 0;
	}
	*who = app_actor(r);
	if (org != NULL) {
		here->org = web_id(org);
		here->menu = UMAN_MENU_ORG;
		if (here->org == 0) {
			web_error(r, 404);
			return 0;
		}
	}
	if (q != NULL) {
		here->quality = web_id(q);
		here->menu = UMAN_MENU_QUALITY;
		if (here->quality == 0) {
			web_error(r, 404);
			return 0;
		}
	}
	return 1;
}

static void
menu_item(struct web_req *r, struct tmpl_ctx *group, const char *href, const char *msgid)
{
	struct tmpl_ctx *m = group ? tmpl_list_add(group, "menu") : NULL;
	const char *path = web_path(r);
	const char *q = strchr(href, '?');
	size_t n = q ? (size_t)(q - href) : strlen(href);

	if (m == NULL)
		return;
	tmpl_set(m, "href", href);
	tmpl_set(m, "label", web_t(r, msgid));
	tmpl_set_bool(m, "current", strlen(path) == n && strncmp(path, href, n) == 0);
}

/* A group of the side menu, under its heading. */
static struct tmpl_ctx *
menu_group(struct web_req *r, struct tmpl_ctx *c, const char *title_msgid)
{
	struct tmpl_ctx *g = tmpl_list_add(c, "menu_groups");

	if (g != NULL)
		tmpl_set(g, "group_title", web_t(r, title_msgid));
	return g;
}

struct tmpl_ctx *
uman_page(struct web_req *r, const char *title_msgid, const struct uman_here *here,
    bool with_form)
{
	struct arena *a = web_arena(r);
	struct tmpl_ctx *root, *c, *g;
	const char *org = here->org ? arena_printf(a, "%lld", (long long)here->org) : NULL;
	const char *me;

	if (with_form && web_session_ensure(r) == NULL)
		return NULL;
	root = web_page(r, title_msgid);
	if (root == NULL)
		return NULL;
	/* The layout's side menu comes from the page context: a child context gets the
	 * guide's menu of this place and shadows the site-wide one. Two groups, as the
	 * guide: access management, then one's own data. */
	c = tmpl_list_add(root, "uman_page");
	if (c == NULL)
		return NULL;
	/* "Vos Responsables" heads every page of access management. */
	tmpl_set(c, "responsibles_href", "/acces/responsables");
	g = menu_group(r, c, N_("Gestion des accès"));
	menu_item(r, g, "/acces", N_("Accueil - Gestion d'accès"));
	if (here->org_manager && here->org) {
		menu_item(r, g, arena_printf(a, "/acces/%s", org), N_("Accueil - Liste des qualités"));
		menu_item(r, g, arena_printf(a, "/acces/%s/entreprise", org),
		    N_("Consulter ou modifier le détail de l'entreprise"));
		menu_item(r, g, arena_printf(a, "/acces/%s/co-responsables", org),
		    N_("Co-Responsable des Accès"));
	}
	if (here->menu == UMAN_MENU_QUALITY) {
		const char *base = arena_printf(a, "/acces/%s/qualite/%lld", org,
		    (long long)here->quality);

		menu_item(r, g, base, N_("Utilisateurs"));
		menu_item(r, g, arena_printf(a, "%s/detail", base),
		    N_("Consulter ou modifier le détail de la qualité"));
		menu_item(r, g, arena_printf(a, "%s/certificats", base),
		    N_("Gestion du certificat"));
		menu_item(r, g, arena_printf(a, "%s/messages", base), N_("Messages structurés"));
	}
	if (here->menu != UMAN_MENU_HOME) {
		menu_item(r, g, arena_printf(a, "/acces/%s/utilisateurs", org),
		    N_("Rechercher utilisateurs"));
		menu_item(r, g, arena_printf(a, "/acces/%s/hierarchie", org),
		    N_("Fonctions et hiérarchie de responsabilité"));
		menu_item(r, g, arena_printf(a, "/acces/%s/sous-departements", org),
		    N_("Sous-départements"));
		if (here->menu == UMAN_MENU_QUALITY)
			menu_item(r, g, arena_printf(a, "/acces/%s/qualite/%lld/journal", org,
			    (long long)here->quality), N_("Journal des actions"));
		else if (here->org_manager)
			menu_item(r, g, arena_printf(a, "/acces/%s/journal", org),
			    N_("Journal des actions"));
		/* Issue 16: the mandates given and received (GAP, co-GAPs, local managers). */
		menu_item(r, g, arena_printf(a, "/acces/%s/mandats", org), N_("Mandats"));
	}
	menu_item(r, g, "/acces/responsables", N_("Vos Responsables"));
	g = menu_group(r, c, N_("Mes données"));
	me = org ? arena_printf(a, "/acces/mes-donnees?org=%s", org) : "/acces/mes-donnees";
	menu_item(r, g, me, N_("Modifier mes données personnelles"));
	menu_item(r, g, "/compte/mot-de-passe", N_("Modifier mon mot de passe"));
	menu_item(r, g, org ? arena_printf(a, "/acces/certificat?org=%s", org) : "/acces/certificat",
	    N_("Gestion du certificat à utiliser sur le portail de la Sécurité Sociale"));
	if (here->org)
		tmpl_set_int(c, "org_id", here->org);
	if (here->quality)
		tmpl_set_int(c, "quality_id", here->quality);
	{
		const char *code = web_query(r, "ok"), *msg = uman_flash(code);

		if (msg != NULL)
			tmpl_set(c, "flash", web_t(r, msg));
	}
	return c;
}

void
uman_entity(struct web_req *r, struct tmpl_ctx *c, const struct org *o,
    const char *quality_name)
{
	char num[16] = "";

	if (o->enterprise[0] != '\0')
		be_enterprise_format(o->enterprise, num);
	tmpl_set(c, "org_name", o->name);
	tmpl_set(c, "org_number", num[0] ? num : o->foreign_reg);
	/* Without enterprise number nor foreign registration: the identifier, under its
	 * type's name instead of "enterprise number". */
	if (!num[0] && (o->foreign_reg == NULL || !o->foreign_reg[0])) {
		tmpl_set(c, "org_id_label", app_org_id_type(r, o->id_type));
		tmpl_set(c, "org_number", app_org_id_value(r, o->id_type, o->id_value));
	}
	if (quality_name != NULL)
		tmpl_set(c, "quality_name", quality_name);
}

struct tmpl_ctx *
uman_entity_page(struct web_req *r, const char *title_msgid, const struct uman_here *here,
    bool with_form, const struct org *o, const char *quality_name)
{
	struct tmpl_ctx *c = uman_page(r, title_msgid, here, with_form);

	if (c != NULL)
		uman_entity(r, c, o, quality_name);
	return c;
}

static long
export_read_cb(void *arg, char *dst, size_t max)
{
	return export_read(arg, dst, max);
}

static void
export_close_cb(void *arg)
{
	export_close(arg);
}

int
uman_send_export(struct web_req *r, enum access_rc rc, struct export_stream *x,
    const char *filename)
{
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	/* The rows are read from the database as the client takes them. */
	web_stream(r, 200, "text/csv; charset=utf-8", export_read_cb, export_close_cb, x);
	return web_add_header(r, "Content-Disposition", arena_printf(web_arena(r),
	    "attachment; filename=\"%s\"", filename));
}

int
uman_answer_post(struct web_req *r, enum access_rc rc, uman_form_page *form,
    const struct access_errors *err, const char *done)
{
	if (rc == ACCESS_INVALID)
		return form(r, 422, err);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, done);
}

/* The path tail below the pages of here: its quality's when it has one, else its
 * organisation's (arena of r). */
static const char *
here_path(struct web_req *r, const struct uman_here *here, const char *tail)
{
	if (here->quality > 0)
		return arena_printf(web_arena(r), "/acces/%lld/qualite/%lld%s", (long long)here->org,
		    (long long)here->quality, tail);
	return arena_printf(web_arena(r), "/acces/%lld%s", (long long)here->org, tail);
}

int
uman_post(struct web_req *r, uman_change *change, uman_form_page *form, const char *done)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	enum access_rc rc;

	if (!uman_enter(r, &who, &here))
		return 0;
	rc = change(r, &who, &here, &err);
	return uman_answer_post(r, rc, form, &err, here_path(r, &here, done));
}

const char *
uman_date(struct web_req *r, const char *iso)
{
	if (iso == NULL || strlen(iso) < 10)
		return "";
	/* ISO "2012-06-29…", or the registry's "29-06-2012". */
	if (iso[2] == '-' && iso[5] == '-')
		return arena_printf(web_arena(r), "%.2s/%.2s/%.4s", iso, iso + 3, iso + 6);
	return arena_printf(web_arena(r), "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

const char *
uman_niss(struct web_req *r, const char *digits)
{
	char out[16];

	if (digits == NULL || strlen(digits) != 11 || be_niss_parse(digits, NULL) != BE_OK)
		return digits ? digits : "";
	be_niss_format(digits, out);
	return arena_strdup(web_arena(r), out);
}

const char *
uman_flash(const char *code)
{
	static const struct {
		const char *code, *msgid;
	} flashes[] = {
		{ "activated", N_("La qualité a bien été activée") },
		{ "user_added", N_("L'utilisateur a été ajouté") },
		{ "user_saved", N_("Les données de l'utilisateur ont bien été enregistrées") },
		{ "removed", N_("Les utilisateurs sélectionnés ont été supprimés.") },
		{ "suspended", N_("L'utilisateur a été suspendu.") },
		{ "reactivated", N_("L'utilisateur a été réactivé.") },
		{ "cogap_added", N_("Le co-responsable des accès a été ajouté.") },
		{ "cogap_removed", N_("Le co-responsable des accès a été retiré.") },
		{ "contact_saved", N_("Les données de l'entreprise ont bien été enregistrées.") },
		{ "email_saved", N_("L'adresse e-mail de la qualité a bien été enregistrée.") },
		{ "gl_changed", N_("Le gestionnaire local a été désigné.") },
		{ "own_saved", N_("Vos données personnelles ont bien été enregistrées.") },
		{ "unchanged", N_("Aucune modification à enregistrer.") },
		{ "mandate_proposed", N_("Le mandat a été proposé.") },
		{ "mandate_accepted", N_("Le mandat a été accepté.") },
		{ "mandate_refused", N_("Le mandat a été refusé.") },
		{ "mandate_ended", N_("Il a été mis fin au mandat.") },
		{ "mandate_saved", N_("Les utilisateurs du mandat ont bien été enregistrés.") },
		{ "subdept_created", N_("Le sous-département a été créé.") },
		{ "subdept_renamed", N_("Le sous-département a été renommé.") },
		{ "subdept_removed", N_("Le sous-département a été supprimé.") },
		{ "subdept_appointed", N_("Le gestionnaire du sous-département a été désigné.") },
		{ "subdept_user_added", N_("L'utilisateur a été ajouté au sous-département.") },
		{ "subdept_grants", N_("Les applications de l'utilisateur ont bien été enregistrées.") },
		{ "subdept_moved", N_("L'utilisateur a été déplacé.") },
	};

	for (size_t i = 0; code != NULL && i < sizeof(flashes) / sizeof(flashes[0]); i++)
		if (strcmp(code, flashes[i].code) == 0)
			return flashes[i].msgid;
	return NULL;
}

const char *
uman_type_label(struct web_req *r, const char *type)
{
	if (type != NULL && strcmp(type, "GL") == 0)
		return web_t(r, N_("GL"));
	if (type != NULL && strcmp(type, "COGL") == 0)
		return web_t(r, N_("Co-GL"));
	return web_t(r, N_("USER"));
}

const char *
uman_status_label(struct web_req *r, const char *status)
{
	return web_t(r, status != NULL && strcmp(status, "suspended") == 0 ? N_("Suspendu") :
	    N_("Actif"));
}

/* The label to show for a value of field f ("" for none). */
static const char *
shown_value(struct web_req *r, const struct account_field *f, const char *value)
{
	const char *msgid;

	if (f->choices == NULL || value[0] == '\0')
		return value;
	msgid = account_choice_label(f, value);
	return msgid != NULL ? web_t(r, msgid) : "";
}

void
uman_account_fields(struct web_req *r, struct tmpl_ctx *c, const struct account_data *d,
    const struct access_errors *err, const char *(*err_field)(const char *name))
{
	for (size_t i = 0; i < account_nfields; i++) {
		const struct account_field *f = &account_fields[i];
		const char *v = account_data_get(d, i), *why, *id;
		struct tmpl_ctx *e = tmpl_list_add(c, "account_fields");

		if (e == NULL || (id = arena_strdup(web_arena(r), f->v.name)) == NULL)
			return;
		/* An absent value shows the field's preset (a new form). */
		v = v != NULL ? v : f->preset != NULL ? f->preset : "";
		for (char *p = (char *)id; *p != '\0'; p++)
			*p = *p == '_' ? '-' : *p;
		why = err != NULL ? access_error_of(err, err_field ? err_field(f->v.name) :
		    f->v.name) : NULL;
		tmpl_set(e, "f_name", f->v.name);
		tmpl_set(e, "f_id", id);
		tmpl_set(e, "f_label", web_t(r, f->label));
		tmpl_set(e, "f_show_label", web_t(r, f->show_label));
		tmpl_set(e, "f_value", v);
		tmpl_set(e, "f_shown", shown_value(r, f, v));
		tmpl_set(e, "f_err", why != NULL ? web_t(r, why) : "");
		tmpl_set(e, "f_help", f->help != NULL ? web_t(r, f->help) : "");
		tmpl_set_bool(e, "f_select", f->choices != NULL);
		tmpl_set_bool(e, "f_last_choice", f->choices != NULL &&
		    (i + 1 == account_nfields || account_fields[i + 1].choices == NULL));
		tmpl_set(e, "f_type", f->input_type != NULL ? f->input_type : "text");
		tmpl_set_int(e, "f_limit", (int64_t)f->v.limit);
		tmpl_set_bool(e, "f_required", f->v.required);
		for (size_t k = 0; k < f->nchoices; k++) {
			struct tmpl_ctx *o = tmpl_list_add(e, "f_options");

			if (o == NULL)
				return;
			tmpl_set(o, "value", f->choices[k].value);
			tmpl_set(o, "label", web_t(r, f->choices[k].msgid));
			tmpl_set_bool(o, "selected", strcmp(v, f->choices[k].value) == 0);
		}
	}
}

const char *
uman_form(struct web_req *r, const char *name)
{
	const char *v = web_form(r, name);

	return v ? v : "";
}

struct store *
uman_store(struct web_req *r)
{
	return ((struct app *)web_app(r))->store;
}

void
uman_read_user(struct web_req *r, struct user_input *in)
{
	const char **apps = arena_alloc(web_arena(r), (ACCESS_MAX_APPS + 1) * sizeof(*apps));

	memset(in, 0, sizeof(*in));
	in->niss = web_form(r, "niss");
	in->username = web_form(r, "username");
	in->last_name = web_form(r, "last_name");
	in->first_name = web_form(r, "first_name");
	for (size_t i = 0; i < account_nfields; i++)
		*account_data_at(&in->data, i) = web_form(r, account_fields[i].v.name);
	in->type = web_form(r, "type");
	if (apps != NULL) {
		in->napps = web_form_all(r, "apps", apps, ACCESS_MAX_APPS + 1);
		in->apps = apps;
	}
}

static const char *
or_empty(const char *s)
{
	return s ? s : "";
}

static bool
ticked(const struct user_input *in, const char *code)
{
	for (size_t i = 0; i < in->napps && in->apps != NULL; i++)
		if (in->apps[i] != NULL && strcmp(in->apps[i], code) == 0)
			return true;
	return false;
}

void
uman_user_form(struct web_req *r, struct tmpl_ctx *c, const struct user_input *in,
    bool names_locked, const char *niss, const struct app_info *apps, size_t napps,
    const struct access_errors *err)
{
	tmpl_set(c, "u_username", or_empty(in->username));
	tmpl_set(c, "u_last_name", or_empty(in->last_name));
	tmpl_set(c, "u_first_name", or_empty(in->first_name));
	tmpl_set(c, "u_niss", or_empty(niss));
	tmpl_set(c, "u_niss_shown", uman_niss(r, niss));
	tmpl_set_bool(c, "names_locked", names_locked);
	uman_account_fields(r, c, &in->data, err, NULL);
	for (size_t i = 0; i < napps; i++) {
		struct tmpl_ctx *a = tmpl_list_add(c, "apps");

		if (a == NULL)
			return;
		tmpl_set(a, "code", apps[i].code);
		tmpl_set(a, "name", apps[i].name);
		tmpl_set(a, "description", apps[i].description);
		tmpl_set_int(a, "n", (int64_t)i);
		tmpl_set_bool(a, "checked", ticked(in, apps[i].code));
	}
	/* What the hidden fields carry from step to step. */
	for (size_t i = 0; i < in->napps && in->apps != NULL && i < ACCESS_MAX_APPS + 1; i++) {
		struct tmpl_ctx *h = tmpl_list_add(c, "ticked");

		if (h == NULL)
			return;
		tmpl_set(h, "code", or_empty(in->apps[i]));
	}
}

struct user_input
uman_input_of(const struct user_prefill *p)
{
	struct user_input in = {
		.niss = p->niss, .username = p->username, .last_name = p->last_name,
		.first_name = p->first_name, .data = p->data,
	};

	return in;
}
