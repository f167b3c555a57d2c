/* introspect.h — what token introspection (RFC 7662) learns, in one read: the resource
 * server's authentication, then the token as a people's access token, else as a machine's
 * client_credentials token. The HTTP answer is made by apps/oidc/introspect.c. */
#ifndef PORTIER_OIDC_INTROSPECT_H
#define PORTIER_OIDC_INTROSPECT_H

#include "fed/profiles.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "oidc/keys.h"
#include "oidc/machine_token.h"
#include "oidc/resource.h"
#include "store/store.h"

enum oidc_introspect_kind {
	OIDC_INTROSPECT_INACTIVE,      /* {"active":false}: unknown, expired, revoked, other
	                                * audience, malformed: never more said */
	OIDC_INTROSPECT_GRANT,         /* a people's access token meant for the resource server */
	OIDC_INTROSPECT_MACHINE,       /* a machine's live client_credentials token */
};

struct oidc_introspection {
	struct oidc_rs rs;             /* the resource server authenticated */
	enum oidc_introspect_kind kind;
	struct oidc_grant grant;       /* OIDC_INTROSPECT_GRANT: the grant, its client, */
	struct oidc_client client;     /* and what its claims are made of */
	struct fed_profile_data profile;
	struct oidc_machine_token_info machine;   /* OIDC_INTROSPECT_MACHINE */
};

/* Authenticates the resource server rs_id with rs_secret (through the short cache of
 * resource.h, else read in the transaction), then, when token is not NULL, reads it in
 * that same read transaction: as an opaque access token, as a JWT access token (verified
 * with the keys kr and issuer; kr may be NULL for a token that is not JWT-shaped, which
 * is then inactive), and when no people's grant knows it, as a machine's token. Nothing
 * about tokens is kept: a revocation shows at the next call. Texts in a. Returns 0 (*out
 * filled), 1 (the resource server is not authenticated: unknown, wrong secret, no
 * credentials; nothing read of the token) or -1. */
int oidc_introspect_lookup(struct store *s, struct arena *a, const struct oidc_keyring *kr,
    const char *issuer, const char *rs_id, const char *rs_secret, const char *token,
    struct oidc_introspection *out);

#endif
