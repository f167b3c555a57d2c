/* search.h — finding users: the list of one quality's users with the guide's filters and
 * pages, "Rechercher utilisateurs" across the qualities of an organisation that the one
 * acting manages, and the audit trail of an organisation or a quality. Read-only. */
#ifndef PORTIER_ACCESS_SEARCH_H
#define PORTIER_ACCESS_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "base/arena.h"
#include "store/store.h"

#define SEARCH_PAGE_MAX 200        /* rows on one page */
#define SEARCH_FILTER_MAX 100      /* bytes of one typed filter */

/* The filters of the guide, as typed (NULL or "" = any). Names and the user name match
 * by prefix, case-insensitively; type is GL, COGL or USER; status active or suspended;
 * application an application code. */
struct user_filter {
	const char *last_name, *first_name, *username, *type, *niss, *status, *application;
};

/* One user of one quality (a person in two qualities gives two rows). */
struct user_row {
	int64_t account_id, person_id, quality, version;
	const char *last_name, *first_name, *username, *type, *status;
	const char *niss;              /* 11 digits */
	const char *quality_name;
	struct account_data data;      /* the account's own data */
	const char *created_at, *modified_at;
	const char *apps;              /* application codes separated by spaces */
};

struct user_page {
	struct org org;
	struct user_row *rows;
	size_t n;
	int64_t total;                 /* rows matching the filters */
	int page, pages;               /* 1-based page shown, number of pages */
	size_t nqualities;             /* qualities searched */
	bool org_manager;              /* the one acting is GAP or co-GAP of org */
};

/* The users of quality (0: every quality of org whose users the one acting manages),
 * filtered, page (1-based) of per rows, in name order. Strings in a. ACCESS_INVALID with
 * err when a filter is malformed (NISS). */
enum access_rc search_users(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct user_filter *f, int page, int per, struct arena *a,
    struct user_page *out, struct access_errors *err);

/* ---- for export.c: inside the caller's read transaction ---- */

/* A prepared search: the qualities and the filters, validated. */
struct search_plan;
/* Opens *tx (mode: STORE_READ, or STORE_READ_LONG for an export streamed row by row),
 * checks the policy (action: POLICY_MANAGE_USERS for lists, POLICY_EXPORT_USERS for the
 * export) for quality or every managed quality, validates f. *out lives in a. On
 * ACCESS_DENIED, tx has been ended (see access_refuse). */
enum access_rc search_plan(struct store *s, enum store_mode mode, struct store_tx **tx,
    const struct actor *who, int64_t org, int64_t quality, enum policy_action action,
    const struct user_filter *f, struct arena *a, struct search_plan **out,
    struct access_errors *err);
/* Calls fn for every matching row in name order (the row's strings live until fn
 * returns); stops when fn returns non-zero. Returns the number of rows, or -1. */
int64_t search_each(struct store_tx *tx, const struct search_plan *p,
    int (*fn)(void *arg, const struct user_row *row), void *arg);
/* The same rows one at a time (a streamed export): search_rows_open prepares them in tx,
 * search_rows_next gives 1 (row filled; its strings live until the next call), 0 at
 * the end or -1; the caller ends with store_done(q). */
int search_rows_open(struct store_tx *tx, const struct search_plan *p, struct store_q **q);
int search_rows_next(struct store_q *q, const struct search_plan *p, struct user_row *row);

/* ---- the audit trail ---- */

struct audit_filter {
	const char *action;            /* exact action name */
	const char *person;            /* part of the actor's or the object person's name */
	const char *from, *to;         /* dates YYYY-MM-DD, inclusive */
};

struct audit_row {
	int64_t seq;
	const char *at, *actor, *actor_name, *actor_role, *action, *object, *object_name;
	const char *details;           /* JSON object */
};

struct audit_page {
	struct org org;
	struct audit_row *rows;
	size_t n;
	int64_t total;
	int page, pages;
	const char **actions;          /* actions present in the organisation's trail */
	size_t nactions;
};

/* The audit trail of org (quality 0) or of one of its qualities, newest first. */
enum access_rc search_audit(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, int page, int per, struct arena *a,
    struct audit_page *out, struct access_errors *err);
/* Calls fn for every event of the trail (all pages), newest first. Returns the count or
 * -1; policy and filters as search_audit. */
enum access_rc search_audit_each(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, struct access_errors *err,
    int (*fn)(void *arg, const struct audit_row *row), void *arg, int64_t *count);
/* The same events one at a time: opens a read transaction *tx (policy and filters as
 * search_audit; a's strings must live as long) with the trail's query *q; then
 * search_audit_next gives 1 (row filled, its strings in row_arena), 0 at the end or -1.
 * The caller ends with store_done(*q) and store_rollback(*tx). */
enum access_rc search_audit_open(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct audit_filter *f, struct arena *a, struct store_tx **tx,
    struct store_q **q, struct access_errors *err);
int search_audit_next(struct store_q *q, struct arena *row_arena, struct audit_row *row);

#endif
