/* test_upstream.c — brokering to upstream identity providers: the ID token check of
 * auth/upstream_rp.c against tokens signed here (good; bad signature, unknown key, alg
 * none, wrong iss, aud, azp, expired, iat in the future, wrong nonce; missing or invalid
 * national number; the level from acr within the ceiling), the acr table, and the stored
 * side of auth/upstream.c (checks of `idp add`, the secret sealed under a KEK, pending
 * logins single-use and expiring, remove). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "auth/upstream.h"
#include "auth/upstream_sql.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/envelope.h"
#include "fed/jws.h"
#include "policy/loa.h"
#include "portal/idtoken.h"
#include "store_fixture.h"

#define NOW 1700000000
#define ISS "https://idp.example.be"
#define CLIENT "portier-broker"
#define NONCE "nonce-0S6_WzA2Mj-abcdefghijklmnopqrstuvwxyz"
#define NISS "85073003328"          /* valid (tests/http/oidc_lib.js, Jan) */

struct fx {
	struct jws_key *key, *other, *rsa;
	struct portal_jwks *jwks;
	struct upstream_idp idp;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char doc[2048];

	if (f == NULL || jws_key_generate(&f->key) != 0 || jws_key_generate(&f->other) != 0 ||
	    jws_key_generate_alg(JWS_RS256, &f->rsa) != 0)
		return -1;
	snprintf(doc, sizeof(doc), "{\"keys\":[%s,%s]}", jws_key_jwk(f->key), jws_key_jwk(f->rsa));
	if (portal_jwks_parse(doc, strlen(doc), &f->jwks) != 0)
		return -1;
	f->idp = (struct upstream_idp){
		.id = "itsme", .name = "itsme", .issuer = ISS, .client_id = CLIENT,
		.auth_method = "client_secret_basic", .scope = "openid profile",
		.nn_claim = "national_number", .level_max = LOA_SUBSTANTIAL,
	};
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	jws_key_free(f->key);
	jws_key_free(f->other);
	jws_key_free(f->rsa);
	portal_jwks_free(f->jwks);
	free(f);
	return 0;
}

/* A token with the standard claims, edit(j) changing them first; signed with k. */
static char *
token(const struct jws_key *k, void (*edit)(json_t *j))
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "iss", ISS, "sub",
	    "upstream-sub-1", "aud", CLIENT, "exp", (json_int_t)(NOW + 300), "iat",
	    (json_int_t)NOW, "nonce", NONCE, "national_number", NISS, "acr",
	    "http://eidas.europa.eu/LoA/substantial");
	struct buf out;
	char *payload, *res;

	assert_non_null(j);
	if (edit != NULL)
		edit(j);
	payload = json_dumps(j, JSON_COMPACT);
	buf_init(&out, 16384);
	assert_int_equal(jws_sign(k, "JWT", payload, strlen(payload), &out), 0);
	assert_int_equal(buf_add(&out, "", 1), 0);
	res = strdup(out.data);
	buf_free(&out);
	free(payload);
	json_decref(j);
	return res;
}

static enum upstream_result
check(struct fx *f, const char *tok, struct upstream_identity *id)
{
	return upstream_check_token(f->jwks, tok, &f->idp, NONCE, NOW, id);
}

static void
test_good(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	char *t = token(f->key, NULL);

	assert_int_equal(check(f, t, &id), UP_OK);
	assert_string_equal(id.niss, NISS);
	assert_int_equal(id.level, LOA_SUBSTANTIAL);
	free(t);
}

static void set_acr_high(json_t *j) { json_object_set_new(j, "acr", json_string("http://eidas.europa.eu/LoA/high")); }
static void set_acr_low(json_t *j) { json_object_set_new(j, "acr", json_string("http://eidas.europa.eu/LoA/low")); }
static void del_acr(json_t *j) { json_object_del(j, "acr"); }

/* The level is the acr's, never above the provider's ceiling; no acr: low. */
static void
test_level_ceiling(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	char *high = token(f->key, set_acr_high), *low = token(f->key, set_acr_low);
	char *none = token(f->key, del_acr);

	assert_int_equal(check(f, high, &id), UP_OK);
	assert_int_equal(id.level, LOA_SUBSTANTIAL);      /* ceiling substantial */
	f->idp.level_max = LOA_HIGH;
	assert_int_equal(check(f, high, &id), UP_OK);
	assert_int_equal(id.level, LOA_HIGH);
	assert_int_equal(check(f, low, &id), UP_OK);
	assert_int_equal(id.level, LOA_LOW);
	assert_int_equal(check(f, none, &id), UP_OK);
	assert_int_equal(id.level, LOA_LOW);
	f->idp.level_max = LOA_SUBSTANTIAL;
	free(high);
	free(low);
	free(none);
}

