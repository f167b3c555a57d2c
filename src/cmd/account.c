/* account.c — `portier quality activate`, `portier account add|suspend|reactivate`: an
 * operator acts in the name of a manager (the organisation's GAP unless --as says who)
 * through the access service, with its policy, checks and audit events, exactly as the
 * manager would on /acces. The world-building of the test suites goes through here. */
#include "cmd/cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/account.h"
#include "access/org.h"
#include "access/quality.h"
#include "access/search.h"
#include "base/arena.h"
#include "cmd/opts.h"
#include "store/store.h"

static const char usage_quality[] =
    "usage: portier quality activate --org ID --quality CODE --email ADDRESS --gl NISS\n"
    "           --username NAME --user-email ADDRESS [--lang fr|nl|de|en] [--app CODE]…\n"
    "           [--as NISS] [--db PATH] [--config FILE]\n"
    "       portier quality list --org ID [--as NISS]\n"
    "\n"
    "Activates the catalogue quality CODE for organisation ID with its e-mail address and\n"
    "its local manager (GL), the person of --gl, who gets an account (user name, e-mail,\n"
    "language) and the applications of --app. The operator acts in the name of the\n"
    "organisation's GAP, or of the manager of --as: the access policy and the checks of\n"
    "the form at /acces apply and the audit names that manager (source cli).\n"
    "Prints \"quality ID account ID\" (the GL's account).\n"
    "list prints the organisation's active qualities as JSON lines (id, code, name, email,\n"
    "activated_at), as its GAP or co-GAP sees them (policy and audit as on /acces).\n"
    "Exit status: 0 done, 1 refused (policy, invalid value, already active), 2 usage or\n"
    "database error.\n";

static const char usage_account[] =
    "usage: portier account add --org ID --quality ID --niss NISS --username NAME\n"
    "           --email ADDRESS [--lang fr|nl|de|en] [--type USER|COGL] [--app CODE]…\n"
    "           [--last-name TEXT --first-name TEXT] [--as NISS] [--db PATH]\n"
    "       portier account suspend --org ID --quality ID --account ID [--as NISS]\n"
    "       portier account reactivate --org ID --quality ID --account ID [--as NISS]\n"
    "       portier account list --org ID [--quality ID] [--as NISS]\n"
    "\n"
    "add makes the person of NISS a user (or co-manager) of the activated quality ID with\n"
    "the applications of --app, as a manager does at /acces: the person and the account are\n"
    "created when needed (names from the persons register, else those given). suspend and\n"
    "reactivate change the account's status. The operator acts in the name of the\n"
    "organisation's GAP, or of the manager of --as: the access policy and the form's checks\n"
    "apply and the audit names that manager (source cli). add prints \"account ID\".\n"
    "list prints the users of the quality (of every quality the manager manages without\n"
    "--quality) as JSON lines, in name order: account, person, quality, version, niss,\n"
    "last_name, first_name, username, type, status, title, language, email, local_email,\n"
    "applications (NISS included: for the operator's terminal only).\n"
    "Exit status: 0 done, 1 refused (policy, invalid value, already there, unknown), 2\n"
    "usage or database error.\n";

