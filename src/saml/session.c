/* session.c — the SAML service providers of each browser's session (Single Logout): the
 * NameID and SessionIndex each SP was sent, so that a LogoutRequest with a transient NameID
 * finds its session and a logout reaches every SP; and the logouts under way (saml_logout),
 * whose SPs are told one after the other. Ids in URLs are 256 random bits, stored hashed. */
#include "saml/saml.h"

#include <sodium.h>
#include <string.h>

#include "saml/sql.h"

int
saml_browser_hash(const char *cookie, unsigned char out[32])
{
	unsigned char raw[32];
	size_t n = 0;

	if (cookie == NULL || strlen(cookie) != SAML_ID_LEN ||
	    sodium_base642bin(raw, sizeof(raw), cookie, SAML_ID_LEN, NULL, &n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != sizeof(raw))
		return 1;
	crypto_generichash(out, 32, (const unsigned char *)cookie, SAML_ID_LEN, NULL, 0);
	return 0;
}

int
saml_session_record(struct store *s, const unsigned char browser[32],
    const struct saml_session_sp *sp, int64_t person_id, int64_t account_id,
    int64_t org_quality_id, int64_t now)
{
	struct store_tx *tx = NULL;
	int rc = -1;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SAML_SESS_PURGE, "i", now) >= 0 &&
	    store_exec(tx, SQL_SAML_SESS_UPSERT, "btitttiiii", browser, (size_t)32,
	    sp->entity_id, person_id, sp->name_id, sp->name_format, sp->session_index, now,
	    now + SAML_SESSION_TTL, account_id, org_quality_id) == 1 && store_commit(&tx) == 0)
		rc = 0;
	store_rollback(&tx);
	return rc;
}

int
saml_session_find(struct store *s, const unsigned char browser[32], const char *entity_id,
    const char *name_id, int64_t now, int64_t *person_id)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int rc = -1, step;

	*person_id = 0;
	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_SAML_SESS_FIND, &q, "btti", browser, (size_t)32, entity_id,
	    name_id, now) != 0)
		goto done;
	step = store_next(q);
	if (step < 0)
		goto done;
	if (step == 1)
		*person_id = store_int(q, SAML_SESS_FIND_PERSON_ID);
	rc = step == 1 ? 0 : 1;
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}

static void
logout_hash(const char *id, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)id, strlen(id), NULL, 0);
}

int
saml_logout_begin(struct store *s, const unsigned char browser[32], int64_t person_id,
    const struct saml_logout_state *how, int64_t now, char id[SAML_ID_LEN + 1])
{
	struct store_tx *tx = NULL;
	unsigned char raw[32], h[32];
	int rc = -1, n;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(id, SAML_ID_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	logout_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	/* The SP that asked is logged out already: it gets the LogoutResponse at the end. */
	if (store_exec(tx, SQL_SAML_LOGOUT_PURGE, "i", now) < 0 ||
	    (how->origin != NULL && store_exec(tx, SQL_SAML_SESS_DROP, "bt", browser,
	    (size_t)32, how->origin) < 0))
		goto done;
	n = store_exec(tx, SQL_SAML_SESS_CHAIN, "bibi", browser, (size_t)32, person_id, h,
	    sizeof(h), now);
	if (n < 0)
		goto done;
	if (n > 0 && store_exec(tx, SQL_SAML_LOGOUT_INSERT, "bbtttiit", h, sizeof(h), browser,
	    (size_t)32, how->origin, how->origin_dump, how->return_to, now,
	    now + SAML_LOGOUT_TTL, how->origin_relay) != 1)
		goto done;
	if (store_commit(&tx) != 0)
		goto done;
	rc = n > 0 ? 0 : 1;
done:
	store_rollback(&tx);
	return rc;
}

int
saml_logout_next(struct store *s, struct arena *a, const char *id,
    const unsigned char browser[32], int64_t now, struct saml_logout_state *st,
    struct saml_session_sp *next)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	unsigned char h[32];
	int rc = -1, step;

	memset(st, 0, sizeof(*st));
	memset(next, 0, sizeof(*next));
	if (id == NULL || strlen(id) != SAML_ID_LEN)
		return 2;
	logout_hash(id, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_query(tx, SQL_SAML_LOGOUT_GET, &q, "bbi", h, sizeof(h), browser, (size_t)32,
	    now) != 0)
		goto done;
	step = store_next(q);
	if (step <= 0) {
		rc = step < 0 ? -1 : 2;
		goto done;
	}
	st->origin = store_null(q, SAML_LOGOUT_GET_ORIGIN) ? NULL :
	    arena_strdup(a, store_text(q, SAML_LOGOUT_GET_ORIGIN));
	st->origin_dump = store_null(q, SAML_LOGOUT_GET_ORIGIN_DUMP) ? NULL :
	    arena_strdup(a, store_text(q, SAML_LOGOUT_GET_ORIGIN_DUMP));
	st->return_to = store_null(q, SAML_LOGOUT_GET_RETURN_TO) ? NULL :
	    arena_strdup(a, store_text(q, SAML_LOGOUT_GET_RETURN_TO));
	st->origin_relay = store_null(q, SAML_LOGOUT_GET_ORIGIN_RELAY) ? NULL :
	    arena_strdup(a, store_text(q, SAML_LOGOUT_GET_ORIGIN_RELAY));
	store_done(q);
	q = NULL;
	if (store_query(tx, SQL_SAML_SESS_NEXT, &q, "bb", h, sizeof(h), browser, (size_t)32) != 0)
		goto done;
	step = store_next(q);
	if (step < 0)
		goto done;
	if (step == 1) {
		next->entity_id = arena_strdup(a, store_text(q, SAML_SESS_NEXT_ENTITY_ID));
		next->name_id = arena_strdup(a, store_text(q, SAML_SESS_NEXT_NAME_ID));
		next->name_format = arena_strdup(a, store_text(q, SAML_SESS_NEXT_NAME_FORMAT));
		next->session_index = arena_strdup(a, store_text(q, SAML_SESS_NEXT_SESSION_INDEX));
		if (next->entity_id == NULL || next->name_id == NULL ||
		    next->name_format == NULL || next->session_index == NULL)
			goto done;
	}
	store_done(q);
	q = NULL;
	/* Each SP is told once: its row goes as it is taken; the logout goes with the last. */
	if (step == 1 ? store_exec(tx, SQL_SAML_SESS_DROP, "bt", browser, (size_t)32,
	    next->entity_id) != 1 : store_exec(tx, SQL_SAML_LOGOUT_DELETE, "b", h,
	    sizeof(h)) != 1)
		goto done;
	if (store_commit(&tx) != 0)
		goto done;
	rc = step == 1 ? 0 : 1;
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}
