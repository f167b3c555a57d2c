/* person.c — reading and creating people, setting their access codes; each change is
 * one transaction with its audit event. */
#include "auth/person.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/person_sql.h"
#include "base/arena.h"
#include "base/clock.h"
#include "registry/registry.h"

/* Column col of the current row copied into a, "" when NULL; NULL when a is full. */
static const char *
column(struct store_q *q, struct arena *a, int col)
{
	const char *s = store_text(q, col);

	return arena_strdup(a, s != NULL ? s : "");
}

/* Reads the current row of SQL_PERSON_GET / _BY_NISS into out (texts in a): 0, 1 (no
 * row) or -1. */
static int
person_row(struct store_q *q, struct arena *a, struct person *out)
{
	int rc = store_next(q);

	if (rc == 1) {
		out->id = store_int(q, PERSON_ID);
		out->niss = column(q, a, 1);
		out->last_name = column(q, a, 2);
		out->first_name = column(q, a, 3);
		out->language = column(q, a, 4);
		out->email = column(q, a, 5);
		out->name_source = column(q, a, 6);
		if (out->niss == NULL || out->last_name == NULL || out->first_name == NULL ||
		    out->language == NULL || out->email == NULL || out->name_source == NULL)
			rc = -1;
	}
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
person_read(struct store_tx *tx, struct arena *a, int64_t id, struct person *out)
{
	struct store_q *q;

	if (store_query(tx, SQL_PERSON_GET, &q, "i", id) != 0)
		return -1;
	return person_row(q, a, out);
}

int
person_find_niss(struct store_tx *tx, struct arena *a, const char *niss, struct person *out)
{
	struct store_q *q;

	if (store_query(tx, SQL_PERSON_BY_NISS, &q, "t", niss) != 0)
		return -1;
	return person_row(q, a, out);
}

/* The id of the person of a NISS: 1 found (*id set), 0 unknown, -1 error. Only the id is
 * read: a login must not depend on the other columns fitting a struct person. */
static int
person_id_of(struct store_tx *tx, const char *niss, int64_t *id)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_PERSON_BY_NISS, &q, "t", niss) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		*id = store_int(q, PERSON_ID);
	store_done(q);
	return rc;
}

/* The one insert into person: 1 inserted (*id set), -2 NISS already known, -1 error. */
static int
person_insert(struct store_tx *tx, const char *niss, const char *last, const char *first,
    const char *language, const char *email, const char *names_from, int64_t *id)
{
	char at[CLOCK_TEXT_SIZE];
	/* created_at from the service's clock (docs/store-contract.md, rule 3). */
	int rc = clock_text(clock_time(), at) != 0 ? -1 :
	    store_insert_try(tx, SQL_PERSON_INSERT, id, "ttttttt", niss, last, first, language,
	    email, names_from, at);

	return rc == 1 ? 1 : rc == -2 ? -2 : -1;
}

static bool
lang_ok(const char *l)
{
	return l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "nl") == 0 ||
	    strcmp(l, "de") == 0 || strcmp(l, "en") == 0);
}

int
person_ensure(struct store_tx *tx, const struct person_seed *seed, int64_t *id,
    bool *created)
{
	const char *last = seed->last_name, *first = seed->first_name, *lang = seed->language;
	struct arena *a = NULL;
	struct reg_person rp;
	int rc = person_id_of(tx, seed->niss, id);

	*created = false;
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	if (seed->from_register) {
		a = arena_new(64 * 1024);
		rc = a != NULL ? registry_person(tx, a, seed->niss, &rp) : -1;
		if (rc < 0)
			goto done;
		if (rc == 0) {
			last = rp.last_name;
			first = rp.first_names;
			if (lang_ok(rp.language))
				lang = rp.language;
		}
	}
	rc = 1;
	if (last == NULL || first == NULL)
		goto done;
	rc = person_insert(tx, seed->niss, last, first, lang != NULL ? lang : "fr", seed->email,
	    seed->names_from, id) == 1 ? 0 : -1;
	*created = rc == 0;
done:
	arena_free(a);
	return rc;
}

int
person_set_contact(struct store_tx *tx, int64_t id, const char *email, const char *language)
{
	int rc = store_exec(tx, SQL_PERSON_SET_CONTACT, "itt", id, email, language);

	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
person_get(struct store *s, struct arena *a, int64_t id, struct person *out)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = person_read(tx, a, id, out);
	store_rollback(&tx);
	return rc;
}

/* s, or NULL when s is empty (absent). */
static const char *
given(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
person_create(struct store *s, const struct actor *by, struct person *p)
{
	struct store_tx *tx;
	char object[32], actor[ACTOR_NAME_SIZE];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = by->role ? by->role : "system",
		.action = "person.create", .object = object, .source = by->source,
		.request_id = by->request_id,
	};
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	/* Names typed by whoever creates the person (the register's when it knows them). */
	rc = person_insert(tx, given(p->niss), p->last_name, p->first_name,
	    given(p->language) != NULL ? p->language : "fr", given(p->email), "manager", &p->id);
	if (rc != 1) {
		store_rollback(&tx);
		return rc;
	}
	snprintf(object, sizeof(object), "person:%" PRId64, p->id);
	if (audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

enum password_problem
person_set_password(struct store *s, const struct password_cfg *cfg, const struct actor *by,
    int64_t person_id, const char *username, const char *password, int *rc)
{
	enum password_problem p = password_check(cfg, password, username);
	struct store_tx *tx;
	char hash[256], actor[ACTOR_NAME_SIZE], object[32], at[CLOCK_TEXT_SIZE];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = by->role ? by->role : "person",
		.action = "password.set", .object = object, .source = by->source,
		.request_id = by->request_id,
	};
	int x;

	*rc = 0;
	if (p != PASSWORD_OK)
		return p;
	if (password_hash(cfg, password, hash, sizeof(hash)) != 0) {
		*rc = -1;
		return PASSWORD_OK;
	}
	snprintf(object, sizeof(object), "person:%" PRId64, person_id);
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		*rc = -1;
		return PASSWORD_OK;
	}
	x = clock_text(clock_time(), at) != 0 ? -1 :
	    store_exec_try(tx, SQL_PASSWORD_PUT, "ittt", person_id, username, hash, at);
	if (x != 1 || audit_append(tx, &ev) != 0) {
		store_rollback(&tx);
		*rc = x == -2 ? -2 : -1;
		return PASSWORD_OK;
	}
	*rc = store_commit(&tx);
	return PASSWORD_OK;
}
