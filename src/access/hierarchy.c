/* hierarchy.c — the organisations and roles of a person, the main access managers (GAP,
 * co-GAPs), the organisation's contact data, the chain of responsibility down to users
 * and their applications, and one's own personal data; each change one transaction with
 * its audit event, each refusal audited. */
#include "access/hierarchy.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "access/actor.h"
#include "access/service.h"
#include "access/sql.h"
#include "auth/person.h"
#include "base/msgid.h"
#include "be/be.h"
#include "mail/mail.h"
#include "registry/registry.h"
#include "value/value.h"

/* Opens tx on org and checks the policy (access_open); ACCESS_NOT_FOUND for an unknown
 * organisation. o (NULL: only checked to exist) receives it, its texts in a. Org 0 is
 * none: the person's own data, with platform roles only. */
static enum access_rc
open_org(struct store *s, enum store_mode mode, const struct actor *who, int64_t org,
    enum policy_action action, const struct policy_target *t, struct store_tx **tx,
    struct arena *a, struct org *o, struct policy_actor *actor)
{
	struct org none;

	if (org == 0)
		return access_open(s, mode, who, 0, action, t, tx, NULL, NULL, actor);
	return access_open(s, mode, who, org, action, t, tx, o != NULL ? a : NULL,
	    o != NULL ? o : &none, actor);
}

/* access_row_fn: an organisation of SQL_ACCESS_ORGS_OF_PERSON. */
static int
org_row(struct store_q *q, struct arena *a, void *elem)
{
	struct person_org *po = elem;

	po->id = store_int(q, ACCESS_ORGS_OF_PERSON_ID);
	return access_dup(a, &po->enterprise, store_text(q, ACCESS_ORGS_OF_PERSON_ENTERPRISE)) |
	    access_dup(a, &po->name, store_text(q, ACCESS_ORGS_OF_PERSON_NAME)) |
	    access_dup(a, &po->id_type, store_text(q, ACCESS_ORGS_OF_PERSON_ID_TYPE)) |
	    access_dup(a, &po->id_value, store_text(q, ACCESS_ORGS_OF_PERSON_ID_VALUE));
}

/* access_row_fn: a role of SQL_ACCESS_ORG_ROLE (GAP or co-GAP). */
static int
org_role_row(struct store_q *q, struct arena *a, void *elem)
{
	struct role_link *l = elem;

	return access_dup(a, &l->role, store_text(q, ACCESS_ORG_ROLE_ROLE));
}

/* access_row_fn: a role in a quality of SQL_ACCESS_MEMBERSHIPS_OF_PERSON. */
static int
membership_row(struct store_q *q, struct arena *a, void *elem)
{
	struct role_link *l = elem;

	l->quality = store_int(q, ACCESS_MEMBERSHIPS_OF_PERSON_ORG_QUALITY_ID);
	l->suspended = store_text(q, ACCESS_MEMBERSHIPS_OF_PERSON_STATUS) &&
	    strcmp(store_text(q, ACCESS_MEMBERSHIPS_OF_PERSON_STATUS), "suspended") == 0;
	return access_dup(a, &l->role, store_text(q, ACCESS_MEMBERSHIPS_OF_PERSON_TYPE)) |
	    access_dup(a, &l->quality_name, store_text(q, ACCESS_MEMBERSHIPS_OF_PERSON_NAME));
}

/* Reads the roles of the person in po: first in the organisation, then in its
 * qualities. Returns 0 or -1. */
static int
org_links(struct store_tx *tx, struct arena *a, const struct actor *who,
    struct person_org *po)
{
	struct access_list l = { 0 };
	struct store_q *q;

	if (store_query(tx, SQL_ACCESS_ORG_ROLE, &q, "ii", po->id, who->person_id) != 0 ||
	    access_read_rows(q, a, &l, sizeof(*po->links), org_role_row) != 0)
		return -1;
	if (store_query(tx, SQL_ACCESS_MEMBERSHIPS_OF_PERSON, &q, "iit", po->id,
	    who->person_id, who->lang ? who->lang : "fr") != 0 ||
	    access_read_rows(q, a, &l, sizeof(*po->links), membership_row) != 0)
		return -1;
	po->links = l.v;
	po->nlinks = l.n;
	return 0;
}

