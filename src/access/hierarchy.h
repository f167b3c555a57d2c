/* hierarchy.h — who manages what in an organisation: the entities and roles of a person
 * (the home of access management), the GAP and co-GAPs ("Co-Responsable des Accès"), the
 * organisation's contact data, the chain GAP → co-GAPs → qualities → local managers →
 * users ("Fonctions et hiérarchie de responsabilité"), and one's own personal data. */
#ifndef PORTIER_ACCESS_HIERARCHY_H
#define PORTIER_ACCESS_HIERARCHY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "base/arena.h"
#include "mail/mail.h"
#include "store/store.h"

#define HIERARCHY_USERS_MAX 50     /* users shown per quality in the diagram */

/* A role of a person in an organisation, as a link of the home page. */
struct role_link {
	const char *role;          /* GAP, COGAP, GL, COGL, USER */
	int64_t quality;           /* activated quality (0 for GAP/COGAP) */
	const char *quality_name;
	bool suspended;            /* their account there is suspended */
};

/* An organisation where the person holds a role. */
struct person_org {
	int64_t id;
	const char *enterprise;    /* 10 digits or "" */
	const char *name;
	const char *id_type, *id_value;   /* its identifier (access/org_id.h) */
	struct role_link *links;
	size_t nlinks;
};

/* The organisations of the person acting, each with their roles. Strings in a. */
enum access_rc hierarchy_orgs(struct store *s, const struct actor *who, struct arena *a,
    struct person_org **out, size_t *n);

/* A main access manager. */
struct manager_row {
	int64_t person_id;
	const char *role;          /* GAP or COGAP */
	const char *since, *last_name, *first_name;
	const char *niss;          /* 11 digits or "" */
};

struct managers_view {
	struct org org;
	struct manager_row *rows;  /* the GAP first */
	size_t n;
	bool may_change;           /* the one acting may add and remove co-GAPs */
};

/* The GAP and co-GAPs of org read in tx, the GAP first (the caller checked its policy).
 * *rows in a. Returns their count, or -1. */
int hierarchy_manager_rows(struct store_tx *tx, struct arena *a, int64_t org,
    struct manager_row **rows);

/* An organisation the person manages. */
struct managed_org {
	int64_t id;
	const char *enterprise;    /* 10 digits or "" */
	const char *name, *role, *since;
	const char *id_type, *id_value;   /* its identifier (access/org_id.h) */
};
/* The organisations where person is GAP or co-GAP, with since when (their own list: no
 * policy; at most 200). *out in a. */
enum access_rc hierarchy_managed_orgs(struct store *s, int64_t person, struct arena *a,
    struct managed_org **out, size_t *n);

/* The GAP and co-GAPs (read by GAP and co-GAPs: POLICY_ACTIVATE_QUALITY). */
enum access_rc hierarchy_managers(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct managers_view *out);
/* The co-GAP form as typed (NULL = the form does not ask it). */
struct cogap_input {
	const char *niss;
	const char *last_name;     /* asked by /csam: must then match the register's name */
	const char *email;         /* where the new co-GAP is told */
};
/* The one co-GAP designation, for /acces and /csam: only the GAP may
 * (POLICY_MANAGE_COGAPS; a refusal is audited); the NISS valid, the person known to
 * portier or created from the persons register; a last name, when the form asks it, the
 * register's; an e-mail address, which receives the mail (mail/). Audited
 * ("org.cogap.add", "person.create"). Returns ACCESS_OK, ACCESS_INVALID (err: niss,
 * last_name, email), ACCESS_DENIED, ACCESS_NOT_FOUND or ACCESS_ERROR. */
enum access_rc hierarchy_cogap_add(struct store *s, const struct mail_texts *mt,
    const struct actor *who, int64_t org,
    const struct cogap_input *in, struct access_errors *err);
/* Removes a co-GAP (POLICY_MANAGE_COGAPS; the GAP is not a co-GAP and stays). */
enum access_rc hierarchy_cogap_remove(struct store *s, const struct actor *who,
    int64_t org, int64_t person, struct access_errors *err);
/* Reads the organisation (GAP and co-GAPs: POLICY_ACTIVATE_QUALITY), its texts in a. */
enum access_rc hierarchy_org(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct org *out);
/* Changes its contact e-mail and phone (GAP and co-GAPs). */
enum access_rc hierarchy_org_update(struct store *s, const struct actor *who, int64_t org,
    const char *email, const char *phone, struct access_errors *err);

/* One user in the diagram. */
struct tree_user {
	int64_t account_id;
	const char *type, *last_name, *first_name, *username, *status;
	const char *apps;          /* application codes separated by spaces */
};

struct tree_quality {
	int64_t id;
	const char *name;
	struct tree_user *users;   /* GL, co-GLs, then users, at most HIERARCHY_USERS_MAX */
	size_t n;
	int64_t total;             /* members of the quality */
};

struct hierarchy_view {
	struct org org;
	struct manager_row *managers;   /* GAP and co-GAPs */
	size_t nmanagers;
	struct tree_quality *qualities; /* those the one acting may see */
	size_t nqualities;
};

/* The chain of responsibility: GAP and co-GAPs see every quality, local managers theirs
 * (POLICY_MANAGE_USERS per quality). */
enum access_rc hierarchy_tree(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct hierarchy_view *out);

/* "Modifier mes données personnelles": the person's own record and, with org, their
 * account there. Texts whole in the reader's arena ("" when not set). */
struct own_data {
	const char *niss;
	const char *last_name;
	const char *first_name;
	const char *language;
	const char *email;
	bool has_account;          /* an account in the organisation asked */
	int64_t account_id, version;
	const char *username;
	struct account_data account;   /* that account's own data */
};

/* Reads one's own data (POLICY_CHANGE_OWN_DATA; org 0: the person only), texts in a. */
enum access_rc hierarchy_own_get(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct own_data *out);
/* The error field of an account data field on the own-data page: "account_email" and
 * "account_language" (the person's own e-mail and language take "email", "language"). */
const char *hierarchy_own_error_field(const char *name);
/* Saves it: the person's e-mail and language; with an account in org, its title,
 * language, e-mails (read at version). */
enum access_rc hierarchy_own_update(struct store *s, const struct actor *who,
    int64_t org, const char *email, const char *language, const struct user_input *account,
    int64_t version, struct access_errors *err);

#endif
