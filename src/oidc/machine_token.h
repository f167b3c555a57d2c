/* machine_token.h — the client_credentials grant of machines (system certificates): the
 * scope (the certificate's applications asked for), the access token issued, stored as a
 * hash with its binding to the certificate (cnf x5t#S256), and what it names when read. */
#ifndef PORTIER_OIDC_MACHINE_TOKEN_H
#define PORTIER_OIDC_MACHINE_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "oidc/client_auth.h"
#include "oidc/grants.h"
#include "policy/actor.h"

#define OIDC_MACHINE_TOKEN_TTL 600

/* The scope granted for a request: the requested space-separated application codes when
 * each is one of the certificate's (duplicates dropped), all of them when requested is
 * NULL or empty. Sets *scope (in a) and returns 0, or 1 when one is not the
 * certificate's (invalid_scope), -1 when a is full or the request is too long. */
int oidc_machine_scope(struct arena *a, const struct oidc_machine *m, const char *requested,
    const char **scope);

/* What one issue is made of: the certificate, the scope granted, the certificate the token is
 * bound to (cnf_x5t, NULL: unbound), the authentication method for the audit, and the
 * client assertion's jti and exp when it came with one (NULL: none). */
struct oidc_machine_issue {
	const struct oidc_machine *m;
	const char *scope, *cnf_x5t, *method;
	const char *jti;
	int64_t jti_exp;
	const char *jwks;              /* the JWKS the assertion was verified with, or NULL */
};
/* Issues an access token in the group commit b of the provider's store (oidc/batch.h):
 * records the assertion's jti (a replay issues nothing), stores the token's hash with the
 * binding and appends the audit event oidc.machine.token.issued (the method, the scope,
 * the binding; never the token), in one transaction, provided the certificate is still
 * usable then and jwks still the client's (read again in that transaction). Writes the token into token. 0, 1 (the
 * jti was used already), 2 (the certificate was revoked, replaced or expired, or the keys
 * replaced, meanwhile: nothing issued) or -1. */
struct oidc_batch;
int oidc_machine_token_issue(struct oidc_batch *b, const struct oidc_machine_issue *in,
    const struct actor *ctx, char token[OIDC_TOKEN_LEN + 1]);
/* The same without waiting (the token endpoint): the token is written into token at once,
 * the operation queued for the group commit's thread, and done(done_arg, rc) called there
 * once it is committed (rc as above; token wiped unless 0). in, ctx and token must live
 * until then (the suspended request's arena). 0, or -1 (nothing queued, done not called). */
int oidc_machine_token_issue_submit(struct oidc_batch *b, const struct oidc_machine_issue *in,
    const struct actor *ctx, char token[OIDC_TOKEN_LEN + 1],
    void (*done)(void *done_arg, int rc), void *done_arg);

/* A machine token as introspection (RFC 7662) shows it. */
struct oidc_machine_token_info {
	bool active;                   /* not revoked, not expired, its certificate usable */
	const char *client_id, *scope, *cnf_x5t;   /* cnf_x5t NULL when unbound */
	const char *enterprise, *quality;
	int64_t iat, exp;
	/* For the API (apps/api/bearer.h): the certificate's organisation, its activated
	 * quality (0: no longer activated) and the manager who registered it, on whose
	 * delegation the machine acts. */
	int64_t org_id, quality_id, registered_by;
};
/* Reads a token issued here: 0 (out filled; active tells whether it still counts), 1 (not
 * a machine token) or -1. For the introspection endpoint. */
int oidc_machine_token_lookup(struct store *s, struct arena *a, const char *token,
    struct oidc_machine_token_info *out);
/* True when token has the shape of a machine token (43 base64url characters). */
bool oidc_machine_token_shaped(const char *token);
/* The same inside tx (oidc/introspect.h reads it in the introspection's transaction). */
int oidc_machine_token_lookup_tx(struct store_tx *tx, struct arena *a, const char *token,
    struct oidc_machine_token_info *out);
/* Revokes a machine token of the machine client_id (RFC 7009), with the audit event
 * oidc.machine.token.revoked in the same transaction (when it was live until then):
 * 0 revoked or already, 1 not a machine token or another machine's (left alone), -1. */
int oidc_machine_token_revoke(struct store *s, const char *token, const char *client_id,
    const struct actor *ctx);

#endif
