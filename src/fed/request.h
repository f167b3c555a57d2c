/* request.h — a pending authentication request as the federation service sees it,
 * whatever the protocol (docs/federation.md): who asks, for which application, at which
 * level, and whether a fresh login is demanded; and the rule that says when the login
 * of the session is not enough. Pure: each protocol stores its requests and maps them. */
#ifndef PORTIER_FED_REQUEST_H
#define PORTIER_FED_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

enum fed_kind { FED_OIDC = 0, FED_SAML = 1 };

struct fed_request {
	enum fed_kind kind;
	const char *requester;            /* OpenID client id, SAML entity id */
	const char *application;          /* the catalogue's code the requester is linked to */
	int level;                        /* level of assurance demanded (policy/loa.h) */
	bool force_login;                 /* OpenID prompt=login, SAML ForceAuthn */
	int64_t max_age;                  /* seconds since the login; -1 when not given */
	int64_t created_at;
	/* The session sent to log in again (fed_session_mark), once the request did. */
	bool has_stale_session;
	unsigned char stale_session[32];
};

/* The mark of a session: BLAKE2b of its cookie value, which a login rotates. */
void fed_session_mark(const char *session_id, unsigned char out[32]);

/* Whether r needs a fresh login that has not happened yet, at now, for a session logged
 * in at auth_time whose mark is mark: a fresh login is demanded (force_login, or max_age
 * passed) and no login took place since the request sent the person to log in again
 * (the session is older than the request, or still the one sent). */
bool fed_fresh_login_due(const struct fed_request *r, int64_t now, int64_t auth_time,
    const unsigned char mark[32]);

#endif
