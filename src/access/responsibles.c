/* responsibles.c — "Vos Responsables": the qualities where the person acting is a member
 * and, for each, its local managers and the organisation's main access managers with
 * their e-mail; the organisations they manage as GAP or co-GAP and their main access
 * managers; read in one transaction; only the person's own organisations. */
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
	    access_dup(a, &rq->org_phone, store_text(q, ACCESS_RESP_QUALITIES_CONTACT_PHONE)) |
	    access_dup(a, &rq->id_type, store_text(q, ACCESS_RESP_QUALITIES_ID_TYPE)) |
	    access_dup(a, &rq->id_value, store_text(q, ACCESS_RESP_QUALITIES_ID_VALUE));
}

/* access_row_fn: a manager of SQL_ACCESS_RESP_LOCAL or SQL_ACCESS_RESP_MAIN. */
static int
responsible_row(struct store_q *q, struct arena *a, void *elem)
{
	struct responsible *r = elem;

	r->person_id = store_int(q, ACCESS_RESP_PERSON_ID);
	return access_dup(a, &r->role, store_text(q, ACCESS_RESP_ROLE)) |
	    access_dup(a, &r->last_name, store_text(q, ACCESS_RESP_LAST_NAME)) |
	    access_dup(a, &r->first_name, store_text(q, ACCESS_RESP_FIRST_NAME)) |
	    access_dup(a, &r->email, store_text(q, ACCESS_RESP_EMAIL));
}

/* access_row_fn: an organisation of SQL_ACCESS_RESP_MANAGED. */
static int
managed_row(struct store_q *q, struct arena *a, void *elem)
{
	struct responsible_org *o = elem;

	o->org_id = store_int(q, ACCESS_RESP_MANAGED_ORG_ID);
	return access_dup(a, &o->org_name, store_text(q, ACCESS_RESP_MANAGED_NAME)) |
	    access_dup(a, &o->enterprise, store_text(q, ACCESS_RESP_MANAGED_ENTERPRISE)) |
	    access_dup(a, &o->foreign_reg, store_text(q, ACCESS_RESP_MANAGED_FOREIGN_REG)) |
	    access_dup(a, &o->role, store_text(q, ACCESS_RESP_MANAGED_ROLE)) |
	    access_dup(a, &o->org_email, store_text(q, ACCESS_RESP_MANAGED_CONTACT_EMAIL)) |
	    access_dup(a, &o->org_phone, store_text(q, ACCESS_RESP_MANAGED_CONTACT_PHONE)) |
	    access_dup(a, &o->id_type, store_text(q, ACCESS_RESP_MANAGED_ID_TYPE)) |
	    access_dup(a, &o->id_value, store_text(q, ACCESS_RESP_MANAGED_ID_VALUE));
}

/* Reads the managers of statement id with parameter key into *v, *n, marking the person
 * acting (self). 0 or -1. */
static int
read_managers(struct store_tx *tx, struct arena *a, int id, int64_t key, int64_t self,
    struct responsible **v, size_t *n)
{
	struct access_list l = { 0 };
	struct responsible *r;
	struct store_q *q;

	if (store_query(tx, id, &q, "i", key) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**v), responsible_row) != 0)
		return -1;
	r = l.v;
	for (size_t i = 0; i < l.n; i++)
		r[i].self = r[i].person_id == self;
	*v = r;
	*n = l.n;
	return 0;
}

/* The qualities where the person is a member, with their managers, into out. 0 or -1. */
static int
read_qualities(struct store_tx *tx, const struct actor *who, struct arena *a,
    struct responsibles *out)
{
	struct access_list l = { 0 };
	struct responsible_quality *v;
	struct store_q *q;

	if (store_query(tx, SQL_ACCESS_RESP_QUALITIES, &q, "it", who->person_id,
	    who->lang ? who->lang : "fr") != 0 ||
	    access_read_rows(q, a, &l, sizeof(*v), quality_row) != 0)
		return -1;
	v = l.v;
	for (size_t i = 0; i < l.n; i++) {
		/* Organisations repeat for each quality: their managers are read once. */
		if (i > 0 && v[i].org_id == v[i - 1].org_id) {
			v[i].main = v[i - 1].main;
			v[i].nmain = v[i - 1].nmain;
		} else if (read_managers(tx, a, SQL_ACCESS_RESP_MAIN, v[i].org_id,
		    who->person_id, &v[i].main, &v[i].nmain) != 0)
			return -1;
		if (read_managers(tx, a, SQL_ACCESS_RESP_LOCAL, v[i].quality_id, who->person_id,
		    &v[i].local, &v[i].nlocal) != 0)
			return -1;
	}
	out->q = v;
	out->nq = l.n;
	return 0;
}

/* The organisations the person manages as GAP or co-GAP, with their GAP and co-GAPs,
 * into out. 0 or -1. */
static int
read_managed(struct store_tx *tx, const struct actor *who, struct arena *a,
    struct responsibles *out)
{
	struct access_list l = { 0 };
	struct responsible_org *v;
	struct store_q *q;

	if (store_query(tx, SQL_ACCESS_RESP_MANAGED, &q, "i", who->person_id) != 0 ||
	    access_read_rows(q, a, &l, sizeof(*v), managed_row) != 0)
		return -1;
	v = l.v;
	for (size_t i = 0; i < l.n; i++)
		if (read_managers(tx, a, SQL_ACCESS_RESP_MAIN, v[i].org_id, who->person_id,
		    &v[i].main, &v[i].nmain) != 0)
			return -1;
	out->org = v;
	out->norg = l.n;
	return 0;
}

enum access_rc
responsibles_of(struct store *s, const struct actor *who, struct arena *a,
    struct responsibles *out)
{
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;

	memset(out, 0, sizeof(*out));
	rc = access_open_own(s, STORE_READ, who, 0, &tx, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (read_qualities(tx, who, a, out) != 0 || read_managed(tx, who, a, out) != 0) {
		memset(out, 0, sizeof(*out));
		rc = ACCESS_ERROR;
	}
	store_rollback(&tx);
	return rc;
}
