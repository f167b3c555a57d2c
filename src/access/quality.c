/* quality.c — the entity page, activating a quality with its local manager (guide §3),
 * and the detail of an activated quality: its e-mail, its local manager and co-managers.
 * Every operation checks the policy first; a refusal is audited and changes nothing. */
#include "access/quality.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "access/service.h"
#include "access/sql.h"
#include "auth/person.h"
#include "base/clock.h"
#include "base/msgid.h"
#include "be/be.h"
#include "registry/registry.h"
#include "value/value.h"

static const char *
lang_of(const struct actor *who)
{
	return who->lang != NULL ? who->lang : "fr";
}

/* Reads the current row of SQL_ACCESS_ORG_QUALITIES / _ORG_QUALITY_GET into the
 * quality_info elem (an access_row_fn). */
static int
active_row(struct store_q *q, struct arena *a, void *elem)
{
	struct quality_info *out = elem;

	out->id = store_int(q, ACCESS_ORG_QUALITY_ID);
	return access_dup(a, &out->code, store_text(q, ACCESS_ORG_QUALITY_QUALITY)) |
	    access_dup(a, &out->name, store_text(q, ACCESS_ORG_QUALITY_NAME)) |
	    access_dup(a, &out->email, store_text(q, ACCESS_ORG_QUALITY_EMAIL)) |
	    access_dup(a, &out->activated_at, store_text(q, ACCESS_ORG_QUALITY_ACTIVATED_AT));
}

/* Full row of an activated quality of org. Returns 0, 1 (not of org) or -1. */
static int
oq_row(struct store_tx *tx, int64_t org, int64_t quality, const char *lang,
    struct arena *a, struct quality_info *out)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_ORG_QUALITY_GET, &q, "iit", quality, org, lang) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && active_row(q, a, out) != 0)
		rc = -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
quality_read(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    const char *lang, const char **code, const char **name)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_ACCESS_ORG_QUALITY_GET, &q, "iit", quality, org,
	    lang ? lang : "fr") != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && ((code != NULL &&
	    access_dup(a, code, store_text(q, ACCESS_ORG_QUALITY_QUALITY)) != 0) ||
	    (name != NULL && access_dup(a, name, store_text(q, ACCESS_ORG_QUALITY_NAME)) != 0)))
		rc = -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* access_row_fn: a secured application of SQL_ACCESS_APPS_OF_QUALITY. */
static int
app_row(struct store_q *q, struct arena *a, void *elem)
{
	struct app_info *app = elem;

	app->min_level = (int)store_int(q, ACCESS_APPS_OF_QUALITY_MIN_LEVEL);
	return access_dup(a, &app->code, store_text(q, ACCESS_APPS_OF_QUALITY_CODE)) |
	    access_dup(a, &app->name, store_text(q, ACCESS_APPS_OF_QUALITY_NAME)) |
	    access_dup(a, &app->description, store_text(q, ACCESS_APPS_OF_QUALITY_DESCRIPTION));
}

int
quality_apps(struct store_tx *tx, struct arena *a, const char *code, const char *lang,
    struct app_info **out)
{
	struct access_list l = { 0 };
	struct store_q *q;

	*out = NULL;
	if (store_query(tx, SQL_ACCESS_APPS_OF_QUALITY, &q, "tt", code, lang ? lang : "fr") != 0 ||
	    access_read_rows(q, a, &l, sizeof(**out), app_row) != 0)
		return -1;
	*out = l.v;
	return (int)l.n;
}

/* access_row_fn: a (code, name) row of the catalogue. */
static int
catalogue_row(struct store_q *q, struct arena *a, void *elem)
{
	struct quality_info *v = elem;

	return access_dup(a, &v->code, store_text(q, ACCESS_QUALITIES_INACTIVE_CODE)) |
	    access_dup(a, &v->name, store_text(q, ACCESS_QUALITIES_INACTIVE_NAME));
}

/* Reads the rows of a (code, name) query into a list. Returns the count or -1. */
static int
quality_list(struct store_tx *tx, struct arena *a, int id, int64_t org, const char *lang,
    bool active, struct quality_info **out)
{
	struct access_list l = { 0 };
	struct store_q *q;

	*out = NULL;
	if (store_query(tx, id, &q, "it", org, lang) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**out),
	    active ? active_row : catalogue_row) != 0)
		return -1;
	*out = l.v;
	return (int)l.n;
}

