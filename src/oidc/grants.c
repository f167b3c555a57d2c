/* grants.c — codes, access and refresh tokens and the grants they belong to; pending
 * authorization requests; PKCE. Each operation is one write transaction holding its
 * checks, its changes and its audit event, so that a refusal that revokes a family is
 * recorded with the revocation. */
#include "oidc/grants.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/log.h"
#include "oidc/jws.h"
#include "oidc/profile.h"
#include "oidc/sql.h"

#define PURGE_ONE_IN 128          /* codes issued between two purges, on average */

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
	}
	return "refused";
}

/* A short word for the audit details. */
static const char *
refusal_word(enum oidc_refusal r)
{
	static const char *const words[] = {
		"none", "unknown", "expired", "reused", "revoked", "other_client",
		"redirect_uri", "pkce", "profile",
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
audit(struct store_tx *tx, const struct audit_what *w, const struct oidc_ctx *ctx)
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
    int64_t person_id, const char *reason, const struct oidc_ctx *ctx)
{
	char action[64], details[160];
	struct store_tx *tx;
	struct audit_what w = { action, NULL, person_id, NULL, details };

	/* Only well-formed client ids go into the trail; others are named "?". */
	w.client_id = client_id && oidc_client_id_valid(client_id) ? client_id : "?";
	snprintf(action, sizeof(action), "oidc.%s.refused", what);
	snprintf(details, sizeof(details), "{\"reason\":\"%s\"}", reason);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (audit(tx, &w, ctx) != 0 || store_commit(tx) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

/* ---- grants ---- */

static void
copy_text(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src ? src : "");
}

/* Reads the grant columns (GRANT_COLS in sql_sqlite.c) starting at column off. */
static void
grant_read(struct store_q *q, int off, struct oidc_grant *g)
{
	memset(g, 0, sizeof(*g));
	g->id = store_int(q, off);
	copy_text(g->client_id, sizeof(g->client_id), store_text(q, off + 1));
	g->person_id = store_int(q, off + 2);
	g->account_id = store_int(q, off + 3);
	g->org_quality_id = store_int(q, off + 4);
	copy_text(g->scope, sizeof(g->scope), store_text(q, off + 5));
	g->has_nonce = !store_null(q, off + 6);
	copy_text(g->nonce, sizeof(g->nonce), store_text(q, off + 6));
	g->auth_time = store_int(q, off + 7);
	g->acr_level = (int)store_int(q, off + 8);
	copy_text(g->amr, sizeof(g->amr), store_text(q, off + 9));
	g->expires_at = store_int(q, off + 10);
	g->revoked = !store_null(q, off + 11);
	g->created_at = store_int(q, off + 12);
}

static int
grant_revoke(struct store_tx *tx, int64_t id, int64_t now, const char *why)
{
	return store_exec(tx, SQL_OIDC_GRANT_REVOKE, "iit", id, now, why) < 0 ? -1 : 0;
}

/* Inserts a new access and refresh token for grant g. */
static int
tokens_issue(struct store_tx *tx, const struct oidc_grant *g, int64_t now,
    struct oidc_issued *out)
{
	unsigned char h[32];

	oidc_random_token(out->access);
	oidc_random_token(out->refresh);
	oidc_token_hash(out->access, h);
	if (store_exec(tx, SQL_OIDC_TOKEN_INSERT, "bitii", h, sizeof(h), g->id, "access", now,
	    now + OIDC_ACCESS_TTL) != 1)
		return -1;
	/* A refresh token lives as long as its grant (the family). */
	oidc_token_hash(out->refresh, h);
	if (store_exec(tx, SQL_OIDC_TOKEN_INSERT, "bitii", h, sizeof(h), g->id, "refresh", now,
	    g->expires_at) != 1)
		return -1;
	return 0;
}

int
oidc_code_issue(struct store *s, const struct oidc_authz *a, const unsigned char *request_hash,
    const struct oidc_ctx *ctx, char code[OIDC_TOKEN_LEN + 1])
{
	int64_t now = (int64_t)time(NULL), grant;
	unsigned char h[32];
	char details[256];
	struct store_tx *tx;
	struct audit_what w = { "oidc.code.issued", a->client_id, a->person_id, a->enterprise,
	    details };
	int rc;

	code[0] = '\0';
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	/* The pending request is spent with the code: a second POST finds nothing. */
	if (request_hash != NULL) {
		rc = store_exec(tx, SQL_OIDC_REQ_DELETE, "b", request_hash, (size_t)32);
		if (rc == 0) {
			store_rollback(tx);
			return 1;
		}
		if (rc != 1)
			goto fail;
	}
	if (store_exec(tx, SQL_OIDC_GRANT_INSERT, "tiiittiitii", a->client_id, a->person_id,
	    a->account_id, a->org_quality_id, a->scope, a->nonce, a->auth_time,
	    (int64_t)a->acr_level, a->amr, now, now + OIDC_GRANT_TTL) != 1)
		goto fail;
	grant = store_last_id(tx);
	oidc_random_token(code);
	oidc_token_hash(code, h);
	if (store_exec(tx, SQL_OIDC_CODE_INSERT, "bitti", h, sizeof(h), grant, a->redirect_uri,
	    a->code_challenge, now + OIDC_CODE_TTL) != 1)
		goto fail;
	snprintf(details, sizeof(details), "{\"grant\":%" PRId64 ",\"application\":\"%s\","
	    "\"level\":%d,\"pkce\":%s}", grant, a->application ? a->application : "",
	    a->acr_level, a->code_challenge ? "true" : "false");
	if (audit(tx, &w, ctx) != 0 || store_commit(tx) != 0)
		goto fail;
	if (randombytes_uniform(PURGE_ONE_IN) == 0 && oidc_purge(s) != 0)
		log_warn(ctx ? ctx->request_id : NULL, "oidc: purge failed");
	return 0;
fail:
	store_rollback(tx);
	sodium_memzero(code, OIDC_TOKEN_LEN + 1);
	return -1;
}

/* Ends a redeem or refresh with a refusal recorded (and the revocation, if any). */
static int
refuse(struct store_tx *tx, struct audit_what *w, const char *what, enum oidc_refusal r,
    const struct oidc_ctx *ctx, enum oidc_refusal *why)
{
	char action[64], details[96];

	snprintf(action, sizeof(action), "oidc.%s.refused", what);
	snprintf(details, sizeof(details), "{\"reason\":\"%s\"}", refusal_word(r));
	w->action = action;
	w->details = details;
	*why = r;
	if (audit(tx, w, ctx) != 0 || store_commit(tx) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 1;
}

/* Checks the profile of grant g for application, issues tokens and audits: the end of a
 * successful redeem or refresh. */
static int
finish_issue(struct store_tx *tx, const struct oidc_client *c, const char *grant_type,
    int64_t now, struct oidc_issued *out, const struct oidc_ctx *ctx, enum oidc_refusal *why)
{
	struct oidc_profile_now p;
	struct audit_what w = { NULL, c->id, out->grant.person_id, NULL, NULL };
	char details[160];
	int rc;

	rc = oidc_profile_current(tx, out->grant.account_id, out->grant.org_quality_id,
	    c->application, &p);
	if (rc < 0)
		goto fail;
	w.enterprise = p.enterprise;
	if (rc == 1) {
		if (grant_revoke(tx, out->grant.id, now, "profile") != 0)
			goto fail;
		return refuse(tx, &w, "token", OIDC_REFUSED_PROFILE, ctx, why);
	}
	if (tokens_issue(tx, &out->grant, now, out) != 0)
		goto fail;
	snprintf(details, sizeof(details), "{\"grant\":%" PRId64 ",\"grant_type\":\"%s\"}",
	    out->grant.id, grant_type);
	w.action = "oidc.token.issued";
	w.details = details;
	if (audit(tx, &w, ctx) != 0 || store_commit(tx) != 0)
		goto fail;
	*why = OIDC_REFUSED_NONE;
	return 0;
fail:
	store_rollback(tx);
	return -1;
}

int
oidc_code_redeem(struct store *s, const struct oidc_client *c, const char *code,
    const char *redirect_uri, const char *verifier, const struct oidc_ctx *ctx,
    struct oidc_issued *out, enum oidc_refusal *why)
{
	int64_t now = (int64_t)time(NULL), expires = 0;
	struct audit_what w = { NULL, c->id, 0, NULL, NULL };
	char uri[OIDC_URI_MAX + 1] = "", challenge[OIDC_TOKEN_LEN + 1] = "";
	bool used = false, has_challenge = false;
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (!token_shaped(code))
		return refuse(tx, &w, "code", OIDC_REFUSED_UNKNOWN, ctx, why);
	oidc_token_hash(code, h);
	if (store_query(tx, SQL_OIDC_CODE_GET, &q, "b", h, sizeof(h)) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1) {
		copy_text(uri, sizeof(uri), store_text(q, 0));
		has_challenge = !store_null(q, 1);
		copy_text(challenge, sizeof(challenge), store_text(q, 1));
		expires = store_int(q, 2);
		used = !store_null(q, 3);
		grant_read(q, 4, &out->grant);
	}
	store_done(q);
	if (rc < 0)
		goto fail;
	if (rc == 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_UNKNOWN, ctx, why);
	w.person_id = out->grant.person_id;
	if (strcmp(out->grant.client_id, c->id) != 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_OTHER_CLIENT, ctx, why);
	if (used) {
		/* RFC 6749 §4.1.2: a code used twice revokes what it issued. */
		if (grant_revoke(tx, out->grant.id, now, "code reused") != 0)
			goto fail;
		return refuse(tx, &w, "code", OIDC_REFUSED_REUSED, ctx, why);
	}
	if (out->grant.revoked)
		return refuse(tx, &w, "code", OIDC_REFUSED_REVOKED, ctx, why);
	if (now >= expires)
		return refuse(tx, &w, "code", OIDC_REFUSED_EXPIRED, ctx, why);
	if (redirect_uri == NULL || strcmp(redirect_uri, uri) != 0)
		return refuse(tx, &w, "code", OIDC_REFUSED_REDIRECT_URI, ctx, why);
	/* With a challenge the verifier must match; without one none may be sent. */
	if (has_challenge ? !oidc_pkce_s256_ok(verifier, challenge) : verifier != NULL)
		return refuse(tx, &w, "code", OIDC_REFUSED_PKCE, ctx, why);
	rc = store_exec(tx, SQL_OIDC_CODE_USE, "bi", h, sizeof(h), now);
	if (rc != 1)
		goto fail;
	return finish_issue(tx, c, "authorization_code", now, out, ctx, why);
fail:
	store_rollback(tx);
	return -1;
}

int
oidc_refresh(struct store *s, const struct oidc_client *c, const char *refresh,
    const struct oidc_ctx *ctx, struct oidc_issued *out, enum oidc_refusal *why)
{
	int64_t now = (int64_t)time(NULL), expires = 0;
	struct audit_what w = { NULL, c->id, 0, NULL, NULL };
	bool used = false, is_refresh = false;
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (!token_shaped(refresh))
		return refuse(tx, &w, "refresh", OIDC_REFUSED_UNKNOWN, ctx, why);
	oidc_token_hash(refresh, h);
	if (store_query(tx, SQL_OIDC_TOKEN_GET, &q, "b", h, sizeof(h)) != 0)
		goto fail;
	rc = store_next(q);
	if (rc == 1) {
		is_refresh = store_text(q, 0) != NULL && strcmp(store_text(q, 0), "refresh") == 0;
		expires = store_int(q, 1);
		used = !store_null(q, 2);
		grant_read(q, 3, &out->grant);
	}
	store_done(q);
	if (rc < 0)
		goto fail;
	if (rc == 0 || !is_refresh)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_UNKNOWN, ctx, why);
	w.person_id = out->grant.person_id;
	if (strcmp(out->grant.client_id, c->id) != 0)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_OTHER_CLIENT, ctx, why);
	if (out->grant.revoked)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_REVOKED, ctx, why);
	if (used) {
		/* A spent refresh token shown again: someone holds a copy. Revoke the family. */
		if (grant_revoke(tx, out->grant.id, now, "refresh token reused") != 0)
			goto fail;
		return refuse(tx, &w, "refresh", OIDC_REFUSED_REUSED, ctx, why);
	}
	if (now >= expires || now >= out->grant.expires_at)
		return refuse(tx, &w, "refresh", OIDC_REFUSED_EXPIRED, ctx, why);
	if (store_exec(tx, SQL_OIDC_TOKEN_USE, "bi", h, sizeof(h), now) != 1)
		goto fail;
	return finish_issue(tx, c, "refresh_token", now, out, ctx, why);
fail:
	store_rollback(tx);
	return -1;
}

