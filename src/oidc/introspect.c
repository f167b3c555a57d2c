/* introspect.c — token introspection's reads (introspect.h) in one read transaction: on
 * PostgreSQL each transaction is a BEGIN and a ROLLBACK around its statements, so the
 * resource server, the grant and the machine token are read in one, and the resource
 * server not at all while resource.h keeps it. */
#include "oidc/introspect.h"

#include <string.h>

#include "oidc/access_jwt.h"

/* The token read in tx (begun here when still NULL): out->kind set. 0 or -1. */
static int
token_read(struct store *s, struct store_tx **tx, struct arena *a,
    const struct oidc_keyring *kr, const char *issuer, const char *token,
    struct oidc_introspection *out)
{
	const char *key = token, *aud;
	bool jwt = oidc_access_jwt_shaped(token);
	enum oidc_refusal why = OIDC_REFUSED_UNKNOWN;
	int rc;

	out->kind = OIDC_INTROSPECT_INACTIVE;
	/* A JWT access token counts only once its signature is ours; its jti names the
	 * grant. One that is not is no machine's token either (those are opaque). */
	if (jwt && (kr == NULL || oidc_access_jwt_jti(kr, issuer, token, a, &key) != 0))
		return 0;
	/* Neither an opaque access token nor a machine's: nothing to read (no empty
	 * transaction when the resource server was kept). */
	if (!jwt && !oidc_access_token_shaped(token) && !oidc_machine_token_shaped(token))
		return 0;
	if (*tx == NULL && store_begin(s, STORE_READ, tx) != 0)
		return -1;
	rc = oidc_access_grant_tx(*tx, a, key, jwt, &out->grant, &out->client, &out->profile,
	    &why);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* Only the resource server the token is meant for learns about it. */
		aud = out->client.audience;
		if (aud != NULL && strcmp(aud, out->rs.audience) == 0)
			out->kind = OIDC_INTROSPECT_GRANT;
		return 0;
	}
	/* Expired, revoked, another client's: inactive. Unknown to the people's grants: a
	 * machine's, or nothing. */
	if (why != OIDC_REFUSED_UNKNOWN || jwt)
		return 0;
	rc = oidc_machine_token_lookup_tx(*tx, a, token, &out->machine);
	if (rc < 0)
		return -1;
	if (rc == 0 && out->machine.active)
		out->kind = OIDC_INTROSPECT_MACHINE;
	return 0;
}

int
oidc_introspect_lookup(struct store *s, struct arena *a, const struct oidc_keyring *kr,
    const char *issuer, const char *rs_id, const char *rs_secret, const char *token,
    struct oidc_introspection *out)
{
	struct store_tx *tx = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->kind = OIDC_INTROSPECT_INACTIVE;
	rc = oidc_rs_auth_kept(a, rs_id, rs_secret, &out->rs);
	if (rc == 2)
		return 1;
	if (rc < 0)
		return -1;
	if (rc == 1) {
		/* Not kept: read in the transaction the token is read in next. */
		if (store_begin(s, STORE_READ, &tx) != 0)
			return -1;
		rc = oidc_rs_auth_tx(tx, a, rs_id, rs_secret, &out->rs);
		if (rc == 0)
			oidc_rs_keep(&out->rs);
	}
	if (rc == 0 && token != NULL)
		rc = token_read(s, &tx, a, kr, issuer, token, out);
	store_rollback(&tx);
	return rc;
}
