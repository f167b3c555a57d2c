/* doors.c — the list of login doors besides the access codes: each door file adds its
 * registration here, so that login.c does not change when a door is added. */
#include "apps/login/login.h"

int
login_door_routes(struct web_server *s)
{
	if (door_eid_routes(s) != 0 || door_code_routes(s) != 0 ||
	    door_passkey_routes(s) != 0)
		return -1;
	return 0;
}
