/* designate.c — the standard procedure: the checks of the enterprise number in their
 * order (eID, number, registry, legal function, registration), the GAP form, and
 * "Confirmer" as one transaction that a replayed form cannot repeat. */
#include "csam/designate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "access/org.h"
#include "base/clock.h"
#include "base/msgid.h"
#include "csam/internal.h"
#include "csam/sql.h"
#include "mail/mail.h"
#include "policy/loa.h"
#include "registry/registry.h"
#include "value/value.h"

/* Why who holds no current function in the enterprise: the last one's end, the next one's
 * beginning (direct functions only; empty when there are none), in a. */
static int
function_dates(struct store_tx *tx, struct arena *a, const char *number, const char *niss,
    const char *today, struct csam_enterprise *e)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_CSAM_FUNCTION_DATES, &q, "ttt", number, niss, today) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		e->ended = csam_text(a, store_text(q, CSAM_FUNCTION_DATES_LAST_END));
		e->starts = csam_text(a, store_text(q, CSAM_FUNCTION_DATES_NEXT_BEGIN));
		if (e->ended == NULL || e->starts == NULL)
			rc = -1;
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* The name of the GAP of org_id in a ("" when none). Returns 0 or -1. */
static int
gap_name(struct store_tx *tx, struct arena *a, int64_t org_id, const char **out)
{
	struct person p;
	int64_t id = org_gap(tx, org_id);

	if (id < 0)
		return -1;
	*out = "";
	if (id == 0)
		return 0;
	if (person_read(tx, a, id, &p) != 0)
		return -1;
	*out = csam_person_name(a, &p);
	return *out != NULL ? 0 : -1;
}

/* Nothing found yet: every text "". */
static void
enterprise_clear(struct csam_enterprise *e)
{
	memset(e, 0, sizeof(*e));
	e->number = e->name = e->address = e->gap_name = e->ended = e->starts = "";
}

static void
gap_clear(struct csam_gap *gap)
{
	memset(gap, 0, sizeof(*gap));
	gap->niss = gap->last_name = gap->first_name = "";
}

/* The checks of csam_check inside tx. ACCESS_DENIED leaves the reason in *why for the
 * caller to record (csam_refuse). */
static enum access_rc
run_checks(struct store_tx *tx, struct arena *a, const struct actor *who, const char *typed,
    const char *today, bool replace, struct csam_enterprise *e, enum policy_reason *why)
{
	struct policy_target target = { 0 };
	struct policy_actor actor;
	struct reg_enterprise re;
	struct person me;
	char number[11];
	int rep;
	int64_t org;

	enterprise_clear(e);
	*why = POLICY_ALLOWED;
	if (who->person_id <= 0 || who->level < LOA_HIGH) {
		e->check = CSAM_CHECK_LEVEL;
		*why = POLICY_LEVEL;
		return ACCESS_DENIED;
	}
	e->be = typed == NULL || strlen(typed) > CSAM_TYPED_MAX ? BE_LENGTH :
	    be_enterprise_parse(typed, number);
	if (typed == NULL || typed[0] == '\0')
		e->be = BE_EMPTY;
	if (e->be != BE_OK) {
		e->check = CSAM_CHECK_NUMBER;
		return ACCESS_REFUSED;
	}
	e->number = csam_text(a, number);
	if (e->number == NULL) {
		e->number = "";
		return ACCESS_ERROR;
	}
	switch (registry_enterprise(tx, a, e->number, who->lang, &re)) {
	case 0:
		break;
	case 1:
		e->check = CSAM_CHECK_UNKNOWN;
		return ACCESS_REFUSED;
	default:
		return ACCESS_ERROR;
	}
	e->name = csam_text(a, re.name ? re.name : e->number);
	e->address = csam_address_line(a, &re.seat);
	if (e->name == NULL || e->address == NULL) {
		e->name = e->address = "";
		return ACCESS_ERROR;
	}
	if (!re.active) {
		e->check = CSAM_CHECK_STOPPED;
		return ACCESS_REFUSED;
	}
	if (person_read(tx, a, who->person_id, &me) != 0)
		return ACCESS_ERROR;
	rep = me.niss[0] ? registry_represents(tx, me.niss, e->number, today) : 0;
	org = org_by_enterprise(tx, e->number);
	if (rep < 0 || org < 0 ||
	    access_actor(tx, who->person_id, org, (enum loa)who->level, &actor) != 0)
		return ACCESS_ERROR;
	if (rep == 1)
		actor.roles |= ROLE_LEGAL_REP;
	*why = policy_check(POLICY_DESIGNATE_GAP, &actor, &target);
	if (*why != POLICY_ALLOWED) {
		e->check = *why == POLICY_LEVEL ? CSAM_CHECK_LEVEL : CSAM_CHECK_NOT_REP;
		if (e->check == CSAM_CHECK_NOT_REP && me.niss[0] &&
		    function_dates(tx, a, e->number, me.niss, today, e) != 0)
			return ACCESS_ERROR;
		return ACCESS_DENIED;
	}
	e->org_id = org;
	if (org > 0) {
		if (gap_name(tx, a, org, &e->gap_name) != 0)
			return ACCESS_ERROR;
		if (!replace) {
			e->check = CSAM_CHECK_REGISTERED;
			return ACCESS_REFUSED;
		}
	} else if (replace) {
		e->check = CSAM_CHECK_NOT_REGISTERED;
		return ACCESS_REFUSED;
	}
	return ACCESS_OK;
}

