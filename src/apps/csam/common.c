/* common.c — the shared parts of the GAP designation and helpdesk pages: who acts, field
 * dates and numbers as the guide writes them, country and status labels; and
 * csam_routes, which registers them all. */
#include "apps/csam/csam_app.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/msgid.h"
#include "be/be.h"
#include "web/i18n.h"

struct store *
csam_app_store(struct web_req *r)
{
	struct app *app = web_app(r);

	return app->store;
}

const char *
csam_app_form(struct web_req *r, const char *name)
{
	const char *v = web_form(r, name);

	return v ? v : "";
}

/* An ISO timestamp "yyyy-mm-ddThh:mm:ss…Z" (UTC) in local time into *out; false if not one. */
static bool
local_time(const char *iso, struct tm *out)
{
	struct tm tm = { 0 };
	time_t t;

	if (iso == NULL || strlen(iso) < 19 || iso[10] != 'T' ||
	    sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	return t != (time_t)-1 && localtime_r(&t, out) != NULL;
}

const char *
csam_app_date(struct web_req *r, const char *iso)
{
	struct tm tm;
	char out[16];

	if (local_time(iso, &tm) && strftime(out, sizeof(out), "%d/%m/%Y", &tm) > 0)
		return arena_strdup(web_arena(r), out);
	if (iso == NULL || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-')
		return "";
	return arena_printf(web_arena(r), "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

const char *
csam_app_time(struct web_req *r, const char *iso)
{
	struct tm tm;
	char out[24];

	if (local_time(iso, &tm) && strftime(out, sizeof(out), "%d/%m/%Y %H:%M", &tm) > 0)
		return arena_strdup(web_arena(r), out);
	return csam_app_date(r, iso);
}

const char *
csam_app_niss(struct web_req *r, const char *digits)
{
	char out[16];

	if (digits == NULL || strlen(digits) != 11)
		return digits ? digits : "";
	be_niss_format(digits, out);
	return arena_strdup(web_arena(r), out);
}

const char *
csam_app_enterprise(struct web_req *r, const char *digits)
{
	char out[13];

	if (digits == NULL || strlen(digits) != 10)
		return digits ? digits : "";
	be_enterprise_format(digits, out);
	return arena_strdup(web_arena(r), out);
}

const char *
csam_app_country(struct web_req *r, const char *code)
{
	const struct csam_country *c = csam_country(code);

	return c ? web_t(r, c->msgid) : "";
}

void
csam_app_countries(struct web_req *r, struct tmpl_ctx *c, const char *key,
    const char *selected)
{
	size_t n;
	const struct csam_country *all = csam_countries(&n);

	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, key);

		if (it == NULL)
			return;
		tmpl_set(it, "code", all[i].code);
		tmpl_set(it, "label", web_t(r, all[i].msgid));
		tmpl_set_bool(it, "selected", selected && strcmp(selected, all[i].code) == 0);
	}
}

const char *
csam_app_case_label(struct web_req *r, const char *kind)
{
	if (kind == NULL)
		return "";
	if (strcmp(kind, "rep_abroad") == 0)
		return web_t(r, N_("Le représentant légal de l'entreprise n'est pas domicilié en "
		    "Belgique"));
	if (strcmp(kind, "rep_company") == 0)
		return web_t(r, N_("Le représentant légal de l'entreprise est une autre "
		    "entreprise"));
	if (strcmp(kind, "foreign_company") == 0)
		return web_t(r, N_("L'entreprise est une entreprise étrangère"));
	if (strcmp(kind, "no_number") == 0)
		return web_t(r, N_("Pas de numéro d'entreprise : l'organisation est connue par un "
		    "autre identifiant"));
	return kind;
}

const char *
csam_app_status_label(struct web_req *r, const char *status)
{
	if (status == NULL)
		return "";
	if (strcmp(status, "received") == 0)
		return web_t(r, N_("Reçue : en attente du formulaire signé"));
	if (strcmp(status, "paper") == 0)
		return web_t(r, N_("Formulaire signé reçu : en cours de traitement"));
	if (strcmp(status, "approving") == 0)
		return web_t(r, N_("En cours de validation : attend une seconde approbation"));
	if (strcmp(status, "approved") == 0)
		return web_t(r, N_("Approuvée"));
	if (strcmp(status, "rejected") == 0)
		return web_t(r, N_("Rejetée"));
	return status;
}

const char *
csam_app_doc_label(struct web_req *r, const char *doc)
{
	if (doc == NULL)
		return "";
	if (strcmp(doc, "passport") == 0)
		return web_t(r, N_("Passeport"));
	if (strcmp(doc, "id_card") == 0)
		return web_t(r, N_("Carte d'identité étrangère"));
	if (strcmp(doc, "residence_permit") == 0)
		return web_t(r, N_("Titre de séjour"));
	return doc;
}

const struct csam_app_settings *
csam_app_cfg(struct web_req *r)
{
	const struct app *app = web_app(r);

	return &app->csam;
}

int
csam_routes(struct web_server *s)
{
	if (csam_designate_routes(s) != 0 || csam_org_routes(s) != 0 ||
	    csam_exception_routes(s) != 0 || csam_mails_routes(s) != 0 ||
	    helpdesk_routes(s) != 0)
		return -1;
	return 0;
}