enum access_rc
hierarchy_orgs(struct store *s, const struct actor *who, struct arena *a,
    struct person_org **out, size_t *n)
{
	struct policy_actor actor;
	struct access_list orgs = { 0 };
	struct person_org *v;
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc;

	*out = NULL;
	*n = 0;
	rc = access_open_own(s, STORE_READ, who, 0, &tx, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (store_query(tx, SQL_ACCESS_ORGS_OF_PERSON, &q, "i", who->person_id) != 0 ||
	    access_read_rows(q, a, &orgs, sizeof(*v), org_row) != 0)
		goto fail;
	v = orgs.v;
	for (size_t i = 0; i < orgs.n; i++)
		if (org_links(tx, a, who, &v[i]) != 0)
			goto fail;
	store_rollback(&tx);
	*out = v;
	*n = orgs.n;
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

/* access_row_fn: a main access manager of SQL_ACCESS_MANAGERS_OF_ORG. */
static int
manager_row(struct store_q *q, struct arena *a, void *elem)
{
	struct manager_row *m = elem;

	m->person_id = store_int(q, ACCESS_MANAGERS_OF_ORG_PERSON_ID);
	return access_dup(a, &m->role, store_text(q, ACCESS_MANAGERS_OF_ORG_ROLE)) |
	    access_dup(a, &m->since, store_text(q, ACCESS_MANAGERS_OF_ORG_SINCE)) |
	    access_dup(a, &m->last_name, store_text(q, ACCESS_MANAGERS_OF_ORG_LAST_NAME)) |
	    access_dup(a, &m->first_name, store_text(q, ACCESS_MANAGERS_OF_ORG_FIRST_NAME)) |
	    access_dup(a, &m->niss, store_text(q, ACCESS_MANAGERS_OF_ORG_NISS));
}

/* Reads the GAP and co-GAPs of org into rows (arena a). Returns the count or -1. */
int
hierarchy_manager_rows(struct store_tx *tx, struct arena *a, int64_t org,
    struct manager_row **rows)
{
	struct access_list l = { 0 };
	struct store_q *q;

	*rows = NULL;
	if (store_query(tx, SQL_ACCESS_MANAGERS_OF_ORG, &q, "i", org) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**rows), manager_row) != 0)
		return -1;
	*rows = l.v;
	return (int)l.n;
}

/* access_row_fn: an organisation of SQL_ACCESS_ORGS_MANAGED_BY. */
static int
managed_row(struct store_q *q, struct arena *a, void *elem)
{
	struct managed_org *m = elem;

	m->id = store_int(q, ACCESS_ORGS_MANAGED_BY_ID);
	return access_dup(a, &m->enterprise, store_text(q, ACCESS_ORGS_MANAGED_BY_ENTERPRISE)) |
	    access_dup(a, &m->name, store_text(q, ACCESS_ORGS_MANAGED_BY_NAME)) |
	    access_dup(a, &m->role, store_text(q, ACCESS_ORGS_MANAGED_BY_ROLE)) |
	    access_dup(a, &m->since, store_text(q, ACCESS_ORGS_MANAGED_BY_SINCE)) |
	    access_dup(a, &m->id_type, store_text(q, ACCESS_ORGS_MANAGED_BY_ID_TYPE)) |
	    access_dup(a, &m->id_value, store_text(q, ACCESS_ORGS_MANAGED_BY_ID_VALUE));
}

enum access_rc
hierarchy_managed_orgs(struct store *s, int64_t person, struct arena *a,
    struct managed_org **out, size_t *n)
{
	struct access_list l = { 0 };
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	rc = store_query(tx, SQL_ACCESS_ORGS_MANAGED_BY, &q, "i", person) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**out), managed_row) != 0 ? -1 : 0;
	store_rollback(&tx);
	if (rc != 0)
		return ACCESS_ERROR;
	*out = l.v;
	*n = l.n;
	return ACCESS_OK;
}

enum access_rc
hierarchy_managers(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct managers_view *out)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	int n;

	memset(out, 0, sizeof(*out));
	rc = open_org(s, STORE_READ, who, org, POLICY_ACTIVATE_QUALITY, &t, &tx, a, &out->org,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	out->may_change = policy_check(POLICY_MANAGE_COGAPS, &actor, &t) == POLICY_ALLOWED;
	n = hierarchy_manager_rows(tx, a, org, &out->rows);
	store_rollback(&tx);
	if (n < 0)
		return ACCESS_ERROR;
	out->n = (size_t)n;
	return ACCESS_OK;
}

