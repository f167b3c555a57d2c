/* mandate.h — mandates between organisations (issue 16, docs/mandates.md): A (mandator)
 * lets B (mandatary) act for it on applications of one of A's qualities over quarters;
 * proposed by one side, accepted or refused by the other, ended by either, expired by the
 * clock; B's managers choose who serves under it. One transaction per operation with its
 * history row, its audit event and the mails to both sides. */
#ifndef PORTIER_ACCESS_MANDATE_H
#define PORTIER_ACCESS_MANDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "base/arena.h"
#include "mail/mail.h"
#include "store/store.h"

#define MANDATE_ID_LEN 32          /* hex characters of a public id */
#define MANDATE_QUARTER_TEXT 16    /* "T1 2027" and its NUL */

/* The proposal form as typed (NULL = absent). */
struct mandate_input {
	const char *side;          /* the acting organisation's side: mandator / mandatary */
	const char *counterparty;  /* the other organisation's enterprise number */
	const char *quality;       /* catalogue code of the mandator's quality */
	const char *const *apps;   /* application codes ticked */
	size_t napps;
	const char *start;         /* quarters as typed: "2027-1", "2027-T1", "20271" … */
	const char *end;           /* "" or NULL: no end */
};

struct mandate_app {
	const char *code, *name;
};

/* A row of the history: who (names, "" for the clock), from which side. */
struct mandate_event_row {
	const char *at, *status, *side, *note, *actor;
};

/* A named user of the mandatary serving under the mandate, with their applications. */
struct mandate_member_row {
	int64_t account_id;
	const char *username, *last_name, *first_name, *since;
	const char **apps;
	size_t napps;
};

/* A mandate as read for an organisation of it (texts in the reader's arena). */
struct mandate_view {
	int64_t id;
	char public_id[MANDATE_ID_LEN + 1];
	int64_t mandator_org, mandatary_org;
	const char *quality, *quality_name;
	int64_t start_quarter, end_quarter;   /* year * 10 + quarter; end 0: none */
	const char *status;        /* as it reads now: "expired" once the end has passed */
	const char *proposed_side;
	bool serve_all;
	const char *created_at, *changed_at;
	int64_t version;
	const char *mandator_name, *mandator_enterprise;
	const char *mandatary_name, *mandatary_enterprise;
	const char *side;          /* the reading organisation's: mandator or mandatary */
	/* mandate_get only: */
	struct mandate_app *apps;
	size_t napps;
	struct mandate_event_row *events;
	size_t nevents;
	struct mandate_member_row *members;
	size_t nmembers;
	bool may_decide;           /* the policy lets the reader accept or refuse it now */
	bool may_end;              /* … end it now */
	bool may_assign;           /* … choose who serves under it now */
};

/* Parses a typed quarter ("2027-1", "2027-T1", "2027 Q1", "T1 2027", "20271") into
 * year * 10 + quarter. Returns 0, or -1 when it is none. */
int mandate_quarter_parse(const char *typed, int64_t *out);
/* The quarter holding Unix time t (UTC). */
int64_t mandate_quarter_of(int64_t t);
/* "T1 2027" (fr), "K1 2027" (nl), "Q1 2027" (de, en) into out. */
void mandate_quarter_text(int64_t quarter, const char *lang, char out[MANDATE_QUARTER_TEXT]);

/* Proposes a mandate from org (POLICY_MANDATE_PROPOSE, eID): the other organisation
 * found by its enterprise number, the quality activated at the mandator, the
 * applications of that quality, the start not before the current quarter, the end not
 * before the start. ACCESS_INVALID with field errors (side, counterparty, quality, apps,
 * start, end); on ACCESS_OK public_id holds the new mandate's id. */
enum access_rc mandate_propose(struct store *s, const struct mail_texts *mt,
    const struct actor *who, int64_t org, const struct mandate_input *in,
    struct access_errors *err, char public_id[MANDATE_ID_LEN + 1]);
/* Whether who may propose a mandate for org (the proposal form): ACCESS_OK, or the
 * refusal mandate_propose would give (ACCESS_DENIED, audited; ACCESS_NOT_FOUND). */
enum access_rc mandate_may_propose(struct store *s, const struct actor *who, int64_t org);
/* Accepts (accept) or refuses a proposed mandate for org, the side that did not propose
 * it (POLICY_MANDATE_ACCEPT, eID). version is the one the page showed: ACCESS_CONFLICT
 * when it changed since, or when the mandate is no longer proposed. */
enum access_rc mandate_decide(struct store *s, const struct mail_texts *mt,
    const struct actor *who, int64_t org, const char *public_id, int64_t version, bool accept);
/* Ends a proposed or active mandate, from either side (POLICY_MANDATE_END, eID): status
 * 'ended' in the same transaction as its history row. As mandate_decide for version. */
enum access_rc mandate_end(struct store *s, const struct mail_texts *mt,
    const struct actor *who, int64_t org, const char *public_id, int64_t version);
/* Marks 'expired' every proposed or active mandate whose end quarter is before the
 * current one (history row with no actor, audit event, mails); *n receives how many. */
enum access_rc mandate_expire_due(struct store *s, const struct mail_texts *mt,
    const struct actor *who, int *n);

/* The mandates org gave and received, newest first (POLICY_MANDATE_VIEW: its GAP and
 * co-GAPs see all; a local manager those of the qualities they manage there).
 * *main_manager: the reader is org's GAP or a co-GAP (who may propose, with eID). */
enum access_rc mandate_list(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct mandate_view **out, size_t *n, bool *main_manager);
/* One mandate of org with its applications, history and who serves under it. */
enum access_rc mandate_get(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, struct arena *a, struct mandate_view *out);

/* Who serves (the mandatary's managers, POLICY_MANDATE_ASSIGN), on a proposed or active
 * mandate, with the version read (ACCESS_CONFLICT otherwise): every user of the
 * mandatary (all), or the named ones. */
enum access_rc mandate_serve_all(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, int64_t version, bool all);
/* Adds the mandatary's account of user name username as a named user, or changes their
 * applications, to apps (within the mandate's; field errors "username", "apps"). */
enum access_rc mandate_member_set(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, int64_t version, const char *username, const char *const *apps,
    size_t napps, struct access_errors *err);
/* Removes the named user account_id. ACCESS_NOT_FOUND when it is none. */
enum access_rc mandate_member_remove(struct store *s, const struct actor *who, int64_t org,
    const char *public_id, int64_t version, int64_t account_id);

#endif
