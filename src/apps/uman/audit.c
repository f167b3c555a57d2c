/* audit.c — the audit trail of an organisation or of one of its qualities: who granted
 * or removed what, when; filtered by action, person and period; exported as CSV. The
 * filters hold no NISS, so they travel in the query string. */
#include "apps/uman/uman.h"

#include <string.h>

#include "access/export.h"
#include "base/msgid.h"

#define PER_PAGE 50

static const struct {
	const char *action, *msgid;
} labels[] = {
	{ "quality.activate", N_("Qualité activée") },
	{ "quality.email", N_("Adresse e-mail de la qualité modifiée") },
	{ "quality.gl.designate", N_("Gestionnaire local désigné") },
	{ "user.add", N_("Utilisateur ajouté") },
	{ "user.update", N_("Données de l'utilisateur modifiées") },
	{ "user.remove", N_("Utilisateur supprimé") },
	{ "user.suspend", N_("Utilisateur suspendu") },
	{ "user.reactivate", N_("Utilisateur réactivé") },
	{ "user.cogl.designate", N_("Co-gestionnaire local désigné") },
	{ "user.cogl.withdraw", N_("Fonction de co-gestionnaire local retirée") },
	{ "grant.add", N_("Applications accordées") },
	{ "grant.remove", N_("Applications retirées") },
	{ "person.create", N_("Personne enregistrée") },
	{ "person.update", N_("Données personnelles modifiées") },
	{ "org.register", N_("Entreprise enregistrée") },
	{ "org.gap.designate", N_("Gestionnaire d'Accès Principal désigné") },
	{ "org.gap.replace", N_("Gestionnaire d'Accès Principal remplacé") },
	{ "org.cogap.add", N_("Co-responsable des accès ajouté") },
	{ "org.cogap.remove", N_("Co-responsable des accès retiré") },
	{ "org.contact.update", N_("Données de contact de l'entreprise modifiées") },
	{ "users.export", N_("Utilisateurs exportés") },
	{ "audit.export", N_("Journal exporté") },
	{ "access.denied", N_("Accès refusé") },
};

static const char *
label(struct web_req *r, const char *action)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].action, action) == 0)
			return web_t(r, labels[i].msgid);
	return action;
}

static void
read_filter(struct web_req *r, struct audit_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->action = web_query(r, "action");
	f->person = web_query(r, "personne");
	f->from = web_query(r, "du");
	f->to = web_query(r, "au");
}

/* The query string of the filters (for pages and the export link). */
static const char *
filter_query(struct web_req *r, const struct audit_filter *f)
{
	struct arena *a = web_arena(r);
	const char *e[4] = { f->action, f->person, f->from, f->to };

	for (int i = 0; i < 4; i++)
		e[i] = web_url_encode(a, e[i] ? e[i] : "");
	return arena_printf(a, "action=%s&personne=%s&du=%s&au=%s", e[0] ? e[0] : "",
	    e[1] ? e[1] : "", e[2] ? e[2] : "", e[3] ? e[3] : "");
}

