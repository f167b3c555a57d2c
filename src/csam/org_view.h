/* org_view.h — a registered organisation as its managers and legal representatives see
 * it on /csam ("Consulter ou modifier le détail de l'entreprise"); its co-GAPs are the
 * organisation service's (access/hierarchy.h: hierarchy_cogap_add/remove). */
#ifndef PORTIER_CSAM_ORG_VIEW_H
#define PORTIER_CSAM_ORG_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "csam/csam.h"
#include "store/store.h"

struct csam_manager {
	int64_t person_id;
	const char *role;          /* "GAP" or "COGAP" */
	const char *since;         /* ISO timestamp */
	const char *last_name, *first_name;
};

struct csam_org_view {
	int64_t id;
	const char *enterprise;    /* 10 digits, or "" for a foreign company */
	const char *country, *foreign_reg;
	const char *name, *address, *contact_email, *contact_phone, *procedure, *created_at;
	struct csam_manager *managers;   /* the GAP first, then co-GAPs by date */
	size_t nmanagers;
	bool is_gap, is_cogap, is_legal_rep;
	bool may_manage_cogaps;    /* POLICY_MANAGE_COGAPS */
	bool may_replace_gap;      /* POLICY_DESIGNATE_GAP (legal representative with eID) */
	const char *id_type, *id_value;  /* its identifier (access/org_id.h) */
	bool may_change_id;        /* POLICY_CHANGE_ORG_ID, and no enterprise/foreign number */
};

/* Gives organisation org_id (one without enterprise number nor foreign registration) the
 * identifier (type, value): an INAMI number typed, or type "helpdesk" with a new number
 * drawn (value ignored). Only the helpdesk (POLICY_CHANGE_ORG_ID; others are refused and
 * audited); audited as org.identifier.change. Returns ACCESS_OK, ACCESS_INVALID (err:
 * id_type, id_value), ACCESS_NOT_FOUND, ACCESS_DENIED or ACCESS_ERROR. */
enum access_rc csam_org_set_identifier(struct store *s, const struct actor *who,
    int64_t org_id, const char *type, const char *value, struct access_errors *err);

/* Organisation org_id for who: its GAP, co-GAPs and current legal representatives (today:
 * ISO date) may see it; anyone else is refused and audited. Returns ACCESS_OK,
 * ACCESS_NOT_FOUND, ACCESS_DENIED or ACCESS_ERROR. */
enum access_rc csam_org_view(struct store *s, struct arena *a, const struct actor *who,
    int64_t org_id, const char *today, struct csam_org_view *out);

#endif
