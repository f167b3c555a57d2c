/* person_add.c — `portier person add`, `person set-password` and `person show`: an
 * operator brings a person into portier (from the persons register or with given names),
 * gives them access codes, and reads what portier holds about them, through the person
 * service. The world-building of the test suites goes through here, not through SQL. */
#include "cmd/cmd.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/person.h"
#include "auth/tokencard.h"
#include "auth/totp.h"
#include "base/arena.h"
#include "be/be.h"
#include "cmd/opts.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier person add --niss NISS [--last-name TEXT --first-name TEXT]\n"
    "           [--lang fr|nl|de|en] [--email ADDRESS]\n"
    "           [--username NAME --password-stdin] [--db PATH] [--config FILE]\n"
    "       portier person set-password --niss NISS --username NAME --password-stdin\n"
    "       portier person show --niss NISS\n"
    "       portier person activation-code (--username NAME | --niss NISS)\n"
    "\n"
    "add brings a person into portier: with the names of the persons register when it\n"
    "knows the NISS (whatever names are given), else with --last-name and --first-name.\n"
    "With --username and --password-stdin the person also gets access codes: the password\n"
    "is read from the first line of standard input (never from the command line, which\n"
    "other users of the machine can see) and must follow the password policy. The\n"
    "creation and the password are audit events. Prints \"person ID\".\n"
    "set-password gives a known person access codes the same way.\n"
    "show prints what portier holds about a person, as one JSON object: id, niss, names,\n"
    "language, email, name_source (whose names: manager, register or eid), app (a mobile\n"
    "app enrolled), card (the token card: active, serial,\n"
    "unused codes, a new one pending). NISS included: for the operator's terminal only.\n"
    "Exit status: 0 done, 1 refused (person known or unknown, user name taken, password\n"
    "too weak), 2 usage or database error.\n";

