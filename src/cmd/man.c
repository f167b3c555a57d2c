/* man.c — roff helpers shared by `portier help --man` (portier(1), from main.c's command
 * table) and `portier help --conf-man` (portier.conf(5), from config.c's settings table). */
#include "cmd/man.h"

#include "cmd/cmd.h"

void
man_text(FILE *f, const char *s)
{
	/* A line starting with '.' or '\'' would be read as a request. */
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

void
man_head(FILE *f, const char *name, const char *section, const char *what)
{
	/* No date: the page is the same for every build of one version (reproducible). */
	fprintf(f, ".TH ");
	man_text(f, name);
	fprintf(f, " %s \"\" \"portier %s\" \"portier\"\n.SH NAME\n", section, PORTIER_VERSION);
	man_text(f, name);
	fputs(" \\- ", f);
	man_text(f, what);
	fputc('\n', f);
}
