/* claims.c — the claims of a grant as OpenID Connect names the federation service's
 * attribute set (fed/attrs.h), ID tokens and ID token hints. The pairwise secret is made
 * once per installation and kept in the store. */
#include "oidc/claims.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/envelope.h"
#include "fed/attrs.h"
#include "fed/jws.h"
#include "fed/profiles.h"
#include "oidc/backchannel.h"
#include "oidc/provider.h"
#include "oidc/sql.h"
#include "policy/loa.h"
#include "store/sql.h"

#define SECRET_SETTING "oidc.pairwise_secret"

#define SECRET_AD "setting.value:" SECRET_SETTING
#define SEALED_PREFIX "v1:"   /* then the hex of the envelope (base/envelope.h) */
#define SECRET_TEXT_MAX (3 + 2 * (32 + ENVELOPE_OVERHEAD) + 1)

/* The stored bytes of the setting's text: the envelope after "v1:", else the plain hex.
 * 0 or -1. */
static int
secret_stored(const char *text, unsigned char *out, size_t outmax, size_t *n)
{
	size_t len;

	if (text == NULL)
		return -1;
	if (strncmp(text, SEALED_PREFIX, 3) == 0)
		text += 3;
	len = strlen(text);
	return sodium_hex2bin(out, outmax, text, len, NULL, n, NULL) == 0 && *n * 2 == len ?
	    0 : -1;
}

/* The setting's text for stored bytes (an envelope or the plain secret). 0 or -1. */
static int
secret_text(const unsigned char *b, size_t n, char out[SECRET_TEXT_MAX])
{
	bool sealed = envelope_is(b, n);
	size_t o = sealed ? 3 : 0;

	if (n > 32 + ENVELOPE_OVERHEAD)
		return -1;
	memcpy(out, SEALED_PREFIX, 3);
	sodium_bin2hex(out + o, SECRET_TEXT_MAX - o, b, n);
	return 0;
}

