/* grants.h — what an authorization leaves behind: the grant (person, client, chosen
 * profile, how they logged in) and its family of codes and tokens. Codes are single-use
 * (a second use revokes the grant), refresh tokens rotate (a reused one revokes the
 * grant), every value holds 256 random bits of which only a hash is stored, every issue
 * and refusal is audited. Codes and access tokens are "<grant id>.<random>", refresh
 * tokens "<grant id>.<generation>.<random>": the grant row holds the code and the live
 * access token, refresh tokens are clustered by grant, so a token request writes few
 * pages. Only the newest access token of a grant is valid. Also PKCE (S256) and the
 * pending authorization requests. */
#ifndef PORTIER_OIDC_GRANTS_H
#define PORTIER_OIDC_GRANTS_H

#include <stdbool.h>
#include <stdint.h>

#include "oidc/clients.h"
#include "policy/actor.h"
#include "fed/profiles.h"
#include "fed/request.h"
#include "store/store.h"

#define OIDC_CODE_TTL 60              /* seconds */
#define OIDC_ACCESS_TTL 600
#define OIDC_GRANT_TTL (12 * 3600)    /* refresh tokens die with their grant */
#define OIDC_REQUEST_TTL 900          /* a pending request waits this long for login */
#define OIDC_TOKEN_LEN 43             /* random parts and request ids: base64url of 32 bytes */
#define OIDC_TOKEN_MAX 96             /* a code or token: "<grant>[.<generation>].<random>" */
#define OIDC_NONCE_MAX 255
#define OIDC_STATE_MAX 1024

/* A grant as stored; its texts are owned by the arena given to the reader. */
struct oidc_grant {
	int64_t id;
	const char *client_id;
	int64_t person_id;
	int64_t account_id;
	int64_t org_quality_id;
	int64_t mandate_id;               /* issue 16: acting under this mandate; 0 none */
	const char *scope;
	const char *nonce;                /* "" when none (has_nonce false) */
	bool has_nonce;
	int64_t auth_time;
	int acr_level;
	const char *amr;                  /* the login method: eid, password, totp, token */
	int64_t created_at;
	int64_t expires_at;
	bool revoked;
	int64_t access_expires_at;        /* of the live access token; 0 when none */
};

/* What a code is issued for. */
struct oidc_authz {
	const char *client_id;
	const char *application;          /* the client's application (audit) */
	int64_t person_id;
	int64_t account_id;
	int64_t org_quality_id;
	int64_t mandate_id;               /* issue 16: the mandate acted under; 0 none */
	const char *enterprise;           /* the chosen organisation (audit), may be NULL */
	const char *scope;
	const char *nonce;                /* NULL when none */
	const char *redirect_uri;
	const char *code_challenge;       /* NULL when none */
	int64_t auth_time;
	int acr_level;
	const char *amr;
};

/* Tokens handed out by the token endpoint, with their grant and what its claims are
 * made of (read in the same transaction), all in the arena given. */
struct oidc_issued {
	const char *access;
	const char *refresh;
	struct oidc_grant grant;
	struct fed_profile_data data;
};

/* Why a token request or a token was refused (for the error_description, in English
 * as OAuth wants, and the audit). */
enum oidc_refusal {
	OIDC_REFUSED_NONE = 0,
	OIDC_REFUSED_UNKNOWN,             /* no such code or token */
	OIDC_REFUSED_EXPIRED,
	OIDC_REFUSED_REUSED,              /* second use: the grant is revoked */
	OIDC_REFUSED_REVOKED,
	OIDC_REFUSED_OTHER_CLIENT,
	OIDC_REFUSED_REDIRECT_URI,
	OIDC_REFUSED_PKCE,
	OIDC_REFUSED_PROFILE,             /* account suspended or grant withdrawn */
	OIDC_REFUSED_CLIENT,              /* the client is no longer registered */
};
/* An English description of a refusal. */
const char *oidc_refusal_text(enum oidc_refusal r);

