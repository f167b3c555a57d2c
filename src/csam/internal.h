/* internal.h — what the csam services share and nobody else needs: people by NISS, the
 * audit events of the folder and the recording of refusals. */
#ifndef PORTIER_CSAM_INTERNAL_H
#define PORTIER_CSAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "csam/csam.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "store/store.h"

/* A person as the csam services use them: texts in the caller's arena, "" when unknown. */
struct csam_person {
	int64_t id;
	const char *niss;          /* 11 digits or "" */
	const char *last_name, *first_name;
	const char *language;      /* fr, nl, de, en or "" */
	const char *email;
};

/* A copy of s (NULL: "") in a, never cut; NULL only when a is full. */
const char *csam_text(struct arena *a, const char *s);
/* The person with that NISS / id, its texts in a. Returns 0, 1 (none) or -1. */
int csam_person_by_niss(struct store_tx *tx, struct arena *a, const char *niss,
    struct csam_person *out);
int csam_person_get(struct store_tx *tx, struct arena *a, int64_t id, struct csam_person *out);
/* "First Last" of a person in a, for pages and mails; NULL when a is full. */
const char *csam_person_name(struct arena *a, const struct csam_person *p);
/* Finds the person with niss, or creates them (names and language from the persons
 * register when known there, else the ones given) with a person.create audit event.
 * Returns 0 with *id set, 1 when the person is in neither and no names were given, -1. */
int csam_person_ensure(struct store_tx *tx, const struct actor *who, const char *niss,
    const char *last, const char *first, const char *lang, int64_t *id);
/* Appends an audit event made by who acting as role in org (enterprise number, NULL).
 * details is a JSON object text or NULL. Returns 0 or -1. */
int csam_audit(struct store_tx *tx, const struct actor *who, const char *role,
    const char *org, const char *action, const char *object, const char *details);
/* Rolls *tx back (nothing changed) and records the refusal as access.denied with the
 * action and the reason, in a transaction of its own. Returns ACCESS_DENIED (ACCESS_ERROR when
 * the event cannot be written). */
enum access_rc csam_refuse(struct store *s, struct store_tx **tx, const struct actor *who,
    const char *org, enum policy_action action, enum policy_reason why, const char *object);
/* The registered seat of an enterprise on one line ("Rue 1 bte 2, 1000 Bruxelles") in
 * arena a, whole; NULL when a is full. */
const char *csam_address_line(struct arena *a, const struct reg_address *addr);
/* The policy's view of who in organisation org_id (0: none), plus ROLE_LEGAL_REP when
 * legal_rep. Returns 0 or -1. */
int csam_actor(struct store_tx *tx, const struct actor *who, int64_t org_id, bool legal_rep,
    struct policy_actor *out);

#endif
