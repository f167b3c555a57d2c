/* account.h — the users of an activated quality (accounts, quality members, grants):
 * creation, data and applications, co-manager or back, suspension, removal; and what
 * every access-management service shares: the policy check whose refusal is audited
 * (result codes and field errors: access/result.h). Each operation is one transaction. */
#ifndef PORTIER_ACCESS_ACCOUNT_H
#define PORTIER_ACCESS_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account_data.h"
#include "access/result.h"
#include "base/arena.h"
#include "base/utf8.h"
#include "policy/actor.h"
#include "policy/policy.h"
#include "store/store.h"
#include "value/value.h"

#define ACCESS_MAX_APPS 32        /* applications ticked in one form */
#define ACCESS_MAX_SELECTED 200   /* users removed at once */

/* Checks the policy for who acting in org (roles read in tx) on target. Returns ACCESS_OK,
 * or ACCESS_DENIED with the reason in *why (may be NULL); *actor receives the roles. */
enum access_rc access_allow(struct store_tx *tx, const struct actor *who, int64_t org,
    enum policy_action action, const struct policy_target *target, struct policy_actor *actor,
    enum policy_reason *why);
/* Ends *tx (rolled back: nothing changed) and records the refusal as "access.denied" in a
 * transaction of its own. object may be NULL. Returns ACCESS_DENIED (ACCESS_ERROR when the
 * event cannot be written). */
enum access_rc access_refuse(struct store *s, struct store_tx **tx,
    const struct actor *who, int64_t org, enum policy_action action,
    enum policy_reason why, int64_t quality, const char *object);
/* access_refuse for a refusal outside an organisation's pages (the GAP designation, the
 * exception requests): who's roles read with no organisation, the organisation recorded
 * as org_label (an enterprise number, or NULL), no quality. */
enum access_rc access_refuse_named(struct store *s, struct store_tx **tx,
    const struct actor *who, const char *org_label, enum policy_action action,
    enum policy_reason why, const char *object);
/* The one writer of the access domain's audit events (access/, csam/): made by who acting
 * as role ("GAP", "legal_rep", "requester" …) in org (its label: enterprise number or
 * org:<id>; NULL: none). details is a JSON object text or NULL. Returns 0 or -1. */
int access_audit_as(struct store_tx *tx, const struct actor *who, const char *role,
    const char *org, const char *action, const char *object, const char *details);
/* Appends an audit event for a change in org made by actor (roles give the acting role).
 * details is a JSON object text or NULL. Returns 0 or -1. */
int access_audit(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, const char *action, const char *object,
    const char *details);
/* The name of the organisation in audit events: its enterprise number, or org:<id>. */
int access_org_label(struct store_tx *tx, int64_t org, char out[24]);

/* Typed values (e-mail, user name, names) are checked by src/value/value.h. */
/* Makes a LIKE prefix pattern of typed text (%, _ and \ escaped) in a; NULL for empty. */
char *access_like_prefix(struct arena *a, const char *typed, bool contains);

/* A user's data as typed in the creation or edition form (NULL = absent). */
struct user_input {
	const char *niss;
	const char *username;
	const char *last_name;
	const char *first_name;
	struct account_data data;  /* the account's own data (members NULL = absent) */
	const char *type;          /* USER or COGL (creation, edition); ignored for the GL */
	const char *const *apps;   /* application codes ticked */
	size_t napps;
	bool suspend;              /* creation: the account is suspended once added (SCIM
	                            * active:false), in the same transaction */
};

/* The texts of the structs below are whole, NUL-terminated, in the arena the reader was
 * given ("" when not set). */

/* What the creation form starts with: the person's record, their account in the
 * organisation, or the persons register. */
struct user_prefill {
	const char *niss;          /* 11 digits */
	const char *username;
	const char *last_name;
	const char *first_name;
	struct account_data data;
	bool names_locked;         /* the person is known (to portier or the persons register):
	                            * names come from their record, a manager may not type them */
	bool has_account;          /* they already have an account in the organisation */
};

