/* authz_params.c — the checks of an authorization request's parameters, in the order the
 * endpoint has always made them, apart from HTTP so that they can be tested and fuzzed. */
#include "oidc/authz_params.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "policy/loa.h"

/* The scopes asked for that the client may have, in the order asked, into out (at least
 * strlen(asked) + 1 bytes); "" when none. */
static void
granted_scopes(const struct oidc_client *c, const char *asked, char *out)
{
	char *o = out;
	const char *p = asked;

	*o = '\0';
	while (*p != '\0') {
		char word[32];
		size_t wl = oidc_word(&p);

		if (wl > 0 && wl < sizeof(word)) {
			memcpy(word, p, wl);
			word[wl] = '\0';
			if (oidc_scope_known(word, wl) && oidc_client_scope_ok(c, word) &&
			    !oidc_scope_has(out, word)) {
				if (o != out)
					*o++ = ' ';
				memcpy(o, word, wl + 1);
				o += wl;
			}
		}
		p += wl;
	}
	*o = '\0';
}

/* The lowest level named in acr_values (any of them satisfies the client), 0 if none. */
static int
asked_level(const char *acr_values)
{
	int level = 0;
	const char *p = acr_values;

	while (p != NULL && *p != '\0') {
		char word[64];
		size_t wl = oidc_word(&p);

		if (wl > 0 && wl < sizeof(word)) {
			int l;

			memcpy(word, p, wl);
			word[wl] = '\0';
			l = (int)loa_from_acr(word);
			if (l > 0 && (level == 0 || l < level))
				level = l;
		}
		p += wl;
	}
	return level;
}

/* prompt: sets *none and *login; false for an unknown value or none with another. */
static bool
prompt_parse(const char *prompt, bool *none, bool *login)
{
	static const char *const known[] = { "none", "login", "consent", "select_account" };
	const char *p = prompt;
	int words = 0;

	*none = *login = false;
	while (p != NULL && *p != '\0') {
		size_t wl = oidc_word(&p);
		bool ok = false;

		if (wl == 0)
			break;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strlen(known[i]) == wl && memcmp(known[i], p, wl) == 0) {
				ok = true;
				if (i == 0)
					*none = true;
				if (i == 1)
					*login = true;
			}
		if (!ok)
			return false;
		words++;
		p += wl;
	}
	return !(*none && words > 1);
}

/* max_age: -1 when absent, -2 when malformed. */
static int64_t
max_age_parse(const char *v)
{
	char *end;
	long long n;

	if (v == NULL)
		return -1;
	if (v[0] < '0' || v[0] > '9' || strlen(v) > 10)
		return -2;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return -2;
	return (int64_t)n;
}

/* The scope that releases a claim portier knows ("openid": always released), or NULL for
 * a claim it does not know. */
static const char *
claim_scope(const char *claim)
{
	static const char *const map[][2] = {
		{ "sub", "openid" }, { "organisation", "openid" }, { "quality", "openid" },
		{ "role", "openid" }, { "applications", "openid" }, { "acr", "openid" },
		{ "auth_time", "openid" }, { "amr", "openid" },
		{ "name", "profile" }, { "given_name", "profile" }, { "family_name", "profile" },
		{ "locale", "profile" }, { "email", "email" }, { "email_verified", "email" },
		{ "national_number", "national_number" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], claim) == 0)
			return map[i][1];
	return NULL;
}

/* The claims parameter (OpenID Connect Core §5.5): an object whose members userinfo and
 * id_token, when present, are objects of claim names, each null or an object (essential,
 * value, values). portier releases by scope: a known claim asked (essential or not) adds
 * the scope that releases it, when the client may have that scope, to granted (room for
 * cap bytes); unknown claims and members are ignored. 0, or 1 when malformed. */
static int
claims_scopes(const struct oidc_client *c, const char *claims, char *granted, size_t cap)
{
	static const char *const targets[] = { "userinfo", "id_token" };
	json_t *root = json_loads(claims, JSON_REJECT_DUPLICATES, NULL);
	int rc = json_is_object(root) ? 0 : 1;

	for (size_t t = 0; rc == 0 && t < 2; t++) {
		json_t *set = json_object_get(root, targets[t]), *v;
		const char *name;

		if (set == NULL)
			continue;
		if (!json_is_object(set)) {
			rc = 1;
			break;
		}
		json_object_foreach(set, name, v) {
			const char *scope = claim_scope(name);
			size_t used = strlen(granted);

			if (!json_is_null(v) && !json_is_object(v)) {
				rc = 1;
				break;
			}
			if (scope == NULL || strcmp(scope, "openid") == 0 ||
			    !oidc_client_scope_ok(c, scope) || oidc_scope_has(granted, scope) ||
			    used + 1 + strlen(scope) + 1 > cap)
				continue;
			granted[used] = ' ';
			memcpy(granted + used + 1, scope, strlen(scope) + 1);
		}
	}
	json_decref(root);
	return rc;
}

