/* jwks_uri.h — the public keys of a client registered by URL (private_key_jwt of relying
 * parties and machines): fetched with libcurl within limits, cached per client. */
#ifndef PORTIER_OIDC_JWKS_URI_H
#define PORTIER_OIDC_JWKS_URI_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

#define OIDC_JWKS_FETCH_MAX 65536      /* bytes of a fetched JWKS; more is refused */
#define OIDC_JWKS_FETCH_TIMEOUT 5L     /* seconds for the whole fetch */
#define OIDC_JWKS_TTL_MIN 300          /* Cache-Control max-age is bounded to this … */
#define OIDC_JWKS_TTL_MAX 86400        /* … and this */
#define OIDC_JWKS_KID_REFETCH 300      /* an unknown kid refetches at most this often */
#define OIDC_JWKS_FAIL_PAUSE 10        /* after a failed fetch, none for this long */

/* True when a registration holds a URL (https://, http:// on loopback) rather than a
 * JWKS text. */
bool oidc_jwks_is_uri(const char *registered);

/* The usable JWKS at uri for client_id, in a: the cached document while fresh; fetched
 * when there is none, when it is stale, or — at most once per OIDC_JWKS_KID_REFETCH for
 * a client — when kid (the assertion's, may be NULL) is not in it. Fetching: https only
 * (http on loopback), no redirect, OIDC_JWKS_FETCH_TIMEOUT, OIDC_JWKS_FETCH_MAX bytes;
 * the document keeps its public signing keys (oidc_jwks_usable). 0 with *jwks; 1 when no
 * document can be had (a short reason in why: unreachable, too large, not a JWKS); -1. */
int oidc_jwks_uri_get(struct arena *a, const char *client_id, const char *uri,
    const char *kid, int64_t now, const char **jwks, char *why, size_t whylen);

/* Forgets every cached document (tests, shutdown). */
void oidc_jwks_uri_flush(void);

#endif