/* A user of a quality as the edition page shows it. */
struct user_view {
	int64_t account_id, person_id, quality;
	const char *niss;
	const char *last_name;
	const char *first_name;
	const char *username;
	struct account_data data;
	const char *status;        /* active, suspended */
	const char *type;          /* GL, COGL, USER */
	const char *created_at, *modified_at, *since;
	int64_t version;
	const char **apps;         /* application codes granted */
	size_t napps;
	bool is_gap;               /* the person is the organisation's GAP */
	bool is_self;              /* the person is the one acting */
};

/* "Ajouter un utilisateur NISS … Suivant": checks the policy (co-managers also need
 * POLICY_DESIGNATE_COGL) and the NISS, refuses a person already in the quality, and
 * prefills the creation form (texts in a). */
enum access_rc account_prepare(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *niss, const char *type, struct arena *a,
    struct user_prefill *out, struct access_errors *err);
/* Validates the creation form (for the confirmation page) and changes nothing. */
enum access_rc account_check(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_input *in, struct access_errors *err);

/* The names a person added will carry: locked when someone knows them (their record,
 * the persons register), whatever was typed. */
struct user_names {
	const char *last_name;
	const char *first_name;
	bool locked;
};
/* account_check, and *names filled (once the NISS was read; texts in a) for the pages to
 * show. */
enum access_rc account_check_names(struct store *s, const struct actor *who,
    int64_t org, int64_t quality, const struct user_input *in, struct access_errors *err,
    struct arena *a, struct user_names *names);
/* Adds the user to the quality: the person when unknown, the account when they have none
 * in the organisation, the member, the grants, with audit events. *account_id receives
 * the account. ACCESS_EXISTS when the person is already in the quality. */
enum access_rc account_create(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_input *in, struct access_errors *err,
    int64_t *account_id);
/* Reads a user of a quality, texts in a. */
enum access_rc account_get(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account_id, struct arena *a, struct user_view *out);
/* Saves the edition form (account data, applications, USER/COGL) read at version;
 * ACCESS_CONFLICT when the account changed since. */
enum access_rc account_update(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account_id, int64_t version, const struct user_input *in,
    struct access_errors *err);
/* account_update (in, NULL: no change of the form's fields) and the status (suspend: 1
 * suspends, 0 reactivates, -1 leaves it) in one transaction: both or neither. */
enum access_rc account_update_status(struct store *s, const struct actor *who,
    int64_t org, int64_t quality, int64_t account_id, int64_t version,
    const struct user_input *in, int suspend, struct access_errors *err);
/* Suspends or reactivates the account read at version. */
enum access_rc account_set_status(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account_id, int64_t version, bool suspend,
    struct access_errors *err);
/* Removes users from the quality (their grants with them; an account left in no quality
 * goes too). All or nothing; *removed receives the count. */
enum access_rc account_remove(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const int64_t *accounts, size_t n, size_t *removed,
    struct access_errors *err);

/* ---- for the other services of access/: inside the caller's transaction ---- */

/* Validated, normalised user data. */
struct user_norm {
	const char *niss;
	const char *username;
	const char *last_name;
	const char *first_name;
	struct account_data data;
	const char **apps;         /* application codes, each once */
	size_t napps;
	int64_t person_id;         /* 0 when the person is unknown */
	bool names_from_register;  /* unknown to portier, known to the persons register */
	int64_t account_id;        /* 0 when no account in the organisation */
	int64_t version;           /* of that account */
};

/* Validates in for a member of quality code qcode in org: identifiers, limits, user name
 * free in the organisation (or the person's own), applications of that quality. When
 * fixed_niss is set, the NISS must be that one. Fills n (texts in a). Returns 0 valid, 1
 * invalid (see err), -1 store error or full arena. */
int account_validate(struct store_tx *tx, struct arena *a, int64_t org, const char *qcode,
    const struct user_input *in, const char *fixed_niss, struct user_norm *n,
    struct access_errors *err);