/* " profile email national_number" and its NUL, with room to spare. */
#define CLAIMS_SCOPES_ROOM 64

static int
refuse(struct oidc_authz_refusal *why, const char *error, const char *desc)
{
	why->error = error;
	why->desc = desc;
	return 1;
}

/* A copy of s in a, "" for NULL; NULL only when a is full. */
static const char *
text_in(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* Everything but the state, checked in the endpoint's order. */
static int
check_rest(struct arena *a, const struct oidc_client *c, const struct oidc_authz_params *p,
    struct oidc_request *req, bool *none, struct oidc_authz_refusal *why)
{
	char *granted;
	bool login;
	int level;

	if (p->request != NULL)
		return refuse(why, "request_not_supported", "request objects are not supported");
	if (p->request_uri != NULL)
		return refuse(why, "request_uri_not_supported", "request_uri is not supported");
	if (p->response_type == NULL)
		return refuse(why, "invalid_request", "response_type is missing");
	if (strcmp(p->response_type, "code") != 0)
		return refuse(why, "unsupported_response_type", "only response_type=code");
	if (p->response_mode != NULL && strcmp(p->response_mode, "query") != 0 &&
	    strcmp(p->response_mode, "form_post") != 0)
		return refuse(why, "invalid_request", "response_mode: query or form_post");
	if (p->scope == NULL || !oidc_scope_has(p->scope, "openid"))
		return refuse(why, "invalid_scope", "the scope must include openid");
	if (strlen(p->scope) > OIDC_SCOPE_PARAM_MAX)
		return refuse(why, "invalid_scope", "scope is too long");
	/* A subset of the words asked (never longer than the parameter), and the scopes of the
	 * claims parameter (never more than CLAIMS_SCOPES_ROOM bytes). */
	granted = arena_alloc(a, strlen(p->scope) + 1 + CLAIMS_SCOPES_ROOM);
	if (granted == NULL)
		return -1;
	granted_scopes(c, p->scope, granted);
	if (p->claims != NULL && strlen(p->claims) > OIDC_CLAIMS_PARAM_MAX)
		return refuse(why, "invalid_request", "claims is too large");
	if (p->claims != NULL && claims_scopes(c, p->claims, granted,
	    strlen(p->scope) + 1 + CLAIMS_SCOPES_ROOM) != 0)
		return refuse(why, "invalid_request", "claims is not a valid claims request");
	if (p->nonce != NULL && (p->nonce[0] == '\0' || strlen(p->nonce) > OIDC_NONCE_MAX))
		return refuse(why, "invalid_request", "nonce is empty or too long");
	if (p->code_challenge != NULL && (p->code_challenge_method == NULL ||
	    strcmp(p->code_challenge_method, "S256") != 0))
		return refuse(why, "invalid_request", "code_challenge_method must be S256");
	if (p->code_challenge == NULL && p->code_challenge_method != NULL)
		return refuse(why, "invalid_request", "code_challenge is missing");
	if (p->code_challenge != NULL && !oidc_pkce_challenge_valid(p->code_challenge))
		return refuse(why, "invalid_request", "code_challenge is malformed");
	if (p->code_challenge == NULL && !c->confidential)
		return refuse(why, "invalid_request", "PKCE (S256) is required for public clients");
	if (!prompt_parse(p->prompt, none, &login))
		return refuse(why, "invalid_request", "prompt is not understood");
	req->max_age = max_age_parse(p->max_age);
	if (req->max_age == -2)
		return refuse(why, "invalid_request", "max_age must be a number of seconds");
	level = asked_level(p->acr_values);
	req->level = level > c->min_level ? level : c->min_level;
	req->scope = granted;
	req->has_nonce = p->nonce != NULL;
	req->nonce = text_in(a, p->nonce);
	req->has_challenge = p->code_challenge != NULL;
	req->code_challenge = text_in(a, p->code_challenge);
	req->prompt_login = login;
	return req->nonce == NULL || req->code_challenge == NULL ? -1 : 0;
}

int
oidc_authz_params_check(struct arena *a, const struct oidc_client *c,
    const char *redirect_uri, const struct oidc_authz_params *p, struct oidc_request *req,
    bool *none, struct oidc_authz_refusal *why)
{
	memset(req, 0, sizeof(*req));
	*none = false;
	why->error = why->desc = NULL;
	/* A state too long to keep is not echoed either. */
	if (p->state != NULL && strlen(p->state) > OIDC_STATE_MAX)
		return refuse(why, "invalid_request", "state is too long");
	req->has_state = p->state != NULL;
	req->state = text_in(a, p->state);
	req->client_id = text_in(a, c->id);
	req->redirect_uri = text_in(a, redirect_uri);
	/* Known at once, so that every answer, errors included, takes that way back. */
	req->form_post = p->response_mode != NULL && strcmp(p->response_mode, "form_post") == 0;
	if (req->state == NULL || req->client_id == NULL || req->redirect_uri == NULL)
		return -1;
	return check_rest(a, c, p, req, none, why);
}