/* Zeroes the tokens of t (their text in the arena too) once the reply is sent. */
void oidc_issued_wipe(struct oidc_issued *t);

/* Writes a new random value (256 bits, base64url: always OIDC_TOKEN_LEN characters, hence
 * the array) into out. */
void oidc_random_token(char out[OIDC_TOKEN_LEN + 1]);
/* BLAKE2b-256 of a random value (request id, random part of a code or token): what the
 * store keeps. */
void oidc_token_hash(const char *token, unsigned char out[32]);

/* True for a code_challenge an S256 challenge can be (43 base64url characters). */
bool oidc_pkce_challenge_valid(const char *challenge);
/* True when verifier (43-128 characters of A-Z a-z 0-9 - . _ ~) hashes (SHA-256,
 * base64url) to challenge; compared in constant time. */
bool oidc_pkce_s256_ok(const char *verifier, const char *challenge);

/* Creates a grant and a code for it (deleting the pending request request_hash when not
 * NULL) and audits the issue. Writes the code (made here: "<grant id>.<random>" is at
 * most 18 + 1 + OIDC_TOKEN_LEN characters, hence the array). Returns 0, 1 (the request
 * was spent already: a second submission) or -1. */
/* The write operations below go through the group commit of one store, b (batch.h; the
 * provider's: oidc_provider_batch). */
struct oidc_batch;
int oidc_code_issue(struct oidc_batch *b, const struct oidc_authz *a,
    const unsigned char *request_hash, const struct actor *ctx,
    char code[OIDC_TOKEN_MAX]);
/* Exchanges a code sent by client c: checks expiry, client, redirect URI and PKCE, the
 * profile (still an active account with the grant), then issues an access and a refresh
 * token. A code seen before revokes its grant. *out's texts go into a. Returns 0, 1
 * (refused: *why) or -1. */
int oidc_code_redeem(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *code,
    const char *redirect_uri, const char *verifier, const struct actor *ctx,
    struct oidc_issued *out, enum oidc_refusal *why);
/* Rotates a refresh token of client c: the old one is spent, a new access and refresh
 * token are issued. A spent token shown again revokes its grant. 0, 1 (*why) or -1. */
int oidc_refresh(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *refresh, const struct actor *ctx, struct oidc_issued *out,
    enum oidc_refusal *why);
/* oidc_code_redeem and oidc_refresh without waiting: they return 0 at once (-1: nothing
 * queued, done will not be called) and call done(done_arg, result) on another thread once
 * the answer is committed, *out and *why set as theirs. Every pointer given must stay
 * valid until then, and a used by no other thread; done must be quick and must not use
 * the store. */
int oidc_code_redeem_submit(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *code, const char *redirect_uri, const char *verifier, const struct actor *ctx,
    struct oidc_issued *out, enum oidc_refusal *why, void (*done)(void *done_arg, int rc),
    void *done_arg);
int oidc_refresh_submit(struct oidc_batch *b, struct arena *a, const struct oidc_client *c,
    const char *refresh, const struct actor *ctx, struct oidc_issued *out, enum oidc_refusal *why,
    void (*done)(void *done_arg, int rc), void *done_arg);
/* Finds the grant of a valid access token, its client and what its claims are made of,
 * in one read, their texts in a. Returns 0, 1 (refused: *why) or -1. */
int oidc_access_grant(struct store *s, struct arena *a, const char *access,
    struct oidc_grant *out,
    struct oidc_client *client, struct fed_profile_data *data, enum oidc_refusal *why);
/* As oidc_access_grant for the jti of a verified JWT access token (access_jwt.h). */
int oidc_access_grant_jti(struct store *s, struct arena *a, const char *jti,
    struct oidc_grant *out, struct oidc_client *client, struct fed_profile_data *data,
    enum oidc_refusal *why);
/* True when access has the shape of an opaque access token ("<grant>.<random>"). */
bool oidc_access_token_shaped(const char *access);
/* Either inside tx (the introspection's one transaction): access is an opaque access
 * token, or the jti of a verified JWT access token when is_jti. Returns as they do. */
