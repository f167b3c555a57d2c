/* org_id_view.h — the one way pages show an organisation's identifier (issue 16, part 5):
 * its value as formatted by access/org_id.h, after its type's name in the page's language. */
#ifndef PORTIER_APPS_ORG_ID_VIEW_H
#define PORTIER_APPS_ORG_ID_VIEW_H

#include "web/web.h"

/* The type's name in r's language ("" for a type not in the catalogue). */
const char *app_org_id_type(struct web_req *r, const char *type);
/* The value as shown (0123.456.789, 1-23456-78-901, HD-…), in r's arena. */
const char *app_org_id_value(struct web_req *r, const char *type, const char *value);
/* Both: "Numéro INAMI 1-23456-78-901". A NULL or empty type is read from the numbers an
 * organisation had before identifiers (enterprise, else foreign registration). */
const char *app_org_identifier(struct web_req *r, const char *type, const char *value);

#endif
