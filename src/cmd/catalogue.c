/* catalogue.c — `portier catalogue`: the operator's view of the quality and application
 * catalogue: list it, add a quality, add a secured application to a quality. */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/catalogue.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier catalogue list [--lang fr|nl|de|en] [--db PATH] [--config FILE]\n"
    "       portier catalogue add-quality --code CODE --domain DOMAIN\n"
    "           --name-fr TEXT --name-nl TEXT --name-de TEXT --name-en TEXT [--sort N]\n"
    "       portier catalogue add-application --code CODE --quality QUALITY\n"
    "           --name-fr TEXT --name-nl TEXT --name-de TEXT --name-en TEXT\n"
    "           --desc-fr TEXT --desc-nl TEXT --desc-de TEXT --desc-en TEXT\n"
    "           [--min-level 1|2|3] [--sort N]\n"
    "\n"
    "The catalogue of qualities (\"Institution liée au domaine de la santé\" …) and of their\n"
    "secured applications, which local managers grant to users. Names and descriptions are\n"
    "given in the four languages of the interface. Codes are 1 to 31 letters, digits, '_'\n"
    "or '-'. --min-level is the level of assurance the application demands (1 low: access\n"
    "codes, 2 substantial: a one-time code, 3 high: eID; default 2). Additions are audited.\n"
    "Exit status: 0 done, 1 refused (code taken, unknown quality, invalid text), 2 usage\n"
    "or database error.\n";

static bool
number(const char *s, long lo, long hi, int *out)
{
	char *end;
	long v;

	if (s == NULL)
		return true;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

static int
print_row(void *arg, const char *quality, const char *quality_name, const char *app,
    const char *app_name, int min_level)
{
	(void)arg;
	if (app == NULL)
		printf("%s\t%s\n", quality, quality_name);
	else
		printf("  %s\t%s\t(level %d)\n", app, app_name, min_level);
	return 0;
}

int
cmd_catalogue(int argc, char **argv)
{
	static const char *const keys[] = {
		"code", "domain", "quality", "name-fr", "name-nl", "name-de", "name-en",
		"desc-fr", "desc-nl", "desc-de", "desc-en", "min-level", "sort", "lang",
	};
	enum { CODE, DOMAIN, QUALITY, NFR, NNL, NDE, NEN, DFR, DNL, DDE, DEN, LEVEL, SORT, LANG,
	    NKEYS };
	const char *v[NKEYS] = { 0 };
	struct cmd_opt opts[NKEYS];
	char *pos[1], err[256] = "";
	struct config c;
	struct store *s;
	int npos, rc, sort = 100, level = 2;

	for (int k = 0; k < NKEYS; k++)
		opts[k] = (struct cmd_opt){ .name = keys[k], .value = &v[k] };
	rc = cmd_opts_config(argc, argv, opts, NKEYS, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || !number(v[SORT], 0, 1000000, &sort) || !number(v[LEVEL], 1, 3, &level)) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(pos[0], "list") == 0) {
		const char *lang = v[LANG] ? v[LANG] : "fr";

		if (strcmp(lang, "fr") != 0 && strcmp(lang, "nl") != 0 && strcmp(lang, "de") != 0 &&
		    strcmp(lang, "en") != 0) {
			fputs(usage, stderr);
			return 2;
		}
		if (open_store(&c, &s) != 0)
			return 2;
		rc = catalogue_each(s, lang, print_row, NULL);
		store_close(s);
		return rc == 0 ? 0 : 2;
	}
	if (strcmp(pos[0], "add-quality") == 0) {
		struct catalogue_quality q = {
			.code = v[CODE], .domain = v[DOMAIN],
			.names = { v[NFR], v[NNL], v[NDE], v[NEN] }, .sort = sort,
		};

		if (open_store(&c, &s) != 0)
			return 2;
		rc = catalogue_add_quality(s, &(struct actor){ .name = "system" }, &q, err,
		    sizeof(err));
		store_close(s);
	} else if (strcmp(pos[0], "add-application") == 0) {
		struct catalogue_app a = {
			.code = v[CODE], .quality = v[QUALITY],
			.names = { v[NFR], v[NNL], v[NDE], v[NEN] },
			.descriptions = { v[DFR], v[DNL], v[DDE], v[DEN] },
			.min_level = level, .sort = sort,
		};

		if (open_store(&c, &s) != 0)
			return 2;
		rc = catalogue_add_application(s, &(struct actor){ .name = "system" }, &a, err,
		    sizeof(err));
		store_close(s);
	} else {
		fputs(usage, stderr);
		return 2;
	}
	if (rc == 0) {
		printf("added %s\n", v[CODE]);
		return 0;
	}
	fprintf(stderr, "portier: catalogue: %s\n", err[0] ? err : "database error");
	return rc == -1 ? 2 : 1;
}
