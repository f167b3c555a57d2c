/* internal.h — what the csam services share and nobody else needs: the checks of typed
 * values, the countries, people's names, the audit events of the folder. */
#ifndef PORTIER_CSAM_INTERNAL_H
#define PORTIER_CSAM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/actor.h"
#include "auth/person.h"
#include "base/arena.h"
#include "csam/csam.h"
#include "policy/policy.h"
#include "registry/registry.h"
#include "store/store.h"

/* People are read through their owner, auth/person.h (person_read, person_find_niss);
 * the policy's view of who, refusals and audit events come from access/ (access_actor,
 * access_allow, access_refuse_named, access_audit_as). */

/* A copy of s (NULL: "") in a, never cut; NULL only when a is full. */
const char *csam_text(struct arena *a, const char *s);
/* "First Last" of a person in a, for pages and mails; NULL when a is full. */
const char *csam_person_name(struct arena *a, const struct person *p);
/* Finds the person with niss, or creates them (names and language from the persons
 * register when known there, else the ones given) with a person.create audit event.
 * Returns 0 with *id set, 1 when the person is in neither and no names were given, -1. */
int csam_person_ensure(struct store_tx *tx, const struct actor *who, const char *niss,
    const char *last, const char *first, const char *lang, int64_t *id);
/* The registered seat of an enterprise on one line ("Rue 1 bte 2, 1000 Bruxelles") in
 * arena a, whole; NULL when a is full. */
const char *csam_address_line(struct arena *a, const struct reg_address *addr);

#endif
