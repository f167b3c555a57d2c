/* actor.c — the name of who acts in the audit trail, one rule for every service: a
 * person by their id, otherwise the operator or program that acts ("cli", "system"). */
#include "policy/actor.h"

#include <inttypes.h>
#include <stdio.h>

const char *
actor_name(const struct actor *a, char out[ACTOR_NAME_SIZE])
{
	int n;

	if (a != NULL && a->person_id > 0)
		n = snprintf(out, ACTOR_NAME_SIZE, "%" PRId64, a->person_id);
	else
		n = snprintf(out, ACTOR_NAME_SIZE, "%s", a != NULL && a->name != NULL &&
		    a->name[0] != '\0' ? a->name : "system");
	/* A name longer than the buffer is a caller's mistake: never a cut name. */
	if (n < 0 || n >= ACTOR_NAME_SIZE)
		snprintf(out, ACTOR_NAME_SIZE, "system");
	return out;
}
