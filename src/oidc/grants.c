/* grants.c — codes, access and refresh tokens and the grants they belong to; pending
 * authorization requests; PKCE. Each operation is one write transaction holding its
 * checks, its changes and its audit event, so that a refusal that revokes a family is
 * recorded with the revocation. */
#include "oidc/grants.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "audit/audit.h"
#include "base/log.h"
#include "oidc/batch.h"
#include "fed/jws.h"
#include "fed/profiles.h"
#include "oidc/machine_sql.h"
#include "oidc/sql.h"
#include "oidc/toolbox_sql.h"


const char *
oidc_refusal_text(enum oidc_refusal r)
{
	switch (r) {
	case OIDC_REFUSED_NONE:
		return "accepted";
	case OIDC_REFUSED_UNKNOWN:
		return "unknown or malformed";
	case OIDC_REFUSED_EXPIRED:
		return "expired";
	case OIDC_REFUSED_REUSED:
		return "already used: the grant is revoked";
	case OIDC_REFUSED_REVOKED:
		return "revoked";
	case OIDC_REFUSED_OTHER_CLIENT:
		return "issued to another client";
	case OIDC_REFUSED_REDIRECT_URI:
		return "redirect_uri does not match the authorization request";
	case OIDC_REFUSED_PKCE:
		return "PKCE verification failed";
	case OIDC_REFUSED_PROFILE:
		return "the account is suspended or no longer granted the application";
	case OIDC_REFUSED_CLIENT:
		return "the client is no longer registered";
	}
	return "refused";
}

/* A short word for the audit details. */
static const char *
refusal_word(enum oidc_refusal r)
{
	static const char *const words[] = {
		"none", "unknown", "expired", "reused", "revoked", "other_client",
		"redirect_uri", "pkce", "profile", "client",
	};

	return (size_t)r < sizeof(words) / sizeof(words[0]) ? words[r] : "refused";
}

