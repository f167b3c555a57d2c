/* internal.h — what the files of machine/ share: the opening of an operation on a
 * quality (organisation, quality, policy, a refusal audited), audit events, times. */
#ifndef PORTIER_MACHINE_INTERNAL_H
#define PORTIER_MACHINE_INTERNAL_H

#include <jansson.h>

#include "machine/certs.h"

#define ACCESS_CALL_ARENA_M ((size_t)4 << 20)

/* The quality acted on: its organisation, catalogue code and name, the actor's roles. */
struct machine_scope {
	struct org org;
	const char *code, *name;
	struct policy_actor actor;
};

/* Opens *tx, reads org and its activated quality into sc (texts in a), asks the policy
 * for action; a refusal ends *tx and is audited (access.denied). On anything but
 * ACCESS_OK *tx is ended. */
enum access_rc machine_open(struct store *s, enum store_mode mode, const struct actor *who,
    int64_t org, int64_t quality, enum policy_action action, struct store_tx **tx,
    struct arena *a, struct machine_scope *sc);
/* An audit event of the organisation with details (taken; NULL fails). 0 or -1. */
int machine_audit(struct store_tx *tx, const struct actor *who, const struct machine_scope *sc,
    const char *action, const char *object, json_t *details);
/* Seconds since the epoch of a stored time ("2026-01-31T12:00:00Z"), 0 if not one. */
int64_t machine_time_of(const char *text);
/* Whether s is 1..max_chars characters of UTF-8 without control characters. */
bool machine_text_ok(const char *s, size_t max_chars);
/* The channels of sc's quality into out (channels.c). 0 or -1. */
int machine_channel_rows(struct store_tx *tx, struct arena *a, const struct machine_scope *sc,
    struct cert_view *out);

#endif
