/* audit.c — `portier audit verify`: walks the hash chain of audit events and reports
 * the first broken or missing one; `portier audit list`: prints events as JSON lines. */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/arena.h"
#include "store/store.h"

#define MAX_ACTIONS 16

static const char usage[] =
    "usage: portier audit verify [--db PATH] [--config FILE]\n"
    "       portier audit list [--action ACTION …] [--db PATH] [--config FILE]\n"
    "\n"
    "verify recomputes the hash chain of the audit trail. Exit status: 0 intact,\n"
    "1 broken (the first broken or missing event is named), 2 usage or database error.\n"
    "list prints the events, oldest first, one JSON object a line (seq, at, actor,\n"
    "actor_role, org, object, action, details, source, request_id). --action keeps\n"
    "only that action; ending in '*' (login.eid.*) it keeps every action starting so;\n"
    "it may be repeated (up to 16). Exit status: 0 listed, 2 usage or database error.\n";

/* What list keeps and where it writes. */
struct list_ctx {
	const char *actions[MAX_ACTIONS];
	size_t nactions;
	bool failed;
};

/* True when action is kept by the --action filters (none: every action). */
static bool
action_kept(const struct list_ctx *l, const char *action)
{
	if (l->nactions == 0)
		return true;
	for (size_t i = 0; i < l->nactions; i++) {
		const char *want = l->actions[i];
		size_t n = strlen(want);

		if (n > 0 && want[n - 1] == '*') {
			if (strncmp(action, want, n - 1) == 0)
				return true;
		} else if (strcmp(action, want) == 0) {
			return true;
		}
	}
	return false;
}

/* Sets key to the string s, or to null when s is NULL. Returns 0 or -1. */
static int
set_text(json_t *o, const char *key, const char *s)
{
	return json_object_set_new(o, key, s ? json_string(s) : json_null());
}

/* Prints one event as a JSON line when its action is kept. */
static int
list_one(void *ctx, int64_t seq, const char *at, const struct audit_event *ev)
{
	struct list_ctx *l = ctx;
	json_t *o, *details;
	int rc = 0;

	if (ev->action == NULL || !action_kept(l, ev->action))
		return 0;
	o = json_object();
	details = ev->details ? json_loads(ev->details, 0, NULL) : json_object();
	if (o == NULL || details == NULL ||
	    json_object_set_new(o, "seq", json_integer(seq)) != 0 ||
	    set_text(o, "at", at) != 0 || set_text(o, "actor", ev->actor) != 0 ||
	    set_text(o, "actor_role", ev->actor_role) != 0 ||
	    set_text(o, "org", ev->org) != 0 || set_text(o, "object", ev->object) != 0 ||
	    set_text(o, "action", ev->action) != 0 ||
	    json_object_set(o, "details", details) != 0 ||
	    set_text(o, "source", ev->source) != 0 ||
	    set_text(o, "request_id", ev->request_id) != 0 ||
	    json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) != 0 ||
	    fputc('\n', stdout) == EOF) {
		l->failed = true;
		rc = 1;
	}
	json_decref(details);
	json_decref(o);
	return rc;
}

/* Lists the events kept by l. Returns the exit status. */
static int
list_events(struct store *s, struct list_ctx *l)
{
	if (audit_each(s, list_one, l) != 0 || l->failed || fflush(stdout) != 0) {
		fprintf(stderr, "portier: cannot list the audit trail\n");
		return 2;
	}
	return 0;
}

/* Verifies the chain of s. Returns the exit status. */
static int
verify_chain(struct store *s, const char *db)
{
	struct audit_report rep;
	struct arena *a = arena_new(0);
	int rc = a != NULL ? audit_verify(s, a, &rep) : -1;

	if (rc < 0)
		fprintf(stderr, "portier: cannot read the audit trail of %s\n", db);
	else if (rc == 1)
		printf("audit chain BROKEN at event %" PRId64 ": %s (%" PRId64 " events read)\n",
		    rep.first_bad, rep.reason, rep.events);
	else
		printf("audit chain intact: %" PRId64 " events\n", rep.events);
	arena_free(a);
	return rc < 0 ? 2 : rc == 1 ? 1 : 0;
}

int
cmd_audit(int argc, char **argv)
{
	struct list_ctx l = { .nactions = 0, .failed = false };
	const struct cmd_opt opts[] = {
		{ .name = "action", .many = l.actions, .nmany = &l.nactions, .maxmany = MAX_ACTIONS },
	};
	struct config c;
	struct store *s;
	char *pos[1];
	int npos, rc;

	/* Our own options first; the rest are the common settings (--db, --config …). */
	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1,
	    &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	for (size_t i = 0; i < l.nactions; i++)
		if (l.actions[i][0] == '\0') {
			fputs(usage, stderr);
			return 2;
		}
	if (npos != 1 || (strcmp(pos[0], "verify") != 0 && strcmp(pos[0], "list") != 0) ||
	    (l.nactions > 0 && strcmp(pos[0], "list") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	/* Both only read: no migrations, so that a copy can be checked as it is; a missing
	 * file is not created. */
	if (open_store_existing(&c, &s) != 0)
		return 2;
	if (strcmp(pos[0], "list") == 0)
		rc = list_events(s, &l);
	else
		rc = verify_chain(s, store_label(c.db));
	store_close(s);
	return rc;
}
