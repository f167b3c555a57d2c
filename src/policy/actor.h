/* actor.h — who acts: the one description of the person behind a request that every
 * service takes (the audit's who, the policy's level, the catalogue's language). */
#ifndef PORTIER_POLICY_ACTOR_H
#define PORTIER_POLICY_ACTOR_H

#include <stddef.h>
#include <stdint.h>

/* In policy/ because it carries domain words (person, role, level of assurance) that
 * base/ must not know, and every service (access, csam, oidc …) may include policy/.
 * Strings are owned by the request (its arena or constants); the actor copies nothing.
 * Services compute the roles the policy checks (struct policy_actor) from person_id and
 * the store themselves: a handler's word is never trusted for them. */
struct actor {
	int64_t person_id;         /* 0: an anonymous visitor or the system */
	const char *name;          /* who acts when no person does, for the audit ("cli",
	                            * "system" …); NULL: "system" */
	const char *role;          /* the role acted as, for the audit ("GAP", "helpdesk" …); may be NULL */
	int64_t org_id;            /* the organisation acted for; 0: none or not known yet */
	int64_t quality_id;        /* the activated quality acted for; 0: none */
	int level;                 /* enum loa of the session */
	const char *request_id;
	const char *source;        /* client address, for the audit */
	const char *lang;          /* fr, nl, de, en: names of the catalogue, mails */
	/* A machine acting on this person's delegation (the API, SCIM: the person is who
	 * registered its system certificate, and the policy asks their roles): the
	 * certificate's client id, named beside the role in the audit trail. NULL: the
	 * person acts themselves. */
	const char *via;
};

#define ACTOR_NAME_SIZE 24
/* Who acts as the audit trail names them: the person's id, else name, else "system".
 * Written into out; returns out. */
const char *actor_name(const struct actor *a, char out[ACTOR_NAME_SIZE]);

#endif
