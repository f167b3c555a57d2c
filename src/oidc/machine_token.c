/* machine_token.c — access tokens of machines (client_credentials): random, stored as a
 * hash beside the certificate they were issued to, audited when issued; read back for
 * introspection, where the certificate's revocation ends them too. */
#include "oidc/machine_token.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "oidc/batch.h"
#include "oidc/clients.h"
#include "oidc/machine_sql.h"

#define SCOPE_MAX 2048

static bool
cert_has(const struct oidc_machine *m, const char *w, size_t n)
{
	for (size_t i = 0; i < m->n_apps; i++)
		if (strlen(m->apps[i]) == n && memcmp(m->apps[i], w, n) == 0)
			return true;
	return false;
}

/* True when the n-character word w is already in the list being built. */
static bool
listed(const char *list, size_t len, const char *w, size_t n)
{
	const char *p = list;
	size_t k;

	while ((size_t)(p - list) < len && (k = oidc_word(&p)) > 0) {
		if (k == n && memcmp(p, w, n) == 0)
			return true;
		p += k;
	}
	return false;
}

int
oidc_machine_scope(struct arena *a, const struct oidc_machine *m, const char *requested,
    const char **scope)
{
	char *out = arena_alloc(a, SCOPE_MAX + 1);
	const char *p = requested;
	size_t len = 0, n;

	*scope = NULL;
	if (out == NULL || (requested != NULL && strlen(requested) > SCOPE_MAX))
		return -1;
	out[0] = '\0';
	if (requested == NULL || strspn(requested, " ") == strlen(requested)) {
		for (size_t i = 0; i < m->n_apps; i++) {
			n = strlen(m->apps[i]);
			if (len + n + 1 > SCOPE_MAX)
				return -1;
			if (len > 0)
				out[len++] = ' ';
			memcpy(out + len, m->apps[i], n + 1);
			len += n;
		}
		*scope = out;
		return m->n_apps > 0 ? 0 : 1;
	}
	while ((n = oidc_word(&p)) > 0) {
		if (!cert_has(m, p, n))
			return 1;
		if (!listed(out, len, p, n)) {
			if (len > 0)
				out[len++] = ' ';
			memcpy(out + len, p, n);
			len += n;
			out[len] = '\0';
		}
		p += n;
	}
	*scope = out;
	return 0;
}

static int
issued_event(struct store_tx *tx, const struct oidc_machine *m, const char *scope,
    bool bound, const char *method, const struct actor *ctx)
{
	char object[96];
	struct audit_event ev = {
		.actor = m->client_id, .actor_role = "machine", .object = object,
		.action = "oidc.machine.token.issued",
		.org = m->enterprise[0] != '\0' ? m->enterprise : NULL,
		.source = ctx ? ctx->source : NULL, .request_id = ctx ? ctx->request_id : NULL,
	};
	json_t *details;
	int rc;

	snprintf(object, sizeof(object), "system_cert:%s", m->client_id);
	/* Handed to the chain as an object: dumped once, in its canonical form (one dump and
	 * one parse fewer per token than a text). A NULL string is refused by json_pack. */
	details = json_pack("{s:s, s:s, s:s, s:b}", "method", method, "quality", m->quality,
	    "scope", scope, "bound", bound);
	if (details == NULL)
		return -1;
	rc = audit_append_json(tx, &ev, details);
	json_decref(details);
	return rc;
}

/* One issue inside the group commit's transaction. */
struct issue_op {
	const struct oidc_machine_issue *in;
	const struct actor *ctx;
	const unsigned char *hash;
	int64_t now;
	int replay;
	bool stale;        /* the certificate was no longer usable at the commit */
};

