/* catalogue.h — the quality and application catalogue as data: operators add qualities
 * and their secured applications (names and descriptions in FR, NL, DE, EN) from the
 * command line (`portier catalogue …`); each addition is audited. */
#ifndef PORTIER_ACCESS_CATALOGUE_H
#define PORTIER_ACCESS_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "policy/actor.h"
#include "store/store.h"

#define CATALOGUE_CODE_MAX 31
#define CATALOGUE_NAME_MAX 200       /* characters */
#define CATALOGUE_DESC_MAX 2000      /* characters */

/* Languages in the order of names[] and descriptions[]: fr, nl, de, en. */
struct catalogue_quality {
	const char *code;            /* letters, digits, '_' or '-' */
	const char *domain;          /* employer, social_security, health … */
	const char *names[4];
	int sort;
};

struct catalogue_app {
	const char *code;
	const char *quality;         /* a quality of the catalogue */
	const char *names[4];
	const char *descriptions[4];
	int min_level;               /* 1 low, 2 substantial, 3 high */
	int sort;
};

/* Adds a quality. Returns 0, -2 (code taken), -3 (invalid: why in err) or -1. */
int catalogue_add_quality(struct store *s, const struct actor *by,
    const struct catalogue_quality *q, char *err, size_t errlen);
/* Adds an application to a quality. Returns 0, -2 (code taken), -3 (invalid, unknown
 * quality: why in err) or -1. */
int catalogue_add_application(struct store *s, const struct actor *by,
    const struct catalogue_app *a, char *err, size_t errlen);
/* Calls fn for every quality (app NULL) followed by its applications, in catalogue order,
 * with names in lang. Returns 0 or -1. */
int catalogue_each(struct store *s, const char *lang,
    int (*fn)(void *arg, const char *quality, const char *quality_name, const char *app,
    const char *app_name, int min_level), void *arg);

#endif