static int
page(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	struct audit_filter f;
	struct audit_page p;
	struct tmpl_ctx *c;
	enum access_rc rc;
	int status = 200;
	const char *base;

	if (!uman_enter(r, &who, &here))
		return 0;
	read_filter(r, &f);
	rc = search_audit(uman_store(r), &who, here.org, here.quality, &f,
	    (int)web_id(web_query(r, "page")), PER_PAGE, web_arena(r), &p, &err);
	if (rc == ACCESS_INVALID) {
		struct audit_filter none = { 0 };
		struct access_errors e2;

		status = 422;
		if (search_audit(uman_store(r), &who, here.org, here.quality, &none, 1, 1,
		    web_arena(r), &p, &e2) != ACCESS_OK)
			return -1;
		p.n = 0;
		p.total = 0;
	} else if (rc != ACCESS_OK) {
		return app_fail(r, rc);
	}
	here.org_manager = here.quality == 0;
	c = uman_page(r, N_("Journal des actions"), &here, false);
	if (c == NULL)
		return -1;
	uman_entity(r, c, &p.org, NULL);
	base = here.quality ? arena_printf(web_arena(r), "/acces/%lld/qualite/%lld/journal",
	    (long long)here.org, (long long)here.quality) :
	    arena_printf(web_arena(r), "/acces/%lld/journal", (long long)here.org);
	tmpl_set(c, "base", base);
	tmpl_set(c, "query", filter_query(r, &f));
	tmpl_set_bool(c, "of_quality", here.quality != 0);
	tmpl_set(c, "f_person", f.person ? f.person : "");
	tmpl_set(c, "f_from", f.from ? f.from : "");
	tmpl_set(c, "f_to", f.to ? f.to : "");
	{
		struct tmpl_ctx *o = tmpl_list_add(c, "actions");

		if (o == NULL)
			return -1;
		tmpl_set(o, "value", "");
		tmpl_set(o, "label", web_t(r, N_("Toutes")));
		for (size_t i = 0; i < p.nactions; i++) {
			if ((o = tmpl_list_add(c, "actions")) == NULL)
				return -1;
			tmpl_set(o, "value", p.actions[i]);
			tmpl_set(o, "label", label(r, p.actions[i]));
			tmpl_set_bool(o, "selected", f.action && strcmp(f.action, p.actions[i]) == 0);
		}
	}
	tmpl_set(c, "found", arena_printf(web_arena(r), "%lld", (long long)p.total));
	tmpl_set_int(c, "page", p.page);
	tmpl_set_int(c, "pages", p.pages);
	tmpl_set_bool(c, "has_prev", p.page > 1);
	tmpl_set_bool(c, "has_next", p.page < p.pages);
	tmpl_set_int(c, "prev", p.page - 1);
	tmpl_set_int(c, "next", p.page + 1);
	for (size_t i = 0; i < p.n; i++) {
		const struct audit_row *e = &p.rows[i];
		struct tmpl_ctx *row = tmpl_list_add(c, "events");

		if (row == NULL)
			return -1;
		tmpl_set(row, "at", arena_printf(web_arena(r), "%s %.8s", uman_date(r, e->at),
		    strlen(e->at) >= 19 ? e->at + 11 : ""));
		tmpl_set(row, "actor", e->actor_name ? e->actor_name : e->actor);
		tmpl_set(row, "role", e->actor_role);
		tmpl_set(row, "action", label(r, e->action));
		tmpl_set(row, "object", e->object_name ? e->object_name : e->object);
		tmpl_set(row, "details", strcmp(e->details, "{}") == 0 ? "" : e->details);
	}
	if (status != 200)
		app_field_errors(r, c, &err);
	return web_render_status(r, status, "uman/audit", c);
}

static const char *
tr(void *arg, const char *msgid)
{
	return web_t(arg, msgid);
}

static int
csv(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	struct audit_filter f;
	struct export_stream *x;
	enum access_rc rc;
	const char *sep = web_query(r, "sep");

	if (!uman_enter(r, &who, &here))
		return 0;
	read_filter(r, &f);
	rc = export_audit_open(uman_store(r), &who, here.org, here.quality, &f,
	    sep && strcmp(sep, ",") == 0 ? ',' : ';', tr, r, &x, &err);
	return uman_send_export(r, rc, x, arena_printf(web_arena(r), "journal-%lld%s.csv",
	    (long long)here.org,
	    here.quality ? arena_printf(web_arena(r), "-%lld", (long long)here.quality) : ""));
}

int
uman_audit_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/:org/journal", page, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/journal.csv", csv, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/journal", page, 0) != 0 ||
	    web_route(s, "GET", "/acces/:org/qualite/:q/journal.csv", csv, 0) != 0)
		return -1;
	return 0;
}