enum access_rc
csam_check(struct store *s, struct arena *a, const struct actor *who, const char *typed,
    const char *today, bool replace, struct csam_enterprise *e)
{
	struct store_tx *tx = NULL;
	enum policy_reason why;
	enum access_rc rc;

	enterprise_clear(e);
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	rc = run_checks(tx, a, who, typed, today, replace, e, &why);
	if (rc == ACCESS_DENIED)
		rc = access_refuse_named(s, &tx, who, e->number[0] ? e->number : NULL,
		    POLICY_DESIGNATE_GAP, why, NULL);
	else
		store_rollback(&tx);
	return rc;
}

/* The contact fields of the designation form, in this order in form_checks. */
static const struct value_field gap_contact[] = {
	{ "email", VALUE_EMAIL, true, ACCESS_EMAIL_MAX,
	  N_("Introduisez l'adresse e-mail de contact."),
	  N_("Introduisez une adresse e-mail valide, par exemple direction@entreprise.be.") },
	{ "phone", VALUE_PHONE, true, ACCESS_PHONE_MAX,
	  N_("Introduisez le numéro de téléphone de contact."),
	  N_("Introduisez un numéro de téléphone valide, par exemple +32 2 511 51 51.") },
};

/* The form's checks inside tx. */
static enum access_rc
form_checks(struct store_tx *tx, struct arena *a, const struct actor *who,
    const struct csam_gap_form *f, int64_t org_id, struct csam_gap *gap,
    struct access_errors *err)
{
	struct person me, p;
	struct be_niss niss;
	enum be_reason br;
	int rc;

	gap_clear(gap);
	access_check_fields(err, gap_contact, sizeof(gap_contact) / sizeof(gap_contact[0]),
	    (const char *const[]){ f->email, f->phone });
	if (person_read(tx, a, who->person_id, &me) != 0)
		return ACCESS_ERROR;
	if (!f->other) {
		gap->niss = me.niss;
		gap->last_name = me.last_name;
		gap->first_name = me.first_name;
		gap->person_id = me.id;
		gap->self = true;
	} else {
		br = f->niss == NULL || f->niss[0] == '\0' ? BE_EMPTY :
		    strlen(f->niss) > CSAM_TYPED_MAX ? BE_LENGTH : be_niss_parse(f->niss, &niss);
		if (br != BE_OK)
			access_error_add(err, "niss", br == BE_EMPTY ? N_("Introduisez le numéro de "
			    "registre national de la personne à désigner.") : be_reason_msgid(br));
		if (f->last_name == NULL || f->last_name[0] == '\0')
			access_error_add(err, "last_name", N_("Introduisez le nom de la personne à "
			    "désigner."));
		else if (!value_ok(VALUE_PERSON_NAME, f->last_name, ACCESS_NAME_MAX))
			access_error_add(err, "last_name", N_("Le nom ne peut compter plus de 100 "
			    "caractères, sans caractère de contrôle ni < ou >."));
		if (br == BE_OK) {
			struct reg_person rp;

			rc = registry_person(tx, a, niss.digits, &rp);
			if (rc < 0)
				return ACCESS_ERROR;
			if (rc == 0) {
				gap->last_name = csam_text(a, rp.last_name);
				gap->first_name = csam_text(a, rp.first_names);
			}
			rc = person_find_niss(tx, a, niss.digits, &p);
			if (rc < 0)
				return ACCESS_ERROR;
			if (rc == 0) {
				gap->person_id = p.id;
				if (gap->last_name != NULL && gap->last_name[0] == '\0') {
					gap->last_name = p.last_name;
					gap->first_name = p.first_name;
				}
			}
			gap->niss = csam_text(a, niss.digits);
			if (gap->niss == NULL || gap->last_name == NULL ||
			    gap->first_name == NULL) {
				gap_clear(gap);
				return ACCESS_ERROR;
			}
			gap->self = gap->person_id == me.id;
			if (gap->last_name[0] == '\0')
				access_error_add(err, "niss", N_("Ce numéro est inconnu du registre "
				    "national : vérifiez-le."));
			else if (f->last_name != NULL && f->last_name[0] != '\0' &&
			    !value_same_name(f->last_name, gap->last_name))
				access_error_add(err, "last_name", N_("Ce nom ne correspond pas au "
				    "numéro de registre national introduit."));
		}
	}
	if (org_id > 0 && gap->person_id > 0 && err->n == 0) {
		int64_t current = org_gap(tx, org_id);

		if (current < 0)
			return ACCESS_ERROR;
		if (current == gap->person_id)
			access_error_add(err, "choice", N_("Cette personne est déjà le Gestionnaire "
			    "d'Accès Principal de l'entreprise."));
	}
	return err->n > 0 ? ACCESS_INVALID : ACCESS_OK;
}

