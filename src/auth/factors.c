/* factors.c — what the mobile-app codes and the token cards share: the audit event of a
 * person's change to their own factor, the end of a removal, and the steps of the code
 * doors that are the same at both (access codes first, then refusals). */
#include "auth/factors.h"

#include <inttypes.h>
#include <stdio.h>

#include "audit/audit.h"

int
factors_audit(struct store_tx *tx, const struct actor *by, const char *action,
    const char *reason)
{
	char actor[ACTOR_NAME_SIZE], object[32], details[256];
	struct audit_event ev = {
		.actor = actor_name(by, actor), .actor_role = "person", .action = action,
		.object = object, .details = details, .source = by->source,
		.request_id = by->request_id,
	};

	snprintf(object, sizeof(object), "person:%" PRId64, by->person_id);
	if (json_text(details, sizeof(details), "{s:s}", "reason", reason) != 0)
		return -1;
	return audit_append(tx, &ev);
}

int
factors_removed(struct store_tx **tx, const struct actor *by, int n, const char *action)
{
	if (n < 0 || factors_audit(*tx, by, action, n > 0 ? "ok" : "none") != 0) {
		store_rollback(tx);
		return -1;
	}
	if (store_commit(tx) != 0)
		return -1;
	return n > 0 ? 0 : 1;
}

enum login_result
factors_login_refuse(struct store_tx **tx, const struct login_attempt *a, const char *door,
    const char *reason)
{
	if (login_note_failure(*tx, a, door, reason) != 0) {
		store_rollback(tx);
		return LOGIN_ERROR;
	}
	return store_commit(tx) == 0 ? LOGIN_REFUSED : LOGIN_ERROR;
}

enum login_result
factors_login_password(struct store *s, struct login_attempt *a, const char *door,
    struct store_tx **tx, int64_t *person)
{
	enum login_result res;
	int64_t p;

	*tx = NULL;
	res = login_gate(s, a, door);
	if (res != LOGIN_OK)
		return res;
	p = login_verify_password(s, a);
	if (p == -1)
		return LOGIN_ERROR;
	if (store_begin(s, STORE_WRITE, tx) != 0)
		return LOGIN_ERROR;
	if (p <= 0)
		return factors_login_refuse(tx, a, door, p == 0 ? "wrong password" :
		    "unknown user name");
	*person = p;
	return LOGIN_OK;
}
