/* forms.h — the printed documents of the GAP designation: the exception request form to
 * sign and post (reference and QR code on it) and the activation letter of a GAP without
 * eID. Texts are French msgids translated through tr. */
#ifndef PORTIER_PDF_FORMS_H
#define PORTIER_PDF_FORMS_H

#include <stddef.h>

#include "csam/exception.h"
#include "csam/helpdesk.h"

/* Translates a French msgid; returns the text to print (never NULL). */
typedef const char *(*pdf_translate_fn)(void *arg, const char *msgid);

/* The request form of x, to be sent to postal (lines separated by " | "). Returns the PDF
 * (malloc'd; the caller frees) and *len, or NULL. */
void *pdf_exception_form(const struct csam_exc *x, const char *postal, pdf_translate_fn tr,
    void *arg, size_t *len);
/* The activation letter l; activate_url is where the code is typed ("/activer" on the
 * site). Returns the PDF (malloc'd) and *len, or NULL. */
void *pdf_activation_letter(const struct csam_letter *l, const char *activate_url,
    pdf_translate_fn tr, void *arg, size_t *len);

#endif