enum access_rc
csam_gap_form_check(struct store *s, struct arena *a, const struct actor *who,
    const struct csam_gap_form *f, int64_t org_id, struct csam_gap *gap,
    struct access_errors *err)
{
	struct store_tx *tx;
	enum access_rc rc;

	gap_clear(gap);
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	rc = form_checks(tx, a, who, f, org_id, gap, err);
	store_rollback(&tx);
	return rc;
}

/* Fills done (texts in a) from the organisation and its GAP as they are now. */
static int
fill_done(struct store_tx *tx, struct arena *a, const struct actor *who, int64_t org_id,
    int64_t gap_id, bool replaced, struct csam_done *done)
{
	struct person p;
	struct org o;

	memset(done, 0, sizeof(*done));
	done->enterprise = done->name = done->gap_name = "";
	if (org_get(tx, a, org_id, &o) != 0 || person_read(tx, a, gap_id, &p) != 0)
		return -1;
	done->org_id = org_id;
	done->enterprise = csam_text(a, o.enterprise);
	done->name = csam_text(a, o.name);
	done->gap_name = csam_person_name(a, &p);
	done->self = gap_id == who->person_id;
	done->replaced = replaced;
	if (done->enterprise == NULL || done->name == NULL || done->gap_name == NULL) {
		done->enterprise = done->name = done->gap_name = "";
		return -1;
	}
	return 0;
}

/* The submission of token: 1 found (done filled), 0 none, -1 error or someone else's. */
static int
submission(struct store_tx *tx, struct arena *a, const struct actor *who, const char *token,
    struct csam_done *done)
{
	struct store_q *q;
	int64_t person = 0, org = 0, gap = 0;
	bool replaced = false;
	int rc;

	if (store_query(tx, SQL_CSAM_SUBMISSION_GET, &q, "t", token) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		person = store_int(q, CSAM_SUBMISSION_GET_PERSON_ID);
		replaced = store_text(q, CSAM_SUBMISSION_GET_KIND) &&
		    strcmp(store_text(q, CSAM_SUBMISSION_GET_KIND), "replace") == 0;
		org = store_int(q, CSAM_SUBMISSION_GET_ORG_ID);
		gap = store_int(q, CSAM_SUBMISSION_GET_GAP_PERSON);
	}
	store_done(q);
	if (rc <= 0)
		return rc;
	if (person != who->person_id)
		return -2;
	return fill_done(tx, a, who, org, gap, replaced, done) == 0 ? 1 : -1;
}

enum access_rc
csam_submission(struct store *s, struct arena *a, const struct actor *who, const char *token,
    struct csam_done *out)
{
	struct store_tx *tx;
	int rc;

	if (!csam_valid_token(token) || who->person_id <= 0)
		return ACCESS_NOT_FOUND;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return ACCESS_ERROR;
	rc = submission(tx, a, who, token, out);
	store_rollback(&tx);
	return rc == 1 ? ACCESS_OK : rc == 0 || rc == -2 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
}

/* The mails of a registration or a replacement, in the same transaction. */
static int
notify(struct store_tx *tx, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct csam_enterprise *e, const struct csam_gap *gap,
    const struct csam_gap_form *f, int64_t old_gap, const char *old_contact)
{
	char number[13];
	const char *name = arena_printf(a, "%s %s", gap->first_name, gap->last_name);
	const char *args[3] = { e->name, number, name };

	if (name == NULL)
		return -1;
	be_enterprise_format(e->number, number);
	if (old_gap == 0)
		return mail_queue(tx, mt, MAIL_GAP_DESIGNATED, f->email, who->lang, e->number, args, 3);
	if (old_gap > 0) {
		struct person prev;
		const char *to;

		if (person_read(tx, a, old_gap, &prev) != 0)
			return -1;
		/* The previous GAP at their own address, else at the organisation's former one. */
		to = value_ok(VALUE_EMAIL, prev.email, 0) ? prev.email : old_contact;
		if (value_ok(VALUE_EMAIL, to, 0) && strcmp(to, f->email) != 0 &&
		    mail_queue(tx, mt, MAIL_GAP_REPLACED_OLD, to, prev.language[0] ? prev.language :
		    who->lang, e->number, args, 3) != 0)
			return -1;
	}
	return mail_queue(tx, mt, MAIL_GAP_REPLACED, f->email, who->lang, e->number, args, 3);
}

