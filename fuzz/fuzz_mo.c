/* fuzz_mo.c — libFuzzer driver for the .mo reader (i18n_parse_mo, the parser i18n_load uses)
 * and, on the same bytes as a header value, for Accept-Language negotiation.
 * Build: clang -fsanitize=fuzzer,address -Isrc fuzz/fuzz_mo.c src/web/i18n.c src/base/utf8.c
 * Seeds: msgfmt -o corpus/nl.mo po/nl.po; msgfmt --endianness=big -o corpus/nl-be.mo po/nl.po */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	const char *lang;
	char *hdr;
	int n;

	/* libFuzzer hands an exact-size buffer: any read past the end is caught by ASan. */
	err[0] = '\0';
	n = i18n_parse_mo(data, size, err, sizeof(err));
	if (n < -1)
		abort();
	if (n == -1 && (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL))
		abort();		/* a refusal always says why */

	hdr = malloc(size + 1);
	if (hdr == NULL)
		return 0;
	memcpy(hdr, data, size);
	hdr[size] = '\0';
	lang = i18n_negotiate(NULL, hdr);
	if (!i18n_supported(lang))
		abort();
	if (i18n_negotiate(hdr, NULL) == NULL)
		abort();
	free(hdr);
	return 0;
}
