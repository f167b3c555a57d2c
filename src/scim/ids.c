/* ids.c — the SCIM resource id of a user (scim/ids.h): account.public_id looked up by the
 * statements of scim/sql.h, in a read transaction of their own. */
#include "scim/ids.h"

#include <string.h>

#include "scim/sql.h"

static bool
well_formed(const char *pid)
{
	return pid != NULL && strlen(pid) == SCIM_ID_LEN &&
	    strspn(pid, "0123456789abcdef") == SCIM_ID_LEN;
}

int
scim_account_of(struct store *s, int64_t org, int64_t quality, const char *pid,
    int64_t *account)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int rc;

	*account = 0;
	if (!well_formed(pid))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_SCIM_ACCOUNT_OF, &q, "tii", pid, org, quality) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1)
		*account = store_int(q, SCIM_ACCOUNT_ID);
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

int
scim_public_ids(struct store *s, struct arena *a, int64_t org, const int64_t *accounts,
    size_t n, const char **out)
{
	struct store_tx *tx = NULL;
	int ret = -1;

	if (n == 0)
		return 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct store_q *q = NULL;
		int rc;

		out[i] = "";
		if (store_query(tx, SQL_SCIM_PUBLIC_OF, &q, "ii", accounts[i], org) != 0)
			goto done;
		rc = store_next(q);
		if (rc == 1 && !store_null(q, SCIM_PUBLIC_ID))
			out[i] = arena_strdup(a, store_text(q, SCIM_PUBLIC_ID));
		store_done(q);
		if (rc < 0 || out[i] == NULL)
			goto done;
	}
	ret = 0;
done:
	store_rollback(&tx);
	return ret;
}
