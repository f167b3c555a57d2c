/* person.h — the people who log in to portier, and their access codes. */
#ifndef PORTIER_AUTH_PERSON_H
#define PORTIER_AUTH_PERSON_H

#include <stdint.h>

#include "auth/password.h"
#include "base/utf8.h"
#include "store/store.h"

struct person {
	int64_t id;
	char niss[12];            /* 11 digits or "" */
	char last_name[PERSON_NAME_SIZE];
	char first_name[PERSON_NAME_SIZE];
	char language[4];
	char email[256];
};

/* Reads person id into out. Returns 0, 1 (no such person) or -1 (also when a stored
 * text does not fit out: never cut). */
int person_get(struct store *s, int64_t id, struct person *out);
/* Creates a person (id set in p) and audits it as done by actor. Returns 0, -2 (NISS
 * already known) or -1. */
int person_create(struct store *s, struct person *p, const char *actor, const char *request_id);
/* Sets the access codes of a person after the policy check: PASSWORD_OK and 0, or the
 * problem; *rc receives -2 when the user name is taken, -1 on store errors, else 0. */
enum password_problem person_set_password(struct store *s, int64_t person_id,
    const char *username, const char *password, const char *request_id, int *rc);

#endif
