/* helpdesk.c — placeholder while the pages are written. */
#include "apps/csam/csam_app.h"

int
helpdesk_routes(struct web_server *s)
{
	(void)s;
	return 0;
}