/* Makes n a member of quality (type GL, COGL or USER) with its grants: creates the person
 * and the account when needed, updates the account's data otherwise; audits. Returns
 * ACCESS_OK, ACCESS_EXISTS (already a member) or ACCESS_ERROR. */
enum access_rc account_add_member(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, int64_t quality, const char *type,
    struct user_norm *n);
/* Changes member v (read by the caller in tx, version current) of quality (catalogue code
 * qcode) to in: user name, data, applications, and its type new_type (USER/COGL: the
 * caller has checked the policy for a change of type). With apply false only validates
 * and tells (*changed) whether anything would change; with apply true writes it with
 * its audit events (user.update, user.cogl.*, grant.add, grant.remove). The one code path
 * of the edition page and the CSV import. Returns ACCESS_OK, ACCESS_INVALID (see err),
 * ACCESS_CONFLICT or ACCESS_ERROR. */
enum access_rc account_change_member(struct store_tx *tx, const struct actor *who,
    const struct policy_actor *actor, int64_t org, int64_t quality, const char *qcode,
    const struct user_view *v, const struct user_input *in, const char *new_type,
    bool apply, struct arena *a, struct access_errors *err, bool *changed);
/* Reads account and its membership of quality into v (texts in a): ACCESS_OK,
 * ACCESS_NOT_FOUND (not a member) or ACCESS_ERROR. */
enum access_rc account_member_view(struct store_tx *tx, struct arena *a, int64_t org,
    int64_t quality, int64_t account, struct user_view *v);
/* Bulk reads for many rows at once (the CSV import, docs/csv-import.md): the persons of
 * a file's NISS with their account in org and membership of quality (and its grants),
 * the persons register's names of those NISS, the accounts holding the file's user names,
 * the quality's applications (catalogue code qcode) and org's GAP and co-GAPs, each in one
 * statement. The _bulk functions below run the same checks as their plain forms, taking
 * from b what it holds (b NULL: none) and asking the store for anything else. niss[i]
 * and usernames[i] (as typed) may be NULL; b lives in a. Returns 0 or -1. */
struct account_bulk;
int account_bulk_load(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    const char *qcode, const char *const *niss, const char *const *usernames, size_t n,
    struct account_bulk **b);
/* After a write about a NISS and a user name (and a user name freed; each may be NULL):
 * their next reads go to the store. */
void account_bulk_forget(struct account_bulk *b, const char *niss, const char *username,
    const char *old_username);
/* account_validate (no fixed NISS) with the reads of b. */
int account_validate_bulk(struct store_tx *tx, const struct account_bulk *b,
    struct arena *a, int64_t org, const char *qcode, const struct user_input *in,
    struct user_norm *n, struct access_errors *err);
/* account_member_view with the reads of b. */
enum access_rc account_member_view_bulk(struct store_tx *tx, const struct account_bulk *b,
    struct arena *a, int64_t org, int64_t quality, int64_t account, struct user_view *v);
/* account_change_member with the reads of b. */
enum access_rc account_change_member_bulk(struct store_tx *tx, const struct account_bulk *b,
    const struct actor *who, const struct policy_actor *actor, int64_t org, int64_t quality,
    const char *qcode, const struct user_view *v, const struct user_input *in,
    const char *new_type, bool apply, struct arena *a, struct access_errors *err,
    bool *changed);
/* access_manager_roles (access/service.h) from the GAP and co-GAPs b read. */
int account_bulk_manager_roles(const struct account_bulk *b, const struct actor *who,
    int64_t person, unsigned *roles);
/* Reads the person's account in org into v (texts in a). Returns 0 found, 1 none, -1
 * error. */
int account_of_person(struct store_tx *tx, struct arena *a, int64_t org, int64_t person,
    struct user_view *v);
/* Fills the prefill from the person of that NISS (their record, their account in org, or
 * the persons register, best effort), texts in a. Returns 0 or -1. */
int account_prefill(struct store_tx *tx, struct arena *a, int64_t org, const char *niss,
    struct user_prefill *out);

#endif
