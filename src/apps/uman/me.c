/* me.c — "Modifier mes données personnelles" (one's e-mail and language and, within an
 * organisation, one's account there) and "Gestion du certificat à utiliser sur le
 * portail de la Sécurité Sociale" (how one authenticates, the eID certificate). */
#include "apps/uman/uman.h"

#include <string.h>

#include "access/hierarchy.h"
#include "base/msgid.h"
#include "policy/loa.h"

static int
page(struct web_req *r, int status, bool typed, const struct access_errors *err,
    const char *conflict)
{
	struct actor who;
	struct uman_here here;
	struct own_data d;
	struct tmpl_ctx *c;
	enum access_rc rc;
	int64_t org;

	if (!uman_enter(r, &who, &here))
		return 0;
	org = web_id(web_query(r, "org"));
	if (org == 0)
		org = web_id(web_form(r, "org"));
	rc = hierarchy_own_get(uman_store(r), &who, org, web_arena(r), &d);
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	here.org = org;
	here.menu = org ? UMAN_MENU_ORG : UMAN_MENU_HOME;
	c = uman_page(r, N_("Modifier mes données personnelles"), &here, true);
	if (c == NULL)
		return -1;
	tmpl_set(c, "last_name", d.last_name);
	tmpl_set(c, "first_name", d.first_name);
	tmpl_set(c, "niss", uman_niss(r, d.niss));
	tmpl_set(c, "p_email", typed ? uman_form(r, "p_email") : d.email);
	tmpl_set_bool(c, "has_account", d.has_account);
	tmpl_set(c, "username", d.username);
	tmpl_set_int(c, "version", d.version);
	{
		static const char *const codes[] = { "fr", "nl", "de", "en" };
		static const char *const names[] = {
			N_("Français"), N_("Néerlandais"), N_("Allemand"), N_("Anglais"),
		};
		const char *cur = typed ? uman_form(r, "p_language") : d.language;

		for (int i = 0; i < 4; i++) {
			struct tmpl_ctx *o = tmpl_list_add(c, "p_languages");

			if (o == NULL)
				return -1;
			tmpl_set(o, "value", codes[i]);
			tmpl_set(o, "label", web_t(r, names[i]));
			tmpl_set_bool(o, "selected", strcmp(cur, codes[i]) == 0);
		}
	}
	if (d.has_account) {
		struct account_data shown = d.account;

		if (typed)
			for (size_t i = 0; i < account_nfields; i++)
				*account_data_at(&shown, i) = uman_form(r, account_fields[i].v.name);
		uman_account_fields(r, c, &shown, err, hierarchy_own_error_field);
	}
	if (conflict != NULL)
		tmpl_set(c, "conflict", web_t(r, conflict));
	if (err != NULL)
		app_field_errors(r, c, err);
	return web_render_status(r, status, "uman/me", c);
}

static int
show(struct web_req *r)
{
	return page(r, 200, false, NULL, NULL);
}

static int
save(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct access_errors err;
	struct user_input acc = { 0 };
	enum access_rc rc;
	int64_t org;

	if (!uman_enter(r, &who, &here))
		return 0;
	org = web_id(web_form(r, "org"));
	for (size_t i = 0; i < account_nfields; i++)
		*account_data_at(&acc.data, i) = web_form(r, account_fields[i].v.name);
	rc = hierarchy_own_update(uman_store(r), &who, org, web_form(r, "p_email"),
	    web_form(r, "p_language"), web_form(r, "email") != NULL ? &acc : NULL,
	    web_id(web_form(r, "version")), &err);
	if (rc == ACCESS_INVALID)
		return page(r, 422, true, &err, NULL);
	if (rc == ACCESS_CONFLICT)
		return page(r, 409, false, NULL,
		    N_("Vos données ont été modifiées entre-temps (par vous-même dans une autre fenêtre ou par un gestionnaire). Vos modifications n'ont pas été enregistrées : les données actuelles sont affichées."));
	if (rc != ACCESS_OK)
		return app_fail(r, rc);
	return web_redirect(r, org ? arena_printf(web_arena(r),
	    "/acces/mes-donnees?org=%lld&ok=own_saved", (long long)org) :
	    "/acces/mes-donnees?ok=own_saved");
}

static int
certificate(struct web_req *r)
{
	struct actor who;
	struct uman_here here;
	struct web_session *s;
	struct tmpl_ctx *c;

	if (!uman_enter(r, &who, &here))
		return 0;
	s = web_session(r);
	here.org = web_id(web_query(r, "org"));
	here.menu = here.org ? UMAN_MENU_ORG : UMAN_MENU_HOME;
	c = uman_page(r,
	    N_("Gestion du certificat à utiliser sur le portail de la Sécurité Sociale"), &here,
	    false);
	if (c == NULL)
		return -1;
	tmpl_set(c, "level", web_t(r, loa_msgid((enum loa)s->auth_level)));
	tmpl_set_bool(c, "with_eid", strcmp(s->auth_method, "eid") == 0);
	return web_render(r, "uman/certificate", c);
}

int
uman_me_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/acces/mes-donnees", show, 0) != 0 ||
	    web_route(s, "POST", "/acces/mes-donnees", save, 0) != 0 ||
	    web_route(s, "GET", "/acces/certificat", certificate, 0) != 0)
		return -1;
	return 0;
}
