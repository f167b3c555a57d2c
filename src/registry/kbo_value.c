/* kbo_value.c — one KBO Open Data field to its stored form: dates to ISO, enterprise,
 * establishment and branch numbers to 10 digits. Pure code: no I/O, no allocation. */
#include "registry/kbo_internal.h"

#include <string.h>

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Value of the n digits at s, or -1 when one is not a digit. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
kbo_date_iso(const char *s, size_t n, char out[11])
{
	int d, m, y;

	if (n != 10 || s[2] != '-' || s[5] != '-')
		return -1;
	d = digits(s, 2);
	m = digits(s + 3, 2);
	y = digits(s + 6, 4);
	if (d < 1 || m < 1 || m > 12 || y < 1 || d > days_in_month(y, m))
		return -1;
	memcpy(out, s + 6, 4);
	out[4] = '-';
	memcpy(out + 5, s + 3, 2);
	out[7] = '-';
	memcpy(out + 8, s, 2);
	out[10] = '\0';
	return 0;
}

int
kbo_timestamp_iso(const char *s, size_t n, char out[20])
{
	int h, mi, se;

	if (n != 19 || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
	    kbo_date_iso(s, 10, out) != 0)
		return -1;
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	se = digits(s + 17, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
		return -1;
	out[10] = 'T';
	memcpy(out + 11, s + 11, 8);
	out[19] = '\0';
	return 0;
}

int
kbo_branch_id(const char *s, size_t n, char out[11])
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.')
			continue;
		if (!is_digit(s[i]) || k == 10)
			return -1;
		out[k++] = s[i];
	}
	if (k != 10)
		return -1;
	out[10] = '\0';
	return 0;
}

enum be_reason
kbo_number(enum kbo_kind k, const char *s, size_t n, char out[11])
{
	char tmp[24];
	enum be_reason r;

	/* be/ reads NUL-terminated text: an embedded NUL must not cut the field short. */
	if (n >= sizeof(tmp))
		return BE_LENGTH;
	if (memchr(s, '\0', n) != NULL)
		return BE_CHARS;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (k == KBO_ESTABLISHMENT)
		return be_establishment_parse(tmp, out);
	r = be_enterprise_parse(tmp, out);
	if (r == BE_FIRST_DIGIT && k == KBO_ENTITY)
		r = be_establishment_parse(tmp, out);
	return r;
}

const char *
kbo_reason_text(enum be_reason r)
{
	switch (r) {
	case BE_OK:
		return "valid";
	case BE_EMPTY:
		return "empty";
	case BE_CHARS:
		return "characters other than digits and dots";
	case BE_LENGTH:
		return "wrong number of digits";
	case BE_CHECKSUM:
		return "check digits do not match";
	case BE_FIRST_DIGIT:
		return "wrong first digit for this kind of number";
	case BE_DATE:
	case BE_SEQUENCE:
	case BE_PREFIX:
		break;
	}
	return "not accepted";
}
