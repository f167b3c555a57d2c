/* policy.h — who may do what: the permission table of the product design (§2), in one place.
 * Pure code: services describe the actor and the target, the table answers. */
#ifndef PORTIER_POLICY_H
#define PORTIER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/loa.h"

enum policy_action {
	POLICY_DESIGNATE_GAP,       /* designate or replace the GAP (standard procedure, eID only) */
	POLICY_MANAGE_COGAPS,       /* designate / remove co-GAPs */
	POLICY_ACTIVATE_QUALITY,    /* activate a quality, designate its GL */
	POLICY_DESIGNATE_COGL,      /* designate co-GLs of a quality */
	POLICY_MANAGE_USERS,        /* add, change, suspend, delete users and their grants */
	POLICY_EXPORT_USERS,        /* export a quality's users (CSV) */
	POLICY_READ_AUDIT,          /* read the organisation's audit trail */
	POLICY_CHANGE_OWN_DATA,     /* change own personal data, password, second factors */
	POLICY_DECIDE_EXCEPTION,    /* decide exception requests */
	/* issue 16, mandates between organisations (docs/mandates.md): the organisation acted
	 * for is the side the actor belongs to (mandator or mandatary) */
	POLICY_MANDATE_PROPOSE,     /* propose a mandate to another organisation (eID) */
	POLICY_MANDATE_ACCEPT,      /* accept or refuse the other side's proposal (eID) */
	POLICY_MANDATE_END,         /* end a proposed or active mandate, either side (eID) */
	POLICY_MANDATE_ASSIGN,      /* the mandatary: who serves under it, with which apps */
	POLICY_MANDATE_VIEW,        /* read the organisation's mandates and their history */
	POLICY_CHANGE_ORG_ID,       /* change the identifier of an organisation without an
	                             * enterprise number (helpdesk only, issue 16 part 5) */
	/* sub-departments (issue 16 part 4, docs/subdepartments.md) */
	POLICY_MANAGE_SUBDEPTS,     /* create, rename, remove a sub-department */
	POLICY_APPOINT_SUBDEPT_GL,  /* appoint a sub-department's GL or co-GLs of a quality */
	POLICY_SUBDEPT_USERS,       /* add users to a sub-department, change their grants */
	POLICY_MOVE_SUBDEPT,        /* move a member between sub-departments (or levels) */
	POLICY_MANAGE_SYSTEM_CERTS, /* register, renew, revoke a quality's system certificates */
	POLICY_MANAGE_CHANNELS,     /* register a quality's channels of "Messages structurés" */
	POLICY__ACTIONS
};

/* Roles an actor may hold with respect to one organisation (and the platform). */
enum policy_role {
	ROLE_LEGAL_REP = 1 << 0,    /* current legal representative (from the registry) */
	ROLE_GAP = 1 << 1,
	ROLE_COGAP = 1 << 2,
	ROLE_GL = 1 << 3,           /* of the qualities listed in managed[] */
	ROLE_COGL = 1 << 4,         /* of the qualities listed in managed[] */
	ROLE_USER = 1 << 5,
	ROLE_HELPDESK = 1 << 6,     /* platform role, not tied to an organisation */
	ROLE_SUB_GL = 1 << 7,       /* GL or co-GL of the sub-departments in managed_sub[] */
};

#define POLICY_MAX_QUALITIES 64

/* The one acting: their roles in the target's organisation, the qualities they manage
 * there as GL or co-GL, whether their account is suspended, their session's level. */
struct policy_actor {
	unsigned roles;
	int64_t managed[POLICY_MAX_QUALITIES];   /* activated-quality ids managed as GL/co-GL */
	size_t nmanaged;
	/* (activated quality, sub-department) pairs managed as a sub-department's GL/co-GL */
	struct {
		int64_t quality, subdept;
	} managed_sub[POLICY_MAX_QUALITIES];
	size_t nmanaged_sub;
	bool suspended;
	enum loa level;
};

/* What is acted on: the activated quality (0 when the action is about the organisation
 * as a whole) and, for actions on a person other than the actor, that person's roles in
 * the organisation: nobody acts on someone above them (the GAP above the co-GAPs, both
 * above everyone else). target_is_gap says ROLE_GAP alone. */
struct policy_target {
	int64_t quality;
	bool target_is_gap;
	unsigned target_roles;      /* ROLE_GAP, ROLE_COGAP of the person acted on; 0: none */
	bool own_data;              /* CHANGE_OWN_DATA: the data is the actor's own */
	bool wrong_side;            /* MANDATE_ACCEPT: the actor's organisation proposed it;
	                             * MANDATE_ASSIGN: the actor's is the mandator */
	int64_t subdept;            /* the sub-department acted in (0: the organisation level) */
};

/* Why an action is refused (for logs and audit; the page says only "Accès refusé"). */
enum policy_reason {
	POLICY_ALLOWED = 0,
	POLICY_NO_ROLE,             /* none of the actor's roles may do this */
	POLICY_OTHER_QUALITY,       /* a GL/co-GL acting outside their own quality */
	POLICY_SUSPENDED,           /* the actor's account is suspended */
	POLICY_LEVEL,               /* the session's level is too low (eID required) */
	POLICY_TARGET_GAP,          /* only the GAP may act on the GAP */
	POLICY_NOT_OWN,             /* personal data of someone else */
	POLICY_TARGET_ABOVE,        /* the person acted on is above the actor (a co-GAP) */
	POLICY_WRONG_SIDE,          /* a mandate's step that belongs to the other organisation */
	POLICY_OTHER_SUBDEPT,       /* a sub-department's manager outside their sub-department */
	POLICY_OUT_OF_SCOPE,        /* never from the table: a machine's token does not reach
	                             * the quality or application asked (the API's own check
	                             * before the table's, audited under this name) */
};

/* Decides; returns POLICY_ALLOWED or why not. */
enum policy_reason policy_check(enum policy_action a, const struct policy_actor *who,
    const struct policy_target *what);
/* Short English names for audit details ("designate_gap", "other_quality" …). */
const char *policy_action_name(enum policy_action a);
const char *policy_reason_name(enum policy_reason r);

#endif
