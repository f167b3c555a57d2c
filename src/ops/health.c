/* health.c — the check behind /healthz: one trivial read of the store.
 * Cheap enough to be called by a load balancer every second. */
#include "ops/health.h"

int
ops_health(struct store *s)
{
	return store_ping(s);
}
