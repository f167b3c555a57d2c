/* pdf.c — the document writer: a cursor that flows down A4 pages, word wrap measured
 * with the fonts' metrics, a new page when the cursor reaches the bottom margin. Errors
 * from libhpdf are remembered and make pdf_finish return NULL. */
#include "pdf/pdf.h"

#include <hpdf.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN 56.0f            /* 2 cm */
#define LABEL_WIDTH 170.0f
#define TEXT_MAX 4096           /* bytes of one paragraph, after conversion */

struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font regular, bold;
	float y;                     /* baseline of the next line */
	float top;                   /* where text starts on a new page */
	HPDF_Page qr_page;           /* the page with a QR code in its top right corner */
	float qr_bottom, qr_left;    /* text above qr_bottom stops before qr_left */
	int failed;
};

static void
on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	(void)error;
	(void)detail;
	*(int *)data = 1;
}

/* UTF-8 into Windows-1252; what it lacks becomes '?'. */
static void
to_cp1252(const char *in, char *out, size_t outlen)
{
	static const struct { unsigned int cp; unsigned char c; } extra[] = {
		{ 0x20AC, 0x80 }, { 0x201A, 0x82 }, { 0x201E, 0x84 }, { 0x2026, 0x85 },
		{ 0x2020, 0x86 }, { 0x2021, 0x87 }, { 0x2030, 0x89 }, { 0x0160, 0x8A },
		{ 0x2039, 0x8B }, { 0x0152, 0x8C }, { 0x017D, 0x8E }, { 0x2018, 0x91 },
		{ 0x2019, 0x92 }, { 0x201C, 0x93 }, { 0x201D, 0x94 }, { 0x2022, 0x95 },
		{ 0x2013, 0x96 }, { 0x2014, 0x97 }, { 0x0161, 0x9A }, { 0x203A, 0x9B },
		{ 0x0153, 0x9C }, { 0x017E, 0x9E }, { 0x0178, 0x9F }, { 0x2190, '<' },
	};
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t o = 0;

	while (*p != '\0' && o + 1 < outlen) {
		unsigned int cp;
		int more;
		unsigned char c = '?';

		if (*p < 0x80) {
			cp = *p;
			more = 0;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			more = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			more = 2;
		} else {
			cp = *p & 0x07;
			more = 3;
		}
		p++;
		for (int i = 0; i < more && (*p & 0xC0) == 0x80; i++, p++)
			cp = (cp << 6) | (*p & 0x3F);
		if (cp == 0x202F || cp == 0x2009 || cp == 0x00A0)
			cp = ' ';
		if (cp >= 0x20 && cp < 0x7F)
			c = (unsigned char)cp;
		else if (cp >= 0xA0 && cp <= 0xFF)
			c = (unsigned char)cp;
		else
			for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
				if (extra[i].cp == cp)
					c = extra[i].c;
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

static void
new_page(struct pdf *d)
{
	d->page = HPDF_AddPage(d->doc);
	if (d->page == NULL) {
		d->failed = 1;
		return;
	}
	HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	d->top = HPDF_Page_GetHeight(d->page) - MARGIN;
	d->y = d->top;
}

struct pdf *
pdf_new(const char *title, const char *subject)
{
	struct pdf *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->doc = HPDF_New(on_error, &d->failed);
	if (d->doc == NULL) {
		free(d);
		return NULL;
	}
	HPDF_SetCompressionMode(d->doc, HPDF_COMP_IMAGE | HPDF_COMP_METADATA);
	d->regular = HPDF_GetFont(d->doc, "Helvetica", "WinAnsiEncoding");
	d->bold = HPDF_GetFont(d->doc, "Helvetica-Bold", "WinAnsiEncoding");
	if (title != NULL)
		HPDF_SetInfoAttr(d->doc, HPDF_INFO_TITLE, title);
	if (subject != NULL)
		HPDF_SetInfoAttr(d->doc, HPDF_INFO_SUBJECT, subject);
	HPDF_SetInfoAttr(d->doc, HPDF_INFO_CREATOR, "portier");
	new_page(d);
	if (d->regular == NULL || d->bold == NULL)
		d->failed = 1;
	return d;
}

static float
page_width(struct pdf *d)
{
	return d->page ? HPDF_Page_GetWidth(d->page) : 595.0f;
}

/* Room for h points more on this page, else a new page. */
static void
need(struct pdf *d, float h)
{
	if (d->y - h < MARGIN)
		new_page(d);
}

static void
line_out(struct pdf *d, HPDF_Font font, float size, float x, const char *cp1252)
{
	if (d->failed || d->page == NULL)
		return;
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, font, size);
	HPDF_Page_TextOut(d->page, x, d->y, cp1252);
	HPDF_Page_EndText(d->page);
}

/* Writes text (cp1252) wrapped between x and x + width, one line per leading points. */
static void
wrapped(struct pdf *d, HPDF_Font font, float size, float x, float width, const char *text,
    float leading)
{
	char line[TEXT_MAX];
	const char *p = text;

	while (*p != '\0' && !d->failed) {
		size_t n, len;
		HPDF_UINT fit;
		float w = width;

		while (*p == ' ')
			p++;
		len = strlen(p);
		if (len == 0)
			break;
		need(d, leading);
		if (d->page == d->qr_page && d->y > d->qr_bottom && x + w > d->qr_left - 12)
			w = d->qr_left - 12 - x;
		HPDF_Page_SetFontAndSize(d->page, font, size);
		/* MeasureText gives the bytes that fit, cut at a word when it can. */
		fit = HPDF_Page_MeasureText(d->page, p, w, HPDF_TRUE, NULL);
		if (fit == 0)
			fit = HPDF_Page_MeasureText(d->page, p, w, HPDF_FALSE, NULL);
		if (fit == 0)
			fit = 1;
		n = fit < len ? fit : len;
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		line_out(d, font, size, x, line);
		d->y -= leading;
		p += n;
	}
}

static void
flow(struct pdf *d, HPDF_Font font, float size, const char *utf8, float leading, float after)
{
	char text[TEXT_MAX];

	if (d->failed)
		return;
	to_cp1252(utf8, text, sizeof(text));
	wrapped(d, font, size, MARGIN, page_width(d) - 2 * MARGIN, text, leading);
	d->y -= after;
}

void
pdf_title(struct pdf *d, const char *utf8)
{
	need(d, 40);
	flow(d, d->bold, 16, utf8, 20, 8);
}

void
pdf_heading(struct pdf *d, const char *utf8)
{
	need(d, 40);
	d->y -= 6;
	flow(d, d->bold, 12, utf8, 16, 2);
}

void
pdf_paragraph(struct pdf *d, const char *utf8, int strong)
{
	flow(d, strong ? d->bold : d->regular, 10, utf8, 13, 5);
}

void
pdf_field(struct pdf *d, const char *label, const char *value)
{
	char l[512], v[TEXT_MAX];
	float y0;

	if (d->failed)
		return;
	to_cp1252(label, l, sizeof(l));
	to_cp1252(value && value[0] ? value : "\xe2\x80\x94", v, sizeof(v));
	need(d, 14);
	y0 = d->y;
	wrapped(d, d->bold, 9, MARGIN, LABEL_WIDTH - 8, l, 12);
	if (d->y < y0 - 12 + 0.1f) {
		/* A label on two lines: the value starts beside its first line. */
		float after_label = d->y;

		d->y = y0;
		wrapped(d, d->regular, 10, MARGIN + LABEL_WIDTH, page_width(d) - 2 * MARGIN -
		    LABEL_WIDTH, v, 13);
		if (after_label < d->y)
			d->y = after_label;
	} else {
		d->y = y0;
		wrapped(d, d->regular, 10, MARGIN + LABEL_WIDTH, page_width(d) - 2 * MARGIN -
		    LABEL_WIDTH, v, 13);
	}
	d->y -= 2;
}

void
pdf_box(struct pdf *d, const char *caption, float height)
{
	char c[512];

	if (d->failed)
		return;
	to_cp1252(caption, c, sizeof(c));
	need(d, height + 16);
	line_out(d, d->regular, 9, MARGIN, c);
	d->y -= 6;
	HPDF_Page_SetLineWidth(d->page, 0.8f);
	HPDF_Page_Rectangle(d->page, MARGIN, d->y - height, page_width(d) - 2 * MARGIN, height);
	HPDF_Page_Stroke(d->page);
	d->y -= height + 12;
}

void
pdf_grid(struct pdf *d, const char *const *labels, const char *const *values, int n,
    int rows)
{
	const float row_h = 30, col_w = 115, pad = 14;
	int cols = rows > 0 ? (n + rows - 1) / rows : 0;
	float height = (float)rows * row_h + pad, top;
	char l[64], v[64];

	if (d->failed || n <= 0 || rows <= 0)
		return;
	need(d, height + 12);
	top = d->y;
	HPDF_Page_SetLineWidth(d->page, 1);
	HPDF_Page_Rectangle(d->page, MARGIN, top - height, (float)cols * col_w + pad, height);
	HPDF_Page_Stroke(d->page);
	for (int i = 0; i < n; i++) {
		float x = MARGIN + pad / 2 + (float)(i / rows) * col_w;

		d->y = top - pad - 8 - (float)(i % rows) * row_h;
		to_cp1252(labels[i], l, sizeof(l));
		to_cp1252(values[i], v, sizeof(v));
		line_out(d, d->bold, 11, x, l);
		line_out(d, d->regular, 13, x + 38, v);
	}
	d->y = top - height - 12;
}

void
pdf_space(struct pdf *d, float points)
{
	d->y -= points;
	if (d->y < MARGIN)
		new_page(d);
}

int
pdf_qr(struct pdf *d, const char *text, float size, const char *caption)
{
	QRcode *qr;
	float module, x0, y0;
	char c[256];

	if (d->failed || d->page == NULL)
		return -1;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return -1;
	module = size / (float)qr->width;
	x0 = page_width(d) - MARGIN - size;
	y0 = HPDF_Page_GetHeight(d->page) - MARGIN - size;
	HPDF_Page_SetRGBFill(d->page, 0, 0, 0);
	for (int y = 0; y < qr->width; y++) {
		for (int x = 0; x < qr->width; ) {
			int run = 0;

			while (x + run < qr->width && (qr->data[y * qr->width + x + run] & 1))
				run++;
			if (run > 0) {
				HPDF_Page_Rectangle(d->page, x0 + (float)x * module,
				    y0 + size - (float)(y + 1) * module, (float)run * module, module);
				x += run;
			} else {
				x++;
			}
		}
	}
	HPDF_Page_Fill(d->page);
	QRcode_free(qr);
	d->qr_page = d->page;
	d->qr_left = x0;
	d->qr_bottom = y0 - 16;
	if (caption != NULL) {
		float w;

		to_cp1252(caption, c, sizeof(c));
		HPDF_Page_SetFontAndSize(d->page, d->bold, 9);
		w = HPDF_Page_TextWidth(d->page, c);
		HPDF_Page_BeginText(d->page);
		HPDF_Page_TextOut(d->page, x0 + (size - w) / 2, y0 - 11, c);
		HPDF_Page_EndText(d->page);
	}
	return d->failed ? -1 : 0;
}

void *
pdf_finish(struct pdf *d, size_t *len)
{
	HPDF_UINT32 size;
	void *out = NULL;

	if (d == NULL)
		return NULL;
	if (d->failed || HPDF_SaveToStream(d->doc) != HPDF_OK)
		goto done;
	size = HPDF_GetStreamSize(d->doc);
	if (size == 0 || size > PDF_MAX_BYTES)
		goto done;
	out = malloc(size);
	if (out == NULL || HPDF_ReadFromStream(d->doc, out, &size) != HPDF_OK || d->failed) {
		free(out);
		out = NULL;
		goto done;
	}
	*len = size;
done:
	pdf_free(d);
	return out;
}

void
pdf_free(struct pdf *d)
{
	if (d == NULL)
		return;
	HPDF_Free(d->doc);
	free(d);
}
