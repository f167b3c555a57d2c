/* capacity_guard.c — what the access-management pages ask after login: a capacity chosen
 * for the session ("Sous quelle qualité voulez-vous vous authentifier?"). */
#include "apps/app.h"

#include <string.h>

#include "policy/loa.h"

int
app_require_capacity(struct web_req *r)
{
	struct web_session *s = web_session(r);
	const char *here = web_path(r), *enc;
	char *to;

	if (s == NULL || s->person_id == 0)
		return app_require_level(r, LOA_LOW);
	if (s->capacity[0] != '\0')
		return 1;
	/* Only GET pages come back after the choice; a form posted without one starts over. */
	if (strcmp(web_method(r), "GET") != 0)
		here = "/";
	enc = web_url_encode(web_arena(r), here);
	to = enc ? arena_printf(web_arena(r), "/capacite?next=%s", enc) : NULL;
	if (to == NULL || web_redirect(r, to) != 0)
		web_error(r, 500);
	return 0;
}