/* Reads the secret from the store. 0, 1 (none yet) or -1. */
static int
secret_read(struct store_tx *tx, unsigned char out[32])
{
	unsigned char stored[32 + ENVELOPE_OVERHEAD];
	struct store_q *q;
	size_t n = 0, len = 0;
	int rc;

	if (store_query(tx, SQL_SETTING_GET, &q, "t", SECRET_SETTING) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && (secret_stored(store_text(q, SETTING_GET_VALUE), stored, sizeof(stored),
	    &n) != 0 || secret_decode(SECRET_AD, stored, n, out, 32, &len) != 0 || len != 32))
		rc = -1;
	store_done(q);
	sodium_memzero(stored, sizeof(stored));
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
oidc_pairwise_secret(struct store *s, unsigned char out[32])
{
	unsigned char fresh[32], *sealed = NULL;
	char text[SECRET_TEXT_MAX];
	size_t sealed_n = 0;
	struct store_tx *tx;
	int rc = -1;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	/* Another node may have made it first: insert if absent, then read what is there. */
	randombytes_buf(fresh, sizeof(fresh));
	if (secret_encode(SECRET_AD, fresh, sizeof(fresh), &sealed, &sealed_n) != 0 ||
	    secret_text(sealed, sealed_n, text) != 0 ||
	    store_exec(tx, SQL_SETTING_PUT_NEW, "tt", SECRET_SETTING, text) < 0 ||
	    secret_read(tx, out) != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		goto done;
	}
	rc = 0;
done:
	if (sealed != NULL)
		sodium_memzero(sealed, sealed_n);
	free(sealed);
	sodium_memzero(fresh, sizeof(fresh));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
oidc_pairwise_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed)
{
	unsigned char stored[32 + ENVELOPE_OVERHEAD], *out = NULL;
	char text[SECRET_TEXT_MAX];
	struct store_q *q;
	size_t n = 0, outn = 0;
	int rc;

	*changed = 0;
	if (store_query(tx, SQL_SETTING_GET, &q, "t", SECRET_SETTING) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && secret_stored(store_text(q, SETTING_GET_VALUE), stored, sizeof(stored),
	    &n) != 0)
		rc = -1;
	store_done(q);
	if (rc == 1)
		rc = secret_rewrap(old, new_k, SECRET_AD, stored, n, &out, &outn);
	if (rc == 0 && out != NULL) {
		if (secret_text(out, outn, text) != 0 ||
		    store_exec(tx, SQL_SETTING_PUT, "tt", SECRET_SETTING, text) != 1)
			rc = -1;
		else
			*changed = 1;
	}
	if (out != NULL)
		sodium_memzero(out, outn);
	free(out);
	sodium_memzero(stored, sizeof(stored));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
oidc_subject(struct oidc_provider *p, const struct oidc_client *c, int64_t person_id,
    char out[OIDC_SUB_LEN + 1])
{
	unsigned char secret[32];

	if (oidc_provider_secret(p, secret) != 0)
		return -1;
	fed_pairwise_sub(secret, c->sector, person_id, out);
	sodium_memzero(secret, sizeof(secret));
	return 0;
}

/* The organisation claim: enterprise number or foreign registration, name, country, and
 * the sub-department of the profile when it has one (docs/subdepartments.md). */
static json_t *
organisation_claim(const struct access_profile_now *p)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	/* json_string refuses what is not UTF-8 and json_object_set_new a NULL value: any
	 * failure drops the whole claim (and the token), never a part of it. */
	if ((p->enterprise[0] != '\0' && json_object_set_new(o, "enterprise_number",
	    json_string(p->enterprise)) != 0) ||
	    (p->foreign_reg[0] != '\0' && json_object_set_new(o, "foreign_registration",
	    json_string(p->foreign_reg)) != 0) ||
	    json_object_set_new(o, "name", json_string(p->org_name)) != 0 ||
	    json_object_set_new(o, "country", json_string(p->country)) != 0 ||
	    (p->subdept != NULL && p->subdept[0] != '\0' &&
	    json_object_set_new(o, "sub_department", json_string(p->subdept)) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
quality_claim(const struct access_profile_now *p)
{
	static const char *const langs[4] = { "fr", "nl", "de", "en" };
	json_t *q = json_object(), *names = json_object();

	if (q == NULL || names == NULL) {
		json_decref(q);
		json_decref(names);
		return NULL;
	}
	for (int i = 0; i < 4; i++)
		if (json_object_set_new(names, langs[i], json_string(p->quality_name[i])) != 0) {
			json_decref(q);
			json_decref(names);
			return NULL;
		}
	if (json_object_set_new(q, "code", json_string(p->quality)) != 0 ||
	    json_object_set_new(q, "name", names) != 0) {
		json_decref(q);
		return NULL;
	}
	return q;
}

/* What client c receives of grant g: its sector, and the scopes it was granted with
 * what its registration allows (docs/federation.md). */
static struct fed_release
release_of(const struct oidc_client *c, const struct oidc_grant *g)
{
	return (struct fed_release){
		.sector = c->sector,
		.names = oidc_scope_has(g->scope, "profile"),
		.email = oidc_scope_has(g->scope, "email"),
		.national_number = oidc_scope_has(g->scope, "national_number"),
		.allow_national_number = c->allow_national_number,
	};
}

int
oidc_claims(struct oidc_provider *p, const struct oidc_client *c, const struct oidc_grant *g,
    const struct fed_profile_data *d, json_t *obj)
{
	struct fed_release rel = release_of(c, g);
	unsigned char secret[32];
	struct fed_attrs at;
	json_t *apps;
	int rc;

	if (oidc_provider_secret(p, secret) != 0)
		return -1;
	rc = fed_attributes(secret, g->person_id, d, &rel, &at);
	sodium_memzero(secret, sizeof(secret));
	if (rc != 0)
		return -1;
	apps = json_array();
	if (apps == NULL)
		return -1;
	for (size_t i = 0; i < at.n_apps; i++)
		if (json_array_append_new(apps, json_string(at.apps[i])) != 0) {
			json_decref(apps);
			return -1;
		}
	if (json_object_set_new(obj, "sub", json_string(at.sub)) != 0) {
		json_decref(apps);
		return -1;
	}
	if (at.first_name != NULL) {
		/* json_sprintf refuses what is not UTF-8, as json_string does. */
		if (json_object_set_new(obj, "name", json_sprintf("%s %s", at.first_name,
		    at.last_name)) != 0 ||
		    json_object_set_new(obj, "given_name", json_string(at.first_name)) != 0 ||
		    json_object_set_new(obj, "family_name", json_string(at.last_name)) != 0 ||
		    json_object_set_new(obj, "locale", json_string(at.language)) != 0) {
			json_decref(apps);
			return -1;
		}
	}
	/* portier never confirms an address (no link is sent to it): it says so. */
	if (at.email != NULL && (json_object_set_new(obj, "email", json_string(at.email)) != 0 ||
	    json_object_set_new(obj, "email_verified", json_false()) != 0)) {
		json_decref(apps);
		return -1;
	}
	if (at.national_number != NULL && json_object_set_new(obj, "national_number",
	    json_string(at.national_number)) != 0) {
		json_decref(apps);
		return -1;
	}
	if (json_object_set_new(obj, "organisation", organisation_claim(at.profile)) != 0 ||
	    json_object_set_new(obj, "quality", quality_claim(at.profile)) != 0 ||
	    json_object_set_new(obj, "role", json_string(at.profile->role)) != 0) {
		json_decref(apps);
		return -1;
	}
	/* Issue 16: under a mandate, organisation is the mandator acted for and via the
	 * mandatary the person belongs to (the chain), said the same way. */
	if (at.via != NULL && json_object_set_new(obj, "via", organisation_claim(at.via)) != 0) {
		json_decref(apps);
		return -1;
	}
	return json_object_set_new(obj, "applications", apps) != 0 ? -1 : 0;
}

/* RFC 8176 method references of a login method. */
static json_t *
amr_claim(const char *method)
{
	json_t *a;

	if (strcmp(method, "eid") == 0)
		a = json_pack("[sss]", "sc", "pin", "mfa");
	else if (strcmp(method, "totp") == 0 || strcmp(method, "token") == 0)
		a = json_pack("[sss]", "pwd", "otp", "mfa");
	else if (strcmp(method, "email") == 0)
		/* A code by e-mail: a one-time code, but not claimed as multi-factor (level
		 * low; the mailbox is often reached with the same password). */
		a = json_pack("[ss]", "pwd", "otp");
	else if (strcmp(method, "passkey") == 0)   /* a key verified its user */
		a = json_pack("[ss]", "hwk", "user");
	else if (strcmp(method, "passkey2") == 0)
		a = json_pack("[sss]", "pwd", "hwk", "mfa");
	else
		a = json_pack("[s]", "pwd");
	return a;
}

int
oidc_id_token(struct oidc_provider *p, const struct oidc_keyring *kr,
    const struct oidc_client *c, const struct oidc_grant *g,
    const struct fed_profile_data *d, bool with_nonce, struct buf *out)
{
	int64_t now = clock_time();
	const char *acr = loa_acr((enum loa)g->acr_level);
	json_t *obj = json_object();
	char *payload = NULL;
	int rc;

	if (obj == NULL)
		return -1;
	rc = -1;
	if (oidc_claims(p, c, g, d, obj) != 0)
		goto done;
	if (json_object_set_new(obj, "iss", json_string(oidc_provider_issuer(p))) != 0 ||
	    json_object_set_new(obj, "aud", json_string(c->id)) != 0 ||
	    json_object_set_new(obj, "iat", json_integer(now)) != 0 ||
	    json_object_set_new(obj, "exp", json_integer(now + OIDC_ID_TOKEN_TTL)) != 0 ||
	    json_object_set_new(obj, "auth_time", json_integer(g->auth_time)) != 0 ||
	    json_object_set_new(obj, "amr", amr_claim(g->amr)) != 0)
		goto done;
	if (acr != NULL && json_object_set_new(obj, "acr", json_string(acr)) != 0)
		goto done;
	if (with_nonce && g->has_nonce && json_object_set_new(obj, "nonce",
	    json_string(g->nonce)) != 0)
		goto done;
	/* Back-Channel Logout §2.1: the sid its logout tokens will carry. */
	if (c->backchannel_session_required) {
		char sid[OIDC_SID_LEN + 1];

		if (oidc_sid(p, g->id, sid) != 0 ||
		    json_object_set_new(obj, "sid", json_string(sid)) != 0)
			goto done;
	}
	payload = json_dumps(obj, JSON_COMPACT);
	if (payload == NULL)
		goto done;
	rc = jws_sign(oidc_keyring_signer_alg(kr, c->id_token_alg), "JWT", payload,
	    strlen(payload), out);
done:
	free(payload);
	json_decref(obj);
	return rc;
}

int
oidc_id_token_hint(const struct oidc_keyring *kr, const char *issuer, const char *token,
    struct arena *a, const char **client_id, char sub[OIDC_SUB_LEN + 1])
{
	char kid[JWS_KID_MAX];
	const struct jws_key *k;
	const char *iss, *aud, *s;
	struct buf payload;
	json_t *obj = NULL;
	int rc = -1;

	buf_init(&payload, 64 * 1024);
	if (token == NULL || jws_peek_kid(token, kid) != 0)
		goto done;
	k = oidc_keyring_find(kr, kid);
	if (k == NULL || jws_verify(k, token, &payload) != 0 || payload.data == NULL)
		goto done;
	obj = json_loadb(payload.data, payload.len, JSON_REJECT_DUPLICATES, NULL);
	if (obj == NULL)
		goto done;
	iss = json_string_value(json_object_get(obj, "iss"));
	aud = json_string_value(json_object_get(obj, "aud"));
	s = json_string_value(json_object_get(obj, "sub"));
	if (iss == NULL || strcmp(iss, issuer) != 0 || aud == NULL || !oidc_client_id_valid(aud) ||
	    s == NULL || strlen(s) != OIDC_SUB_LEN)
		goto done;
	*client_id = arena_strdup(a, aud);
	if (*client_id == NULL)
		goto done;
	memcpy(sub, s, OIDC_SUB_LEN + 1);
	rc = 0;
done:
	json_decref(obj);
	buf_free(&payload);
	return rc;
}
