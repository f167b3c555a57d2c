/* person.h — the people who log in to portier, and their access codes. This module owns
 * the person table: other modules find and create people only through it. */
#ifndef PORTIER_AUTH_PERSON_H
#define PORTIER_AUTH_PERSON_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/password.h"
#include "base/utf8.h"
#include "policy/actor.h"
#include "store/store.h"

struct arena;

/* Texts are owned by the arena the reader was given ("" when the column is empty). */
struct person {
	int64_t id;
	const char *niss;         /* 11 digits or "" */
	const char *last_name;
	const char *first_name;
	const char *language;
	const char *email;
	const char *name_source;  /* read only: "manager", "register" or "eid" (whose names) */
};

/* What person_ensure needs to create someone portier does not know yet. */
struct person_seed {
	const char *niss;         /* 11 digits */
	const char *last_name;    /* the names to use when the register does not know the */
	const char *first_name;   /* NISS; NULL: unknown there means nobody to create */
	const char *language;     /* NULL: "fr" */
	const char *email;        /* NULL: none */
	const char *names_from;   /* "manager", "register" or "eid" (the card's names win) */
	bool from_register;       /* look the NISS up in the persons register first: its names
	                           * and language (when fr/nl/de/en) are used */
};

/* The person of id in tx into out, its texts in a: 0, 1 (no such person) or -1 (also
 * when a is full). */
int person_read(struct store_tx *tx, struct arena *a, int64_t id, struct person *out);
/* The person of a NISS (11 digits) in tx into out: 0, 1 (unknown) or -1 as person_read. */
int person_find_niss(struct store_tx *tx, struct arena *a, const char *niss,
    struct person *out);
/* The one way a person comes into being: the person of seed->niss, else created in tx
 * (names from the persons register when it knows the NISS). *id receives the person,
 * *created whether it was created here; the caller audits the creation in its own words.
 * Returns 0, 1 (unknown to the register and no names given: nobody created) or -1. */
int person_ensure(struct store_tx *tx, const struct person_seed *seed, int64_t *id,
    bool *created);

/* Sets the e-mail address (NULL: none) and language a person gives for themself, in tx
 * (the caller checked them and audits the change). Returns 0, 1 (no such person) or -1. */
int person_set_contact(struct store_tx *tx, int64_t id, const char *email,
    const char *language);

/* Reads person id into out, its texts in a. Returns 0, 1 (no such person) or -1. */
int person_get(struct store *s, struct arena *a, int64_t id, struct person *out);
/* Creates a person (id set in p; NULL or "" texts: none) and audits it as done by by.
 * Returns 0, -2 (NISS already known) or -1. */
int person_create(struct store *s, const struct actor *by, struct person *p);
/* Sets the access codes of person_id, audited as done by by, after the policy check of
 * cfg: PASSWORD_OK and 0, or the problem; *rc receives -2 when the user name is taken, -1
 * on store errors, else 0. */
enum password_problem person_set_password(struct store *s, const struct password_cfg *cfg,
    const struct actor *by, int64_t person_id, const char *username, const char *password,
    int *rc);

#endif
