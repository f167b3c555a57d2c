/* pdf.c — the document writer: a cursor that flows down A4 pages, word wrap measured
 * with the fonts' metrics, a new page when the cursor reaches the bottom margin. Errors
 * from libhpdf are remembered and make pdf_finish return NULL. Text that Windows-1252
 * cannot hold (Cyrillic, Greek …) is written in DejaVu Sans, embedded: never as '?'. */
#include "pdf/pdf.h"

#include <hpdf.h>
#include <qrencode.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

#define MARGIN 56.0f            /* 2 cm */
#define LABEL_WIDTH 170.0f
#define LINE_MAX_BYTES 4096     /* bytes of one written line */
/* The Unicode fonts (Debian fonts-dejavu-core), loaded only for a text that needs them:
 * libhpdf embeds the whole font (about 85 KiB more in the PDF per font used). */
#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"
#define UNICODE_REGULAR FONT_DIR "DejaVuSans.ttf"
#define UNICODE_BOLD FONT_DIR "DejaVuSans-Bold.ttf"

struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font regular, bold;
	HPDF_Font uni_regular, uni_bold;   /* DejaVu Sans in UTF-8, loaded when first needed */
	bool utf_encodings;
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

/* UTF-8 into Windows-1252 (out holds strlen(in) + 1 bytes). Returns 0, or -1 when a
 * character has no place there. */
static int
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
	int rc = 0;

	while (*p != '\0' && o + 1 < outlen) {
		unsigned int cp;
		int more;
		unsigned char c = 0;

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
		if (c == 0)
			rc = -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return *p == '\0' ? rc : -1;
}

/* DejaVu Sans (bold or not) in UTF-8, loaded and embedded on first use; NULL (and the
 * document failed) when it cannot be. */
static HPDF_Font
unicode_font(struct pdf *d, bool bold)
{
	HPDF_Font *f = bold ? &d->uni_bold : &d->uni_regular;
	const char *name;

	if (*f != NULL || d->failed)
		return *f;
	if (!d->utf_encodings) {
		if (HPDF_UseUTFEncodings(d->doc) != HPDF_OK) {
			d->failed = 1;
			return NULL;
		}
		d->utf_encodings = true;
	}
	name = HPDF_LoadTTFontFromFile(d->doc, bold ? UNICODE_BOLD : UNICODE_REGULAR, HPDF_TRUE);
	*f = name != NULL ? HPDF_GetFont(d->doc, name, "UTF-8") : NULL;
	if (*f == NULL)
		d->failed = 1;
	return *f;
}

/* A text ready to write: its bytes, in the font that holds every character. */
struct run {
	HPDF_Font font;
	char *text;                  /* malloc'd: Windows-1252, or the UTF-8 as given */
	bool utf8;
};

/* Prepares utf8 in the standard font (bold or not), or in DejaVu Sans when Windows-1252
 * lacks one of its characters. Returns 0, or -1 (the document failed). */
static int
run_of(struct pdf *d, bool bold, const char *utf8, struct run *out)
{
	size_t n = strlen(utf8 ? utf8 : "");

	memset(out, 0, sizeof(*out));
	if (d->failed)
		return -1;
	out->text = malloc(n + 1);
	if (out->text == NULL) {
		d->failed = 1;
		return -1;
	}
	out->font = bold ? d->bold : d->regular;
	if (to_cp1252(utf8, out->text, n + 1) == 0)
		return 0;
	/* Only well-formed UTF-8 goes to the Unicode font: what is not is refused. */
	if (!utf8_valid(utf8, n)) {
		d->failed = 1;
		return -1;
	}
	memcpy(out->text, utf8, n + 1);
	out->utf8 = true;
	out->font = unicode_font(d, bold);
	return out->font != NULL ? 0 : -1;
}

