/* certs.c — the services of "Gestion du certificat" (system certificates of a quality:
 * registration by CSR or from elsewhere, renewal, revocation, CRL, expiry mails). The
 * channels of "Messages structurés" are channels.c. */
#include "machine/certs.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/msgid.h"
#include "base/utf8.h"
#include "machine/internal.h"
#include "machine/sql.h"

#define DAY (24L * 3600)
#define CRL_MAX_AGE 300

/* ---- opening: the organisation, the quality, the policy ---- */

enum access_rc
machine_open(struct store *s, enum store_mode mode, const struct actor *who, int64_t org,
    int64_t quality, enum policy_action action, struct store_tx **tx, struct arena *a,
    struct machine_scope *sc)
{
	struct policy_target t = { .quality = quality };
	enum policy_reason why;
	enum access_rc rc;
	int r;

	memset(sc, 0, sizeof(*sc));
	if (store_begin(s, mode, tx) != 0)
		return ACCESS_ERROR;
	r = org_get(*tx, a, org, &sc->org);
	if (r == 0)
		r = quality_read(*tx, a, org, quality, who->lang ? who->lang : "fr", &sc->code,
		    &sc->name);
	if (r != 0) {
		store_rollback(tx);
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	rc = access_allow(*tx, who, org, action, &t, &sc->actor, &why);
	if (rc == ACCESS_DENIED)
		return access_refuse(s, tx, who, org, action, why, quality, NULL);
	if (rc != ACCESS_OK)
		store_rollback(tx);
	return rc;
}

int
machine_audit(struct store_tx *tx, const struct actor *who, const struct machine_scope *sc,
    const char *action, const char *object, json_t *details)
{
	char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = -1;

	if (text != NULL)
		rc = access_audit(tx, who, &sc->actor, sc->org.id, action, object, text);
	free(text);
	json_decref(details);
	return rc;
}

int64_t
machine_time_of(const char *text)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (text == NULL || (end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0')
		return 0;
	return (int64_t)timegm(&tm);
}

/* ---- reading ---- */

static const char *
dup(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* The shown status of a stored row at now. */
static const char *
shown_status(const char *status, const char *not_after, int64_t now)
{
	int64_t na = machine_time_of(not_after);

	/* Constants, never the row's text: it dies with the statement. */
	if (strcmp(status, "revoked") == 0)
		return "revoked";
	if (strcmp(status, "replaced") == 0)
		return "replaced";
	if (na <= now)
		return "expired";
	if (na - now <= MACHINE_RENEW_DAYS * DAY)
		return "to_renew";
	return "active";
}

static int
cert_row(struct store_q *q, struct arena *a, int64_t now, struct cert_row *r)
{
	const char *st = store_text(q, MC_STATUS);

	memset(r, 0, sizeof(*r));
	r->id = store_int(q, MC_ID);
	r->public_id = dup(a, store_text(q, MC_PUBLIC_ID));
	r->name = dup(a, store_text(q, MC_NAME));
	r->subject = dup(a, store_text(q, MC_SUBJECT));
	r->issuer = dup(a, store_text(q, MC_ISSUER));
	r->serial = dup(a, store_text(q, MC_SERIAL));
	r->thumbprint = dup(a, store_text(q, MC_THUMBPRINT));
	r->pem = dup(a, store_text(q, MC_PEM));
	r->not_before = dup(a, store_text(q, MC_NOT_BEFORE));
	r->not_after = dup(a, store_text(q, MC_NOT_AFTER));
	r->status = shown_status(st ? st : "", r->not_after ? r->not_after : "", now);
	r->revoked_at = dup(a, store_text(q, MC_REVOKED_AT));
	r->reason = dup(a, store_text(q, MC_REVOKE_REASON));
	r->apps = dup(a, store_text(q, MC_APPS));
	r->by_portier = store_int(q, MC_BY_PORTIER) == 1;
	r->may_revoke = strcmp(r->status, "revoked") != 0 && strcmp(r->status, "expired") != 0;
	r->may_renew = strcmp(r->status, "to_renew") == 0;
	if (r->public_id == NULL || r->name == NULL || r->subject == NULL || r->issuer == NULL ||
	    r->serial == NULL || r->thumbprint == NULL || r->pem == NULL ||
	    r->not_before == NULL || r->not_after == NULL || r->revoked_at == NULL ||
	    r->reason == NULL || r->apps == NULL)
		return -1;
	return 0;
}

static int
cert_rows(struct store_tx *tx, struct arena *a, const struct machine_scope *sc, int64_t now,
    struct cert_view *out)
{
	struct store_q *q;
	size_t cap = 0;
	int r;

	if (store_query(tx, SQL_MACHINE_CERT_LIST, &q, "it", sc->org.id, sc->code) != 0)
		return -1;
	while ((r = store_next(q)) == 1) {
		out->rows = arena_grow(a, out->rows, out->n, &cap, sizeof(*out->rows));
		if (out->rows == NULL)
			break;
		if (cert_row(q, a, now, &out->rows[out->n]) != 0)
			break;
		out->n++;
	}
	store_done(q);
	return r == 0 ? 0 : -1;
}

static int
cert_find(struct store_tx *tx, struct arena *a, const struct machine_scope *sc,
    const char *public_id, int64_t now, struct cert_row *out)
{
	struct store_q *q;
	int r;

	if (public_id == NULL || strlen(public_id) != MACHINE_PUBLIC_ID_SIZE - 1)
		return 1;
	if (store_query(tx, SQL_MACHINE_CERT_GET, &q, "itt", sc->org.id, sc->code,
	    public_id) != 0)
		return -1;
	r = store_next(q);
	if (r == 1 && cert_row(q, a, now, out) != 0)
		r = -1;
	store_done(q);
	return r == 1 ? 0 : r == 0 ? 1 : -1;
}

enum access_rc
machine_view(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    int64_t now, struct arena *a, struct cert_view *out)
{
	struct machine_scope sc;
	struct store_tx *tx;
	enum access_rc rc;
	int r;

	memset(out, 0, sizeof(*out));
	rc = machine_open(s, STORE_READ, who, org, quality, POLICY_MANAGE_SYSTEM_CERTS, &tx, a,
	    &sc);
	if (rc != ACCESS_OK)
		return rc;
	out->org = sc.org;
	out->quality_code = sc.code;
	out->quality_name = sc.name;
	r = quality_apps(tx, a, sc.code, who->lang ? who->lang : "fr", &out->apps);
	if (r < 0 || cert_rows(tx, a, &sc, now, out) != 0 ||
	    machine_channel_rows(tx, a, &sc, out) != 0) {
		store_rollback(&tx);
		return ACCESS_ERROR;
	}
	out->napps = (size_t)r;
	store_rollback(&tx);
	return ACCESS_OK;
}

enum access_rc
machine_cert_get(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const char *public_id, int64_t now, struct arena *a, struct cert_row *out)
{
	struct machine_scope sc;
	struct store_tx *tx;
	enum access_rc rc;
	int r;

	rc = machine_open(s, STORE_READ, who, org, quality, POLICY_MANAGE_SYSTEM_CERTS, &tx, a,
	    &sc);
	if (rc != ACCESS_OK)
		return rc;
	r = cert_find(tx, a, &sc, public_id, now, out);
	store_rollback(&tx);
	return r == 0 ? ACCESS_OK : r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
}

/* ---- registering ---- */

bool
machine_text_ok(const char *s, size_t max_chars)
{
	size_t n = s ? strnlen(s, 4 * max_chars + 1) : 0;

	if (n == 0 || n > 4 * max_chars || !utf8_valid(s, n) || utf8_len(s, n) > max_chars)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return false;
	return true;
}

static const char *
pem_msgid(enum machine_pem why)
{
	switch (why) {
	case MACHINE_PEM_TOO_BIG:
		return N_("Le fichier est trop volumineux (16 Ko au plus).");
	case MACHINE_PEM_BAD_SIGNATURE:
		return N_("La signature de la demande de certificat n'est pas valable.");
	case MACHINE_PEM_WEAK_KEY:
		return N_("La clé doit être RSA d'au moins 2048 bits ou EC P-256 ou P-384.");
	case MACHINE_PEM_EXPIRED:
		return N_("Ce certificat a expiré.");
	case MACHINE_PEM_NOT_YET:
		return N_("Ce certificat n'est pas encore valable.");
	case MACHINE_PEM_IS_CA:
		return N_("Un certificat d'autorité de certification ne peut pas servir de "
		    "certificat système.");
	case MACHINE_PEM_NO_CLIENT_AUTH:
		return N_("Le certificat doit permettre l'authentification client (clientAuth).");
	default:
		return N_("Ce texte n'est pas au format PEM attendu.");
	}
}

/* The applications ticked: each one of the quality's, once; at least one. */
static void
check_apps(const struct cert_input *in, const struct app_info *apps, size_t napps,
    struct access_errors *err)
{
	if (in->napps == 0) {
		access_error_add(err, "apps", N_("Choisissez au moins une application."));
		return;
	}
	if (in->napps > ACCESS_MAX_APPS) {
		access_error_add(err, "apps", N_("Trop d'applications choisies."));
		return;
	}
	for (size_t i = 0; i < in->napps; i++) {
		bool known = false;

		for (size_t k = 0; k < napps && !known; k++)
			known = strcmp(in->apps[i], apps[k].code) == 0;
		for (size_t k = 0; k < i && known; k++)
			known = strcmp(in->apps[i], in->apps[k]) != 0;
		if (!known) {
			access_error_add(err, "apps", N_("Cette application n'est pas une "
			    "application de la qualité."));
			return;
		}
	}
}

static bool
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The certificate of in: signed by the CA from the CSR, or checked from elsewhere. */
static int
make_cert(const struct machine_settings *set, const struct machine_scope *sc,
    const struct cert_input *in, int64_t now, struct machine_cert *mc, bool *by_portier,
    struct access_errors *err)
{
	enum machine_pem why;
	char org_id[64];

	*by_portier = given(in->csr);
	if (given(in->csr) == given(in->cert)) {
		access_error_add(err, "csr", N_("Collez soit une demande de certificat (CSR), "
		    "soit un certificat existant."));
		return 1;
	}
	if (!*by_portier) {
		why = machine_cert_external(in->cert, in->cert_len, now, mc);
		if (why != MACHINE_PEM_OK) {
			if (why == MACHINE_PEM_ERROR)
				return -1;
			access_error_add(err, "cert", pem_msgid(why));
			return 1;
		}
		return 0;
	}
	if (set->ca == NULL) {
		access_error_add(err, "csr", N_("La signature de certificats n'est pas "
		    "disponible : enregistrez un certificat existant."));
		return 1;
	}
	if (sc->org.enterprise[0] != '\0')
		snprintf(org_id, sizeof(org_id), "NTRBE-%s", sc->org.enterprise);
	else
		snprintf(org_id, sizeof(org_id), "%.2s-%.40s", sc->org.country,
		    sc->org.foreign_reg);
	why = machine_ca_sign(set->ca, in->csr, in->csr_len, &(struct machine_subject){
	    .org_name = sc->org.name, .org_id = org_id, .label = in->label }, now,
	    set->days > 0 ? set->days : MACHINE_DAYS_DEFAULT, mc);
	if (why == MACHINE_PEM_ERROR)
		return -1;
	if (why != MACHINE_PEM_OK) {
		access_error_add(err, "csr", pem_msgid(why));
		return 1;
	}
	return 0;
}

static void
new_public_id(char out[MACHINE_PUBLIC_ID_SIZE])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2base64(out, MACHINE_PUBLIC_ID_SIZE, r, sizeof(r),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int
store_cert(struct store_tx *tx, const struct actor *who, const struct machine_scope *sc,
    const struct cert_input *in, const struct machine_cert *mc, bool by_portier,
    int64_t renewal_of, int64_t now, const char *public_id, int64_t *id)
{
	char nb[CLOCK_TEXT_SIZE], na[CLOCK_TEXT_SIZE], at[CLOCK_TEXT_SIZE];
	int r;

	if (clock_text(mc->not_before, nb) != 0 || clock_text(mc->not_after, na) != 0 ||
	    clock_text(now, at) != 0)
		return -1;
	r = store_insert_try(tx, SQL_MACHINE_CERT_INSERT, id, "titttttttittIit", public_id,
	    sc->org.id, sc->code, in->label, mc->subject, mc->issuer, mc->serial,
	    mc->thumbprint, mc->pem, (int64_t)by_portier, nb, na, renewal_of, who->person_id,
	    at);
	if (r != 1)
		return r == -2 ? 1 : -1;
	for (size_t i = 0; i < in->napps; i++)
		if (store_exec(tx, SQL_MACHINE_CERT_APP_INSERT, "it", *id, in->apps[i]) != 1)
			return -1;
	return 0;
}

enum access_rc
machine_cert_register(struct store *s, const struct machine_settings *set,
    const struct actor *who, int64_t org, int64_t quality, const struct cert_input *in,
    int64_t now, struct access_errors *err, char out[MACHINE_PUBLIC_ID_SIZE])
{
	struct arena *a = arena_new(ACCESS_CALL_ARENA_M);
	struct machine_scope sc;
	struct machine_cert mc = { 0 };
	struct cert_row old = { 0 };
	struct app_info *apps = NULL;
	struct store_tx *tx = NULL;
	enum access_rc rc;
	bool by_portier = false;
	int64_t id = 0;
	int r, napps;
	char object[64];

	memset(err, 0, sizeof(*err));
	out[0] = '\0';
	if (a == NULL)
		return ACCESS_ERROR;
	rc = machine_open(s, STORE_WRITE, who, org, quality, POLICY_MANAGE_SYSTEM_CERTS, &tx, a,
	    &sc);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	if (given(in->renews)) {
		r = cert_find(tx, a, &sc, in->renews, now, &old);
		if (r != 0) {
			rc = r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
			goto done;
		}
		if (!old.may_renew) {
			rc = ACCESS_CONFLICT;
			goto done;
		}
	}
	if (!machine_text_ok(in->label, MACHINE_LABEL_MAX))
		access_error_add(err, "label", N_("Donnez un nom de 1 à 100 caractères."));
	if ((napps = quality_apps(tx, a, sc.code, "fr", &apps)) < 0)
		goto done;
	check_apps(in, apps, (size_t)napps, err);
	if (err->n > 0) {
		rc = ACCESS_INVALID;
		goto done;
	}
	r = make_cert(set, &sc, in, now, &mc, &by_portier, err);
	if (r != 0) {
		rc = r > 0 ? ACCESS_INVALID : ACCESS_ERROR;
		goto done;
	}
	new_public_id(out);
	r = store_cert(tx, who, &sc, in, &mc, by_portier, old.id, now, out, &id);
	if (r > 0) {
		access_error_add(err, by_portier ? "csr" : "cert",
		    N_("Ce certificat est déjà enregistré."));
		rc = ACCESS_INVALID;
		goto done;
	}
	if (r < 0 || (old.id > 0 &&
	    store_exec(tx, SQL_MACHINE_CERT_REPLACE, "i", old.id) != 1))
		goto done;
	snprintf(object, sizeof(object), "system_cert:%s", out);
	{
		json_t *list = json_array();

		for (size_t i = 0; list != NULL && i < in->napps; i++)
			json_array_append_new(list, json_string(in->apps[i]));
		if (machine_audit(tx, who, &sc, old.id > 0 ? "system_cert.renew" :
		    "system_cert.register", object, json_pack("{s:s, s:s, s:s, s:b, s:o?, s:s?}",
		    "quality", sc.code, "thumbprint", mc.thumbprint, "serial", mc.serial,
		    "by_portier", by_portier, "applications", list,
		    "renews", old.id > 0 ? old.public_id : NULL)) != 0)
			goto done;
	}
	if (store_commit(&tx) != 0)
		goto done;
	rc = ACCESS_OK;
done:
	store_rollback(&tx);
	if (rc != ACCESS_OK)
		out[0] = '\0';
	machine_cert_clear(&mc);
	arena_free(a);
	return rc;
}

/* ---- revoking ---- */

enum access_rc
machine_cert_revoke(struct store *s, const struct machine_settings *set,
    const struct actor *who, int64_t org, int64_t quality, const char *public_id,
    const char *reason, int64_t now, struct access_errors *err)
{
	struct arena *a = arena_new(ACCESS_CALL_ARENA_M);
	struct machine_scope sc;
	struct cert_row row;
	struct store_tx *tx = NULL;
	enum access_rc rc;
	char at[CLOCK_TEXT_SIZE], object[64];
	int r;

	memset(err, 0, sizeof(*err));
	if (a == NULL)
		return ACCESS_ERROR;
	rc = machine_open(s, STORE_WRITE, who, org, quality, POLICY_MANAGE_SYSTEM_CERTS, &tx, a,
	    &sc);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	r = cert_find(tx, a, &sc, public_id, now, &row);
	if (r != 0) {
		rc = r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
		goto done;
	}
	if (!row.may_revoke) {
		rc = ACCESS_CONFLICT;
		goto done;
	}
	if (!machine_text_ok(reason, MACHINE_REASON_MAX)) {
		access_error_add(err, "reason", N_("Donnez la raison de la révocation (500 "
		    "caractères au plus)."));
		rc = ACCESS_INVALID;
		goto done;
	}
	snprintf(object, sizeof(object), "system_cert:%s", row.public_id);
	if (clock_text(now, at) != 0 ||
	    store_exec(tx, SQL_MACHINE_CERT_REVOKE, "itit", row.id, at, who->person_id,
	    reason) != 1 ||
	    machine_audit(tx, who, &sc, "system_cert.revoke", object, json_pack(
	    "{s:s, s:s, s:s, s:b}", "quality", sc.code, "serial", row.serial, "reason", reason,
	    "by_portier", row.by_portier)) != 0 || store_commit(&tx) != 0)
		goto done;
	if (row.by_portier && set != NULL && set->ca != NULL)
		machine_ca_crl_drop(set->ca);
	rc = ACCESS_OK;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

/* ---- the CRL ---- */

int
machine_crl(struct store *s, struct machine_ca *ca, int64_t now, unsigned char **der,
    size_t *len)
{
	struct machine_revoked *list = NULL;
	struct arena *a = NULL;
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	size_t n = 0, cap = 0;
	int r, rc = -1;

	r = machine_ca_crl_cached(ca, now, CRL_MAX_AGE, der, len);
	if (r <= 0)
		return r;
	/* The serials' texts live in an arena; the list grows by realloc. */
	if ((a = arena_new((size_t)64 << 20)) == NULL || store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_MACHINE_CRL, &q, "") != 0)
		goto done;
	while ((r = store_next(q)) == 1) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			struct machine_revoked *l = realloc(list, ncap * sizeof(*l));

			if (l == NULL)
				goto done;
			list = l;
			cap = ncap;
		}
		list[n].serial = dup(a, store_text(q, MCRL_SERIAL));
		list[n].at = machine_time_of(store_text(q, MCRL_REVOKED_AT));
		if (list[n].serial == NULL)
			goto done;
		n++;
	}
	if (r != 0)
		goto done;
	store_done(q);
	q = NULL;
	store_rollback(&tx);
	if (machine_ca_crl(ca, list, n, now, der, len) != 0)
		goto done;
	machine_ca_crl_keep(ca, now, *der, *len);
	rc = 0;
done:
	store_done(q);
	store_rollback(&tx);
	free(list);
	arena_free(a);
	return rc;
}

/* ---- expiry mails ---- */

struct expiring {
	int64_t id, org, not_after;
	const char *quality, *name, *org_name, *enterprise;
};

static int
notify(struct store_tx *tx, const struct mail_texts *mt, const struct expiring *e,
    int64_t now, struct arena *a)
{
	static const int steps[] = { 60, 30, 7 };
	int64_t left = (e->not_after - now + DAY - 1) / DAY;
	char at[CLOCK_TEXT_SIZE], date[32], days[24];
	struct store_q *q;
	bool fresh = false;
	struct tm tm;
	time_t t = (time_t)e->not_after;
	int r;

	if (clock_text(now, at) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (left > steps[i])
			continue;
		r = store_exec(tx, SQL_MACHINE_NOTICE_INSERT, "iit", e->id, (int64_t)steps[i], at);
		if (r < 0)
			return -1;
		fresh |= r == 1;
	}
	if (!fresh)
		return 0;
	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	strftime(date, sizeof(date), "%d/%m/%Y", &tm);
	snprintf(days, sizeof(days), "%" PRId64, left);
	if (store_query(tx, SQL_MACHINE_RECIPIENTS, &q, "it", e->org, e->quality) != 0)
		return -1;
	{
		struct { const char *to, *lang; } rec[64];
		size_t n = 0;

		while ((r = store_next(q)) == 1 && n < sizeof(rec) / sizeof(rec[0])) {
			rec[n].to = arena_strdup(a, store_text(q, MREC_EMAIL));
			rec[n].lang = arena_strdup(a, store_text(q, MREC_LANGUAGE));
			if (rec[n].to == NULL || rec[n].lang == NULL)
				r = -1;
			if (r < 0)
				break;
			n++;
		}
		store_done(q);
		if (r < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			const char *args[] = { e->name, e->org_name, e->enterprise, date, days };

			if (rec[i].to[0] == '\0')
				continue;
			if (mail_queue(tx, mt, MAIL_SYSTEM_CERT_EXPIRING, rec[i].to, rec[i].lang,
			    e->enterprise, args, 5) != 0)
				return -1;
		}
	}
	return 1;
}

int
machine_expiry_sweep(struct store *s, const struct mail_texts *mt, int64_t now)
{
	struct arena *a = arena_new((size_t)4 << 20);
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	struct expiring *v = NULL;
	char from[CLOCK_TEXT_SIZE], to[CLOCK_TEXT_SIZE];
	size_t n = 0, cap = 0;
	int r, sent = 0, rc = -1;

	if (a == NULL || clock_text(now, from) != 0 || clock_text(now + 60 * DAY, to) != 0 ||
	    store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_query(tx, SQL_MACHINE_EXPIRING, &q, "tt", from, to) != 0)
		goto done;
	while ((r = store_next(q)) == 1) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct expiring *nv = arena_alloc(a, ncap * sizeof(*nv));

			if (nv == NULL)
				goto done;
			if (n > 0)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
			cap = ncap;
		}
		v[n] = (struct expiring){
			.id = store_int(q, MEXP_ID), .org = store_int(q, MEXP_ORG),
			.not_after = machine_time_of(store_text(q, MEXP_NOT_AFTER)),
			.quality = dup(a, store_text(q, MEXP_QUALITY)),
			.name = dup(a, store_text(q, MEXP_NAME)),
			.org_name = dup(a, store_text(q, MEXP_ORG_NAME)),
			.enterprise = dup(a, store_text(q, MEXP_ENTERPRISE)),
		};
		if (v[n].quality == NULL || v[n].name == NULL || v[n].org_name == NULL ||
		    v[n].enterprise == NULL)
			goto done;
		n++;
	}
	store_done(q);
	q = NULL;
	if (r != 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		r = notify(tx, mt, &v[i], now, a);
		if (r < 0)
			goto done;
		sent += r;
	}
	if (store_commit(&tx) != 0)
		goto done;
	rc = sent;
done:
	store_done(q);
	store_rollback(&tx);
	arena_free(a);
	return rc;
}
