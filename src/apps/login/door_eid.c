/* door_eid.c — the eID door: log in with the X.509 authentication certificate of a
 * Belgian identity card, over portier's TLS listener or a trusted reverse proxy. */
#include "apps/login/login.h"

int
door_eid_routes(struct web_server *s)
{
	(void)s;
	return 0;
}
