/* login.h — what the login doors share: the login page, and one registration function
 * per door file (door_eid.c, door_code.c …) so that each door stays in its own file. */
#ifndef PORTIER_APPS_LOGIN_H
#define PORTIER_APPS_LOGIN_H

#include "apps/login/doors.h"
#include "web/web.h"

/* Shows the login page with its doors (status 200, or 401/422/429 with an error message
 * in the request's language); keeps the typed user name and the page to return to. */
int login_show(struct web_req *r, int status, const char *username, const char *error_msgid,
    const char *next);
/* Starts the login page: the level asked, the doors that are on and reach it (list
 * "doors", in the table's order, each with its flag and level), the page to return to
 * (login_next(next)); alone (a door's second step: the token card's position, the code
 * sent by e-mail) leaves that door alone on the page, DOOR__N shows them all. Returns the
 * context for the door's own values, or NULL on error. */
struct tmpl_ctx *login_page_begin(struct web_req *r, const char *next,
    enum login_door_id alone);
/* login_page_begin at a level given rather than the one of ?level= (1 to 3). */
struct tmpl_ctx *login_page_begin_at(struct web_req *r, const char *next,
    enum login_door_id alone, int level);
/* login_show for a door that refused at a level given (the doors offered reach it). */
int login_show_at(struct web_req *r, int status, int level, const char *error_msgid,
    const char *next);
/* A local path to return to (anything else becomes "/"). */
const char *login_next(const char *next);
/* Opens the session of a person a door recognised: a new session id (the old one is
 * dropped), person, method ("eid", "totp", "token", "activation"), level and time of the
 * authentication, the language chosen before. Returns 0 or -1; the caller redirects. */
int login_session_open(struct web_req *r, int64_t person, const char *method, int level);
/* The routes of each door of doors.c's table, registered only when the door is on. */
/* The eID door: X.509 client certificate (door_eid.c). */
int door_eid_routes(struct web_server *s);
/* Access codes and a mobile-app code (door_code.c), with the app's enrolment (enrol.c). */
int door_totp_routes(struct web_server *s);
/* Access codes and a token card (door_code.c), with the cards' enrolment (enrol.c). */
int door_token_routes(struct web_server *s);
/* Access codes and a security code by e-mail (door_email.c). */
int door_email_routes(struct web_server *s);
/* Access codes alone (login.c). */
int door_password_routes(struct web_server *s);
/* Activation codes, whatever the doors (enrol.c); the enrolment of an app and of token
 * cards, registered by their doors. */
/* Passkeys: "Mon compte" → "Clés d'accès", the passwordless door and the door access
 * codes + passkey (door_passkey.c). */
int door_passkey_routes(struct web_server *s);
int enrol_routes(struct web_server *s);
int enrol_totp_routes(struct web_server *s);
int enrol_token_routes(struct web_server *s);
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
/* The doors of the upstream identity providers (door_idp.c); door_idp_offer lists on
 * the login page those that reach level (list "idps"). Returns how many, or -1. */
int door_idp_routes(struct web_server *s);
int door_idp_offer(struct web_req *r, struct tmpl_ctx *c, int level, const char *next);
/* Registers the routes of the doors that are on in doors (see doors.c). */
int login_door_routes(struct web_server *s, const struct login_doors *doors);

#endif
