/* health.h — whether this node can serve: the database answers and is migrated. */
#ifndef PORTIER_OPS_HEALTH_H
#define PORTIER_OPS_HEALTH_H

#include "store/store.h"

/* Returns 0 when healthy, -1 otherwise. */
int ops_health(struct store *s);

#endif
