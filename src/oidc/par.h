/* par.h — pushed authorization requests (RFC 9126): the parameters a client pushed,
 * kept under a random request_uri for OIDC_PAR_TTL seconds, used once and by that client
 * only. Only the hash of the random part is stored. */
#ifndef PORTIER_OIDC_PAR_H
#define PORTIER_OIDC_PAR_H

#include "base/arena.h"
#include "oidc/grants.h"
#include "store/store.h"

#define OIDC_PAR_TTL 60
#define OIDC_PAR_PREFIX "urn:ietf:params:oauth:request_uri:"
#define OIDC_PAR_PARAMS_MAX 16384  /* bytes of the stored (form-encoded) parameters */

/* Stores params (form-encoded) pushed by client_id; writes the random part of its
 * request_uri into id. Purges expired requests on the way. 0 or -1. */
int oidc_par_save(struct store *s, const char *client_id, const char *params,
    char id[OIDC_TOKEN_LEN + 1]);
/* Takes (reads and deletes) the live pushed request of request_uri for client_id, its
 * parameters into *params (in a). Returns 0, 1 (malformed, unknown, expired, spent, or
 * another client's: left alone then) or -1. */
int oidc_par_take(struct store *s, struct arena *a, const char *client_id,
    const char *request_uri, const char **params);

#endif
