/* loa.h — levels of assurance: what each login door is worth, and their names for
 * pages and for OpenID Connect acr values. Pure code. */
#ifndef PORTIER_POLICY_LOA_H
#define PORTIER_POLICY_LOA_H

enum loa {
	LOA_NONE = 0,
	LOA_LOW = 1,          /* access codes alone, or with a code sent by e-mail */
	LOA_SUBSTANTIAL = 2,  /* password + one-time code (mobile app or token card) */
	LOA_HIGH = 3,         /* eID card: X.509 client certificate */
};

/* The level a login method gives ("eid", "password", "email", "totp", "token"); LOA_NONE if unknown. */
enum loa loa_of_method(const char *method);
/* French msgid naming the level, for pages ("faible", "substantiel", "élevé"). */
const char *loa_msgid(enum loa l);
/* The acr value of a level ("urn:portier:loa:low" …), NULL for LOA_NONE. */
const char *loa_acr(enum loa l);
/* The level named by an acr value, or LOA_NONE when unknown. */
enum loa loa_from_acr(const char *acr);

#endif