/* The actor as the audit names them here: their role in the organisation. */
static struct actor
actor_in_org(const struct actor *who, const struct policy_actor *actor)
{
	struct actor by = *who;

	by.role = actor->roles & ROLE_GAP ? "GAP" : actor->roles & ROLE_COGAP ? "COGAP" : "none";
	return by;
}

/* The co-GAP form's typed fields; last_name only when the form asks it. */
static const struct value_field cogap_fields[] = {
	{ "email", VALUE_EMAIL, true, ACCESS_EMAIL_MAX,
	  N_("Introduisez l'adresse e-mail du co-gestionnaire."),
	  N_("Introduisez une adresse e-mail valide, par exemple direction@entreprise.be.") },
	{ "last_name", VALUE_PERSON_NAME, true, ACCESS_NAME_MAX,
	  N_("Introduisez le nom de la personne à désigner."),
	  N_("Le nom ne peut compter plus de 100 caractères, sans caractère de contrôle ni < ou >.") },
};

/* The names the person of a NISS carries: the persons register's, else portier's record
 * (person is known then); "first last" into *full. Texts in a. Returns 0, or -1. */
static int
cogap_names(struct store_tx *tx, struct arena *a, const char *digits, int64_t person,
    const char **last, const char **full)
{
	struct reg_person rp;
	struct person p;
	const char *first;
	int r;

	if (person_read(tx, a, person, &p) != 0)
		return -1;
	r = registry_person(tx, a, digits, &rp);
	if (r < 0)
		return -1;
	if (r == 0 && rp.last_name != NULL && rp.last_name[0] != '\0') {
		*last = rp.last_name;
		first = rp.first_names != NULL ? rp.first_names : "";
	} else {
		*last = arena_strdup(a, p.last_name);
		first = p.first_name;
	}
	*full = arena_printf(a, "%s %s", first, *last != NULL ? *last : "");
	return *last != NULL && *full != NULL ? 0 : -1;
}

/* The mail to the new co-GAP: organisation name, its number, the co-GAP's and the GAP's
 * names (texts in a). */
static int
cogap_mail(struct store_tx *tx, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct org *o, const char *cogap_name,
    const char *email)
{
	char number[13];
	const char *args[4] = { o->name, o->foreign_reg, cogap_name, NULL };
	struct person me;

	if (person_read(tx, a, who->person_id, &me) != 0)
		return -1;
	if (o->enterprise[0]) {
		be_enterprise_format(o->enterprise, number);
		args[1] = number;
	}
	args[3] = arena_printf(a, "%s %s", me.first_name, me.last_name);
	if (args[3] == NULL)
		return -1;
	return mail_queue(tx, mt, MAIL_COGAP_ADDED, email, who->lang, o->enterprise[0] ?
	    o->enterprise : NULL, args, 4);
}

