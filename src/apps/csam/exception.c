/* exception.c — placeholder while the pages are written. */
#include "apps/csam/csam_app.h"

int
csam_exception_routes(struct web_server *s)
{
	(void)s;
	return 0;
}