/* The first line of standard input into out (the newline removed); 0 or -1. */
static int
read_password(char *out, size_t outlen)
{
	size_t n;

	if (fgets(out, (int)outlen, stdin) == NULL) {
		fprintf(stderr, "portier: no password on standard input\n");
		return -1;
	}
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n == outlen - 1) {
		fprintf(stderr, "portier: the password is too long\n");
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* The password of username from standard input into pw, checked against the policy
 * before anything is written; 0, or the exit status (said on stderr). */
static int
take_password(const struct password_cfg *cfg, const char *username, char *pw, size_t pwlen)
{
	enum password_problem p;

	if (read_password(pw, pwlen) != 0)
		return 2;
	p = password_check(cfg, pw, username);
	if (p != PASSWORD_OK) {
		sodium_memzero(pw, pwlen);
		fprintf(stderr, "portier: the password does not follow the policy: %s\n",
		    password_problem_msgid(p));
		return 1;
	}
	return 0;
}

/* Gives person access codes with pw; exit status as the usage says. */
static int
set_password(struct store *s, const struct password_cfg *cfg, int64_t person,
    const char *username, const char *pw)
{
	enum password_problem p;
	int rc = 0;

	/* Set by the operator, as the creation is: audited as cli/operator. */
	p = person_set_password(s, cfg, &(struct actor){ .name = "cli", .role = "operator",
	    .source = "cli" }, person, username, pw, &rc);
	if (p != PASSWORD_OK) {
		fprintf(stderr, "portier: the password does not follow the policy: %s\n",
		    password_problem_msgid(p));
		return 1;
	}
	if (rc == -2) {
		fprintf(stderr, "portier: the user name %s is taken\n", username);
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	return 0;
}

/* A person portier does not know yet, names from the register (or those given). */
static int
add(struct store *s, const char *niss, const char *last, const char *first,
    const char *lang, const char *email, int64_t *id)
{
	struct person_seed seed = {
		.niss = niss, .last_name = last, .first_name = first, .language = lang,
		.email = email, .names_from = last ? "manager" : "register", .from_register = true,
	};
	struct store_tx *tx;
	struct arena *a;
	struct person known;
	char object[32];
	struct audit_event ev = {
		.actor = "cli", .actor_role = "operator", .action = "person.create",
		.object = object, .source = "cli",
	};
	bool created = false;
	int rc;

	a = arena_new(16 * 1024);
	if (a == NULL || store_begin(s, STORE_WRITE, &tx) != 0) {
		arena_free(a);
		return 2;
	}
	rc = person_find_niss(tx, a, niss, &known);
	arena_free(a);        /* only the id is used */
	if (rc == 0) {
		store_rollback(&tx);
		fprintf(stderr, "portier: this person is already known (person %lld)\n",
		    (long long)known.id);
		return 1;
	}
	if (rc < 0 || (rc = person_ensure(tx, &seed, id, &created)) < 0)
		goto fail;
	if (rc == 1) {
		store_rollback(&tx);
		fprintf(stderr, "portier: the persons register does not know this NISS: give "
		    "--last-name and --first-name\n");
		return 1;
	}
	snprintf(object, sizeof(object), "person:%lld", (long long)*id);
	if (!created || audit_append(tx, &ev) != 0 || store_commit(&tx) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(&tx);
	fprintf(stderr, "portier: database error\n");
	return 2;
}

static void
json_field(const char *name, const char *value, bool last)
{
	printf("\"%s\":\"", name);
	for (const unsigned char *c = (const unsigned char *)value; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	printf("\"%s", last ? "}\n" : ",");
}

static int
show(struct store *s, int64_t id)
{
	struct arena *a = arena_new(1 << 16);
	struct person p;
	struct totp_status app;
	struct tokencard_status card;

	if (a == NULL || person_get(s, a, id, &p) != 0 || totp_status(s, id, &app) != 0 ||
	    tokencard_status(s, id, (int64_t)time(NULL), &card) != 0) {
		arena_free(a);
		fprintf(stderr, "portier: database error\n");
		return 2;
	}
	printf("{\"id\":%lld,", (long long)p.id);
	json_field("niss", p.niss, false);
	json_field("last_name", p.last_name, false);
	json_field("first_name", p.first_name, false);
	json_field("language", p.language, false);
	json_field("email", p.email, false);
	json_field("name_source", p.name_source, false);
	printf("\"app\":%s,\"card\":{\"active\":%s,", app.active ? "true" : "false",
	    card.active ? "true" : "false");
	json_field("serial", card.serial, false);
	printf("\"unused\":%d,\"pending\":%s}}\n", card.unused, card.pending ? "true" : "false");
	arena_free(a);
	return 0;
}

int
cmd_person_world(int argc, char **argv)
{
	const char *niss_in = NULL, *last = NULL, *first = NULL, *lang = NULL, *email = NULL;
	const char *username = NULL;
	bool pw_stdin = false;
	const struct cmd_opt opts[] = {
		{ .name = "niss", .value = &niss_in }, { .name = "last-name", .value = &last },
		{ .name = "first-name", .value = &first }, { .name = "lang", .value = &lang },
		{ .name = "email", .value = &email }, { .name = "username", .value = &username },
		{ .name = "password-stdin", .flag = &pw_stdin },
	};
	char *pos[1], pw[1024];
	struct be_niss niss;
	struct config c;
	struct password_cfg pwc = { 0 };
	struct store *s;
	int64_t id = 0;
	int npos, rc;

	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || niss_in == NULL || (last == NULL) != (first == NULL) ||
	    (username != NULL) != pw_stdin ||
	    (strcmp(pos[0], "set-password") == 0 && username == NULL) ||
	    (strcmp(pos[0], "add") != 0 && (last || lang || email)) ||
	    (strcmp(pos[0], "show") == 0 && username != NULL)) {
		fputs(usage, stderr);
		return 2;
	}
	if (be_niss_parse(niss_in, &niss) != BE_OK) {
		fprintf(stderr, "portier: the NISS is not valid (check digits, date or length)\n");
		return 2;
	}
	/* The serve's cost and list of common passwords: the same policy as /activer. */
	if (username != NULL && cmd_password_cfg(&c, &pwc) != 0) {
		password_cfg_free(&pwc);
		return 2;
	}
	if (username != NULL && (rc = take_password(&pwc, username, pw, sizeof(pw))) != 0) {
		password_cfg_free(&pwc);
		return rc;
	}
	if (open_store(&c, &s) != 0) {
		sodium_memzero(pw, sizeof(pw));
		password_cfg_free(&pwc);
		return 2;
	}
	if (strcmp(pos[0], "add") == 0) {
		rc = add(s, niss.digits, last, first, lang, email, &id);
		if (rc == 0)
			printf("person %lld\n", (long long)id);
	} else {
		rc = cmd_person_of(s, niss.digits, &id) == 0 ? 0 : 1;
		if (rc == 0 && strcmp(pos[0], "show") == 0)
			rc = show(s, id);
	}
	if (rc == 0 && username != NULL) {
		rc = set_password(s, &pwc, id, username, pw);
		if (rc != 0 && strcmp(pos[0], "add") == 0)
			fprintf(stderr, "portier: person %lld was added without access codes (portier "
			    "person set-password)\n", (long long)id);
	}
	sodium_memzero(pw, sizeof(pw));
	password_cfg_free(&pwc);
	store_close(s);
	return rc;
}