enum access_rc
hierarchy_cogap_add(struct store *s, const struct mail_texts *mt,
    const struct actor *who, int64_t org,
    const struct cogap_input *in, struct access_errors *err)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	const char *last_name, *full_name;
	struct actor by;
	struct store_tx *tx;
	struct be_niss parsed;
	enum be_reason why;
	enum access_rc rc;
	struct arena *a;
	struct org o;
	int64_t person = 0, gap;
	bool created;
	int r;

	memset(err, 0, sizeof(*err));
	/* The organisation, the names and the mail's texts: this call's own arena. */
	a = arena_new(1 << 20);
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_org(s, STORE_WRITE, who, org, POLICY_MANAGE_COGAPS, &t, &tx, a, &o, &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	by = actor_in_org(who, &actor);
	why = in->niss == NULL || in->niss[0] == '\0' ? BE_EMPTY : strlen(in->niss) > 31 ?
	    BE_LENGTH : be_niss_parse(in->niss, &parsed);
	if (why != BE_OK)
		access_error_add(err, "niss", be_reason_msgid(why));
	/* Every field is checked, so that the form shows all its errors at once. */
	access_check_fields(err, cogap_fields, in->last_name != NULL ? 2 : 1,
	    (const char *const[]){ in->email, in->last_name });
	if (why != BE_OK)
		goto invalid;
	/* Someone portier does not know yet: their names from the persons register. */
	r = person_ensure(tx, &(struct person_seed){ .niss = parsed.digits, .language = "fr",
	    .names_from = "register", .from_register = true }, &person, &created);
	if (r < 0)
		goto fail;
	if (r != 0) {
		access_error_add(err, "niss",
		    N_("Cette personne n'est pas connue : vérifiez le numéro NISS."));
		goto invalid;
	}
	if (cogap_names(tx, a, parsed.digits, person, &last_name, &full_name) != 0)
		goto fail;
	if (in->last_name != NULL && access_error_of(err, "last_name") == NULL &&
	    !value_same_name(in->last_name, last_name))
		access_error_add(err, "last_name",
		    N_("Ce nom ne correspond pas au numéro de registre national introduit."));
	gap = org_gap(tx, org);
	if (gap < 0)
		goto fail;
	if (gap == person)
		access_error_add(err, "niss",
		    N_("Cette personne est le Gestionnaire d'Accès Principal de l'organisation."));
	if (err->n > 0)
		goto invalid;
	if (created) {
		char object[32];

		snprintf(object, sizeof(object), "person:%" PRId64, person);
		if (access_audit(tx, who, &actor, org, "person.create", object, NULL) != 0)
			goto fail;
	}
	r = org_add_cogap(tx, org, person, &by);
	if (r == -2) {
		access_error_add(err, "niss", N_("Cette personne est déjà co-responsable des accès."));
		goto invalid;
	}
	if (r != 0 || cogap_mail(tx, mt, a, who, &o, full_name, in->email) != 0)
		goto fail;
	arena_free(a);
	return store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
invalid:
	arena_free(a);
	store_rollback(&tx);
	return ACCESS_INVALID;
fail:
	arena_free(a);
	store_rollback(&tx);
	return ACCESS_ERROR;
}

