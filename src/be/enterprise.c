/* enterprise.c — Belgian enterprise numbers, establishment unit numbers and BE VAT
 * numbers (KBO/BCE, mod-97), their display forms, and the French text of every reason. */
#include "be/be.h"

#include "base/msgid.h"

#include <string.h>

#define KBO_DIGITS	10

enum kbo_prefix {
	KBO_PREFIX_NONE,	/* letters are refused as characters */
	KBO_PREFIX_OPTIONAL,	/* "BE" may be typed before the number */
	KBO_PREFIX_REQUIRED,	/* "BE" must be typed before the number */
};

struct kbo_rule {
	enum kbo_prefix prefix;
	char first_lo;		/* allowed range of the first digit */
	char first_hi;
	int old_nine;		/* 9 digits accepted, read with a leading 0 */
};

static const struct kbo_rule rule_enterprise = { KBO_PREFIX_OPTIONAL, '0', '1', 1 };
static const struct kbo_rule rule_establishment = { KBO_PREFIX_NONE, '2', '8', 0 };
static const struct kbo_rule rule_vat = { KBO_PREFIX_REQUIRED, '0', '1', 1 };

/* Indexed by enum be_reason; msgids of the i18n catalogues, keep them in step. */
static const char *const reason_msgid[] = {
	[BE_OK] = N_("Le numéro est valide."),
	[BE_EMPTY] = N_("Veuillez introduire un numéro."),
	[BE_CHARS] = N_("Le numéro ne peut contenir que des chiffres, des points, "
	    "des tirets et des espaces."),
	[BE_LENGTH] = N_("Le numéro ne compte pas le bon nombre de chiffres."),
	[BE_CHECKSUM] = N_("Le numéro est invalide : les chiffres de contrôle ne "
	    "correspondent pas."),
	[BE_DATE] = N_("La date de naissance contenue dans le numéro n'existe pas."),
	[BE_SEQUENCE] = N_("Le numéro d'ordre qui suit la date de naissance ne peut "
	    "être ni 000 ni 999."),
	[BE_FIRST_DIGIT] = N_("Le premier chiffre ne convient pas : un numéro "
	    "d'entreprise commence par 0 ou 1, un numéro d'unité "
	    "d'établissement par un chiffre de 2 à 8."),
	[BE_PREFIX] = N_("Un numéro de TVA belge doit commencer par BE."),
};
/* For a value outside the enum, which only a bug can produce. */
static const char reason_unknown[] = N_("Le numéro n'est pas accepté.");

static int
kbo_is_sep(char c)
{
	return c == '.' || c == '-' || c == ' ';
}

static int
kbo_is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
kbo_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Consumes an optional or required "BE" (any case) in front of the number. */
static enum be_reason
kbo_skip_prefix(const char **pp, enum kbo_prefix mode, int *had)
{
	const char *p = *pp;

	*had = 0;
	if (mode == KBO_PREFIX_NONE)
		return BE_OK;
	if ((p[0] == 'B' || p[0] == 'b') && (p[1] == 'E' || p[1] == 'e')) {
		*pp = p + 2;
		*had = 1;
		return BE_OK;
	}
	if (mode == KBO_PREFIX_OPTIONAL)
		return BE_OK;
	/* Another country code, or a bare number, where a BE VAT number is asked. */
	if (kbo_is_alpha(p[0]) || kbo_is_digit(p[0]))
		return BE_PREFIX;
	return BE_CHARS;
}

static enum be_reason
kbo_parse(const char *in, const struct kbo_rule *rule, char out10[11])
{
	char d[KBO_DIGITS + 1];
	enum be_reason r;
	size_t n = 0;
	int had_prefix, check, i, body;

	if (in == NULL)
		return BE_EMPTY;
	while (*in == ' ')
		in++;
	if (*in == '\0')
		return BE_EMPTY;
	r = kbo_skip_prefix(&in, rule->prefix, &had_prefix);
	if (r != BE_OK)
		return r;

	for (; *in != '\0'; in++) {
		if (kbo_is_sep(*in))
			continue;
		if (!kbo_is_digit(*in))
			return BE_CHARS;
		if (n < KBO_DIGITS)
			d[n] = *in;
		if (n <= KBO_DIGITS)
			n++;
	}
	if (n == 0 && !had_prefix)
		return BE_EMPTY;
	if (n == KBO_DIGITS - 1 && rule->old_nine) {
		memmove(d + 1, d, KBO_DIGITS - 1);
		d[0] = '0';
		n = KBO_DIGITS;
	}
	if (n != KBO_DIGITS)
		return BE_LENGTH;
	d[KBO_DIGITS] = '\0';

	if (d[0] < rule->first_lo || d[0] > rule->first_hi)
		return BE_FIRST_DIGIT;
	body = 0;
	for (i = 0; i < 8; i++)
		body = body * 10 + (d[i] - '0');
	check = (d[8] - '0') * 10 + (d[9] - '0');
	if (check != 97 - body % 97)
		return BE_CHECKSUM;

	if (out10 != NULL)
		memcpy(out10, d, KBO_DIGITS + 1);
	return BE_OK;
}

/* Lays digits out along shape, where '#' takes the next digit. */
static void
kbo_layout(const char *shape, const char *digits, char *out)
{
	size_t i, j = 0;

	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == '#')
			out[i] = digits[j++];
		else
			out[i] = shape[i];
	}
	out[i] = '\0';
}

enum be_reason
be_enterprise_parse(const char *in, char out10[11])
{
	return kbo_parse(in, &rule_enterprise, out10);
}

void
be_enterprise_format(const char *digits10, char out[13])
{
	kbo_layout("####.###.###", digits10, out);
}

enum be_reason
be_establishment_parse(const char *in, char out10[11])
{
	return kbo_parse(in, &rule_establishment, out10);
}

void
be_establishment_format(const char *digits10, char out[14])
{
	kbo_layout("#.###.###.###", digits10, out);
}

enum be_reason
be_vat_parse(const char *in, char out10[11])
{
	return kbo_parse(in, &rule_vat, out10);
}

void
be_vat_format(const char *digits10, char out[13])
{
	kbo_layout("BE##########", digits10, out);
}

const char *
be_reason_msgid(enum be_reason r)
{
	size_t i = (size_t)r;

	if (i >= sizeof(reason_msgid) / sizeof(reason_msgid[0]) ||
	    reason_msgid[i] == NULL)
		return reason_unknown;
	return reason_msgid[i];
}
