/* actor.c — the one builder of who acts from a request, for every web surface: the
 * session's person and level, the page's organisation and quality, the request's id,
 * address and language (struct actor, policy/actor.h). */
#include "apps/app.h"

struct actor
app_actor(struct web_req *r)
{
	struct web_session *s = web_session(r);
	struct actor a = {
		.lang = web_lang(r), .source = web_client(r), .request_id = web_rid(r),
		/* The path's ids (":org", ":q" of the access pages); 0 when the page has none.
		 * Services check them against the store: they only say where the page is. */
		.org_id = web_id(web_param(r, "org")), .quality_id = web_id(web_param(r, "q")),
	};

	if (s != NULL && s->person_id != 0) {
		a.person_id = s->person_id;
		a.level = s->auth_level;
	} else {
		a.name = "anonymous";   /* a visitor not logged in, as the audit names them */
	}
	return a;
}

const struct mail_texts *
app_mail(struct web_req *r)
{
	return ((const struct app *)web_app(r))->mail;
}
