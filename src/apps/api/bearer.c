/* bearer.c — the API's caller from a machine's bearer token: the token read and checked
 * (active, its certificate usable, its binding to the presented certificate), then the
 * actor of the manager who registered that certificate, with the machine named. */
#include "apps/api/bearer.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "access/account.h"
#include "apps/app.h"
#include "base/log.h"
#include "oidc/machine_token.h"
#include "policy/loa.h"

#define REALM "Bearer realm=\"portier\""

/* The token of "Authorization: Bearer <token>" (the scheme case-insensitive, RFC 7235
 * §2.1), NULL when absent or of another scheme. */
static const char *
bearer_token(struct web_req *r)
{
	const char *h = web_header(r, "Authorization");

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h != '\0' ? h : NULL;
}

/* The scope's application codes into p->apps (pointers into the arena copy). */
static int
split_scope(struct web_req *r, const char *scope, struct api_principal *p)
{
	char *s = arena_strdup(web_arena(r), scope), *w;

	if (s == NULL)
		return -1;
	p->napps = 0;
	for (w = s; *w != '\0';) {
		size_t n;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (n == 0)
			break;
		if (p->napps == OIDC_MACHINE_APPS_MAX)
			return -1;
		p->apps[p->napps++] = w;
		w += n;
		if (*w == ' ')
			*w++ = '\0';
	}
	return 0;
}

/* Whether the token's binding is met: unbound, or the certificate presented is the one
 * it was issued to. */
static int
binding_met(struct web_req *r, const char *cnf, bool *ok)
{
	const char *x5t = NULL, *why = NULL;
	int rc;

	*ok = cnf == NULL;
	if (cnf == NULL)
		return 0;
	rc = app_client_x5t(r, &x5t, &why);
	if (rc < 0)
		return -1;
	*ok = rc == 0 && x5t != NULL && strlen(cnf) == OIDC_X5T_LEN &&
	    sodium_memcmp(x5t, cnf, OIDC_X5T_LEN) == 0;
	return 0;
}

static int
challenge(struct web_req *r, enum api_auth a)
{
	const char *v = a == API_AUTH_MISSING ? REALM :
	    a == API_AUTH_INVALID ? REALM ", error=\"invalid_token\"" :
	    REALM ", error=\"insufficient_scope\"";

	return web_add_header(r, "WWW-Authenticate", v);
}

enum api_auth
api_principal(struct web_req *r, struct api_principal *p)
{
	struct app *app = web_app(r);
	struct oidc_machine_token_info t;
	const char *token = bearer_token(r);
	enum api_auth out;
	bool bound_ok;
	int rc;

	memset(p, 0, sizeof(*p));
	if (token == NULL) {
		out = API_AUTH_MISSING;
		goto refuse;
	}
	rc = oidc_machine_token_lookup(app->store, web_arena(r), token, &t);
	if (rc < 0)
		return API_AUTH_ERROR;
	if (rc == 1 || !t.active) {
		out = API_AUTH_INVALID;
		goto refuse;
	}
	if (binding_met(r, t.cnf_x5t, &bound_ok) != 0)
		return API_AUTH_ERROR;
	if (!bound_ok) {
		log_info(web_rid(r), "api: token of %s bound to a certificate not presented",
		    t.client_id);
		out = API_AUTH_INVALID;
		goto refuse;
	}
	if (t.quality_id == 0) {
		out = API_AUTH_NO_QUALITY;
		goto refuse;
	}
	if (split_scope(r, t.scope, p) != 0)
		return API_AUTH_ERROR;
	p->actor = app_actor(r);
	/* The machine acts on the delegation of who registered its certificate: the policy
	 * reads that person's roles now. Its level: authenticated by a key it holds (mutual
	 * TLS or private_key_jwt), substantial; never high (nothing eID-only). */
	p->actor.person_id = t.registered_by;
	p->actor.name = NULL;
	p->actor.level = LOA_SUBSTANTIAL;
	p->actor.org_id = t.org_id;
	p->actor.quality_id = t.quality_id;
	p->actor.via = t.client_id;
	p->client_id = t.client_id;
	p->quality = t.quality;
	p->enterprise = t.enterprise;
	return API_AUTH_OK;
refuse:
	return challenge(r, out) == 0 ? out : API_AUTH_ERROR;
}

int
api_auth_status(enum api_auth a)
{
	switch (a) {
	case API_AUTH_OK:
		return 200;
	case API_AUTH_MISSING:
	case API_AUTH_INVALID:
		return 401;
	case API_AUTH_NO_QUALITY:
		return 403;
	default:
		return 500;
	}
}

const char *
api_auth_detail(enum api_auth a)
{
	switch (a) {
	case API_AUTH_OK:
		return "";
	case API_AUTH_MISSING:
		return "a bearer access token is required (Authorization: Bearer)";
	case API_AUTH_INVALID:
		return "the access token is not valid (unknown, expired, revoked, or bound to "
		    "another certificate)";
	case API_AUTH_NO_QUALITY:
		return "the certificate's quality is no longer activated for the organisation";
	default:
		return "internal error";
	}
}

bool
api_scope_has(const struct api_principal *p, const char *app)
{
	for (size_t i = 0; app != NULL && i < p->napps; i++)
		if (strcmp(p->apps[i], app) == 0)
			return true;
	return false;
}

int
api_insufficient_scope(struct web_req *r, const char *scope)
{
	const char *v = REALM ", error=\"insufficient_scope\"";

	if (scope != NULL) {
		/* Application codes are [A-Za-z0-9_-]; anything else is not named. */
		if (strspn(scope, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_-") != strlen(scope))
			scope = NULL;
		else
			v = arena_printf(web_arena(r), "%s, scope=\"%s\"", v, scope);
	}
	return v != NULL ? web_add_header(r, "WWW-Authenticate", v) : -1;
}

int
api_record_scope_refusal(struct web_req *r, const struct api_principal *p,
    enum policy_action action)
{
	struct app *app = web_app(r);
	struct store_tx *tx = NULL;

	return access_refuse(app->store, &tx, &p->actor, p->actor.org_id, action,
	    POLICY_OUT_OF_SCOPE, p->actor.quality_id, NULL) == ACCESS_DENIED ? 0 : -1;
}

int
api_refuse_scope(struct web_req *r, const struct api_principal *p,
    enum policy_action action, const char *scope)
{
	if (api_record_scope_refusal(r, p, action) != 0)
		return -1;
	return api_insufficient_scope(r, scope);
}
