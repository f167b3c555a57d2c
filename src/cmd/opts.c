/* opts.c — options and shared steps of the world-building commands: option tables, ids,
 * people named by NISS, the actor of an operator acting in a manager's name. */
#include "cmd/opts.h"

#include "cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/person.h"
#include "base/arena.h"
#include "be/be.h"
#include "policy/loa.h"

/* True when argv[*i] is option o; *value receives its value (moving *i past it). */
static bool
take(int argc, char **argv, int *i, const char *name, bool flag, const char **value)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
		return false;
	if (flag)
		return a[2 + n] == '\0';
	if (a[2 + n] == '=') {
		*value = a + 3 + n;
		return true;
	}
	if (a[2 + n] != '\0')
		return false;
	if (*i + 1 >= argc) {
		*value = NULL;
		return true;
	}
	*value = argv[++*i];
	return true;
}

int
cmd_opts(int argc, char **argv, const struct cmd_opt *opts, size_t n, char **rest,
    int maxrest, int *nrest)
{
	*nrest = 0;
	for (int i = 0; i < argc; i++) {
		bool mine = false;

		for (size_t k = 0; i > 0 && k < n && !mine; k++) {
			const struct cmd_opt *o = &opts[k];
			const char *v = NULL;

			if (!take(argc, argv, &i, o->name, o->flag != NULL, &v))
				continue;
			mine = true;
			if (o->flag != NULL) {
				*o->flag = true;
				continue;
			}
			if (v == NULL) {
				fprintf(stderr, "portier: option --%s needs a value\n", o->name);
				return -1;
			}
			if (o->value != NULL) {
				*o->value = v;
			} else if (*o->nmany < o->maxmany) {
				o->many[(*o->nmany)++] = v;
			} else {
				fprintf(stderr, "portier: at most %zu --%s\n", o->maxmany, o->name);
				return -1;
			}
		}
		if (mine)
			continue;
		if (*nrest == maxrest) {
			fprintf(stderr, "portier: too many arguments\n");
			return -1;
		}
		rest[(*nrest)++] = argv[i];
	}
	return 0;
}

int
cmd_opts_config(int argc, char **argv, const struct cmd_opt *opts, size_t n,
    const char *usage, struct config *c, char **pos, int maxpos, int *npos)
{
	char *rest[64];
	int nrest;

	if (cmd_opts(argc, argv, opts, n, rest, 64, &nrest) != 0)
		return -1;
	return cmd_config(nrest, rest, usage, c, pos, maxpos, npos);
}

bool
cmd_opt_id(const char *name, const char *text, int64_t *out)
{
	char *end;
	long long v;

	if (text == NULL) {
		fprintf(stderr, "portier: --%s is required\n", name);
		return false;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v <= 0) {
		fprintf(stderr, "portier: --%s: not an id: '%s'\n", name, text);
		return false;
	}
	*out = (int64_t)v;
	return true;
}

bool
cmd_opt_level(const char *text, int *level)
{
	if (text == NULL)
		return true;
	if (strlen(text) != 1 || text[0] < '1' || text[0] > '3') {
		fputs("portier: --min-level: 1, 2 or 3\n", stderr);
		return false;
	}
	*level = text[0] - '0';
	return true;
}

int
cmd_person_of(struct store *s, const char *niss_in, int64_t *id)
{
	struct store_tx *tx;
	struct arena *a;
	struct person p;
	struct be_niss niss;
	int rc;

	if (niss_in == NULL || be_niss_parse(niss_in, &niss) != BE_OK) {
		fprintf(stderr, "portier: the NISS is not valid (check digits, date or length)\n");
		return -1;
	}
	/* The person's texts are not used: only the id. */
	a = arena_new(16 * 1024);
	if (a == NULL || store_begin(s, STORE_READ, &tx) != 0) {
		arena_free(a);
		fprintf(stderr, "portier: database error\n");
		return -1;
	}
	rc = person_find_niss(tx, a, niss.digits, &p);
	store_rollback(&tx);
	arena_free(a);
	if (rc < 0)
		fprintf(stderr, "portier: database error\n");
	else if (rc == 1)
		fprintf(stderr, "portier: no person with this NISS in portier\n");
	else
		*id = p.id;
	return rc;
}

struct actor
cmd_manager_actor(int64_t person)
{
	struct actor a = {
		.person_id = person, .level = LOA_HIGH, .source = "cli", .lang = "fr",
	};

	return a;
}
