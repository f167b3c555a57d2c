/* app.c — the agency portal's frame: routes, the page hook (person's name, BCE number,
 * menu), the landing page for visitors, the home of logged-in companies with its three
 * blocks (Mon entreprise, Mes activités, Mes contrôles), the Privacy and Disclaimer pages,
 * and the helpers the page files share. */
#include "portal/internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/utf8.h"
#include "be/be.h"
#include "portal/http.h"
#include "portal/idtoken.h"
#include "web/i18n.h"

#define CARD_MAX (1 << 20)

/* ---- helpers ---- */

const char *
pcat_label(struct web_req *r, const struct pcat_item *list, size_t n, const char *code)
{
	const struct pcat_item *it = pcat_find(list, n, code);

	return it ? web_t(r, it->msgid) : code;
}

const char *
pjson_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

const char *
paddress_line(struct arena *a, json_t *addr)
{
	const char *street = pjson_str(addr, "street"), *nr = pjson_str(addr, "house_number");
	const char *box = pjson_str(addr, "box"), *zip = pjson_str(addr, "zipcode");
	const char *city = pjson_str(addr, "municipality");

	if (!json_is_object(addr))
		return "";
	return arena_printf(a, "%s%s%s%s%s%s%s%s%s", street, nr[0] ? " " : "", nr,
	    box[0] ? " bte " : "", box, (zip[0] || city[0]) ? ", " : "", zip, zip[0] ? " " : "",
	    city);
}

const char *
ptime(struct web_req *r, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char out[32];

	if (t <= 0 || localtime_r(&tt, &tm) == NULL)
		return "";
	strftime(out, sizeof(out), "%d/%m/%Y %H:%M", &tm);
	return arena_strdup(web_arena(r), out);
}

