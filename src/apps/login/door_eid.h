/* door_eid.h — what the eID door needs, made by cmd/ before the server starts and
 * reached through struct app (eid_door): the verifier, the trusted proxies and the demo
 * card reader. Read-only afterwards. */
#ifndef PORTIER_APPS_LOGIN_DOOR_EID_H
#define PORTIER_APPS_LOGIN_DOOR_EID_H

#include <stdbool.h>

#include "auth/eid.h"
#include "web/web.h"

struct eid_door {
	struct eid_verifier *verifier;    /* NULL: the door explains eID is not configured */
	struct eid_proxies *proxies;      /* trusted reverse proxies (may be empty) */
	const char *proxy_header;         /* header carrying their verified certificate */
	const struct web_server *server;  /* to point plain-HTTP visitors at the TLS port */
	bool demo_reader;                 /* demo mode only: the demo card reader page */
	const char *demo_dir;             /* the demo's test CA (cards/ holds the cards) */
};

/* Puts the defaults into d (the proxy header "X-SSL-Client-Cert" when none is set). The
 * pointed objects must outlive the server. */
void door_eid_prepare(struct eid_door *d);

#endif