enum access_rc
csam_designate(struct store *s, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct csam_gap_form *f, bool replace,
    struct csam_enterprise *e, struct csam_gap *gap, struct access_errors *err,
    struct csam_done *done)
{
	char at[CLOCK_TEXT_SIZE];
	struct store_tx *tx = NULL;
	struct actor by = {
		.person_id = who->person_id, .role = "legal_rep", .source = who->source,
		.request_id = who->request_id,
	};
	enum policy_reason why;
	enum access_rc rc;
	struct org old = { 0 };
	int64_t gap_id, old_gap = 0;
	int x;

	enterprise_clear(e);
	gap_clear(gap);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return ACCESS_ERROR;
	if (!csam_valid_token(f->token)) {
		access_error_add(err, "token", N_("Ce formulaire n'est plus valable : "
		    "recommencez l'enregistrement."));
		rc = ACCESS_INVALID;
		goto rollback;
	}
	/* The same confirmation again: its first outcome, nothing changes. */
	x = who->person_id > 0 ? submission(tx, a, who, f->token, done) : 0;
	if (x == 1) {
		done->replayed = true;
		rc = ACCESS_OK;
		goto rollback;
	}
	if (x == -2) {
		access_error_add(err, "token", N_("Ce formulaire n'est plus valable : "
		    "recommencez l'enregistrement."));
		rc = ACCESS_INVALID;
		goto rollback;
	}
	if (x < 0) {
		rc = ACCESS_ERROR;
		goto rollback;
	}
	rc = run_checks(tx, a, who, f->enterprise, f->today, replace, e, &why);
	if (rc == ACCESS_DENIED) {
		rc = access_refuse_named(s, &tx, who, e->number[0] ? e->number : NULL,
		    POLICY_DESIGNATE_GAP, why, NULL);
		goto done;
	}
	if (rc != ACCESS_OK)
		goto rollback;
	rc = form_checks(tx, a, who, f, e->org_id, gap, err);
	if (rc != ACCESS_OK)
		goto rollback;
	gap_id = gap->person_id;
	if (gap_id == 0) {
		x = csam_person_ensure(tx, who, gap->niss, gap->last_name, gap->first_name,
		    NULL, &gap_id);
		if (x != 0) {
			rc = ACCESS_ERROR;
			goto rollback;
		}
	}
	if (!replace) {
		struct org_new n = {
			.enterprise = e->number, .country = "BE", .name = e->name,
			.address = e->address, .contact_email = f->email,
			.contact_phone = f->phone, .procedure = "standard",
		};
		int64_t id = org_create(tx, &n, gap_id, &by);

		if (id == -2) {
			/* Registered in between by someone else. */
			e->check = CSAM_CHECK_REGISTERED;
			rc = ACCESS_REFUSED;
			goto rollback;
		}
		if (id < 0) {
			rc = ACCESS_ERROR;
			goto rollback;
		}
		e->org_id = id;
	} else {
		char object[32];

		old_gap = org_gap(tx, e->org_id);
		if (old_gap < 0 || org_get(tx, a, e->org_id, &old) != 0 ||
		    org_replace_gap(tx, e->org_id, gap_id, &by) != 0 ||
		    org_set_contact(tx, e->org_id, f->email, f->phone) != 0) {
			rc = ACCESS_ERROR;
			goto rollback;
		}
		snprintf(object, sizeof(object), "org:%" PRId64, e->org_id);
		if (access_audit_as(tx, who, "legal_rep", e->number, "org.contact.change", object,
		    NULL) != 0) {
			rc = ACCESS_ERROR;
			goto rollback;
		}
	}
	if (notify(tx, mt, a, who, e, gap, f, replace ? old_gap : 0, replace ? old.contact_email :
	    NULL) != 0 ||
	    clock_text(clock_time(), at) != 0 ||
	    store_exec(tx, SQL_CSAM_SUBMISSION_INSERT, "titiit", f->token, who->person_id,
	    replace ? "replace" : "register", e->org_id, gap_id, at) != 1 ||
	    fill_done(tx, a, who, e->org_id, gap_id, replace, done) != 0) {
		rc = ACCESS_ERROR;
		goto rollback;
	}
	rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
	tx = NULL;
	goto done;
rollback:
	store_rollback(&tx);
done:
	return rc;
}