static int
issue_fn(struct store_tx *tx, void *arg)
{
	struct issue_op *op = arg;
	const struct oidc_machine_issue *in = op->in;
	char now_text[CLOCK_TEXT_SIZE];
	int n;

	/* Results set anew at each run (the group commit may run an operation again). */
	op->replay = 0;
	op->stale = false;

	if (in->jti != NULL) {
		op->replay = oidc_assertion_jti_record(tx, in->m->client_id, in->jti, in->jti_exp);
		if (op->replay != 0)
			return op->replay < 0 ? -1 : 0;
	}
	if (clock_text(op->now, now_text) != 0)
		return -1;
	n = store_exec(tx, SQL_MACH_TOKEN_INSERT, "bitttiitt", op->hash, (size_t)32,
	    in->m->cert_id, in->scope, in->cnf_x5t, in->method, op->now,
	    op->now + OIDC_MACHINE_TOKEN_TTL, now_text, in->jwks);
	if (n == 0) {
		/* Revoked (or replaced, expired, removed) since it was read: nothing issued.
		 * An assertion's jti stays spent. */
		op->stale = true;
		return 0;
	}
	if (n != 1 ||
	    issued_event(tx, in->m, in->scope, in->cnf_x5t != NULL, in->method, op->ctx) != 0)
		return -1;
	return 0;
}

int
oidc_machine_token_issue(struct oidc_batch *b, const struct oidc_machine_issue *in,
    const struct actor *ctx, char token[OIDC_TOKEN_LEN + 1])
{
	unsigned char h[32];
	struct issue_op op = { in, ctx, h, clock_time(), 0, false };

	oidc_random_token(token);
	oidc_token_hash(token, h);
	/* Shares a commit with the other token operations of the moment (batch.h). */
	if (oidc_batch_run(b, issue_fn, &op) < 0 || op.replay != 0 || op.stale) {
		sodium_memzero(token, OIDC_TOKEN_LEN + 1);
		return op.replay > 0 ? 1 : op.stale && op.replay == 0 ? 2 : -1;
	}
	return 0;
}

/* An issue queued without waiting, with whom to tell. */
struct issue_submit {
	struct issue_op op;
	unsigned char hash[32];
	char *token;
	void (*done)(void *done_arg, int rc);
	void *done_arg;
};

static void
issue_submitted(void *arg, int rc)
{
	struct issue_submit *t = arg;

	if (rc >= 0 && t->op.replay != 0)
		rc = t->op.replay > 0 ? 1 : -1;
	else if (rc >= 0 && t->op.stale)
		rc = 2;
	if (rc != 0)
		sodium_memzero(t->token, OIDC_TOKEN_LEN + 1);
	t->done(t->done_arg, rc);
	free(t);
}

int
oidc_machine_token_issue_submit(struct oidc_batch *b, const struct oidc_machine_issue *in,
    const struct actor *ctx, char token[OIDC_TOKEN_LEN + 1],
    void (*done)(void *done_arg, int rc), void *done_arg)
{
	struct issue_submit *t = malloc(sizeof(*t));

	if (t == NULL)
		return -1;
	oidc_random_token(token);
	oidc_token_hash(token, t->hash);
	t->op = (struct issue_op){ in, ctx, t->hash, clock_time(), 0, false };
	t->token = token;
	t->done = done;
	t->done_arg = done_arg;
	/* Always to the committer: the connection thread serves other requests meanwhile, and
	 * under load the tokens of the moment share one commit (batch.h). */
	if (oidc_batch_submit(b, issue_fn, &t->op, issue_submitted, t) != 0) {
		sodium_memzero(token, OIDC_TOKEN_LEN + 1);
		free(t);
		return -1;
	}
	return 0;
}

static bool
token_shaped(const char *t)
{
	size_t n = t != NULL ? strlen(t) : 0;

	return n == OIDC_TOKEN_LEN && strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	    "wxyz0123456789-_") == n;
}

bool
oidc_machine_token_shaped(const char *token)
{
	return token_shaped(token);
}

int
oidc_machine_token_lookup_tx(struct store_tx *tx, struct arena *a, const char *token,
    struct oidc_machine_token_info *out)
{
	unsigned char h[32];
	struct store_q *q = NULL;
	char now_text[CLOCK_TEXT_SIZE];
	int64_t now = clock_time();
	const char *status, *not_after, *cnf;
	int rc = -1, k;

