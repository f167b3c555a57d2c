/* reg_rows.c — the persons and legal functions files: their columns and the checks of one
 * row, value by value. Pure code: the database checks (known enterprise, duplicates) are
 * in the importers. Reasons never quote a NISS (personal data): the line number does. */
#include "registry/reg_rows.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "be/be.h"
#include "value/value.h"

const struct kbo_column reg_person_cols[REG_PERSON_NCOLS] = {
	{ "NISS", KBO_TEXT, false }, { "LastName", KBO_TEXT, false },
	{ "FirstNames", KBO_TEXT, false }, { "BirthDate", KBO_TEXT, false },
	{ "Sex", KBO_TEXT, false }, { "Language", KBO_TEXT, false },
	{ "Country", KBO_TEXT, false },
};

const struct kbo_column reg_function_cols[REG_FUNCTION_NCOLS] = {
	{ "EnterpriseNumber", KBO_TEXT, false }, { "RepresentativeNISS", KBO_TEXT, false },
	{ "RepresentativeEnterpriseNumber", KBO_TEXT, false },
	{ "FunctionCode", KBO_TEXT, false }, { "FunctionLabel", KBO_TEXT, false },
	{ "BeginDate", KBO_TEXT, false }, { "EndDate", KBO_TEXT, false },
};

enum { P_NISS, P_LAST, P_FIRST, P_BIRTH, P_SEX, P_LANG, P_COUNTRY };
enum { F_ENT, F_NISS, F_REP_ENT, F_CODE, F_LABEL, F_BEGIN, F_END };

