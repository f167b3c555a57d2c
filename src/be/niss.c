/* niss.c — Belgian national register and BIS numbers (NISS): parsing with the
 * mod-97 check of both centuries, birth-date checks, display and masked forms. */
#include "be/be.h"

#include <string.h>

#define NISS_DIGITS	11

/* A NISS born from 2000 on is checked as if "2" were written before it. */
#define NISS_Y2K_PREFIX	2000000000LL

static int
niss_num(const char *d, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (d[i] - '0');
	return v;
}

static int
niss_is_sep(char c)
{
	return c == '.' || c == '-' || c == ' ';
}

/*
 * Copies the digits of in into d (12 bytes), skipping separators.
 * Stops counting at one past the expected length: the caller only needs to
 * know that there are too many.
 */
static enum be_reason
niss_digits(const char *in, char d[NISS_DIGITS + 1])
{
	size_t n = 0;
	int any = 0;

	if (in == NULL)
		return BE_EMPTY;
	for (; *in != '\0'; in++) {
		if (niss_is_sep(*in))
			continue;
		if (*in < '0' || *in > '9')
			return BE_CHARS;
		any = 1;
		if (n < NISS_DIGITS)
			d[n] = *in;
		if (n <= NISS_DIGITS)
			n++;
	}
	if (!any)
		return BE_EMPTY;
	if (n != NISS_DIGITS)
		return BE_LENGTH;
	d[n] = '\0';
	return BE_OK;
}

static int
niss_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
niss_days_in_month(int y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && niss_leap(y))
		return 29;
	return days[m - 1];
}

enum be_reason
be_niss_parse(const char *in, struct be_niss *out)
{
	char d[NISS_DIGITS + 1];
	enum be_reason r;
	enum be_niss_kind kind;
	long long base;
	int cc, yy, mm, dd, seq, year;

	r = niss_digits(in, d);
	if (r != BE_OK)
		return r;

	/*
	 * The check digits decide the century: 97 - (n mod 97) for 19xx,
	 * the same over 2 followed by the nine digits for 20xx. Both cannot
	 * match at once since 2000000000 is not a multiple of 97.
	 */
	base = niss_num(d, 9);
	cc = niss_num(d + 9, 2);
	yy = niss_num(d, 2);
	if (cc == 97 - (int)(base % 97))
		year = 1900 + yy;
	else if (cc == 97 - (int)((base + NISS_Y2K_PREFIX) % 97))
		year = 2000 + yy;
	else
		return BE_CHECKSUM;

	/* BIS numbers: month + 20 (sex unknown) or + 40 (sex known). */
	mm = niss_num(d + 2, 2);
	kind = BE_NISS_NATIONAL;
	if (mm >= 40) {
		mm -= 40;
		kind = BE_NISS_BIS;
	} else if (mm >= 20) {
		mm -= 20;
		kind = BE_NISS_BIS;
	}
	dd = niss_num(d + 4, 2);
	if (mm > 12 || dd > 31)
		return BE_DATE;
	/* 00 means unknown; only a fully known date can be impossible. */
	if (mm != 0 && dd != 0 && dd > niss_days_in_month(year, mm))
		return BE_DATE;

	seq = niss_num(d + 6, 3);
	if (seq == 0 || seq == 999)
		return BE_SEQUENCE;

	if (out != NULL) {
		memcpy(out->digits, d, sizeof(out->digits));
		out->kind = kind;
		out->birth_year = year;
		out->birth_month = mm;
		out->birth_day = dd;
		out->sequence = seq;
		out->male = (seq % 2) == 1;
	}
	return BE_OK;
}

/* Lays 11 characters out as "YY.MM.DD-SSS.CC". */
static void
niss_layout(const char *c, char out[16])
{
	static const char shape[] = "##.##.##-###.##";
	size_t i, j = 0;

	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == '#')
			out[i] = c[j++];
		else
			out[i] = shape[i];
	}
	out[i] = '\0';
}

void
be_niss_format(const char *digits11, char out[16])
{
	niss_layout(digits11, out);
}

void
be_niss_mask(const char *digits11, char out[16])
{
	char c[NISS_DIGITS];

	/* The birth date is personal data too: only the check digits remain. */
	memset(c, 'X', sizeof(c));
	c[9] = digits11[9];
	c[10] = digits11[10];
	niss_layout(c, out);
}
