/* oidc.h — what the OpenID Connect endpoints (one file each) share: the issuer, the
 * signing keys, OAuth error and JSON replies, the way back to a client, the pages of
 * the flow. Private to src/apps/oidc. */
#ifndef PORTIER_APPS_OIDC_H
#define PORTIER_APPS_OIDC_H

#include <jansson.h>
#include <stdbool.h>

#include "apps/app.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "oidc/keys.h"
#include "oidc/provider.h"
#include "web/web.h"

/* The issuer of the application's provider: the "issuer" setting, else http://LISTEN. */
const char *oidc_issuer(struct web_req *r);
/* The current signing keys of the application's provider (see keys.h); give them back
 * with oidc_keys_put. NULL on error (the caller answers 500). */
const struct oidc_keyring *oidc_keys_get(struct web_req *r);
void oidc_keys_put(struct web_req *r, const struct oidc_keyring *k);
/* A value from the query string, or for POST from the form; NULL when absent. */
const char *oidc_param(struct web_req *r, const char *name);

/* Sends obj as JSON (and frees it) with the status (no-store unless the caller set a
 * Cache-Control). Returns 0 or -1. */
int oidc_json(struct web_req *r, int status, json_t *obj);
/* An OAuth error reply {"error","error_description"} (RFC 6749 §5.2). */
int oidc_oauth_error(struct web_req *r, int status, const char *error, const char *desc);

/* uri with the query parameters of the NULL-terminated name/value list kv added
 * (values percent-encoded, NULL values skipped); NULL when out of memory. */
char *oidc_url_with(struct arena *a, const char *uri, const char *const *kv);
/* Sends the browser to an address of a client: a 303 when the request came straight
 * from the client (GET), or a page that follows the address by itself (meta refresh,
 * with a link) after a form of ours — the CSP form-action of our pages forbids form
 * submissions that end on another site. app_name names the destination. */
int oidc_to_client(struct web_req *r, const char *url, bool after_form, const char *app_name);
/* response_mode=form_post (OAuth 2.0 Form Post Response Mode): a page whose form posts
 * the name/value pairs of kv (NULL values skipped) to uri, submitted by a script of ours
 * (/static/form_post.js; a button without script). Its CSP lets forms go to uri's origin
 * only. app_name (NULL: none) names the destination. */
int oidc_form_post(struct web_req *r, const char *uri, const char *const *kv,
    const char *app_name);
/* An error page of the flow (no redirect: the client or its address is not trusted),
 * with msgid as the explanation. Returns 0. */
int oidc_error_page(struct web_req *r, int status, const char *msgid);
/* The same titled as a logout ("Déconnexion impossible"): RP-initiated logout. */
int oidc_logout_error_page(struct web_req *r, int status, const char *msgid);

/* A pending authorization belongs to the browser that started it: the hash of that
 * browser's flow cookie (a random value, made and set here when missing) goes into out.
 * Returns 0 or -1. */
int oidc_browser_bind(struct web_req *r, unsigned char out[32]);
/* True when this browser holds the flow cookie req was bound to (constant time). */
bool oidc_browser_ok(struct web_req *r, const struct oidc_request *req);

/* CORS for browser-based (public) clients: Vary: Origin always, and the request's Origin
 * echoed in Access-Control-Allow-Origin when c (NULL: not known) is a public client with
 * a redirect URI of that origin. Returns 0 or -1. */
int oidc_cors(struct web_req *r, const struct oidc_client *c);
/* Answers a CORS preflight (OPTIONS) for methods: 204, with permission only for an
 * origin of a public client's redirect URI. */
int oidc_cors_preflight(struct web_req *r, const char *methods);

/* The name of a secured application in the request's language (arena copy), or its
 * code when unknown. */
const char *oidc_app_name(struct web_req *r, const char *application);

/* token.c: "Authorization: Basic base64(id:secret)" (both form-encoded, RFC 6749
 * §2.3.1): 1 when absent, 0 when read (texts in the request's arena), -1 when malformed. */
int oidc_basic_credentials(struct web_req *r, const char **id, const char **secret);
/* token.c: authenticates the client of a form POST (client_secret_basic,
 * client_secret_post, or client_id alone for public clients); on failure answers
 * (invalid_client, 401) and returns 1 (or -1). */
int oidc_client_auth(struct web_req *r, struct oidc_client *c);

/* provider.c: the jti of token when it is a JWT access token of ours (access_jwt.h,
 * signature and issuer checked), else NULL (opaque, or not ours). */
const char *oidc_bearer_jti(struct web_req *r, const char *token);
/* provider.c: the grant of an access token, opaque or JWT (oidc_access_grant). */
int oidc_bearer_grant(struct web_req *r, const char *token, struct oidc_grant *g,
    struct oidc_client *c, struct fed_profile_data *d, enum oidc_refusal *why);

/* Routes of each file. */
int oidc_discovery_routes(struct web_server *s);
int oidc_authorize_routes(struct web_server *s);
int oidc_profile_routes(struct web_server *s);
int oidc_token_routes(struct web_server *s);
int oidc_userinfo_routes(struct web_server *s);
int oidc_logout_routes(struct web_server *s);
int oidc_introspect_routes(struct web_server *s);
int oidc_revoke_routes(struct web_server *s);
int oidc_par_routes(struct web_server *s);

/* machine.c: the client_credentials grant of machines (answers the whole request), and
 * private_key_jwt for a relying party: 0 with *c authenticated, 1 refused (answered), -1. */
int oidc_machine_grant(struct web_req *r);
int oidc_rp_assertion_auth(struct web_req *r, struct oidc_client *c);
/* machine.c: authenticates a machine as the token endpoint does (its registered
 * certificate by mTLS, or private_key_jwt), whatever its certificate's state: 0 with *m,
 * 1 refused (answered 401), -1. For the revocation endpoint. */
struct oidc_machine;
int oidc_machine_auth(struct web_req *r, struct oidc_machine *m);

/* authorize.c: answers a flow's request with the code (profile chosen) or with an
 * error, as oidc_to_client does. error NULL: success with code. */
int oidc_answer(struct web_req *r, const struct oidc_request *req, const char *code,
    const char *error, const char *desc, bool after_form, const char *app_name);

#endif
