/* wire.h — how cmd/ connects layers that must not know each other. */
#ifndef PORTIER_CMD_WIRE_H
#define PORTIER_CMD_WIRE_H

#include "store/store.h"
#include "web/web.h"

/* Fills ops with functions that keep sessions in store s. */
void wire_sessions(struct web_session_ops *ops, struct store *s);

#endif
