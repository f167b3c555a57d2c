/* value.c — the rules of each typed value, written once: e-mail, phone, user name, names,
 * text, dates, URLs; the Belgian numbers are read by be/. Every form and service uses them. */
#include "value/value.h"

#include <string.h>

#include "base/msgid.h"
#include "base/utf8.h"
#include "be/be.h"

#define TEXT_DEFAULT_MAX 1000      /* characters of a text field without its own limit */

static bool
ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool
ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The local part: 1 to 64 characters of RFC 5322 atext and dots, no dot first, last or
 * twice in a row (a dot-atom; quoted local parts are not accepted). */
static bool
email_local_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!ascii_alnum(s[i]) && strchr("!#$%&'*+/=?^_`{|}~.-", s[i]) == NULL)
			return false;
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
	}
	return true;
}

/* The domain: at least two labels of 1 to 63 letters, digits and hyphens, no hyphen at
 * either end of a label (RFC 1035 §2.3.1), the last label 2 letters or more. */
static bool
email_domain_ok(const char *s)
{
	size_t labels = 0;
	const char *last = s;

	for (const char *p = s;; p++) {
		size_t len = 0;

		last = p;
		while (ascii_alnum(p[len]) || p[len] == '-')
			len++;
		if (len == 0 || len > 63 || p[0] == '-' || p[len - 1] == '-')
			return false;
		labels++;
		p += len;
		if (*p == '\0')
			break;
		if (*p != '.')
			return false;
	}
	if (labels < 2 || strlen(last) < 2)
		return false;
	for (const char *p = last; *p != '\0'; p++)
		if (!ascii_alpha(*p))
			return false;
	return true;
}

static bool
email_ok(const char *s, size_t n)
{
	const char *at = strchr(s, '@');

	if (n < 6 || at == NULL || strchr(at + 1, '@') != NULL)
		return false;
	return email_local_ok(s, (size_t)(at - s)) && email_domain_ok(at + 1);
}

static bool
phone_ok(const char *s)
{
	size_t digits = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (strchr(" +./-()", *s) == NULL)
			return false;
	}
	return digits >= VALUE_PHONE_DIGITS_MIN && digits <= VALUE_PHONE_DIGITS_MAX;
}

static bool
username_ok(const char *s, size_t n)
{
	if (n < VALUE_USERNAME_MIN || n > VALUE_USERNAME_MAX || !ascii_alnum(s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ascii_alnum(s[i]) && strchr("._-@", s[i]) == NULL)
			return false;
	return true;
}

/* Visible UTF-8 text: no control character, not only spaces; names also refuse < and >. */
static bool
text_ok(const char *s, size_t n, bool name)
{
	bool visible = false;

	if (!utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < ' ' || c == 0x7f || (name && (c == '<' || c == '>')))
			return false;
		if (c != ' ')
			visible = true;
	}
	return visible;
}

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* yyyy-mm-dd that exists in the Gregorian calendar (29 February in leap years only), from
 * 1800: the registers hold enterprises founded and people born in the 19th century. */
static bool
date_ok(const char *s, size_t n)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = two(s) * 100 + two(s + 2);
	m = two(s + 5);
	d = two(s + 8);
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* http:// or https://, a host (no user information: no '@' anywhere), printable ASCII
 * without spaces or a fragment. What a field adds (https only, no query) is the caller's. */
static bool
url_ok(const char *s, size_t n)
{
	const char *host;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '#')
			return false;
	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	return host[0] != '\0' && strchr("/:?", host[0]) == NULL && strchr(host, '@') == NULL;
}

static const char *
invalid_msgid(enum value_type t)
{
	switch (t) {
	case VALUE_EMAIL:
		return N_("L'adresse e-mail n'est pas valide (exemple : nom@exemple.be).");
	case VALUE_PHONE:
		return N_("Le numéro de téléphone n'est pas valide (chiffres, espaces, + . / - et parenthèses).");
	case VALUE_USERNAME:
		return N_("Le nom d'utilisateur compte de 3 à 64 caractères : lettres, chiffres, point, tiret, trait de soulignement ou @.");
	case VALUE_PERSON_NAME:
		return N_("Le nom contient des caractères non admis ou est trop long.");
	case VALUE_DATE:
		return N_("La date n'est pas valide (format AAAA-MM-JJ).");
	case VALUE_INAMI:
		return N_("Le numéro INAMI compte 11 chiffres, par exemple 1-23456-78-901.");
	default:
		return N_("Cette valeur contient des caractères non admis ou est trop longue.");
	}
}

