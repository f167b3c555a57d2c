/* eid_login.c — an accepted eID certificate becomes a session's person: found by NISS or
 * created from the certificate (first eID login), with the audit events, in one
 * transaction; refusals are audited with their reason (never the NISS). */
#include "auth/eid_login.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/eid_sql.h"
#include "auth/login.h"
#include "auth/person.h"

/* Details of an eID audit event as canonical-ready JSON (jansson escapes); NULL on
 * memory errors. The caller frees it. */
static char *
details(const struct eid_identity *id, const char *via, const char *reason)
{
	json_t *j = json_object();
	char *out = NULL;

	if (j == NULL)
		return NULL;
	if (json_object_set_new(j, "via", json_string(via ? via : "?")) != 0)
		goto done;
	if (reason != NULL && json_object_set_new(j, "reason", json_string(reason)) != 0)
		goto done;
	if (id != NULL && id->serial != NULL && id->serial[0] != '\0' &&
	    (json_object_set_new(j, "certificate", json_string(id->serial)) != 0 ||
	    json_object_set_new(j, "issuer", json_string(id->issuer != NULL ? id->issuer : "")) != 0))
		goto done;
	if (id != NULL && reason != NULL && id->detail != NULL && id->detail[0] != '\0' &&
	    json_object_set_new(j, "detail", json_string(id->detail)) != 0)
		goto done;
	out = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
done:
	json_decref(j);
	return out;
}

static const char *
language_or_fr(const char *l)
{
	if (l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "nl") == 0 || strcmp(l, "de") == 0 ||
	    strcmp(l, "en") == 0))
		return l;
	return "fr";
}

int
eid_login(struct store *s, struct eid_login *a)
{
	struct store_tx *tx = NULL;
	char actor[24], object[32];
	char *det = details(a->id, a->via, NULL);
	struct audit_event create = {
		.actor = actor, .actor_role = "person", .action = "person.create",
		.object = object, .details = "{\"via\":\"eid\"}", .source = a->by.source,
		.request_id = a->by.request_id,
	};
	struct audit_event names = {
		.actor = actor, .actor_role = "person", .action = "person.names",
		.object = object, .details = "{\"from\":\"eid\"}", .source = a->by.source,
		.request_id = a->by.request_id,
	};
	struct audit_event login = {
		.actor = actor, .actor_role = "person", .action = "login.eid.success",
		.object = "door:eid", .details = det, .source = a->by.source,
		.request_id = a->by.request_id,
	};
	struct person_seed seed = {
		.niss = a->id != NULL ? a->id->niss : NULL,
		.last_name = a->id != NULL ? a->id->last_name : NULL,
		.first_name = a->id != NULL ? a->id->first_name : NULL,
		.language = language_or_fr(a->by.lang), .names_from = "eid",
	};
	int renamed = 0;

	a->person_id = 0;
	a->created = false;
	if (det == NULL || a->id == NULL || a->id->niss == NULL || a->id->niss[0] == '\0')
		goto fail;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto fail;
	/* Found by NISS, or created with the card's names (first eID login). */
	if (person_ensure(tx, &seed, &a->person_id, &a->created) != 0)
		goto fail;
	if (!a->created) {
		/* Names a manager typed for someone nobody knew: the card's from now on. */
		renamed = store_exec(tx, SQL_EID_PERSON_CARD_NAMES, "itt", a->person_id,
		    a->id->last_name, a->id->first_name);
		if (renamed < 0)
			goto fail;
	}
	snprintf(actor, sizeof(actor), "%" PRId64, a->person_id);
	snprintf(object, sizeof(object), "person:%" PRId64, a->person_id);
	/* The card proves who they are: failed passwords no longer slow their account. */
	if ((a->created && audit_append(tx, &create) != 0) ||
	    (renamed > 0 && audit_append(tx, &names) != 0) || audit_append(tx, &login) != 0 ||
	    login_clear_person(tx, a->person_id) != 0)
		goto fail;
	if (store_commit(&tx) != 0) {
		tx = NULL;
		goto fail;
	}
	free(det);
	return 0;
fail:
	store_rollback(&tx);
	free(det);
	a->person_id = 0;
	a->created = false;
	return -1;
}

int
eid_login_refused(struct store *s, const struct actor *by, enum eid_status st,
    const struct eid_identity *id, const char *via)
{
	struct store_tx *tx;
	char *det = details(id, via, eid_status_reason(st));
	struct audit_event ev = {
		.actor_role = "person", .action = "login.eid.failure", .object = "door:eid",
		.details = det, .source = by->source, .request_id = by->request_id,
	};
	int rc = -1;

	if (det == NULL)
		return -1;
	if (store_begin(s, STORE_WRITE, &tx) == 0) {
		if (audit_append(tx, &ev) == 0)
			rc = store_commit(&tx);
		else
			store_rollback(&tx);
	}
	free(det);
	return rc;
}