static int refuse(char *reason, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
refuse(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* A value for a message: printable ASCII only, cut short. */
static const char *
shown(const char *s, size_t n, char out[32])
{
	size_t i, k = 0;

	for (i = 0; i < n && k < 24; i++)
		out[k++] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"') ? s[i] : '?';
	if (i < n) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
	return out;
}

static const char *
why(enum be_reason r)
{
	switch (r) {
	case BE_OK:
		return "valid";
	case BE_EMPTY:
		return "empty";
	case BE_CHARS:
		return "characters other than digits, dots, dashes and spaces";
	case BE_LENGTH:
		return "wrong number of digits";
	case BE_CHECKSUM:
		return "check digits do not match";
	case BE_DATE:
		return "impossible birth date";
	case BE_SEQUENCE:
		return "sequence 000 or 999";
	case BE_FIRST_DIGIT:
		return "must start with 0 or 1";
	case BE_PREFIX:
		return "country prefix other than BE";
	}
	return "not accepted";
}

static bool
digits(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int
reg_date(const char *s, size_t n, char out[11])
{
	if (n != 10 || !((s[4] == '-' && s[7] == '-') || (s[2] == '-' && s[5] == '-')))
		return -1;
	/* The digits as given, in ISO order; then the one date rule (src/value). */
	if (s[4] == '-') {
		memcpy(out, s, 10);
	} else {
		memcpy(out, s + 6, 4);
		out[4] = '-';
		memcpy(out + 5, s + 3, 2);
		out[7] = '-';
		memcpy(out + 8, s, 2);
	}
	out[10] = '\0';
	return value_ok(VALUE_DATE, out, 0) ? 0 : -1;
}

/* A name or a label: UTF-8 (the reader checked), no control character, not blank, at most
 * REG_TEXT_MAX characters. */
static bool
text_ok(const char *s, size_t n)
{
	bool blank = true;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != ' ')
			blank = false;
	}
	return !blank && utf8_len(s, n) <= REG_TEXT_MAX;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Where each normalised value lives in the caller's buffer (REG_ROW_BUF bytes). */
enum { BUF_NISS = 0, BUF_BIRTH = 12, BUF_COUNTRY = 23 };
enum { BUF_ENT = 0, BUF_REP_NISS = 11, BUF_REP_ENT = 23, BUF_BEGIN = 34, BUF_END = 45 };
_Static_assert(BUF_COUNTRY + 3 <= REG_ROW_BUF && BUF_END + 11 <= REG_ROW_BUF,
    "REG_ROW_BUF holds a row's normalised values");

int
reg_person_row_check(const struct kbo_row *row, char buf[REG_ROW_BUF],
    struct reg_person_row *out, char *reason, size_t len)
{
	static const char *const sexes[] = { "M", "F", "X" };
	const char *const *v = row->val;
	const size_t *n = row->len;
	struct be_niss niss;
	enum be_reason r;
	char shownbuf[32];

	out->niss = out->last_name = out->first_names = "";
	out->birth_date = out->sex = out->language = out->country = "";
	if (v[P_NISS] == NULL)
		return refuse(reason, len, "NISS is empty");
	r = be_niss_parse(v[P_NISS], &niss);
	if (r != BE_OK)
		return refuse(reason, len, "NISS: %s", why(r));
	memcpy(buf + BUF_NISS, niss.digits, 12);
	out->niss = buf + BUF_NISS;

	if (v[P_LAST] == NULL || !text_ok(v[P_LAST], n[P_LAST]))
		return refuse(reason, len, "LastName is empty, has a control character or is "
		    "longer than %d characters", REG_TEXT_MAX);
	out->last_name = v[P_LAST];
	if (v[P_FIRST] == NULL || !text_ok(v[P_FIRST], n[P_FIRST]))
		return refuse(reason, len, "FirstNames is empty, has a control character or is "
		    "longer than %d characters", REG_TEXT_MAX);
	out->first_names = v[P_FIRST];

	if (v[P_BIRTH] != NULL) {
		int y, m, d;

		if (reg_date(v[P_BIRTH], n[P_BIRTH], buf + BUF_BIRTH) != 0)
			return refuse(reason, len, "BirthDate \"%s\": not a date (yyyy-mm-dd)",
			    shown(v[P_BIRTH], n[P_BIRTH], shownbuf));
		out->birth_date = buf + BUF_BIRTH;
		digits(out->birth_date, 4, &y);
		digits(out->birth_date + 5, 2, &m);
		digits(out->birth_date + 8, 2, &d);
		if (y != niss.birth_year || (niss.birth_month != 0 && m != niss.birth_month) ||
		    (niss.birth_day != 0 && d != niss.birth_day))
			return refuse(reason, len, "BirthDate does not match the birth date in "
			    "the NISS");
	}
	if (v[P_SEX] != NULL) {
		int c = n[P_SEX] == 1 ? lower(v[P_SEX][0]) : 0;

		if (c != 'm' && c != 'f' && c != 'x')
			return refuse(reason, len, "Sex \"%s\": M, F or X expected",
			    shown(v[P_SEX], n[P_SEX], shownbuf));
		out->sex = sexes[c == 'm' ? 0 : c == 'f' ? 1 : 2];
	}
	if (v[P_LANG] != NULL) {
		static const char *const langs[] = { "fr", "nl", "de", "en" };
		bool ok = false;

		if (n[P_LANG] == 2) {
			char l0 = (char)lower(v[P_LANG][0]), l1 = (char)lower(v[P_LANG][1]);

			for (size_t i = 0; i < 4 && !ok; i++)
				if (l0 == langs[i][0] && l1 == langs[i][1]) {
					out->language = langs[i];
					ok = true;
				}
		}
		if (!ok)
			return refuse(reason, len, "Language \"%s\": fr, nl, de or en expected",
			    shown(v[P_LANG], n[P_LANG], shownbuf));
	}
	if (v[P_COUNTRY] == NULL || n[P_COUNTRY] != 2 ||
	    lower(v[P_COUNTRY][0]) < 'a' || lower(v[P_COUNTRY][0]) > 'z' ||
	    lower(v[P_COUNTRY][1]) < 'a' || lower(v[P_COUNTRY][1]) > 'z')
		return refuse(reason, len, "Country \"%s\": a two-letter ISO 3166 code expected",
		    v[P_COUNTRY] ? shown(v[P_COUNTRY], n[P_COUNTRY], shownbuf) : "");
	buf[BUF_COUNTRY] = (char)(lower(v[P_COUNTRY][0]) - 32);
	buf[BUF_COUNTRY + 1] = (char)(lower(v[P_COUNTRY][1]) - 32);
	buf[BUF_COUNTRY + 2] = '\0';
	out->country = buf + BUF_COUNTRY;
	return 0;
}

static bool
code_ok(const char *s, size_t n)
{
	if (n == 0 || n > REG_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

int
reg_function_row_check(const struct kbo_row *row, char buf[REG_ROW_BUF],
    struct reg_function_row *out, char *reason, size_t len)
{
	const char *const *v = row->val;
	const size_t *n = row->len;
	enum be_reason r;
	char shownbuf[32];

	out->enterprise = out->rep_niss = out->rep_enterprise = "";
	out->code = out->label = out->begin = out->end = "";
	if (v[F_ENT] == NULL)
		return refuse(reason, len, "EnterpriseNumber is empty");
	r = be_enterprise_parse(v[F_ENT], buf + BUF_ENT);
	out->enterprise = buf + BUF_ENT;
	if (r != BE_OK)
		return refuse(reason, len, "EnterpriseNumber \"%s\": %s",
		    shown(v[F_ENT], n[F_ENT], shownbuf), why(r));

	if ((v[F_NISS] == NULL) == (v[F_REP_ENT] == NULL))
		return refuse(reason, len, "give the representative either as "
		    "RepresentativeNISS or as RepresentativeEnterpriseNumber, %s",
		    v[F_NISS] == NULL ? "none is given" : "not both");
	if (v[F_NISS] != NULL) {
		struct be_niss niss;

		r = be_niss_parse(v[F_NISS], &niss);
		if (r != BE_OK)
			return refuse(reason, len, "RepresentativeNISS: %s", why(r));
		memcpy(buf + BUF_REP_NISS, niss.digits, 12);
		out->rep_niss = buf + BUF_REP_NISS;
	} else {
		r = be_enterprise_parse(v[F_REP_ENT], buf + BUF_REP_ENT);
		out->rep_enterprise = buf + BUF_REP_ENT;
		if (r != BE_OK)
			return refuse(reason, len, "RepresentativeEnterpriseNumber \"%s\": %s",
			    shown(v[F_REP_ENT], n[F_REP_ENT], shownbuf), why(r));
		if (strcmp(out->rep_enterprise, out->enterprise) == 0)
			return refuse(reason, len, "an enterprise cannot represent itself");
	}

	if (v[F_CODE] == NULL || !code_ok(v[F_CODE], n[F_CODE]))
		return refuse(reason, len, "FunctionCode \"%s\": 1 to %d letters, digits, '-', "
		    "'_' or '.' expected", v[F_CODE] ? shown(v[F_CODE], n[F_CODE], shownbuf) : "",
		    REG_CODE_MAX);
	out->code = v[F_CODE];
	if (v[F_LABEL] == NULL || !text_ok(v[F_LABEL], n[F_LABEL]))
		return refuse(reason, len, "FunctionLabel is empty, has a control character or "
		    "is longer than %d characters", REG_TEXT_MAX);
	out->label = v[F_LABEL];

	if (v[F_BEGIN] == NULL)
		return refuse(reason, len, "BeginDate is empty");
	if (reg_date(v[F_BEGIN], n[F_BEGIN], buf + BUF_BEGIN) != 0)
		return refuse(reason, len, "BeginDate \"%s\": not a date (yyyy-mm-dd)",
		    shown(v[F_BEGIN], n[F_BEGIN], shownbuf));
	out->begin = buf + BUF_BEGIN;
	if (v[F_END] != NULL) {
		if (reg_date(v[F_END], n[F_END], buf + BUF_END) != 0)
			return refuse(reason, len, "EndDate \"%s\": not a date (yyyy-mm-dd)",
			    shown(v[F_END], n[F_END], shownbuf));
		out->end = buf + BUF_END;
		if (strcmp(out->end, out->begin) <= 0)
			return refuse(reason, len, "EndDate %s is not after BeginDate %s",
			    out->end, out->begin);
	}
	return 0;
}