void
oidc_random_token(char out[OIDC_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	jws_b64url_encode(raw, sizeof(raw), out, OIDC_TOKEN_LEN + 1);
	sodium_memzero(raw, sizeof(raw));
}

void
oidc_token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static bool
b64url_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* True for a value this module hands out: 43 base64url characters. */
static bool
token_shaped(const char *t)
{
	return t != NULL && strlen(t) == OIDC_TOKEN_LEN && b64url_chars(t, OIDC_TOKEN_LEN);
}

bool
oidc_pkce_challenge_valid(const char *challenge)
{
	return token_shaped(challenge);
}

bool
oidc_pkce_s256_ok(const char *verifier, const char *challenge)
{
	char h[44];
	size_t n = verifier ? strlen(verifier) : 0;

	if (n < 43 || n > 128 || !oidc_pkce_challenge_valid(challenge))
		return false;
	/* RFC 7636 §4.1: unreserved characters only. */
	for (size_t i = 0; i < n; i++) {
		char c = verifier[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~'))
			return false;
	}
	jws_sha256_b64url(verifier, n, h);
	return sodium_memcmp(h, challenge, OIDC_TOKEN_LEN) == 0;
}

/* ---- audit ---- */

struct audit_what {
	const char *action;
	const char *client_id;
	int64_t person_id;
	const char *enterprise;
	const char *details;
};

static int
audit(struct store_tx *tx, const struct audit_what *w, const struct actor *ctx)
{
	char actor[24], object[96];
	struct audit_event ev = {
		.actor = NULL, .actor_role = "person", .object = object, .action = w->action,
		.details = w->details, .org = w->enterprise && w->enterprise[0] ? w->enterprise : NULL,
		.source = ctx ? ctx->source : NULL, .request_id = ctx ? ctx->request_id : NULL,
	};

	if (w->person_id > 0) {
		snprintf(actor, sizeof(actor), "%" PRId64, w->person_id);
		ev.actor = actor;
	}
	snprintf(object, sizeof(object), "oidc_client:%s", w->client_id ? w->client_id : "?");
	return audit_append(tx, &ev);
}

int
oidc_audit_refusal(struct store *s, const char *what, const char *client_id,
    int64_t person_id, const char *reason, const struct actor *ctx)
{
	char action[64], details[160];
	struct store_tx *tx;
	struct audit_what w = { action, NULL, person_id, NULL, details };

	/* Only well-formed client ids go into the trail; others are named "?". */
	w.client_id = client_id && oidc_client_id_valid(client_id) ? client_id : "?";
	snprintf(action, sizeof(action), "oidc.%s.refused", what);
	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0 ||
	    store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (audit(tx, &w, ctx) != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

/* ---- grants ---- */

/* A copy of a column in a, "" for NULL; NULL only when a is full. */
static const char *
col_text(struct arena *a, struct store_q *q, int col)
{
	const char *t = store_text(q, col);

	return arena_strdup(a, t ? t : "");
}

/* A grant row with its code and live access token (internal). */
struct grant_row {
	struct oidc_grant g;
	unsigned char code_hash[32];
	int64_t code_expires_at;
	bool code_used;
	const char *redirect_uri;
	const char *code_challenge;
	bool has_challenge;
	unsigned char access_hash[32];
	bool has_access;
	int64_t access_expires_at;
};

/* Copies a 32-byte hash column; false when absent or malformed. */
static bool
hash_col(struct store_q *q, int col, unsigned char out[32])
{
	size_t n = 0;
	const void *b = store_blob(q, col, &n);

	if (b == NULL || n != 32)
		return false;
	memcpy(out, b, 32);
	return true;
}

/* Reads grant id (SQL_OIDC_GRANT_GET) inside tx, its texts in a. Returns 0, 1 (none) or
 * -1. */
static int
grant_get(struct store_tx *tx, struct arena *a, int64_t id, struct grant_row *r)
{
	struct oidc_grant *g = &r->g;
	struct store_q *q;
	int rc;

	memset(r, 0, sizeof(*r));
	if (store_query(tx, SQL_OIDC_GRANT_GET, &q, "i", id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		g->id = store_int(q, OIDC_GRANT_GET_ID);
		g->client_id = col_text(a, q, OIDC_GRANT_GET_CLIENT_ID);
		g->person_id = store_int(q, OIDC_GRANT_GET_PERSON_ID);
		g->account_id = store_int(q, OIDC_GRANT_GET_ACCOUNT_ID);
		g->org_quality_id = store_int(q, OIDC_GRANT_GET_ORG_QUALITY_ID);
		g->mandate_id = store_null(q, OIDC_GRANT_GET_MANDATE_ID) ? 0 :
		    store_int(q, OIDC_GRANT_GET_MANDATE_ID);
		g->scope = col_text(a, q, OIDC_GRANT_GET_SCOPE);
		g->has_nonce = !store_null(q, OIDC_GRANT_GET_NONCE);
		g->nonce = col_text(a, q, OIDC_GRANT_GET_NONCE);
		g->auth_time = store_int(q, OIDC_GRANT_GET_AUTH_TIME);
		g->acr_level = (int)store_int(q, OIDC_GRANT_GET_ACR_LEVEL);
		g->amr = col_text(a, q, OIDC_GRANT_GET_AMR);
		g->expires_at = store_int(q, OIDC_GRANT_GET_EXPIRES_AT);
		g->revoked = !store_null(q, OIDC_GRANT_GET_REVOKED_AT);
		g->created_at = store_int(q, OIDC_GRANT_GET_CREATED_AT);
		if (!hash_col(q, OIDC_GRANT_GET_CODE_HASH, r->code_hash))
			rc = -1;
		r->code_expires_at = store_int(q, OIDC_GRANT_GET_CODE_EXPIRES_AT);
		r->code_used = !store_null(q, OIDC_GRANT_GET_CODE_USED_AT);
		r->redirect_uri = col_text(a, q, OIDC_GRANT_GET_REDIRECT_URI);
		r->has_challenge = !store_null(q, OIDC_GRANT_GET_CODE_CHALLENGE);
		r->code_challenge = col_text(a, q, OIDC_GRANT_GET_CODE_CHALLENGE);
		r->has_access = hash_col(q, OIDC_GRANT_GET_ACCESS_HASH, r->access_hash);
		r->access_expires_at = store_int(q, OIDC_GRANT_GET_ACCESS_EXPIRES_AT);
		g->access_expires_at = r->has_access ? r->access_expires_at : 0;
		if (g->client_id == NULL || g->scope == NULL || g->nonce == NULL ||
		    g->amr == NULL || r->redirect_uri == NULL || r->code_challenge == NULL)
			rc = -1;
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

static int
grant_revoke(struct store_tx *tx, int64_t id, int64_t now, const char *why)
{
	return store_exec(tx, SQL_OIDC_GRANT_REVOKE, "iit", id, now, why) < 0 ? -1 : 0;
}

/* Parses a decimal id of 1 to 18 digits (no sign, no leading zero) ending at '.'. */
static const char *
parse_id(const char *p, int64_t *out)
{
	int64_t v = 0;
	int n = 0;

	if (*p < '1' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9' && n < 18) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (*p != '.')
		return NULL;
	*out = v;
	return p + 1;
}

/* Reads "<grant>.<random>" (gen NULL) or "<grant>.<gen>.<random>": the numbers and the
 * hash of the random part. Returns 0, or -1 for anything else. */
static int
token_parse(const char *t, int64_t *grant, int64_t *gen, unsigned char hash[32])
{
	const char *p;

	if (t == NULL || strlen(t) >= OIDC_TOKEN_MAX)
		return -1;
	p = parse_id(t, grant);
	if (p != NULL && gen != NULL)
		p = parse_id(p, gen);
	if (p == NULL || !token_shaped(p))
		return -1;
	oidc_token_hash(p, hash);
	return 0;
}

/* Makes "<grant>.<random>" (gen < 0) or "<grant>.<gen>.<random>" in a, and the hash of
 * its random part into hash. NULL when a is full. */
static const char *
token_new(struct arena *a, int64_t grant, int64_t gen, unsigned char hash[32])
{
	char r[OIDC_TOKEN_LEN + 1];
	const char *t;

	oidc_random_token(r);
	oidc_token_hash(r, hash);
	if (gen < 0)
		t = arena_printf(a, "%" PRId64 ".%s", grant, r);
	else
		t = arena_printf(a, "%" PRId64 ".%" PRId64 ".%s", grant, gen, r);
	sodium_memzero(r, sizeof(r));
	return t;
}

/* Zeroes a token's text where it lies (the arena it came from). */
static void
token_wipe(const char *t)
{
	if (t != NULL)
		sodium_memzero((char *)t, strlen(t));
}

void
oidc_issued_wipe(struct oidc_issued *t)
{
	token_wipe(t->access);
	token_wipe(t->refresh);
	sodium_memzero(t, sizeof(*t));
}

struct issue_job {
	const struct oidc_authz *a;
	const unsigned char *request_hash;
	const struct actor *ctx;
	char *code;
};

static int
issue_fn(struct store_tx *tx, void *arg)
{
	struct issue_job *j = arg;
	const struct oidc_authz *a = j->a;
	int64_t now = clock_time(), grant;
	unsigned char h[32];
	char details[256], r[OIDC_TOKEN_LEN + 1];
	struct audit_what w = { "oidc.code.issued", a->client_id, a->person_id, a->enterprise,
	    details };
	int rc;

	/* The pending request is spent with the code: a second POST finds nothing. */
	if (j->request_hash != NULL) {
		rc = store_exec(tx, SQL_OIDC_REQ_DELETE, "b", j->request_hash, (size_t)32);
		if (rc == 0)
			return 1;
		if (rc != 1)
			return -1;
	}
	/* The code's random part (and its hash) first: the grant id comes with the row. */
	oidc_random_token(r);
	oidc_token_hash(r, h);
	if (store_insert(tx, SQL_OIDC_GRANT_INSERT, &grant, "tiiittiitiibittI", a->client_id,
	    a->person_id, a->account_id, a->org_quality_id, a->scope, a->nonce, a->auth_time,
	    (int64_t)a->acr_level, a->amr, now, now + OIDC_GRANT_TTL, h, sizeof(h),
	    now + OIDC_CODE_TTL, a->redirect_uri, a->code_challenge, a->mandate_id) != 1) {
		sodium_memzero(r, sizeof(r));
		return -1;
	}
	snprintf(j->code, OIDC_TOKEN_MAX, "%" PRId64 ".%s", grant, r);
	sodium_memzero(r, sizeof(r));
	/* Under a mandate the trail says which one (issue 16); the org is the mandator. */
	if ((a->mandate_id == 0 ? json_text(details, sizeof(details), "{s:I, s:s, s:i, s:b}",
	    "grant", (json_int_t)grant, "application", a->application ? a->application : "",
	    "level", a->acr_level, "pkce", a->code_challenge != NULL) :
	    json_text(details, sizeof(details), "{s:I, s:s, s:i, s:b, s:I}", "grant",
	    (json_int_t)grant, "application", a->application ? a->application : "", "level",
	    a->acr_level, "pkce", a->code_challenge != NULL, "mandate",
	    (json_int_t)a->mandate_id)) != 0)
		return -1;
	return audit(tx, &w, j->ctx) == 0 ? 0 : -1;
}

int
oidc_code_issue(struct oidc_batch *b, const struct oidc_authz *a,
    const unsigned char *request_hash, const struct actor *ctx, char code[OIDC_TOKEN_MAX])
{
	struct issue_job j = { a, request_hash, ctx, code };
	int rc;

	code[0] = '\0';
	rc = oidc_batch_run(b, issue_fn, &j);
	if (rc != 0) {
		sodium_memzero(code, OIDC_TOKEN_MAX);
		return rc;
	}
	return 0;
}

/* Ends a redeem or refresh with a refusal recorded (and the revocation, if any). */
static int
refuse(struct store_tx *tx, struct audit_what *w, const char *what, enum oidc_refusal r,
    const struct actor *ctx, enum oidc_refusal *why)
{
	char action[64], details[96];

	snprintf(action, sizeof(action), "oidc.%s.refused", what);
	if (json_text(details, sizeof(details), "{s:s}", "reason", refusal_word(r)) != 0)
		return -1;
	w->action = action;
	w->details = details;
	*why = r;
	return audit(tx, w, ctx) == 0 ? 1 : -1;
}

/* Reads the profile of the grant (the account still active, the application still
 * granted), issues an access token and the refresh token of generation gen, and audits:
 * the end of a successful redeem (code_use) or refresh. */
static int
finish_issue(struct store_tx *tx, struct arena *a, const struct oidc_client *c,
    const char *grant_type, int64_t now, int64_t gen, bool code_use, struct oidc_issued *out,
    const struct actor *ctx, enum oidc_refusal *why)
{
	unsigned char ah[32], rh[32];
	struct audit_what w = { NULL, c->id, out->grant.person_id, NULL, NULL };
	char details[160];
	int rc;

	/* Under a mandate, the mandate too: ended, or the person no longer serving with the
	 * application, and the code or refresh is refused at once (issue 16). */
	rc = fed_grant_profile_read(tx, a, out->grant.account_id, out->grant.org_quality_id,
	    out->grant.mandate_id, c->application, out->grant.person_id, &out->data);
	if (rc < 0)
		return -1;
	w.enterprise = out->data.profile.enterprise;
	if (rc == 1) {
		if (grant_revoke(tx, out->grant.id, now, "profile") != 0)
			return -1;
		return refuse(tx, &w, "token", OIDC_REFUSED_PROFILE, ctx, why);
	}
	out->access = token_new(a, out->grant.id, -1, ah);
	out->refresh = token_new(a, out->grant.id, gen, rh);
	if (out->access == NULL || out->refresh == NULL)
		return -1;
	/* The code is spent and the access token set in one update of the grant row. */
	rc = code_use ?
	    store_exec(tx, SQL_OIDC_GRANT_CODE_USE, "iibi", out->grant.id, now, ah, sizeof(ah),
		now + OIDC_ACCESS_TTL) :
	    store_exec(tx, SQL_OIDC_GRANT_ACCESS_SET, "ibi", out->grant.id, ah, sizeof(ah),
		now + OIDC_ACCESS_TTL);
	if (rc != 1 || store_exec(tx, SQL_OIDC_REFRESH_INSERT, "iibi", out->grant.id, gen, rh,
	    sizeof(rh), now) != 1)
		return -1;
	if (json_text(details, sizeof(details), "{s:I, s:s}", "grant",
	    (json_int_t)out->grant.id, "grant_type", grant_type) != 0)
		return -1;
	w.action = "oidc.token.issued";
	w.details = details;
	if (audit(tx, &w, ctx) != 0)
		return -1;
	*why = OIDC_REFUSED_NONE;
	return 0;
}

struct token_job {
	struct arena *a;
	const struct oidc_client *c;
	const char *value;             /* the code or the refresh token */
	const char *redirect_uri;
	const char *verifier;
	const struct actor *ctx;
	struct oidc_issued *out;
	enum oidc_refusal *why;
};

static int
redeem_fn(struct store_tx *tx, void *arg)
{
	struct token_job *j = arg;
	const struct oidc_client *c = j->c;
	struct oidc_issued *out = j->out;
	int64_t now = clock_time(), id = 0;
	struct audit_what w = { NULL, c->id, 0, NULL, NULL };
	struct grant_row r;
	unsigned char h[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (token_parse(j->value, &id, NULL, h) != 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_UNKNOWN, j->ctx, j->why);
	rc = grant_get(tx, j->a, id, &r);
	if (rc < 0)
		return -1;
	if (rc == 1 || sodium_memcmp(h, r.code_hash, sizeof(h)) != 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_UNKNOWN, j->ctx, j->why);
	out->grant = r.g;
	w.person_id = r.g.person_id;
	if (strcmp(r.g.client_id, c->id) != 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_OTHER_CLIENT, j->ctx, j->why);
	if (r.code_used) {
		/* RFC 6749 §4.1.2: a code used twice revokes what it issued. */
		if (grant_revoke(tx, r.g.id, now, "code reused") != 0)
			return -1;
		return refuse(tx, &w, "code", OIDC_REFUSED_REUSED, j->ctx, j->why);
	}
	if (r.g.revoked)
		return refuse(tx, &w, "code", OIDC_REFUSED_REVOKED, j->ctx, j->why);
	if (now >= r.code_expires_at)
		return refuse(tx, &w, "code", OIDC_REFUSED_EXPIRED, j->ctx, j->why);
	if (j->redirect_uri == NULL || strcmp(j->redirect_uri, r.redirect_uri) != 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_REDIRECT_URI, j->ctx, j->why);
	/* With a challenge the verifier must match; without one none may be sent. */
	if (r.has_challenge ? !oidc_pkce_s256_ok(j->verifier, r.code_challenge) :
	    j->verifier != NULL)
		return refuse(tx, &w, "code", OIDC_REFUSED_PKCE, j->ctx, j->why);
	return finish_issue(tx, j->a, c, "authorization_code", now, 1, true, out, j->ctx,
	    j->why);
}

int
oidc_code_redeem(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *code, const char *redirect_uri, const char *verifier,
    const struct actor *ctx, struct oidc_issued *out, enum oidc_refusal *why)
{
	struct token_job j = { a, c, code, redirect_uri, verifier, ctx, out, why };

	*why = OIDC_REFUSED_NONE;
	return oidc_batch_run(b, redeem_fn, &j);
}

static int
refresh_fn(struct store_tx *tx, void *arg)
{
	struct token_job *j = arg;
	const struct oidc_client *c = j->c;
	struct oidc_issued *out = j->out;
	int64_t now = clock_time(), id = 0, gen = 0;
	struct audit_what w = { NULL, c->id, 0, NULL, NULL };
	unsigned char h[32], stored[32];
	bool used = false, found = false;
	struct grant_row r;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (token_parse(j->value, &id, &gen, h) != 0)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_UNKNOWN, j->ctx, j->why);
	if (store_query(tx, SQL_OIDC_REFRESH_GET, &q, "ii", id, gen) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		found = hash_col(q, OIDC_REFRESH_GET_HASH, stored) &&
		    sodium_memcmp(h, stored, sizeof(h)) == 0;
		used = !store_null(q, OIDC_REFRESH_GET_USED_AT);
	}
	store_done(q);
	if (rc < 0)
		return -1;
	if (!found)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_UNKNOWN, j->ctx, j->why);
	rc = grant_get(tx, j->a, id, &r);
	if (rc != 0)
		return -1;
	out->grant = r.g;
	w.person_id = r.g.person_id;
	if (strcmp(r.g.client_id, c->id) != 0)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_OTHER_CLIENT, j->ctx, j->why);
	if (r.g.revoked)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_REVOKED, j->ctx, j->why);
	if (used) {
		/* A spent refresh token shown again: someone holds a copy. Revoke the family. */
		if (grant_revoke(tx, r.g.id, now, "refresh token reused") != 0)
			return -1;
		return refuse(tx, &w, "refresh", OIDC_REFUSED_REUSED, j->ctx, j->why);
	}
	if (now >= r.g.expires_at)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_EXPIRED, j->ctx, j->why);
	if (store_exec(tx, SQL_OIDC_REFRESH_USE, "iii", id, gen, now) != 1)
		return -1;
	return finish_issue(tx, j->a, c, "refresh_token", now, gen + 1, false, out, j->ctx,
	    j->why);
}

int
oidc_refresh(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *refresh, const struct actor *ctx, struct oidc_issued *out,
    enum oidc_refusal *why)
{
	struct token_job j = { a, c, refresh, NULL, NULL, ctx, out, why };

	*why = OIDC_REFUSED_NONE;
	return oidc_batch_run(b, refresh_fn, &j);
}

/* A token job queued without waiting, with whom to tell. */
struct token_submit {
	struct token_job j;
	void (*done)(void *done_arg, int rc);
	void *done_arg;
};

static void
token_submitted(void *arg, int rc)
{
	struct token_submit *t = arg;

	t->done(t->done_arg, rc);
	free(t);
}

static int
token_submit(struct oidc_batch *b, oidc_batch_fn fn, const struct token_job *j,
    void (*done)(void *done_arg, int rc), void *done_arg)
{
	struct token_submit *t = malloc(sizeof(*t));

	if (t == NULL)
		return -1;
	t->j = *j;
	t->done = done;
	t->done_arg = done_arg;
	*j->why = OIDC_REFUSED_NONE;
	if (oidc_batch_submit(b, fn, &t->j, token_submitted, t) != 0) {
		free(t);
		return -1;
	}
	return 0;
}

int
oidc_code_redeem_submit(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *code, const char *redirect_uri, const char *verifier,
    const struct actor *ctx, struct oidc_issued *out, enum oidc_refusal *why,
    void (*done)(void *done_arg, int rc), void *done_arg)
{
	struct token_job j = { a, c, code, redirect_uri, verifier, ctx, out, why };

	return token_submit(b, redeem_fn, &j, done, done_arg);
}

int
oidc_refresh_submit(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *refresh, const struct actor *ctx, struct oidc_issued *out,
    enum oidc_refusal *why, void (*done)(void *done_arg, int rc), void *done_arg)
{
	struct token_job j = { a, c, refresh, NULL, NULL, ctx, out, why };

	return token_submit(b, refresh_fn, &j, done, done_arg);
}

/* Reads a jti "<grant>.<base64url hash of the random part>" (access_jwt.h). 0 or -1. */
static int
jti_parse(const char *jti, int64_t *grant, unsigned char hash[32])
{
	const char *p;

	if (jti == NULL || strlen(jti) >= OIDC_TOKEN_MAX)
		return -1;
	p = parse_id(jti, grant);
	if (p == NULL || strlen(p) != OIDC_TOKEN_LEN ||
	    jws_b64url_decode(p, OIDC_TOKEN_LEN, hash, 32) != 32)
		return -1;
	return 0;
}

static int access_grant_h(struct store *s, struct store_tx *tx, struct arena *a, int64_t id,
    const unsigned char h[32], struct oidc_grant *out, struct oidc_client *client,
    struct fed_profile_data *data, enum oidc_refusal *why);

int
oidc_access_grant(struct store *s, struct arena *a, const char *access,
    struct oidc_grant *out, struct oidc_client *client, struct fed_profile_data *data,
    enum oidc_refusal *why)
{
	unsigned char h[32];
	int64_t id = 0;

	memset(out, 0, sizeof(*out));
	*why = OIDC_REFUSED_UNKNOWN;
	if (token_parse(access, &id, NULL, h) != 0)
		return 1;
	return access_grant_h(s, NULL, a, id, h, out, client, data, why);
}

int
oidc_access_grant_jti(struct store *s, struct arena *a, const char *jti,
    struct oidc_grant *out, struct oidc_client *client, struct fed_profile_data *data,
    enum oidc_refusal *why)
{
	unsigned char h[32];
	int64_t id = 0;

	memset(out, 0, sizeof(*out));
	*why = OIDC_REFUSED_UNKNOWN;
	if (jti_parse(jti, &id, h) != 0)
		return 1;
	return access_grant_h(s, NULL, a, id, h, out, client, data, why);
}

bool
oidc_access_token_shaped(const char *access)
{
	unsigned char h[32];
	int64_t id = 0;

	return token_parse(access, &id, NULL, h) == 0;
}

int
oidc_access_grant_tx(struct store_tx *tx, struct arena *a, const char *access, bool is_jti,
    struct oidc_grant *out, struct oidc_client *client, struct fed_profile_data *data,
    enum oidc_refusal *why)
{
	unsigned char h[32];
	int64_t id = 0;

	memset(out, 0, sizeof(*out));
	*why = OIDC_REFUSED_UNKNOWN;
	if ((is_jti ? jti_parse(access, &id, h) : token_parse(access, &id, NULL, h)) != 0)
		return 1;
	return access_grant_h(NULL, tx, a, id, h, out, client, data, why);
}

/* The grant of the live access token whose random part hashes to h: in tx when given,
 * else in a read transaction of its own on s. */
static int
access_grant_h(struct store *s, struct store_tx *in, struct arena *a, int64_t id,
    const unsigned char h[32], struct oidc_grant *out, struct oidc_client *client,
    struct fed_profile_data *data, enum oidc_refusal *why)
{
	int64_t now = clock_time();
	struct grant_row *r = malloc(sizeof(*r));
	struct store_tx *own = NULL, *tx = in;
	int rc;

	if (r == NULL)
		return -1;
	if (tx == NULL && store_begin(s, STORE_READ, &own) != 0) {
		free(r);
		return -1;
	}
	if (tx == NULL)
		tx = own;
	rc = grant_get(tx, a, id, r);
	if (rc == 0 && (!r->has_access || sodium_memcmp(h, r->access_hash, 32) != 0))
		rc = 1;
	if (rc == 0) {
		*out = r->g;
		if (r->g.revoked)
			*why = OIDC_REFUSED_REVOKED;
		else if (now >= r->access_expires_at)
			*why = OIDC_REFUSED_EXPIRED;
		else
			*why = OIDC_REFUSED_NONE;
		if (*why != OIDC_REFUSED_NONE)
			rc = 1;
	}
	/* The client and the profile in the same read. */
	if (rc == 0) {
		rc = oidc_client_read(tx, a, out->client_id, client);
		if (rc == 1)
			*why = OIDC_REFUSED_CLIENT;
	}
	if (rc == 0) {
		rc = fed_grant_profile_read(tx, a, out->account_id, out->org_quality_id,
		    out->mandate_id, client->application, out->person_id, data);
		if (rc == 1)
			*why = OIDC_REFUSED_PROFILE;
	}
	store_rollback(&own);
	free(r);
	return rc;
}

int
oidc_grants_revoke(struct store *s, const char *client_id, int64_t person_id, const char *why,
    const struct actor *ctx)
{
	int64_t now = clock_time();
	struct store_tx *tx;
	char details[96];
	struct audit_what w = { "oidc.grants.revoked", client_id, person_id, NULL, details };
	int n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_OIDC_GRANT_REVOKE_CLIENT_PERSON, "tiit", client_id, person_id, now,
	    why);
	if (n >= 0 && json_text(details, sizeof(details), "{s:i, s:s}", "grants", n, "reason",
	    why) != 0)
		n = -1;
	if (n < 0 || audit(tx, &w, ctx) != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

/* The grant of a refresh token "<grant>.<gen>.<random>" of client_id whose random part
 * matches (spent or not): 0 with *grant, 1 when not, -1. */
static int
refresh_of(struct store_tx *tx, struct arena *a, const char *client_id, const char *token,
    struct grant_row *r)
{
	unsigned char h[32], stored[32];
	int64_t id = 0, gen = 0;
	struct store_q *q;
	int rc;

	if (token_parse(token, &id, &gen, h) != 0)
		return 1;
	if (store_query(tx, SQL_OIDC_REFRESH_GET, &q, "ii", id, gen) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && (!hash_col(q, OIDC_REFRESH_GET_HASH, stored) ||
	    sodium_memcmp(h, stored, sizeof(h)) != 0))
		rc = 0;
	store_done(q);
	if (rc != 1)
		return rc < 0 ? -1 : 1;
	rc = grant_get(tx, a, id, r);
	if (rc == 0 && strcmp(r->g.client_id, client_id) != 0)
		rc = 1;
	return rc;
}

/* The grant of the live access token "<grant>.<random>" of client_id: 0, 1 or -1. */
static int
access_of(struct store_tx *tx, struct arena *a, const char *client_id, const char *token,
    bool is_jti, struct grant_row *r)
{
	unsigned char h[32];
	int64_t id = 0;
	int rc;

	/* A JWT access token comes as its jti, once its signature is verified. */
	if (is_jti ? jti_parse(token, &id, h) != 0 : token_parse(token, &id, NULL, h) != 0)
		return 1;
	rc = grant_get(tx, a, id, r);
	if (rc == 0 && (!r->has_access || sodium_memcmp(h, r->access_hash, sizeof(h)) != 0 ||
	    strcmp(r->g.client_id, client_id) != 0))
		rc = 1;
	return rc;
}

/* Inside tx: revokes what token is (refresh: the grant; access: the access token).
 * 0 revoked, 1 nothing, -1. */
static int
revoke_in(struct store_tx *tx, struct arena *a, const char *client_id, const char *token,
    bool refresh_first, bool is_jti, struct grant_row *r, const char **kind)
{
	int64_t now = clock_time();
	int rc = 1;

	for (int pass = 0; pass < 2 && rc == 1; pass++) {
		bool refresh = (pass == 0) == refresh_first;

		if (refresh && is_jti)
			continue;
		rc = refresh ? refresh_of(tx, a, client_id, token, r) :
		    access_of(tx, a, client_id, token, is_jti, r);
		if (rc != 0)
			continue;
		*kind = refresh ? "refresh_token" : "access_token";
		if (refresh)
			return grant_revoke(tx, r->g.id, now, "revocation");
		return store_exec(tx, SQL_OIDC_GRANT_ACCESS_SET, "inn", r->g.id) < 0 ? -1 : 0;
	}
	return rc;
}

static int
token_revoke(struct store *s, const char *client_id, const char *token, const char *hint,
    bool is_jti, const struct actor *ctx)
{
	struct grant_row *r = malloc(sizeof(*r));
	struct arena *a = arena_new(64 * 1024);
	const char *kind = NULL;
	char details[96];
	struct audit_what w = { "oidc.token.revoked", client_id, 0, NULL, details };
	struct store_tx *tx = NULL;
	int rc = -1;

	if (r == NULL || a == NULL || store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	/* The hint is honoured as an order of lookup only (RFC 7009 §2.1). */
	rc = revoke_in(tx, a, client_id, token, hint != NULL &&
	    strcmp(hint, "refresh_token") == 0, is_jti, r, &kind);
	if (rc == 0) {
		w.person_id = r->g.person_id;
		if (json_text(details, sizeof(details), "{s:s, s:I}", "token_type", kind,
		    "grant", (json_int_t)r->g.id) != 0 || audit(tx, &w, ctx) != 0)
			rc = -1;
	}
	if (rc < 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		rc = -1;
	}
done:
	store_rollback(&tx);
	arena_free(a);
	free(r);
	return rc;
}

int
oidc_token_revoke(struct store *s, const char *client_id, const char *token,
    const char *hint, const struct actor *ctx)
{
	return token_revoke(s, client_id, token, hint, false, ctx);
}

int
oidc_token_revoke_jti(struct store *s, const char *client_id, const char *jti,
    const struct actor *ctx)
{
	return token_revoke(s, client_id, jti, NULL, true, ctx);
}

int
oidc_purge(struct store *s)
{
	int64_t now = clock_time();
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_REQ_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_OIDC_GRANT_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_MACH_TOKEN_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_MACH_JTI_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_OIDC_PAR_PURGE, "i", now) < 0 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

/* ---- pending requests ---- */

int
oidc_request_save(struct store *s, const struct oidc_request *r, char id[OIDC_TOKEN_LEN + 1])
{
	int64_t now = clock_time();
	unsigned char h[32];
	struct store_tx *tx;

	oidc_random_token(id);
	oidc_token_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_REQ_INSERT, "bttttttiiiiibi", h, sizeof(h), r->client_id,
	    r->redirect_uri, r->scope, r->has_state ? r->state : NULL,
	    r->has_nonce ? r->nonce : NULL, r->has_challenge ? r->code_challenge : NULL,
	    (int64_t)r->prompt_login, r->max_age, (int64_t)r->level, r->created_at,
	    now + OIDC_REQUEST_TTL, r->has_browser ? r->browser : NULL,
	    r->has_browser ? sizeof(r->browser) : (size_t)0, (int64_t)r->form_post) != 1 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

int
oidc_request_read(struct store_tx *tx, struct arena *a, const char *id,
    struct oidc_request *out)
{
	int64_t now = clock_time();
	unsigned char h[32];
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!token_shaped(id))
		return 1;
	oidc_token_hash(id, h);
	if (store_query(tx, SQL_OIDC_REQ_GET, &q, "bi", h, sizeof(h), now) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		out->client_id = col_text(a, q, OIDC_REQ_GET_CLIENT_ID);
		out->redirect_uri = col_text(a, q, OIDC_REQ_GET_REDIRECT_URI);
		out->scope = col_text(a, q, OIDC_REQ_GET_SCOPE);
		out->has_state = !store_null(q, OIDC_REQ_GET_STATE);
		out->state = col_text(a, q, OIDC_REQ_GET_STATE);
		out->has_nonce = !store_null(q, OIDC_REQ_GET_NONCE);
		out->nonce = col_text(a, q, OIDC_REQ_GET_NONCE);
		out->has_challenge = !store_null(q, OIDC_REQ_GET_CODE_CHALLENGE);
		out->code_challenge = col_text(a, q, OIDC_REQ_GET_CODE_CHALLENGE);
		out->prompt_login = store_int(q, OIDC_REQ_GET_PROMPT_LOGIN) != 0;
		out->form_post = store_int(q, OIDC_REQ_GET_FORM_POST) != 0;
		if (out->client_id == NULL || out->redirect_uri == NULL || out->scope == NULL ||
		    out->state == NULL || out->nonce == NULL || out->code_challenge == NULL)
			rc = -1;
		out->max_age = store_int(q, OIDC_REQ_GET_MAX_AGE);
		out->level = (int)store_int(q, OIDC_REQ_GET_LEVEL);
		out->created_at = store_int(q, OIDC_REQ_GET_CREATED_AT);
		{
			size_t n = 0;
			const void *b = store_blob(q, OIDC_REQ_GET_STALE_SESSION, &n);

			out->has_stale_session = b != NULL && n == sizeof(out->stale_session);
			if (out->has_stale_session)
				memcpy(out->stale_session, b, n);
			b = store_blob(q, OIDC_REQ_GET_BROWSER_HASH, &n);
			out->has_browser = b != NULL && n == sizeof(out->browser);
			if (out->has_browser)
				memcpy(out->browser, b, n);
		}
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
oidc_request_load(struct store *s, struct arena *a, const char *id, struct oidc_request *out)
{
	struct store_tx *tx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!token_shaped(id))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = oidc_request_read(tx, a, id, out);
	store_rollback(&tx);
	return rc;
}

void
oidc_request_fed(const struct oidc_request *r, const struct oidc_client *c,
    struct fed_request *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = FED_OIDC;
	out->requester = c->id;
	out->application = c->application;
	out->level = r->level;
	out->force_login = r->prompt_login;
	out->max_age = r->max_age;
	out->created_at = r->created_at;
	out->has_stale_session = r->has_stale_session;
	memcpy(out->stale_session, r->stale_session, sizeof(out->stale_session));
}

int
oidc_request_mark(struct store *s, const char *id, const unsigned char session_hash[32])
{
	unsigned char h[32];
	struct store_tx *tx;

	if (!token_shaped(id))
		return -1;
	oidc_token_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_REQ_MARK, "bb", h, sizeof(h), session_hash, (size_t)32) < 0 ||
	    store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

int
oidc_request_drop(struct store *s, const char *id)
{
	unsigned char h[32];
	struct store_tx *tx;

	if (!token_shaped(id))
		return 0;
	oidc_token_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_REQ_DELETE, "b", h, sizeof(h)) < 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}
