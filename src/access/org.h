/* org.h — organisations and their main access managers: creation (by the standard or
 * the exception procedure), reading, GAP and co-GAPs. Callers check the policy first
 * (policy.h) and pass the transaction, so that the change and its audit event are one. */
#ifndef PORTIER_ACCESS_ORG_H
#define PORTIER_ACCESS_ORG_H

#include <stdint.h>

#include "base/arena.h"
#include "policy/actor.h"
#include "store/store.h"

struct org_new {
	const char *enterprise;      /* 10 digits, or NULL for a foreign company */
	const char *country;         /* "BE" or ISO code of the foreign company */
	const char *foreign_reg;     /* foreign registration/VAT number, or NULL */
	const char *name;
	const char *address;
	const char *contact_email;
	const char *contact_phone;
	const char *procedure;       /* "standard" or "exception" */
	const char *id_type;         /* NULL: "kbo" or "foreign" from the numbers above; else
	                              * another type of org_id.h ("inami", "helpdesk") */
	const char *id_value;        /* that identifier's value (NULL with id_type NULL) */
};

/* An organisation as read: texts whole, in the reader's arena ("" when not set). */
struct org {
	int64_t id;
	const char *enterprise;      /* 10 digits, or "" for a foreign company */
	const char *country;         /* "BE" or ISO code */
	const char *foreign_reg;
	const char *name;
	const char *address;
	const char *contact_email;
	const char *contact_phone;
	const char *procedure;       /* "standard" or "exception" */
	const char *created_at;
	const char *id_type;         /* "kbo", "foreign", "inami", "helpdesk" (org_id.h) */
	const char *id_value;        /* its value: 10 digits for "kbo", 11 for "inami" … */
};

/* Creates the organisation with gap_person as its GAP, in tx, with audit events.
 * Returns the new id, -2 when the enterprise is already registered, -1 on error. */
int64_t org_create(struct store_tx *tx, const struct org_new *n, int64_t gap_person,
    const struct actor *by);
/* Reads an organisation, its texts in a; a NULL only checks that it exists (out->id set,
 * texts NULL). Returns 0, 1 (unknown) or -1 (also when a is full). */
int org_get(struct store_tx *tx, struct arena *a, int64_t id, struct org *out);
/* The organisation of identifier (type, value): its id, 0 when none, -1 on error. */
int64_t org_by_identifier(struct store_tx *tx, const char *type, const char *value);
/* Sets the identifier of an organisation without enterprise number nor foreign
 * registration, in tx (the caller checks the policy and audits). Returns 0, 1 (unknown, or
 * one of those two), -2 (another organisation has it) or -1. */
int org_set_identifier(struct store_tx *tx, int64_t org_id, const char *type,
    const char *value);
/* The organisation registered for an enterprise number: its id, 0 when none, -1 on error. */
int64_t org_by_enterprise(struct store_tx *tx, const char *enterprise);
/* The GAP's person id (0 when none, -1 on error). */
int64_t org_gap(struct store_tx *tx, int64_t org_id);
/* Sets the organisation's contact e-mail and phone, in tx (the caller audits). Returns 0,
 * 1 (unknown organisation) or -1. */
int org_set_contact(struct store_tx *tx, int64_t org_id, const char *email, const char *phone);
/* Replaces the GAP by person (the old GAP loses the role). Returns 0 or -1. */
int org_replace_gap(struct store_tx *tx, int64_t org_id, int64_t person,
    const struct actor *by);
/* Adds or removes a co-GAP. Returns 0, -2 (already one / not one) or -1. */
int org_add_cogap(struct store_tx *tx, int64_t org_id, int64_t person, const struct actor *by);
int org_remove_cogap(struct store_tx *tx, int64_t org_id, int64_t person,
    const struct actor *by);

#endif