static void
test_acr_table(void **state)
{
	(void)state;
	assert_int_equal(upstream_acr_level("http://eidas.europa.eu/LoA/high"), LOA_HIGH);
	assert_int_equal(upstream_acr_level("http://eidas.europa.eu/LoA/substantial"),
	    LOA_SUBSTANTIAL);
	assert_int_equal(upstream_acr_level("http://itsme.services/v2/claim/acr_advanced"),
	    LOA_SUBSTANTIAL);
	assert_int_equal(upstream_acr_level("urn:portier:loa:high"), LOA_HIGH);
	assert_int_equal(upstream_acr_level("http://eidas.europa.eu/LoA/HIGH"), LOA_LOW);
	assert_int_equal(upstream_acr_level(NULL), LOA_LOW);
}

/* Another token's signature on this header and payload. */
static void
test_bad_signature(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	char *a = token(f->key, NULL), *b = token(f->key, set_acr_high);
	char *sa = strrchr(a, '.'), *sb = strrchr(b, '.');

	assert_int_equal(strlen(sa), strlen(sb));
	memcpy(sa, sb, strlen(sb));
	assert_int_equal(check(f, a, &id), UP_TOKEN);
	assert_int_equal(id.idt, IDT_SIGNATURE);
	assert_int_equal(id.niss[0], '\0');
	free(a);
	free(b);
}

static void
test_other_key(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	char *t = token(f->other, NULL);

	assert_int_equal(check(f, t, &id), UP_TOKEN);
	assert_int_equal(id.idt, IDT_KID);
	free(t);
}

static void
test_alg_none(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	char *t = token(f->key, NULL), *none = malloc(strlen(t) + 64);
	char hdr[128];
	const char *dot = strchr(t, '.');
	const char *h = "{\"alg\":\"none\",\"typ\":\"JWT\"}";

	portal_b64url_encode(h, strlen(h), hdr, sizeof(hdr));
	/* header.payload. — no signature */
	snprintf(none, strlen(t) + 64, "%s%.*s.", hdr, (int)(strrchr(t, '.') - dot), dot);
	assert_int_equal(check(f, none, &id), UP_TOKEN);
	assert_int_equal(id.idt, IDT_ALG);
	free(t);
	free(none);
}

/* RS256 (itsme's) is accepted for upstream providers; the portal's default stays ES256. */
static void
test_rs256(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	struct idtoken_expect e = {
		.issuer = ISS, .client_id = CLIENT, .nonce = NONCE, .now = NOW, .leeway = 60,
		.max_age = 600,
	};
	char *t = token(f->rsa, NULL), *b = token(f->rsa, set_acr_high);
	char *st = strrchr(t, '.'), *sb = strrchr(b, '.');
	json_t *claims = NULL;

	assert_int_equal(check(f, t, &id), UP_OK);
	assert_string_equal(id.niss, NISS);
	assert_int_equal(idtoken_verify(f->jwks, t, &e, &claims), IDT_ALG);
	assert_null(claims);
	/* Another RS256 signature over other claims. */
	assert_int_equal(strlen(st), strlen(sb));
	memcpy(st, sb, strlen(sb));
	assert_int_equal(check(f, t, &id), UP_TOKEN);
	assert_int_equal(id.idt, IDT_SIGNATURE);
	free(t);
	free(b);
}

/* A token that says RS256 under the kid of the EC key (or ES256 under the RSA key's) finds
 * no key: a key checks the alg it is for only. */
static void
test_alg_key_mismatch(void **state)
{
	struct fx *f = *state;
	struct upstream_identity id;
	char *t = token(f->key, NULL), *forged = malloc(strlen(t) + 256);
	char hdr[256], h[200];
	const char *dot = strchr(t, '.');

	snprintf(h, sizeof(h), "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
	    jws_key_kid(f->key));
	portal_b64url_encode(h, strlen(h), hdr, sizeof(hdr));
	snprintf(forged, strlen(t) + 256, "%s%s", hdr, dot);
	assert_int_equal(check(f, forged, &id), UP_TOKEN);
	assert_int_equal(id.idt, IDT_KID);
	free(t);
	free(forged);
}

