/* clients.h — relying parties registered with the provider: exact redirect URIs, allowed
 * scopes, the secured application they stand for and its minimum level of assurance.
 * Secrets are random, shown once, stored as a hash and compared in constant time. */
#ifndef PORTIER_OIDC_CLIENTS_H
#define PORTIER_OIDC_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "fed/jws.h"
#include "store/store.h"

#define OIDC_CLIENT_ID_MAX 64
#define OIDC_APP_MAX 32
#define OIDC_URI_MAX 512
#define OIDC_URIS_MAX 8
#define OIDC_SCOPES_MAX 256
#define OIDC_SECRET_LEN 43        /* 256 random bits in base64url */

/* A client as read: its texts are owned by the arena given to the reader (the
 * request's, or a cache entry's). */
struct oidc_client {
	const char *id;
	bool confidential;            /* has a secret; public clients must use PKCE */
	unsigned char secret_hash[32];
	const char *application;
	int min_level;                /* policy/loa.h */
	const char *scopes;           /* allowed scopes, space-separated */
	bool allow_national_number;
	const char *sector;
	enum jws_alg id_token_alg;    /* id_token_signed_response_alg */
	const char *created_at;
	const char *audience;         /* the resource server its access tokens are for; ""
	                               * when none (oidc_client_option, migration 032) */
	bool require_par;             /* require_pushed_authorization_requests */
	const char *backchannel_logout_uri;   /* "" when none */
	bool backchannel_session_required;    /* backchannel_logout_session_required */
	/* At most OIDC_URIS_MAX of each: the registration refuses more. */
	size_t n_redirect, n_post_logout;
	const char *redirect[OIDC_URIS_MAX];
	const char *post_logout[OIDC_URIS_MAX];
};

struct oidc_client_new {
	const char *id;
	bool public_client;
	const char *application;      /* code of a secured application (catalogue) */
	int min_level;                /* 0: the application's own minimum */
	const char *scopes;           /* space-separated; must hold "openid" */
	bool allow_national_number;
	const char *sector;           /* NULL: the client id */
	const char *id_token_alg;     /* "ES256" or "RS256"; NULL: ES256 */
	const char *audience;         /* NULL, or a resource server's audience (a URI) */
	bool require_par;             /* authorization requests only through PAR */
	const char *backchannel_logout_uri;   /* NULL: none */
	bool backchannel_session_required;
	const char *const *redirect;
	size_t n_redirect;
	const char *const *post_logout;
	size_t n_post_logout;
};

/* Registers a client, audited as done by actor. For a confidential client writes the
 * new secret into secret (shown once, never stored; a fixed-length random value, hence
 * the array). Returns 0, -2 when the id is taken,
 * -1 with a reason in err (invalid input or store error). */
int oidc_client_add(struct store *s, const struct oidc_client_new *n, const char *actor,
    char secret[OIDC_SECRET_LEN + 1], char *err, size_t errlen);
/* Gives a confidential client a new secret (the old one stops working), audited; writes
 * it into secret. Returns 0, 1 (unknown or public client) or -1. */
int oidc_client_rotate_secret(struct store *s, const char *id, const char *actor,
    char secret[OIDC_SECRET_LEN + 1]);
/* Removes a client with its grants and tokens. Returns 0, 1 (unknown) or -1. */
int oidc_client_remove(struct store *s, const char *id, const char *actor);
/* Reads a client, its texts in a. Returns 0, 1 (unknown or malformed id) or -1. */
int oidc_client_get(struct store *s, struct arena *a, const char *id,
    struct oidc_client *out);
/* A cache of clients read from one store, shared by a server's threads: each provider
 * (struct oidc_provider) has its own, so two providers in one process never see each
 * other's clients. NULL when out of memory. */
struct oidc_client_cache;
struct oidc_client_cache *oidc_client_cache_new(struct store *s);
void oidc_client_cache_free(struct oidc_client_cache *cache);
/* As oidc_client_get on the cache's store, through the cache (OIDC_CLIENT_CACHE_TTL
 * seconds), its texts copied into a: what the token endpoint uses on every request. A
 * change of a client (secret, URIs, removal) made through this module reaches every node
 * sooner, through the version check of oidc/provider.c; the time-to-live bounds a change
 * made behind its back. */
#define OIDC_CLIENT_CACHE_TTL 5
int oidc_client_get_cached(struct oidc_client_cache *cache, struct arena *a, const char *id,
    struct oidc_client *out);
/* The client if the cache holds it (0), without reading the store: 1 when it does not
 * (or the id is malformed), -1 when a is full. For a reader inside a transaction of its
 * own, which then reads the client there (oidc_client_read). */
int oidc_client_peek_cached(struct oidc_client_cache *cache, struct arena *a, const char *id,
    struct oidc_client *out);
/* Drops every cached client (they changed on another node: oidc/coherence.h); a read
 * under way when it is called is not cached. */
void oidc_client_cache_clear(struct oidc_client_cache *cache);
/* Reads a client inside tx (for services that read more in the same transaction). */
int oidc_client_read(struct store_tx *tx, struct arena *a, const char *id,
    struct oidc_client *out);
/* Calls fn for every client, by id; stops when fn returns non-zero. The client given to
 * fn is valid during the call only. Returns 0 or -1. */
int oidc_client_list(struct store *s, int (*fn)(void *arg, const struct oidc_client *c),
    void *arg);

/* True when secret is this confidential client's secret (constant-time comparison). */
bool oidc_client_secret_ok(const struct oidc_client *c, const char *secret);
/* True when uri is exactly one of the client's redirect URIs. */
bool oidc_client_redirect_ok(const struct oidc_client *c, const char *uri);
/* True when uri is exactly one of the client's post-logout redirect URIs. */
bool oidc_client_post_logout_ok(const struct oidc_client *c, const char *uri);
/* True when the client may ask for scope (one word). */
bool oidc_client_scope_ok(const struct oidc_client *c, const char *scope);
/* True when origin ("scheme://host[:port]", as a browser sends it) is the origin of one of
 * the client's redirect URIs: where a browser-based public client runs. */
bool oidc_client_origin_ok(const struct oidc_client *c, const char *origin);
/* The origin of uri (scheme and authority, without path, query or trailing slash) into out.
 * Returns 0, or -1 when uri is not an http(s) URI or out is too small. */
int oidc_uri_origin(const char *uri, char *out, size_t outlen);
/* Whether origin is the origin of a redirect URI of some public client (a CORS preflight
 * carries no client id). Returns 1, 0 or -1. */
int oidc_public_origin_known(struct store *s, const char *origin);

/* The next word of the space-separated list at *p: moves *p past the spaces before it and
 * returns its length (0 at the end of the list); the caller steps over it (*p += length). */
size_t oidc_word(const char **p);
/* True when the space-separated list holds word. */
bool oidc_scope_has(const char *list, const char *word);
/* True for a scope the provider knows: openid, profile, email, national_number. */
bool oidc_scope_known(const char *word, size_t len);

/* True for an id of 1-64 characters among A-Z a-z 0-9 . _ - */
bool oidc_client_id_valid(const char *id);
/* True for an absolute https URI (http only for loopback hosts), without fragment,
 * of printable ASCII, at most OIDC_URI_MAX bytes. */
bool oidc_uri_valid(const char *uri);
/* True for an audience of a resource server: an oidc_uri_valid URI or a "urn:…" of
 * printable ASCII without quotes or backslashes, at most OIDC_URI_MAX bytes. */
bool oidc_audience_valid(const char *aud);

#endif