enum access_rc
hierarchy_cogap_remove(struct store *s, const struct actor *who, int64_t org,
    int64_t person, struct access_errors *err)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct actor by;
	struct store_tx *tx;
	enum access_rc rc;
	int64_t gap;
	int r;

	memset(err, 0, sizeof(*err));
	/* The GAP is named as the target when it is the one aimed at. */
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	gap = org_gap(tx, org);
	store_rollback(&tx);
	if (gap < 0)
		return ACCESS_ERROR;
	t.target_is_gap = gap != 0 && gap == person;
	rc = open_org(s, STORE_WRITE, who, org, POLICY_MANAGE_COGAPS, &t, &tx, NULL, NULL,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	by = actor_in_org(who, &actor);
	r = org_remove_cogap(tx, org, person, &by);
	if (r == -2) {
		access_error_add(err, "person", N_("Cette personne n'est pas co-responsable des accès."));
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	if (r != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

enum access_rc
hierarchy_org(struct store *s, const struct actor *who, int64_t org, struct arena *a,
    struct org *out)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;

	rc = open_org(s, STORE_READ, who, org, POLICY_ACTIVATE_QUALITY, &t, &tx, a, out, &actor);
	if (rc == ACCESS_OK)
		store_rollback(&tx);
	return rc;
}

/* The organisation's contact fields ("détail de l'entreprise"), in this order below. */
static const struct value_field org_contact[] = {
	{ "email", VALUE_EMAIL, true, ACCESS_EMAIL_MAX,
	  N_("L'adresse e-mail de contact est obligatoire."),
	  N_("L'adresse e-mail n'est pas valide (exemple : nom@exemple.be).") },
	{ "phone", VALUE_PHONE, true, ACCESS_PHONE_MAX,
	  N_("Le numéro de téléphone de contact est obligatoire."),
	  N_("Le numéro de téléphone n'est pas valide (chiffres, espaces, + . / - et parenthèses).") },
};

enum access_rc
hierarchy_org_update(struct store *s, const struct actor *who, int64_t org,
    const char *email, const char *phone, struct access_errors *err)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a;
	struct org o;
	bool same;
	int r;

	memset(err, 0, sizeof(*err));
	a = arena_new(1 << 16);     /* the organisation as it stands, for this call */
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_org(s, STORE_WRITE, who, org, POLICY_ACTIVATE_QUALITY, &t, &tx, a, &o, &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	access_check_fields(err, org_contact, sizeof(org_contact) / sizeof(org_contact[0]),
	    (const char *const[]){ email, phone });
	same = err->n == 0 && strcmp(o.contact_email, email) == 0 &&
	    strcmp(o.contact_phone, phone) == 0;
	arena_free(a);
	if (err->n > 0 || same) {
		store_rollback(&tx);
		return err->n > 0 ? ACCESS_INVALID : ACCESS_OK;
	}
	r = org_set_contact(tx, org, email, phone);
	if (r != 0 || access_audit_json(tx, who, &actor, org, "org.contact.update", NULL,
	    json_pack("{s:s,s:s}", "email", email, "phone", phone)) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

enum access_rc
hierarchy_tree(struct store *s, const struct actor *who, int64_t org, struct arena *a,
    struct hierarchy_view *out)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	struct store_q *q;
	enum policy_reason why;
	enum access_rc rc;
	size_t cap = 0;
	bool all;
	int r, n;

	memset(out, 0, sizeof(*out));
	rc = access_begin(s, STORE_READ, org, 0, &tx, a, &out->org);
	if (rc != ACCESS_OK)
		return rc;
	if (access_actor(tx, who->person_id, org, (enum loa)who->level, &actor) != 0)
		goto fail;
	why = policy_check(POLICY_MANAGE_USERS, &actor, &t);
	all = why == POLICY_ALLOWED;
	if (store_query(tx, SQL_ACCESS_ORG_QUALITIES, &q, "it", org, who->lang ? who->lang : "fr") != 0)
		goto fail;
	while ((r = store_next(q)) == 1) {
		struct tree_quality *tq;

		t.quality = store_int(q, ACCESS_ORG_QUALITY_ID);
		if (!all && policy_check(POLICY_MANAGE_USERS, &actor, &t) != POLICY_ALLOWED)
			continue;
		out->qualities = access_grow(a, out->qualities, out->nqualities, &cap,
		    sizeof(*out->qualities));
		if (out->qualities == NULL) {
			r = -1;
			break;
		}
		tq = &out->qualities[out->nqualities++];
		memset(tq, 0, sizeof(*tq));
		tq->id = t.quality;
		if (access_dup(a, &tq->name, store_text(q, ACCESS_ORG_QUALITY_NAME)) != 0) {
			r = -1;
			break;
		}
	}
	store_done(q);
	if (r < 0)
		goto fail;
	if (!all && out->nqualities == 0)
		return access_refuse(s, &tx, who, org, POLICY_MANAGE_USERS, why, 0, NULL);
	n = hierarchy_manager_rows(tx, a, org, &out->managers);
	if (n < 0)
		goto fail;
	out->nmanagers = (size_t)n;
	for (size_t i = 0; i < out->nqualities; i++) {
		struct tree_quality *tq = &out->qualities[i];

		tq->users = arena_alloc(a, HIERARCHY_USERS_MAX * sizeof(*tq->users));
		if (tq->users == NULL)
			goto fail;
		if (store_query(tx, SQL_ACCESS_HIERARCHY_MEMBERS, &q, "iii", tq->id, org,
		    (int64_t)HIERARCHY_USERS_MAX) != 0)
			goto fail;
		while ((r = store_next(q)) == 1 && tq->n < HIERARCHY_USERS_MAX) {
			struct tree_user *u = &tq->users[tq->n++];

			u->account_id = store_int(q, ACCESS_HIERARCHY_MEMBERS_ACCOUNT_ID);
			tq->total = store_int(q, ACCESS_HIERARCHY_MEMBERS_TOTAL);
			if ((access_dup(a, &u->type,
			    store_text(q, ACCESS_HIERARCHY_MEMBERS_TYPE)) |
			    access_dup(a, &u->last_name,
			    store_text(q, ACCESS_HIERARCHY_MEMBERS_LAST_NAME)) |
			    access_dup(a, &u->first_name,
			    store_text(q, ACCESS_HIERARCHY_MEMBERS_FIRST_NAME)) |
			    access_dup(a, &u->username,
			    store_text(q, ACCESS_HIERARCHY_MEMBERS_USERNAME)) |
			    access_dup(a, &u->status,
			    store_text(q, ACCESS_HIERARCHY_MEMBERS_STATUS)) |
			    access_dup(a, &u->apps,
			    store_text(q, ACCESS_HIERARCHY_MEMBERS_GRANTS))) != 0) {
				r = -1;
				break;
			}
		}
		store_done(q);
		if (r < 0)
			goto fail;
	}
	store_rollback(&tx);
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

enum access_rc
hierarchy_own_get(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct own_data *out)
{
	struct policy_actor actor;
	struct store_tx *tx;
	struct person p;
	enum access_rc rc;
	int r;

	memset(out, 0, sizeof(*out));
	rc = access_open_own(s, STORE_READ, who, org, &tx, &actor);
	if (rc != ACCESS_OK)
		return rc;
	out->username = "";
	account_data_empty(&out->account);
	r = person_read(tx, a, who->person_id, &p);
	if (r == 0 && (access_dup(a, &out->niss, p.niss) |
	    access_dup(a, &out->last_name, p.last_name) |
	    access_dup(a, &out->first_name, p.first_name) |
	    access_dup(a, &out->language, p.language) |
	    access_dup(a, &out->email, p.email)) != 0)
		r = -1;
	if (r != 0)
		goto fail;
	if (org > 0) {
		struct user_view acc;

		r = account_of_person(tx, a, org, who->person_id, &acc);
		if (r < 0)
			goto fail;
		if (r == 0) {
			out->has_account = true;
			out->account_id = acc.account_id;
			out->username = acc.username;
			out->account = acc.data;
			out->version = acc.version;
		}
	}
	store_rollback(&tx);
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

static bool
valid_lang(const char *l)
{
	return l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "nl") == 0 ||
	    strcmp(l, "de") == 0 || strcmp(l, "en") == 0);
}

/* Reports a refused field of the account's data under its own-data page name. */
const char *
hierarchy_own_error_field(const char *name)
{
	if (strcmp(name, "email") == 0)
		return "account_email";
	if (strcmp(name, "language") == 0)
		return "account_language";
	return name;
}

static void
own_account_error(void *arg, const char *field, const char *msgid)
{
	access_error_add(arg, hierarchy_own_error_field(field), msgid);
}

enum access_rc
hierarchy_own_update(struct store *s, const struct actor *who, int64_t org,
    const char *email, const char *language, const struct user_input *account,
    int64_t version, struct access_errors *err)
{
	struct policy_actor actor;
	struct own_data cur;
	struct store_tx *tx = NULL;
	enum access_rc rc;
	struct arena *a;
	char object[32];
	int r;

	memset(err, 0, sizeof(*err));
	a = arena_new(ACCESS_CALL_ARENA);     /* the data as it stands, for this call */
	if (a == NULL)
		return ACCESS_ERROR;
	rc = hierarchy_own_get(s, who, org, a, &cur);
	if (rc != ACCESS_OK)
		goto done;
	if (email != NULL && email[0] != '\0' &&
	    !value_ok(VALUE_EMAIL, email, ACCESS_EMAIL_MAX))
		access_error_add(err, "email",
		    N_("L'adresse e-mail n'est pas valide (exemple : nom@exemple.be)."));
	if (!valid_lang(language))
		access_error_add(err, "language", N_("Choisissez une langue de la liste."));
	if (account != NULL && cur.has_account)
		account_data_check(&account->data, own_account_error, err);
	if (err->n > 0) {
		rc = ACCESS_INVALID;
		goto done;
	}
	rc = access_open_own(s, STORE_WRITE, who, org, &tx, &actor);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	snprintf(object, sizeof(object), "person:%" PRId64, who->person_id);
	r = person_set_contact(tx, who->person_id, email && email[0] ? email : NULL, language);
	if (r != 0 || access_audit(tx, who, &actor, org, "person.update", object, NULL) != 0)
		goto done;
	if (account != NULL && cur.has_account) {
		r = account_data_write(tx, SQL_ACCESS_ACCOUNT_UPDATE, cur.account_id, version,
		    cur.username, &account->data);
		if (r == 0) {
			rc = ACCESS_CONFLICT;
			goto done;
		}
		if (r != 1 || access_audit(tx, who, &actor, org, "user.update", object,
		    "{\"own\":true}") != 0)
			goto done;
	}
	rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}
