/* policy.c — the permission table of the product design (§2) and the rules around it: suspended
 * accounts act on nothing, local managers only in their own quality, the GAP designation
 * only with eID, nobody acts on someone above them (the GAP, a co-GAP). */
#include "policy/policy.h"

/* One row per action: which roles may, and which only within their own quality, or only
 * within their own sub-department of a quality. */
struct rule {
	const char *name;
	unsigned roles;          /* roles allowed outright */
	unsigned own_quality;    /* roles allowed only for a quality they manage */
	enum loa min_level;
	unsigned own_subdept;    /* ROLE_SUB_GL: only for a (quality, sub-department) managed */
};

static const struct rule table[POLICY__ACTIONS] = {
	[POLICY_DESIGNATE_GAP] = { "designate_gap", ROLE_LEGAL_REP, 0, LOA_HIGH, 0 },
	[POLICY_MANAGE_COGAPS] = { "manage_cogaps", ROLE_GAP, 0, LOA_LOW, 0 },
	[POLICY_ACTIVATE_QUALITY] = { "activate_quality", ROLE_GAP | ROLE_COGAP, 0, LOA_LOW, 0 },
	[POLICY_DESIGNATE_COGL] = { "designate_cogl", ROLE_GAP | ROLE_COGAP, ROLE_GL, LOA_LOW, 0 },
	[POLICY_MANAGE_USERS] = { "manage_users", ROLE_GAP | ROLE_COGAP, ROLE_GL | ROLE_COGL,
	    LOA_LOW, 0 },
	[POLICY_EXPORT_USERS] = { "export_users", ROLE_GAP | ROLE_COGAP, ROLE_GL | ROLE_COGL,
	    LOA_LOW, 0 },
	[POLICY_READ_AUDIT] = { "read_audit", ROLE_GAP | ROLE_COGAP | ROLE_HELPDESK,
	    ROLE_GL | ROLE_COGL, LOA_LOW, 0 },
	[POLICY_CHANGE_OWN_DATA] = { "change_own_data", ROLE_LEGAL_REP | ROLE_GAP | ROLE_COGAP |
	    ROLE_GL | ROLE_COGL | ROLE_USER | ROLE_HELPDESK, 0, LOA_LOW, 0 },
	[POLICY_DECIDE_EXCEPTION] = { "decide_exception", ROLE_HELPDESK, 0, LOA_LOW, 0 },
	/* Mandates bind the organisation to another one: its main managers decide, with
	 * eID, as for the GAP's own designation. Who serves is managing users: the
	 * mandatary's GAP, co-GAPs and the local managers of the mandate's quality there. */
	[POLICY_MANDATE_PROPOSE] = { "mandate_propose", ROLE_GAP | ROLE_COGAP, 0, LOA_HIGH, 0 },
	[POLICY_MANDATE_ACCEPT] = { "mandate_accept", ROLE_GAP | ROLE_COGAP, 0, LOA_HIGH, 0 },
	[POLICY_MANDATE_END] = { "mandate_end", ROLE_GAP | ROLE_COGAP, 0, LOA_HIGH, 0 },
	[POLICY_MANDATE_ASSIGN] = { "mandate_assign", ROLE_GAP | ROLE_COGAP,
	    ROLE_GL | ROLE_COGL, LOA_LOW, 0 },
	[POLICY_MANDATE_VIEW] = { "mandate_view", ROLE_GAP | ROLE_COGAP, ROLE_GL | ROLE_COGL,
	    LOA_LOW, 0 },
	[POLICY_CHANGE_ORG_ID] = { "change_org_identifier", ROLE_HELPDESK, 0, LOA_LOW, 0 },
	/* Sub-departments (docs/subdepartments.md): the GAP and co-GAPs shape them and name
	 * their managers; a quality's organisation-level GL/co-GLs stand above its
	 * sub-departments and manage their users too; a sub-department's GL/co-GLs only their
	 * own; moving someone between sub-departments is the GAP's (or a co-GAP's) alone. */
	[POLICY_MANAGE_SUBDEPTS] = { "manage_subdepts", ROLE_GAP | ROLE_COGAP, 0, LOA_LOW, 0 },
	[POLICY_APPOINT_SUBDEPT_GL] = { "appoint_subdept_gl", ROLE_GAP | ROLE_COGAP, 0,
	    LOA_LOW, 0 },
	[POLICY_SUBDEPT_USERS] = { "subdept_users", ROLE_GAP | ROLE_COGAP, ROLE_GL | ROLE_COGL,
	    LOA_LOW, ROLE_SUB_GL },
	[POLICY_MOVE_SUBDEPT] = { "move_subdept", ROLE_GAP | ROLE_COGAP, 0, LOA_LOW, 0 },
	/* "Gestion du certificat" and "Messages structurés" (issue 15): the managers of the
	 * organisation and the local managers of the quality, at the level of their other
	 * management actions. */
	[POLICY_MANAGE_SYSTEM_CERTS] = { "manage_system_certs", ROLE_GAP | ROLE_COGAP,
	    ROLE_GL | ROLE_COGL, LOA_LOW, 0 },
	[POLICY_MANAGE_CHANNELS] = { "manage_channels", ROLE_GAP | ROLE_COGAP,
	    ROLE_GL | ROLE_COGL, LOA_LOW, 0 },
};

