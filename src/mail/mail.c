/* mail.c — the notifications' texts (French msgids, translated into the recipient's
 * language when they are written), the outbox writes and reads. Delivery is deliver.c. */
#include "mail/mail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/msgid.h"
#include "base/utf8.h"
#include "mail/sql.h"
#include "value/value.h"

#define PARAS_MAX 4
#define WRAP 76

struct mail_text {
	const char *name;
	const char *subject;
	const char *paras[PARAS_MAX];
};

static const char greeting[] = N_("Bonjour,");
static const char footer[] = N_("Ce message vous est envoyé automatiquement par portier ; "
    "merci de ne pas y répondre. Pour toute question : 02/511.51.51 ou "
    "centredecontact@eranova.fgov.be.");
static const char not_you[] = N_("Si vous n'êtes pas à l'origine de ce changement, "
    "contactez-nous sans attendre.");

static const struct mail_text texts[MAIL__KINDS] = {
	[MAIL_GAP_DESIGNATED] = { "gap_designated",
	    N_("Votre entreprise est enregistrée : {1}"), {
	    N_("L'entreprise {1} (numéro d'entreprise {2}) est à présent enregistrée et {3} en "
	    "est le Gestionnaire d'Accès Principal."),
	    N_("Le Gestionnaire d'Accès Principal désigne les Gestionnaires d'Accès qui "
	    "s'occupent de la gestion des accès dans les domaines qui leur sont attribués, et "
	    "peut désigner un ou plusieurs Co-Gestionnaires d'Accès Principaux pour se faire "
	    "aider."),
	    not_you } },
	[MAIL_GAP_REPLACED_OLD] = { "gap_replaced_previous",
	    N_("Vous n'êtes plus Gestionnaire d'Accès Principal de {1}"), {
	    N_("Un représentant légal de l'entreprise {1} (numéro d'entreprise {2}) a désigné "
	    "{3} comme nouveau Gestionnaire d'Accès Principal. Vous n'avez plus ce rôle pour "
	    "cette entreprise."),
	    N_("Si ce changement vous surprend, contactez le représentant légal de "
	    "l'entreprise.") } },
	[MAIL_GAP_REPLACED] = { "gap_replaced",
	    N_("Nouveau Gestionnaire d'Accès Principal pour {1}"), {
	    N_("{3} est à présent le Gestionnaire d'Accès Principal de l'entreprise {1} "
	    "(numéro d'entreprise {2})."),
	    not_you } },
	[MAIL_COGAP_ADDED] = { "cogap_added",
	    N_("Vous êtes Co-Gestionnaire d'Accès Principal de {1}"), {
	    N_("{4}, Gestionnaire d'Accès Principal de l'entreprise {1} (numéro d'entreprise "
	    "{2}), a désigné {3} comme Co-Gestionnaire d'Accès Principal."),
	    N_("Un Co-Gestionnaire d'Accès Principal aide le Gestionnaire d'Accès Principal à "
	    "gérer les accès de l'entreprise."),
	    not_you } },
	[MAIL_REQUEST_RECEIVED] = { "request_received",
	    N_("Demande {1} reçue"), {
	    N_("Nous avons bien reçu votre demande de désignation d'un Gestionnaire d'Accès "
	    "Principal par la procédure d'exception pour {2}. Sa référence est {1}."),
	    N_("Imprimez le formulaire de la demande, faites-le signer par le représentant "
	    "légal et envoyez-le par la poste. Votre demande sera traitée dès réception du "
	    "formulaire signé."),
	    N_("Vous pouvez suivre l'état de votre demande avec sa référence sur la page « "
	    "Statut d'une demande ».") } },
	[MAIL_REQUEST_APPROVED] = { "request_approved",
	    N_("Demande {1} approuvée"), {
	    N_("Votre demande {1} pour {2} a été approuvée : l'organisation est enregistrée et "
	    "{3} en est le Gestionnaire d'Accès Principal."),
	    N_("Si le Gestionnaire d'Accès Principal ne dispose pas d'une carte d'identité "
	    "électronique, il recevra par la poste une lettre d'activation pour créer ses codes "
	    "d'accès.") } },
	[MAIL_REQUEST_REJECTED] = { "request_rejected",
	    N_("Demande {1} rejetée"), {
	    N_("Votre demande {1} pour {2} a été rejetée pour la raison suivante : {3}"),
	    N_("Si le représentant légal dispose d'une carte d'identité électronique (eID) ou "
	    "d'une carte électronique pour étrangers, utilisez la procédure standard.") } },
	[MAIL_MANDATE_PROPOSED] = { "mandate_proposed",
	    N_("Mandat proposé : {1} pour {3}"), {
	    N_("Un mandat a été proposé : {1} (numéro d'entreprise {2}) donne mandat à {3} "
	    "(numéro d'entreprise {4}) pour des applications de la qualité {5}, période {6}."),
	    N_("Le Gestionnaire d'Accès Principal de l'autre organisation, ou un de ses "
	    "co-responsables, peut l'accepter ou le refuser dans la gestion des accès, page "
	    "« Mandats »."),
	    not_you } },
	[MAIL_MANDATE_ACCEPTED] = { "mandate_accepted",
	    N_("Mandat accepté : {1} pour {3}"), {
	    N_("Le mandat de {1} (numéro d'entreprise {2}) à {3} (numéro d'entreprise {4}) "
	    "pour la qualité {5}, période {6}, a été accepté : il est actif."),
	    not_you } },
	[MAIL_MANDATE_REFUSED] = { "mandate_refused",
	    N_("Mandat refusé : {1} pour {3}"), {
	    N_("Le mandat proposé de {1} (numéro d'entreprise {2}) à {3} (numéro d'entreprise "
	    "{4}) pour la qualité {5}, période {6}, a été refusé."),
	    not_you } },
	[MAIL_MANDATE_ENDED] = { "mandate_ended",
	    N_("Fin du mandat : {1} pour {3}"), {
	    N_("Il a été mis fin au mandat de {1} (numéro d'entreprise {2}) à {3} (numéro "
	    "d'entreprise {4}) pour la qualité {5}, période {6}. Plus personne n'agit sous ce "
	    "mandat."),
	    not_you } },
	[MAIL_MANDATE_EXPIRED] = { "mandate_expired",
	    N_("Mandat expiré : {1} pour {3}"), {
	    N_("Le mandat de {1} (numéro d'entreprise {2}) à {3} (numéro d'entreprise {4}) "
	    "pour la qualité {5}, période {6}, est arrivé à son terme."),
	    N_("Pour le prolonger, proposez un nouveau mandat dans la gestion des accès.") } },
	[MAIL_LOGIN_CODE] = { "login_code",
	    N_("Votre code de sécurité portier"), {
	    N_("Votre code de sécurité pour vous connecter à portier : {1}"),
	    N_("Ce code est valable {2} minutes et ne sert qu'une fois. Ne le communiquez à "
	    "personne : portier ne vous le demandera jamais par téléphone ni par e-mail."),
	    N_("Si vous n'avez pas demandé ce code, quelqu'un connaît votre mot de passe : "
	    "changez-le sans attendre.") } },
	[MAIL_SYSTEM_CERT_EXPIRING] = { "system_cert_expiring",
	    N_("Certificat système « {1} » : expire le {4}"), {
	    N_("Le certificat système « {1} » de {2} (numéro d'entreprise {3}) expire le {4}, "
	    "dans {5} jours."),
	    N_("Renouvelez-le dans « Gestion du certificat » : demandez un nouveau certificat "
	    "(CSR) avant cette date, sans quoi le logiciel qui l'utilise ne pourra plus "
	    "s'authentifier.") } },
};

