/* org_id.h — the identifiers of organisations (issue 16, part 5): the catalogue of types
 * (an enterprise number, a foreign registration, an INAMI/RIZIV number, a number the
 * helpdesk assigns), their values as shown, and the helpdesk's numbers. Pure, no I/O. */
#ifndef PORTIER_ACCESS_ORG_ID_H
#define PORTIER_ACCESS_ORG_ID_H

#include <stdbool.h>
#include <stddef.h>

#define ORG_ID_VALUE_MAX 64         /* the longest identifier value stored */
#define ORG_ID_HELPDESK_SIZE 13     /* "HD-XXXX-XXXX" and NUL */

/* The French msgid of type's name ("Numéro INAMI"), NULL for a type not in the catalogue
 * (the same codes as table org_id_type, migrations/022_org_identifier.sql). */
const char *org_id_type_msgid(const char *type);
/* True for the types an exception request without enterprise number may ask for:
 * "inami" (typed) and "helpdesk" (assigned at the approval). */
bool org_id_requestable(const char *type);
/* The value as shown: an enterprise number 0123.456.789, an INAMI number 1-23456-78-901,
 * anything else as stored. Writes "" for NULL. */
void org_id_show(const char *type, const char *value, char *out, size_t outlen);
/* A new helpdesk number "HD-XXXX-XXXX" (libsodium, 32 symbols without look-alikes: 2^40
 * numbers; the unique index refuses the rare repeat, the caller draws again). */
void org_id_helpdesk_new(char out[ORG_ID_HELPDESK_SIZE]);

#endif
