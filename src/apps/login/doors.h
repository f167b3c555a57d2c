/* doors.h — the login doors a deployment may open (`doors =` in portier.conf): one table
 * gives each door its name, its level of assurance, the flag its template partial is shown
 * under and its routes; the order of the table is the order of the login page (the
 * guide's: eID first). How to add a door: docs/login-doors.md. */
#ifndef PORTIER_APPS_LOGIN_DOORS_H
#define PORTIER_APPS_LOGIN_DOORS_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/email_code.h"
#include "web/web.h"

enum login_door_id {
	DOOR_EID,
	DOOR_PASSKEY,
	DOOR_IDP,
	DOOR_PASSWORD_TOTP,
	DOOR_PASSWORD_TOKENCARD,
	DOOR_PASSWORD_EMAIL,
	DOOR_PASSWORD,
	DOOR__N
};

struct login_door {
	enum login_door_id id;
	const char *name;     /* its name in `doors =` */
	int level;            /* the level of assurance it gives (policy/loa.h) */
	const char *flag;     /* login.html shows its partial under {{#if flag}} */
	/* Registers its routes (only when the door is on: off, they answer 404); NULL when
	 * this build has no such door yet (then it is accepted and shows nothing). */
	int (*routes)(struct web_server *s);
};

/* The doors of one application (struct app's doors), made at start by login_doors_parse. */
struct login_doors {
	unsigned on;                   /* bit 1u << id for each door named */
	struct email_code_cfg email;   /* door password+email */
};

/* The table, in the page's order; *n its length. */
const struct login_door *login_door_table(size_t *n);
/* Reads list ("eid, password+totp"; spaces around names allowed) into out->on. Returns 0,
 * or -1 with a message naming the bad value in err: an unknown name, an empty name or an
 * empty list. */
int login_doors_parse(const char *list, struct login_doors *out, char *err, size_t errlen);
/* True when the application of r has door id on. */
bool login_door_on(struct web_req *r, enum login_door_id id);

#endif