static void
run_free(struct run *r)
{
	free(r->text);
	r->text = NULL;
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

/* Writes the run wrapped between x and x + width, one line per leading points. */
static void
wrapped(struct pdf *d, const struct run *t, float size, float x, float width, float leading)
{
	char line[LINE_MAX_BYTES];
	HPDF_Font font = t->font;
	const char *p = t->text;

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
		/* A line never ends inside a UTF-8 character. */
		while (t->utf8 && n < len && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		if (n >= sizeof(line)) {
			d->failed = 1;
			return;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		line_out(d, font, size, x, line);
		d->y -= leading;
		p += n;
	}
}

static void
flow(struct pdf *d, bool bold, float size, const char *utf8, float leading, float after)
{
	struct run t;

	if (run_of(d, bold, utf8, &t) == 0)
		wrapped(d, &t, size, MARGIN, page_width(d) - 2 * MARGIN, leading);
	run_free(&t);
	d->y -= after;
}

void
pdf_title(struct pdf *d, const char *utf8)
{
	need(d, 40);
	flow(d, true, 16, utf8, 20, 8);
}

void
pdf_heading(struct pdf *d, const char *utf8)
{
	need(d, 40);
	d->y -= 6;
	flow(d, true, 12, utf8, 16, 2);
}

void
pdf_paragraph(struct pdf *d, const char *utf8, int strong)
{
	flow(d, strong != 0, 10, utf8, 13, 5);
}

void
pdf_field(struct pdf *d, const char *label, const char *value)
{
	struct run l, v;
	float y0;

	if (run_of(d, true, label, &l) != 0 ||
	    run_of(d, false, value && value[0] ? value : "\xe2\x80\x94", &v) != 0) {
		run_free(&l);
		return;
	}
	need(d, 14);
	y0 = d->y;
	wrapped(d, &l, 9, MARGIN, LABEL_WIDTH - 8, 12);
	if (d->y < y0 - 12 + 0.1f) {
		/* A label on two lines: the value starts beside its first line. */
		float after_label = d->y;

		d->y = y0;
		wrapped(d, &v, 10, MARGIN + LABEL_WIDTH, page_width(d) - 2 * MARGIN -
		    LABEL_WIDTH, 13);
		if (after_label < d->y)
			d->y = after_label;
	} else {
		d->y = y0;
		wrapped(d, &v, 10, MARGIN + LABEL_WIDTH, page_width(d) - 2 * MARGIN -
		    LABEL_WIDTH, 13);
	}
	run_free(&l);
	run_free(&v);
	d->y -= 2;
}

void
pdf_box(struct pdf *d, const char *caption, float height)
{
	struct run c;

	if (run_of(d, false, caption, &c) != 0)
		return;
	need(d, height + 16);
	line_out(d, c.font, 9, MARGIN, c.text);
	run_free(&c);
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
	if (d->failed || n <= 0 || rows <= 0)
		return;
	need(d, height + 12);
	top = d->y;
	HPDF_Page_SetLineWidth(d->page, 1);
	HPDF_Page_Rectangle(d->page, MARGIN, top - height, (float)cols * col_w + pad, height);
	HPDF_Page_Stroke(d->page);
	for (int i = 0; i < n && !d->failed; i++) {
		float x = MARGIN + pad / 2 + (float)(i / rows) * col_w;
		struct run l, v;

		d->y = top - pad - 8 - (float)(i % rows) * row_h;
		if (run_of(d, true, labels[i], &l) == 0 && run_of(d, false, values[i], &v) == 0) {
			line_out(d, l.font, 11, x, l.text);
			line_out(d, v.font, 13, x + 38, v.text);
			run_free(&v);
		}
		run_free(&l);
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
	struct run c;

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
	if (caption != NULL && run_of(d, true, caption, &c) == 0) {
		float w;

		HPDF_Page_SetFontAndSize(d->page, c.font, 9);
		w = HPDF_Page_TextWidth(d->page, c.text);
		HPDF_Page_BeginText(d->page);
		HPDF_Page_TextOut(d->page, x0 + (size - w) / 2, y0 - 11, c.text);
		HPDF_Page_EndText(d->page);
		run_free(&c);
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
