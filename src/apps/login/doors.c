/* doors.c — the table of login doors (name in `doors =`, level, template flag, routes) in
 * the order of the login page, the reading of `doors =`, and the registration of the routes
 * of the doors that are on: a door that is off has no route (404). A new door adds its
 * line here (docs/login-doors.md); login.c does not change. */
#include "apps/login/doors.h"

#include <stdio.h>
#include <string.h>

#include "apps/app.h"
#include "apps/login/login.h"
#include "policy/loa.h"

static const struct login_door table[] = {
	{ DOOR_EID, "eid", LOA_HIGH, "door_eid", door_eid_routes },
	{ DOOR_PASSKEY, "passkey", LOA_SUBSTANTIAL, "door_passkey", door_passkey_routes },
	{ DOOR_IDP, "idp", LOA_SUBSTANTIAL, "door_idp", door_idp_routes },
	{ DOOR_PASSWORD_TOTP, "password+totp", LOA_SUBSTANTIAL, "door_totp", door_totp_routes },
	{ DOOR_PASSWORD_TOKENCARD, "password+tokencard", LOA_SUBSTANTIAL, "door_token",
	    door_token_routes },
	{ DOOR_PASSWORD_EMAIL, "password+email", LOA_LOW, "door_email", door_email_routes },
	{ DOOR_PASSWORD, "password", LOA_LOW, "door_password", door_password_routes },
};

const struct login_door *
login_door_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

/* The known names, for the message of a refusal. */
static void
known_names(char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int k = snprintf(out + o, outlen - o, "%s%s", i ? ", " : "", table[i].name);

		if (k < 0 || (size_t)k >= outlen - o)
			return;
		o += (size_t)k;
	}
}

/* The door named by the n bytes at name, or NULL. */
static const struct login_door *
door_named(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strlen(table[i].name) == n && memcmp(table[i].name, name, n) == 0)
			return &table[i];
	return NULL;
}

int
login_doors_parse(const char *list, struct login_doors *out, char *err, size_t errlen)
{
	const char *p = list;
	char known[256];

	out->on = 0;
	known_names(known, sizeof(known));
	for (;;) {
		const char *b, *e, *comma = strchr(p, ',');
		const struct login_door *d;

		e = comma ? comma : p + strlen(p);
		b = p;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (b == e) {
			if (comma == NULL && out->on == 0 && p == list)
				snprintf(err, errlen, "doors: no door named (known: %s)", known);
			else
				snprintf(err, errlen, "doors: an empty name in \"%s\" (known: %s)",
				    list, known);
			return -1;
		}
		d = door_named(b, (size_t)(e - b));
		if (d == NULL) {
			snprintf(err, errlen, "doors: unknown door \"%.*s\" (known: %s)",
			    (int)(e - b > 64 ? 64 : e - b), b, known);
			return -1;
		}
		out->on |= 1u << d->id;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

bool
login_door_on(struct web_req *r, enum login_door_id id)
{
	const struct app *app = web_app(r);

	return app != NULL && app->doors != NULL && (app->doors->on & (1u << id)) != 0;
}

int
login_door_routes(struct web_server *s, const struct login_doors *doors)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if ((doors->on & (1u << table[i].id)) != 0 && table[i].routes != NULL &&
		    table[i].routes(s) != 0)
			return -1;
	return 0;
}
