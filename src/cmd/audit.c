/* audit.c — `portier audit verify`: walks the hash chain of audit events, checks it against
 * the signed checkpoints and reports the first broken, missing or rewritten event; `list`
 * prints events as JSON lines; `keygen` and `checkpoint` manage the checkpoints. */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "audit/checkpoint.h"
#include "base/arena.h"
#include "store/store.h"

#define MAX_ACTIONS 16
#define MAX_CP_FILES 8

static const char usage[] =
    "usage: portier audit verify [--public-key FILE] [--checkpoints FILE …] [--db PATH]\n"
    "                            [--config FILE]\n"
    "       portier audit list [--action ACTION …] [--db PATH] [--config FILE]\n"
    "       portier audit keygen --out FILE [--public FILE]\n"
    "       portier audit checkpoint [--db PATH] [--config FILE]\n"
    "\n"
    "verify recomputes the hash chain of the audit trail and, with a checkpoint key\n"
    "(--public-key FILE, else the audit_checkpoint_key setting), checks it against the\n"
    "signed checkpoints of the database and of each --checkpoints file (else the\n"
    "audit_checkpoint_file setting). Exit status: 0 intact, 1 broken (the first broken or\n"
    "missing event is named), 2 usage or database error, 3 rewritten or cut (the chain\n"
    "disagrees with a signed checkpoint or ends before one: the first event after the\n"
    "last checkpoint that matched is named), 4 a checkpoint refused (not signed by the key).\n"
    "list prints the events, oldest first, one JSON object a line (seq, at, actor,\n"
    "actor_role, org, object, action, details, source, request_id). --action keeps\n"
    "only that action; ending in '*' (login.eid.*) it keeps every action starting so;\n"
    "it may be repeated (up to 16). Exit status: 0 listed, 2 usage or database error.\n"
    "keygen makes a checkpoint key in a new file (mode 0600) and its public half in\n"
    "--public FILE (for whoever verifies); set audit_checkpoint_key to the first.\n"
    "checkpoint signs the chain's head now (the server does it every\n"
    "audit_checkpoint_every events or audit_checkpoint_seconds seconds).\n";

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

/* What verify was given. */
struct verify_opts {
	const char *public_key;
	const char *files[MAX_CP_FILES];
	size_t nfiles;
};

/* Checkpoints read and sorted, with what was refused and where the latest ones are. */
struct cp_set {
	struct audit_cp_list ok;
	size_t refused;
	int64_t db_latest, file_latest;
	bool db_old;   /* the database predates the checkpoint table */
};

static int
cp_order(const void *x, const void *y)
{
	const struct audit_cp *a = x, *b = y;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Keeps the checkpoints of l signed by k (said for each refused one), noting the latest. */
static int
keep_signed(const struct audit_cp_key *k, const struct audit_cp_list *l, const char *from,
    struct cp_set *set, int64_t *latest)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!audit_cp_valid(k, &l->v[i])) {
			printf("checkpoint REFUSED: the one at event %" PRId64 " in %s is not signed "
			    "by the checkpoint key\n", l->v[i].seq, from);
			set->refused++;
			continue;
		}
		if (l->v[i].seq > *latest)
			*latest = l->v[i].seq;
		if (set->ok.n == set->ok.cap) {
			size_t cap = set->ok.cap ? set->ok.cap * 2 : 64;
			struct audit_cp *v = reallocarray(set->ok.v, cap, sizeof(*v));

			if (v == NULL)
				return -1;
			set->ok.v = v;
			set->ok.cap = cap;
		}
		set->ok.v[set->ok.n++] = l->v[i];
	}
	return 0;
}

/* Reads the checkpoints of the database and of the files, keeps the signed ones. 0, or -1
 * after saying why. */
