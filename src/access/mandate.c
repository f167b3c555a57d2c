/* mandate.c — mandates between organisations (issue 16): proposal, acceptance or refusal by
 * the other side, end by either side, expiry by the clock, who serves under them. Every
 * "no" comes from the policy table (audited, nothing changed); every change is one
 * transaction with its history row, its audit event and the mails to both sides. */
#include "access/mandate.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access/actor.h"
#include "access/service.h"
#include "access/sql.h"
#include "auth/person.h"
#include "base/clock.h"
#include "base/msgid.h"
#include "be/be.h"
#include "value/value.h"

#define MANDATE_MAX_EVENTS 500
#define QUALITY_CODE_LIMIT 32

static const char *
lang_of(const struct actor *who)
{
	return who->lang != NULL && who->lang[0] != '\0' ? who->lang : "fr";
}

/* ---- quarters ---- */

static const char *
skip_seps(const char *p)
{
	while (*p == ' ' || *p == '-' || *p == '/' || *p == '.')
		p++;
	return p;
}

static bool
quarter_letter(char c)
{
	c = (char)toupper((unsigned char)c);
	return c == 'T' || c == 'K' || c == 'Q';
}

/* Four digits of a year 2000..2999 at *p; advances *p. */
static int
year_at(const char **p, int64_t *year)
{
	const char *s = *p;

	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	*year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*p = s + 4;
	return *year >= 2000 && *year <= 2999 ? 0 : -1;
}

int
mandate_quarter_parse(const char *typed, int64_t *out)
{
	const char *p = typed;
	int64_t year, q;

	if (p == NULL || strlen(p) > 20)
		return -1;
	while (*p == ' ')
		p++;
	if (quarter_letter(*p)) {
		/* "T1 2027" */
		if (p[1] < '1' || p[1] > '4')
			return -1;
		q = p[1] - '0';
		p = skip_seps(p + 2);
		if (year_at(&p, &year) != 0)
			return -1;
	} else {
		/* "2027-1", "2027-T1", "2027 Q1", "20271" */
		if (year_at(&p, &year) != 0)
			return -1;
		p = skip_seps(p);
		if (quarter_letter(*p))
			p++;
		if (*p < '1' || *p > '4')
			return -1;
		q = *p++ - '0';
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return -1;
	*out = year * 10 + q;
	return 0;
}

int64_t
mandate_quarter_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return 0;
	return (int64_t)(tm.tm_year + 1900) * 10 + tm.tm_mon / 3 + 1;
}

void
mandate_quarter_text(int64_t quarter, const char *lang, char out[MANDATE_QUARTER_TEXT])
{
	const char *letter = lang != NULL && strcmp(lang, "nl") == 0 ? "K" :
	    lang != NULL && (strcmp(lang, "de") == 0 || strcmp(lang, "en") == 0) ? "Q" : "T";

	int q = (int)(quarter % 10), year = (int)(quarter / 10 % 10000);

	/* Quarters are bounded by mandate_quarter_parse and the schema's CHECK. */
	snprintf(out, MANDATE_QUARTER_TEXT, "%s%d %d", letter, q < 0 ? 0 : q,
	    year < 0 ? 0 : year);
}

/* ---- reading ---- */

/* access_row_fn: a row of SQL_ACCESS_MANDATE_GET / _LIST. The status reads "expired"
 * once the end quarter has passed, before the clock's job marks it. */
static int
mandate_row(struct store_q *q, struct arena *a, void *elem)
{
	struct mandate_view *v = elem;
	const char *id = store_text(q, ACCESS_MANDATE_PUBLIC_ID);
	int rc;

	v->id = store_int(q, ACCESS_MANDATE_ID);
	snprintf(v->public_id, sizeof(v->public_id), "%s", id != NULL ? id : "");
	v->mandator_org = store_int(q, ACCESS_MANDATE_MANDATOR_ORG);
	v->mandatary_org = store_int(q, ACCESS_MANDATE_MANDATARY_ORG);
	v->start_quarter = store_int(q, ACCESS_MANDATE_START_QUARTER);
	v->end_quarter = store_null(q, ACCESS_MANDATE_END_QUARTER) ? 0 :
	    store_int(q, ACCESS_MANDATE_END_QUARTER);
	v->serve_all = store_int(q, ACCESS_MANDATE_SERVE_ALL) != 0;
	v->version = store_int(q, ACCESS_MANDATE_VERSION);
	rc = access_dup(a, &v->quality, store_text(q, ACCESS_MANDATE_QUALITY)) |
	    access_dup(a, &v->quality_name, store_text(q, ACCESS_MANDATE_QUALITY_NAME)) |
	    access_dup(a, &v->status, store_text(q, ACCESS_MANDATE_STATUS)) |
	    access_dup(a, &v->proposed_side, store_text(q, ACCESS_MANDATE_PROPOSED_SIDE)) |
	    access_dup(a, &v->created_at, store_text(q, ACCESS_MANDATE_CREATED_AT)) |
	    access_dup(a, &v->changed_at, store_text(q, ACCESS_MANDATE_CHANGED_AT)) |
	    access_dup(a, &v->mandator_name, store_text(q, ACCESS_MANDATE_MANDATOR_NAME)) |
	    access_dup(a, &v->mandator_enterprise,
	    store_text(q, ACCESS_MANDATE_MANDATOR_ENTERPRISE)) |
	    access_dup(a, &v->mandatary_name, store_text(q, ACCESS_MANDATE_MANDATARY_NAME)) |
	    access_dup(a, &v->mandatary_enterprise,
	    store_text(q, ACCESS_MANDATE_MANDATARY_ENTERPRISE));
	if (rc == 0 && v->end_quarter != 0 &&
	    v->end_quarter < mandate_quarter_of(clock_time()) &&
	    (strcmp(v->status, "proposed") == 0 || strcmp(v->status, "active") == 0))
		v->status = "expired";
	return rc;
}

