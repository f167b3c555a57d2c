/* cogap.c — an organisation for its managers and legal representatives, and its co-GAPs:
 * designated by the GAP by NISS (checked against the persons register), listed with the
 * date since when, removed; each change with its audit event and its mail. */
#include "csam/cogap.h"

#include <stdio.h>
#include <string.h>

#include "access/org.h"
#include "base/msgid.h"
#include "be/be.h"
#include "csam/internal.h"
#include "csam/sql.h"
#include "mail/mail.h"
#include "registry/registry.h"
#include "value/value.h"

static const char *
dup(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* The roles of who in org (legal representative from the registry on today). */
static int
roles(struct store_tx *tx, const struct csam_who *who, const struct org *o, const char *today,
    struct policy_actor *actor)
{
	struct csam_person me;
	int rep = 0;

	if (who->person_id <= 0)
		return csam_actor(tx, who, 0, false, actor);
	if (csam_person_get(tx, who->person_id, &me) != 0)
		return -1;
	if (o->enterprise[0] && me.niss[0] && today != NULL)
		rep = registry_represents(tx, me.niss, o->enterprise, today);
	if (rep < 0)
		return -1;
	return csam_actor(tx, who, o->id, rep == 1, actor);
}

static int
managers(struct store_tx *tx, struct arena *a, int64_t org_id, struct csam_org_view *out)
{
	struct store_q *q;
	size_t cap = 16;
	int rc;

	out->managers = arena_alloc(a, cap * sizeof(*out->managers));
	if (out->managers == NULL ||
	    store_query(tx, SQL_CSAM_MANAGERS, &q, "i", org_id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		struct csam_manager *m;

		if (out->nmanagers == cap) {
			struct csam_manager *bigger = arena_alloc(a, 2 * cap * sizeof(*bigger));

			if (bigger == NULL) {
				rc = -1;
				break;
			}
			memcpy(bigger, out->managers, cap * sizeof(*bigger));
			out->managers = bigger;
			cap *= 2;
		}
		m = &out->managers[out->nmanagers++];
		m->person_id = store_int(q, 0);
		m->role = dup(a, store_text(q, 1));
		m->since = dup(a, store_text(q, 2));
		m->last_name = dup(a, store_text(q, 3));
		m->first_name = dup(a, store_text(q, 4));
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

enum csam_rc
csam_org_view(struct store *s, struct arena *a, const struct csam_who *who, int64_t org_id,
    const char *today, struct csam_org_view *out)
{
	struct policy_target target = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	struct org o;
	enum csam_rc rc = CSAM_ERROR;
	int x;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return CSAM_ERROR;
	x = org_id > 0 ? org_get(tx, org_id, &o) : 1;
	if (x != 0) {
		store_rollback(&tx);
		return x == 1 ? CSAM_NOT_FOUND : CSAM_ERROR;
	}
	if (roles(tx, who, &o, today, &actor) != 0)
		goto done;
	if (!(actor.roles & (ROLE_GAP | ROLE_COGAP | ROLE_LEGAL_REP | ROLE_HELPDESK)))
		return csam_refuse(s, &tx, who, o.enterprise[0] ? o.enterprise : NULL,
		    POLICY_MANAGE_COGAPS, POLICY_NO_ROLE, NULL);
	out->id = o.id;
	out->enterprise = dup(a, o.enterprise);
	out->country = dup(a, o.country);
	out->foreign_reg = dup(a, o.foreign_reg);
	out->name = dup(a, o.name);
	out->address = dup(a, o.address);
	out->contact_email = dup(a, o.contact_email);
	out->contact_phone = dup(a, o.contact_phone);
	out->procedure = dup(a, o.procedure);
	out->created_at = dup(a, o.created_at);
	out->is_gap = (actor.roles & ROLE_GAP) != 0;
	out->is_cogap = (actor.roles & ROLE_COGAP) != 0;
	out->is_legal_rep = (actor.roles & ROLE_LEGAL_REP) != 0;
	out->may_manage_cogaps = policy_check(POLICY_MANAGE_COGAPS, &actor, &target) ==
	    POLICY_ALLOWED;
	out->may_replace_gap = out->enterprise[0] &&
	    policy_check(POLICY_DESIGNATE_GAP, &actor, &target) == POLICY_ALLOWED;
	if (out->name == NULL || managers(tx, a, org_id, out) != 0)
		goto done;
	rc = CSAM_OK;
done:
	store_rollback(&tx);
	return rc;
}

int
csam_my_orgs(struct store *s, struct arena *a, int64_t person_id, struct csam_my_org **out)
{
	struct store_tx *tx;
	struct store_q *q;
	size_t max = 200, n = 0;
	struct csam_my_org *v = arena_alloc(a, max * sizeof(*v));
	int rc = 0;

	if (v == NULL || store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_CSAM_ORGS_OF_PERSON, &q, "i", person_id) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while (n < max && (rc = store_next(q)) == 1) {
		v[n].id = store_int(q, 0);
		v[n].enterprise = dup(a, store_text(q, 1));
		v[n].name = dup(a, store_text(q, 2));
		v[n].role = dup(a, store_text(q, 3));
		v[n].since = dup(a, store_text(q, 4));
		n++;
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return -1;
	*out = v;
	return (int)n;
}
