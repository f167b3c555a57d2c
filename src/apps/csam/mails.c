/* mails.c — the demo mailbox (/demo/mails, demo mode only): the outbox's mails, newest
 * first, as they were (or will be) sent, so that a newcomer sees every notification. */
#include "apps/csam/csam_app.h"

#include <string.h>

#include "base/msgid.h"
#include "mail/mail.h"

#define SHOWN 200

static const char *
status_label(struct web_req *r, const char *status)
{
	if (strcmp(status, "sent") == 0)
		return web_t(r, N_("Envoyé"));
	if (strcmp(status, "failed") == 0)
		return web_t(r, N_("Échec de l'envoi"));
	return web_t(r, N_("En attente d'envoi"));
}

static int
mails_get(struct web_req *r)
{
	struct app *app = web_app(r);
	struct mail_item *m;
	struct tmpl_ctx *c;
	int n;

	if (!app->demo)
		return web_error(r, 404);
	n = mail_list(app->store, web_arena(r), 0, SHOWN, &m);
	c = web_page(r, N_("Courriels envoyés (démonstration)"));
	if (n < 0 || c == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		struct tmpl_ctx *it = tmpl_list_add(c, "mails");

		if (it == NULL)
			return -1;
		tmpl_set_int(it, "id", m[i].id);
		tmpl_set(it, "to", m[i].recipient);
		tmpl_set(it, "subject", m[i].subject);
		tmpl_set(it, "body", m[i].body);
		tmpl_set(it, "kind", m[i].kind);
		tmpl_set(it, "language", m[i].language);
		tmpl_set(it, "status", status_label(r, m[i].status));
		tmpl_set(it, "at", csam_app_time(r, m[i].created_at));
	}
	tmpl_set_int(c, "count", n);
	return web_render(r, "csam/mails", c);
}

int
csam_mails_routes(struct web_server *s)
{
	return web_route(s, "GET", "/demo/mails", mails_get, 0);
}