static bool
is_number(enum value_type t)
{
	return t == VALUE_NISS || t == VALUE_ENTERPRISE || t == VALUE_ESTABLISHMENT;
}

/* Reads a Belgian number through be/; the normalised value is its bare digits. */
static enum value_status
be_number(enum value_type t, const char *in, char digits[12], const char **msgid)
{
	struct be_niss niss;
	enum be_reason r;

	if (t == VALUE_NISS) {
		r = be_niss_parse(in, &niss);
		if (r == BE_OK)
			memcpy(digits, niss.digits, sizeof(niss.digits));
	} else if (t == VALUE_ENTERPRISE) {
		r = be_enterprise_parse(in, digits);
	} else {
		r = be_establishment_parse(in, digits);
	}
	if (r != BE_OK)
		*msgid = be_reason_msgid(r);
	return r == BE_OK ? VALUE_OK : r == BE_EMPTY ? VALUE_EMPTY : VALUE_INVALID;
}

/* An INAMI/RIZIV number: 11 digits, typed bare or as X-XXXXX-XX-XXX (dashes, dots or
 * spaces at those places only). The number's structure (a category digit, five digits,
 * two check digits, a three-digit qualification) is public, its check-digit rule is not
 * documented for every category: only the digits and their grouping are checked
 * (docs/org-identifiers.md). digits receives the 11 digits. */
static bool
inami_ok(const char *in, size_t n, char digits[12])
{
	/* bare, or with one kind of separator at offsets 1, 7 and 10 */
	bool grouped = n == 14 && (in[1] == '-' || in[1] == '.' || in[1] == ' ') &&
	    in[7] == in[1] && in[10] == in[1];
	size_t k = 0;

	if (n != 11 && !grouped)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (grouped && (i == 1 || i == 7 || i == 10))
			continue;
		if (in[i] < '0' || in[i] > '9')
			return false;
		digits[k++] = in[i];
	}
	digits[k] = '\0';
	return k == 11;
}

void
value_inami_format(const char digits[12], char out[15])
{
	memcpy(out, digits, 1);
	out[1] = '-';
	memcpy(out + 2, digits + 1, 5);
	out[7] = '-';
	memcpy(out + 8, digits + 6, 2);
	out[10] = '-';
	memcpy(out + 11, digits + 8, 3);
	out[14] = '\0';
}

/* The type's own bound, and whether limits count code points (text) or bytes. */
static size_t
type_max(enum value_type t, bool *chars)
{
	*chars = t == VALUE_TEXT || t == VALUE_PERSON_NAME;
	switch (t) {
	case VALUE_EMAIL:
		return VALUE_EMAIL_MAX;
	case VALUE_USERNAME:
		return VALUE_USERNAME_MAX;
	case VALUE_PHONE:
		return 64;
	case VALUE_NISS:
	case VALUE_ENTERPRISE:
	case VALUE_ESTABLISHMENT:
		return 64;
	case VALUE_DATE:
		return 10;
	case VALUE_URL:
		return 2048;
	case VALUE_INAMI:
		return 14;
	default:
		return TEXT_DEFAULT_MAX;
	}
}

static bool
type_ok(enum value_type t, const char *in, size_t n)
{
	switch (t) {
	case VALUE_EMAIL:
		return email_ok(in, n);
	case VALUE_PHONE:
		return phone_ok(in);
	case VALUE_USERNAME:
		return username_ok(in, n);
	case VALUE_PERSON_NAME:
		return text_ok(in, n, true);
	case VALUE_DATE:
		return date_ok(in, n);
	case VALUE_URL:
		return url_ok(in, n);
	default:
		return text_ok(in, n, false);
	}
}

