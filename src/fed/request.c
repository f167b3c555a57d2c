/* request.c — the federation service's rule for login and re-authentication of a pending
 * request: the level is checked by the pages (app_require_level), the freshness here. */
#include "fed/request.h"

#include <sodium.h>
#include <string.h>

void
fed_session_mark(const char *session_id, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)session_id, strlen(session_id), NULL,
	    0);
}

bool
fed_fresh_login_due(const struct fed_request *r, int64_t now, int64_t auth_time,
    const unsigned char mark[32])
{
	if (!r->force_login && !(r->max_age >= 0 && now - auth_time > r->max_age))
		return false;
	if (!r->has_stale_session || auth_time < r->created_at)
		return true;
	return sodium_memcmp(mark, r->stale_session, 32) == 0;
}
