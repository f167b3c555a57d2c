/* guard.c — what pages ask of the visitor's session before anything else: logged in,
 * at a sufficient level of assurance; otherwise off to the login page and back. */
#include "apps/app.h"

#include <stdio.h>
#include <string.h>

#include "web/i18n.h"

int
app_require_level(struct web_req *r, int min_level)
{
	struct web_session *s = web_session(r);
	const char *here = web_path(r);
	char *to;

	if (s != NULL && s->person_id != 0 && s->auth_level >= min_level)
		return 1;
	/* Only GET pages come back after login; a form posted without the level starts over. */
	if (strcmp(web_method(r), "GET") != 0)
		here = "/";
	to = arena_printf(web_arena(r), "/login?level=%d&next=%s", min_level,
	    web_url_encode(web_arena(r), here));
	if (to == NULL || web_redirect(r, to) != 0)
		web_error(r, 500);
	return 0;
}