enum value_status
value_parse(enum value_type t, const char *in, size_t limit, char *out, size_t outlen,
    const char **msgid)
{
	const char *why = NULL, *norm = in;
	char digits[12];
	enum value_status st = VALUE_OK;
	size_t n, max, len;
	bool chars;

	if (msgid == NULL)
		msgid = &why;
	*msgid = NULL;
	if ((int)t < 0 || t >= VALUE__TYPES) {
		*msgid = invalid_msgid(VALUE_TEXT);
		return VALUE_INVALID;
	}
	max = type_max(t, &chars);
	/* A caller's limit may narrow a type's bound, never widen it (an e-mail address is
	 * never longer than 254 bytes); texts take the limit of their field. */
	if (limit == 0 || (!chars && limit > max))
		limit = max;
	n = in ? strnlen(in, 4 * limit + 1) : 0;
	if (n == 0) {
		*msgid = is_number(t) ? be_reason_msgid(BE_EMPTY) : N_("Ce champ est obligatoire.");
		return VALUE_EMPTY;
	}
	len = chars && utf8_valid(in, n) ? utf8_len(in, n) : n;
	if (n > 4 * limit || len > limit) {
		*msgid = is_number(t) ? be_reason_msgid(BE_LENGTH) : invalid_msgid(t);
		return VALUE_TOO_LONG;
	}
	if (is_number(t)) {
		st = be_number(t, in, digits, msgid);
		norm = digits;
	} else if (t == VALUE_INAMI) {
		if (!inami_ok(in, n, digits)) {
			*msgid = invalid_msgid(t);
			st = VALUE_INVALID;
		}
		norm = digits;
	} else if (!type_ok(t, in, n)) {
		*msgid = invalid_msgid(t);
		st = VALUE_INVALID;
	}
	if (st != VALUE_OK)
		return st;
	if (out != NULL) {
		size_t k = strlen(norm);

		if (k >= outlen)
			return VALUE_NOSPACE;
		memcpy(out, norm, k + 1);
	}
	return VALUE_OK;
}

bool
value_ok(enum value_type t, const char *s, size_t limit)
{
	return value_parse(t, s, limit, NULL, 0, NULL) == VALUE_OK;
}

const char *
value_type_name(enum value_type t)
{
	static const char *const names[VALUE__TYPES] = {
		"text", "person_name", "email", "phone", "username", "niss", "enterprise",
		"establishment", "date", "url", "inami",
	};

	return (int)t >= 0 && t < VALUE__TYPES ? names[t] : "unknown";
}

const char *
value_field_check(const struct value_field *f, const char *in, char *out, size_t outlen)
{
	const char *msgid = NULL;
	enum value_status st;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	st = value_parse(f->type, in, f->limit, out, outlen, &msgid);
	if (st == VALUE_OK)
		return NULL;
	if (st == VALUE_EMPTY && !f->required)
		return NULL;
	if (st == VALUE_EMPTY)
		return f->msg_missing ? f->msg_missing : msgid;
	return f->msg_invalid ? f->msg_invalid : msgid;
}

size_t
value_check_fields(const struct value_field *fields, size_t n, const char *const in[],
    value_report_fn report, void *arg)
{
	size_t refused = 0;

	for (size_t i = 0; i < n; i++) {
		const char *why = value_field_check(&fields[i], in[i], NULL, 0);

		if (why != NULL) {
			report(arg, fields[i].name, why);
			refused++;
		}
	}
	return refused;
}

/* What U+00C0 .. U+00FF become when names are compared. */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
};

/* The folded form of a name into out (n bytes); false when it does not fit. */
static bool
fold(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	while (*p != '\0') {
		const char *add = NULL;
		char one[2] = { 0, 0 };
		size_t len = 1;

		if (*p == ' ' || *p == '-' || *p == '\'' || *p == '.') {
			p++;
			continue;
		}
		if (*p < 0x80) {
			one[0] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
			add = one;
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99) {
			p += 3;      /* ’ */
			continue;
		} else if ((p[0] == 0xC3) && (p[1] & 0xC0) == 0x80) {
			add = latin1_fold[(p[1] & 0x3F) + 0x00];
			len = 2;
			if (add == NULL) {
				one[0] = '?';
				add = one;
			}
		} else {
			/* Other letters are compared as they are. */
			len = (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
			for (size_t i = 0; i < len; i++) {
				if (p[i] == '\0' || o + 1 >= n)
					return false;
				out[o++] = (char)p[i];
			}
			p += len;
			continue;
		}
		for (const char *a = add; *a != '\0'; a++) {
			if (o + 1 >= n)
				return false;
			out[o++] = *a;
		}
		p += len;
	}
	out[o] = '\0';
	return true;
}

bool
value_same_name(const char *a, const char *b)
{
	char fa[512], fb[512];

	if (a == NULL || b == NULL || !fold(a, fa, sizeof(fa)) || !fold(b, fb, sizeof(fb)))
		return false;
	return fa[0] != '\0' && strcmp(fa, fb) == 0;
}
