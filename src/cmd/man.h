/* man.h — roff for the man pages portier(1) and portier.conf(5), written by the binary
 * itself from the tables its help and its settings parser use (no page to keep in step). */
#ifndef PORTIER_CMD_MAN_H
#define PORTIER_CMD_MAN_H

#include <stdio.h>

/* Writes s as roff text: backslashes and dashes escaped, a leading dot or quote guarded. */
void man_text(FILE *f, const char *s);
/* The header of a page: .TH NAME SECTION with the version, and its NAME line. */
void man_head(FILE *f, const char *name, const char *section, const char *what);
/* portier.conf(5): every setting of config.c's table with its type, range, default and
 * its PORTIER_ variable. Returns 0, or -1 when f could not be written. */
int config_man(FILE *f);

#endif
