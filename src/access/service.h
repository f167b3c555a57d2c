/* service.h — private to access/: the steps its services share inside their one
 * transaction (opening it with the policy check, a refusal audited; audit events with JSON
 * details; lists grown in the request's arena). Not for the other layers. */
#ifndef PORTIER_ACCESS_SERVICE_H
#define PORTIER_ACCESS_SERVICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "base/arena.h"
#include "policy/policy.h"
#include "store/store.h"

/* The cap of an arena a service call owns for what it reads and drops before returning. */
#define ACCESS_CALL_ARENA ((size_t)16 << 20)

/* Opens *tx in mode, reads org into o, its texts in a (o NULL: the organisation is not
 * read; a NULL: only checked to exist, see org_get) and checks that quality (0: none) is
 * one of org's. Returns ACCESS_OK, ACCESS_NOT_FOUND or ACCESS_ERROR; on anything but
 * ACCESS_OK *tx has been ended. */
enum access_rc access_begin(struct store *s, enum store_mode mode, int64_t org,
    int64_t quality, struct store_tx **tx, struct arena *a, struct org *o);
/* Asks the policy whether who may do action on t in org (access_allow). A refusal ends
 * *tx and is audited (access_refuse) with the person target_person (0: none) as object;
 * an error ends *tx too. */
enum access_rc access_check(struct store *s, struct store_tx **tx,
    const struct actor *who, int64_t org, enum policy_action action,
    const struct policy_target *t, int64_t target_person, struct policy_actor *actor);
/* access_begin for org and t's quality (o, a as there), then access_check of action on
 * t; a target that is the GAP (t->target_is_gap) is named in a refusal. */
enum access_rc access_open(struct store *s, enum store_mode mode, const struct actor *who,
    int64_t org, enum policy_action action, const struct policy_target *t,
    struct store_tx **tx, struct arena *a, struct org *o, struct policy_actor *actor);

/* access_open for the acting person's own data (POLICY_CHANGE_OWN_DATA) in org, which is
 * only checked to exist; org 0 is none: the person's own data, with platform roles only. */
enum access_rc access_open_own(struct store *s, enum store_mode mode,
    const struct actor *who, int64_t org, struct store_tx **tx, struct policy_actor *actor);

/* The roles in org (ROLE_GAP, ROLE_COGAP) of person when it is someone else than the one
 * acting (0 otherwise), into *roles: the policy's target_roles, so that nobody acts on the
 * account of someone above them (only the GAP changes, suspends, removes or displaces a
 * co-GAP; designating and removing co-GAPs is the GAP's alone, the product design §2).
 * Returns 0 or -1. */
int access_manager_roles(struct store_tx *tx, const struct actor *who, int64_t org,
    int64_t person, unsigned *roles);
/* The policy's role bit of an org_manager role (GAP, COGAP), else 0. */
unsigned access_role_bit(const char *role);

/* access_audit with details the JSON object j, which it releases (NULL, as from a failed
 * json_pack, fails). Returns 0 or -1. */
int access_audit_json(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, const char *action, const char *object,
    json_t *j);

/* Room for element n of the array v of *cap elements of size bytes: v itself, or a copy
 * twice as large in a (*cap updated). NULL when the arena is full. */
void *access_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);

/* A list grown in an arena: v holds n elements, with room for cap. */
struct access_list {
	void *v;
	size_t n, cap;
};
/* Fills elem, zeroed, from the current row of q (strings in a). Returns 0, or -1 when
 * the arena is full. */
typedef int access_row_fn(struct store_q *q, struct arena *a, void *elem);
/* Appends the rows of q to l, elements of size bytes grown in a, each filled by row;
 * ends q. Returns 0, or -1 (store failure, full arena). */
int access_read_rows(struct store_q *q, struct arena *a, struct access_list *l, size_t size,
    access_row_fn *row);

/* Sets *dst to a whole copy of src in a ("" for NULL: readers of a row get text, never
 * NULL). Returns 0, or -1 when the arena is full: never a silently empty text. The results
 * of several calls may be or-ed: 0 | -1 is -1. */
int access_dup(struct arena *a, const char **dst, const char *src);

/* Whether s is one of the NULL-terminated set. */
bool access_one_of(const char *s, const char *const *set);

#endif
