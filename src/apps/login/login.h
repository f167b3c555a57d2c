/* login.h — what the login doors share: the login page, and one registration function
 * per door file (door_eid.c, door_code.c …) so that each door stays in its own file. */
#ifndef PORTIER_APPS_LOGIN_H
#define PORTIER_APPS_LOGIN_H

#include "web/web.h"

/* Shows the login page with its doors (status 200, or 401/422/429 with an error message
 * in the request's language); keeps the typed user name and the page to return to. */
int login_show(struct web_req *r, int status, const char *username, const char *error_msgid,
    const char *next);
/* Starts the login page: the level asked, the doors that reach it, the page to return to
 * (login_next(next)); token_step (the second step of the token door) leaves that door
 * alone on the page. Returns the context for the door's own values, or NULL on error. */
struct tmpl_ctx *login_page_begin(struct web_req *r, const char *next, bool token_step);
/* A local path to return to (anything else becomes "/"). */
const char *login_next(const char *next);
/* Opens the session of a person a door recognised: a new session id (the old one is
 * dropped), person, method ("eid", "totp", "token", "activation"), level and time of the
 * authentication, the language chosen before. Returns 0 or -1; the caller redirects. */
int login_session_open(struct web_req *r, int64_t person, const char *method, int level);
/* The eID door: X.509 client certificate (door_eid.c). */
int door_eid_routes(struct web_server *s);
/* The one-time-code doors: mobile app (TOTP) and token card, and their enrolment
 * (door_code.c and the files it names). */
int door_code_routes(struct web_server *s);
/* Passkeys: "Mon compte" → "Clés d'accès", the passwordless door and the door access
 * codes + passkey (door_passkey.c). */
int door_passkey_routes(struct web_server *s);
/* Enrolment of a mobile app and of token cards, activation codes (enrol.c). */
int enrol_routes(struct web_server *s);
/* "Modifier mon mot de passe" (password_change.c). */
int password_change_routes(struct web_server *s);
/* "Sous quelle qualité voulez-vous vous authentifier?" (capacity.c). */
int capacity_routes(struct web_server *s);
/* "Mon compte": the session's level and capacity, the person's means of login (account.c). */
int account_routes(struct web_server *s);
/* The enrolment rule: returns 1 when the session may enrol access codes, an app or a
 * token card (eID, or a fresh activation-code session); otherwise answers with a step-up
 * to eID and returns 0 (the handler then returns 0 at once). */
int enrol_require(struct web_req *r);
/* The French msgid naming a capacity value (employer, social_security, health), or NULL
 * when the value (not NULL: a session's capacity is "" when none) is not one of them
 * (capacity.c). */
const char *capacity_msgid(const char *value);
/* A one-time code as typed ("123 456" or "123456") without its spaces into out; false,
 * and out empty (a code that matches nothing), when it does not fit in outlen. */
bool door_code_strip(const char *in, char *out, size_t outlen);
/* Registers the routes of every door other than the access codes (see doors.c). */
int login_door_routes(struct web_server *s);

#endif