/* Opens tx on org and its quality (0: none), ACCESS_NOT_FOUND when either is unknown,
 * and checks the policy for action on that quality (access_open). o (may be NULL: org only
 * checked to exist) receives the organisation, its texts in a. */
static enum access_rc
open_org(struct store *s, enum store_mode mode, const struct actor *who, int64_t org,
    enum policy_action action, int64_t quality, struct store_tx **tx, struct arena *a,
    struct org *o, struct policy_actor *actor)
{
	struct policy_target t = { .quality = quality };
	struct org none;

	return access_open(s, mode, who, org, action, &t, tx, o != NULL ? a : NULL,
	    o != NULL ? o : &none, actor);
}

enum access_rc
quality_entity(struct store *s, const struct actor *who, int64_t org, struct arena *a,
    struct entity_view *out)
{
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	int n;

	memset(out, 0, sizeof(*out));
	rc = open_org(s, STORE_READ, who, org, POLICY_ACTIVATE_QUALITY, 0, &tx, a, &out->org,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	out->is_gap = (actor.roles & ROLE_GAP) != 0;
	n = quality_list(tx, a, SQL_ACCESS_ORG_QUALITIES, org, lang_of(who), true, &out->active);
	if (n >= 0) {
		out->nactive = (size_t)n;
		n = quality_list(tx, a, SQL_ACCESS_QUALITIES_INACTIVE, org, lang_of(who), false,
		    &out->inactive);
	}
	if (n >= 0)
		out->ninactive = (size_t)n;
	/* "Date de création": the enterprise's start date when the registry knows it. */
	out->start_date = out->org.created_at;
	if (n >= 0 && out->org.enterprise[0] != '\0') {
		struct reg_enterprise e;

		if (registry_enterprise(tx, a, out->org.enterprise, lang_of(who), &e) == 0 &&
		    e.start_date != NULL && e.start_date[0] != '\0')
			out->start_date = e.start_date;
	}
	store_rollback(&tx);
	return n < 0 ? ACCESS_ERROR : ACCESS_OK;
}

/* The catalogue quality code: 0 found (name in a), 1 unknown, -1 error. */
static int
catalogue_quality(struct store_tx *tx, struct arena *a, const char *code, const char *lang,
    struct quality_info *out)
{
	struct store_q *q;
	int rc;

