/* portal.h — the agency portal (MEDSEIP), a relying party of portier: what cmd/ needs to
 * run it. The portal has its own listener, its own database and talks to portier only
 * over HTTP (OpenID Connect and the public registry API). */
#ifndef PORTIER_PORTAL_PORTAL_H
#define PORTIER_PORTAL_PORTAL_H

#include <stdint.h>

#include "portal/oidc_client.h"
#include "store/store.h"
#include "web/web.h"

#define PORTAL_RELEASE "1.3.2"          /* shown in the footer, as in the guide */
#define PORTAL_SESSION_COOKIE "portal_sid"

/* What the portal's handlers share (web_app()). Built by cmd/ at start; read-only. */
struct portal {
	struct store *store;                /* the portal's own database */
	struct portal_oidc *oidc;
	const char *issuer;                 /* portier's base URL: OIDC and registry API */
	const char *application;            /* the secured application to demand (MEDSEIP) */
	_Atomic int64_t purged_at;          /* the last purge of abandoned sessions */
};

/* Registers the portal's routes and page hook on s (web_set_app(s, p) is done here).
 * Returns 0 or -1. */
int portal_routes(struct web_server *s, struct portal *p);

#endif