int
oidc_access_grant(struct store *s, const char *access, struct oidc_grant *out,
    enum oidc_refusal *why)
{
	int64_t now = (int64_t)time(NULL), expires = 0;
	bool is_access = false;
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	*why = OIDC_REFUSED_UNKNOWN;
	if (!token_shaped(access))
		return 1;
	oidc_token_hash(access, h);
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_TOKEN_GET, &q, "b", h, sizeof(h)) != 0) {
		store_rollback(tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		is_access = store_text(q, 0) != NULL && strcmp(store_text(q, 0), "access") == 0;
		expires = store_int(q, 1);
		grant_read(q, 3, out);
	}
	store_done(q);
	store_rollback(tx);
	if (rc < 0)
		return -1;
	if (rc == 0 || !is_access)
		return 1;
	if (out->revoked) {
		*why = OIDC_REFUSED_REVOKED;
		return 1;
	}
	if (now >= expires) {
		*why = OIDC_REFUSED_EXPIRED;
		return 1;
	}
	*why = OIDC_REFUSED_NONE;
	return 0;
}

int
oidc_grants_revoke(struct store *s, const char *client_id, int64_t person_id, const char *why,
    const struct oidc_ctx *ctx)
{
	int64_t now = (int64_t)time(NULL);
	struct store_tx *tx;
	char details[96];
	struct audit_what w = { "oidc.grants.revoked", client_id, person_id, NULL, details };
	int n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_OIDC_GRANT_REVOKE_CLIENT_PERSON, "tiit", client_id, person_id, now,
	    why);
	snprintf(details, sizeof(details), "{\"grants\":%d,\"reason\":\"%s\"}", n, why);
	if (n < 0 || audit(tx, &w, ctx) != 0 || store_commit(tx) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

int
oidc_purge(struct store *s)
{
	int64_t now = (int64_t)time(NULL);
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_REQ_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_OIDC_TOKEN_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_OIDC_GRANT_PURGE, "i", now) < 0 ||
	    store_commit(tx) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

/* ---- pending requests ---- */

int
oidc_request_save(struct store *s, const struct oidc_request *r, char id[OIDC_TOKEN_LEN + 1])
{
	int64_t now = (int64_t)time(NULL);
	unsigned char h[32];
	struct store_tx *tx;

	oidc_random_token(id);
	oidc_token_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_REQ_INSERT, "bttttttiiiii", h, sizeof(h), r->client_id,
	    r->redirect_uri, r->scope, r->has_state ? r->state : NULL,
	    r->has_nonce ? r->nonce : NULL, r->has_challenge ? r->code_challenge : NULL,
	    (int64_t)r->prompt_login, r->max_age, (int64_t)r->level, r->created_at,
	    now + OIDC_REQUEST_TTL) != 1 ||
	    store_commit(tx) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}