static bool
public_id_ok(const char *id)
{
	if (id == NULL || strlen(id) != MANDATE_ID_LEN)
		return false;
	for (const char *p = id; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}

/* The mandate public_id into v (texts in a, names in lang). 0, 1 (none) or -1. */
static int
read_mandate(struct store_tx *tx, struct arena *a, const char *public_id, const char *lang,
    struct mandate_view *v)
{
	struct store_q *q;
	int rc;

	memset(v, 0, sizeof(*v));
	if (!public_id_ok(public_id))
		return 1;
	if (store_query(tx, SQL_ACCESS_MANDATE_GET, &q, "tt", public_id, lang) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && mandate_row(q, a, v) != 0)
		rc = -1;
	store_done(q);
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* The activated quality of org with catalogue code (0: not activated, -1: error). */
static int64_t
org_quality_of(struct store_tx *tx, int64_t org, const char *code)
{
	struct store_q *q;
	int64_t id = 0;
	int rc;

	if (store_query(tx, SQL_ACCESS_ORG_QUALITY_BY_CODE, &q, "it", org, code) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		id = store_int(q, ACCESS_ORG_QUALITY_BY_CODE_ID);
	store_done(q);
	return rc < 0 ? -1 : id;
}

/* What the policy is asked for action on mandate v by org (its side set in v). */
static int
target_of(struct store_tx *tx, int64_t org, enum policy_action action,
    const struct mandate_view *v, struct policy_target *t)
{
	int64_t oq = org_quality_of(tx, org, v->quality);

	if (oq < 0)
		return -1;
	memset(t, 0, sizeof(*t));
	t->quality = oq;
	if (action == POLICY_MANDATE_ACCEPT)
		t->wrong_side = strcmp(v->side, v->proposed_side) == 0;
	else if (action == POLICY_MANDATE_ASSIGN)
		t->wrong_side = strcmp(v->side, "mandatary") != 0;
	return 0;
}

/* Opens *tx on org, reads the mandate public_id of org into v (ACCESS_NOT_FOUND when it
 * is not one of org's) and checks the policy for action on it; a refusal is audited
 * with the mandate as object and ends *tx. */
static enum access_rc
open_mandate(struct store *s, enum store_mode mode, const struct actor *who, int64_t org,
    const char *public_id, enum policy_action action, struct arena *a, struct store_tx **tx,
    struct mandate_view *v, struct policy_actor *actor)
{
	struct policy_target t;
	enum policy_reason why;
	enum access_rc rc;
	struct org none;
	char object[48];
	int r;

	rc = access_begin(s, mode, org, 0, tx, NULL, &none);
	if (rc != ACCESS_OK)
		return rc;
	r = read_mandate(*tx, a, public_id, lang_of(who), v);
	if (r == 0 && v->mandator_org != org && v->mandatary_org != org)
		r = 1;
	if (r == 0) {
		v->side = v->mandator_org == org ? "mandator" : "mandatary";
		r = target_of(*tx, org, action, v, &t) == 0 ? 0 : -1;
	}
	if (r != 0) {
		store_rollback(tx);
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	rc = access_allow(*tx, who, org, action, &t, actor, &why);
	if (rc == ACCESS_DENIED) {
		snprintf(object, sizeof(object), "mandate:%s", v->public_id);
		return access_refuse(s, tx, who, org, action, why, t.quality, object);
	}
	if (rc != ACCESS_OK)
		store_rollback(tx);
	return rc;
}

/* ---- mails ---- */

/* The mail of kind about v to org's GAP (at their address and in their language), else to
 * the organisation's contact address; nobody to write to is no error. 0 or -1. */
static int
mail_org(struct store_tx *tx, const struct mail_texts *mt, struct arena *a,
    enum mail_kind kind, const struct mandate_view *v, int64_t org_id, const char *fallback)
{
	char from[13] = "", to_number[13] = "", q1[MANDATE_QUARTER_TEXT], q2[MANDATE_QUARTER_TEXT];
	const char *lang = fallback, *to = NULL, *qname = v->quality, *period;
	struct store_q *q;
	struct org o;
	int64_t gap = 0;
	int rc;

	if (org_get(tx, a, org_id, &o) != 0)
		return -1;
	if (store_query(tx, SQL_ACCESS_GAP_OF_ORG, &q, "i", org_id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		gap = store_int(q, ACCESS_GAP_OF_ORG_PERSON_ID);
		if (value_ok(VALUE_EMAIL, store_text(q, ACCESS_GAP_OF_ORG_EMAIL), 0))
			to = arena_strdup(a, store_text(q, ACCESS_GAP_OF_ORG_EMAIL));
	}
	store_done(q);
	if (rc < 0)
		return -1;
	if (gap > 0) {
		struct person p;

		if (person_read(tx, a, gap, &p) != 0)
			return -1;
		if (p.language != NULL && p.language[0] != '\0')
			lang = p.language;
	}
	if (to == NULL && value_ok(VALUE_EMAIL, o.contact_email, 0))
		to = o.contact_email;
	if (to == NULL)
		return 0;
	/* The quality's name in the recipient's language. */
	if (store_query(tx, SQL_ACCESS_QUALITY_GET, &q, "tt", v->quality, lang) != 0)
		return -1;
	if (store_next(q) == 1)
		qname = arena_strdup(a, store_text(q, ACCESS_QUALITY_GET_NAME));
	store_done(q);
	if (strlen(v->mandator_enterprise) == 10)
		be_enterprise_format(v->mandator_enterprise, from);
	if (strlen(v->mandatary_enterprise) == 10)
		be_enterprise_format(v->mandatary_enterprise, to_number);
	mandate_quarter_text(v->start_quarter, lang, q1);
	if (v->end_quarter != 0) {
		mandate_quarter_text(v->end_quarter, lang, q2);
		period = arena_printf(a, "%s – %s", q1, q2);
	} else {
		period = arena_printf(a, "%s – …", q1);
	}
	if (qname == NULL || period == NULL)
		return -1;
	return mail_queue(tx, mt, kind, to, lang, o.enterprise[0] ? o.enterprise : NULL,
	    (const char *const[]){ v->mandator_name, from, v->mandatary_name, to_number, qname,
	    period }, 6);
}

static int
mail_both(struct store_tx *tx, const struct mail_texts *mt, struct arena *a,
    enum mail_kind kind, const struct mandate_view *v, const char *lang)
{
	return mail_org(tx, mt, a, kind, v, v->mandator_org, lang) == 0 &&
	    mail_org(tx, mt, a, kind, v, v->mandatary_org, lang) == 0 ? 0 : -1;
}

/* ---- writing ---- */

/* The history row of v now at status (actor 0: the clock), and the audit event action
 * by who in org. 0 or -1. */
static int
record(struct store_tx *tx, const struct actor *who, const struct policy_actor *actor,
    int64_t org, const struct mandate_view *v, const char *status, const char *side,
    const char *note, const char *action)
{
	char now[CLOCK_TEXT_SIZE], object[48];
	json_t *j;

	if (clock_text(clock_time(), now) != 0)
		return -1;
	if (store_exec(tx, SQL_ACCESS_MANDATE_EVENT_INSERT, "ittItt", v->id, now, status,
	    who->person_id, side, note != NULL ? note : "") != 1)
		return -1;
	snprintf(object, sizeof(object), "mandate:%s", v->public_id);
	j = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "mandator", v->mandator_enterprise,
	    "mandatary", v->mandatary_enterprise, "quality", v->quality, "status", status,
	    "start", (json_int_t)v->start_quarter, "note", note != NULL ? note : "");
	if (j != NULL && v->end_quarter != 0 &&
	    json_object_set_new(j, "end", json_integer(v->end_quarter)) != 0) {
		json_decref(j);
		j = NULL;
	}
	return access_audit_json(tx, who, actor, org, action, object, j);
}

/* Sets v's status (at the version read), its history row, audit event and mails. */
static enum access_rc
change_status(struct store_tx *tx, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct policy_actor *actor, int64_t org,
    struct mandate_view *v, const char *status, const char *side, enum mail_kind kind,
    const char *action)
{
	char now[CLOCK_TEXT_SIZE];
	int r;

	if (clock_text(clock_time(), now) != 0)
		return ACCESS_ERROR;
	r = store_exec(tx, SQL_ACCESS_MANDATE_SET_STATUS, "itti", v->id, status, now, v->version);
	if (r == 0)
		return ACCESS_CONFLICT;
	if (r != 1)
		return ACCESS_ERROR;
	v->status = status;
	if (record(tx, who, actor, org, v, status, side, NULL, action) != 0 ||
	    mail_both(tx, mt, a, kind, v, lang_of(who)) != 0)
		return ACCESS_ERROR;
	return ACCESS_OK;
}

/* Commits tx when rc is ACCESS_OK, else rolls it back; frees a. */
static enum access_rc
finish(struct store_tx **tx, struct arena *a, enum access_rc rc)
{
	if (rc == ACCESS_OK && store_commit(tx) != 0)
		rc = ACCESS_ERROR;
	store_rollback(tx);
	arena_free(a);
	return rc;
}

/* The counterparty: its id into *other, or a field error. 0 checked, -1 store error. */
static int
check_counterparty(struct store_tx *tx, int64_t org, const char *typed, int64_t *other,
    struct access_errors *err)
{
	char digits[11];
	enum be_reason why = typed == NULL || typed[0] == '\0' ? BE_EMPTY :
	    strlen(typed) > 31 ? BE_LENGTH : be_enterprise_parse(typed, digits);

	*other = 0;
	if (why != BE_OK) {
		access_error_add(err, "counterparty", be_reason_msgid(why));
		return 0;
	}
	*other = org_by_enterprise(tx, digits);
	if (*other < 0)
		return -1;
	if (*other == 0)
		access_error_add(err, "counterparty",
		    N_("Aucune organisation enregistrée ne porte ce numéro d'entreprise."));
	else if (*other == org) {
		access_error_add(err, "counterparty",
		    N_("Choisissez une autre organisation que la vôtre."));
		*other = 0;
	}
	return 0;
}

/* The quality (known to the catalogue, activated at mandator when it is known) and its
 * applications (at least one, each of it). 0 checked, -1 store error. */
static int
check_scope(struct store_tx *tx, int64_t mandator, const struct mandate_input *in,
    const char *lang, struct access_errors *err)
{
	struct store_q *q;
	int rc;

	if (in->quality == NULL || in->quality[0] == '\0' ||
	    strlen(in->quality) > QUALITY_CODE_LIMIT) {
		access_error_add(err, "quality", N_("Choisissez une qualité."));
		return 0;
	}
	if (store_query(tx, SQL_ACCESS_QUALITY_GET, &q, "tt", in->quality, lang) != 0)
		return -1;
	rc = store_next(q);
	store_done(q);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		access_error_add(err, "quality", N_("Choisissez une qualité."));
		return 0;
	}
	if (mandator > 0) {
		int64_t oq = org_quality_of(tx, mandator, in->quality);

		if (oq < 0)
			return -1;
		if (oq == 0)
			access_error_add(err, "quality",
			    N_("Le mandant n'a pas activé cette qualité."));
	}
	if (in->napps == 0)
		access_error_add(err, "apps", N_("Cochez au moins une application."));
	if (in->napps > ACCESS_MAX_APPS)
		access_error_add(err, "apps", N_("Trop d'applications cochées."));
	for (size_t i = 0; i < in->napps && i <= ACCESS_MAX_APPS; i++) {
		const char *app = in->apps[i];
		const char *of;

		if (app == NULL || strlen(app) > QUALITY_CODE_LIMIT) {
			access_error_add(err, "apps",
			    N_("Ces applications n'appartiennent pas à la qualité choisie."));
			continue;
		}
		if (store_query(tx, SQL_ACCESS_APP_GET, &q, "tt", app, lang) != 0)
			return -1;
		rc = store_next(q);
		of = rc == 1 ? store_text(q, ACCESS_APP_GET_QUALITY) : NULL;
		if (rc == 0 || (rc == 1 && (of == NULL || strcmp(of, in->quality) != 0)))
			access_error_add(err, "apps",
			    N_("Ces applications n'appartiennent pas à la qualité choisie."));
		store_done(q);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The quarters: start not before the current one, end (optional) not before start. */
static void
check_quarters(const struct mandate_input *in, int64_t *start, int64_t *end,
    struct access_errors *err)
{
	*start = *end = 0;
	if (in->start == NULL || in->start[0] == '\0')
		access_error_add(err, "start", N_("Introduisez le trimestre de début."));
	else if (mandate_quarter_parse(in->start, start) != 0)
		access_error_add(err, "start",
		    N_("Introduisez un trimestre sous la forme 2027-1 (année, trimestre de 1 à 4)."));
	else if (*start < mandate_quarter_of(clock_time()))
		access_error_add(err, "start", N_("Le trimestre de début ne peut pas être passé."));
	if (in->end == NULL || in->end[0] == '\0')
		return;
	if (mandate_quarter_parse(in->end, end) != 0)
		access_error_add(err, "end",
		    N_("Introduisez un trimestre sous la forme 2027-1 (année, trimestre de 1 à 4)."));
	else if (*start != 0 && *end < *start)
		access_error_add(err, "end",
		    N_("Le trimestre de fin ne peut pas précéder le trimestre de début."));
}

/* Whether apps[0..i) holds apps[i] already. */
static bool
seen_before(const char *const *apps, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(apps[k], apps[i]) == 0)
			return true;
	return false;
}

/* Writes the checked proposal: the mandate, its applications, its first history row,
 * the audit event and the mails. */
static enum access_rc
insert_proposal(struct store_tx *tx, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct policy_actor *actor, int64_t org,
    const struct mandate_input *in, int64_t mandator, int64_t mandatary, int64_t start,
    int64_t end, char public_id[MANDATE_ID_LEN + 1])
{
	unsigned char raw[MANDATE_ID_LEN / 2];
	char now[CLOCK_TEXT_SIZE];
	struct mandate_view v;
	int64_t id;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(public_id, MANDATE_ID_LEN + 1, raw, sizeof(raw));
	if (clock_text(clock_time(), now) != 0 ||
	    store_insert(tx, SQL_ACCESS_MANDATE_INSERT, &id, "tiitiItit",
	    public_id, mandator, mandatary, in->quality, start, end, in->side, who->person_id,
	    now) != 1)
		return ACCESS_ERROR;
	for (size_t i = 0; i < in->napps; i++)
		if (!seen_before(in->apps, i) &&
		    store_exec(tx, SQL_ACCESS_MANDATE_APP_INSERT, "it", id, in->apps[i]) != 1)
			return ACCESS_ERROR;
	if (read_mandate(tx, a, public_id, lang_of(who), &v) != 0)
		return ACCESS_ERROR;
	if (record(tx, who, actor, org, &v, "proposed", in->side, NULL, "mandate.propose") != 0 ||
	    mail_both(tx, mt, a, MAIL_MANDATE_PROPOSED, &v, lang_of(who)) != 0)
		return ACCESS_ERROR;
	return ACCESS_OK;
}

enum access_rc
mandate_propose(struct store *s, const struct mail_texts *mt, const struct actor *who,
    int64_t org, const struct mandate_input *in, struct access_errors *err,
    char public_id[MANDATE_ID_LEN + 1])
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a;
	struct org none;
	int64_t other = 0, start, end, mandator = 0, mandatary = 0;
	bool by_mandator;

	memset(err, 0, sizeof(*err));
	public_id[0] = '\0';
	rc = access_open(s, STORE_WRITE, who, org, POLICY_MANDATE_PROPOSE, &t, &tx, NULL, &none,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	a = arena_new(1 << 20);
	if (a == NULL) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	if (in->side == NULL || (strcmp(in->side, "mandator") != 0 &&
	    strcmp(in->side, "mandatary") != 0))
		access_error_add(err, "side", N_("Choisissez le rôle de votre organisation."));
	by_mandator = in->side != NULL && strcmp(in->side, "mandator") == 0;
	if (check_counterparty(tx, org, in->counterparty, &other, err) != 0)
		return finish(&tx, a, ACCESS_ERROR);
	if (access_error_of(err, "side") == NULL) {
		mandator = by_mandator ? org : other;
		mandatary = by_mandator ? other : org;
	}
	if (check_scope(tx, mandator, in, lang_of(who), err) != 0)
		return finish(&tx, a, ACCESS_ERROR);
	check_quarters(in, &start, &end, err);
	if (err->n > 0)
		return finish(&tx, a, ACCESS_INVALID);
	return finish(&tx, a, insert_proposal(tx, mt, a, who, &actor, org, in, mandator,
	    mandatary, start, end, public_id));
}

enum access_rc
mandate_may_propose(struct store *s, const struct actor *who, int64_t org)
{
	struct policy_target t = { 0 };
	struct policy_actor actor;
	struct store_tx *tx;
	struct org none;
	enum access_rc rc = access_open(s, STORE_READ, who, org, POLICY_MANDATE_PROPOSE, &t, &tx,
	    NULL, &none, &actor);

	if (rc == ACCESS_OK)
		store_rollback(&tx);
	return rc;
}

enum access_rc
mandate_decide(struct store *s, const struct mail_texts *mt, const struct actor *who,
    int64_t org, const char *public_id, int64_t version, bool accept)
{
	struct policy_actor actor;
	struct mandate_view v;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a = arena_new(1 << 20);

	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_mandate(s, STORE_WRITE, who, org, public_id, POLICY_MANDATE_ACCEPT, a, &tx, &v,
	    &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	if (strcmp(v.status, "proposed") != 0 || v.version != version)
		return finish(&tx, a, ACCESS_CONFLICT);
	return finish(&tx, a, change_status(tx, mt, a, who, &actor, org, &v,
	    accept ? "active" : "refused", v.side, accept ? MAIL_MANDATE_ACCEPTED :
	    MAIL_MANDATE_REFUSED, accept ? "mandate.accept" : "mandate.refuse"));
}

enum access_rc
mandate_end(struct store *s, const struct mail_texts *mt, const struct actor *who,
    int64_t org, const char *public_id, int64_t version)
{
	struct policy_actor actor;
	struct mandate_view v;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a = arena_new(1 << 20);

	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_mandate(s, STORE_WRITE, who, org, public_id, POLICY_MANDATE_END, a, &tx, &v,
	    &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	if ((strcmp(v.status, "proposed") != 0 && strcmp(v.status, "active") != 0) ||
	    v.version != version)
		return finish(&tx, a, ACCESS_CONFLICT);
	return finish(&tx, a, change_status(tx, mt, a, who, &actor, org, &v, "ended", v.side,
	    MAIL_MANDATE_ENDED, "mandate.end"));
}

enum access_rc
mandate_expire_due(struct store *s, const struct mail_texts *mt, const struct actor *who,
    int *n)
{
	struct policy_actor none = { 0 };
	struct actor clock = *who;
	struct access_list ids = { 0 };
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc = ACCESS_OK;
	struct arena *a = arena_new(4 << 20);
	int r;

	*n = 0;
	/* The clock acts: the history row has no actor. */
	clock.person_id = 0;
	if (a == NULL)
		return ACCESS_ERROR;
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		arena_free(a);
		return ACCESS_ERROR;
	}
	if (store_query(tx, SQL_ACCESS_MANDATE_DUE, &q, "i", mandate_quarter_of(clock_time())) != 0)
		return finish(&tx, a, ACCESS_ERROR);
	while ((r = store_next(q)) == 1) {
		const char **slot;

		ids.v = access_grow(a, ids.v, ids.n, &ids.cap, sizeof(char *));
		slot = ids.v != NULL ? (const char **)ids.v + ids.n : NULL;
		if (slot == NULL || access_dup(a, slot, store_text(q, ACCESS_MANDATE_DUE_PUBLIC_ID)))
			break;
		ids.n++;
	}
	store_done(q);
	if (r != 0)
		return finish(&tx, a, ACCESS_ERROR);
	for (size_t i = 0; rc == ACCESS_OK && i < ids.n; i++) {
		struct mandate_view v;

		if (read_mandate(tx, a, ((const char **)ids.v)[i], "fr", &v) != 0)
			rc = ACCESS_ERROR;
		else
			rc = change_status(tx, mt, a, &clock, &none, v.mandator_org, &v, "expired",
			    NULL, MAIL_MANDATE_EXPIRED, "mandate.expire");
	}
	if (rc == ACCESS_OK)
		*n = (int)ids.n;
	return finish(&tx, a, rc);
}

/* ---- lists and details ---- */

enum access_rc
mandate_list(struct store *s, const struct actor *who, int64_t org, struct arena *a,
    struct mandate_view **out, size_t *n, bool *main_manager)
{
	struct policy_target t = { 0 };
	struct access_list l = { 0 };
	struct policy_actor actor;
	enum policy_reason why;
	struct store_tx *tx;
	struct store_q *q;
	enum access_rc rc;
	struct org none;
	bool all;
	size_t kept = 0;

	*out = NULL;
	*n = 0;
	*main_manager = false;
	rc = access_begin(s, STORE_READ, org, 0, &tx, NULL, &none);
	if (rc != ACCESS_OK)
		return rc;
	rc = access_allow(tx, who, org, POLICY_MANDATE_VIEW, &t, &actor, &why);
	all = rc == ACCESS_OK;
	*main_manager = all && (actor.roles & (ROLE_GAP | ROLE_COGAP)) != 0;
	/* A local manager sees those of the qualities they manage (checked one by one). */
	if (!all && (rc != ACCESS_DENIED || !(actor.roles & (ROLE_GL | ROLE_COGL)) ||
	    actor.suspended)) {
		if (rc == ACCESS_DENIED)
			return access_refuse(s, &tx, who, org, POLICY_MANDATE_VIEW, why, 0, NULL);
		store_rollback(&tx);
		return rc;
	}
	if (store_query(tx, SQL_ACCESS_MANDATE_LIST, &q, "it", org, lang_of(who)) != 0 ||
	    access_read_rows(q, a, &l, sizeof(**out), mandate_row) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct mandate_view *v = (struct mandate_view *)l.v + i;

		v->side = v->mandator_org == org ? "mandator" : "mandatary";
		if (!all) {
			int64_t oq = org_quality_of(tx, org, v->quality);

			if (oq < 0) {
				store_rollback(&tx);
				return ACCESS_ERROR;
			}
			t.quality = oq;
			if (oq == 0 || policy_check(POLICY_MANDATE_VIEW, &actor, &t) != POLICY_ALLOWED)
				continue;
		}
		((struct mandate_view *)l.v)[kept++] = *v;
	}
	store_rollback(&tx);
	*out = l.v;
	*n = kept;
	return ACCESS_OK;
}

static int
app_row(struct store_q *q, struct arena *a, void *elem)
{
	struct mandate_app *app = elem;

	return access_dup(a, &app->code, store_text(q, ACCESS_MANDATE_APPS_CODE)) |
	    access_dup(a, &app->name, store_text(q, ACCESS_MANDATE_APPS_NAME));
}

static int
event_row(struct store_q *q, struct arena *a, void *elem)
{
	struct mandate_event_row *e = elem;
	const char *last = store_text(q, ACCESS_MANDATE_EVENTS_LAST_NAME);
	const char *first = store_text(q, ACCESS_MANDATE_EVENTS_FIRST_NAME);

	e->actor = last != NULL ? arena_printf(a, "%s %s", first != NULL ? first : "", last) : "";
	return (e->actor == NULL ? -1 : 0) |
	    access_dup(a, &e->at, store_text(q, ACCESS_MANDATE_EVENTS_AT)) |
	    access_dup(a, &e->status, store_text(q, ACCESS_MANDATE_EVENTS_STATUS)) |
	    access_dup(a, &e->side, store_text(q, ACCESS_MANDATE_EVENTS_SIDE)) |
	    access_dup(a, &e->note, store_text(q, ACCESS_MANDATE_EVENTS_NOTE));
}

static int
member_row(struct store_q *q, struct arena *a, void *elem)
{
	struct mandate_member_row *m = elem;

	m->account_id = store_int(q, ACCESS_MANDATE_MEMBERS_ACCOUNT_ID);
	return access_dup(a, &m->username, store_text(q, ACCESS_MANDATE_MEMBERS_USERNAME)) |
	    access_dup(a, &m->last_name, store_text(q, ACCESS_MANDATE_MEMBERS_LAST_NAME)) |
	    access_dup(a, &m->first_name, store_text(q, ACCESS_MANDATE_MEMBERS_FIRST_NAME)) |
	    access_dup(a, &m->since, store_text(q, ACCESS_MANDATE_MEMBERS_SINCE));
}

/* Gives each named user of v their applications (SQL_ACCESS_MANDATE_GRANTS). 0 or -1. */
static int
read_grants(struct store_tx *tx, struct arena *a, struct mandate_view *v)
{
	struct store_q *q;
	int r;

	if (store_query(tx, SQL_ACCESS_MANDATE_GRANTS, &q, "i", v->id) != 0)
		return -1;
	while ((r = store_next(q)) == 1) {
		int64_t acc = store_int(q, ACCESS_MANDATE_GRANTS_ACCOUNT_ID);

		for (size_t i = 0; i < v->nmembers; i++) {
			struct mandate_member_row *m = &v->members[i];
			const char **apps;

			if (m->account_id != acc)
				continue;
			apps = arena_alloc(a, (m->napps + 1) * sizeof(*apps));
			if (apps == NULL) {
				r = -1;
				break;
			}
			if (m->napps > 0)
				memcpy(apps, m->apps, m->napps * sizeof(*apps));
			if (access_dup(a, &apps[m->napps],
			    store_text(q, ACCESS_MANDATE_GRANTS_APPLICATION)) != 0) {
				r = -1;
				break;
			}
			m->apps = apps;
			m->napps++;
		}
		if (r < 0)
			break;
	}
	store_done(q);
	return r < 0 ? -1 : 0;
}

/* Reads a list of v's (statement id on v->id) into *out, *n. 0 or -1. */
static int
read_list(struct store_tx *tx, struct arena *a, int id, int64_t mandate, const char *lang,
    size_t size, access_row_fn *row, void **out, size_t *n)
{
	struct access_list l = { 0 };
	struct store_q *q;
	int rc = lang != NULL ? store_query(tx, id, &q, "it", mandate, lang) :
	    store_query(tx, id, &q, "i", mandate);

	if (rc != 0 || access_read_rows(q, a, &l, size, row) != 0)
		return -1;
	*out = l.v;
	*n = l.n;
	return 0;
}

/* Whether who, with actor's roles, may take step action on v now. */
static bool
may(struct store_tx *tx, int64_t org, const struct policy_actor *actor,
    enum policy_action action, const struct mandate_view *v)
{
	struct policy_target t;

	return target_of(tx, org, action, v, &t) == 0 &&
	    policy_check(action, actor, &t) == POLICY_ALLOWED;
}

enum access_rc
mandate_get(struct store *s, const struct actor *who, int64_t org, const char *public_id,
    struct arena *a, struct mandate_view *out)
{
	struct policy_actor actor;
	struct store_tx *tx;
	enum access_rc rc;
	bool open;
	int r;

	rc = open_mandate(s, STORE_READ, who, org, public_id, POLICY_MANDATE_VIEW, a, &tx, out,
	    &actor);
	if (rc != ACCESS_OK)
		return rc;
	r = read_list(tx, a, SQL_ACCESS_MANDATE_APPS, out->id, lang_of(who), sizeof(*out->apps),
	    app_row, (void **)&out->apps, &out->napps);
	if (r == 0)
		r = read_list(tx, a, SQL_ACCESS_MANDATE_EVENTS, out->id, NULL,
		    sizeof(*out->events), event_row, (void **)&out->events, &out->nevents);
	if (r == 0)
		r = read_list(tx, a, SQL_ACCESS_MANDATE_MEMBERS, out->id, NULL,
		    sizeof(*out->members), member_row, (void **)&out->members, &out->nmembers);
	if (r == 0)
		r = read_grants(tx, a, out);
	open = strcmp(out->status, "proposed") == 0 || strcmp(out->status, "active") == 0;
	out->may_decide = strcmp(out->status, "proposed") == 0 &&
	    may(tx, org, &actor, POLICY_MANDATE_ACCEPT, out);
	out->may_end = open && may(tx, org, &actor, POLICY_MANDATE_END, out);
	out->may_assign = open && may(tx, org, &actor, POLICY_MANDATE_ASSIGN, out);
	store_rollback(&tx);
	return r == 0 ? ACCESS_OK : ACCESS_ERROR;
}

/* ---- who serves ---- */

/* Opens the mandate for a change of who serves: policy, then a proposed or active mandate
 * at the version the page showed. */
static enum access_rc
open_assign(struct store *s, const struct actor *who, int64_t org, const char *public_id,
    int64_t version, struct arena *a, struct store_tx **tx, struct mandate_view *v,
    struct policy_actor *actor)
{
	enum access_rc rc = open_mandate(s, STORE_WRITE, who, org, public_id,
	    POLICY_MANDATE_ASSIGN, a, tx, v, actor);

	if (rc != ACCESS_OK)
		return rc;
	if ((strcmp(v->status, "proposed") != 0 && strcmp(v->status, "active") != 0) ||
	    v->version != version) {
		store_rollback(tx);
		return ACCESS_CONFLICT;
	}
	return ACCESS_OK;
}

/* The new version of v (serve_all to all), its history row and audit event. */
static enum access_rc
record_serving(struct store_tx *tx, const struct actor *who, const struct policy_actor *actor,
    int64_t org, const struct mandate_view *v, bool all, const char *note, const char *action)
{
	char now[CLOCK_TEXT_SIZE];
	int r;

	if (clock_text(clock_time(), now) != 0)
		return ACCESS_ERROR;
	r = store_exec(tx, SQL_ACCESS_MANDATE_SET_SERVE_ALL, "iiti", v->id, (int64_t)all, now,
	    v->version);
	if (r == 0)
		return ACCESS_CONFLICT;
	if (r != 1 || record(tx, who, actor, org, v, v->status, "mandatary", note, action) != 0)
		return ACCESS_ERROR;
	return ACCESS_OK;
}

enum access_rc
mandate_serve_all(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, int64_t version, bool all)
{
	struct policy_actor actor;
	struct mandate_view v;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a = arena_new(1 << 20);

	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_assign(s, who, org, public_id, version, a, &tx, &v, &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	return finish(&tx, a, record_serving(tx, who, &actor, org, &v, all,
	    all ? "serve:all" : "serve:named", "mandate.serve"));
}

/* Whether code is one of v's applications. */
static bool
covered(const struct mandate_app *apps, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(apps[i].code, code) == 0)
			return true;
	return false;
}

/* Checks the named user's form: the account of the mandatary, the applications within
 * the mandate's (apps[] read into v). Sets *account. 0, or -1 (store error). */
static int
check_member(struct store_tx *tx, struct arena *a, struct mandate_view *v,
    const char *username, const char *const *apps, size_t napps, int64_t *account,
    struct access_errors *err)
{
	struct store_q *q;
	int rc;

	*account = 0;
	if (read_list(tx, a, SQL_ACCESS_MANDATE_APPS, v->id, "fr", sizeof(*v->apps), app_row,
	    (void **)&v->apps, &v->napps) != 0)
		return -1;
	if (username == NULL || username[0] == '\0' || strlen(username) > ACCESS_USERNAME_MAX) {
		access_error_add(err, "username", N_("Introduisez le nom d'utilisateur."));
	} else {
		if (store_query(tx, SQL_ACCESS_MANDATE_ACCOUNT, &q, "it", v->mandatary_org,
		    username) != 0)
			return -1;
		rc = store_next(q);
		if (rc == 1)
			*account = store_int(q, ACCESS_MANDATE_ACCOUNT_ID);
		store_done(q);
		if (rc < 0)
			return -1;
		if (rc == 0)
			access_error_add(err, "username",
			    N_("Aucun utilisateur de votre organisation ne porte ce nom d'utilisateur."));
	}
	if (napps == 0)
		access_error_add(err, "apps", N_("Cochez au moins une application."));
	if (napps > ACCESS_MAX_APPS)
		access_error_add(err, "apps", N_("Trop d'applications cochées."));
	for (size_t i = 0; i < napps && i <= ACCESS_MAX_APPS; i++)
		if (apps[i] == NULL || !covered(v->apps, v->napps, apps[i]))
			access_error_add(err, "apps",
			    N_("Ces applications ne sont pas couvertes par le mandat."));
	return 0;
}

/* Writes the named user account with apps (replacing their former ones). */
static enum access_rc
write_member(struct store_tx *tx, const struct actor *who, const struct mandate_view *v,
    int64_t account, const char *const *apps, size_t napps)
{
	char now[CLOCK_TEXT_SIZE];
	int r;

	if (clock_text(clock_time(), now) != 0)
		return ACCESS_ERROR;
	r = store_exec_try(tx, SQL_ACCESS_MANDATE_MEMBER_INSERT, "iitI", v->id, account, now,
	    who->person_id);
	/* -2: already a named user, whose applications change. */
	if (r != 1 && r != -2)
		return ACCESS_ERROR;
	if (store_exec(tx, SQL_ACCESS_MANDATE_GRANTS_CLEAR, "ii", v->id, account) < 0)
		return ACCESS_ERROR;
	for (size_t i = 0; i < napps; i++)
		if (!seen_before(apps, i) && store_exec(tx, SQL_ACCESS_MANDATE_GRANT_INSERT,
		    "iittI", v->id, account, apps[i], now, who->person_id) != 1)
			return ACCESS_ERROR;
	return ACCESS_OK;
}

enum access_rc
mandate_member_set(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, int64_t version, const char *username, const char *const *apps,
    size_t napps, struct access_errors *err)
{
	struct policy_actor actor;
	struct mandate_view v;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a = arena_new(1 << 20);
	int64_t account;
	const char *note;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_assign(s, who, org, public_id, version, a, &tx, &v, &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	if (check_member(tx, a, &v, username, apps, napps, &account, err) != 0)
		return finish(&tx, a, ACCESS_ERROR);
	if (err->n > 0)
		return finish(&tx, a, ACCESS_INVALID);
	rc = write_member(tx, who, &v, account, apps, napps);
	note = arena_printf(a, "member:%" PRId64, account);
	if (rc == ACCESS_OK)
		rc = note != NULL ? record_serving(tx, who, &actor, org, &v, v.serve_all, note,
		    "mandate.member_set") : ACCESS_ERROR;
	return finish(&tx, a, rc);
}

enum access_rc
mandate_member_remove(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, int64_t version, int64_t account_id)
{
	struct policy_actor actor;
	struct mandate_view v;
	struct store_tx *tx;
	enum access_rc rc;
	struct arena *a = arena_new(1 << 20);
	const char *note;
	int r;

	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_assign(s, who, org, public_id, version, a, &tx, &v, &actor);
	if (rc != ACCESS_OK) {
		arena_free(a);
		return rc;
	}
	/* The grants first: they hang on the member (and not every SQLite connection of
	 * other tools has its foreign keys' cascades on). */
	if (store_exec(tx, SQL_ACCESS_MANDATE_GRANTS_CLEAR, "ii", v.id, account_id) < 0)
		return finish(&tx, a, ACCESS_ERROR);
	r = store_exec(tx, SQL_ACCESS_MANDATE_MEMBER_DELETE, "ii", v.id, account_id);
	if (r < 0)
		return finish(&tx, a, ACCESS_ERROR);
	if (r == 0)
		return finish(&tx, a, ACCESS_NOT_FOUND);
	note = arena_printf(a, "member_removed:%" PRId64, account_id);
	return finish(&tx, a, note != NULL ? record_serving(tx, who, &actor, org, &v,
	    v.serve_all, note, "mandate.member_remove") : ACCESS_ERROR);
}