int oidc_access_grant_tx(struct store_tx *tx, struct arena *a, const char *access, bool is_jti,
    struct oidc_grant *out, struct oidc_client *client, struct fed_profile_data *data,
    enum oidc_refusal *why);
/* Revokes the live grants of person for client (RP-initiated logout). 0 or -1. */
int oidc_grants_revoke(struct store *s, const char *client_id, int64_t person_id,
    const char *why, const struct actor *ctx);
/* Records a refusal in the audit trail: action "oidc.<what>.refused", with the client,
 * the person (0 when unknown) and a short reason. Returns 0 or -1. */
int oidc_audit_refusal(struct store *s, const char *what, const char *client_id,
    int64_t person_id, const char *reason, const struct actor *ctx);
/* Revocation (RFC 7009) of token by client client_id (authenticated): a refresh token of
 * the client revokes its grant (the whole family), an access token of the client stops
 * being valid. hint ("access_token", "refresh_token" or NULL) says which form to try
 * first; the token's own shape decides. A token of another client, or an unknown one, is
 * left alone. Audited. Returns 0 (revoked), 1 (nothing revoked) or -1. */
int oidc_token_revoke(struct store *s, const char *client_id, const char *token,
    const char *hint, const struct actor *ctx);
/* As oidc_token_revoke for a JWT access token, given by the jti of its verified
 * signature (access_jwt.h). */
int oidc_token_revoke_jti(struct store *s, const char *client_id, const char *jti,
    const struct actor *ctx);
/* Deletes what expired: requests, grants (with their refresh tokens), machines' tokens,
 * assertion ids, pushed requests. Run once every OIDC_PURGE_EVERY seconds by the
 * provider's thread (backchannel.c), not on the paths that issue. Returns 0 or -1. */
#define OIDC_PURGE_EVERY 60
int oidc_purge(struct store *s);

/* A pending authorization request; its texts are owned by the arena given to the
 * function that fills it. An absent state, nonce or challenge is "" (has_… false). */
struct oidc_request {
	const char *client_id;
	const char *redirect_uri;
	const char *scope;
	const char *state;
	bool has_state;
	const char *nonce;
	bool has_nonce;
	const char *code_challenge;
	bool has_challenge;
	bool prompt_login;
	int64_t max_age;                  /* -1 when not given */
	int level;                        /* level of assurance demanded */
	int64_t created_at;
	unsigned char stale_session[32];  /* the session sent to log in again, if any */
	bool has_stale_session;
	unsigned char browser[32];        /* hash of the flow cookie of the browser that
	                                   * started it: only that browser continues it */
	bool has_browser;
	bool form_post;                   /* response_mode=form_post (else query) */
};

/* The federation service's view of r, asked by client c (fed/request.h): requester,
 * application, level, prompt=login as a forced login, max_age, the stale session. The
 * texts stay r's and c's. */
void oidc_request_fed(const struct oidc_request *r, const struct oidc_client *c,
    struct fed_request *out);

/* Stores r; writes the id for the URL (a random value of OIDC_TOKEN_LEN characters) into
 * id. Returns 0 or -1. */
int oidc_request_save(struct store *s, const struct oidc_request *r,
    char id[OIDC_TOKEN_LEN + 1]);
/* Reads the live request of that id, its texts in a. Returns 0, 1 (unknown or expired)
 * or -1. */
int oidc_request_load(struct store *s, struct arena *a, const char *id,
    struct oidc_request *out);
/* As oidc_request_load, inside tx. */
int oidc_request_read(struct store_tx *tx, struct arena *a, const char *id,
    struct oidc_request *out);
/* Records that the session session_hash was sent to log in again for the request.
 * Returns 0 or -1. */
int oidc_request_mark(struct store *s, const char *id, const unsigned char session_hash[32]);
/* Deletes a request. Returns 0 or -1. */
int oidc_request_drop(struct store *s, const char *id);

#endif
