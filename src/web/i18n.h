/* i18n.h — the four UI languages: fr (reference), nl, de, en.
 * Catalogues are gettext .mo files compiled from po/ at build; msgids are the French texts. */
#ifndef PORTIER_WEB_I18N_H
#define PORTIER_WEB_I18N_H

#include <stdbool.h>

#include "base/msgid.h"
#include <stddef.h>

struct i18n;

/* The supported languages, in the order of the header switch (NL | FR | DE | EN). */
extern const char *const i18n_langs[4];

/* Loads fr.mo, nl.mo, de.mo, en.mo from dir. Returns 0, or -1 with a reason in err. */
int i18n_load(const char *dir, struct i18n **out, char *err, size_t errlen);
/* Frees t and its catalogues; NULL is accepted. Strings from i18n_get die with it. */
void i18n_free(struct i18n *t);
/* Parses one .mo image of len bytes (either byte order) as i18n_load does, checking every
 * offset and length against len, and keeps nothing: for checks and fuzzing. Returns the
 * number of translated entries, or -1 with a reason in err. The caller owns data. */
int i18n_parse_mo(const void *data, size_t len, char *err, size_t errlen);
/* Returns the translation of msgid in lang, or msgid itself when missing. Never NULL. */
const char *i18n_get(const struct i18n *t, const char *lang, const char *msgid);
/* True when lang is one of the four codes. */
bool i18n_supported(const char *lang);
/* Chooses the language: the cookie's explicit choice when supported, else the best
 * supported match of Accept-Language (q-values honoured, "nl-BE" matches nl), else "fr".
 * Returns one of i18n_langs (static storage). Either argument may be NULL. */
const char *i18n_negotiate(const char *cookie_lang, const char *accept_language);


#endif
