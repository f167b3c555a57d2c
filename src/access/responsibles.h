/* responsibles.h — "Vos Responsables": for each quality of each organisation where the
 * person acting is a member, and each organisation they manage as GAP or co-GAP, who
 * manages their access there, with contact data. */
#ifndef PORTIER_ACCESS_RESPONSIBLES_H
#define PORTIER_ACCESS_RESPONSIBLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "base/arena.h"
#include "store/store.h"

/* A manager: GAP, COGAP (of the organisation), GL or COGL (of the quality). */
struct responsible {
	const char *role, *last_name, *first_name, *email;
	int64_t person_id;
	bool self;                 /* the person acting (a GL sees themselves among the GLs) */
};

/* One quality of one organisation where the person is a member. */
struct responsible_quality {
	int64_t org_id, quality_id;
	const char *org_name;
	const char *enterprise;    /* 10 digits or "" */
	const char *foreign_reg;   /* when there is no enterprise number */
	const char *id_type, *id_value;   /* the identifier (access/org_id.h) */
	const char *quality_name;  /* in the person's language */
	const char *quality_email; /* the quality's contact address */
	const char *member_type;   /* the person's own: USER, GL or COGL */
	const char *status;        /* of their account: active or suspended */
	const char *org_email, *org_phone;
	struct responsible *local; /* GL first, then co-GLs (active accounts) */
	size_t nlocal;
	struct responsible *main;  /* GAP first, then co-GAPs */
	size_t nmain;
};

/* One organisation the person manages as GAP or co-GAP: their access there is managed
 * by the GAP and co-GAPs (the GAP is designated by the legal representative). */
struct responsible_org {
	int64_t org_id;
	const char *org_name, *enterprise, *foreign_reg;
	const char *id_type, *id_value;   /* the identifier (access/org_id.h) */
	const char *role;          /* the person's own: GAP or COGAP */
	const char *org_email, *org_phone;
	struct responsible *main;  /* GAP first, then co-GAPs */
	size_t nmain;
};

/* The person's responsibles: the qualities where they are a member, the organisations
 * they manage. */
struct responsibles {
	struct responsible_quality *q;
	size_t nq;
	struct responsible_org *org;
	size_t norg;
};

/* The person's own responsibles (POLICY_CHANGE_OWN_DATA: their own data; nothing of an
 * organisation where they are neither a member nor a manager). Strings in a. */
enum access_rc responsibles_of(struct store *s, const struct actor *who, struct arena *a,
    struct responsibles *out);

#endif
