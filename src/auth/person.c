/* person.c — reading and creating people, setting their access codes; each change is
 * one transaction with its audit event. */
#include "auth/person.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

int
person_get(struct store *s, int64_t id, struct person *out)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_PERSON_GET, &q, "i", id) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	if (rc == 1) {
		out->id = store_int(q, 0);
		if (text_copy(out->niss, sizeof(out->niss), store_text(q, 1)) != 0 ||
		    text_copy(out->last_name, sizeof(out->last_name), store_text(q, 2)) != 0 ||
		    text_copy(out->first_name, sizeof(out->first_name), store_text(q, 3)) != 0 ||
		    text_copy(out->language, sizeof(out->language), store_text(q, 4)) != 0 ||
		    text_copy(out->email, sizeof(out->email), store_text(q, 5)) != 0)
			rc = -1;
	}
	store_done(q);
	store_rollback(&tx);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
person_create(struct store *s, struct person *p, const char *actor, const char *request_id)
{
	struct store_tx *tx;
	char object[32];
	struct audit_event ev = {
		.actor = actor, .actor_role = "system", .action = "person.create",
		.object = object, .request_id = request_id,
	};
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	/* Names typed by whoever creates the person (the register's when it knows them). */
	rc = store_exec(tx, SQL_PERSON_INSERT, "tttttt", p->niss[0] ? p->niss : NULL,
	    p->last_name, p->first_name, p->language[0] ? p->language : "fr",
	    p->email[0] ? p->email : NULL, "manager");
	if (rc != 1) {
		store_rollback(&tx);
		return rc == -2 ? -2 : -1;
	}
	p->id = store_last_id(tx);
	snprintf(object, sizeof(object), "person:%" PRId64, p->id);
	if (audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

enum password_problem
person_set_password(struct store *s, int64_t person_id, const char *username,
    const char *password, const char *request_id, int *rc)
{
	enum password_problem p = password_check(password, username);
	struct store_tx *tx;
	char hash[256], actor[24], object[32];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .action = "password.set",
		.object = object, .request_id = request_id,
	};
	int x;

	*rc = 0;
	if (p != PASSWORD_OK)
		return p;
	if (password_hash(password, hash, sizeof(hash)) != 0) {
		*rc = -1;
		return PASSWORD_OK;
	}
	snprintf(actor, sizeof(actor), "%" PRId64, person_id);
	snprintf(object, sizeof(object), "person:%" PRId64, person_id);
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		*rc = -1;
		return PASSWORD_OK;
	}
	x = store_exec(tx, SQL_PASSWORD_PUT, "itt", person_id, username, hash);
	if (x != 1 || audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		*rc = x == -2 ? -2 : -1;
		return PASSWORD_OK;
	}
	*rc = store_commit(&tx);
	return PASSWORD_OK;
}
