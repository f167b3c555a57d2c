/* test_oidc_authz.c — the checks of an authorization request's parameters
 * (oidc/authz_params.c), apart from HTTP: what is kept, and each refusal with its error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oidc/authz_params.h"
#include "policy/loa.h"

static const struct oidc_client conf = {
	.id = "portal", .confidential = true, .min_level = LOA_LOW,
	.scopes = "openid profile email",
};
static const struct oidc_client pub = {
	.id = "spa", .confidential = false, .min_level = LOA_SUBSTANTIAL,
	.scopes = "openid national_number",
};

#define CHALLENGE "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE"

static const char *
refused(const struct oidc_client *c, const struct oidc_authz_params *p, bool *echo_state)
{
	struct oidc_authz_refusal why;
	struct oidc_request req;
	struct arena *a = arena_new(0);
	bool none;
	int rc;

	assert_non_null(a);
	rc = oidc_authz_params_check(a, c, "https://rp.example/cb", p, &req, &none, &why);
	arena_free(a);
	assert_int_not_equal(rc, -1);
	if (rc == 0)
		return NULL;
	*echo_state = req.has_state;
	return why.error;
}

static void
accepted_request(void **state)
{
	struct oidc_authz_params p = {
		.response_type = "code", .scope = "email openid openid national_number  profile",
		.state = "xyz", .nonce = "n1", .max_age = "300",
		.acr_values = "urn:portier:loa:high urn:portier:loa:substantial",
		.prompt = "login consent",
	};
	struct oidc_authz_refusal why;
	struct oidc_request req;
	struct arena *a = arena_new(0);
	bool none = true;

	(void)state;
	assert_non_null(a);
	assert_int_equal(oidc_authz_params_check(a, &conf, "https://rp.example/cb", &p, &req,
	    &none, &why), 0);
	/* The client's scopes only, once each, in the order asked. */
	assert_string_equal(req.scope, "email openid profile");
	assert_string_equal(req.client_id, "portal");
	assert_string_equal(req.redirect_uri, "https://rp.example/cb");
	assert_true(req.has_state && strcmp(req.state, "xyz") == 0);
	assert_true(req.has_nonce && strcmp(req.nonce, "n1") == 0);
	assert_false(req.has_challenge);
	assert_int_equal(req.max_age, 300);
	/* The lowest level asked, but never below the client's. */
	assert_int_equal(req.level, LOA_SUBSTANTIAL);
	assert_true(req.prompt_login);
	assert_false(none);
	arena_free(a);
}

static void
refusals(void **state)
{
	char long_state[OIDC_STATE_MAX + 2];
	struct oidc_authz_params ok = { .response_type = "code", .scope = "openid",
	    .state = "s" }, p;
	bool echo = false;

	(void)state;
	memset(long_state, 's', sizeof(long_state) - 1);
	long_state[sizeof(long_state) - 1] = '\0';
	p = ok;
	p.state = long_state;
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	assert_false(echo);                   /* a state too long is not sent back */
	p = ok;
	p.request = "eyJ";
	assert_string_equal(refused(&conf, &p, &echo), "request_not_supported");
	assert_true(echo);
	p = ok;
	p.response_type = "token";
	assert_string_equal(refused(&conf, &p, &echo), "unsupported_response_type");
	p = ok;
	p.scope = "profile";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_scope");
	p = ok;
	p.nonce = "";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	p = ok;
	p.code_challenge = CHALLENGE;
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");   /* no method */
	p.code_challenge_method = "plain";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	p.code_challenge_method = "S256";
	assert_null(refused(&conf, &p, &echo));
	p.code_challenge = "short";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	/* A public client must use PKCE. */
	assert_string_equal(refused(&pub, &ok, &echo), "invalid_request");
	p = ok;
	p.code_challenge = CHALLENGE;
	p.code_challenge_method = "S256";
	assert_null(refused(&pub, &p, &echo));
	p = ok;
	p.prompt = "none login";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	p.prompt = "sometimes";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	p = ok;
	p.max_age = "-1";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
	p.max_age = "12345678901";
	assert_string_equal(refused(&conf, &p, &echo), "invalid_request");
}

/* The longest state and nonce taken are kept whole, with the challenge. */
static void
long_values_whole(void **state)
{
	char long_state[OIDC_STATE_MAX + 1], long_nonce[OIDC_NONCE_MAX + 1];
	struct oidc_authz_params p = {
		.response_type = "code", .scope = "openid", .state = long_state,
		.nonce = long_nonce, .code_challenge = CHALLENGE, .code_challenge_method = "S256",
	};
	struct oidc_authz_refusal why;
	struct oidc_request req;
	struct arena *a = arena_new(0);
	bool none;

	(void)state;
	assert_non_null(a);
	memset(long_state, 'S', OIDC_STATE_MAX);
	long_state[OIDC_STATE_MAX] = '\0';
	memset(long_nonce, 'n', OIDC_NONCE_MAX);
	long_nonce[OIDC_NONCE_MAX] = '\0';
	assert_int_equal(oidc_authz_params_check(a, &pub, "https://rp.example/cb", &p, &req,
	    &none, &why), 0);
	assert_true(req.has_state);
	assert_string_equal(req.state, long_state);
	assert_true(req.has_nonce);
	assert_string_equal(req.nonce, long_nonce);
	assert_true(req.has_challenge);
	assert_string_equal(req.code_challenge, CHALLENGE);
	assert_string_equal(req.client_id, "spa");
	assert_string_equal(req.scope, "openid");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_request),
		cmocka_unit_test(refusals),
		cmocka_unit_test(long_values_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
