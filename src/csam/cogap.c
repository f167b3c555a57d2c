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

/* The co-GAP form's typed fields, in this order where they are checked. */
static const struct value_field cogap_fields[] = {
	{ "last_name", VALUE_PERSON_NAME, true, CSAM_NAME_MAX,
	  N_("Introduisez le nom de la personne à désigner."),
	  N_("Le nom ne peut compter plus de 100 caractères, sans caractère de contrôle ni < ou >.") },
	{ "email", VALUE_EMAIL, true, CSAM_EMAIL_MAX,
	  N_("Introduisez l'adresse e-mail du co-gestionnaire."),
	  N_("Introduisez une adresse e-mail valide, par exemple direction@entreprise.be.") },
};

enum csam_rc
csam_cogap_add(struct store *s, const struct csam_who *who, int64_t org_id, const char *niss,
    const char *last_name, const char *email, struct csam_errors *err)
{
	struct policy_target target = { 0 };
	struct org_actor by = {
		.person_id = who->person_id, .role = "GAP", .source = who->source,
		.request_id = who->request_id,
	};
	struct arena *a = arena_new(64 * 1024);
	struct policy_actor actor;
	struct csam_person me, p;
	struct reg_person rp;
	struct store_tx *tx = NULL;
	struct be_niss n;
	enum policy_reason why;
	enum be_reason br;
	enum csam_rc rc = CSAM_ERROR;
	char number[UTF8_SIZE(CSAM_REG_MAX)] = "", cogap[FULL_NAME_SIZE], gap[FULL_NAME_SIZE];
	char reg_last[PERSON_NAME_SIZE] = "", reg_first[PERSON_NAME_SIZE] = "";
	const char *args[4] = { NULL, number, cogap, gap };
	struct org o;
	int64_t person = 0;
	int x;

	if (a == NULL || store_begin(s, STORE_WRITE, &tx) != 0) {
		arena_free(a);
		return CSAM_ERROR;
	}
	x = org_id > 0 ? org_get(tx, org_id, &o) : 1;
	if (x != 0) {
		rc = x == 1 ? CSAM_NOT_FOUND : CSAM_ERROR;
		goto rollback;
	}
	if (roles(tx, who, &o, NULL, &actor) != 0)
		goto rollback;
	why = policy_check(POLICY_MANAGE_COGAPS, &actor, &target);
	if (why != POLICY_ALLOWED) {
		rc = csam_refuse(s, &tx, who, o.enterprise[0] ? o.enterprise : NULL,
		    POLICY_MANAGE_COGAPS, why, NULL);
		goto done;
	}
	br = niss == NULL || niss[0] == '\0' ? BE_EMPTY : strlen(niss) > CSAM_TYPED_MAX ?
	    BE_LENGTH : be_niss_parse(niss, &n);
	if (br != BE_OK)
		csam_error_add(err, "niss", br == BE_EMPTY ? N_("Introduisez le numéro de registre "
		    "national de la personne à désigner.") : be_reason_msgid(br), NULL);
	csam_check_fields(err, cogap_fields, sizeof(cogap_fields) / sizeof(cogap_fields[0]),
	    (const char *const[]){ last_name, email });
	if (br == BE_OK) {
		x = registry_person(tx, a, n.digits, &rp);
		if (x < 0)
			goto rollback;
		if (x == 0) {
			csam_copy(reg_last, sizeof(reg_last), rp.last_name);
			csam_copy(reg_first, sizeof(reg_first), rp.first_names);
		}
		x = csam_person_by_niss(tx, n.digits, &p);
		if (x < 0)
			goto rollback;
		if (x == 0) {
			person = p.id;
			if (reg_last[0] == '\0') {
				csam_copy(reg_last, sizeof(reg_last), p.last_name);
				csam_copy(reg_first, sizeof(reg_first), p.first_name);
			}
		}
		if (reg_last[0] == '\0')
			csam_error_add(err, "niss", N_("Ce numéro est inconnu du registre national : "
			    "vérifiez-le."), NULL);
		else if (last_name != NULL && last_name[0] != '\0' &&
		    !csam_same_name(last_name, reg_last))
			csam_error_add(err, "last_name", N_("Ce nom ne correspond pas au numéro de "
			    "registre national introduit."), NULL);
	}
	if (err->n > 0) {
		rc = CSAM_INVALID;
		goto rollback;
	}
	if (person == 0 && csam_person_ensure(tx, who, n.digits, reg_last, reg_first, who->lang,
	    &person) != 0)
		goto rollback;
	x = org_add_cogap(tx, org_id, person, &by);
	if (x == -2) {
		csam_error_add(err, "niss", N_("Cette personne est déjà Gestionnaire d'Accès "
		    "Principal ou Co-Gestionnaire de l'entreprise."), NULL);
		rc = CSAM_INVALID;
		goto rollback;
	}
	if (x != 0 || csam_person_get(tx, who->person_id, &me) != 0)
		goto rollback;
	if (o.enterprise[0])
		be_enterprise_format(o.enterprise, number);
	else if (csam_copy(number, sizeof(number), o.foreign_reg) != 0)
		goto rollback;
	snprintf(cogap, sizeof(cogap), "%s %s", reg_first, reg_last);
	csam_person_name(&me, gap, sizeof(gap));
	args[0] = o.name;
	if (mail_queue(tx, MAIL_COGAP_ADDED, email, who->lang, o.enterprise[0] ? o.enterprise :
	    NULL, args, 4) != 0)
		goto rollback;
	rc = store_commit(&tx) == 0 ? CSAM_OK : CSAM_ERROR;
	tx = NULL;
	goto done;
rollback:
	store_rollback(&tx);
done:
	arena_free(a);
	return rc;
}

enum csam_rc
csam_cogap_remove(struct store *s, const struct csam_who *who, int64_t org_id,
    int64_t person_id)
{
	struct policy_target target = { 0 };
	struct org_actor by = {
		.person_id = who->person_id, .role = "GAP", .source = who->source,
		.request_id = who->request_id,
	};
	struct policy_actor actor;
	struct store_tx *tx;
	enum policy_reason why;
	struct org o;
	int x;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return CSAM_ERROR;
	x = org_id > 0 ? org_get(tx, org_id, &o) : 1;
	if (x != 0 || roles(tx, who, &o, NULL, &actor) != 0) {
		store_rollback(&tx);
		return x == 1 ? CSAM_NOT_FOUND : CSAM_ERROR;
	}
	why = policy_check(POLICY_MANAGE_COGAPS, &actor, &target);
	if (why != POLICY_ALLOWED)
		return csam_refuse(s, &tx, who, o.enterprise[0] ? o.enterprise : NULL,
		    POLICY_MANAGE_COGAPS, why, NULL);
	x = org_remove_cogap(tx, org_id, person_id, &by);
	if (x != 0) {
		store_rollback(&tx);
		return x == -2 ? CSAM_NOT_FOUND : CSAM_ERROR;
	}
	return store_commit(&tx) == 0 ? CSAM_OK : CSAM_ERROR;
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