static void set_iss(json_t *j) { json_object_set_new(j, "iss", json_string("https://evil.example")); }
static void set_aud(json_t *j) { json_object_set_new(j, "aud", json_string("another-client")); }
static void set_aud_many(json_t *j) { json_object_set_new(j, "aud", json_pack("[s,s]", CLIENT, "other")); }
static void set_azp(json_t *j) { set_aud_many(j); json_object_set_new(j, "azp", json_string(CLIENT)); }
static void set_exp(json_t *j) { json_object_set_new(j, "exp", json_integer(NOW - UPSTREAM_LEEWAY - 1)); }
static void set_exp_leeway(json_t *j) { json_object_set_new(j, "exp", json_integer(NOW - UPSTREAM_LEEWAY + 1)); }
static void set_iat(json_t *j) { json_object_set_new(j, "iat", json_integer(NOW + UPSTREAM_LEEWAY + 1)); }
static void set_nonce(json_t *j) { json_object_set_new(j, "nonce", json_string("another-nonce")); }
static void del_nn(json_t *j) { json_object_del(j, "national_number"); }
static void bad_nn(json_t *j) { json_object_set_new(j, "national_number", json_string("85073003329")); }
static void num_nn(json_t *j) { json_object_set_new(j, "national_number", json_integer(85073003328LL)); }
static void dotted_nn(json_t *j) { json_object_set_new(j, "national_number", json_string("85.07.30-033.28")); }

static void
expect(struct fx *f, void (*edit)(json_t *), enum upstream_result want, int idt)
{
	struct upstream_identity id;
	char *t = token(f->key, edit);

	assert_int_equal(check(f, t, &id), want);
	if (want == UP_TOKEN)
		assert_int_equal(id.idt, idt);
	if (want != UP_OK)
		assert_int_equal(id.niss[0], '\0');
	free(t);
}

static void
test_claims(void **state)
{
	struct fx *f = *state;

	expect(f, set_iss, UP_TOKEN, IDT_ISS);
	expect(f, set_aud, UP_TOKEN, IDT_AUD);
	expect(f, set_aud_many, UP_TOKEN, IDT_AUD);   /* several audiences without azp */
	expect(f, set_azp, UP_OK, 0);
	expect(f, set_exp, UP_TOKEN, IDT_EXP);
	expect(f, set_exp_leeway, UP_OK, 0);          /* within the leeway */
	expect(f, set_iat, UP_TOKEN, IDT_IAT);
	expect(f, set_nonce, UP_TOKEN, IDT_NONCE);
	expect(f, del_nn, UP_NO_NN, 0);
	expect(f, num_nn, UP_NO_NN, 0);               /* not a string */
	expect(f, bad_nn, UP_BAD_NN, 0);              /* check digits wrong */
	expect(f, dotted_nn, UP_OK, 0);
}

/* ---- the stored side ---- */

static int
store_setup(void **state)
{
	*state = store_fixture_new("upstream", 2);
	return *state ? 0 : -1;
}

static int
store_teardown(void **state)
{
	kek_install(NULL);
	return store_fixture_free(*state);
}

static struct upstream_idp_new
valid_new(void)
{
	return (struct upstream_idp_new){
		.id = "mygov", .name = "MyGov.be", .issuer = "https://idp.mygov.be",
		.client_id = "portier", .auth_method = "client_secret_basic",
		.scope = "openid profile", .nn_claim = "national_number", .level_max = 2,
		.secret = "s3cret-of-the-client", .secret_len = 20,
		.logo = "https://idp.mygov.be/logo.png",
	};
}

static void
test_add_checks(void **state)
{
	struct store_fixture *sf = *state;
	struct upstream_idp_new n;
	char err[256];

	n = valid_new(); n.id = "callback";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.id = "Bad Id";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.issuer = "http://idp.example.be";      /* http off loopback */
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.issuer = "https://idp.example.be/";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.logo = "javascript:alert(1)";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.logo = "https://x.example/\"onerror=\"x";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.level_max = 4;
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.scope = "profile";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.secret_len = 0;
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -1);
	n = valid_new(); n.issuer = "http://127.0.0.1:4000";       /* loopback: tests */
	n.id = "loop";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), 0);
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), -2);
	assert_int_equal(upstream_idp_remove(sf->s, "loop", "cli"), 0);
	assert_int_equal(upstream_idp_remove(sf->s, "loop", "cli"), 1);
}