static int
read_checkpoints(struct store *s, const struct audit_cp_key *k, const char *const *files,
    size_t nfiles, struct cp_set *set)
{
	struct audit_cp_list l = { 0 };
	char err[1200];
	int rc = audit_cp_read_db(s, &l);

	if (rc < 0 || (rc == 0 && keep_signed(k, &l, "the database", set, &set->db_latest) != 0)) {
		fprintf(stderr, "portier: cannot read the audit checkpoints of the database\n");
		audit_cp_list_free(&l);
		return -1;
	}
	set->db_old = rc == 1;
	for (size_t i = 0; i < nfiles; i++) {
		audit_cp_list_free(&l);
		if (audit_cp_read_file(files[i], &l, err, sizeof(err)) != 0 ||
		    keep_signed(k, &l, files[i], set, &set->file_latest) != 0) {
			fprintf(stderr, "portier: %s\n", err);
			audit_cp_list_free(&l);
			return -1;
		}
	}
	audit_cp_list_free(&l);
	if (set->ok.n > 0)
		qsort(set->ok.v, set->ok.n, sizeof(set->ok.v[0]), cp_order);
	return 0;
}

/* The key verify checks signatures with: --public-key, else the setting. 1 found, 0 none,
 * -1 after saying why. */
static int
verify_key(const struct config *c, const struct verify_opts *v, struct audit_cp_key *k)
{
	const char *path = v->public_key ? v->public_key :
	    c->audit_checkpoint_key[0] ? c->audit_checkpoint_key : NULL;
	char err[1200];

	if (path == NULL)
		return 0;
	if (audit_cp_key_load(path, k, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	return 1;
}

/* Says what the checkpoints showed beside the chain's verdict. */
static void
cp_notes(const struct cp_set *set, const struct audit_report *rep)
{
	if (set->db_old)
		printf("notice: this database has no checkpoint table yet (portier migrate)\n");
	if (set->db_latest < set->file_latest)
		printf("WARNING: the database's latest checkpoint (event %" PRId64 ") is older than "
		    "the checkpoint file's (event %" PRId64 "): checkpoints were removed from the "
		    "database, or it is an older copy\n", set->db_latest, set->file_latest);
	if (set->ok.n == 0 && rep->events > 0)
		printf("notice: no signed checkpoint covers this chain yet\n");
}

/* Verifies the chain of s, against the checkpoints when there is a key. Returns the exit
 * status. */
static int
verify_chain(struct store *s, const struct config *c, const struct verify_opts *v,
    const char *db)
{
	struct audit_report rep;
	struct audit_cp_key key;
	struct cp_set set = { 0 };
	const char *cfg_file[1] = { c->audit_checkpoint_file };
	struct arena *a = NULL;
	int haskey = verify_key(c, v, &key), rc = -1;

	if (haskey < 0)
		goto done;
	if (haskey == 0 && v->nfiles > 0) {
		fprintf(stderr, "portier: --checkpoints needs the key that signed them "
		    "(--public-key FILE or the audit_checkpoint_key setting)\n");
		goto done;
	}
	if (haskey == 1 && read_checkpoints(s, &key, v->nfiles ? v->files : cfg_file,
	    v->nfiles ? v->nfiles : cfg_file[0][0] ? 1 : 0, &set) != 0)
		goto done;
	a = arena_new(0);
	rc = a != NULL ? audit_verify_against(s, a, set.ok.v, set.ok.n, &rep) : -1;
	if (rc < 0)
		fprintf(stderr, "portier: cannot read the audit trail of %s\n", db);
	else if (rc == 1)
		printf("audit chain BROKEN at event %" PRId64 ": %s (%" PRId64 " events read)\n",
		    rep.first_bad, rep.reason, rep.events);
	else if (rc == 3)
		printf("audit chain REWRITTEN: the first event after the last good checkpoint is %"
		    PRId64 ": %s (%" PRId64 " events read)\n", rep.first_bad, rep.reason, rep.events);
	else
		printf("audit chain intact: %" PRId64 " events\n", rep.events);
	if (rc >= 0 && haskey == 1) {
		if (rep.checked > 0)
			printf("checkpoints: %" PRId64 " signed checkpoint(s) agree, the latest at event %"
			    PRId64 "\n", rep.checked, rep.last_good);
		cp_notes(&set, &rep);
	}
	if (rc >= 0 && haskey == 0)
		fprintf(stderr, "notice: no checkpoint key (--public-key FILE or audit_checkpoint_key): "
		    "only the chain's own hashes were checked, which whoever can write the database "
		    "can recompute (docs/audit.md)\n");
	if (rc == 0 && set.refused > 0)
		rc = 4;
done:
	arena_free(a);
	audit_cp_list_free(&set.ok);
	sodium_memzero(&key, sizeof(key));
	return rc < 0 ? 2 : rc;
}

/* `audit keygen`: a new key file and its public half. Returns the exit status. */
static int
keygen(const char *out, const char *pub)
{
	struct audit_cp_key k;
	char err[1200], text[128];
	int rc = 2;

	if (out == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	if (audit_cp_keygen(out, pub, &k, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		goto done;
	}
	audit_cp_pub_text(&k, text, sizeof(text));
	printf("audit checkpoint key written to %s (mode 0600); its public key:\n%s", out, text);
	rc = 0;
done:
	sodium_memzero(&k, sizeof(k));
	return rc;
}

/* `audit checkpoint`: signs the head now with the configured key. The exit status. */
static int
checkpoint_now(struct store *s, const struct config *c)
{
	struct audit_cp_key k;
	struct audit_cp cp;
	struct audit_cp_config cc = {
		.key = &k, .every = c->audit_checkpoint_every, .seconds = c->audit_checkpoint_seconds,
		.file = c->audit_checkpoint_file[0] ? c->audit_checkpoint_file : NULL,
	};
	char err[1200];
	int rc = 2;

	if (c->audit_checkpoint_key[0] == '\0') {
		fprintf(stderr, "portier: audit checkpoint needs the audit_checkpoint_key setting\n");
		return 2;
	}
	if (audit_cp_key_load(c->audit_checkpoint_key, &k, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: audit_checkpoint_key: %s\n", err);
		goto done;
	}
	if (!k.secret) {
		fprintf(stderr, "portier: audit_checkpoint_key: %s is a public key: it cannot "
		    "sign\n", c->audit_checkpoint_key);
		goto done;
	}
	switch (audit_checkpoint(s, &cc, (int64_t)time(NULL), true, &cp, err, sizeof(err))) {
	case 1:
		printf("checkpoint at event %" PRId64 " (%s)\n", cp.seq, cp.hash);
		rc = 0;
		break;
	case 0:
		printf("no new event since the last checkpoint\n");
		rc = 0;
		break;
	default:
		fprintf(stderr, "portier: audit checkpoint: %s\n", err);
	}
done:
	sodium_memzero(&k, sizeof(k));
	return rc;
}

/* True when the subcommand is one of ours and its options fit it. */
static bool
usage_ok(const char *cmd, size_t nactions, const struct verify_opts *v, const char *out,
    const char *pub)
{
	bool verify = strcmp(cmd, "verify") == 0, list = strcmp(cmd, "list") == 0,
	    gen = strcmp(cmd, "keygen") == 0, cp = strcmp(cmd, "checkpoint") == 0;

	if (!verify && !list && !gen && !cp)
		return false;
	if ((nactions > 0 && !list) || ((v->public_key || v->nfiles > 0) && !verify) ||
	    ((out || pub) && !gen))
		return false;
	for (size_t i = 0; i < v->nfiles; i++)
		if (v->files[i][0] == '\0')
			return false;
	return true;
}

int
cmd_audit(int argc, char **argv)
{
	struct list_ctx l = { .nactions = 0, .failed = false };
	struct verify_opts v = { 0 };
	const char *out = NULL, *pub = NULL;
	const struct cmd_opt opts[] = {
		{ .name = "action", .many = l.actions, .nmany = &l.nactions, .maxmany = MAX_ACTIONS },
		{ .name = "public-key", .value = &v.public_key },
		{ .name = "checkpoints", .many = v.files, .nmany = &v.nfiles, .maxmany = MAX_CP_FILES },
		{ .name = "out", .value = &out },
		{ .name = "public", .value = &pub },
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
	if (npos != 1 || !usage_ok(pos[0], l.nactions, &v, out, pub)) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(pos[0], "keygen") == 0)
		return keygen(out, pub);
	/* verify and list only read: no migrations, so that a copy can be checked as it is;
	 * a missing file is not created. */
	if (open_store_existing(&c, &s) != 0)
		return 2;
	if (strcmp(pos[0], "list") == 0)
		rc = list_events(s, &l);
	else if (strcmp(pos[0], "checkpoint") == 0)
		rc = checkpoint_now(s, &c);
	else
		rc = verify_chain(s, &c, &v, store_label(c.db));
	store_close(s);
	return rc;
}
