/* helpdesk.h — the back office of the exception procedure, for people with the helpdesk
 * role (POLICY_DECIDE_EXCEPTION): the queue, a request in full with its history, "signed
 * paper received", approval (the organisation and its GAP created; under the four-eyes
 * rule a second, different operator completes it), rejection with a reason, the
 * activation letter of a GAP without eID. And the role itself (`portier helpdesk`). */
#ifndef PORTIER_CSAM_HELPDESK_H
#define PORTIER_CSAM_HELPDESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/activation.h"
#include "base/arena.h"
#include "csam/csam.h"
#include "csam/exception.h"
#include "mail/mail.h"
#include "store/store.h"

#define CSAM_QUEUE_PAGE 50

struct csam_queue_filter {
	const char *status;          /* received, paper, approving, approved, rejected; NULL any */
	const char *case_kind;       /* NULL any */
	int older_than_days;         /* 0 any; else submitted more than that many days ago */
	const char *reference;       /* NULL any */
	size_t offset;
};

struct csam_queue_item {
	const char *reference, *case_kind, *status, *company_name, *enterprise, *country;
	const char *submitted_at;
	const char *id_type, *id_value;  /* case no_number: its identifier ("" else) */
};

/* The requests matching f, oldest first, at most CSAM_QUEUE_PAGE from f->offset (allocated
 * in a); *total receives the count. Returns ACCESS_OK, ACCESS_DENIED or ACCESS_ERROR. */
enum access_rc csam_queue(struct store *s, struct arena *a, const struct actor *who,
    const struct csam_queue_filter *f, struct csam_queue_item **items, size_t *n,
    size_t *total);

struct csam_decision {
	const char *action;          /* paper, approve, reject */
	const char *reason, *at, *operator_name;
	int64_t operator_id;
};

/* A request in full with its decisions, oldest first; x->own says whether the operator
 * may not act on it (she filed it, or it names her as GAP). Returns ACCESS_OK, ACCESS_NOT_FOUND,
 * ACCESS_DENIED or ACCESS_ERROR. */
enum access_rc csam_request(struct store *s, struct arena *a, const struct actor *who,
    const char *reference, struct csam_exc *x, struct csam_decision **decisions, size_t *n);

/* Why a decision was not taken (ACCESS_REFUSED / ACCESS_CONFLICT). */
enum csam_refusal {
	CSAM_REFUSAL_NONE = 0,
	CSAM_REFUSAL_STATE,          /* not in a state that allows it (see the request) */
	CSAM_REFUSAL_NO_PAPER,       /* approval before the signed paper was received */
	CSAM_REFUSAL_SAME_OPERATOR,  /* four-eyes: the second approval by the first approver */
	CSAM_REFUSAL_REGISTERED,     /* the enterprise was registered in the meantime */
	CSAM_REFUSAL_REASON,         /* rejection without a valid reason */
	CSAM_REFUSAL_OWN,            /* the operator filed the request, or it names her GAP */
};

/* Separation of duties, for every decision below: an operator acts on no request she
 * filed or that names her as GAP (ACCESS_REFUSED, CSAM_REFUSAL_OWN, audited).
 * "Papier signé reçu". Returns ACCESS_OK, ACCESS_REFUSED, ACCESS_CONFLICT, ACCESS_NOT_FOUND,
 * ACCESS_DENIED or ACCESS_ERROR; *why says what stood in the way. */
enum access_rc csam_paper_received(struct store *s, const struct actor *who,
    const char *reference, enum csam_refusal *why);

struct csam_approval {
	bool waiting;                /* four-eyes: first approval recorded, a second is needed */
	int64_t org_id;              /* when completed */
	int64_t gap_person;
	bool letter;                 /* the GAP has no eID: an activation letter is due */
};

/* Approves (four_eyes: the first approval waits for a second operator's). Completing it
 * creates the organisation ("exception" procedure) with its GAP (a new person when the
 * NISS is unknown), records the decision, mails the requester, in one transaction.
 * Refusals of the four-eyes rule are audited. Returns ACCESS_OK, ACCESS_REFUSED, ACCESS_CONFLICT,
 * ACCESS_NOT_FOUND, ACCESS_DENIED or ACCESS_ERROR. */
enum access_rc csam_approve(struct store *s, const struct mail_texts *mt,
    const struct actor *who, const char *reference,
    bool four_eyes, struct csam_approval *out, enum csam_refusal *why);

/* Rejects with a reason (1 to CSAM_REASON_MAX characters), mailed to the requester.
 * Returns ACCESS_OK, ACCESS_REFUSED (reason), ACCESS_CONFLICT, ACCESS_NOT_FOUND, ACCESS_DENIED or
 * ACCESS_ERROR. */
enum access_rc csam_reject(struct store *s, const struct mail_texts *mt,
    const struct actor *who, const char *reference,
    const char *reason, enum csam_refusal *why);

/* The activation letter of an approved request's GAP; texts in the caller's arena. */
struct csam_letter {
	char *code;                  /* ACTIVATION_CODE_MAX bytes: wipe them after use */
	int64_t expires_at;
	const char *gap_name;
	const char *org_name;
	const char *reference;
	const char *language;
};

/* Issues a fresh activation code for the GAP of approved request reference (an earlier
 * unused code stops working), audited. Returns ACCESS_OK (letter filled in a; wipe its code
 * after use), ACCESS_REFUSED (her own), ACCESS_CONFLICT (not approved), ACCESS_NOT_FOUND,
 * ACCESS_DENIED or ACCESS_ERROR. */
enum access_rc csam_activation_letter(struct store *s, struct arena *a, const struct actor *who,
    const char *reference, struct csam_letter *out);

/* ---- the helpdesk role (command line) ---- */

/* Gives the helpdesk role to the person with niss (11 digits), created from the persons
 * register when not yet known, audited as done by by (the CLI: name "cli").
 * Returns ACCESS_OK, ACCESS_CONFLICT (already), ACCESS_NOT_FOUND or ACCESS_ERROR. */
enum access_rc csam_helpdesk_grant(struct store *s, const struct actor *by, const char *niss);
/* Takes the role away. Returns ACCESS_OK, ACCESS_NOT_FOUND or ACCESS_ERROR. */
enum access_rc csam_helpdesk_revoke(struct store *s, const struct actor *by, const char *niss);

struct csam_operator {
	int64_t person_id;
	const char *niss, *last_name, *first_name, *since;
};
/* The helpdesk operators (allocated in a). Returns the count or -1. */
int csam_helpdesk_list(struct store *s, struct arena *a, struct csam_operator **out);

#endif
