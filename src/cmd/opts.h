/* opts.h — the options of the world-building commands (person add, org add, account …):
 * a table of "--name value" options taken out of argv, the rest left to cmd_config. */
#ifndef PORTIER_CMD_OPTS_H
#define PORTIER_CMD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/actor.h"
#include "store/store.h"

struct cmd_opt {
	const char *name;          /* without the dashes */
	const char **value;        /* one value (the last given wins), or NULL */
	const char **many;         /* a repeatable option: its values, at most maxmany */
	size_t *nmany, maxmany;
	bool *flag;                /* an option without a value */
};

/* Takes the options of opts out of argv[1..]; the others (with argv[0]) go into rest
 * for cmd_config. Returns 0, or -1 after printing why (too many values, no value). */
int cmd_opts(int argc, char **argv, const struct cmd_opt *opts, size_t n, char **rest,
    int maxrest, int *nrest);
/* cmd_opts, then cmd_config on what is left (at most 64 arguments): returns what
 * cmd_config returns (1 after --help, -1 after printing an error, 0 when c is ready). */
struct config;
int cmd_opts_config(int argc, char **argv, const struct cmd_opt *opts, size_t n,
    const char *usage, struct config *c, char **pos, int maxpos, int *npos);
/* A positive integer id of an option; false (said on stderr) when not one. */
bool cmd_opt_id(const char *name, const char *text, int64_t *out);
/* A level of assurance option (1, 2 or 3) into *level; NULL leaves *level alone. False
 * (said on stderr) when text is not one. */
bool cmd_opt_level(const char *text, int *level);
/* The person of a NISS typed on the command line (dots, dashes and spaces allowed):
 * 0 with *id, 1 unknown (said on stderr), -1 invalid NISS or database error (said). */
int cmd_person_of(struct store *s, const char *niss, int64_t *id);
/* The actor for a manager in whose name an operator acts from the command line: that
 * person at the eID level, source "cli". */
struct actor cmd_manager_actor(int64_t person);

#endif
