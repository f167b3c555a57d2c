/* token.c — the token endpoint: client authentication (client_secret_basic,
 * client_secret_post, or none for public clients), then the authorization_code and
 * refresh_token grants. Answers in JSON as RFC 6749 §5 and OpenID Connect §3.1.3 say;
 * readable by a public client's own origin (CORS). */
#include "apps/oidc/oidc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/metrics.h"
#include "base/pct.h"
#include "oidc/access_jwt.h"
#include "oidc/claims.h"
#include "oidc/resource.h"

#define BASIC_MAX 512

/* Decodes application/x-www-form-urlencoded text in place ('+' is a space). 0 or -1;
 * an encoded NUL is refused rather than left to cut the value short. */
static int
form_decode(char *s)
{
	size_t n = strlen(s);
	long k = pct_decode(s, n, s, n + 1, true);

	return k < 0 || strlen(s) != (size_t)k ? -1 : 0;
}

/* Reads "Authorization: Basic base64(id:secret)" (RFC 6749 §2.3.1: both form-encoded).
 * Returns 1 when absent, 0 when read, -1 when malformed. */
int
oidc_basic_credentials(struct web_req *r, const char **id, const char **secret)
{
	const char *h = web_header(r, "Authorization");
	char *dec, *colon;
	size_t n = 0, len;

	if (h == NULL)
		return 1;
	if (strncasecmp(h, "Basic ", 6) != 0)
		return -1;
	h += 6;
	while (*h == ' ')
		h++;
	len = strlen(h);
	if (len == 0 || len > BASIC_MAX)
		return -1;
	dec = arena_alloc(web_arena(r), len + 1);
	if (dec == NULL || sodium_base642bin((unsigned char *)dec, len, h, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	dec[n] = '\0';
	if (strlen(dec) != n)
		return -1;
	colon = strchr(dec, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	if (form_decode(dec) != 0 || form_decode(colon + 1) != 0)
		return -1;
	*id = dec;
	*secret = colon + 1;
	return 0;
}

/* A 401 invalid_client, with the Basic challenge when Basic was tried. */
static int
invalid_client(struct web_req *r, const char *client_id, bool basic, const char *desc)
{
	struct app *app = web_app(r);
	struct actor ctx = app_actor(r);

	oidc_audit_refusal(app->store, "token", client_id, 0, "invalid_client", &ctx);
	if (basic)
		web_add_header(r, "WWW-Authenticate", "Basic realm=\"portier\"");
	return oidc_oauth_error(r, 401, "invalid_client", desc);
}

/* Authenticates the client; on failure answers and returns 1 (or -1). Also for the
 * revocation and PAR endpoints (oidc.h). */
int
oidc_client_auth(struct web_req *r, struct oidc_client *c)
{
	struct app *app = web_app(r);
	const char *id = NULL, *secret = NULL;
	const char *form_id = web_form(r, "client_id"), *form_secret = web_form(r, "client_secret");
	int basic, rc;

	if (web_form(r, "client_assertion") != NULL || web_form(r, "client_assertion_type"))
		return oidc_rp_assertion_auth(r, c);
	basic = oidc_basic_credentials(r, &id, &secret);
	if (basic < 0)
		return invalid_client(r, NULL, true, "malformed Basic credentials") == 0 ? 1 : -1;
	if (basic == 0 && form_secret != NULL) {
		oidc_oauth_error(r, 400, "invalid_request", "use one client authentication method");
		return 1;
	}
	if (basic == 0 && form_id != NULL && strcmp(form_id, id) != 0) {
		oidc_oauth_error(r, 400, "invalid_request", "client_id differs from the credentials");
		return 1;
	}
	if (basic != 0) {
		id = form_id;
		secret = form_secret;
	}
	if (id == NULL)
		return invalid_client(r, NULL, false, "client authentication is missing") == 0 ?
		    1 : -1;
	rc = oidc_provider_client(app->oidc, web_arena(r), id, c);
	if (rc < 0)
		return -1;
	/* An unknown client, a wrong secret, a public client with a secret or a confidential
	 * one without: the same answer. */
	if (rc != 0 || (c->confidential ? !oidc_client_secret_ok(c, secret) : secret != NULL))
		return invalid_client(r, id, basic == 0, "client authentication failed") == 0 ?
		    1 : -1;
	return 0;
}

static const char *
refusal_error(enum oidc_refusal why)
{
	return why == OIDC_REFUSED_NONE ? "server_error" : "invalid_grant";
}

/* True for a text that JSON carries as it is between quotes: printable ASCII without '"'
 * or '\\'. */
static bool
json_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* The reply's JSON into out. The tokens are base64url, digits and dots, the scope scope
 * tokens: written as they are, without jansson, whose escaping walks the kilobyte of the
 * ID token character by character (a tenth of the token request's own work). Any other
 * text goes through jansson. 0 or -1. */
static int
tokens_json(const struct oidc_issued *t, const char *access, const char *id_token,
    struct buf *out)
{
	json_t *o;
	char *text;
	int rc;

	if (json_plain(access) && json_plain(t->refresh) && json_plain(id_token) &&
	    json_plain(t->grant.scope))
		return buf_printf(out, "{\"access_token\":\"%s\",\"token_type\":\"Bearer\","
		    "\"expires_in\":%d,\"refresh_token\":\"%s\",\"id_token\":\"%s\","
		    "\"scope\":\"%s\"}", access, OIDC_ACCESS_TTL, t->refresh, id_token,
		    t->grant.scope);
	o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "access_token", access,
	    "token_type", "Bearer", "expires_in", OIDC_ACCESS_TTL, "refresh_token", t->refresh,
	    "id_token", id_token, "scope", t->grant.scope);
	text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	rc = text != NULL ? buf_puts(out, text) : -1;
	free(text);
	return rc;
}

/* Appends the JWT form of t's access token to out when the resource server of c's
 * audience takes JWT access tokens; leaves out empty otherwise. 0 or -1. */
static int
access_as_jwt(struct app *app, const struct oidc_keyring *k, const struct oidc_client *c,
    const struct oidc_issued *t, struct buf *out)
{
	int jwt = oidc_rs_jwt_for(app->store, c->audience);

	if (jwt <= 0)
		return jwt;
	return oidc_access_jwt(app->oidc, k, c, &t->grant, &t->data, t->access, c->audience,
	    out);
}

/* The successful reply: tokens, and an ID token of the grant. */
static int
tokens_reply(struct web_req *r, const struct oidc_client *c, const struct oidc_issued *t,
    bool with_nonce)
{
	struct app *app = web_app(r);
	const struct oidc_keyring *k = oidc_keys_get(r);
	struct buf idt, reply, at;
	int rc;

	if (k == NULL)
		return -1;
	buf_init(&idt, 64 * 1024);
	buf_init(&reply, 128 * 1024);
	buf_init(&at, 64 * 1024);
	rc = oidc_id_token(app->oidc, k, c, &t->grant, &t->data, with_nonce, &idt);
	/* RFC 9068: the access token as a JWT when its resource server asked for that. */
	if (rc == 0 && c->audience[0] != '\0')
		rc = access_as_jwt(app, k, c, t, &at);
	oidc_keys_put(r, k);
	/* An ID token or a reply that cannot be built whole is an error the client is told
	 * of, never a token with claims left out. */
	if (rc == 0)
		rc = idt.data != NULL ? tokens_json(t, at.data ? at.data : t->access, idt.data,
		    &reply) : -1;
	buf_free(&idt);
	if (at.data != NULL)
		sodium_memzero(at.data, at.len);
	buf_free(&at);
	if (rc != 0 || reply.data == NULL) {
		buf_free(&reply);
		return oidc_oauth_error(r, 500, "server_error", "the tokens could not be made");
	}
	web_add_header(r, "Pragma", "no-cache");
	rc = web_send(r, 200, "application/json", reply.data, reply.len);
	metric_token(with_nonce ? MGRANT_AUTHORIZATION_CODE : MGRANT_REFRESH_TOKEN);
	sodium_memzero(reply.data, reply.len);
	buf_free(&reply);
	return rc;
}

/* A token request while the group commit decides it: in the request's arena. */
struct token_state {
	struct web_req *r;
	struct oidc_client client;
	struct oidc_issued issued;
	struct actor ctx;
	enum oidc_refusal why;
	bool code_grant;
	int rc;
};

/* On the committer's thread: the answer is committed; the connection goes on. */
static void
token_decided(void *arg, int rc)
{
	struct token_state *st = arg;

	st->rc = rc;
	web_resume(st->r);
}

/* The reply once the grant is decided (the ID token is signed here, on a connection
 * thread, in parallel with the next commits). */
static int
token_answer(struct web_req *r, struct token_state *st)
{
	int rc = st->rc;

	if (rc == 0)
		rc = tokens_reply(r, &st->client, &st->issued, st->code_grant);
	else if (rc > 0)
		rc = oidc_oauth_error(r, 400, refusal_error(st->why), oidc_refusal_text(st->why));
	else
		rc = oidc_oauth_error(r, 500, "server_error", "the request could not be completed");
	oidc_issued_wipe(&st->issued);
	return rc;
}

/* Back on a connection thread after the group commit decided. */
static int
token_resumed(struct web_req *r)
{
	return token_answer(r, web_deferred_arg(r));
}

static int
token(struct web_req *r)
{
	struct app *app = web_app(r);
	struct token_state *st = arena_alloc(web_arena(r), sizeof(*st));
	struct oidc_client *c;
	const char *grant_type = web_form(r, "grant_type");
	const char *ct = web_header(r, "Content-Type");
	const char *twice = web_repeated_param(r, true);
	int rc;

	if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return oidc_oauth_error(r, 400, "invalid_request",
		    "the body must be application/x-www-form-urlencoded");
	/* RFC 6749 §3.2: no parameter more than once (code=<valid>&code=<other> is refused
	 * before anything is looked at, so the code stays usable). */
	if (twice != NULL)
		return oidc_oauth_error(r, 400, "invalid_request", arena_printf(web_arena(r),
		    "%.40s is given more than once", twice));
	if (st == NULL)
		return -1;
	/* Machines (system certificates) authenticate apart: machine.c. */
	if (grant_type != NULL && strcmp(grant_type, "client_credentials") == 0)
		return oidc_machine_grant(r);
	st->r = r;
	st->ctx = app_actor(r);
	c = &st->client;
	rc = oidc_client_auth(r, c);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (oidc_cors(r, c) != 0)
		return -1;
	if (grant_type == NULL)
		return oidc_oauth_error(r, 400, "invalid_request", "grant_type is missing");
	st->code_grant = strcmp(grant_type, "authorization_code") == 0;
	if (st->code_grant) {
		const char *code = web_form(r, "code");

		if (code == NULL)
			return oidc_oauth_error(r, 400, "invalid_request", "code is missing");
		/* Suspended first: the answer may be committed before submit returns. */
		web_suspend(r, st, token_resumed);
		rc = oidc_code_redeem_submit(oidc_provider_batch(app->oidc), web_arena(r), c, code,
		    web_form(r, "redirect_uri"), web_form(r, "code_verifier"), &st->ctx,
		    &st->issued, &st->why, token_decided, st);
	} else if (strcmp(grant_type, "refresh_token") == 0) {
		const char *refresh = web_form(r, "refresh_token");

		if (refresh == NULL)
			return oidc_oauth_error(r, 400, "invalid_request", "refresh_token is missing");
		web_suspend(r, st, token_resumed);
		rc = oidc_refresh_submit(oidc_provider_batch(app->oidc), web_arena(r), c, refresh,
		    &st->ctx, &st->issued, &st->why, token_decided, st);
	} else {
		oidc_audit_refusal(app->store, "token", c->id, 0, "unsupported_grant_type",
		    &st->ctx);
		return oidc_oauth_error(r, 400, "unsupported_grant_type",
		    "authorization_code or refresh_token");
	}
	if (rc != 0)
		token_decided(st, -1);
	return 0;
}

static int
token_preflight(struct web_req *r)
{
	return oidc_cors_preflight(r, "POST");
}

int
oidc_token_routes(struct web_server *s)
{
	/* Clients authenticate themselves: no CSRF token here. */
	if (web_route(s, "POST", "/oidc/token", token, WEB_NO_CSRF) != 0 ||
	    web_route(s, "OPTIONS", "/oidc/token", token_preflight, 0) != 0)
		return -1;
	return 0;
}