	if (code == NULL || code[0] == '\0' || strlen(code) > QUALITY_CODE_MAX)
		return 1;
	if (store_query(tx, SQL_ACCESS_QUALITY_GET, &q, "tt", code, lang) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && (access_dup(a, &out->code, store_text(q, ACCESS_QUALITY_GET_CODE)) |
	    access_dup(a, &out->name, store_text(q, ACCESS_QUALITY_GET_NAME))) != 0)
		rc = -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* The activated quality of org for a catalogue code: its id (0 none) and e-mail into
 * *email (may be NULL; in a, "" when none). -1 on error. */
static int64_t
active_by_code(struct store_tx *tx, struct arena *a, int64_t org, const char *code,
    const char **email)
{
	struct store_q *q;
	int64_t id = 0;
	int rc;

	if (email != NULL)
		*email = "";
	if (store_query(tx, SQL_ACCESS_ORG_QUALITY_BY_CODE, &q, "it", org, code) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		id = store_int(q, ACCESS_ORG_QUALITY_BY_CODE_ID);
		if (email != NULL &&
		    access_dup(a, email, store_text(q, ACCESS_ORG_QUALITY_BY_CODE_EMAIL)) != 0)
			rc = -1;
	}
	store_done(q);
	return rc < 0 ? -1 : id;
}

enum access_rc
quality_activation_start(struct store *s, const struct actor *who, int64_t org,
    const char *code, struct arena *a, struct quality_info *out, struct app_info **apps,
    size_t *napps)
{
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	int64_t id;
	int r;

	memset(out, 0, sizeof(*out));
	*apps = NULL;
	*napps = 0;
	rc = open_org(s, STORE_READ, who, org, POLICY_ACTIVATE_QUALITY, 0, &tx, NULL, NULL, &actor);
	if (rc != ACCESS_OK)
		return rc;
	r = catalogue_quality(tx, a, code, lang_of(who), out);
	if (r != 0) {
		store_rollback(&tx);
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	id = active_by_code(tx, NULL, org, out->code, NULL);
	r = id < 0 ? -1 : quality_apps(tx, a, out->code, lang_of(who), apps);
	store_rollback(&tx);
	if (r < 0)
		return ACCESS_ERROR;
	*napps = (size_t)r;
	out->id = id;
	return id > 0 ? ACCESS_EXISTS : ACCESS_OK;
}

/* The NISS of the person acting into *niss ("" when they have none; in a), through
 * auth/person.h. Returns 0 or -1. */
static int
own_niss(struct store_tx *tx, struct arena *a, int64_t person, const char **niss)
{
	struct person p;
	int rc = person_read(tx, a, person, &p);

	*niss = "";
	if (rc == 0 && access_dup(a, niss, p.niss) != 0)
		rc = -1;
	return rc < 0 ? -1 : 0;
}

/* What step 1 gives (texts in the arena of check_step1). */
struct step1 {
	struct quality_info q;     /* the catalogue quality */
	const char *email;         /* the quality's e-mail, "" when refused */
	const char *niss;          /* the local manager's NISS, "" when none */
	int64_t active;            /* the quality when it is active already, else 0 */
	const char *active_email;  /* … and its e-mail */
};

/* Step 1's checks: quality, e-mail, choice, NISS, into *o (texts in a). Returns 0 (see
 * err) or -1 on error. */
static int
check_step1(struct store_tx *tx, struct arena *a, const struct actor *who, int64_t org,
    const struct activation_input *in, struct step1 *o, struct access_errors *err)
{
	size_t len;
	int r;

	memset(o, 0, sizeof(*o));
	o->email = o->niss = o->active_email = "";
	r = catalogue_quality(tx, a, in->quality, lang_of(who), &o->q);
	if (r < 0)
		return -1;
	if (r > 0) {
		access_error_add(err, "quality", N_("Choisissez une qualité de la liste."));
		return 0;
	}
	o->active = active_by_code(tx, a, org, o->q.code, &o->active_email);
	if (o->active < 0)
		return -1;
	len = in->email ? strlen(in->email) : 0;
	if (len == 0)
		access_error_add(err, "email_quality", N_("L'adresse e-mail de la qualité est obligatoire."));
	else if (!value_ok(VALUE_EMAIL, in->email, ACCESS_EMAIL_MAX))
		access_error_add(err, "email_quality",
		    N_("L'adresse e-mail n'est pas valide (exemple : nom@exemple.be)."));
	else
		o->email = in->email;
	if (in->mode != NULL && strcmp(in->mode, "self") == 0) {
		if (own_niss(tx, a, who->person_id, &o->niss) != 0)
			return -1;
		if (o->niss[0] == '\0')
			access_error_add(err, "mode",
			    N_("Votre numéro NISS n'est pas connu : désignez un gestionnaire local."));
	} else if (in->mode != NULL && strcmp(in->mode, "gl") == 0) {
		struct be_niss parsed;
		enum be_reason why = in->niss == NULL || in->niss[0] == '\0' ? BE_EMPTY :
		    strlen(in->niss) > 31 ? BE_LENGTH : be_niss_parse(in->niss, &parsed);

		if (why != BE_OK)
			access_error_add(err, "niss", be_reason_msgid(why));
		else if (access_dup(a, &o->niss, parsed.digits) != 0)
			return -1;
	} else {
		access_error_add(err, "mode",
		    N_("Indiquez qui assurera la gestion de la qualité."));
	}
	return 0;
}

enum access_rc
quality_activation_step1(struct store *s, const struct actor *who, int64_t org,
    const struct activation_input *in, struct arena *a, struct user_prefill *gl,
    struct access_errors *err)
{
	struct policy_actor actor;
	struct store_tx *tx;
	struct step1 one;
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	memset(gl, 0, sizeof(*gl));
	rc = open_org(s, STORE_READ, who, org, POLICY_ACTIVATE_QUALITY, 0, &tx, NULL, NULL,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	r = check_step1(tx, a, who, org, in, &one, err);
	if (r == 0 && one.active > 0)
		access_error_add(err, "quality", N_("Cette qualité est déjà activée."));
	if (r == 0 && err->n == 0)
		r = account_prefill(tx, a, org, one.niss, gl);
	store_rollback(&tx);
	if (r < 0)
		return ACCESS_ERROR;
	return err->n > 0 ? ACCESS_INVALID : ACCESS_OK;
}

/* The person id of the quality's GL (0 when none, -1 on error). */
static int64_t
gl_person(struct store_tx *tx, int64_t quality, int64_t *account)
{
	struct store_q *q;
	int64_t person = 0;
	int rc;

	if (account != NULL)
		*account = 0;
	if (store_query(tx, SQL_ACCESS_QUALITY_MANAGERS, &q, "i", quality) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *type = store_text(q, ACCESS_QUALITY_MANAGERS_TYPE);

		if (type != NULL && strcmp(type, "GL") == 0 && person == 0) {
			person = store_int(q, ACCESS_QUALITY_MANAGERS_PERSON_ID);
			if (account != NULL)
				*account = store_int(q, ACCESS_QUALITY_MANAGERS_ACCOUNT_ID);
		}
	}
	store_done(q);
	return rc < 0 ? -1 : person;
}

static enum access_rc
activation(struct store *s, const struct actor *who, int64_t org,
    const struct activation_input *in, struct access_errors *err, bool commit,
    int64_t *quality, bool *again)
{
	char object[40], at[CLOCK_TEXT_SIZE];
	struct policy_actor actor;
	struct store_tx *tx;
	struct user_norm n;
	struct step1 one;
	enum access_rc rc;
	struct arena *a;
	int64_t id, gap;
	int r;

	memset(err, 0, sizeof(*err));
	if (again != NULL)
		*again = false;
	rc = open_org(s, commit ? STORE_WRITE : STORE_READ, who, org, POLICY_ACTIVATE_QUALITY,
	    0, &tx, NULL, NULL, &actor);
	if (rc != ACCESS_OK)
		return rc;
	a = arena_new(ACCESS_CALL_ARENA);     /* what is read and validated, for this call */
	if (a == NULL) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	rc = ACCESS_ERROR;
	r = check_step1(tx, a, who, org, in, &one, err);
	if (r < 0)
		goto done;
	if (err->n > 0) {
		rc = ACCESS_INVALID;
		goto done;
	}
	r = account_validate(tx, a, org, one.q.code, &in->gl, one.niss, &n, err);
	if (r < 0)
		goto done;
	if (one.active > 0) {
		/* Confirmed twice: the same activation is a success, another one is not. */
		int64_t glp = gl_person(tx, one.active, NULL);

		if (glp < 0)
			goto done;
		if (commit && strcmp(one.active_email, one.email) == 0 && n.person_id != 0 &&
		    glp == n.person_id) {
			if (quality != NULL)
				*quality = one.active;
			if (again != NULL)
				*again = true;
			rc = ACCESS_OK;
			goto done;
		}
		access_error_add(err, "quality", N_("Cette qualité est déjà activée."));
		rc = ACCESS_EXISTS;
		goto done;
	}
	if (r > 0) {
		rc = ACCESS_INVALID;
		goto done;
	}
	/* Designating the GAP as local manager is acting on the GAP. */
	gap = org_gap(tx, org);
	if (gap < 0)
		goto done;
	if (n.person_id != 0 && gap == n.person_id) {
		struct policy_target t = { .target_is_gap = true };

		rc = access_check(s, &tx, who, org, POLICY_ACTIVATE_QUALITY, &t, gap, &actor);
		if (rc != ACCESS_OK) {
			arena_free(a);
			return rc;
		}
		rc = ACCESS_ERROR;
	}
	if (!commit) {
		rc = ACCESS_OK;
		goto done;
	}
	r = clock_text(clock_time(), at) != 0 ? -1 :
	    store_insert_try(tx, SQL_ACCESS_ORG_QUALITY_INSERT, &id, "ittit", org, one.q.code,
	    one.email, who->person_id, at);
	if (r == -2) {
		access_error_add(err, "quality", N_("Cette qualité est déjà activée."));
		rc = ACCESS_EXISTS;
		goto done;
	}
	if (r != 1)
		goto done;
	snprintf(object, sizeof(object), "quality:%" PRId64, id);
	if (access_audit_json(tx, who, &actor, org, "quality.activate", object,
	    json_pack("{s:I,s:s,s:s,s:s}", "quality", (json_int_t)id, "code", one.q.code,
	    "email", one.email, "manager",
	    strcmp(in->mode, "self") == 0 ? "self" : "designated")) != 0)
		goto done;
	rc = account_add_member(tx, who, &actor, org, id, "GL", &n);
	if (rc == ACCESS_CONFLICT)
		access_error_add(err, "username",
		    N_("Les données de cette personne ont été modifiées entre-temps. Vérifiez-les et recommencez."));
	if (rc != ACCESS_OK)
		goto done;
	arena_free(a);
	if (store_commit(&tx) != 0)
		return ACCESS_ERROR;
	if (quality != NULL)
		*quality = id;
	return ACCESS_OK;
done:
	arena_free(a);
	store_rollback(&tx);
	return rc;
}

enum access_rc
quality_activation_check(struct store *s, const struct actor *who, int64_t org,
    const struct activation_input *in, struct access_errors *err)
{
	return activation(s, who, org, in, err, false, NULL, NULL);
}

enum access_rc
quality_activate(struct store *s, const struct actor *who, int64_t org,
    const struct activation_input *in, struct access_errors *err, int64_t *quality,
    bool *again)
{
	return activation(s, who, org, in, err, true, quality, again);
}

/* access_row_fn: a local manager or co-manager of SQL_ACCESS_QUALITY_MANAGERS. */
static int
quality_manager_row(struct store_q *q, struct arena *a, void *elem)
{
	struct quality_manager *m = elem;

	m->account_id = store_int(q, ACCESS_QUALITY_MANAGERS_ACCOUNT_ID);
	m->person_id = store_int(q, ACCESS_QUALITY_MANAGERS_PERSON_ID);
	return access_dup(a, &m->type, store_text(q, ACCESS_QUALITY_MANAGERS_TYPE)) |
	    access_dup(a, &m->since, store_text(q, ACCESS_QUALITY_MANAGERS_SINCE)) |
	    access_dup(a, &m->last_name, store_text(q, ACCESS_QUALITY_MANAGERS_LAST_NAME)) |
	    access_dup(a, &m->first_name, store_text(q, ACCESS_QUALITY_MANAGERS_FIRST_NAME)) |
	    access_dup(a, &m->username, store_text(q, ACCESS_QUALITY_MANAGERS_USERNAME)) |
	    access_dup(a, &m->status, store_text(q, ACCESS_QUALITY_MANAGERS_STATUS));
}

enum access_rc
quality_get(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    struct arena *a, struct quality_view *out)
{
	struct policy_actor actor;
	struct quality_info q = { 0 };
	struct policy_target t = { .quality = quality };
	struct store_tx *tx;
	struct access_list managers = { 0 };
	struct store_q *sq;
	enum access_rc rc;
	int r;

	memset(out, 0, sizeof(*out));
	rc = open_org(s, STORE_READ, who, org, POLICY_MANAGE_USERS, quality, &tx, a, &out->org,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	out->may_designate_gl = policy_check(POLICY_ACTIVATE_QUALITY, &actor, &t) ==
	    POLICY_ALLOWED;
	out->may_change = policy_check(POLICY_DESIGNATE_COGL, &actor, &t) == POLICY_ALLOWED;
	r = oq_row(tx, org, quality, lang_of(who), a, &q);
	if (r != 0)
		goto fail;
	out->id = q.id;
	out->code = q.code;
	out->name = q.name;
	out->email = q.email;
	out->activated_at = q.activated_at;
	if (store_query(tx, SQL_ACCESS_QUALITY_MANAGERS, &sq, "i", quality) != 0 ||
	    access_read_rows(sq, a, &managers, sizeof(*out->managers),
	    quality_manager_row) != 0)
		goto fail;
	out->managers = managers.v;
	out->nmanagers = managers.n;
	r = quality_apps(tx, a, q.code, lang_of(who), &out->apps);
	if (r < 0)
		goto fail;
	out->napps = (size_t)r;
	store_rollback(&tx);
	return ACCESS_OK;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}

enum access_rc
quality_set_email(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *email, struct access_errors *err)
{
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	char object[40];
	int r;

	memset(err, 0, sizeof(*err));
	rc = open_org(s, STORE_WRITE, who, org, POLICY_DESIGNATE_COGL, quality, &tx, NULL, NULL,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (email == NULL || email[0] == '\0') {
		access_error_add(err, "email_quality", N_("L'adresse e-mail de la qualité est obligatoire."));
	} else if (!value_ok(VALUE_EMAIL, email, ACCESS_EMAIL_MAX)) {
		access_error_add(err, "email_quality",
		    N_("L'adresse e-mail n'est pas valide (exemple : nom@exemple.be)."));
	}
	if (err->n > 0) {
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	r = store_exec(tx, SQL_ACCESS_ORG_QUALITY_SET_EMAIL, "iit", quality, org, email);
	snprintf(object, sizeof(object), "quality:%" PRId64, quality);
	if (r != 1 || access_audit_json(tx, who, &actor, org, "quality.email", object,
	    json_pack("{s:I,s:s}", "quality", (json_int_t)quality, "email", email)) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	return store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

/* When person (0: none) is the GAP (is_gap, said even when it is the one acting) or
 * another of org's managers, asks the policy whether who may act on them as the
 * quality's manager. On anything but ACCESS_OK tx has been ended. */
static enum access_rc
check_manager(struct store *s, struct store_tx **tx, const struct actor *who,
    int64_t org, int64_t quality, int64_t person, bool is_gap, struct policy_actor *actor)
{
	struct policy_target t = { .quality = quality, .target_is_gap = is_gap };

	if (access_manager_roles(*tx, who, org, person, &t.target_roles) != 0) {
		store_rollback(tx);
		*tx = NULL;
		return ACCESS_ERROR;
	}
	if (!t.target_is_gap && t.target_roles == 0)
		return ACCESS_OK;
	return access_check(s, tx, who, org, POLICY_ACTIVATE_QUALITY, &t, person, actor);
}

enum access_rc
quality_set_gl(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t account_id, struct access_errors *err)
{
	char at[CLOCK_TEXT_SIZE];
	struct policy_actor actor;
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc;
	char object[32];
	int64_t person = 0, old_account = 0, old_person, gap;
	bool member = false, is_gl = false, active = false;
	json_t *j;
	int r;

	memset(err, 0, sizeof(*err));
	rc = open_org(s, STORE_WRITE, who, org, POLICY_ACTIVATE_QUALITY, quality, &tx, NULL,
	    NULL, &actor);
	if (rc != ACCESS_OK)
		return rc;
	/* The new manager: a member of this quality. */
	if (store_query(tx, SQL_ACCESS_ACCOUNT_GET, &q, "ii", account_id, org) != 0)
		goto fail;
	r = store_next(q);
	if (r == 1) {
		person = store_int(q, ACCESS_ACCOUNT_PERSON_ID);
		active = store_text(q, ACCESS_ACCOUNT_STATUS) != NULL &&
		    strcmp(store_text(q, ACCESS_ACCOUNT_STATUS), "active") == 0;
	}
	store_done(q);
	if (r < 0)
		goto fail;
	if (store_query(tx, SQL_ACCESS_MEMBER_GET, &q, "ii", quality, account_id) != 0)
		goto fail;
	r = store_next(q);
	if (r == 1 && store_text(q, ACCESS_MEMBER_GET_TYPE) != NULL &&
	    store_text(q, ACCESS_MEMBER_GET_TYPE)[0] != '\0') {
		member = true;
		is_gl = strcmp(store_text(q, ACCESS_MEMBER_GET_TYPE), "GL") == 0;
	}
	store_done(q);
	if (r < 0)
		goto fail;
	if (person == 0 || !member) {
		store_rollback(&tx);
		return ACCESS_NOT_FOUND;
	}
	/* Designating the GAP or a co-GAP is acting on them. */
	gap = org_gap(tx, org);
	if (gap < 0)
		goto fail;
	rc = check_manager(s, &tx, who, org, quality, person, gap == person, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (is_gl) {
		store_rollback(&tx);
		return ACCESS_EXISTS;
	}
	if (!active) {
		access_error_add(err, "gl", N_("Un utilisateur suspendu ne peut pas devenir gestionnaire local."));
		store_rollback(&tx);
		return ACCESS_INVALID;
	}
	old_person = gl_person(tx, quality, &old_account);
	if (old_person < 0)
		goto fail;
	/* So is displacing them: a co-GAP may not take the quality from the GAP. */
	rc = check_manager(s, &tx, who, org, quality, old_person, false, &actor);
	if (rc != ACCESS_OK)
		return rc;
	if (clock_text(clock_time(), at) != 0 || (old_account != 0 &&
	    store_exec(tx, SQL_ACCESS_MEMBER_SET_TYPE, "iitt", quality, old_account, "USER",
	    at) != 1))
		goto fail;
	if (store_exec(tx, SQL_ACCESS_MEMBER_SET_TYPE, "iitt", quality, account_id, "GL", at) != 1)
		goto fail;
	j = json_pack("{s:I,s:I}", "quality", (json_int_t)quality, "account",
	    (json_int_t)account_id);
	if (j != NULL && old_person > 0) {
		snprintf(object, sizeof(object), "person:%" PRId64, old_person);
		if (json_object_set_new(j, "previous", json_string(object)) != 0) {
			json_decref(j);
			j = NULL;
		}
	}
	snprintf(object, sizeof(object), "person:%" PRId64, person);
	if (access_audit_json(tx, who, &actor, org, "quality.gl.designate", object, j) != 0)
		goto fail;
	return store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
fail:
	store_rollback(&tx);
	return ACCESS_ERROR;
}
