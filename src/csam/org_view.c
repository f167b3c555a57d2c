/* org_view.c — the /csam page of an organisation for its managers and legal
 * representatives (who may replace the GAP): the organisation service's data, csam's roles. */
#include "csam/org_view.h"

#include <stdio.h>
#include <string.h>

#include "access/hierarchy.h"
#include "access/org.h"
#include "access/org_id.h"
#include "base/jsontext.h"
#include "base/msgid.h"
#include "csam/internal.h"
#include "registry/registry.h"
#include "value/value.h"

static const char *
dup(struct arena *a, const char *s)
{
	return csam_text(a, s);
}

/* The roles of who in org (legal representative from the registry on today). */
static int
roles(struct store_tx *tx, struct arena *a, const struct actor *who, const struct org *o,
    const char *today, struct policy_actor *actor)
{
	struct person me;
	int rep = 0;

	if (who->person_id <= 0)
		return access_actor(tx, 0, 0, (enum loa)who->level, actor);
	if (person_read(tx, a, who->person_id, &me) != 0)
		return -1;
	if (o->enterprise[0] && me.niss[0] && today != NULL)
		rep = registry_represents(tx, me.niss, o->enterprise, today);
	if (rep < 0)
		return -1;
	if (access_actor(tx, who->person_id, o->id, (enum loa)who->level, actor) != 0)
		return -1;
	if (rep == 1)
		actor->roles |= ROLE_LEGAL_REP;
	return 0;
}

/* The GAP and co-GAPs, from the organisation service. */
static int
managers(struct store_tx *tx, struct arena *a, int64_t org_id, struct csam_org_view *out)
{
	struct manager_row *rows;
	int n = hierarchy_manager_rows(tx, a, org_id, &rows);

	if (n < 0)
		return -1;
	out->managers = arena_alloc(a, ((size_t)n + 1) * sizeof(*out->managers));
	if (out->managers == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		out->managers[i] = (struct csam_manager){ .person_id = rows[i].person_id,
		    .role = rows[i].role, .since = rows[i].since, .last_name = rows[i].last_name,
		    .first_name = rows[i].first_name };
	out->nmanagers = (size_t)n;
	return 0;
}

enum access_rc
csam_org_view(struct store *s, struct arena *a, const struct actor *who, int64_t org_id,
    const char *today, struct csam_org_view *out)
{
	struct policy_target target = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	struct org o;
	enum access_rc rc = ACCESS_ERROR;
	int x;

	memset(out, 0, sizeof(*out));
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	x = org_id > 0 ? org_get(tx, a, org_id, &o) : 1;
	if (x != 0) {
		store_rollback(&tx);
		return x == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	if (roles(tx, a, who, &o, today, &actor) != 0)
		goto done;
	if (!(actor.roles & (ROLE_GAP | ROLE_COGAP | ROLE_LEGAL_REP | ROLE_HELPDESK)))
		return access_refuse_named(s, &tx, who, o.enterprise[0] ? o.enterprise : NULL,
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
	out->id_type = dup(a, o.id_type);
	out->id_value = dup(a, o.id_value);
	out->may_change_id = !out->enterprise[0] && !out->foreign_reg[0] &&
	    policy_check(POLICY_CHANGE_ORG_ID, &actor, &target) == POLICY_ALLOWED;
	if (out->name == NULL || managers(tx, a, org_id, out) != 0)
		goto done;
	rc = ACCESS_OK;
done:
	store_rollback(&tx);
	return rc;
}

/* The identifier's checks: a type the helpdesk may give, an INAMI number of 11 digits. */
static int
identifier_value(const char *type, const char *value, char *out, size_t outlen,
    struct access_errors *err)
{
	const char *msgid = NULL;

	if (!org_id_requestable(type)) {
		access_error_add(err, "id_type", N_("Choisissez un type d'identifiant de la "
		    "liste."));
		return 1;
	}
	if (strcmp(type, "helpdesk") == 0) {
		org_id_helpdesk_new(out);
		return 0;
	}
	if (value_parse(VALUE_INAMI, value, 0, out, outlen, &msgid) != VALUE_OK) {
		access_error_add(err, "id_value", value == NULL || value[0] == '\0' ?
		    N_("Introduisez le numéro INAMI de l'organisation.") : msgid);
		return 1;
	}
	return 0;
}

enum access_rc
csam_org_set_identifier(struct store *s, const struct actor *who, int64_t org_id,
    const char *type, const char *value, struct access_errors *err)
{
	struct policy_target target = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	enum policy_reason why;
	char v[ORG_ID_VALUE_MAX], details[128];
	int x = 1;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return ACCESS_ERROR;
	if (access_allow(tx, who, org_id, POLICY_CHANGE_ORG_ID, &target, &actor, &why) ==
	    ACCESS_ERROR) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	if (why != POLICY_ALLOWED)
		return access_refuse(s, &tx, who, org_id, POLICY_CHANGE_ORG_ID, why, 0, NULL);
	/* A new helpdesk number is drawn again on the rare repeat. */
	for (int i = 0; i < 8 && x != 0; i++) {
		if (identifier_value(type, value, v, sizeof(v), err) != 0) {
			store_rollback(&tx);
			return ACCESS_INVALID;
		}
		x = org_set_identifier(tx, org_id, type, v);
		if (x == 1 || x == -1 || (x == -2 && strcmp(type, "helpdesk") != 0))
			break;
	}
	if (x == -2 && strcmp(type, "helpdesk") != 0) {
		access_error_add(err, "id_value", N_("Une organisation est déjà enregistrée "
		    "avec ce numéro."));
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	if (x != 0) {
		store_rollback(&tx);
		return x == 1 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	if (json_text(details, sizeof(details), "{s:s,s:s}", "type", type, "value", v) != 0 ||
	    access_audit(tx, who, &actor, org_id, "org.identifier.change", NULL, details) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
}
