/* session_open.c — how a door that recognised a person opens the session: a new session
 * id (never the one from before the login), who, by which door, at which level of
 * assurance and when; the language chosen before stays. */
#include "apps/login/login.h"
#include "base/clock.h"
#include "base/metrics.h"

#include <time.h>

int
login_session_open(struct web_req *r, int64_t person, const char *method, int level)
{
	struct web_session s = { 0 };
	const struct web_session *cur = web_session(r);

	if (cur != NULL)
		s.lang = cur->lang;
	metric_login(metric_door_of(method), MRES_SUCCESS);   /* a door decided: this person */
	/* A step-up: the same visitor, logged in before at a lower level. */
	if (cur != NULL && cur->person_id == person && cur->auth_level < level)
		metric_stepup(metric_door_of(method));
	s.person_id = person;
	s.auth_method = method;
	s.auth_level = level;
	s.auth_time = clock_time();
	return web_session_rotate(r, &s);
}