/* Says why the access service refused; the exit status. */
static int
refused(enum access_rc rc, const struct access_errors *err)
{
	switch (rc) {
	case ACCESS_OK:
		return 0;
	case ACCESS_DENIED:
		fprintf(stderr, "portier: refused by the access policy\n");
		return 1;
	case ACCESS_NOT_FOUND:
		fprintf(stderr, "portier: no such organisation, quality or account\n");
		return 1;
	case ACCESS_EXISTS:
		fprintf(stderr, "portier: already so: nothing changed\n");
		return 1;
	case ACCESS_INVALID:
		for (size_t i = 0; err != NULL && i < err->n; i++)
			fprintf(stderr, "portier: %s: %s\n", err->e[i].field, err->e[i].msgid);
		if (err == NULL || err->n == 0)
			fprintf(stderr, "portier: invalid value\n");
		return 1;
	default:
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
}

/* The manager acting: the person of as_niss, else the GAP of org. 0, 1 or 2. */
static int
manager(struct store *s, int64_t org, const char *as_niss, int64_t *person)
{
	struct store_tx *tx;

	if (as_niss != NULL)
		return cmd_person_of(s, as_niss, person) == 0 ? 0 : 1;
	if (store_begin(s, STORE_READ, &tx) != 0) {
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	*person = org_gap(tx, org);
	store_rollback(&tx);
	if (*person < 0) {
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	if (*person == 0) {
		fprintf(stderr, "portier: organisation %lld has no GAP: say who acts (--as)\n",
		    (long long)org);
		return 1;
	}
	return 0;
}

/* The account of the person of niss in org (after an activation); 0 or -1. */
static int
account_of(struct store *s, int64_t org, const char *niss, int64_t *account)
{
	struct store_tx *tx;
	struct user_view v;
	struct arena *a;
	int64_t person;
	int rc;

	if (cmd_person_of(s, niss, &person) != 0 || (a = arena_new(1 << 16)) == NULL)
		return -1;
	if (store_begin(s, STORE_READ, &tx) != 0) {
		arena_free(a);
		return -1;
	}
	rc = account_of_person(tx, a, org, person, &v);
	store_rollback(&tx);
	arena_free(a);
	if (rc != 0)
		return -1;
	*account = v.account_id;
	return 0;
}

/* The options of both commands. */
struct args {
	const char *org, *quality, *email, *gl, *username, *user_email, *lang, *as, *niss;
	const char *type, *account, *last, *first;
	const char *apps[ACCESS_MAX_APPS];
	size_t napps;
	int64_t org_id, quality_id, account_id;
};

/* Parses argv into a; the positional word into *verb. 0, 1 (help given) or 2. */
static int
parse(int argc, char **argv, const char *usage, struct args *a, struct config *c,
    const char **verb)
{
	const struct cmd_opt opts[] = {
		{ .name = "org", .value = &a->org }, { .name = "quality", .value = &a->quality },
		{ .name = "email", .value = &a->email }, { .name = "gl", .value = &a->gl },
		{ .name = "username", .value = &a->username },
		{ .name = "user-email", .value = &a->user_email },
		{ .name = "lang", .value = &a->lang }, { .name = "as", .value = &a->as },
		{ .name = "niss", .value = &a->niss }, { .name = "type", .value = &a->type },
		{ .name = "account", .value = &a->account },
		{ .name = "last-name", .value = &a->last },
		{ .name = "first-name", .value = &a->first },
		{ .name = "app", .many = a->apps, .nmany = &a->napps, .maxmany = ACCESS_MAX_APPS },
	};
	char *pos[1];
	int npos, rc;

	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 1 : 2;
	if (npos != 1 || !cmd_opt_id("org", a->org, &a->org_id)) {
		fputs(usage, stderr);
		return 2;
	}
	*verb = pos[0];
	return 0;
}

/* The active qualities of org as the manager sees them, one JSON line each. */
static enum access_rc
list_qualities(struct store *s, const struct actor *who, int64_t org)
{
	struct arena *a = arena_new(0);
	struct entity_view v;
	enum access_rc rc;

	if (a == NULL)
		return ACCESS_ERROR;
	rc = quality_entity(s, who, org, a, &v);
	for (size_t i = 0; rc == ACCESS_OK && i < v.nactive; i++) {
		const struct quality_info *q = &v.active[i];
		json_t *j = json_pack("{s:I,s:s?,s:s?,s:s?,s:s?}", "id", (json_int_t)q->id,
		    "code", q->code, "name", q->name, "email", q->email, "activated_at",
		    q->activated_at);
		char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;

		if (line == NULL || printf("%s\n", line) < 0)
			rc = ACCESS_ERROR;
		free(line);
		json_decref(j);
	}
	arena_free(a);
	return rc;
}

int
cmd_quality(int argc, char **argv)
{
	struct args a = { 0 };
	struct access_errors err;
	struct activation_input in = { 0 };
	struct config c;
	struct actor who;
	struct store *s;
	const char *verb;
	int64_t person = 0, account = 0;
	bool again = false;
	int rc;

	rc = parse(argc, argv, usage_quality, &a, &c, &verb);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (strcmp(verb, "list") == 0) {
		if (open_store(&c, &s) != 0)
			return 2;
		rc = manager(s, a.org_id, a.as, &person);
		who = cmd_manager_actor(person);
		if (rc == 0)
			rc = refused(list_qualities(s, &who, a.org_id), NULL);
		store_close(s);
		return rc;
	}
	if (strcmp(verb, "activate") != 0 || a.quality == NULL || a.email == NULL ||
	    a.gl == NULL || a.username == NULL || a.user_email == NULL) {
		fputs(usage_quality, stderr);
		return 2;
	}
	in.quality = a.quality;
	in.email = a.email;
	in.mode = "gl";
	in.niss = a.gl;
	in.gl.niss = a.gl;
	in.gl.username = a.username;
	in.gl.data.email = a.user_email;
	in.gl.data.language = a.lang ? a.lang : "fr";
	in.gl.data.title = "";
	in.gl.apps = a.apps;
	in.gl.napps = a.napps;
	if (open_store(&c, &s) != 0)
		return 2;
	rc = manager(s, a.org_id, a.as, &person);
	if (rc == 0) {
		who = cmd_manager_actor(person);
		rc = refused(quality_activate(s, &who, a.org_id, &in, &err, &a.quality_id, &again),
		    &err);
	}
	if (rc == 0 && account_of(s, a.org_id, a.gl, &account) != 0)
		rc = 2;
	store_close(s);
	if (rc == 0)
		printf("quality %lld account %lld\n", (long long)a.quality_id, (long long)account);
	return rc;
}

/* search_each: one user as a JSON line (its applications, separated by spaces in the
 * row, as an array). */
static int
print_user(void *arg, const struct user_row *r)
{
	json_t *apps = json_array(), *j;
	const char *t = r->apps ? r->apps : "";
	char *line = NULL;
	int rc = -1;

	(void)arg;
	if (apps == NULL)
		return -1;
	while (*t != '\0') {
		size_t n = strcspn(t, " ");

		if (n > 0 && json_array_append_new(apps, json_stringn(t, n)) != 0) {
			json_decref(apps);
			return -1;
		}
		t += n + (t[n] == ' ');
	}
	j = json_pack("{s:I,s:I,s:I,s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}",
	    "account", (json_int_t)r->account_id, "person", (json_int_t)r->person_id,
	    "quality", (json_int_t)r->quality, "version", (json_int_t)r->version,
	    "niss", r->niss, "last_name", r->last_name, "first_name", r->first_name,
	    "username", r->username, "type", r->type, "status", r->status);
	/* The account's own data, one member per field of its table. */
	for (size_t i = 0; j != NULL && i < account_nfields; i++)
		if (json_object_set_new(j, account_fields[i].v.name,
		    json_string(account_data_get(&r->data, i))) != 0) {
			json_decref(j);
			j = NULL;
		}
	if (j != NULL && json_object_set(j, "applications", apps) != 0) {
		json_decref(j);
		j = NULL;
	}
	if (j != NULL)
		line = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (line != NULL && printf("%s\n", line) > 0)
		rc = 0;
	free(line);
	json_decref(apps);
	return rc;
}

/* The users the manager manages in org (quality 0: every quality), as JSON lines. */
static enum access_rc
list(struct store *s, const struct actor *who, const struct args *a,
    struct access_errors *err)
{
	const struct user_filter none = { 0 };
	struct search_plan *plan;
	struct store_tx *tx = NULL;
	struct arena *ar = arena_new(0);
	enum access_rc rc;

	if (ar == NULL)
		return ACCESS_ERROR;
	rc = search_plan(s, STORE_READ, &tx, who, a->org_id, a->quality_id,
	    POLICY_MANAGE_USERS, &none, ar, &plan, err);
	if (rc == ACCESS_OK && search_each(tx, plan, print_user, NULL) < 0)
		rc = ACCESS_ERROR;
	store_rollback(&tx);
	arena_free(ar);
	return rc;
}

/* suspend or reactivate: reads the account's version, then changes its status. */
static enum access_rc
set_status(struct store *s, const struct actor *who, const struct args *a, bool suspend,
    struct access_errors *err)
{
	struct user_view v;
	struct arena *ar = arena_new(1 << 16);
	enum access_rc rc;

	if (ar == NULL)
		return ACCESS_ERROR;
	rc = account_get(s, who, a->org_id, a->quality_id, a->account_id, ar, &v);
	if (rc == ACCESS_OK)
		rc = account_set_status(s, who, a->org_id, a->quality_id, a->account_id, v.version,
		    suspend, err);
	arena_free(ar);
	return rc;
}

int
cmd_account(int argc, char **argv)
{
	struct args a = { 0 };
	struct access_errors err = { 0 };
	struct config c;
	struct actor who;
	struct store *s;
	const char *verb;
	int64_t person = 0;
	bool add, status;
	int rc;

	rc = parse(argc, argv, usage_account, &a, &c, &verb);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	add = strcmp(verb, "add") == 0;
	status = strcmp(verb, "suspend") == 0 || strcmp(verb, "reactivate") == 0;
	if (strcmp(verb, "list") == 0 && (a.quality == NULL ||
	    cmd_opt_id("quality", a.quality, &a.quality_id))) {
		if (open_store(&c, &s) != 0)
			return 2;
		rc = manager(s, a.org_id, a.as, &person);
		who = cmd_manager_actor(person);
		if (rc == 0)
			rc = refused(list(s, &who, &a, &err), &err);
		store_close(s);
		return rc;
	}
	if ((!add && !status) || !cmd_opt_id("quality", a.quality, &a.quality_id) ||
	    (add && (a.niss == NULL || a.username == NULL || a.email == NULL)) ||
	    (status && !cmd_opt_id("account", a.account, &a.account_id))) {
		fputs(usage_account, stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 2;
	rc = manager(s, a.org_id, a.as, &person);
	who = cmd_manager_actor(person);
	if (rc == 0 && add) {
		const struct user_input in = {
			.niss = a.niss, .username = a.username,
			.data = { .email = a.email, .language = a.lang ? a.lang : "fr", .title = "" },
			.type = a.type ? a.type : "USER", .apps = a.apps, .napps = a.napps,
			.last_name = a.last, .first_name = a.first,
		};

		rc = refused(account_create(s, &who, a.org_id, a.quality_id, &in, &err,
		    &a.account_id), &err);
		if (rc == 0)
			printf("account %lld\n", (long long)a.account_id);
	} else if (rc == 0) {
		rc = refused(set_status(s, &who, &a, strcmp(verb, "suspend") == 0, &err), &err);
	}
	store_close(s);
	return rc;
}
