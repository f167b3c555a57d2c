/* health.h — the probes of a node: /healthz (the process answers) and /readyz (the
 * database answers, its schema is not behind this binary's, the signing keys load). */
#ifndef PORTIER_OPS_HEALTH_H
#define PORTIER_OPS_HEALTH_H

#include <stddef.h>

#include "store/store.h"

struct oidc_provider;

/* The highest migration number among dir's NNN_name.sql files (the schema version this
 * binary expects). 0, or -1 when dir cannot be read or holds no migration. */
int ops_migrations_newest(const char *dir, int *newest);

/* Runs the readiness checks in order (database, schema not behind schema_newest, keys)
 * and writes a one-line JSON body naming each ({"status":"ready","checks":{...},
 * "schema_version":N,"binary_schema_version":M}, or "unavailable" with "failed" naming
 * the first failing check). oidc may be NULL (no keys check). Returns 0 when ready, -1
 * otherwise; the body is written in both cases. */
int ops_ready(struct store *s, int schema_newest, struct oidc_provider *oidc, char *body,
    size_t len);

#endif