static const char *
tr(const struct mail_texts *mt, const char *lang, const char *msgid)
{
	const char *t = mt != NULL && mt->fn != NULL ? mt->fn(mt->arg, lang, msgid) : NULL;

	return t ? t : msgid;
}

const char *
mail_kind_name(enum mail_kind kind)
{
	if ((int)kind < 0 || kind >= MAIL__KINDS)
		return "unknown";
	return texts[kind].name;
}

/* Appends text with {1}..{9} replaced by args (control characters become spaces). */
static int
substitute(struct buf *out, const char *text, const char *const *args, size_t nargs)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}') {
			size_t k = (size_t)(p[1] - '1');
			const char *v = k < nargs && args[k] ? args[k] : "";
			size_t n = strnlen(v, MAIL_ARG_MAX + 1);

			if (n > MAIL_ARG_MAX)
				return -1;
			for (size_t i = 0; i < n; i++)
				if (buf_putc(out, (unsigned char)v[i] < ' ' || v[i] == 0x7f ? ' ' : v[i]))
					return -1;
			p += 2;
			continue;
		}
		if (buf_putc(out, *p) != 0)
			return -1;
	}
	return 0;
}

/* Bytes of the UTF-8 sequence starting with c. */
static size_t
seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
}

/* Appends paragraph p wrapped at WRAP characters on spaces (a longer word stays whole). */
static int
wrap(struct buf *out, const char *p)
{
	size_t col = 0;

	while (*p != '\0') {
		const char *w = p;
		size_t bytes = 0, chars = 0;

		while (w[bytes] != '\0' && w[bytes] != ' ') {
			bytes += seq_len((unsigned char)w[bytes]);
			chars++;
		}
		if (col > 0 && col + 1 + chars > WRAP) {
			if (buf_putc(out, '\n') != 0)
				return -1;
			col = 0;
		} else if (col > 0) {
			if (buf_putc(out, ' ') != 0)
				return -1;
			col++;
		}
		if (buf_add(out, w, bytes) != 0)
			return -1;
		col += chars;
		p = w + bytes;
		while (*p == ' ')
			p++;
	}
	return 0;
}

