/* subdept.h — sub-departments of an organisation (issue 16 part 4, docs/subdepartments.md):
 * the GAP and co-GAPs create, rename and remove them (optionally anchored on one of the
 * enterprise's KBO establishment units, nested under another), appoint their local managers
 * per quality and move people between them; a sub-department's managers add its users and
 * change their grants, never another sub-department's. Each operation is one transaction
 * with its audit event; a refusal is audited and changes nothing. */
#ifndef PORTIER_ACCESS_SUBDEPT_H
#define PORTIER_ACCESS_SUBDEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "access/quality.h"
#include "base/arena.h"
#include "store/store.h"

#define SUBDEPT_NAME_MAX 100      /* characters */
#define SUBDEPT_MEMBERS_MAX 1000  /* members read for the page and the hierarchy */

/* A sub-department, in tree order (a parent before its children). Texts in the arena. */
struct subdept_row {
	int64_t id, parent_id, version, members, children;
	const char *name;
	const char *establishment;   /* 10 digits, or "" */
	int depth;                   /* 0: directly under the organisation */
};

/* A member of a sub-department within an activated quality. */
struct subdept_member_row {
	int64_t subdept_id, quality, account_id;
	const char *type;            /* GL, COGL, USER: the role in the sub-department */
	const char *username, *status, *last_name, *first_name;
	const char *apps;            /* application codes separated by spaces */
	bool may_manage;             /* the one acting may change this member's grants */
};

/* An establishment unit of the enterprise in the registry (for the form). */
struct subdept_unit {
	const char *number;          /* 10 digits */
	const char *name;            /* its denomination, or "" */
};

/* An activated quality of the organisation, in the reader's language. */
struct subdept_quality {
	int64_t id;
	const char *code, *name;
	struct app_info *apps;       /* its secured applications, in the reader's language */
	size_t napps;
};

struct subdept_view {
	struct org org;
	struct subdept_row *rows;
	size_t n;
	struct subdept_member_row *members;   /* those the one acting may see */
	size_t nmembers;
	struct subdept_quality *qualities;
	size_t nqualities;
	struct subdept_unit *units;
	size_t nunits;
	bool may_shape;              /* GAP, co-GAP: create, rename, remove, appoint, move */
	/* (quality, sub-department) pairs where the one acting may add users */
	struct {
		int64_t quality, subdept;
	} *addable;
	size_t naddable;
};

/* The sub-departments page (its managers and users, the forms each may use): the GAP,
 * co-GAPs and organisation-level managers see every sub-department's members of the
 * qualities they manage, a sub-department's manager those of their own. Others: refused
 * (audited). */
enum access_rc subdept_read(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct subdept_view *out);

/* The creation form as typed (NULL = absent). */
struct subdept_input {
	const char *name;
	const char *establishment;   /* "" or an establishment unit number, dots allowed */
	const char *parent;          /* "" or a sub-department id of the organisation */
};
/* Creates a sub-department (POLICY_MANAGE_SUBDEPTS). Field errors: name, establishment,
 * parent. *id (may be NULL) receives it. */
enum access_rc subdept_create(struct store *s, const struct actor *who, int64_t org,
    const struct subdept_input *in, struct access_errors *err, int64_t *id);
/* Renames it, read at version (changed since: ACCESS_INVALID, the error at name). */
enum access_rc subdept_rename(struct store *s, const struct actor *who, int64_t org,
    int64_t id, int64_t version, const char *name, struct access_errors *err);
/* Removes it, read at version, when empty (no member, no sub-department under it; else,
 * or changed since, ACCESS_INVALID with the error at "subdept"). */
enum access_rc subdept_remove(struct store *s, const struct actor *who, int64_t org,
    int64_t id, int64_t version, struct access_errors *err);
/* Appoints the account of username as the sub-department's GL or COGL (type) in quality
 * (POLICY_APPOINT_SUBDEPT_GL): made a member of the quality when not yet; a former GL of
 * the sub-department becomes its user. Refused for the quality's organisation-level
 * managers. Field errors: username, type, quality. */
enum access_rc subdept_appoint(struct store *s, const struct actor *who, int64_t org,
    int64_t id, int64_t quality, const char *username, const char *type,
    struct access_errors *err);
/* Adds a user to the sub-department in quality (POLICY_SUBDEPT_USERS: its own managers,
 * the quality's, the GAP and co-GAPs): the person, the account and the member as
 * account_create does, with their grants. A person already in the quality is not moved
 * here (error at niss): moving is subdept_move's. *account (may be NULL) receives it. */
enum access_rc subdept_add_user(struct store *s, const struct actor *who, int64_t org,
    int64_t id, int64_t quality, const struct user_input *in, struct access_errors *err,
    int64_t *account);
/* Sets the grants of a member of a sub-department in quality to apps
 * (POLICY_SUBDEPT_USERS in the member's sub-department). Error at apps. */
enum access_rc subdept_set_grants(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account, const char *const *apps, size_t napps,
    struct access_errors *err);
/* Moves a member of quality to sub-department to (0: the organisation level) as a user
 * (POLICY_MOVE_SUBDEPT). Error at "to". */
enum access_rc subdept_move(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account, int64_t to, struct access_errors *err);

/* A sub-department the person acting manages (GL or COGL in some quality). */
struct subdept_managed {
	int64_t id;
	const char *name, *type;
};
/* The sub-departments who manages in org through an active account (their own roles, for
 * the home page: no policy), texts in a. */
enum access_rc subdept_managed_by(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct subdept_managed **out, size_t *n);

/* ---- for the other services of access/: inside the caller's transaction ---- */

/* Adds to actor (read by access_actor for person in org) the sub-departments they manage:
 * ROLE_SUB_GL and its managed_sub pairs. Returns 0 or -1. */
int subdept_actor(struct store_tx *tx, int64_t org, int64_t person, struct policy_actor *actor);
/* The name of the sub-department of account's membership of quality, in a; "" when at
 * the organisation level. Returns 0 or -1. */
int subdept_of_member(struct store_tx *tx, struct arena *a, int64_t quality, int64_t account,
    const char **name);

#endif
