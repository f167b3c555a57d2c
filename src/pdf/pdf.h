/* pdf.h — printable documents on libhpdf: A4 pages that flow (headings, wrapped
 * paragraphs, label/value rows, signature boxes, a QR code from libqrencode), text in
 * UTF-8 written in the standard Helvetica fonts (Windows-1252: the letters of French,
 * Dutch, German and English), or when a text has other characters (a Cyrillic or Greek
 * name) in DejaVu Sans embedded from fonts-dejavu-core; a text is never cut nor printed
 * with '?'. forms.h builds the documents of the GAP designation on it. */
#ifndef PORTIER_PDF_H
#define PORTIER_PDF_H

#include <stddef.h>

#define PDF_MAX_BYTES (8u << 20)

struct pdf;

/* A new document with one page; title and subject (ASCII is safest) go to its properties.
 * Returns NULL when libhpdf cannot start. */
struct pdf *pdf_new(const char *title, const char *subject);
/* A title (bold, 16 pt) / a section heading (bold, 12 pt). */
void pdf_title(struct pdf *d, const char *utf8);
void pdf_heading(struct pdf *d, const char *utf8);
/* A paragraph wrapped to the page (10 pt; bold when strong). */
void pdf_paragraph(struct pdf *d, const char *utf8, int strong);
/* A row "label    value", the value wrapped in its column; empty values print "—". */
void pdf_field(struct pdf *d, const char *label, const char *value);
/* A framed box of height points with a caption (signatures, stamps). */
void pdf_box(struct pdf *d, const char *caption, float height);
/* A framed grid of n cells, rows to a column, filled column by column: each cell a bold
 * label and its value (a token card's numbered codes). */
void pdf_grid(struct pdf *d, const char *const *labels, const char *const *values, int n,
    int rows);
/* Vertical space in points. */
void pdf_space(struct pdf *d, float points);
/* The QR code of text (error correction M), size points wide, in the top right corner
 * of the current page, with caption under it. Returns 0 or -1. */
int pdf_qr(struct pdf *d, const char *text, float size, const char *caption);
/* Ends the document: its bytes (malloc'd, the caller frees) and *len, or NULL when any
 * step failed. Frees d in both cases. */
void *pdf_finish(struct pdf *d, size_t *len);
/* Frees an unfinished document; NULL is accepted. */
void pdf_free(struct pdf *d);

#endif
