/* fuzz_be.c — libFuzzer driver for be/: every parser on arbitrary bytes, and on
 * acceptance the formatted form must parse back to the same digits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "be/be.h"
#include "fuzz_common.h"

static void
fuzz_niss(const char *in)
{
	struct be_niss n, again;
	char shown[16], masked[16];

	if (be_niss_parse(in, &n) != BE_OK)
		return;
	check(strlen(n.digits) == 11);
	check(n.birth_month >= 0 && n.birth_month <= 12);
	check(n.birth_day >= 0 && n.birth_day <= 31);
	check(n.sequence >= 1 && n.sequence <= 998);
	check(n.birth_year >= 1900 && n.birth_year <= 2099);
	be_niss_format(n.digits, shown);
	check(strlen(shown) == 15);
	check(be_niss_parse(shown, &again) == BE_OK);
	check(strcmp(again.digits, n.digits) == 0);
	be_niss_mask(n.digits, masked);
	check(strlen(masked) == 15);
	check(strncmp(masked, "XX.XX.XX-XXX.", 13) == 0);
}

static void
fuzz_kbo(const char *in)
{
	char d[11], again[11], shown[14];

	if (be_enterprise_parse(in, d) == BE_OK) {
		check(strlen(d) == 10 && (d[0] == '0' || d[0] == '1'));
		be_enterprise_format(d, shown);
		check(be_enterprise_parse(shown, again) == BE_OK);
		check(strcmp(d, again) == 0);
		be_vat_format(d, shown);
		check(be_vat_parse(shown, again) == BE_OK);
		check(strcmp(d, again) == 0);
	}
	if (be_establishment_parse(in, d) == BE_OK) {
		check(strlen(d) == 10 && d[0] >= '2' && d[0] <= '8');
		be_establishment_format(d, shown);
		check(be_establishment_parse(shown, again) == BE_OK);
		check(strcmp(d, again) == 0);
	}
	if (be_vat_parse(in, d) == BE_OK)
		check(be_enterprise_parse(d, again) == BE_OK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum be_reason r;
	char *in;

	in = fuzz_string(data, size);

	fuzz_niss(in);
	fuzz_kbo(in);
	for (r = BE_OK; r <= BE_PREFIX; r++)
		check(be_reason_msgid(r) != NULL);

	free(in);
	return 0;
}