int
mail_render(const struct mail_texts *mt, enum mail_kind kind, const char *lang,
    const char *const *args, size_t nargs, struct buf *subject, struct buf *body)
{
	const struct mail_text *t;
	struct buf para;
	int rc = -1;

	if ((int)kind < 0 || kind >= MAIL__KINDS)
		return -1;
	t = &texts[kind];
	buf_init(&para, 64 * 1024);
	if (substitute(subject, tr(mt, lang, t->subject), args, nargs) != 0 ||
	    buf_puts(body, tr(mt, lang, greeting)) != 0 || buf_puts(body, "\n\n") != 0)
		goto done;
	for (size_t i = 0; i < PARAS_MAX && t->paras[i] != NULL; i++) {
		buf_reset(&para);
		if (substitute(&para, tr(mt, lang, t->paras[i]), args, nargs) != 0 ||
		    (para.len > 0 && !utf8_valid(para.data, para.len)) ||
		    wrap(body, para.data ? para.data : "") != 0 || buf_puts(body, "\n\n") != 0)
			goto done;
	}
	if (wrap(body, tr(mt, lang, footer)) != 0 || buf_putc(body, '\n') != 0)
		goto done;
	rc = subject->len > 0 && utf8_valid(subject->data, subject->len) ? 0 : -1;
done:
	buf_free(&para);
	return rc;
}

static bool
lang_ok(const char *lang)
{
	return lang != NULL && (strcmp(lang, "fr") == 0 || strcmp(lang, "nl") == 0 ||
	    strcmp(lang, "de") == 0 || strcmp(lang, "en") == 0);
}

int
mail_queue(struct store_tx *tx, const struct mail_texts *mt, enum mail_kind kind,
    const char *to, const char *lang, const char *org, const char *const *args,
    size_t nargs)
{
	char at[CLOCK_TEXT_SIZE];
	struct buf subject, body;
	int rc = -1;

	if (!value_ok(VALUE_EMAIL, to, MAIL_ADDRESS_MAX) || !lang_ok(lang) || nargs > MAIL_ARGS_MAX)
		return -1;
	/* created_at from the service's clock (docs/store-contract.md, rule 3); next_attempt
	 * stays on the system clock, as the sender's schedule (mail/deliver.c). */
	if (clock_text(clock_time(), at) != 0)
		return -1;
	buf_init(&subject, 4 * 1024);
	buf_init(&body, 64 * 1024);
	if (mail_render(mt, kind, lang, args, nargs, &subject, &body) == 0 &&
	    store_exec(tx, SQL_MAIL_INSERT, "ttttttit", texts[kind].name, to, lang, subject.data,
	    body.data, org, (int64_t)time(NULL), at) == 1)
		rc = 0;
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

static const char *
dup_col(struct arena *a, struct store_q *q, int col)
{
	const char *t = store_text(q, col);

	return t ? arena_strdup(a, t) : NULL;
}

int
mail_list(struct store *s, struct arena *a, int64_t id, size_t max, struct mail_item **out)
{
	struct store_tx *tx;
	struct store_q *q;
	struct mail_item *v;
	size_t n = 0;
	int rc = 0;

	if (max == 0 || max > 1000)
		max = 1000;
	v = arena_alloc(a, max * sizeof(*v));
	if (v == NULL || store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_MAIL_LIST, &q, "ii", id, (int64_t)max) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while (n < max && (rc = store_next(q)) == 1) {
		struct mail_item *m = &v[n++];

		m->id = store_int(q, MAIL_LIST_ID);
		m->kind = dup_col(a, q, MAIL_LIST_KIND);
		m->recipient = dup_col(a, q, MAIL_LIST_RECIPIENT);
		m->language = dup_col(a, q, MAIL_LIST_LANGUAGE);
		m->subject = dup_col(a, q, MAIL_LIST_SUBJECT);
		m->body = dup_col(a, q, MAIL_LIST_BODY);
		m->org = dup_col(a, q, MAIL_LIST_ORG);
		m->status = dup_col(a, q, MAIL_LIST_STATUS);
		m->attempts = store_int(q, MAIL_LIST_ATTEMPTS);
		m->next_attempt = store_int(q, MAIL_LIST_NEXT_ATTEMPT);
		m->last_error = dup_col(a, q, MAIL_LIST_LAST_ERROR);
		m->created_at = dup_col(a, q, MAIL_LIST_CREATED_AT);
		m->sent_at = dup_col(a, q, MAIL_LIST_SENT_AT);
		if (m->subject == NULL || m->body == NULL) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return -1;
	*out = v;
	return (int)n;
}

int
mail_outbox_pending(struct store *s, int64_t *n)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc = -1;

	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_MAIL_COUNT, &q, "t", "pending") != 0)
		goto done;
	if (store_next(q) == 1) {
		*n = store_int(q, MAIL_COUNT_N);
		rc = 0;
	}
	store_done(q);
done:
	store_rollback(&tx);
	return rc;
}
