/* data.h — the agency portal's own database (portal/migrations): its visitors' sessions
 * and the login under way, the companies with their agency number and contact points,
 * declared activities, self-check files and their history. Each function is one
 * transaction; callers pass plain values, never SQL. */
#ifndef PORTIER_PORTAL_DATA_H
#define PORTIER_PORTAL_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "store/store.h"
#include "web/web.h"

#define PORTAL_NAME_MAX 200
#define PORTAL_EMAIL_MAX 254
#define PORTAL_PHONE_MAX 40
#define PORTAL_ACTIVITIES_MAX 100
#define PORTAL_EVENTS_MAX 50
#define PORTAL_ANSWERS_MAX (32 * 1024)
#define PORTAL_NEXT_MAX 255          /* bytes of a local path to come back to after login */

/* Fills ops with functions that keep the web layer's sessions in the portal's store. */
void portal_session_ops(struct web_session_ops *ops, struct store *s);
/* Deletes sessions idle since before idle_before or created before created_before. */
int pdata_sessions_purge(struct store *s, int64_t idle_before, int64_t created_before);

/* The authorization request under way in a session (cookie value sid). The texts live
 * in the caller's arena; state, nonce and verifier are secrets: pdata_login_wipe them. */
struct portal_login {
	char *state;
	char *nonce;
	char *verifier;
	int64_t started;
	const char *next;            /* local path to go to after login */
};
/* Records the login under way. Returns 0 or -1. */
int pdata_login_save(struct store *s, const char *sid, const struct portal_login *l);
/* Reads and forgets the login under way (texts in a): single use. Returns 0, 1 (none)
 * or -1. */
int pdata_login_take(struct store *s, struct arena *a, const char *sid,
    struct portal_login *out);
/* Wipes the secrets of l (NULL ones are skipped). */
void pdata_login_wipe(struct portal_login *l);

/* Who is logged in, as the ID token said. Strings live in the caller's arena. */
struct portal_who {
	int64_t user_id;
	const char *sub;
	const char *name;
	const char *enterprise;      /* 10 digits */
	const char *org_name;
	const char *id_token;        /* for RP-initiated logout */
};
/* Records a login: the user (by sub) gets an id, written into *user_id. 0 or -1. */
int pdata_user_seen(struct store *s, const char *sub, const char *name, int64_t *user_id);
/* Writes who is logged in into the session (and ends the login under way). 0 or -1. */
int pdata_session_who_set(struct store *s, const char *sid, const struct portal_who *w);
/* Reads who is logged in. Returns 0, 1 (nobody) or -1. */
int pdata_session_who(struct store *s, const char *sid, struct arena *a,
    struct portal_who *out);

/* A company; texts in the caller's arena. */
struct portal_company {
	int64_t id;
	const char *enterprise;      /* 10 digits */
	const char *agency_number;   /* AFMPS-000123 */
	const char *name;
	int64_t created_at;
};
/* The company of enterprise, created with its agency number at the first visit; its
 * name is refreshed. Returns 0 or -1. */
int pdata_company_visit(struct store *s, struct arena *a, const char *enterprise,
    const char *name, struct portal_company *out);
/* Reads a company. Returns 0, 1 (unknown) or -1. */
int pdata_company_get(struct store *s, struct arena *a, const char *enterprise,
    struct portal_company *out);

/* Contact points kept by the company: general, materiovigilance, regulatory. */
#define PORTAL_CONTACT_KINDS 3
extern const char *const portal_contact_kinds[PORTAL_CONTACT_KINDS];
/* A contact point; texts "" when not given (in the caller's arena when read). */
struct portal_contact {
	const char *kind;            /* one of portal_contact_kinds */
	const char *name;
	const char *email;
	const char *phone;
	int64_t updated_at;          /* 0 when never given */
};
/* The contact points of a company, one per kind in portal_contact_kinds order, texts in
 * a. 0 or -1. */
int pdata_contacts(struct store *s, struct arena *a, int64_t company_id,
    struct portal_contact out[PORTAL_CONTACT_KINDS]);
/* Saves the contact points (an all-empty one is removed). Returns 0 or -1. */
int pdata_contacts_save(struct store *s, int64_t company_id, int64_t user_id,
    const struct portal_contact c[PORTAL_CONTACT_KINDS]);

/* A declared activity; texts in the caller's arena when read. */
struct portal_activity {
	int64_t id;
	const char *kind;            /* distributor, manufacturer … (catalogue.h) */
	const char *establishment;   /* establishment unit number, "" for the seat */
	const char *classes;         /* comma-separated class codes */
	const char *started_on;
	const char *ended_on;        /* "" while current */
};
/* The company's activities, current first, texts in a. Returns 0 or -1; *n the count. */
int pdata_activities(struct store *s, struct arena *a, int64_t company_id,
    struct portal_activity *out, size_t max, size_t *n);
/* Reads one activity of the company, texts in a. Returns 0, 1 (unknown) or -1. */
int pdata_activity_get(struct store *s, struct arena *a, int64_t company_id, int64_t id,
    struct portal_activity *out);
/* Declares an activity (started today), with its history event. Returns 0 (*id set),
 * -2 when the same activity is already current at that establishment, or -1. */
int pdata_activity_declare(struct store *s, int64_t company_id,
    const struct portal_activity *a, const char *user_name, int64_t *id);
/* Changes the classes of a current activity. Returns 0, 1 (unknown or ended) or -1. */
int pdata_activity_change(struct store *s, int64_t company_id, int64_t id,
    const char *classes, const char *user_name);
/* Ends a current activity on date (ISO). Returns 0, 1 (unknown or ended) or -1. */
int pdata_activity_end(struct store *s, int64_t company_id, int64_t id, const char *date,
    const char *user_name);

/* The self-check file of an activity. */
struct portal_dossier {
	bool exists;
	const char *status;          /* draft, submitted ("" when none), caller's arena */
	const char *answers;         /* JSON object text, in the caller's arena */
	int64_t updated_at;
	int64_t submitted_at;        /* 0 when never */
};
int pdata_dossier_get(struct store *s, struct arena *a, int64_t activity_id,
    struct portal_dossier *out);
/* Saves the answers (JSON object text) of a current activity of the company, as a draft
 * or submitted, with a history event. Returns 0, 1 (unknown or ended activity) or -1. */
int pdata_dossier_save(struct store *s, int64_t company_id, int64_t activity_id,
    const char *answers, bool submit, const char *user_name);

struct portal_event {
	int64_t at;
	const char *action;          /* declared, changed, ended, saved, submitted */
	const char *user_name;
};
/* The latest events of an activity, newest first, texts in a. Returns 0 or -1; *n the
 * count. */
int pdata_events(struct store *s, struct arena *a, int64_t activity_id,
    struct portal_event *out, size_t max, size_t *n);

#endif
