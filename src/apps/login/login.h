/* login.h — what the login doors share: the login page, and one registration function
 * per door file (door_eid.c, door_code.c …) so that each door stays in its own file. */
#ifndef PORTIER_APPS_LOGIN_H
#define PORTIER_APPS_LOGIN_H

#include "web/web.h"

/* Shows the login page with its doors (status 200, or 401/422/429 with an error message
 * in the request's language); keeps the typed user name and the page to return to. */
int login_show(struct web_req *r, int status, const char *username, const char *error_msgid,
    const char *next);
/* The eID door: X.509 client certificate (door_eid.c). */
int door_eid_routes(struct web_server *s);
/* The one-time-code doors: mobile app (TOTP) and token card, and their enrolment
 * (door_code.c and the files it names). */
int door_code_routes(struct web_server *s);
/* Registers the routes of every door other than the access codes (see doors.c). */
int login_door_routes(struct web_server *s);

#endif
