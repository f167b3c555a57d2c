/* actor.h — what the policy needs to know of a person acting in an organisation: their
 * roles there, the qualities they manage, whether their account is suspended. */
#ifndef PORTIER_ACCESS_ACTOR_H
#define PORTIER_ACCESS_ACTOR_H

#include <stdint.h>

#include "policy/policy.h"
#include "store/store.h"

/* Fills out for person_id acting in organisation org_id (0: no organisation, only
 * platform roles) with the session's level. Reads inside tx. Returns 0 or -1.
 * The legal-representative role comes from the registry: callers that need it add
 * ROLE_LEGAL_REP themselves after asking the registry service. */
int access_actor(struct store_tx *tx, int64_t person_id, int64_t org_id, enum loa level,
    struct policy_actor *out);

#endif
