/* app.h — what every web surface's handlers receive through web_app(): the services'
 * handles. Built by cmd/ at start; read-only afterwards. */
#ifndef PORTIER_APPS_APP_H
#define PORTIER_APPS_APP_H

#include <stdbool.h>

#include "policy/actor.h"
#include "store/store.h"
#include "web/web.h"

struct eid_door;
struct login_doors;
struct mail_texts;
struct machine_settings;
struct oidc_provider;
struct ops_metrics;
struct password_cfg;
struct upstream_rp;

/* The GAP designation's settings (apps/csam/, apps/helpdesk/). */
struct csam_app_settings {
	bool four_eyes;                  /* two operators approve an exception request */
	const char *exception_address;   /* postal address, lines separated by " | " */
};

/* Everything configured lives here (or in a surface's context reached from here), never
 * in a process global: two applications can run side by side in one process. */
struct app {
	struct store *store;
	bool demo;              /* demo mode: demo-only pages and helpers are on */
	struct oidc_provider *oidc;   /* issuer, key, client and secret caches (oidc/provider.h) */
	const struct password_cfg *password;   /* Argon2id costs, common passwords */
	const struct eid_door *eid_door;       /* the eID door's verifier, proxies, demo reader */
	const struct mail_texts *mail;   /* the catalogues mails are written with (mail/mail.h) */
	struct csam_app_settings csam;
	int schema_newest;      /* the newest migration this binary knows (/readyz) */
	const struct ops_metrics *metrics;   /* /metrics: who may scrape, scrape-time values */
	struct upstream_rp *upstream;   /* upstream providers' documents (auth/upstream.h) */
	const struct login_doors *doors;     /* the login doors that are on (apps/login/doors.h) */
	const struct machine_settings *machine;   /* system certificates (machine/certs.h) */
	const char *share_dir;  /* the shared files (data/openapi.json, served by the REST API) */
};

/* Returns 1 when the visitor is logged in with at least min_level (policy/loa.h);
 * otherwise answers with a redirect to the login page (step-up when logged in lower)
 * and returns 0: the handler then returns 0 at once. */
int app_require_level(struct web_req *r, int min_level);
/* Returns 1 when the logged-in visitor has chosen a capacity ("Sous quelle qualité …");
 * otherwise answers with a redirect to the choice page (or to the login page) that comes
 * back here, and returns 0: the handler then returns 0 at once. */
int app_require_capacity(struct web_req *r);

/* Registers the routes of the home surface (/, /aide, /healthz, /readyz). */
int home_routes(struct web_server *s);
/* Registers the GAP designation (/csam …), the helpdesk back office (/helpdesk …) and the
 * demo mailbox (/demo/mails); their settings are struct app's csam. */
int csam_routes(struct web_server *s);
/* Registers the public enterprise lookup (/entreprises, /entreprises/:number). */
int lookup_routes(struct web_server *s);
/* Registers the login page, the doors that are on in doors (each door's routes; a door
 * that is off has none: 404), the account pages and logout. */
int login_routes(struct web_server *s, const struct login_doors *doors);
/* Registers the CRL of the system CA (GET /pki/system-ca.crl, /pki/system-ca.pem) and the
 * agency portal's lookup of "Messages structurés" (GET /api/message-channels). */
int pki_routes(struct web_server *s);
/* Registers the SCIM 2.0 service provider (/scim/v2/…, docs/scim.md): a machine's
 * bearer token acting for the quality of its system certificate. */
int scim_routes(struct web_server *s);
/* Registers the public registry API (GET /api/registry/enterprises/:number, JSON). */
int registry_api_routes(struct web_server *s);
/* Registers the REST API (/api/v1/…, a machine's bearer token; docs/api.md) and its
 * OpenAPI document (GET /api/openapi.json, public). */
int rest_api_routes(struct web_server *s);
/* Registers the OpenID Connect provider's endpoints; they serve the application's
 * provider p (struct app's oidc, made by cmd/). */
int oidc_routes(struct web_server *s, const struct oidc_provider *p);
/* Registers the SAML 2.0 identity provider's endpoints (/saml/metadata, /saml/sso,
 * /saml/continue/ID; docs/saml.md); its address is OpenID's issuer. */
int saml_routes(struct web_server *s);
/* Registers the pages of access management (/acces…, guide §3 and §4). */
int uman_routes(struct web_server *s);
/* Decorates every page: side menu, person's name. */
void app_page_hook(struct web_req *r, struct tmpl_ctx *ctx);

/* Who acts in request r, for the services: the session's person and level (0 and the
 * name "anonymous" for a visitor not logged in), the path's organisation (":org") and quality (":q"), the request
 * id, the client's address and the page's language. Strings belong to r. */
struct actor app_actor(struct web_req *r);
/* The client certificate of request r as its x5t#S256 thumbprint (RFC 8705): from a
 * trusted proxy's header (the eID door's proxies and header name) or from portier's own
 * TLS handshake. 0 (*x5t in r's arena, NULL when none was presented), 1 (a header from a
 * peer that is not a trusted proxy, or not URL-escaped PEM: *why says which, in English,
 * for the answer), -1. */
int app_client_x5t(struct web_req *r, const char **x5t, const char **why);
/* The catalogues the application writes its mails with, for the services that queue mail. */
const struct mail_texts *app_mail(struct web_req *r);

#endif
