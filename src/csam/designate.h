/* designate.h — the standard procedure of guide §2.2.1: a legal representative logged in
 * with eID registers the enterprise and designates its GAP (themself or another person),
 * or replaces the GAP of a registered enterprise. The pages call csam_check on the
 * enterprise number, csam_gap_form_check on "Enregistrement de l'entreprise dans CSAM",
 * and csam_designate on "Confirmer", which runs every check again. */
#ifndef PORTIER_CSAM_DESIGNATE_H
#define PORTIER_CSAM_DESIGNATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "be/be.h"
#include "csam/csam.h"
#include "mail/mail.h"
#include "store/store.h"

/* The checks of the standard procedure, in the order they run; each has its message. */
enum csam_check {
	CSAM_CHECK_OK = 0,
	CSAM_CHECK_LEVEL,          /* the session is not an eID session */
	CSAM_CHECK_NUMBER,         /* not a valid enterprise number (reason in be) */
	CSAM_CHECK_UNKNOWN,        /* not in the enterprise registry */
	CSAM_CHECK_STOPPED,        /* known, but not active */
	CSAM_CHECK_NOT_REP,        /* no current legal function (ended / starts: why, if known) */
	CSAM_CHECK_REGISTERED,     /* already registered: gap_name is its GAP */
	CSAM_CHECK_NOT_REGISTERED, /* replacement asked for an enterprise not registered */
};

/* What the checks found out about the enterprise. Texts live in the caller's arena and
 * are "" until a check finds them (never NULL once csam_check returned). */
struct csam_enterprise {
	enum csam_check check;
	enum be_reason be;         /* CSAM_CHECK_NUMBER */
	const char *number;        /* 10 digits once the number is valid */
	const char *name;          /* from the registry, in the reader's language */
	const char *address;       /* the registered seat, one line */
	int64_t org_id;            /* the organisation when registered, else 0 */
	const char *gap_name;      /* its GAP (first and last name) when registered */
	const char *ended;         /* CSAM_CHECK_NOT_REP: the person's last function ended */
	const char *starts;        /* CSAM_CHECK_NOT_REP: the person's next function begins */
};

/* Runs the checks for who on the typed number on today (ISO date): an eID session, the
 * number, the registry, who's current legal function, then whether the enterprise is
 * registered (replace: it must be; else: it must not be); e's texts in a. A refusal of
 * the policy (no eID session, not a representative) is audited as access.denied.
 * Returns ACCESS_OK, or ACCESS_REFUSED / ACCESS_DENIED with e->check set, or ACCESS_ERROR. */
enum access_rc csam_check(struct store *s, struct arena *a, const struct actor *who,
    const char *typed, const char *today, bool replace, struct csam_enterprise *e);

/* The form "Enregistrement de l'entreprise dans CSAM" (and its confirmation). */
struct csam_gap_form {
	const char *enterprise;    /* as typed or 10 digits */
	bool other;                /* "Autre personne" rather than "Gestionnaire d'Accès Principal" */
	const char *niss;          /* other: the NISS typed */
	const char *last_name;     /* other: the last name typed, checked against the register */
	const char *email;
	const char *phone;
	const char *token;         /* the confirmation form's token (csam_designate only) */
	const char *today;         /* ISO date */
};

/* The GAP the form designates; texts in the caller's arena, "" when unknown. */
struct csam_gap {
	const char *niss;          /* 11 digits */
	const char *last_name, *first_name;
	int64_t person_id;         /* 0 when not yet known to portier (created on confirm) */
	bool self;
};

/* Checks the form's fields for who (the other person in the persons register, the name
 * typed against it; replacing by the current GAP is refused) and fills gap (texts in a).
 * Runs no enterprise check: call csam_check first. Returns ACCESS_OK, ACCESS_INVALID with err
 * filled, or ACCESS_ERROR. */
enum access_rc csam_gap_form_check(struct store *s, struct arena *a, const struct actor *who,
    const struct csam_gap_form *f, int64_t org_id, struct csam_gap *gap,
    struct access_errors *err);

/* What "Confirmer" did; texts in the caller's arena. */
struct csam_done {
	int64_t org_id;
	const char *enterprise;    /* 10 digits */
	const char *name;
	const char *gap_name;      /* first and last name */
	bool self;                 /* who designated themself */
	bool replaced;             /* a replacement (else a registration) */
	bool replayed;             /* the same token was confirmed before: nothing changed */
};

/* "Confirmer": in one write transaction, the checks again (csam_check, the form), then the
 * organisation with its GAP (or the GAP replaced and the contact data updated), the GAP's
 * person created from the persons register when new, the audit events, the mails (the
 * contact address; on replacement also the previous GAP) and the token recorded. The same
 * token confirmed again returns the first outcome with replayed set and changes nothing.
 * e, gap and done get their texts in a.
 * Returns ACCESS_OK; ACCESS_REFUSED / ACCESS_DENIED (e->check); ACCESS_INVALID (err); ACCESS_ERROR. */
enum access_rc csam_designate(struct store *s, const struct mail_texts *mt, struct arena *a,
    const struct actor *who, const struct csam_gap_form *f, bool replace,
    struct csam_enterprise *e, struct csam_gap *gap, struct access_errors *err,
    struct csam_done *done);

/* The outcome of an earlier "Confirmer" of who by its token (the success page), texts in
 * a. Returns ACCESS_OK, ACCESS_NOT_FOUND (unknown token, or someone else's) or ACCESS_ERROR. */
enum access_rc csam_submission(struct store *s, struct arena *a, const struct actor *who,
    const char *token, struct csam_done *out);

#endif
