/* be.h — Belgian identifiers: NISS (national register and BIS numbers),
 * enterprise numbers, establishment unit numbers, VAT BE. Pure code, no I/O. */
#ifndef PORTIER_BE_H
#define PORTIER_BE_H

#include <stdbool.h>
#include <stddef.h>

/* Why an identifier was refused; be_reason_msgid() gives the French msgid the UI translates. */
enum be_reason {
	BE_OK = 0,
	BE_EMPTY,          /* nothing typed */
	BE_CHARS,          /* characters other than digits and the accepted separators */
	BE_LENGTH,         /* wrong number of digits */
	BE_CHECKSUM,       /* mod-97 check digits do not match */
	BE_DATE,           /* NISS: impossible month or day */
	BE_SEQUENCE,       /* NISS: sequence 000 or 999 */
	BE_FIRST_DIGIT,    /* enterprise must start with 0 or 1, establishment with 2-8 */
	BE_PREFIX,         /* VAT: country prefix other than BE */
};

/* Kind of NISS, from the month field. */
enum be_niss_kind { BE_NISS_NATIONAL, BE_NISS_BIS };

/* digits is the fixed-format value this parser produces (always 11 digits and the NUL),
 * hence an array: texts of other lengths are never held here. */
struct be_niss {
	char digits[12];          /* 11 digits, NUL-terminated */
	enum be_niss_kind kind;
	int birth_year;           /* 4 digits, century chosen by the check digits */
	int birth_month;          /* 1-12, 0 = unknown */
	int birth_day;            /* 1-31, 0 = unknown */
	int sequence;             /* 1-998 */
	bool male;                /* odd sequence; meaningless for a BIS number with
	                             month + 20 (sex unknown when it was given) */
};

/* Parses a NISS typed with or without dots, dashes and spaces.
 * Returns BE_OK and fills *out (out may be NULL), or the reason it is refused. */
enum be_reason be_niss_parse(const char *in, struct be_niss *out);
/* Writes "YY.MM.DD-SSS.CC" of 11 valid digits into out (at least 16 bytes). */
void be_niss_format(const char *digits11, char out[16]);
/* Writes a masked form for logs and lists into out (16 bytes): "XX.XX.XX-XXX.CC".
 * Only the two check digits remain: the birth date is personal data too. */
void be_niss_mask(const char *digits11, char out[16]);

/* Parses an enterprise number: "0552.627.113", "0552627113", "BE 0552 627 113",
 * "BE0552627113", old 9-digit "552627113" (read with a leading 0); "BE" in any case,
 * separators dots, dashes and spaces. On BE_OK writes 10 digits into out10 (11 bytes,
 * may be NULL). */
enum be_reason be_enterprise_parse(const char *in, char out10[11]);
/* Writes "0552.627.113" of 10 valid digits into out (13 bytes). */
void be_enterprise_format(const char *digits10, char out[13]);
/* Parses an establishment unit number ("2.190.171.611" or 10 digits, first digit 2-8). */
enum be_reason be_establishment_parse(const char *in, char out10[11]);
/* Writes "2.190.171.611" of 10 valid digits into out (14 bytes). */
void be_establishment_format(const char *digits10, char out[14]);
/* Parses a Belgian VAT number ("BE0552627113", "BE 0552.627.113"); out10 as enterprise.
 * Without "BE", or with another country code, returns BE_PREFIX. */
enum be_reason be_vat_parse(const char *in, char out10[11]);
/* Writes "BE0552627113" into out (13 bytes). */
void be_vat_format(const char *digits10, char out[13]);

/* French msgid of a reason, a full sentence for the i18n layer ("Le numéro est invalide :
 * les chiffres de contrôle ne correspondent pas.", ...); static, never NULL. */
const char *be_reason_msgid(enum be_reason r);

#endif