static bool
manages(const struct policy_actor *who, int64_t quality)
{
	for (size_t i = 0; i < who->nmanaged && i < POLICY_MAX_QUALITIES; i++)
		if (who->managed[i] == quality)
			return true;
	return false;
}

static bool
manages_sub(const struct policy_actor *who, int64_t quality, int64_t subdept)
{
	for (size_t i = 0; i < who->nmanaged_sub && i < POLICY_MAX_QUALITIES; i++)
		if (who->managed_sub[i].quality == quality && who->managed_sub[i].subdept == subdept)
			return true;
	return false;
}

/* The organisation's hierarchy: the GAP (2) above the co-GAPs (1) above everyone else (0).
 * Local managers rank within a quality, which the table's own_quality rule covers. */
static int
rank(unsigned roles)
{
	return roles & ROLE_GAP ? 2 : roles & ROLE_COGAP ? 1 : 0;
}

static unsigned
target_roles(const struct policy_target *what)
{
	return what->target_roles | (what->target_is_gap ? (unsigned)ROLE_GAP : 0u);
}

enum policy_reason
policy_check(enum policy_action a, const struct policy_actor *who,
    const struct policy_target *what)
{
	const struct rule *r;
	bool by_role, by_quality, by_subdept;

	if ((int)a < 0 || a >= POLICY__ACTIONS)
		return POLICY_NO_ROLE;
	r = &table[a];
	if (who->suspended)
		return POLICY_SUSPENDED;
	if (a == POLICY_CHANGE_OWN_DATA) {
		/* Everyone may change their own data, and only their own. */
		return what->own_data ? POLICY_ALLOWED : POLICY_NOT_OWN;
	}
	by_role = (who->roles & r->roles) != 0;
	by_quality = !by_role && (who->roles & r->own_quality) != 0 &&
	    what->quality != 0 && manages(who, what->quality);
	/* A sub-department's manager acts only in that very sub-department of that quality:
	 * never at the organisation level, never in a sibling (or nested) one. */
	by_subdept = !by_role && !by_quality && (who->roles & r->own_subdept) != 0;
	if (!by_role && !by_quality && !by_subdept)
		return (who->roles & r->own_quality) != 0 ? POLICY_OTHER_QUALITY : POLICY_NO_ROLE;
	if (by_subdept && (what->quality == 0 || what->subdept == 0 ||
	    !manages_sub(who, what->quality, what->subdept)))
		return POLICY_OTHER_SUBDEPT;
	/* The GAP is the top: acting on the GAP is then acting on oneself. */
	if (a != POLICY_DESIGNATE_GAP && rank(target_roles(what)) > 0 &&
	    !(who->roles & ROLE_GAP) && rank(who->roles) <= rank(target_roles(what)))
		return target_roles(what) & ROLE_GAP ? POLICY_TARGET_GAP : POLICY_TARGET_ABOVE;
	/* A mandate is accepted by the side that did not propose it; only the mandatary
	 * chooses who serves under it. */
	if ((a == POLICY_MANDATE_ACCEPT || a == POLICY_MANDATE_ASSIGN) && what->wrong_side)
		return POLICY_WRONG_SIDE;
	if (who->level < r->min_level)
		return POLICY_LEVEL;
	return POLICY_ALLOWED;
}

const char *
policy_action_name(enum policy_action a)
{
	if ((int)a < 0 || a >= POLICY__ACTIONS)
		return "unknown";
	return table[a].name;
}

const char *
policy_reason_name(enum policy_reason r)
{
	static const char *const names[] = {
		[POLICY_ALLOWED] = "allowed", [POLICY_NO_ROLE] = "no_role",
		[POLICY_OTHER_QUALITY] = "other_quality", [POLICY_SUSPENDED] = "suspended",
		[POLICY_LEVEL] = "level", [POLICY_TARGET_GAP] = "target_gap",
		[POLICY_NOT_OWN] = "not_own", [POLICY_TARGET_ABOVE] = "target_above",
		[POLICY_WRONG_SIDE] = "wrong_side",
		[POLICY_OTHER_SUBDEPT] = "other_subdept",
		[POLICY_OUT_OF_SCOPE] = "insufficient_scope",
	};

	if ((int)r < 0 || (size_t)r >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[r];
}
