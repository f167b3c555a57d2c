/* responsibles.c — "Vos Responsables": the qualities where the person acting is a member
 * and, for each, its local managers and the organisation's main access managers with
 * their e-mail, read in one transaction; only the person's own organisations. */
#include "access/responsibles.h"

#include <string.h>

#include "access/service.h"
#include "access/sql.h"

/* access_row_fn: a quality of SQL_ACCESS_RESP_QUALITIES. */
static int
quality_row(struct store_q *q, struct arena *a, void *elem)
{
	struct responsible_quality *rq = elem;

	rq->quality_id = store_int(q, ACCESS_RESP_QUALITIES_ORG_QUALITY_ID);
	rq->org_id = store_int(q, ACCESS_RESP_QUALITIES_ORG_ID);
	return access_dup(a, &rq->org_name, store_text(q, ACCESS_RESP_QUALITIES_NAME)) |
	    access_dup(a, &rq->enterprise, store_text(q, ACCESS_RESP_QUALITIES_ENTERPRISE)) |
	    access_dup(a, &rq->foreign_reg, store_text(q, ACCESS_RESP_QUALITIES_FOREIGN_REG)) |
	    access_dup(a, &rq->quality_name,
	    store_text(q, ACCESS_RESP_QUALITIES_QUALITY_NAME)) |
	    access_dup(a, &rq->quality_email, store_text(q, ACCESS_RESP_QUALITIES_EMAIL)) |
	    access_dup(a, &rq->member_type, store_text(q, ACCESS_RESP_QUALITIES_TYPE)) |
	    access_dup(a, &rq->status, store_text(q, ACCESS_RESP_QUALITIES_STATUS)) |
	    access_dup(a, &rq->org_email, store_text(q, ACCESS_RESP_QUALITIES_CONTACT_EMAIL)) |
	    access_dup(a, &rq->org_phone, store_text(q, ACCESS_RESP_QUALITIES_CONTACT_PHONE));
}

/* access_row_fn: a manager of SQL_ACCESS_RESP_LOCAL or SQL_ACCESS_RESP_MAIN. */
static int
responsible_row(struct store_q *q, struct arena *a, void *elem)
{
	struct responsible *r = elem;

	return access_dup(a, &r->role, store_text(q, ACCESS_RESP_ROLE)) |
	    access_dup(a, &r->last_name, store_text(q, ACCESS_RESP_LAST_NAME)) |
	    access_dup(a, &r->first_name, store_text(q, ACCESS_RESP_FIRST_NAME)) |
	    access_dup(a, &r->email, store_text(q, ACCESS_RESP_EMAIL));
}

/* Reads the managers of statement id with parameter key into *v, *n. 0 or -1. */
static int
read_managers(struct store_tx *tx, struct arena *a, int id, int64_t key,
    struct responsible **v, size_t *n)
{
	struct access_list l = { 0 };
	struct store_q *q;

	if (store_query(tx, id, &q, "i", key) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**v), responsible_row) != 0)
		return -1;
	*v = l.v;
	*n = l.n;
	return 0;
}

enum access_rc
responsibles_of(struct store *s, const struct actor *who, struct arena *a,
    struct responsible_quality **out, size_t *n)
{
	struct policy_actor actor;
	struct access_list l = { 0 };
	struct responsible_quality *v;
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc;

	*out = NULL;
	*n = 0;
	rc = access_open_own(s, STORE_READ, who, 0, &tx, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (store_query(tx, SQL_ACCESS_RESP_QUALITIES, &q, "it", who->person_id,
	    who->lang ? who->lang : "fr") != 0 ||
	    access_read_rows(q, a, &l, sizeof(*v), quality_row) != 0)
		goto fail;
	v = l.v;
	for (size_t i = 0; i < l.n; i++) {
		/* Organisations repeat for each quality: their managers are read once. */
		if (i > 0 && v[i].org_id == v[i - 1].org_id) {
			v[i].main = v[i - 1].main;
			v[i].nmain = v[i - 1].nmain;
		} else if (read_managers(tx, a, SQL_ACCESS_RESP_MAIN, v[i].org_id, &v[i].main,
		    &v[i].nmain) != 0)
			goto fail;
		if (read_managers(tx, a, SQL_ACCESS_RESP_LOCAL, v[i].quality_id, &v[i].local,
		    &v[i].nlocal) != 0)
			goto fail;
	}
	store_rollback(&tx);
	*out = v;
	*n = l.n;
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}
