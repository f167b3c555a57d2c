/* par.c — pushed authorization requests (par.h): one write transaction each to store
 * and to take, so that a request_uri is used at most once. */
#include "oidc/par.h"

#include <string.h>

#include "base/clock.h"
#include "oidc/toolbox_sql.h"

int
oidc_par_save(struct store *s, const char *client_id, const char *params,
    char id[OIDC_TOKEN_LEN + 1])
{
	int64_t now = clock_time();
	unsigned char h[32];
	struct store_tx *tx;

	if (strlen(params) > OIDC_PAR_PARAMS_MAX)
		return -1;
	oidc_random_token(id);
	oidc_token_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_OIDC_PAR_INSERT, "bttii", h, sizeof(h), client_id, params, now,
	    now + OIDC_PAR_TTL) != 1 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

int
oidc_par_take(struct store *s, struct arena *a, const char *client_id,
    const char *request_uri, const char **params)
{
	size_t pre = strlen(OIDC_PAR_PREFIX);
	const char *rnd;
	unsigned char h[32];
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*params = NULL;
	if (request_uri == NULL || strncmp(request_uri, OIDC_PAR_PREFIX, pre) != 0)
		return 1;
	rnd = request_uri + pre;
	if (strlen(rnd) != OIDC_TOKEN_LEN)
		return 1;
	oidc_token_hash(rnd, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_PAR_GET, &q, "bi", h, sizeof(h), clock_time()) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		const char *cid = store_text(q, OIDC_PAR_GET_CLIENT_ID);

		/* Another client's request_uri is refused, and stays for its own client. */
		if (cid == NULL || strcmp(cid, client_id) != 0)
			rc = 0;
		else if ((*params = arena_strdup(a, store_text(q, OIDC_PAR_GET_PARAMS))) == NULL)
			rc = -1;
	}
	store_done(q);
	if (rc == 1 && store_exec(tx, SQL_OIDC_PAR_DELETE, "b", h, sizeof(h)) != 1)
		rc = -1;
	if (rc < 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return rc == 1 ? 0 : 1;
}