/* With a KEK the stored secret is an envelope, and reads back as typed. */
static void
test_secret_sealed(void **state)
{
	struct store_fixture *sf = *state;
	struct upstream_idp_new n = valid_new();
	struct arena *a = arena_new(64 * 1024);
	struct upstream_idp got;
	struct store_tx *tx;
	struct store_q *q;
	struct kek k;
	const void *blob;
	size_t blen = 0;
	char err[256];

	randombytes_buf(k.key, sizeof(k.key));
	memset(k.id, 7, sizeof(k.id));
	kek_install(&k);
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), 0);
	assert_int_equal(store_begin(sf->s, STORE_READ, &tx), 0);
	assert_int_equal(store_query(tx, SQL_UPSTREAM_IDP_SECRETS, &q, ""), 0);
	assert_int_equal(store_next(q), 1);
	blob = store_blob(q, UPIDP_SECRETS_SECRET, &blen);
	assert_true(envelope_is(blob, blen));
	assert_null(memmem(blob, blen, "s3cret", 6));
	store_done(q);
	store_rollback(&tx);
	assert_int_equal(upstream_idp_get(sf->s, a, "mygov", &got), 0);
	assert_int_equal(got.secret_len, 20);
	assert_memory_equal(got.secret, "s3cret-of-the-client", 20);
	assert_string_equal(got.logo, "https://idp.mygov.be/logo.png");
	assert_int_equal(got.level_max, 2);
	assert_int_equal(upstream_idp_get(sf->s, a, "nobody", &got), 1);
	/* Another KEK does not open it: refused, not read as plaintext. */
	memset(k.key, 1, sizeof(k.key));
	kek_install(&k);
	assert_int_equal(upstream_idp_get(sf->s, a, "mygov", &got), -1);
	kek_install(NULL);
	arena_free(a);
}

#define STATE_A "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define STATE_B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

static void
test_pending_single_use(void **state)
{
	struct store_fixture *sf = *state;
	struct arena *a = arena_new(64 * 1024);
	struct upstream_idp_new n = valid_new();
	struct upstream_pending p = {
		.idp = "pend", .nonce = "n1", .verifier = "v1", .next = "/oidc/continue/x", .level = 2,
	}, got;
	char err[256], path[] = "/tmp/portier-upclock-XXXXXX";
	int fd;

	n.id = "pend";
	assert_int_equal(upstream_idp_add(sf->s, &n, "cli", err, sizeof(err)), 0);
	assert_int_equal(upstream_pending_add(sf->s, STATE_A, &p), 0);
	assert_int_equal(upstream_pending_take(sf->s, a, STATE_B, &got), 1);
	assert_int_equal(upstream_pending_take(sf->s, a, STATE_A, &got), 0);
	assert_string_equal(got.idp, "pend");
	assert_string_equal(got.nonce, "n1");
	assert_string_equal(got.verifier, "v1");
	assert_string_equal(got.next, "/oidc/continue/x");
	assert_int_equal(got.level, 2);
	/* Replayed: gone. */
	assert_int_equal(upstream_pending_take(sf->s, a, STATE_A, &got), 1);
	/* Expired: refused once the clock passes its lifetime. */
	assert_int_equal(upstream_pending_add(sf->s, STATE_B, &p), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(dprintf(fd, "%d\n", UPSTREAM_LOGIN_TTL + 1) > 0);
	close(fd);
	assert_int_equal(clock_use_file(path), 0);
	assert_int_equal(upstream_pending_take(sf->s, a, STATE_B, &got), 1);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0 && dprintf(fd, "0\n") > 0);
	close(fd);
	/* Removing the provider removes its logins under way. */
	assert_int_equal(upstream_pending_add(sf->s, STATE_A, &p), 0);
	assert_int_equal(upstream_idp_remove(sf->s, "pend", "cli"), 0);
	assert_int_equal(upstream_pending_take(sf->s, a, STATE_A, &got), 1);
	unlink(path);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_level_ceiling),
		cmocka_unit_test(test_acr_table),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_alg_none),
		cmocka_unit_test(test_rs256),
		cmocka_unit_test(test_alg_key_mismatch),
		cmocka_unit_test(test_claims),
	};
	const struct CMUnitTest stored[] = {
		cmocka_unit_test(test_add_checks),
		cmocka_unit_test(test_secret_sealed),
		cmocka_unit_test(test_pending_single_use),
	};
	int rc = cmocka_run_group_tests_name("upstream token", pure, setup, teardown);

	return rc | cmocka_run_group_tests_name("upstream store", stored, store_setup,
	    store_teardown);
}
