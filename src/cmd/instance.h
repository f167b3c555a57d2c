/* instance.h — one portier application built from its settings: each configured thing
 * (store, OIDC provider, mail runner, web server …) is a handle made here and reached
 * through struct app, never a process global, so two instances can live in one process. */
#ifndef PORTIER_CMD_INSTANCE_H
#define PORTIER_CMD_INSTANCE_H

#include "apps/app.h"
#include "cmd/cmd.h"
#include "cmd/config.h"

struct instance;

/* Builds the application of c and starts listening: the issuer, the store (migrated;
 * seeded in demo mode), the mail runner, the OIDC provider, the web server and its
 * routes. c and eid (eid_runtime_setup, or zeroed: no TLS, no eID) must outlive the
 * instance: its handles point into them.
 * 0, or -1 after printing why on stderr. */
int instance_start(const struct config *c, struct eid_runtime *eid, struct instance **out);
/* The application its handlers see (for tests and the commands). */
struct app *instance_app(struct instance *in);
/* The port the plain listener bound (useful with port 0); the TLS one (0: none). */
int instance_port(const struct instance *in);
int instance_tls_port(const struct instance *in);
/* Lets running requests finish (at most grace_ms), stops the threads and frees all. */
void instance_stop(struct instance *in, int grace_ms);

#endif
