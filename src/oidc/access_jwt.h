/* access_jwt.h — access tokens as JWT (RFC 9068) for resource servers registered with
 * --jwt-access-tokens: the opaque token stays the grant's live access token (its hash is
 * what the store keeps), and the JWT names it by its jti "<grant id>.<hash>", so that
 * userinfo, introspection and revocation find the same grant and its revocation ends
 * the JWT too. */
#ifndef PORTIER_OIDC_ACCESS_JWT_H
#define PORTIER_OIDC_ACCESS_JWT_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/buf.h"
#include "fed/profiles.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "oidc/keys.h"

#define OIDC_JTI_MAX 64           /* "<grant id>.<43 characters>" */

struct oidc_provider;
/* Appends the JWT form of access (an opaque access token of grant g, client c, profile d)
 * for audience aud to out: header typ "at+jwt", alg the client's ID token alg; claims
 * iss, exp, aud, sub, client_id, iat, jti, scope, auth_time, acr and portier's
 * organisation, quality, role, applications. Returns 0 or -1. */
int oidc_access_jwt(struct oidc_provider *p, const struct oidc_keyring *kr,
    const struct oidc_client *c, const struct oidc_grant *g,
    const struct fed_profile_data *d, const char *access, const char *aud, struct buf *out);
/* True when token has the shape of a JWS (three base64url parts, a JSON header). */
bool oidc_access_jwt_shaped(const char *token);
/* Reads a JWT access token of ours: signed by a published key, typ at+jwt, iss issuer;
 * writes its jti (copied into a). Its expiry is the grant's (the store decides).
 * Returns 0 or -1. */
int oidc_access_jwt_jti(const struct oidc_keyring *kr, const char *issuer, const char *token,
    struct arena *a, const char **jti);

#endif