const char *
pdate(struct web_req *r, const char *iso)
{
	if (iso == NULL || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
		return iso ? iso : "";
	return arena_printf(web_arena(r), "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

bool
ptext_ok(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return false;
	/* max counts characters, as the forms' messages do; a character is up to 4 bytes. */
	n = strlen(s);
	if (n > 4 * max || !utf8_valid(s, n) || utf8_len(s, n) > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
			return false;
	return true;
}

int
portal_registry_card(struct portal *p, const char *number, const char *lang, json_t **out)
{
	struct phttp_resp resp;
	char url[1024], err[256];
	int rc = -1;

	*out = NULL;
	if ((size_t)snprintf(url, sizeof(url), "%s/api/registry/enterprises/%s?lang=%s",
	    p->issuer, number, lang) >= sizeof(url))
		return -1;
	if (phttp_get(url, NULL, CARD_MAX, &resp, err, sizeof(err)) != 0) {
		log_warn(NULL, "portal: registry API: %s", err);
		return -1;
	}
	if (resp.status == 404) {
		rc = 1;
	} else if (resp.status == 200) {
		*out = json_loadb(resp.body.data, resp.body.len, JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(*out) &&
		    strcmp(pjson_str(*out, "enterprise_number"), number) == 0) {
			rc = 0;
		} else {
			json_decref(*out);
			*out = NULL;
			log_warn(NULL, "portal: registry API: not the card asked for");
		}
	} else {
		log_warn(NULL, "portal: registry API answered %ld", resp.status);
	}
	phttp_resp_free(&resp);
	return rc;
}

/* ---- who is there ---- */

static int
visitor(struct web_req *r, struct pvisit *v)
{
	struct portal *p = web_app(r);
	struct web_session *s = web_session(r);
	int rc;

	if (s == NULL || s->person_id == 0)
		return 1;
	rc = pdata_session_who(p->store, s->id, web_arena(r), &v->who);
	if (rc != 0)
		return rc;
	return pdata_company_get(p->store, web_arena(r), v->who.enterprise, &v->company);
}

int
portal_require_login(struct web_req *r, struct pvisit *v)
{
	int rc = visitor(r, v);
	const char *next;

	if (rc == 0)
		return 1;
	if (rc < 0) {
		web_error(r, 500);
		return 0;
	}
	next = web_url_encode(web_arena(r), web_path(r));
	if (next == NULL || strcmp(web_method(r), "GET") != 0) {
		web_redirect(r, "/");
		return 0;
	}
	web_redirect(r, arena_printf(web_arena(r), "/login?next=%s", next));
	return 0;
}

static void
menu_item(struct web_req *r, struct tmpl_ctx *ctx, const char *href, const char *msgid)
{
	struct tmpl_ctx *m = tmpl_list_add(ctx, "menu");
	const char *path = web_path(r);
	size_t n = strlen(href);

	if (m == NULL)
		return;
	tmpl_set(m, "href", href);
	tmpl_set(m, "label", web_t(r, msgid));
	tmpl_set_bool(m, "current", strcmp(path, href) == 0 ||
	    (n > 1 && strncmp(path, href, n) == 0 && path[n] == '/'));
}

/* Issue 16: under a mandate the ID token's organisation is the one acted for and "via"
 * the person's own (the chain): "pour A, via B" beside the person's name. Read from the
 * token kept in the session, verified at login. */
static void
acting_via(struct web_req *r, struct tmpl_ctx *ctx, const struct portal_who *who)
{
	json_t *claims = NULL;
	const char *via;

	if (who->id_token == NULL || idtoken_kept_payload(who->id_token, &claims) != 0)
		return;
	via = json_string_value(json_object_get(json_object_get(claims, "via"), "name"));
	if (via != NULL && ptext_ok(via, ORG_NAME_CHARS)) {
		tmpl_set(ctx, "acting_for", who->org_name);
		tmpl_set(ctx, "via", via);
	} else if (via != NULL) {
		log_warn(web_rid(r), "portal: the organisation of the chain cannot be shown");
	}
	json_decref(claims);
}

/* Every page: the year and release of the footer; once logged in, the person's name,
 * the BCE number of the organisation and the menu. */
static void
page_hook(struct web_req *r, struct tmpl_ctx *ctx)
{
	struct pvisit v;
	char bce[13];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	tmpl_set_int(ctx, "year", tm.tm_year + 1900);
	tmpl_set(ctx, "release", PORTAL_RELEASE);
	if (visitor(r, &v) != 0) {
		tmpl_set_bool(ctx, "logged_in", false);
		return;
	}
	be_enterprise_format(v.who.enterprise, bce);
	tmpl_set(ctx, "person_name", v.who.name);
	tmpl_set(ctx, "bce", bce);
	acting_via(r, ctx, &v.who);
	menu_item(r, ctx, "/", N_("Accueil"));
	menu_item(r, ctx, "/entreprise", N_("Mon entreprise"));
	menu_item(r, ctx, "/activites", N_("Mes activités"));
	menu_item(r, ctx, "/controles", N_("Mes contrôles"));
}

/* ---- pages ---- */

static int
landing(struct web_req *r)
{
	struct tmpl_ctx *c = web_page(r, N_("Accueil"));

	if (c == NULL)
		return -1;
	if (web_query(r, "logout") != NULL)
		tmpl_set_bool(c, "logged_out", true);
	return web_render(r, "landing", c);
}

/* The three blocks of the home page, as in guide §5. */
static int
home(struct web_req *r)
{
	struct portal *p = web_app(r);
	struct portal_activity acts[PORTAL_ACTIVITIES_MAX];
	struct pvisit v;
	struct tmpl_ctx *c;
	char vat[13];
	size_t n = 0;
	int rc = visitor(r, &v);

	if (rc > 0)
		return landing(r);
	if (rc < 0 || pdata_activities(p->store, web_arena(r), v.company.id, acts,
	    PORTAL_ACTIVITIES_MAX, &n) != 0)
		return web_error(r, 500);
	c = web_page(r, N_("Bienvenue sur le portail de l'Agence"));
	if (c == NULL)
		return -1;
	be_vat_format(v.company.enterprise, vat);
	tmpl_set(c, "company_name", v.company.name);
	tmpl_set(c, "vat", vat);
	tmpl_set(c, "agency_number", v.company.agency_number);
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *a;

		if (acts[i].ended_on[0] != '\0')
			continue;
		a = tmpl_list_add(c, "activities");
		if (a == NULL)
			return -1;
		tmpl_set_int(a, "id", acts[i].id);
		tmpl_set(a, "kind", acts[i].kind);
		tmpl_set(a, "label", pcat_label(r, pcat_activities, pcat_nactivities,
		    acts[i].kind));
		tmpl_set(a, "establishment", acts[i].establishment);
	}
	return web_render(r, "home", c);
}

static int
static_page(struct web_req *r, const char *title, const char *name)
{
	struct tmpl_ctx *c = web_page(r, title);

	if (c == NULL)
		return -1;
	return web_render(r, name, c);
}

static int
privacy(struct web_req *r)
{
	return static_page(r, N_("Privacy"), "privacy");
}

static int
disclaimer(struct web_req *r)
{
	return static_page(r, N_("Disclaimer"), "disclaimer");
}

static int
healthz(struct web_req *r)
{
	struct portal *p = web_app(r);

	if (store_ping(p->store) != 0)
		return web_send(r, 503, "text/plain; charset=utf-8", "unavailable\n", 12);
	return web_send(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

int
portal_routes(struct web_server *s, struct portal *p)
{
	web_set_app(s, p);
	web_set_page_hook(s, page_hook);
	if (web_route(s, "GET", "/", home, 0) != 0 ||
	    web_route(s, "GET", "/privacy", privacy, 0) != 0 ||
	    web_route(s, "GET", "/disclaimer", disclaimer, 0) != 0 ||
	    web_route(s, "GET", "/healthz", healthz, 0) != 0 ||
	    portal_login_routes(s) != 0 || portal_company_routes(s) != 0 ||
	    portal_activity_routes(s) != 0 || portal_control_routes(s) != 0)
		return -1;
	return 0;
}
