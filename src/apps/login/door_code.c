/* door_code.c — the doors that add a one-time code to the access codes: a code from a
 * mobile app (TOTP) or from a personal token card; and their enrolment. */
#include "apps/login/login.h"

int
door_code_routes(struct web_server *s)
{
	(void)s;
	return 0;
}
