/* fuzz_authorize.c — libFuzzer target for the parameters of an authorization request
 * (oidc/authz_params.c): the input after its first byte is the query string, decoded as
 * the server does (form_parse_urlencoded); the first byte chooses a confidential or a
 * public client. An accepted request must hold only scopes the client may have (openid
 * among them), a level at least the client's, a well-formed PKCE challenge (required of
 * a public client), and every value as given. Built by `make fuzz`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "oidc/authz_params.h"
#include "policy/loa.h"
#include "web/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct oidc_client clients[2] = {
	{ .id = "portal", .confidential = true, .application = "portal", .min_level = 1,
	  .scopes = "openid profile email", .n_redirect = 1,
	  .redirect = { "https://portal.example/cb" } },
	{ .id = "spa", .confidential = false, .application = "spa", .min_level = 2,
	  .scopes = "openid national_number", .n_redirect = 1,
	  .redirect = { "https://spa.example/cb" } },
};

static void
check(int cond)
{
	if (!cond)
		abort();
}

static const char *
param(const struct form *f, const char *name)
{
	const struct form_field *x = form_get(f, name);

	return x ? x->value : NULL;
}

/* Every word of the granted scopes: known, allowed to the client, given once. */
static void
scopes_ok(const struct oidc_client *c, const char *granted)
{
	const char *p = granted;

	check(oidc_scope_has(granted, "openid"));
	while (*p != '\0') {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char word[32];

		check(n > 0 && n < sizeof(word));
		memcpy(word, p, n);
		word[n] = '\0';
		check(oidc_scope_known(word, n) && oidc_client_scope_ok(c, word));
		check(e == NULL || !oidc_scope_has(e + 1, word));
		p += n + (e != NULL);
	}
}

static void
accepted(const struct oidc_client *c, const struct oidc_authz_params *p,
    const struct oidc_request *r, bool none)
{
	check(strcmp(r->client_id, c->id) == 0 && strcmp(r->redirect_uri, c->redirect[0]) == 0);
	check(p->response_type != NULL && strcmp(p->response_type, "code") == 0);
	check(p->request == NULL && p->request_uri == NULL);
	scopes_ok(c, r->scope);
	check(r->level >= c->min_level && r->level <= LOA_HIGH);
	check(r->max_age >= -1 && (r->max_age == -1) == (p->max_age == NULL));
	check(r->has_state == (p->state != NULL));
	check(!r->has_state || strcmp(r->state, p->state) == 0);
	check(r->has_nonce == (p->nonce != NULL));
	check(!r->has_nonce || (r->nonce[0] != '\0' && strcmp(r->nonce, p->nonce) == 0));
	check(r->has_challenge || c->confidential);
	check(!r->has_challenge || (oidc_pkce_challenge_valid(r->code_challenge) &&
	    strcmp(r->code_challenge, p->code_challenge) == 0));
	check(!(none && r->prompt_login));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct oidc_client *c;
	struct oidc_authz_refusal why;
	struct oidc_request req;
	struct form f = { 0 };
	struct arena *a;
	bool none;

	if (size < 1)
		return 0;
	c = &clients[data[0] & 1];
	a = arena_new(1 << 20);
	check(a != NULL);
	if (form_parse_urlencoded(a, (const char *)data + 1, size - 1, 64, 4096, &f) ==
	    FORM_OK) {
		const struct oidc_authz_params p = {
			.state = param(&f, "state"), .request = param(&f, "request"),
			.request_uri = param(&f, "request_uri"),
			.response_type = param(&f, "response_type"),
			.response_mode = param(&f, "response_mode"), .scope = param(&f, "scope"),
			.claims = param(&f, "claims"),
			.nonce = param(&f, "nonce"), .code_challenge = param(&f, "code_challenge"),
			.code_challenge_method = param(&f, "code_challenge_method"),
			.prompt = param(&f, "prompt"), .max_age = param(&f, "max_age"),
			.acr_values = param(&f, "acr_values"),
		};
		int rc = oidc_authz_params_check(a, c, c->redirect[0], &p, &req, &none, &why);

		if (rc == 0) {
			check(why.error == NULL);
			accepted(c, &p, &req, none);
		} else {
			check(rc == 1 && why.error != NULL && why.desc != NULL);
			check(why.error[0] != '\0' && why.desc[0] != '\0');
			/* A state too long is never echoed; any other is. */
			check(req.has_state == (p.state != NULL && strlen(p.state) <= OIDC_STATE_MAX));
		}
	}
	arena_free(a);
	return 0;
}
