/* eid_login.h — the eID door's service: a verified certificate becomes a person (created
 * on their first eID login from the certificate's NISS and names), and every success and
 * refusal is an audit event (login.eid.success / login.eid.failure with the reason). */
#ifndef PORTIER_AUTH_EID_LOGIN_H
#define PORTIER_AUTH_EID_LOGIN_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/eid.h"
#include "policy/actor.h"
#include "store/store.h"

struct eid_login {
	const struct eid_identity *id;   /* a certificate eid_verify_* accepted */
	const char *via;                 /* "tls", "proxy" or "demo" */
	struct actor by;                 /* nobody yet: address, request id, and in lang a new
	                                  * person's language (fr, nl, de, en) */
	int64_t person_id;               /* out */
	bool created;                    /* out: the person was created by this login */
};

/* Finds (or creates) the person of a->id by NISS and records the login, in one
 * transaction. Returns 0, or -1 on store errors. */
int eid_login(struct store *s, struct eid_login *a);
/* Records a refused eID login with its reason (id may be NULL: no certificate).
 * Returns 0 or -1. */
int eid_login_refused(struct store *s, const struct actor *by, enum eid_status st,
    const struct eid_identity *id, const char *via);

#endif