int
oidc_request_load(struct store *s, const char *id, struct oidc_request *out)
{
	int64_t now = (int64_t)time(NULL);
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!token_shaped(id))
		return 1;
	oidc_token_hash(id, h);
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_REQ_GET, &q, "bi", h, sizeof(h), now) != 0) {
		store_rollback(tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		copy_text(out->client_id, sizeof(out->client_id), store_text(q, 0));
		copy_text(out->redirect_uri, sizeof(out->redirect_uri), store_text(q, 1));
		copy_text(out->scope, sizeof(out->scope), store_text(q, 2));
		out->has_state = !store_null(q, 3);
		copy_text(out->state, sizeof(out->state), store_text(q, 3));
		out->has_nonce = !store_null(q, 4);
		copy_text(out->nonce, sizeof(out->nonce), store_text(q, 4));
		out->has_challenge = !store_null(q, 5);
		copy_text(out->code_challenge, sizeof(out->code_challenge), store_text(q, 5));
		out->prompt_login = store_int(q, 6) != 0;
		out->max_age = store_int(q, 7);
		out->level = (int)store_int(q, 8);
		out->created_at = store_int(q, 9);
		{
			size_t n = 0;
			const void *b = store_blob(q, 10, &n);

			out->has_stale_session = b != NULL && n == sizeof(out->stale_session);
			if (out->has_stale_session)
				memcpy(out->stale_session, b, n);
		}
	}
	store_done(q);
	store_rollback(tx);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
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
	    store_commit(tx) != 0) {
		store_rollback(tx);
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
	if (store_exec(tx, SQL_OIDC_REQ_DELETE, "b", h, sizeof(h)) < 0 || store_commit(tx) != 0) {
		store_rollback(tx);
		return -1;
	}
	return 0;
}
