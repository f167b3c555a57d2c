/* internal.h — what the portal's page files share: the logged-in visitor with their
 * company, guards, small writers. Not for other modules: they use portal.h. */
#ifndef PORTIER_PORTAL_INTERNAL_H
#define PORTIER_PORTAL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "base/msgid.h"
#include "portal/catalogue.h"
#include "portal/data.h"
#include "portal/portal.h"
#include "web/web.h"

/* The visitor of a page behind login: who they are and their company. */
struct pvisit {
	struct portal_who who;
	struct portal_company company;
};

/* Returns 1 with v filled when the visitor is logged in; otherwise answers (a redirect
 * to the login, or an error page) and returns 0: the handler then returns 0 at once. */
int portal_require_login(struct web_req *r, struct pvisit *v);

/* Returns 1 with v and a filled when the visitor is logged in and the path's ":id" names
 * an activity of their company (current or ended); otherwise answers (login redirect,
 * 404, 500) and returns 0: the handler then returns 0 at once (activities.c). */
int portal_require_activity(struct web_req *r, struct pvisit *v, struct portal_activity *a);
/* Sets the list "events" (at, action, who) of an activity's history from ev[0..n).
 * Returns 0 or -1 (activities.c). */
int pevents_to_ctx(struct web_req *r, struct tmpl_ctx *c, const struct portal_event *ev,
    size_t n);

/* The public card of enterprise number from portier's registry API, in lang: 0 with *out
 * (json_decref it), 1 when the registry does not know it, -1 when unreachable. */
int portal_registry_card(struct portal *p, const char *number, const char *lang,
    json_t **out);

/* Translated label of a catalogue code, or the code itself. */
const char *pcat_label(struct web_req *r, const struct pcat_item *list, size_t n,
    const char *code);
/* Text of a JSON string member, or "". */
const char *pjson_str(json_t *o, const char *key);
/* One line of an address object of the registry API ("Rue 1 bte 2, 1000 Bruxelles"). */
const char *paddress_line(struct arena *a, json_t *addr);
/* A unix time as "dd/mm/yyyy hh:mm" (local time), in the request's arena. */
const char *ptime(struct web_req *r, int64_t t);
/* An ISO date as "dd/mm/yyyy" (as is when not ISO). */
const char *pdate(struct web_req *r, const char *iso);
/* True when s is valid UTF-8 without control characters, at most max characters. */
bool ptext_ok(const char *s, size_t max);

/* Routes of each file. */
int portal_login_routes(struct web_server *s);
int portal_company_routes(struct web_server *s);
int portal_activity_routes(struct web_server *s);
int portal_control_routes(struct web_server *s);

#endif