	memset(out, 0, sizeof(*out));
	if (!token_shaped(token))
		return 1;
	oidc_token_hash(token, h);
	if (clock_text(now, now_text) != 0 ||
	    store_query(tx, SQL_MACH_TOKEN_GET, &q, "b", h, sizeof(h)) != 0)
		return -1;
	k = store_next(q);
	if (k != 1) {
		rc = k == 0 ? 1 : -1;
		goto done;
	}
	status = store_text(q, MACH_TOKEN_STATUS);
	not_after = store_text(q, MACH_TOKEN_NOT_AFTER);
	cnf = store_text(q, MACH_TOKEN_CNF_X5T);
	out->iat = store_int(q, MACH_TOKEN_CREATED_AT);
	out->exp = store_int(q, MACH_TOKEN_EXPIRES_AT);
	out->active = store_null(q, MACH_TOKEN_REVOKED_AT) && now < out->exp &&
	    status != NULL && strcmp(status, "active") == 0 && not_after != NULL &&
	    strcmp(now_text, not_after) < 0;
	out->client_id = arena_strdup(a, store_text(q, MACH_TOKEN_PUBLIC_ID));
	out->scope = arena_strdup(a, store_text(q, MACH_TOKEN_SCOPE));
	out->quality = arena_strdup(a, store_text(q, MACH_TOKEN_QUALITY));
	out->enterprise = arena_strdup(a, store_null(q, MACH_TOKEN_ENTERPRISE) ? "" :
	    store_text(q, MACH_TOKEN_ENTERPRISE));
	out->cnf_x5t = cnf != NULL ? arena_strdup(a, cnf) : NULL;
	out->org_id = store_int(q, MACH_TOKEN_ORG_ID);
	out->quality_id = store_null(q, MACH_TOKEN_QUALITY_ID) ? 0 :
	    store_int(q, MACH_TOKEN_QUALITY_ID);
	out->registered_by = store_int(q, MACH_TOKEN_REGISTERED_BY);
	rc = out->client_id && out->scope && out->quality && out->enterprise &&
	    (cnf == NULL || out->cnf_x5t) ? 0 : -1;
done:
	store_done(q);
	return rc;
}

int
oidc_machine_token_lookup(struct store *s, struct arena *a, const char *token,
    struct oidc_machine_token_info *out)
{
	struct store_tx *tx;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!token_shaped(token))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = oidc_machine_token_lookup_tx(tx, a, token, out);
	store_rollback(&tx);
	return rc;
}

/* The audit event of a revocation, in its transaction: actor the machine itself. */
static int
revoked_event(struct store_tx *tx, const struct oidc_machine_token_info *t,
    const struct actor *ctx)
{
	char object[96];
	struct audit_event ev = {
		.actor = t->client_id, .actor_role = "machine", .object = object,
		.action = "oidc.machine.token.revoked",
		.org = t->enterprise[0] != '\0' ? t->enterprise : NULL, .details = "{}",
		.source = ctx ? ctx->source : NULL, .request_id = ctx ? ctx->request_id : NULL,
	};

	snprintf(object, sizeof(object), "system_cert:%s", t->client_id);
	return audit_append(tx, &ev);
}

int
oidc_machine_token_revoke(struct store *s, const char *token, const char *client_id,
    const struct actor *ctx)
{
	unsigned char h[32];
	struct store_tx *tx = NULL;
	struct oidc_machine_token_info info;
	struct arena *a;
	int rc, n;

	if (!token_shaped(token))
		return 1;
	/* Known and the machine's own first: revoking twice is fine; an unknown token, or
	 * another machine's, is left alone (RFC 7009 §2.2). Above one chunk (ARENA_CHUNK,
	 * 8 KiB): an arena capped below it allocates nothing. */
	a = arena_new(16 * 1024);
	if (a == NULL)
		return -1;
	rc = oidc_machine_token_lookup(s, a, token, &info);
	if (rc == 0 && strcmp(info.client_id, client_id) != 0)
		rc = 1;
	if (rc != 0)
		goto done;
	oidc_token_hash(token, h);
	rc = -1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	n = store_exec(tx, SQL_MACH_TOKEN_REVOKE, "bi", h, sizeof(h), clock_time());
	if (n < 0 || (n > 0 && revoked_event(tx, &info, ctx) != 0) || store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}
